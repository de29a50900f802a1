import HopTraceCore

/// One lexical item of a Received value. Ranges are byte offsets into the UTF-8 input.
struct ReceivedToken: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        /// A run of non-space bytes (RFC 5322 atom, dot-atom, domain literal, angle address…).
        case word
        /// `( … )` with balanced nesting; `start..<end` includes both parentheses.
        case comment
        /// `(` with no matching `)`: runs to the end of the input.
        case unclosedComment
        /// A top-level `;`.
        case semicolon
        /// A `)` with no `(` before it.
        case strayClose
    }
    var kind: Kind
    var start: Int
    var end: Int
}

/// The tokenizer. One forward pass, no recursion: comment nesting is a counter, so 10,000
/// nested or unbalanced parentheses cost the same as any other 10,000 bytes.
enum ReceivedLexer {
    static func isSpace(_ c: UInt8) -> Bool {
        c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D
    }

    // CFWS = (1*([FWS] comment) [FWS]) / FWS           (RFC 5322 §3.2.2)
    // comment = "(" *([FWS] ccontent) [FWS] ")"
    // ccontent = ctext / quoted-pair / comment
    static func tokens(_ b: UnsafeBufferPointer<UInt8>) -> [ReceivedToken] {
        // A usual header has a few dozen tokens: one allocation instead of a growing array.
        InlineList.array({ scan(b, $0) }, reserve: min(b.count / 4 + 1, 64))
    }

    /// Most tokens `withTokens` holds on the stack (24 bytes each); a header with more is lexed
    /// again into an array.
    static let inlineTokens = 40

