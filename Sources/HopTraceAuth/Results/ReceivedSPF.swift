import HopTraceCore

// RFC 7208 §9.1, the grammar this model follows:
//
//   header-field     = "Received-SPF:" [CFWS] result FWS [comment FWS]
//                      [ key-value-list ] CRLF
//   result           = "pass" / "fail" / "softfail" / "policy" /
//                      "neutral" / "none" / "temperror" / "permerror"
//   key-value-list   = key-value-pair *( ";" [CFWS] key-value-pair )
//                      [";"]
//   key-value-pair   = key [CFWS] "=" ( dot-atom / quoted-string )
//   key              = "client-ip" / "envelope-from" / "helo" /
//                      "problem" / "receiver" / "identity" /
//                      "mechanism" / name
//   identity         = "mailfrom"   ; for the "MAIL FROM" identity
//                      / "helo"     ; for the "HELO" identity
//                      / name       ; other identities
//   name             = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." )

/// A parsed `Received-SPF` field: the verdict a receiver recorded, with what its key-value
/// pairs and its comment say about who checked which address for which identity.
public struct ReceivedSPF: Sendable, Hashable {
    /// The field value as given.
    public var raw: String
    /// The result word as written (`Pass`, `SoftFail`, `hardfail`).
    public var resultWord: String
    /// The RFC 7208 result (case-insensitive; `hardfail`→fail, RFC 4408's `error`/`unknown`,
    /// `policy`→neutral); nil when the word is none of these.
    public var result: SPFResult?
    /// The first comment's text (without parentheses).
    public var comment: String?
    /// What the comment says (receiver, checked domain or address, client IP).
    public var commentFacts: SPFCommentFacts
    /// Key-value pairs in order; keys lower case, values as written (quotes removed).
    public var pairs: [ReceivedSPFPair]
    public var deviations: [HeaderDeviation]

    public init(
        raw: String, resultWord: String, result: SPFResult?, comment: String?, commentFacts: SPFCommentFacts,
        pairs: [ReceivedSPFPair], deviations: [HeaderDeviation]
    ) {
        self.raw = raw
        self.resultWord = resultWord
        self.result = result
        self.comment = comment
        self.commentFacts = commentFacts
        self.pairs = pairs
        self.deviations = deviations
    }

    /// The first value of a key (case-insensitive).
    public func value(_ key: String) -> String? {
        let k = key.lowercased()
        return pairs.first { $0.key == k }?.value
    }

    /// `client-ip=`, else the address the comment names.
    public var clientIP: IPAddress? {
        if let v = value("client-ip"), let ip = IPAddress(v.trimmingBrackets) { return ip }
        return commentFacts.clientIP
    }

    /// `envelope-from=` with any `<>` removed ("" is the null sender).
    public var envelopeFrom: String? { value("envelope-from").map(\.trimmingBrackets) }
    public var helo: String? { value("helo") }
    public var problem: String? { value("problem") }
    public var mechanism: String? { value("mechanism") }

    /// `receiver=`, else the host named at the start of the comment. `<UNKNOWN>`
    /// (pypolicyd-spf's default) is no name.
    public var receiver: String? {
        if let v = value("receiver"), !v.isEmpty, v.uppercased() != "<UNKNOWN>" { return v }
        return commentFacts.receiver
    }

    /// The identity checked: `identity=` (`mfrom` is Mail::SPF's spelling of mailfrom), the
    /// comment's `in 'helo' identity`, else MAIL FROM (what Microsoft, Google and the RFC's
    /// example mean when they write only the envelope sender).
    public var identity: SPFIdentity {
        let word = (value("identity") ?? commentFacts.identityKind)?.lowercased()
        switch word {
        case "helo", "ehlo": return .helo
        default: return .mailFrom
        }
    }

    /// The domain whose policy was checked: `envelope-from`'s domain, the comment's
    /// `domain of X`, or the HELO name for a HELO check.
    public var domain: String? {
        func domainPart(_ s: String) -> String? {
            let t = s.trimmingBrackets
            if let at = t.lastIndex(of: "@") {
                let d = String(t[t.index(after: at)...]).lowercased()
                return d.isEmpty ? nil : d
            }
            return t.isEmpty ? nil : t.lowercased()
        }
        if identity == .helo, let h = helo { return h.lowercased() }
        if let e = envelopeFrom, !e.isEmpty, let d = domainPart(e) { return d }
        if let c = commentFacts.identity, let d = domainPart(c) { return d }
        return nil
    }
}

public struct ReceivedSPFPair: Sendable, Hashable {
    /// Lower case.
    public var key: String
    public var value: String
    /// Byte range of `key=value` in the field value.
    public var range: Range<Int>

    public init(key: String, value: String, range: Range<Int>) {
        self.key = key
        self.value = value
        self.range = range
    }
}

