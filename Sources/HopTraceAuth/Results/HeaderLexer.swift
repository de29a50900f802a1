import HopTraceCore

/// The lexical layer shared by the `Authentication-Results` (RFC 8601) and `Received-SPF`
/// (RFC 7208 §9.1) readers: CFWS (RFC 5322 §3.2.2 comments, nested, with quoted-pairs),
/// quoted-strings, `;`, `=`, and the words between them. No I/O; byte offsets refer to the
/// header field value the reader was given.
///
///   CFWS          = (1*([FWS] comment) [FWS]) / FWS
///   comment       = "(" *([FWS] ccontent) [FWS] ")"
///   ccontent      = ctext / quoted-pair / comment
///   quoted-string = [CFWS] DQUOTE *([FWS] qcontent) [FWS] DQUOTE [CFWS]
///   quoted-pair   = ("\" (VCHAR / WSP))
struct HeaderToken: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        /// A run of characters that are not white space, `;`, `(`, `)`, `"`, split at its
        /// first `=` (so `smtp.mailfrom=a@b` is word, equals, word and `header.b=ab=` keeps
        /// the trailing `=` in the value).
        case word
        case quoted
        case comment
        case semicolon
        case equals
    }

    var kind: Kind
    /// The text: a word as written; a quoted-string or comment without its delimiters and with
    /// quoted-pairs resolved; folding white space inside them collapsed to one space.
    var text: String
    /// Byte range in the value, delimiters included.
    var range: Range<Int>
    /// The comment or quoted-string ran to the end of the value without its closing delimiter.
    var unterminated = false
}

/// Problems the lexer met on the way; the readers turn them into deviations.
struct HeaderLexerNotes: Sendable, Hashable {
    var controlBytes = 0
    var firstControlOffset: Int?
    var truncatedAt: Int?
    var tokenLimitAt: Int?

    /// Counts a control byte at `offset`, keeping the first one's offset.
    mutating func noteControl(at offset: Int) {
        controlBytes += 1
        if firstControlOffset == nil { firstControlOffset = offset }
    }
}