    /// Calls `body` with the tokens of `b` (what `tokens` gives): in a stack buffer when there are
    /// at most `inlineTokens` of them, so the usual header costs no allocation for its tokens.
    static func withTokens<R>(_ b: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<ReceivedToken>) -> R) -> R {
        InlineList.with(capacity: inlineTokens, { scan(b, $0) }, body)
    }

    /// Hands the tokens of `b` to `emit` in order; stops and answers false as soon as `emit`
    /// answers false, else answers true.
    @inline(__always)
    static func scan(_ b: UnsafeBufferPointer<UInt8>, _ emit: (ReceivedToken) -> Bool) -> Bool {
        let n = b.count
        var i = 0
        while i < n {
            let c = b[i]
            if isSpace(c) {
                i += 1
                continue
            }
            let token: ReceivedToken
            switch c {
            case UInt8(ascii: "("):
                if let end = commentEnd(b, from: i) {
                    token = ReceivedToken(kind: .comment, start: i, end: end)
                } else {
                    token = ReceivedToken(kind: .unclosedComment, start: i, end: n)
                }
            case UInt8(ascii: ")"):
                token = ReceivedToken(kind: .strayClose, start: i, end: i + 1)
            case UInt8(ascii: ";"):
                token = ReceivedToken(kind: .semicolon, start: i, end: i + 1)
            default:
                token = ReceivedToken(kind: .word, start: i, end: wordEnd(b, from: i))
            }
            if !emit(token) { return false }
            i = token.end
        }
        return true
    }

    /// End (exclusive) of the comment opening at `start`, or nil when it never closes.
    static func commentEnd(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var depth = 0
        var j = start
        let n = b.count
        while j < n {
            let d = b[j]
            if d == UInt8(ascii: "\\") {
                j += 2
                continue
            }  // quoted-pair
            if d == UInt8(ascii: "(") {
                depth += 1
            } else if d == UInt8(ascii: ")") {
                depth -= 1
                if depth == 0 { return j + 1 }
            }
            j += 1
        }
        return nil
    }

    /// A word ends at white space, `(`, `)` or `;`, except inside `[ … ]`: MDaemon writes
    /// `[(134.97.4.21)]`, so parentheses inside a domain literal belong to the word.
    static func wordEnd(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var j = start
        var brackets = 0
        let n = b.count
        while j < n {
            let d = b[j]
            // Above `)` only `;`, `[` and `]` matter (white space, `(` and `)` lie below): the
            // letters, digits and dots of a name take this one test each.
            if d > UInt8(ascii: ")") && d != UInt8(ascii: ";") && d != UInt8(ascii: "[") && d != UInt8(ascii: "]") {
                j += 1
                continue
            }
            if isSpace(d) { break }
            if brackets == 0 && (d == UInt8(ascii: "(") || d == UInt8(ascii: ")") || d == UInt8(ascii: ";")) { break }
            if d == UInt8(ascii: "[") { brackets += 1 }
            if d == UInt8(ascii: "]") && brackets > 0 { brackets -= 1 }
            j += 1
        }
        return j
    }

    /// Items inside one comment, one level deep: words, `"quoted strings"`, and nested comments
    /// (kept whole; they are not parsed further, so depth never costs recursion).
    /// A word starting with `[` runs to its `]` even across spaces (Cyrus writes `[unix socket]`).
    enum Item: Sendable, Hashable {
        case word(String)
        case quoted(String)
        case nested(String)
    }

    static func items(_ s: String) -> [Item] {
        s.withUTF8Bytes { items($0) }
    }

    static func items(_ b: UnsafeBufferPointer<UInt8>) -> [Item] {
        itemRanges(b).map { r in
            let text = String(decoding: b[r.start..<r.end], as: UTF8.self)
            switch r.kind {
            case .word: return .word(text)
            case .quoted: return .quoted(text)
            case .nested: return .nested(text)
            }
        }
    }

    /// Where an `Item` lies in the bytes given to `itemRanges`: its text is `start..<end`
    /// (without the quotes of a quoted string or the parentheses of a nested comment).
    struct ItemRange: Sendable, Hashable {
        enum Kind: Sendable, Hashable { case word, quoted, nested }
        var kind: Kind
        var start: Int
        var end: Int
    }

    /// `items` as byte ranges, no String made.
    static func itemRanges(_ b: UnsafeBufferPointer<UInt8>) -> [ItemRange] {
        InlineList.array { scanItems(b, $0) }
    }

    /// Most items `withItemRanges` holds on the stack (24 bytes each); a comment with more is
    /// read again into an array.
    static let inlineItems = 32

    /// Calls `body` with the item ranges of `b` (what `itemRanges` gives): in a stack buffer when
    /// there are at most `inlineItems` of them, so the usual comment costs no allocation.
    static func withItemRanges<R>(_ b: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<ItemRange>) -> R)
        -> R
    {
        InlineList.with(capacity: inlineItems, { scanItems(b, $0) }, body)
    }

    /// Hands the item ranges of `b` to `emit` in order; stops and answers false as soon as
    /// `emit` answers false, else answers true.
    @inline(__always)
    static func scanItems(_ b: UnsafeBufferPointer<UInt8>, _ emit: (ItemRange) -> Bool) -> Bool {
        let n = b.count
        var i = 0
        while i < n {
            let c = b[i]
            if isSpace(c) || c == UInt8(ascii: ",") {
                i += 1
                continue
            }
            let item: ItemRange
            if c == UInt8(ascii: "(") {
                let closedEnd = commentEnd(b, from: i)
                let end = closedEnd ?? n
                item = ItemRange(kind: .nested, start: i + 1, end: closedEnd == nil ? end : end - 1)
                i = end
            } else if c == UInt8(ascii: "\"") {
                var j = i + 1
                while j < n && b[j] != UInt8(ascii: "\"") {
                    if b[j] == UInt8(ascii: "\\") { j += 1 }
                    j += 1
                }
                item = ItemRange(kind: .quoted, start: i + 1, end: min(j, n))
                i = min(j + 1, n)
            } else if c == UInt8(ascii: "[") {
                var j = i
                while j < n && b[j] != UInt8(ascii: "]") { j += 1 }
                // Include `]` and any `:port` glued to it.
                while j < n && !isSpace(b[j]) && b[j] != UInt8(ascii: ",") && b[j] != UInt8(ascii: "(") { j += 1 }
                item = ItemRange(kind: .word, start: i, end: j)
                i = j
            } else {
                var j = i
                while j < n && !isSpace(b[j]) && b[j] != UInt8(ascii: "(") && b[j] != UInt8(ascii: ",") { j += 1 }
                item = ItemRange(kind: .word, start: i, end: j)
                i = j
            }
            if !emit(item) { return false }
        }
        return true
    }
}

/// An address as written in a header, split into its parts.
struct AddressLiteral: Sendable, Hashable {
    var ip: IPAddress
    /// Without brackets, `IPv6:` tag, zone or port.
    var text: String
    var zone: String?
    var port: Int?

