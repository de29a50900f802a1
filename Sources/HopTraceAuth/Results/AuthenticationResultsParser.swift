import HopTraceCore

/// Field value → `AuthenticationResults`, no I/O. Lenient: it never throws; every departure
/// from RFC 8601 (quoted in `AuthenticationResults.swift`) becomes a `HeaderDeviation` with
/// its byte offset, and each leniency below names the software that needs it.
public enum AuthenticationResultsParser {
    /// Methods of the IANA "Email Authentication Methods" registry (and Microsoft's `compauth`).
    /// A `name=value` inside a resinfo whose name is one of these starts a new result even when
    /// the writer forgot the `;` before it.
    static let knownMethods: Set<String> = [
        "spf", "dkim", "dmarc", "arc", "iprev", "auth", "dkim-atps", "bimi", "sender-id", "domainkeys",
        "dnswl", "rrvs", "smime", "vbr", "dkim-adsp", "compauth", "x-original-spf",
    ]

    /// `Authentication-Results` (and `Authentication-Results-Original`, which Proofpoint writes
    /// in the same syntax).
    public static func parse(_ value: String, field: AuthResultsField = .authenticationResults) -> AuthenticationResults
    {
        let bytes = Array(value.utf8)
        var r = Reader(bytes: bytes, value: value)
        return r.payload(field: field, instance: nil)
    }

    /// `ARC-Authentication-Results`: `i=N;` then the same payload (RFC 8617 §4.1.1).
    public static func parseARC(_ value: String) -> AuthenticationResults {
        let bytes = Array(value.utf8)
        var r = Reader(bytes: bytes, value: value)
        let instance = r.arcInstance()
        return r.payload(field: .arcAuthenticationResults, instance: instance)
    }

    struct Reader {
        let bytes: [UInt8]
        let value: String
        let tokens: [HeaderToken]
        let notes: HeaderLexerNotes
        var i = 0
        var deviations: [HeaderDeviation] = []
        var droppedDeviations = 0

        init(bytes: [UInt8], value: String) {
            self.bytes = bytes
            self.value = value
            (tokens, notes) = HeaderLexer.tokenize(
                bytes, maxBytes: AuthResultsLimits.maxFieldBytes,
                maxTokens: AuthResultsLimits.maxTokens)
            if let cut = notes.truncatedAt {
                note(
                    .limit, cut,
                    "field is \(bytes.count) bytes; only the first \(AuthResultsLimits.maxFieldBytes) were read")
            }
            if let at = notes.tokenLimitAt {
                note(.limit, at, "more than \(AuthResultsLimits.maxTokens) tokens; the rest was not read")
            }
            if notes.controlBytes > 0, let at = notes.firstControlOffset {
                note(
                    .invalid, at, "\(notes.controlBytes) control byte(s) (NUL, C0, DEL)", hint: "treated as white space"
                )
            }
            for t in tokens where t.unterminated {
                note(
                    .incomplete, t.range.lowerBound,
                    t.kind == .comment ? "comment is not closed" : "quoted-string is not closed",
                    hint: "read to the end of the field")
            }
        }

        mutating func note(_ kind: HeaderDeviation.Kind, _ offset: Int, _ message: String, hint: String? = nil) {
            if deviations.count < AuthResultsLimits.maxDeviations {
                deviations.append(HeaderDeviation(kind, offset: offset, message, hint: hint))
            } else {
                droppedDeviations += 1
            }
        }

        var atEnd: Bool { i >= tokens.count }
        func peek(_ k: Int = 0) -> HeaderToken? { i + k < tokens.count ? tokens[i + k] : nil }

        mutating func skipComments(into comments: inout [String]) {
            while let t = peek(), t.kind == .comment {
                if comments.count < AuthResultsLimits.maxPropertiesPerResult { comments.append(t.text) }
                i += 1
            }
        }

