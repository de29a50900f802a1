import HopTraceCore

/// A structured MIME header value: a leading token and its parameters (Content-Type,
/// Content-Disposition).
///
///     content   := type "/" subtype *(";" parameter)        ; RFC 2045 §5.1
///     parameter := attribute "=" value
///     value     := token / quoted-string
///     ext-param := attribute "*" [section] ["*"] "=" value   ; RFC 2231 (continuations, charset)
public struct MIMEHeaderValue: Sendable, Hashable {
    /// The leading token, lower-cased ("multipart/report", "attachment").
    public var value: String
    /// Parameters with lower-cased names; RFC 2231 continuations joined and charsets decoded.
    public var parameters: [String: String]

    public init(value: String, parameters: [String: String] = [:]) {
        self.value = value
        self.parameters = parameters
    }

    /// Parsed over the text's own UTF-8 bytes: strings are made only for the token, the
    /// parameter names and the values, and lower-casing copies only a token or name that has an
    /// upper-case letter in it.
    public static func parse(_ text: String) -> MIMEHeaderValue {
        text.withUTF8Bytes { b in
            var i = 0
            let token = leadingToken(b, &i)
            return MIMEHeaderValue(value: lowered(b, token), parameters: parameters(b, from: i))
        }
    }

    /// The lower-cased leading token alone (`parse(text).value`), for a field without parameters
    /// worth reading (Content-Transfer-Encoding).
    public static func token(_ text: String) -> String {
        text.withUTF8Bytes { b in
            var i = 0
            return lowered(b, leadingToken(b, &i))
        }
    }

    /// The offsets of the leading token; `i` is left after it.
    static func leadingToken(_ b: UnsafeBufferPointer<UInt8>, _ i: inout Int) -> Range<Int> {
        skipCFWS(b, &i)
        let valueStart = i
        while i < b.count, b[i] != UInt8(ascii: ";"), !isSpace(b[i]), b[i] != UInt8(ascii: "(") { i += 1 }
        return valueStart..<i
    }

    /// `String(decoding: b[range], as: UTF8.self).lowercased()`: ASCII text is folded byte by
    /// byte (copied only when it has an upper-case letter), other text goes through
    /// `lowercased()`.
    static func lowered(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        let slice = UnsafeBufferPointer(rebasing: b[range])
        var upper = false
        for c in slice {
            if c >= 0x80 { return String(decoding: slice, as: UTF8.self).lowercased() }
            if c >= 0x41 && c <= 0x5A { upper = true }
        }
        guard upper else { return String(decoding: slice, as: UTF8.self) }
        return String(unsafeUninitializedCapacity: slice.count) { out in
            for k in 0..<slice.count { out[k] = ASCIIFold.lower(slice[k]) }
            return slice.count
        }
    }