    /// Cheap pre-check (this runs for every word of every header): an address literal is
    /// made of hex digits and `.:[]()`, up to a `%zone`, unless it carries the `IPv6:` tag.
    static func mayBeAddress<C: Sequence<UInt8>>(_ bytes: C) -> Bool {
        var index = 0
        for b in bytes {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"),
                UInt8(ascii: "A")...UInt8(ascii: "F"), UInt8(ascii: "."), UInt8(ascii: ":"),
                UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "("), UInt8(ascii: ")"):
                break
            case UInt8(ascii: "%"):
                return true
            case UInt8(ascii: "I"), UInt8(ascii: "i"), UInt8(ascii: "P"), UInt8(ascii: "p"),
                UInt8(ascii: "v"), UInt8(ascii: "V"):
                // `IPv6:` right after the opening bracket.
                if index < 1 || index > 3 { return false }
            default:
                return false
            }
            index += 1
        }
        return true
    }

    // address-literal = "[" ( IPv4-address-literal / IPv6-address-literal /
    //                         General-address-literal ) "]"        (RFC 5321 §4.1.3)
    // IPv6-address-literal = "IPv6:" IPv6-addr
    // Leniencies, each written by real software:
    //   `1.2.3.4` with no brackets (Exchange, qmail, Domino);
    //   `[1.2.3.4]:port` (Exim 4), `1.2.3.4:port` (Kopano);
    //   `[10.0.8.6.13219]` with the port as a fifth part (Exim 3);
    //   `[(134.97.4.21)]` (MDaemon);
    //   `fe80::1%12` zone ids (Exchange).
    static func parse<S: StringProtocol>(_ written: S) -> AddressLiteral? {
        // Index work on the UTF-8 view: every delimiter here is ASCII, and the pre-check has
        // already ruled out anything but hex digits and punctuation before a `%zone`.
        var s = Substring(written)
        if s.utf8.count > 80 || s.isEmpty { return nil }
        if !mayBeAddress(s.utf8) { return nil }
        var port: Int?
        /// Splits `host:port` (one colon, a dot before it: an IPv4 literal and its port) into `t`
        /// and `port`; leaves both as they are when there is none; false for a bad port.
        func splitPort(_ t: inout Substring, _ port: inout Int?) -> Bool {
            guard t.utf8.contains(UInt8(ascii: ".")), let colon = t.utf8.firstIndex(of: UInt8(ascii: ":")) else {
                return true
            }
            let rest = t[t.utf8.index(after: colon)...]
            if rest.utf8.contains(UInt8(ascii: ":")) { return true }
            guard let p = Int(rest), (0...65535).contains(p) else { return false }
            port = p
            t = t[..<colon]
            return true
        }
        if s.utf8.first == UInt8(ascii: "[") {
            guard let close = s.utf8.lastIndex(of: UInt8(ascii: "]")) else { return nil }
            let after = s[s.utf8.index(after: close)...]
            if !after.isEmpty {
                guard after.utf8.first == UInt8(ascii: ":"), let p = Int(after.dropFirst()), (0...65535).contains(p)
                else { return nil }
                port = p
            }
            s = s[s.utf8.index(after: s.startIndex)..<close]
            if s.utf8.count >= 2, s.utf8.first == UInt8(ascii: "("), s.utf8.last == UInt8(ascii: ")") {
                s = s[s.utf8.index(after: s.startIndex)..<s.utf8.index(before: s.endIndex)]
            }
            if s.utf8.count > 5, s.hasPrefixIgnoringCase("ipv6:") { s = s[s.utf8.index(s.startIndex, offsetBy: 5)...] }
            // Ecelerity writes `[10.1.1.1:4521]`, the port inside the brackets.
            if port == nil, !splitPort(&s, &port) { return nil }
        } else if s.utf8.count >= 2, s.utf8.first == UInt8(ascii: "("), s.utf8.last == UInt8(ascii: ")") {
            s = s[s.utf8.index(after: s.startIndex)..<s.utf8.index(before: s.endIndex)]
        } else if !splitPort(&s, &port) {
            return nil
        }
        var zone: String?
        if let pct = s.utf8.firstIndex(of: UInt8(ascii: "%")) {
            zone = String(s[s.utf8.index(after: pct)...])
            s = s[..<pct]
        }
        if let ip = IPAddress(s), zone == nil || IPAddress(s + "%" + zone!) != nil {
            return AddressLiteral(ip: ip, text: String(s), zone: zone, port: port)
        }
        // Exim 3: `a.b.c.d.port`.
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        if zone == nil, port == nil, parts.count == 5, let p = Int(parts[4]), (0...65535).contains(p) {
            let v4 = parts[0..<4].joined(separator: ".")
            if let ip = IPAddress(v4), ip.isIPv4 {
                return AddressLiteral(ip: ip, text: v4, zone: nil, port: p)
            }
        }
        return nil
    }
}