/// Field value → `ReceivedSPF`, no I/O, never throws; departures become deviations.
public enum ReceivedSPFParser {
    public static func parse(_ value: String) -> ReceivedSPF {
        let bytes = Array(value.utf8)
        let (tokens, notes) = HeaderLexer.tokenize(
            bytes, maxBytes: AuthResultsLimits.maxFieldBytes, maxTokens: AuthResultsLimits.maxTokens)
        var deviations: [HeaderDeviation] = []
        func note(_ kind: HeaderDeviation.Kind, _ offset: Int, _ message: String, hint: String? = nil) {
            if deviations.count < AuthResultsLimits.maxDeviations {
                deviations.append(HeaderDeviation(kind, offset: offset, message, hint: hint))
            }
        }
        if let cut = notes.truncatedAt {
            note(.limit, cut, "field is \(bytes.count) bytes; only the first \(cut) were read")
        }
        if let at = notes.tokenLimitAt {
            note(.limit, at, "more than \(AuthResultsLimits.maxTokens) tokens; the rest was not read")
        }
        if notes.controlBytes > 0, let at = notes.firstControlOffset {
            note(.invalid, at, "\(notes.controlBytes) control byte(s) (NUL, C0, DEL)", hint: "treated as white space")
        }
        for t in tokens where t.unterminated {
            note(
                .incomplete, t.range.lowerBound,
                t.kind == .comment ? "comment is not closed" : "quoted-string is not closed",
                hint: "read to the end of the field")
        }

        var k = 0
        var comments: [String] = []
        while k < tokens.count, tokens[k].kind == .comment {
            comments.append(tokens[k].text)
            k += 1
        }
        // result
        var resultWord = ""
        if k < tokens.count, tokens[k].kind == .word, !(k + 1 < tokens.count && tokens[k + 1].kind == .equals) {
            resultWord = String(tokens[k].text.prefix(64))
            k += 1
        } else {
            note(
                .incomplete, k < tokens.count ? tokens[k].range.lowerBound : bytes.count, "no result word",
                hint: "the field should start with pass, fail, softfail, neutral, none, temperror or permerror")
        }
        let result = resultWord.isEmpty ? nil : AuthResult.spfResult(word: resultWord)
        // Microsoft writes `Pass`, `Fail`, `SoftFail`: result words are case-insensitive, no deviation.
        if !resultWord.isEmpty && result == nil {
            note(.invalid, 0, "\"\(resultWord.prefix(32))\" is not an SPF result")
        }
        var pairs: [ReceivedSPFPair] = []
        var sawSeparator = true
        var missingSemicolon = false
        while k < tokens.count {
            let t = tokens[k]
            switch t.kind {
            case .comment:
                if comments.count < AuthResultsLimits.maxPropertiesPerResult { comments.append(t.text) }
                k += 1
            case .semicolon:
                sawSeparator = true
                k += 1
            case .word where k + 1 < tokens.count && tokens[k + 1].kind == .equals:
                // key-value-pair = key [CFWS] "=" ( dot-atom / quoted-string )
                if !sawSeparator && !pairs.isEmpty { missingSemicolon = true }
                let key = t.text.lowercased()
                var value = ""
                var endByte = tokens[k + 1].range.upperBound
                var next = k + 2
                if next < tokens.count, tokens[next].kind == .word || tokens[next].kind == .quoted {
                    value = tokens[next].text
                    endByte = tokens[next].range.upperBound
                    next += 1
                    // "first last"@example.com
                    if tokens[next - 1].kind == .quoted, next < tokens.count, tokens[next].kind == .word,
                        tokens[next].text.hasPrefix("@"), tokens[next].range.lowerBound == endByte
                    {
                        value = "\"\(value)\"" + tokens[next].text
                        endByte = tokens[next].range.upperBound
                        next += 1
                    }
                }
                if pairs.count < AuthResultsLimits.maxPropertiesPerResult {
                    pairs.append(
                        ReceivedSPFPair(key: String(key.prefix(64)), value: value, range: t.range.lowerBound..<endByte))
                }
                sawSeparator = false
                k = next
            default:
                note(.invalid, t.range.lowerBound, "unexpected \"\(t.text.prefix(32))\"", hint: "ignored")
                k += 1
            }
        }
        if missingSemicolon {
            // Some policy daemons and old Exchange builds separate pairs with white space only.
            note(.invalid, 0, "key-value pairs not separated by \";\"", hint: "read them anyway")
        }
        let comment = comments.first
        var facts = SPFCommentFacts()
        for c in comments {
            let f = SPFCommentFacts.read(c)
            facts.receiver = facts.receiver ?? f.receiver
            facts.identity = facts.identity ?? f.identity
            facts.clientIP = facts.clientIP ?? f.clientIP
            facts.identityKind = facts.identityKind ?? f.identityKind
        }
        return ReceivedSPF(
            raw: value, resultWord: resultWord, result: result, comment: comment, commentFacts: facts,
            pairs: pairs, deviations: deviations)
    }
}
