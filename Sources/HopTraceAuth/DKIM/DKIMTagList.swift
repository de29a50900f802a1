import HopTraceCore

/// Bounds on DKIM and ARC input. Every loop over attacker-written signature text is bounded by
/// one of these or by the input's length; each one is exercised by `DKIMHostileInputTests`.
public enum DKIMLimits {
    /// Most tags read from one tag-list (signature, key record, ARC-Seal). RFC 6376 defines 14
    /// signature tags; a list with more than this is refused as `permerror` rather than walked.
    public static let maxTags = 256
    /// Largest decoded `b=` accepted (bytes): an RSA-16384 signature. Larger is a syntax error.
    public static let maxSignatureBytes = 2_048
    /// Largest decoded `p=` accepted (bytes): an RSA key well beyond 8192 bits in SPKI form.
    public static let maxPublicKeyBytes = 2_048
    /// Smallest RSA modulus accepted (RFC 8301 §3.2: verifiers MUST NOT consider keys under
    /// 1024 bits valid).
    public static let minimumRSAKeyBits = 1_024
    /// Largest RSA modulus verified (bigger keys are refused: verification cost is attacker-chosen).
    public static let maximumRSAKeyBits = 8_192
    /// Most DKIM-Signature fields verified per message (the rest are reported as not verified).
    public static let maxSignaturesPerMessage = 32
    /// Most names in one `h=` list.
    public static let maxSignedHeaders = 512
    /// Most ARC instances (RFC 8617 §4.2.1: i= ranges 1..50).
    public static let maxARCInstances = 50
    /// Default tolerance for a `t=` in the future relative to the injected clock (seconds).
    public static let defaultClockSkewSeconds: Int64 = 3_600
}

/// A syntax error in a DKIM-Signature, key record, ARC header or z= copy.
public typealias DKIMSyntaxError = TagListSyntaxError

/// One `tag=value` of a tag-list, with where it stood.
public struct DKIMTag: Sendable, Hashable {
    public var name: String
    /// The value with the FWS around it removed (inner FWS kept as written).
    public var value: String
    /// Byte range of the tag-spec's value in the parsed text (after "=", up to ";" or the end,
    /// surrounding whitespace included): what `b=` emptying deletes.
    public var valueRange: Range<Int>
    /// Byte offset of the tag name.
    public var offset: Int
}

/// RFC 6376 §3.2 tag-value lists, shared by DKIM-Signature, the key record, ARC-Seal and
/// ARC-Message-Signature.
///
///     tag-list  =  tag-spec *( ";" tag-spec ) [ ";" ]
///     tag-spec  =  [FWS] tag-name [FWS] "=" [FWS] tag-value [FWS]
///     tag-name  =  ALPHA *ALNUMPUNC
///     tag-value =  [ tval *( 1*(WSP / FWS) tval ) ]
///     tval      =  1*VALCHAR
///     VALCHAR   =  %x21-3A / %x3C-7E      ; EXCLAMATION to TILDE except SEMICOLON
///     ALNUMPUNC =  ALPHA / DIGIT / "_"
public enum DKIMTagList {
    static func isFWS(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A }
    static func isAlpha(_ b: UInt8) -> Bool { (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) }
    static func isAlnumPunc(_ b: UInt8) -> Bool { isAlpha(b) || (b >= 0x30 && b <= 0x39) || b == 0x5F }