extension StringProtocol {
    /// ASCII-only lower case: header keywords are ASCII, and this never changes the length.
    /// (Byte for byte: it runs for many words of every header.)
    var asciiLowered: String {
        let utf8 = self.utf8
        let n = utf8.count
        return String(unsafeUninitializedCapacity: n) { buffer in
            var i = 0
            for c in utf8 {
                buffer[i] = ASCIIFold.lower(c)
                i += 1
            }
            return n
        }
    }

    /// Whether the text starts with `prefix` (lower-case ASCII), ASCII case ignored; compared
    /// as bytes, with no lower-cased copy.
    func hasPrefixIgnoringCase(_ prefix: StaticString) -> Bool {
        prefix.withUTF8Buffer { p in
            withUTF8Bytes { mine in
                guard mine.count >= p.count else { return false }
                for k in 0..<p.count where mine[k] != p[k] && ASCIIFold.lower(mine[k]) != ASCIIFold.lower(p[k]) {
                    return false
                }
                return true
            }
        }
    }

    /// Equal to `lower` (lower-case ASCII) with ASCII case ignored; no lower-cased copy.
    func equalsIgnoringCase(_ lower: StaticString) -> Bool {
        lower.withUTF8Buffer { p in
            withUTF8Bytes { b in
                guard b.count == p.count else { return false }
                for k in 0..<p.count where b[k] != p[k] && ASCIIFold.lower(b[k]) != ASCIIFold.lower(p[k]) {
                    return false
                }
                return true
            }
        }
    }

    /// Equal to `other` with ASCII case ignored (non-ASCII bytes must match exactly).
    func equalsIgnoringCase<T: StringProtocol>(_ other: T) -> Bool {
        self.utf8.count == other.utf8.count && ASCIIFold.equal(self.utf8, other.utf8)
    }

    /// Whether `needle` (lower-case ASCII) occurs in the text, ASCII case ignored. Byte search,
    /// no lower-cased copy of the text and no copy of the needle.
    func containsIgnoringCase(_ needle: StaticString) -> Bool {
        needle.withUTF8Buffer { n in
            n.isEmpty || withUTF8Bytes { ASCIIFold.firstRange(of: n, in: $0) != nil }
        }
    }

    /// Pieces between separator bytes, empty pieces left out (as `split` does). The separators
    /// are ASCII, so a cut never falls inside a character's bytes.
    func splitBytes(where isSeparator: (UInt8) -> Bool) -> [Substring] {
        let whole = Substring(self)
        let u = whole.utf8
        var out: [Substring] = []
        var start = u.startIndex
        var i = start
        while i < u.endIndex {
            if isSeparator(u[i]) {
                if i > start { out.append(whole[start..<i]) }
                start = u.index(after: i)
            }
            i = u.index(after: i)
        }
        if start < u.endIndex { out.append(whole[start...]) }
        return out
    }

    /// Without leading and trailing white space (`Character.isWhitespace`). ASCII white space
    /// is stripped byte by byte; only text that starts or ends with a non-ASCII character
    /// takes the Character path, so the answer is the same either way.
    var trimmedSpaces: Substring {
        let u = Substring(self)
        let bytes = u.utf8
        var a = bytes.startIndex
        while a < bytes.endIndex, ASCIIFold.isSpace(bytes[a]) { a = bytes.index(after: a) }
        if a == bytes.endIndex { return "" }
        var z = bytes.endIndex
        while z > a, ASCIIFold.isSpace(bytes[bytes.index(before: z)]) { z = bytes.index(before: z) }
        if bytes[a] < 0x80 && bytes[bytes.index(before: z)] < 0x80 { return u[a..<z] }
        guard let ca = u.firstIndex(where: { !$0.isWhitespace }),
            let cz = u.lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return u[ca...cz]
    }
}
