import HopTraceCore

/// RFC 6376 §3.2 tag=value lists: the one parser behind DKIM-Signature, DKIM key records,
/// ARC-Seal, ARC-Message-Signature (`DKIMTagList`) and DMARC records (`DMARCParser`, RFC 7489
/// §6.4 adopts the grammar).
///
///     tag-list  =  tag-spec *( ";" tag-spec ) [ ";" ]
///     tag-spec  =  [FWS] tag-name [FWS] "=" [FWS] tag-value [FWS]
///     tag-name  =  ALPHA *ALNUMPUNC
///     tag-value =  [ tval *( 1*(WSP / FWS) tval ) ]
///     tval      =  1*VALCHAR
///     VALCHAR   =  %x21-3A / %x3C-7E      ; EXCLAMATION to TILDE except SEMICOLON
///     ALNUMPUNC =  ALPHA / DIGIT / "_"
///
/// Both dialects split the text at ";" and trim FWS around each tag-spec and value. They differ
/// where receivers differ:
/// - `.signature` (DKIM, ARC) follows the grammar: an empty tag-spec other than the last, a bad
///   tag name, a missing "=", a control character in a value and a duplicate tag are errors;
///   value bytes that are not UTF-8 are kept as Latin-1 characters (`DKIMText.lenientString`).
/// - `.record` (DMARC) reads published records as OpenDMARC does: empty tag-specs are skipped;
///   the name is the text before the first "=" (white space around it dropped, lower-cased);
///   a name that is not `ALPHA *(ALNUMPUNC / "-")` is a warning and the tag is skipped (unknown
///   tags MUST be ignored, RFC 7489 §6.3; hyphenated `x-` tags are published in the wild);
///   duplicates are left to the caller; bytes that are not UTF-8 become U+FFFD.
public enum TagList {
    public enum Dialect: Sendable, Hashable {
        /// DKIM and ARC header fields and DKIM key records.
        case signature
        /// DMARC records.
        case record
    }

    /// One tag-spec as read.
    public struct Spec: Sendable, Hashable {
        public var name: String
        /// The value with the FWS around it removed (inner FWS kept as written).
        public var value: String
        /// Byte offset of the tag name.
        public var offset: Int
        /// Byte range after "=" up to ";" or the end, surrounding white space included.
        public var valueRange: Range<Int>
        /// Byte range of the tag-spec without the FWS around it.
        public var range: Range<Int>
    }

    @inline(__always) static func isFWS(_ b: UInt8) -> Bool { ASCIITrim.isFWS(b) }
    @inline(__always) static func isAlpha(_ b: UInt8) -> Bool { (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) }
    @inline(__always) static func isAlnumPunc(_ b: UInt8) -> Bool {
        isAlpha(b) || (b >= 0x30 && b <= 0x39) || b == 0x5F
    }

    /// Parses `text[start...]` as a tag-list. Offsets in the result, the warnings and errors
    /// index `text`. At most `maxTags` tags are read; one more is an error. Warnings (`.record`
    /// only) are appended while fewer than `maxTags` are held.
    public static func parse(
        _ text: [UInt8], from start: Int = 0, dialect: Dialect, maxTags: Int,
        warnings: inout [TagListSyntaxError]
    ) throws(TagListSyntaxError) -> [Spec] {
        var tags: [Spec] = []
        var seen = Set<String>()
        let n = text.count
        var s = start
        while true {
            var end = s
            while end < n && text[end] != 0x3B { end += 1 }
            let trimmed = ASCIITrim.trimmed(text[s..<end], where: isFWS)
            let ts = trimmed.startIndex
            let te = trimmed.endIndex
            if ts == te {
                if end == n { return tags }
                // An empty tag-spec before another ";".
                if dialect == .signature {
                    throw TagListSyntaxError(
                        .invalid, offset: end, tag: "", reason: "empty tag-spec (\";;\")",
                        hint: "RFC 6376 §3.2 allows one trailing \";\" only")
                }
                s = end + 1
                continue
            }
            let spec: Spec?
            switch dialect {
            case .signature: spec = try signatureSpec(text, ts, te, end, seen: seen)
            case .record: spec = try recordSpec(text, ts, te, end, warnings: &warnings, maxTags: maxTags)
            }
            if let spec {
                if tags.count >= maxTags {
                    throw dialect == .signature
                        ? TagListSyntaxError(
                            .invalid, offset: spec.offset, tag: spec.name, reason: "more than \(maxTags) tags",
                            hint: "hostile or broken tag-list; not read further")
                        : TagListSyntaxError(.invalid, offset: ts, tag: spec.name, reason: "more than \(maxTags) tags")
                }
                seen.insert(spec.name)
                tags.append(spec)
            }
            if end == n { return tags }
            s = end + 1
        }
    }