enum HeaderLexer {
    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A }
    /// NUL and the other C0 controls and DEL: never part of a header token. Treated as white
    /// space so a hostile byte cannot glue two tokens together.
    static func isControl(_ b: UInt8) -> Bool { (b < 0x20 && !isSpace(b)) || b == 0x7F }

    /// Splits `bytes` (at most `maxBytes` of it, at most `maxTokens` tokens).
    static func tokenize(_ input: [UInt8], maxBytes: Int, maxTokens: Int) -> ([HeaderToken], HeaderLexerNotes) {
        var notes = HeaderLexerNotes()
        let b: ArraySlice<UInt8>
        if input.count > maxBytes {
            b = input[..<maxBytes]
            notes.truncatedAt = maxBytes
        } else {
            b = input[...]
        }
        var tokens: [HeaderToken] = []
        var i = b.startIndex
        func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
        while i < b.endIndex {
            if tokens.count >= maxTokens {
                notes.tokenLimitAt = i
                break
            }
            let c = b[i]
            if isSpace(c) {
                i += 1
                continue
            }
            if isControl(c) {
                notes.noteControl(at: i)
                i += 1
                continue
            }
            switch c {
            case UInt8(ascii: ";"):
                tokens.append(HeaderToken(kind: .semicolon, text: ";", range: i..<(i + 1)))
                i += 1
            case UInt8(ascii: "="):
                tokens.append(HeaderToken(kind: .equals, text: "=", range: i..<(i + 1)))
                i += 1
            case UInt8(ascii: ")"):
                // A stray ")" (unbalanced comment close): keep it as a word so nothing is lost.
                tokens.append(HeaderToken(kind: .word, text: ")", range: i..<(i + 1)))
                i += 1
            case UInt8(ascii: "("):
                // comment = "(" *([FWS] ccontent) [FWS] ")", nested
                let start = i
                var depth = 0
                let comment = delimited(b, from: &i) { d, at, out in
                    if d == UInt8(ascii: "(") {
                        depth += 1
                        if depth > 1 { out.append(d) }
                    } else if d == UInt8(ascii: ")") {
                        depth -= 1
                        if depth == 0 { return true }
                        out.append(d)
                    } else if isSpace(d) || isControl(d) {
                        if isControl(d) { notes.noteControl(at: at) }
                        if let last = out.last, last != 0x20 { out.append(0x20) }
                    } else {
                        out.append(d)
                    }
                    return false
                }
                var out = comment.text
                while out.last == 0x20 { out.removeLast() }
                while out.first == 0x20 { out.removeFirst() }
                tokens.append(
                    HeaderToken(kind: .comment, text: text(out), range: start..<i, unterminated: !comment.closed))
            case UInt8(ascii: "\""):
                // quoted-string
                let start = i
                i += 1
                let (out, closed) = delimited(b, from: &i) { d, at, out in
                    if d == UInt8(ascii: "\"") { return true }
                    if d == 0x0D || d == 0x0A { return false }  // unfolding
                    if isControl(d) {
                        notes.noteControl(at: at)
                        return false
                    }
                    out.append(d)
                    return false
                }
                tokens.append(HeaderToken(kind: .quoted, text: text(out), range: start..<i, unterminated: !closed))
            default:
                let start = i
                var eq: Int? = nil
                while i < b.endIndex {
                    let d = b[i]
                    if isSpace(d) || isControl(d) || d == UInt8(ascii: ";") || d == UInt8(ascii: "(")
                        || d == UInt8(ascii: ")") || d == UInt8(ascii: "\"")
                    {
                        break
                    }
                    if d == UInt8(ascii: "=") && eq == nil { eq = i }
                    i += 1
                }
                if let eq {
                    tokens.append(HeaderToken(kind: .word, text: text(Array(b[start..<eq])), range: start..<eq))
                    tokens.append(HeaderToken(kind: .equals, text: "=", range: eq..<(eq + 1)))
                    if eq + 1 < i {
                        tokens.append(HeaderToken(kind: .word, text: text(Array(b[(eq + 1)..<i])), range: (eq + 1)..<i))
                    }
                } else {
                    tokens.append(HeaderToken(kind: .word, text: text(Array(b[start..<i])), range: start..<i))
                }
            }
        }
        return (tokens, notes)
    }

    /// Reads from `i` up to and including the byte for which `step` returns true (a closing
    /// delimiter), resolving quoted-pairs (a backslash and the byte after it become that
    /// byte). `step` sees every other byte with its offset and decides what goes into the text.
    /// On return `i` is just past the closing byte, or at the end when there was none (`closed`
    /// false).
    static func delimited(
        _ b: ArraySlice<UInt8>, from i: inout Int,
        _ step: (_ byte: UInt8, _ offset: Int, _ out: inout [UInt8]) -> Bool
    ) -> (text: [UInt8], closed: Bool) {
        var out: [UInt8] = []
        while i < b.endIndex {
            let d = b[i]
            if d == UInt8(ascii: "\\") && i + 1 < b.endIndex {
                out.append(b[i + 1])
                i += 2
                continue
            }
            let closes = step(d, i, &out)
            i += 1
            if closes { return (out, true) }
        }
        return (out, false)
    }

    /// The text of `value` between two byte offsets (for raw evidence).
    static func slice(_ bytes: [UInt8], _ range: Range<Int>) -> String {
        let r = max(0, min(range.lowerBound, bytes.count))..<max(0, min(range.upperBound, bytes.count))
        return String(decoding: bytes[r], as: UTF8.self)
    }
}

/// A place where a header departs from its RFC grammar, and how the reader coped. Readers are
/// lenient (real software writes these), so a deviation is evidence, not a failure.
public struct HeaderDeviation: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// The text stops where more is required (a result without a value, an open comment).
        case incomplete
        /// The text is there but wrong.
        case invalid
        /// Not in the RFC but written by known software; read as that software means it.
        case nonStandard = "non-standard"
        /// Input beyond a documented limit was not read.
        case limit
    }

    public var kind: Kind
    /// Byte offset in the header field value.
    public var offset: Int
    public var message: String
    /// What the reader did about it, or what the writer probably meant.
    public var hint: String?

    public init(_ kind: Kind, offset: Int, _ message: String, hint: String? = nil) {
        self.kind = kind
        self.offset = offset
        self.message = message
        self.hint = hint
    }

    public var description: String {
        "\(message) (\(kind.rawValue), at byte \(offset))" + (hint.map { ": \($0)" } ?? "")
    }
}