    /// Parses `text[start...]` as a tag-list. Offsets in the result and in errors index `text`.
    /// Duplicate tag names are an error (RFC 6376 §3.2: "Tags with duplicate names MUST NOT occur").
    /// Leniency: bytes above 0x7F are accepted inside values (z= copies of UTF-8 headers, RFC 6532
    /// mail); the signature check decides, not the parser.
    public static func tagList(_ text: [UInt8], from start: Int = 0) throws(DKIMSyntaxError) -> [DKIMTag] {
        var tags: [DKIMTag] = []
        var seen = Set<String>()
        var i = start
        let n = text.count
        while true {
            // tag-spec = [FWS] tag-name [FWS] "=" [FWS] tag-value [FWS]
            while i < n, isFWS(text[i]) { i += 1 }
            if i == n {
                // An empty list, or a trailing ";" (allowed once, at the end).
                if tags.isEmpty && i == start {
                    return tags
                }
                return tags
            }
            if text[i] == 0x3B {
                throw DKIMSyntaxError(.invalid, offset: i, tag: "", reason: "empty tag-spec (\";;\")",
                                      hint: "RFC 6376 §3.2 allows one trailing \";\" only")
            }
            let nameStart = i
            guard isAlpha(text[i]) else {
                throw DKIMSyntaxError(.invalid, offset: i, tag: "", reason: "tag name must start with a letter",
                                      hint: "tag-name = ALPHA *(ALPHA / DIGIT / \"_\")")
            }
            while i < n, isAlnumPunc(text[i]) { i += 1 }
            let name = String(decoding: text[nameStart..<i], as: UTF8.self)
            while i < n, isFWS(text[i]) { i += 1 }
            guard i < n else {
                throw DKIMSyntaxError(.incomplete, offset: i, tag: name, reason: "tag \"\(name)\" has no \"=\"")
            }
            guard text[i] == 0x3D else {
                throw DKIMSyntaxError(.invalid, offset: i, tag: name, reason: "expected \"=\" after tag name \"\(name)\"",
                                      hint: "tag names are letters, digits and \"_\"")
            }
            i += 1
            let valueStart = i
            while i < n, text[i] != 0x3B { i += 1 }
            let valueEnd = i
            var a = valueStart, b = valueEnd
            while a < b, isFWS(text[a]) { a += 1 }
            while b > a, isFWS(text[b - 1]) { b -= 1 }
            for k in a..<b where text[k] < 0x20 && !isFWS(text[k]) || text[k] == 0x7F {
                throw DKIMSyntaxError(.invalid, offset: k, tag: name, reason: "control character in the value of \"\(name)\"")
            }
            if seen.contains(name) {
                throw DKIMSyntaxError(.invalid, offset: nameStart, tag: name, reason: "duplicate tag \"\(name)\"",
                                      hint: "RFC 6376 §3.2: tags with duplicate names MUST NOT occur")
            }
            seen.insert(name)
            if tags.count >= DKIMLimits.maxTags {
                throw DKIMSyntaxError(.invalid, offset: nameStart, tag: name,
                                      reason: "more than \(DKIMLimits.maxTags) tags", hint: "hostile or broken tag-list; not read further")
            }
            let value = DKIMText.lenientString(Array(text[a..<b]))
            tags.append(DKIMTag(name: name, value: value, valueRange: valueStart..<valueEnd, offset: nameStart))
            if i == n { return tags }
            i += 1 // ";"
        }
    }

    /// Removes every FWS byte (for b=, bh=, p=: "whitespace is ignored in this value").
    static func stripFWS(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.filter { !($0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n") }))
    }
}

/// Lenient text for bytes that need not be UTF-8 (each invalid byte kept as its Latin-1 character).
enum DKIMText {
    static func lenientString(_ bytes: [UInt8]) -> String {
        if let s = String(validating: bytes, as: UTF8.self) { return s }
        return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    }
}

/// RFC 4648 base64 as DKIM writes it: whitespace (FWS) anywhere is ignored; padding required
/// to be correct when present; any other character is an error.
enum DKIMBase64 {
    static func decode(_ s: String) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count * 3 / 4)
        var acc: UInt32 = 0
        var bits = 0
        var pad = 0
        var count = 0
        for c in s.utf8 {
            if c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A { continue }
            if c == 0x3D { pad += 1; count += 1; continue }
            if pad > 0 { return nil }
            let v: UInt8
            switch c {
            case 0x41...0x5A: v = c - 0x41
            case 0x61...0x7A: v = c - 0x61 + 26
            case 0x30...0x39: v = c - 0x30 + 52
            case 0x2B: v = 62
            case 0x2F: v = 63
            default: return nil
            }
            count += 1
            acc = (acc << 6) | UInt32(v)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8((acc >> UInt32(bits)) & 0xFF))
            }
        }
        if pad > 2 { return nil }
        if count % 4 != 0 { return nil }
        return out
    }

    static func encode(_ bytes: [UInt8]) -> String {
        let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i + 2 < bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out += [table[Int(n >> 18 & 63)], table[Int(n >> 12 & 63)], table[Int(n >> 6 & 63)], table[Int(n & 63)]]
            i += 3
        }
        let rest = bytes.count - i
        if rest == 1 {
            let n = UInt32(bytes[i]) << 16
            out += [table[Int(n >> 18 & 63)], table[Int(n >> 12 & 63)], 0x3D, 0x3D]
        } else if rest == 2 {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out += [table[Int(n >> 18 & 63)], table[Int(n >> 12 & 63)], table[Int(n >> 6 & 63)], 0x3D]
        }
        return String(decoding: out, as: UTF8.self)
    }
}