    /// `tag-spec` by the grammar, within `text[ts..<te]` (trimmed), `end` the ";" or the end.
    static func signatureSpec(
        _ text: [UInt8], _ ts: Int, _ te: Int, _ end: Int,
        seen: Set<String>
    ) throws(TagListSyntaxError) -> Spec {
        let n = text.count
        var i = ts
        guard isAlpha(text[i]) else {
            throw TagListSyntaxError(
                .invalid, offset: i, tag: "", reason: "tag name must start with a letter",
                hint: "tag-name = ALPHA *(ALPHA / DIGIT / \"_\")")
        }
        while i < n, isAlnumPunc(text[i]) { i += 1 }
        let name = String(decoding: text[ts..<i], as: UTF8.self)
        while i < n, isFWS(text[i]) { i += 1 }
        guard i < n else {
            throw TagListSyntaxError(.incomplete, offset: i, tag: name, reason: "tag \"\(name)\" has no \"=\"")
        }
        guard text[i] == 0x3D else {
            throw TagListSyntaxError(
                .invalid, offset: i, tag: name, reason: "expected \"=\" after tag name \"\(name)\"",
                hint: "tag names are letters, digits and \"_\"")
        }
        let valueRange = (i + 1)..<end
        let value = ASCIITrim.trimmed(text[valueRange], where: isFWS)
        for k in value.indices where text[k] < 0x20 && !isFWS(text[k]) || text[k] == 0x7F {
            throw TagListSyntaxError(
                .invalid, offset: k, tag: name, reason: "control character in the value of \"\(name)\"")
        }
        if seen.contains(name) {
            throw TagListSyntaxError(
                .invalid, offset: ts, tag: name, reason: "duplicate tag \"\(name)\"",
                hint: "RFC 6376 §3.2: tags with duplicate names MUST NOT occur")
        }
        return Spec(
            name: name, value: DKIMText.lenientString(Array(value)), offset: ts, valueRange: valueRange, range: ts..<te)
    }

    /// `tag-spec` as DMARC receivers read it, within `text[ts..<te]` (trimmed); nil for a tag
    /// skipped with a warning.
    static func recordSpec(
        _ text: [UInt8], _ ts: Int, _ te: Int, _ end: Int, warnings: inout [TagListSyntaxError],
        maxTags: Int
    ) throws(TagListSyntaxError) -> Spec? {
        let spec = text[ts..<te]
        guard let eq = spec.firstIndex(of: 0x3D) else {
            throw TagListSyntaxError(
                .invalid, offset: ts, tag: String(decoding: spec.prefix(32), as: UTF8.self),
                reason: "tag without \"=\"")
        }
        let name = String(decoding: ASCIITrim.trimmed(text[ts..<eq], where: ASCIITrim.isWSP), as: UTF8.self)
            .lowercased()
        let value = String(decoding: ASCIITrim.trimmed(text[(eq + 1)..<te], where: isFWS), as: UTF8.self)
        guard let first = name.utf8.first, isAlpha(first),
            name.utf8.allSatisfy({ isAlnumPunc($0) || $0 == UInt8(ascii: "-") })
        else {
            if warnings.count < maxTags {
                warnings.append(
                    TagListSyntaxError(
                        .invalid, offset: ts, tag: String(decoding: spec.prefix(32), as: UTF8.self),
                        reason: "\"\(name.prefix(32))\" is not a tag name", hint: "tag ignored"))
            }
            return nil
        }
        return Spec(name: name, value: value, offset: ts, valueRange: (eq + 1)..<end, range: ts..<te)
    }
}