/// What an SPF verdict's free-text comment says, read from the wordings real receivers use:
///
/// - RFC 7208 §9.1 / Google / Microsoft (`… discourages use of X as permitted sender`): `mx.google.com: domain of a@b.com designates 192.0.2.1
///   as permitted sender`, `protection.outlook.com: domain of m0noc.net does not designate
///   62.239.224.235 as permitted sender`, Google's `domain of transitioning a@b.com does not
///   designate …`, `best guess record for domain of …`.
/// - Microsoft's Authentication-Results: `sender IP is 62.239.224.235`.
/// - Postfix policyd-spf-perl / Mail::SPF: `example.com: 192.0.2.1 is authorized to use
///   'a@example.com' in 'mfrom' identity`, `… is not authorized …`, `… is neither permitted nor
///   denied by domain of …`.
public struct SPFCommentFacts: Sendable, Hashable {
    /// The host that wrote the verdict (the text before the first ":"), when it looks like one.
    public var receiver: String?
    /// The identity the comment names: a domain or an address (`a@b.com`).
    public var identity: String?
    /// The address the comment says was checked.
    public var clientIP: IPAddress?
    /// The identity named in policyd-spf's `in 'mfrom' identity` / `'helo' identity`.
    public var identityKind: String?

    public init(
        receiver: String? = nil, identity: String? = nil, clientIP: IPAddress? = nil, identityKind: String? = nil
    ) {
        self.receiver = receiver
        self.identity = identity
        self.clientIP = clientIP
        self.identityKind = identityKind
    }

    public var isEmpty: Bool { receiver == nil && identity == nil && clientIP == nil && identityKind == nil }

    /// Reads a comment's text (without its parentheses). Bounded: only the first 64 words.
    public static func read(_ comment: String) -> SPFCommentFacts {
        var facts = SPFCommentFacts()
        let words = comment.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" })
            .prefix(64).map(String.init)
        guard !words.isEmpty else { return facts }
        func clean(_ w: String) -> String {
            var s = Substring(w)
            while let f = s.first, "<[('\"".contains(f) { s.removeFirst() }
            while let l = s.last, ">])'\",;:.".contains(l) { s.removeLast() }
            return String(s)
        }
        func ip(_ w: String) -> IPAddress? { IPAddress(clean(w)) }
        // "receiver: …"
        if words[0].hasSuffix(":") {
            let name = String(words[0].dropLast())
            if name.contains("."), IPAddress(name) == nil, !name.contains("@") {
                facts.receiver = name
            }
        }
        let lower = words.map { $0.lowercased() }
        for (k, w) in lower.enumerated() {
            switch w {
            case "designates", "designate":
                if facts.clientIP == nil, k + 1 < words.count, let a = ip(words[k + 1]) { facts.clientIP = a }
            case "of":
                // Microsoft's softfail: "domain of transitioning X discourages use of Y as permitted sender"
                if facts.clientIP == nil, k >= 1, lower[k - 1] == "use", k + 1 < words.count, let a = ip(words[k + 1]) {
                    facts.clientIP = a
                }
                if facts.identity == nil, k >= 1, lower[k - 1] == "domain", k + 1 < words.count {
                    var n = k + 1
                    if lower[n] == "transitioning", n + 1 < words.count { n += 1 }
                    let id = clean(words[n])
                    if !id.isEmpty && ip(id) == nil { facts.identity = id }
                }
            case "is":
                // "sender IP is X" (Microsoft)
                if k >= 1, lower[k - 1] == "ip", k + 1 < words.count, let a = ip(words[k + 1]) {
                    facts.clientIP = facts.clientIP ?? a
                }
                // "X is authorized / not authorized / neither permitted" (policyd-spf-perl)
                if k >= 1, let a = ip(words[k - 1]) { facts.clientIP = facts.clientIP ?? a }
            case "use":
                if facts.identity == nil, k >= 1, lower[k - 1] == "to", k + 1 < words.count {
                    let id = clean(words[k + 1])
                    if !id.isEmpty { facts.identity = id }
                }
            case "identity":
                if k >= 2, lower[k - 2] == "in" {
                    let kind = clean(lower[k - 1])
                    facts.identityKind = kind == "mfrom" ? "mailfrom" : kind
                }
            default:
                break
            }
        }
        return facts
    }
}