        /// `instance = [CFWS] %x69 [CFWS] "=" [CFWS] i-val` then `[CFWS] ";"`
        mutating func arcInstance() -> Int? {
            var ignored: [String] = []
            skipComments(into: &ignored)
            guard let t = peek(), t.kind == .word, t.text.lowercased() == "i", peek(1)?.kind == .equals else {
                note(
                    .invalid, peek()?.range.lowerBound ?? 0, "ARC-Authentication-Results does not start with i=",
                    hint: "read as a plain Authentication-Results payload")
                return nil
            }
            i += 2
            skipComments(into: &ignored)
            var instance: Int? = nil
            if let v = peek(), v.kind == .word {
                if let n = Int(v.text), (1...50).contains(n) {
                    instance = n
                } else {
                    note(
                        .invalid, v.range.lowerBound,
                        "instance \"\(v.text.prefix(20))\" is not 1 to 50 (RFC 8617 §4.2.1)")
                }
                i += 1
            } else {
                note(.incomplete, t.range.upperBound, "i= has no value")
            }
            skipComments(into: &ignored)
            if peek()?.kind == .semicolon {
                i += 1
            } else {
                note(.invalid, peek()?.range.lowerBound ?? bytes.count, "no \";\" after the instance")
            }
            return instance
        }

        /// `authres-payload = [CFWS] authserv-id [ CFWS authres-version ] ( no-result / 1*resinfo ) [CFWS]`
        mutating func payload(field: AuthResultsField, instance: Int?) -> AuthenticationResults {
            var comments: [String] = []
            var strays: [String] = []
            var authservID: String? = nil
            var version: Int? = nil
            var results: [AuthResult] = []
            var noResult = false

            skipComments(into: &comments)
            // authserv-id = value
            if let t = peek(), t.kind == .word || t.kind == .quoted, peek(1)?.kind != .equals {
                authservID = t.text
                i += 1
                skipComments(into: &comments)
                // authres-version = 1*DIGIT
                if let v = peek(), v.kind == .word, !v.text.isEmpty,
                    v.text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                    peek(1)?.kind != .equals
                {
                    version = Int(v.text.prefix(9))
                    i += 1
                    skipComments(into: &comments)
                }
                if let t = peek(), t.kind != .semicolon {
                    // Some writers put the first result right after the authserv-id.
                    note(.invalid, t.range.lowerBound, "no \";\" after the authserv-id", hint: "reading on as results")
                }
            } else if let t = peek(), t.kind == .word, peek(1)?.kind == .equals {
                // Microsoft Exchange Online (and EOP) start with the first result:
                // `spf=fail (sender IP is …) smtp.mailfrom=…; receiving.domain; dkim=…`.
                note(
                    .nonStandard, t.range.lowerBound, "no authserv-id before the first result",
                    hint:
                        "Microsoft Exchange Online writes A-R this way; the receiving tenant's domains follow as stray tokens"
                )
            } else if atEnd {
                note(.incomplete, bytes.count, "empty field", hint: "no authserv-id and no result")
            }

            // ( no-result / 1*resinfo ), split at ";"
            var emptySegments = 0
            var lastEmptyOffset = 0
            var sawTrailingSemicolon = false
            var strayNoted = false
            while !atEnd {
                if peek()?.kind == .semicolon { i += 1 }
                let start = i
                while let t = peek(), t.kind != .semicolon { i += 1 }
                let segment = start..<i
                let meaningful = segment.filter { tokens[$0].kind != .comment }
                if meaningful.isEmpty {
                    for k in segment { comments.append(tokens[k].text) }
                    if atEnd {
                        // Microsoft, Exim and many others end the field with ";".
                        if start > 0 && tokens[start - 1].kind == .semicolon { sawTrailingSemicolon = true }
                    } else {
                        emptySegments += 1
                        lastEmptyOffset = tokens[max(0, start - 1)].range.lowerBound
                    }
                    continue
                }
                let first = tokens[meaningful[0]]
                if meaningful.count == 1, first.kind == .word, first.text.lowercased() == "none", results.isEmpty {
                    // no-result = [CFWS] ";" [CFWS] "none"
                    noResult = true
                    continue
                }
                if first.kind == .word, meaningful.count > 1, tokens[meaningful[1]].kind == .equals {
                    if results.count >= AuthResultsLimits.maxResults {
                        note(
                            .limit, first.range.lowerBound,
                            "more than \(AuthResultsLimits.maxResults) results; the rest were not read")
                        break
                    }
                    results += resinfos(segment)
                    if results.count > AuthResultsLimits.maxResults {
                        results.removeLast(results.count - AuthResultsLimits.maxResults)
                    }
                    continue
                }
                // A segment of bare words: Microsoft writes the receiving tenant's domain(s) this way
                // (`smtp.mailfrom=m0noc.net; btgroupcloud.mail.onmicrosoft.com; dkim=…`,
                // `header.d=m0noc.net;btgroupcloud.mail.onmicrosoft.com`).
                var words: [String] = []
                for k in segment {
                    let t = tokens[k]
                    if t.kind == .comment {
                        comments.append(t.text)
                        continue
                    }
                    words.append(t.text)
                }
                if results.isEmpty {
                    strays += words.prefix(AuthResultsLimits.maxPropertiesPerResult)
                } else if results[results.count - 1].strays.count < AuthResultsLimits.maxPropertiesPerResult {
                    results[results.count - 1].strays += words.prefix(AuthResultsLimits.maxPropertiesPerResult)
                }
                if !strayNoted {
                    strayNoted = true
                    note(
                        .nonStandard, first.range.lowerBound, "stray token \"\(first.text.prefix(64))\" between \";\"",
                        hint: "Microsoft Exchange Online writes the receiving domain after each result; kept as a stray"
                    )
                }
            }
            if emptySegments > 0 {
                note(.invalid, lastEmptyOffset, "\(emptySegments) empty \";\"-separated element(s)", hint: "ignored")
            }
            if sawTrailingSemicolon {
                note(
                    .nonStandard, bytes.count, "trailing \";\"",
                    hint: "Microsoft and others end the field with \";\"; ignored")
            }
            if results.isEmpty && !noResult && !deviations.contains(where: { $0.message == "empty field" }) {
                note(.incomplete, bytes.count, "no result and no \"none\"")
            }
            if droppedDeviations > 0, var last = deviations.popLast() {
                last.message += " (and \(droppedDeviations) more deviations not listed)"
                deviations.append(last)
            }
            return AuthenticationResults(
                raw: value, field: field, instance: instance, authservID: authservID, version: version,
                results: results, noResult: noResult, comments: comments, strays: strays,
                deviations: deviations)
        }