    /// The parameters after the leading token, from offset `start`.
    static func parameters(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> [String: String] {
        var i = start
        var simple: [String: String] = [:]
        // name → [(section, extended, raw value)]
        var extended: [String: [(Int, Bool, String)]] = [:]
        while i < b.count {
            skipCFWS(b, &i)
            // Lenient: a missing ";" between parameters (written by some bulk mailers) is skipped
            // over as if it were there.
            while i < b.count, b[i] == UInt8(ascii: ";") || isSpace(b[i]) { i += 1 }
            skipCFWS(b, &i)
            guard i < b.count else { break }
            let nameStart = i
            while i < b.count, b[i] != UInt8(ascii: "="), b[i] != UInt8(ascii: ";"), !isSpace(b[i]) { i += 1 }
            let nameRange = nameStart..<i
            skipCFWS(b, &i)
            guard i < b.count, b[i] == UInt8(ascii: "=") else {
                // Attribute without a value: skip to the next ";".
                while i < b.count, b[i] != UInt8(ascii: ";") { i += 1 }
                continue
            }
            i += 1
            skipCFWS(b, &i)
            let raw: String
            if i < b.count, b[i] == UInt8(ascii: "\"") {
                raw = quotedString(b, &i)
            } else {
                let s = i
                // Lenient: unquoted values with spaces (Outlook writes name=My File.eml).
                while i < b.count, b[i] != UInt8(ascii: ";") { i += 1 }
                var e = i
                while e > s, isSpace(b[e - 1]) { e -= 1 }
                // ...but a trailing RFC 5322 comment after the value is not part of it
                // ("boundary=simple (a comment)"); "Report (1).eml" keeps its parentheses.
                if e > s, b[e - 1] == UInt8(ascii: ")"),
                    let open = b[s..<e].lastIndex(of: UInt8(ascii: "(")), open > s, isSpace(b[open - 1])
                {
                    e = open
                    while e > s, isSpace(b[e - 1]) { e -= 1 }
                }
                raw = String(decoding: UnsafeBufferPointer(rebasing: b[s..<e]), as: UTF8.self)
            }
            if nameRange.isEmpty { continue }
            let name = lowered(b, nameRange)
            if b[nameRange].contains(UInt8(ascii: "*")), let star = name.firstIndex(of: "*") {
                let base = String(name[..<star])
                var rest = name[name.index(after: star)...]
                let isExtended = rest.hasSuffix("*") || rest.isEmpty
                if rest.hasSuffix("*") { rest = rest.dropLast() }
                let section = Int(rest) ?? 0
                extended[base, default: []].append((section, isExtended, raw))
            } else if simple[name] == nil {
                simple[name] = raw
            }
        }
        for (name, sections) in extended {
            simple[name] = joinRFC2231(sections.sorted { $0.0 < $1.0 })
        }
        return simple
    }

    /// A quoted-string starting at the quote at `i`, quoted-pairs undone; an unclosed one runs to
    /// the end. `i` is left after the closing quote. Without a backslash the value is one slice.
    private static func quotedString(_ b: UnsafeBufferPointer<UInt8>, _ i: inout Int) -> String {
        i += 1
        let s = i
        while i < b.count, b[i] != UInt8(ascii: "\""), b[i] != UInt8(ascii: "\\") { i += 1 }
        if i == b.count || b[i] == UInt8(ascii: "\"") {
            let text = String(decoding: UnsafeBufferPointer(rebasing: b[s..<i]), as: UTF8.self)
            if i < b.count { i += 1 }  // closing quote
            return text
        }
        var bytes = Array(b[s..<i])
        while i < b.count, b[i] != UInt8(ascii: "\"") {
            if b[i] == UInt8(ascii: "\\"), i + 1 < b.count { i += 1 }
            bytes.append(b[i])
            i += 1
        }
        if i < b.count { i += 1 }  // closing quote; an unclosed one runs to the end
        return String(decoding: bytes, as: UTF8.self)
    }

    /// RFC 2231 §3–4: sections joined in order; extended ones are percent-encoded and the first
    /// one starts with `charset'language'`.
    private static func joinRFC2231(_ sections: [(Int, Bool, String)]) -> String {
        var bytes: [UInt8] = []
        var charset = "utf-8"
        for (index, (_, isExtended, raw)) in sections.enumerated() {
            var text = Substring(raw)
            if isExtended {
                if index == 0 {
                    let parts = text.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
                    if parts.count == 3 {
                        if !parts[0].isEmpty { charset = String(parts[0]) }
                        text = parts[2]
                    }
                }
                bytes += percentDecode(Array(text.utf8))
            } else {
                bytes += Array(text.utf8)
            }
        }
        return TextDecoding.decode(bytes, charset: charset) ?? TextDecoding.lenientUTF8(bytes)
    }

    private static func percentDecode(_ b: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: "%"), i + 2 < b.count,
                let hi = TransferEncoding.hexValue(b[i + 1]), let lo = TransferEncoding.hexValue(b[i + 2])
            {
                out.append(hi << 4 | lo)
                i += 3
            } else {
                out.append(b[i])
                i += 1
            }
        }
        return out
    }

    private static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A }

    /// Skips whitespace and RFC 5322 comments "(...)" (nested, with quoted-pairs).
    private static func skipCFWS(_ b: UnsafeBufferPointer<UInt8>, _ i: inout Int) {
        while i < b.count {
            if isSpace(b[i]) {
                i += 1
            } else if b[i] == UInt8(ascii: "(") {
                var depth = 0
                while i < b.count {
                    if b[i] == UInt8(ascii: "\\") {
                        // A quoted-pair; a backslash that ends the text ends the comment.
                        i = min(i + 2, b.count)
                        continue
                    }
                    if b[i] == UInt8(ascii: "(") { depth += 1 }
                    if b[i] == UInt8(ascii: ")") {
                        depth -= 1
                        if depth == 0 {
                            i += 1
                            break
                        }
                    }
                    i += 1
                }
            } else {
                return
            }
        }
    }
}

/// A MIME media type with its parameters (RFC 2045 §5).
public struct MIMEContentType: Sendable, Hashable {
    /// Lower-cased top-level type ("multipart").
    public var type: String
    /// Lower-cased subtype ("report").
    public var subtype: String
    /// Parameters with lower-cased names ("boundary", "report-type", "name", "charset").
    public var parameters: [String: String]

    public init(type: String, subtype: String, parameters: [String: String] = [:]) {
        self.type = type
        self.subtype = subtype
        self.parameters = parameters
    }

    /// "type/subtype".
    public var mediaType: String { "\(type)/\(subtype)" }

    /// Whether this is `type/subtype` (`mediaType == "type/subtype"`), without building
    /// `mediaType`.
    public func `is`(_ type: String, _ subtype: String) -> Bool { self.type == type && self.subtype == subtype }

    /// RFC 2045 §5.2: the type of a part without a usable Content-Type.
    public static let textPlain = MIMEContentType(type: "text", subtype: "plain", parameters: ["charset": "us-ascii"])
    /// RFC 2046 §5.1.5: the default inside multipart/digest.
    public static let messageRFC822 = MIMEContentType(type: "message", subtype: "rfc822")

    /// Parses a Content-Type value; nil when it has no "type/subtype" (the caller then uses the
    /// default, as RFC 2045 §5.2 says).
    public static func parse(_ text: String) -> MIMEContentType? {
        text.withUTF8Bytes { b in
            var i = 0
            let token = MIMEHeaderValue.leadingToken(b, &i)
            let type: String
            let subtype: String
            if b[token].allSatisfy({ $0 < 0x80 }) {
                guard let slash = b[token].firstIndex(of: UInt8(ascii: "/")) else { return nil }
                type = MIMEHeaderValue.lowered(b, token.lowerBound..<slash)
                subtype = MIMEHeaderValue.lowered(b, (slash + 1)..<token.upperBound)
            } else {
                // Split as Characters after lower-casing, as for any String.
                let value = MIMEHeaderValue.lowered(b, token)
                guard let slash = value.firstIndex(of: "/") else { return nil }
                type = String(value[..<slash])
                subtype = String(value[value.index(after: slash)...])
            }
            guard !type.isEmpty, !subtype.isEmpty else { return nil }
            return MIMEContentType(type: type, subtype: subtype, parameters: MIMEHeaderValue.parameters(b, from: i))
        }
    }
}