        /// One `;`-separated segment: `methodspec [ CFWS reasonspec ] [ CFWS 1*propspec ]`, or
        /// several when the writer left out the `;` between them.
        mutating func resinfos(_ segment: Range<Int>) -> [AuthResult] {
            var out: [AuthResult] = []
            var k = segment.lowerBound
            // Leading comments belong to the field.
            while k < segment.upperBound, tokens[k].kind == .comment { k += 1 }
            while k < segment.upperBound {
                let (result, next) = resinfo(from: k, end: segment.upperBound)
                out.append(result)
                if next <= k { break }
                k = next
            }
            return out
        }

        /// `methodspec = [CFWS] method [CFWS] "=" [CFWS] result`, then reason and properties up to
        /// `end` or the next known method.
        mutating func resinfo(from start: Int, end: Int) -> (AuthResult, Int) {
            var k = start
            let methodToken = tokens[k]
            var methodText = methodToken.text.lowercased()
            var methodVersion: Int? = nil
            // method = Keyword [ "/" method-version ]
            if let slash = methodText.firstIndex(of: "/") {
                methodVersion = Int(methodText[methodText.index(after: slash)...])
                methodText = String(methodText[..<slash])
            }
            if methodText.utf8.count > 64 { methodText = String(methodText.prefix(64)) }
            k += 2  // method, "="
            var comments: [String] = []
            var resultWord = ""
            while k < end, tokens[k].kind == .comment {
                comments.append(tokens[k].text)
                k += 1
            }
            if k < end, tokens[k].kind == .word || tokens[k].kind == .quoted {
                resultWord = String(tokens[k].text.lowercased().prefix(64))
                k += 1
            } else {
                note(
                    .incomplete, tokens[k - 1].range.upperBound, "\(methodText)= has no result",
                    hint: "result read as \"\"")
            }
            var reason: String? = nil
            var reasonFromComment = false
            var properties: [AuthProperty] = []
            var strays: [String] = []
            var justAfterResult = true
            var resultEnd = tokens[k - 1].range.upperBound
            while k < end {
                let t = tokens[k]
                switch t.kind {
                case .comment:
                    // The comment right after the result is its reason: Microsoft's
                    // `(sender IP is 62.239.224.235)`, `(signature did not verify)`.
                    if justAfterResult && reason == nil {
                        reason = t.text
                        reasonFromComment = true
                    }
                    if comments.count < AuthResultsLimits.maxPropertiesPerResult { comments.append(t.text) }
                    k += 1
                    resultEnd = t.range.upperBound
                    continue
                case .word where k + 1 < end && tokens[k + 1].kind == .equals:
                    let name = t.text.lowercased()
                    if AuthenticationResultsParser.knownMethods.contains(name) && !name.contains(".") {
                        // Exim and some milters separate results with white space only.
                        note(.invalid, t.range.lowerBound, "no \";\" before \(name)=", hint: "read as a new result")
                        return (
                            makeResult(
                                methodText, methodVersion, resultWord, reason, reasonFromComment, properties,
                                comments, strays, start, resultEnd), k
                        )
                    }
                    let (value, valueEnd, next) = pvalue(at: k + 2, end: end)
                    let raw = HeaderLexer.slice(bytes, t.range.lowerBound..<valueEnd)
                    if value == nil {
                        note(.incomplete, tokens[k + 1].range.upperBound, "\(name)= has no value")
                    }
                    if name == "reason" {
                        // reasonspec = "reason" [CFWS] "=" [CFWS] value
                        reason = value ?? ""
                        reasonFromComment = false
                    } else if properties.count < AuthResultsLimits.maxPropertiesPerResult {
                        if let dot = name.firstIndex(of: ".") {
                            properties.append(
                                AuthProperty(
                                    ptype: String(name[..<dot]), property: String(name[name.index(after: dot)...]),
                                    value: value ?? "", raw: raw))
                        } else {
                            // Microsoft `action=oreject`, Microsoft `compauth=… reason=…` is its own
                            // method; others: non-standard, kept with no ptype.
                            if name != "action" {
                                note(
                                    .nonStandard, t.range.lowerBound, "property \"\(name.prefix(32))\" has no ptype",
                                    hint: "kept as a non-standard property")
                            }
                            properties.append(AuthProperty(ptype: nil, property: name, value: value ?? "", raw: raw))
                        }
                    }
                    k = next
                    resultEnd = valueEnd
                case .equals:
                    note(.invalid, t.range.lowerBound, "\"=\" without a property name", hint: "ignored")
                    k += 1
                default:
                    if strays.count < AuthResultsLimits.maxPropertiesPerResult { strays.append(t.text) }
                    note(
                        .invalid, t.range.lowerBound, "unexpected \"\(t.text.prefix(32))\" in a result",
                        hint: "kept as a stray")
                    k += 1
                    resultEnd = t.range.upperBound
                }
                justAfterResult = false
            }
            return (
                makeResult(
                    methodText, methodVersion, resultWord, reason, reasonFromComment, properties, comments, strays,
                    start, resultEnd), end
            )
        }

        /// `pvalue = [CFWS] ( value / [ [ local-part ] "@" ] domain-name ) [CFWS]`: a word, a
        /// quoted-string, or a quoted local part glued to `@domain`. Returns the value, the byte
        /// offset where it ends, and the next token index.
        func pvalue(at start: Int, end: Int) -> (String?, Int, Int) {
            var k = start
            guard k < end, tokens[k].kind == .word || tokens[k].kind == .quoted else {
                return (nil, tokens[min(k, tokens.count) - 1].range.upperBound, k)
            }
            var text = tokens[k].text
            var valueEnd = tokens[k].range.upperBound
            k += 1
            // "first last"@example.com
            if tokens[k - 1].kind == .quoted, k < end, tokens[k].kind == .word, tokens[k].text.hasPrefix("@"),
                tokens[k].range.lowerBound == valueEnd
            {
                text = "\"\(text)\"" + tokens[k].text
                valueEnd = tokens[k].range.upperBound
                k += 1
            }
            return (text, valueEnd, k)
        }

        func makeResult(
            _ method: String, _ version: Int?, _ result: String, _ reason: String?, _ fromComment: Bool,
            _ properties: [AuthProperty], _ comments: [String], _ strays: [String], _ start: Int, _ endByte: Int
        ) -> AuthResult {
            let range = tokens[start].range.lowerBound..<max(endByte, tokens[start].range.upperBound)
            return AuthResult(
                method: method, methodVersion: version, result: result, reason: reason, reasonFromComment: fromComment,
                properties: properties, comments: comments, strays: strays,
                raw: HeaderLexer.slice(bytes, range), range: range)
        }
    }
}
