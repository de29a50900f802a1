import HopTraceCore

/// Reads one Received header value (unfolded, without the `Received:` name).
///
/// The grammar is RFC 5321 §4.4 as amended by RFC 5322 §3.6.7:
///
///     received       = "Received:" *received-token ";" date-time CRLF      (RFC 5322)
///     Time-stamp-line = "Received:" FWS Stamp <CRLF>                       (RFC 5321)
///     Stamp          = From-domain By-domain Opt-info [CFWS] ";" FWS date-time
///     From-domain    = "FROM" FWS Extended-Domain
///     By-domain      = CFWS "BY" FWS Extended-Domain
///     Extended-Domain = Domain / ( Domain FWS "(" TCP-info ")" ) /
///                       ( address-literal FWS "(" TCP-info ")" )
///     TCP-info       = address-literal / ( Domain FWS address-literal )
///     Opt-info       = [Via] [With] [ID] [For] [Additional-Registered-Clauses]
///     Via            = CFWS "VIA" FWS Link
///     With           = CFWS "WITH" FWS Protocol
///     ID             = CFWS "ID" FWS ( Atom / msg-id )
///     For            = CFWS "FOR" FWS ( Path / Mailbox )
///
/// Real MTAs bend every part of it; each leniency below names the software that needs it.
/// The parser never fails: what it cannot place goes verbatim into `unparsed`, comments it
/// does not recognise into `comments`. One forward pass over the bytes, no recursion.
public enum ReceivedParser {
    public static func parse(_ value: String) -> ReceivedHeader {
        var header = ReceivedHeader(raw: value)
        // Limits.maxHeaderFieldBytes: parse a prefix, keep the rest verbatim.
        var bytes = Array(value.utf8)
        var overflow: String?
        if bytes.count > Limits.maxHeaderFieldBytes {
            var cut = Limits.maxHeaderFieldBytes
            // Never split a UTF-8 sequence.
            while cut > 0 && (bytes[cut] & 0xC0) == 0x80 { cut -= 1 }
            overflow = String(decoding: bytes[cut...], as: UTF8.self)
            bytes.removeSubrange(cut...)
        }
        var state = StampState(bytes: bytes)
        state.run(into: &header)
        if let overflow { header.unparsed.append(overflow) }
        return header
    }
}

/// Which clause the next word belongs to.
private enum Clause: Sendable {
    case start, from, by, via, with, id, recipients, envelopeFrom
}

/// Facts about the from-side gathered while reading; resolved into `ReceivedFrom` at the end.
private struct FromFacts {
    /// The Extended-Domain right after `from`, as written.
    var value: String?
    /// A host name inside the TCP-info comment (Postfix/Sendmail/Google reverse DNS).
    var commentName: String?
    /// `unknown`/`Unknown` written where a reverse name goes (Postfix, hMailServer, qmail).
    var explicitNoName = false
    /// A HELO name stated as such (`helo=`, `HELO x`, `"EHLO x"`, `LHLO x`).
    var helo: String?
    var address: AddressLiteral?
    /// The address came from a top-level `[ip]` after the domain (Exim 3, MDaemon).
    var topLevelLiteral = false
    var ident: String?
    var authenticated: String?
    var mayBeForged = false
    var port: Int?
    /// Words right after the from-domain that no rule placed (resolved in `finish`).
    var extraWords: [String] = []
    /// How the address in the from comment was written; it tells whose name the from-domain is.
    /// Exim's `([IP]:port)` and qmail's `(IP)` / `(ident@IP)` follow the receiver's verified
    /// reverse name; Postfix/Sendmail's `(rdns [IP])` follow the client's HELO.
    var eximPortLiteral = false
    var bracketedLiteral = false
    var bareAddress = false
    var qmailIdent = false
    /// The TIS firewall toolkit's smtpd writes `name(ip)`, the comment glued to the name.
    var glued = false
    /// fwtk `claiming to be "NAME"`: how far the phrase has been read (0 = not started).
    var claimStep = 0
    /// DragonFly Mail Agent's `from user (uid N)`: a local user, not a host.
    var localUser = false
    var redacted = false
}

private struct StampState {
    let bytes: [UInt8]
    var clause: Clause = .start
    var valueTaken = false
    /// A comment already ended the current `with` clause's words.
    var withClosedByComment = false
    var withWords: [String] = []
    var viaWords: [String] = []
    var sawFrom = false
    var from = FromFacts()
    var byName: String?
    var byAddress: AddressLiteral?
    var sawBy = false
    var tlsFromComment = false
    var expectTLSCipher = false
    /// A second `with` clause: its words are not merged into the first one's keyword.
    var secondWith = false
    /// qmail-scanner's `by uid N`: the number comes next.
    var pendingUID = false
    /// Microsoft SMTPSVC's `by HOST over TLS secured channel with …`: words of the phrase read so far.
    var overWords: [String] = []
    /// SurfControl's `by HOST - SurfControl E-mail Filter (6.0.1)`: the product's words.
    var productWords: [String]?
    var byRedacted = false
    /// End offset of the from-domain's token, to see a comment glued to it.
    var fromValueEnd: Int?
    /// End offset of the word being read.
    var currentTokenEnd = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    func text(_ t: ReceivedToken) -> String { String(decoding: bytes[t.start..<t.end], as: UTF8.self) }
    func commentContent(_ t: ReceivedToken) -> String {
        String(decoding: bytes[(t.start + 1)..<max(t.start + 1, t.end - 1)], as: UTF8.self)
    }

    mutating func run(into h: inout ReceivedHeader) {
        let tokens = ReceivedLexer.tokens(bytes)
        // The date follows the last top-level `;` (RFC 5322 §3.6.7).
        var clauseEnd = tokens.count
        var dateText: String?
        if let semi = tokens.lastIndex(where: { $0.kind == .semicolon }) {
            clauseEnd = semi
            dateText = String(decoding: bytes[tokens[semi].end...], as: UTF8.self)
        } else if let goStart = goDateStart(tokens) {
            // SendGrid filter hops: a Go time.Time string with no `;` before it.
            clauseEnd = goStart
            dateText = String(decoding: bytes[tokens[goStart].start...], as: UTF8.self)
        } else if let start = bareDateStart(tokens) {
            // GMX, Postfix, Netscape and the TIS firewall toolkit also write the date with no
            // `;` before it (`… id 4F1 Sat, 21 Apr 2018 03:01:04 +0000`).
            clauseEnd = start
            dateText = String(decoding: bytes[tokens[start].start...], as: UTF8.self)
        }

        let clauseTokens = tokens[..<clauseEnd]
        // qmail: `(qmail 10681 invoked by uid 404); date` — a stamp made of comments only.
        if !clauseTokens.isEmpty, clauseTokens.allSatisfy({ $0.kind == .comment }) {
            let contents = clauseTokens.map { commentContent($0) }
            h.commentOnly = contents.joined(separator: " ")
            for c in contents where c.hasPrefixIgnoringCase("qmail") {
                h.software.append(String(c.prefix(while: { !$0.isWhitespace })))
            }
        } else {
            for t in clauseTokens { consume(t, into: &h) }
        }
        finish(into: &h)

        if let dateText {
            let (ts, leftover) = MailDateParser.parse(dateText)
            h.timestamp = ts
            if let leftover {
                // Courier writes its queue id after the date: `…; Wed, 20 Apr 2011 10:00:00 +0200 id 0000…`.
                let words = leftover.splitBytes { ReceivedLexer.isSpace($0) }
                if ts != nil, words.count == 2, words[0].equalsIgnoringCase("id"), h.id == nil {
                    h.id = stripAngles(String(words[1]))
                } else {
                    h.unparsed.append(leftover)
                }
            }
        }
    }

    /// Index of the first top-level word where a date-time begins when the header has no `;`
    /// (and no Go date). A word is tried only when it can open a date (a weekday, a day before a
    /// month name, a month name before a day, `M/D/YYYY` before a time), and at most
    /// `maxBareDateTrials` are tried, so hostile input costs a bounded number of linear reads.
    func bareDateStart(_ tokens: [ReceivedToken]) -> Int? {
        var trials = 0
        for i in tokens.indices where tokens[i].kind == .word && tokens[i].end - tokens[i].start <= 12 {
            let w = Substring(text(tokens[i]))
            let next: Substring? =
                i + 1 < tokens.count && tokens[i + 1].kind == .word ? Substring(text(tokens[i + 1])) : nil
            let bare = w.hasSuffix(",") ? w.dropLast() : w
            var opens = MailDateParser.weekday(bare)
            if !opens, let next {
                opens =
                    (MailDateParser.number(w, maxDigits: 2) != nil && MailDateParser.monthNumber(next) != nil)
                    || (MailDateParser.monthNumber(w) != nil && MailDateParser.number(next, maxDigits: 2) != nil)
                    || (w.utf8.contains(UInt8(ascii: "/")) && MailDateParser.timeOfDay(next) != nil)
            }
            guard opens else { continue }
            trials += 1
            if trials > Self.maxBareDateTrials { return nil }
            let candidate = String(decoding: bytes[tokens[i].start...], as: UTF8.self)
            if MailDateParser.parse(candidate).timestamp != nil { return i }
        }
        return nil
    }

    static let maxBareDateTrials = 4

    /// Index of a word `YYYY-MM-DD` followed by `hh:mm:ss…` at top level.
    func goDateStart(_ tokens: [ReceivedToken]) -> Int? {
        guard tokens.count >= 2 else { return nil }
        for i in 0..<(tokens.count - 1) where tokens[i].kind == .word && tokens[i + 1].kind == .word {
            let w = text(tokens[i])
            guard w.utf8.count == 10 else { continue }
            let p = w.split(separator: "-")
            guard p.count == 3, p.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }) else { continue }
            if MailDateParser.timeOfDay(Substring(text(tokens[i + 1]))) != nil { return i }
        }
        return nil
    }

    static func keyword(_ w: String) -> Clause? {
        guard w.utf8.count <= 13 else { return nil }  // "envelope-from", the longest
        switch w.asciiLowered {
        case "from": return .from
        case "by": return .by
        case "via": return .via
        case "with": return .with
        case "id": return .id
        case "for": return .recipients
        // Haraka writes `envelope-from <x>` as a clause after the id.
        case "envelope-from": return .envelopeFrom
        default: return nil
        }
    }

    mutating func consume(_ t: ReceivedToken, into h: inout ReceivedHeader) {
        switch t.kind {
        case .semicolon:
            // A `;` that is not the last one: the date follows the last. Seen in spam tooling
            // (`… id 04EKOWYD930WHFJSF1;\tfor <x>; date`). Nothing is lost, but the blemish is
            // worth keeping as evidence of a hand-made header.
            h.comments.append("stray ';' before the date")
        case .strayClose, .unclosedComment:
            h.unparsed.append(text(t))
        case .comment:
            if clause == .from, let end = fromValueEnd, end == t.start { from.glued = true }
            comment(commentContent(t), into: &h)
        case .word:
            let w = text(t)
            currentTokenEnd = t.end
            if from.claimStep > 0 && clause == .from {
                // The claimed name is read whatever it looks like (`"[192.168.4.101]"`).
                claiming(w, into: &h)
                return
            }
            if let k = StampState.keyword(w) {
                // A repeated keyword starts its clause again, but never overwrites a value
                // already read: the second value goes to `unparsed` (see `word`).
                clause = k
                valueTaken = false
                withClosedByComment = false
                if k == .with && !withWords.isEmpty { secondWith = true }
                if k == .from && sawBy {
                    // IBM's ESMTP SMTP Gateway and Lotus/collabserv write the envelope sender as a
                    // trailing `from <sender>` after `for <rcpt>`.
                    clause = .envelopeFrom
                    return
                }
                if k == .from { sawFrom = true }
                if k == .by { sawBy = true }
                return
            }
            word(w, into: &h)
        }
    }

    mutating func word(_ w: String, into h: inout ReceivedHeader) {
        switch clause {
        case .start:
            // MDaemon sometimes omits the leading `from`:
            // `smtp510.aspkunden.de [(134.97.4.21)] by mail.aspemail.de …`.
            clause = .from
            sawFrom = true
            valueTaken = false
            word(w, into: &h)
        case .from:
            // From-domain = "FROM" FWS Extended-Domain
            if !valueTaken && from.value == nil && !from.redacted {
                if Self.isRedacted(w) {
                    from.redacted = true
                } else {
                    from.value = w
                }
                valueTaken = true
                fromValueEnd = currentTokenEnd
            } else if from.claimStep > 0 || (valueTaken && w.equalsIgnoringCase("claiming")) {
                // The TIS firewall toolkit: `claiming to be "HELO"` after the verified name.
                claiming(w, into: &h)
            } else if valueTaken && w == "," {
                // fwtk: the comma after `name(ip)`.
            } else if let a = AddressLiteral.parse(w), w.hasPrefix("[") {
                // Exim 3 `[10.0.8.6.13219]` and MDaemon `[(134.97.4.21)]` after the domain.
                if from.address == nil {
                    from.address = a
                    from.topLevelLiteral = true
                    from.port = from.port ?? a.port
                } else {
                    h.unparsed.append(w)
                }
            } else if from.value?.hasPrefix("mail") == true,
                w.equalsIgnoringCase("pickup") || w.equalsIgnoringCase("service")
            {
                // Microsoft SMTPSVC: `from mail pickup service by hotmail.com` (local pickup).
                from.value! += " " + w
            } else if valueTaken, from.value != nil {
                // More words after the from-domain: GroupWise's spaced domain name, or text
                // that is no host name at all (decided in `finish`).
                from.extraWords.append(w)
            } else {
                h.unparsed.append(w)
            }
        case .by:
            // By-domain = CFWS "BY" FWS Extended-Domain
            if !valueTaken && byName == nil && !byRedacted {
                if Self.isRedacted(w) {
                    byRedacted = true
                }
                // The TIS firewall toolkit: `by HOST, id …`.
                else {
                    byName = w.hasSuffix(",") && w.utf8.count > 1 ? String(w.dropLast()) : w
                }
                valueTaken = true
            } else if productWords != nil {
                productWords!.append(w)
            } else if valueTaken, w == "-", overWords.isEmpty {
                // SurfControl: `by HOST - SurfControl E-mail Filter (6.0.1)`.
                productWords = []
            } else if valueTaken, overWords.isEmpty ? w.equalsIgnoringCase("over") : overWords.count < 4 {
                // Microsoft SMTPSVC: `by HOST over TLS secured channel with Microsoft SMTPSVC(…)`.
                overWords.append(w)
                if overWords.count == 4 {
                    if overWords.joined(separator: " ").equalsIgnoringCase("over tls secured channel") {
                        if h.tls == nil { h.tls = TLSInfo(raw: overWords.joined(separator: " ")) }
                        tlsFromComment = true
                    } else {
                        h.unparsed.append(overWords.joined(separator: " "))
                    }
                }
            } else if let a = AddressLiteral.parse(w), byAddress == nil, w.hasPrefix("[") {
                // MDaemon: `by mailscan.acenet.net.au [202.83.84.27]`.
                byAddress = a
            } else if byName != nil, w.equalsIgnoringCase("uid") {
                // qmail-scanner: `by host by uid 502 with qmail-scanner-1.12` — the scanner ran
                // as that local user; not a second receiving host.
                pendingUID = true
            } else if pendingUID, w.allSatisfy({ $0.isASCII && $0.isNumber }) {
                pendingUID = false
                h.comments.append("by uid \(w)")
            } else {
                h.unparsed.append(w)
            }
        case .with:
            // With = CFWS "WITH" FWS Protocol. Several words are one protocol in Microsoft's
            // `Microsoft SMTP Server` and MailEnable's `MailEnable ESMTP`.
            if expectTLSCipher {
                // Exim 4.93+: `with esmtps (TLS1.3) tls TLS_AES_256_GCM_SHA384`.
                expectTLSCipher = false
                if h.tls == nil { h.tls = TLSInfo(raw: "tls " + w) }
                h.tls?.cipher = w
                tlsFromComment = true
            } else if withClosedByComment && w.equalsIgnoringCase("tls") {
                expectTLSCipher = true
            } else if secondWith && !withClosedByComment && w.equalsIgnoringCase("starttls") {
                // Mimecast: `with ESMTP with STARTTLS (version=…, cipher=…)`.
                tlsFromComment = true
            } else if withClosedByComment || secondWith {
                h.unparsed.append(w)
            } else {
                withWords.append(w)
            }
        case .via:
            // Via = CFWS "VIA" FWS Link; Exchange writes two words (`Frontend Transport`).
            viaWords.append(w)
        case .id:
            // ID = CFWS "ID" FWS ( Atom / msg-id )
            // `id <0MYJ00DJUUH7CQ60@host>` (Oracle Messaging Server, Clearswift, Exchange 5.5):
            // the brackets are msg-id syntax, not part of the id; `raw` keeps them.
            if !valueTaken && h.id == nil {
                h.id = stripAngles(w)
                valueTaken = true
            } else {
                h.unparsed.append(w)
            }
        case .recipients:
            // For = CFWS "FOR" FWS ( Path / Mailbox ); several are written comma-separated.
            for part in w.split(separator: ",") {
                var r = Substring(part)
                if r.hasPrefix("<") { r = r.dropFirst() }
                if r.hasSuffix(">") { r = r.dropLast() }
                if !r.isEmpty { h.recipients.append(String(r)) }
            }
        case .envelopeFrom:
            if !valueTaken && h.envelopeFrom == nil {
                h.envelopeFrom = stripAngles(w)
                valueTaken = true
            } else {
                h.unparsed.append(w)
            }
        }
    }

    /// fwtk's `claiming to be "NAME"`, one word at a time: the three fixed words, then the name.
    mutating func claiming(_ w: String, into h: inout ReceivedHeader) {
        let expected = ["claiming", "to", "be"]
        if from.claimStep < 3 {
            if w.equalsIgnoringCase(expected[from.claimStep]) {
                from.claimStep += 1
                return
            }
            h.unparsed.append(w)
            from.claimStep = 0
            return
        }
        var name = Substring(w)
        if name.hasPrefix("\""), name.hasSuffix("\""), name.utf8.count >= 2 { name = name.dropFirst().dropLast() }
        from.helo = String(name)
        from.claimStep = 0
    }

    /// An address written but withheld: `[]`, `[x.x.x.x]`, `[xxx.xxx.xxx.xxx]`, `[*.*.*.*]`,
    /// `[here-redacted]`, `[REDACTED]` (a `:port` after it allowed). Never a parseable address.
    static func isRedacted(_ w: String) -> Bool {
        let u = w.utf8
        guard u.first == UInt8(ascii: "["), let close = u.firstIndex(of: UInt8(ascii: "]")), u.count <= 80 else {
            return false
        }
        let inner = w[w.utf8.index(after: u.startIndex)..<close]
        if inner.isEmpty { return true }
        if inner.containsIgnoringCase("redact") { return true }
        var masks = 0
        for c in inner.utf8 {
            switch c {
            case UInt8(ascii: "x"), UInt8(ascii: "X"), UInt8(ascii: "*"): masks += 1
            case UInt8(ascii: "."), UInt8(ascii: ":"): break
            default: return false
            }
        }
        return masks > 0
    }

    func stripAngles(_ s: String) -> String {
        var r = Substring(s.trimmedSpaces)
        if r.hasPrefix("<") { r = r.dropFirst() }
        if r.hasSuffix(">") { r = r.dropLast() }
        return String(r)
    }

    // MARK: comments

    mutating func comment(_ c: String, into h: inout ReceivedHeader) {
        if clause == .with && !withWords.isEmpty {
            defer { withClosedByComment = true }
            // Microsoft writes the version glued to the keyword: `Microsoft SMTPSVC(6.0.3790.0)`,
            // `Internet Mail Service (5.5.2653.19)` (Exchange 5.5: that is the Exchange build).
            let kw = withWords.joined(separator: " ")
            if !withClosedByComment,
                kw.equalsIgnoringCase("microsoft smtpsvc") || kw.equalsIgnoringCase("internet mail service")
            {
                h.software.append("\(kw)(\(c))")
                if kw.equalsIgnoringCase("internet mail service") { h.serverBuild = c }
                return
            }
        }
        let s = c.trimmedSpaces
        if s.equalsIgnoringCase("not using tls") {
            // Active!Hunter states plain SMTP: understood, kept as written.
            h.comments.append(c)
            return
        }
        if let tls = Self.tlsInfo(s) {
            tlsFromComment = true
            if h.tls == nil { h.tls = tls } else { h.comments.append(c) }
            return
        }
        if s.hasPrefixIgnoringCase("envelope-from") || s.hasPrefixIgnoringCase("envelope-sender") {
            // Exim `(envelope-from <x>)`, qmail-ldap `(envelope-sender <x>)`.
            let rest = s.drop(while: { !$0.isWhitespace && $0 != "<" })
            if h.envelopeFrom == nil { h.envelopeFrom = stripAngles(String(rest)) } else { h.comments.append(c) }
            return
        }
        if s.hasPrefixIgnoringCase("envelope sender:") {
            // Active!Hunter: `(envelope sender: <x>)`.
            let rest = s.dropFirst("envelope sender:".count)
            if h.envelopeFrom == nil { h.envelopeFrom = stripAngles(String(rest)) } else { h.comments.append(c) }
            return
        }
        if s.hasPrefixIgnoringCase("authenticated sender:") {
            // Postfix `(Authenticated sender: x)`.
            setAuthenticated(String(s.dropFirst("authenticated sender:".count).trimmedSpaces), c, &h)
            return
        }
        if s.hasPrefixIgnoringCase("authenticated") {
            // Sendmail `(authenticated bits=0)`, Haraka after the id, `(authenticated as x)`.
            let rest = String(s.dropFirst("authenticated".count).trimmedSpaces)
            setAuthenticated(rest.isEmpty ? "yes" : rest, c, &h)
            return
        }
        if s.hasPrefixIgnoringCase("no client certificate") || s.hasPrefixIgnoringCase("client did not present")
            || s.hasPrefixIgnoringCase("client cn") || s.hasPrefixIgnoringCase("client certificate")
        {
            // Postfix's TLS client-certificate notes: understood, kept as written.
            h.comments.append(c)
            return
        }
        switch clause {
        case .from:
            tcpInfo(c, into: &h)
        case .start where !sawFrom:
            // Norton AntiVirus Gateway writes the from-side as a comment: `(from HELO [IP]) by …`.
            let items = ReceivedLexer.items(c)
            if items.count == 3, case .word(let kw) = items[0], kw.equalsIgnoringCase("from"),
                case .word(let name) = items[1], !name.utf8.contains(UInt8(ascii: "@")),
                case .word(let lit) = items[2], lit.hasPrefix("["), let a = AddressLiteral.parse(lit)
            {
                sawFrom = true
                from.value = name
                from.address = a
                from.topLevelLiteral = true
                return
            }
            // Sendmail local submission `(from user@localhost) by …`, Yahoo `(user@IP with login)`.
            h.comments.append(c)
        case .by where productWords != nil:
            // SurfControl's version after its product name.
            h.software.append(productWords!.joined(separator: " ") + " (" + s + ")")
            productWords = nil
        case .by:
            if let a = AddressLiteral.parse(s), byAddress == nil {
                // Exchange writes the receiving address bare in parentheses: `by HOST (10.0.0.1)`.
                byAddress = a
            } else {
                // `(Postfix)`, `(8.15.2/8.15.2)`, `(Lotus Domino Release 8.5.3FP6)`, `(MDaemon PRO v19.0.2)`.
                h.software.append(String(s))
            }
        case .with:
            // `(Exim 4.82_1-5b7a7c0-XX)`, `(SimpleEmailService-2411284699)`, `(courier-0.40)`.
            h.software.append(String(s))
        default:
            // `(ORCPT <rfc822;x>)` (vger), `(Google Transport Security)`, and anything else.
            h.comments.append(c)
        }
    }

    mutating func setAuthenticated(_ v: String, _ c: String, _ h: inout ReceivedHeader) {
        if sawFrom, from.authenticated == nil { from.authenticated = v } else { h.comments.append(c) }
    }

    // TCP-info = address-literal / ( Domain FWS address-literal )       (RFC 5321 §4.4)
    // and the dialects' richer forms inside the from comment.
    mutating func tcpInfo(_ c: String, into h: inout ReceivedHeader) {
        // SquirrelMail (and other webmail) injecting over HTTP:
        // `from 144.137.3.98 (SquirrelMail authenticated user jmmail) by host with HTTP`.
        let words = c.containsIgnoringCase(" authenticated user ") ? c.split(separator: " ") : []
        if words.count == 4, words[1].equalsIgnoringCase("authenticated"), words[2].equalsIgnoringCase("user") {
            h.software.append(String(words[0]))
            from.authenticated = String(words[3])
            return
        }
        let items = ReceivedLexer.items(c)
        var i = 0
        var names: [String] = []
        var sawLiteral = false
        var leftovers: [String] = []
        var notes: [String] = []
        while i < items.count {
            switch items[i] {
            case .nested(let n):
                // Sendmail: `(host [ip] (may be forged))`.
                if n.trimmedSpaces.equalsIgnoringCase("may be forged") {
                    from.mayBeForged = true
                } else {
                    leftovers.append("(\(n))")
                }
            case .quoted(let q):
                // vger.kernel.org: `"EHLO name"`.
                let p = q.split(separator: " ", maxSplits: 1)
                if p.count == 2, Self.isHelloVerb(p[0].asciiLowered) {
                    from.helo = String(p[1])
                } else if p.count == 1, Self.isHelloVerb(p[0].asciiLowered) { /* empty HELO */
                } else {
                    leftovers.append("\"\(q)\"")
                }
            case .word(let w):
                let l = w.asciiLowered
                if let a = AddressLiteral.parse(w) {
                    if from.address == nil || from.topLevelLiteral {
                        from.address = a
                        from.topLevelLiteral = false
                    }
                    if let p = a.port { from.port = p }
                    if w.hasPrefix("[") {
                        from.bracketedLiteral = true
                        // Exim: `([IP]:port)`.
                        if a.port != nil, w.utf8.last != UInt8(ascii: "]") { from.eximPortLiteral = true }
                    } else if a.port == nil {
                        from.bareAddress = true
                    }
                    sawLiteral = true
                } else if Self.isRedacted(w) {
                    from.redacted = true
                    sawLiteral = true
                } else if Self.isStatusWord(l) {
                    // CommuniGate `([IP] verified)`, qmail-ldap/Courier `softdnserr` (a failed
                    // lookup), SMTPSVC `RDNS failed`, Clearswift `unverified`: notes, no host.
                    notes.append(w)
                } else if l == "may", i + 2 < items.count, case .word(let b) = items[i + 1],
                    case .word(let f) = items[i + 2],
                    b.equalsIgnoringCase("be"), f.equalsIgnoringCase("forged")
                {
                    // Sendmail's `may be forged`, written without its own parentheses.
                    from.mayBeForged = true
                    i += 2
                } else if l == "uid", i + 1 < items.count, case .word(let n) = items[i + 1],
                    MailDateParser.number(n, maxDigits: 10) != nil
                {
                    // DragonFly Mail Agent: `from user (uid 1000)`, a local submission.
                    from.localUser = true
                    notes.append("uid " + n)
                    i += 1
                } else if l == "tls:" {
                    // Courier: `(AUTH: LOGIN user, TLS: TLSv1/SSLv3,256bits,AES256-SHA)`.
                    var info = TLSInfo(raw: String(c.trimmedSpaces))
                    var parts: [String] = []
                    while i + 1 < items.count, case .word(let p) = items[i + 1] {
                        parts.append(p)
                        i += 1
                    }
                    if let v = parts.first { info.version = v }
                    for p in parts.dropFirst() {
                        if p.asciiLowered.hasSuffix("bits"), MailDateParser.number(p.dropLast(4), maxDigits: 5) != nil {
                            info.bits = String(p.dropLast(4))
                        } else if info.cipher == nil {
                            info.cipher = p
                        }
                    }
                    if h.tls == nil { h.tls = info }
                    tlsFromComment = true
                } else if Self.isHelloVerb(l) {
                    // qmail/IronPort `(HELO name)`, Zimbra `(LHLO name)`, Yahoo `(EHLO )`,
                    // CommuniGate `(account x HELO name)`.
                    if i + 1 < items.count, case .word(let next) = items[i + 1] {
                        from.helo = next
                        i += 1
                    } else {
                        from.helo = from.helo ?? ""
                    }
                } else if l.hasPrefix("helo=") {
                    // Exim 4 `helo=NAME`.
                    from.helo = String(w.dropFirst(5))
                } else if l.hasPrefix("ident=") {
                    from.ident = String(w.dropFirst(6))
                } else if l.hasPrefix("port=") {
                    from.port = Int(w.dropFirst(5))
                } else if l.hasPrefix("ident:") {
                    // Sendmail `IDENT:user@host` (or `IDENT:user@[ip]`).
                    let rest = w.dropFirst(6)
                    if let at = rest.utf8.lastIndex(of: UInt8(ascii: "@")) {
                        from.ident = String(rest[..<at])
                        let host = rest[rest.utf8.index(after: at)...]
                        if let a = AddressLiteral.parse(host) {
                            from.address = a
                            sawLiteral = true
                        } else if !host.isEmpty {
                            names.append(String(host))
                        }
                    } else {
                        from.ident = String(rest)
                    }
                } else if l == "account", i + 1 < items.count, case .word(let next) = items[i + 1] {
                    // CommuniGate Pro: `(account user@domain HELO host)`.
                    from.authenticated = next
                    i += 1
                } else if l == "auth:", i + 2 < items.count, case .word(let method) = items[i + 1],
                    case .word(let user) = items[i + 2], Self.isSASLMechanism(method)
                {
                    // Courier: `(AUTH: LOGIN user)`, `(AUTH: CRAM-MD5 user@example.com, )`.
                    from.authenticated = "\(user) (\(method))"
                    i += 2
                } else if l == "auth:", i + 1 < items.count, case .word(let next) = items[i + 1] {
                    // Courier: `from (AUTH: e40a9cea)`.
                    from.authenticated = next
                    i += 1
                } else if let at = w.utf8.lastIndex(of: UInt8(ascii: "@")),
                    let a = AddressLiteral.parse(w[w.utf8.index(after: at)...])
                {
                    from.address = a
                    sawLiteral = true
                    if i + 2 < items.count, case .word(let with) = items[i + 1], with.equalsIgnoringCase("with"),
                        case .word(let method) = items[i + 2]
                    {
                        // Yahoo (qmail): `(user@IP with login)`, an authenticated user and method.
                        from.authenticated = "\(w[..<at]) (\(method))"
                        i += 2
                    } else {
                        // qmail: `(user@1.2.3.4)`, the ident answer.
                        from.ident = String(w[..<at])
                        from.qmailIdent = true
                    }
                } else if l == "rdns" || l.hasPrefix("rhost-flags-") {
                    // SMTPSVC `RDNS failed`, vger's `rhost-flags-OK-OK-OK-OK`: notes about the
                    // lookup, no host. Kept in `comments`.
                    notes.append(w)
                } else if l == "[unix socket]" || l == "[local]" {
                    // Cyrus `[unix socket]`, OpenSMTPD `[local]`: a peer with no network address.
                    notes.append(w)
                } else if l == "unknown" {
                    from.explicitNoName = true
                } else if let at = w.utf8.lastIndex(of: UInt8(ascii: "@")), at != w.startIndex,
                    Self.looksLikeHost(String(w[w.utf8.index(after: at)...]))
                {
                    // Sendmail with an IDENT answer: `(julliard@localhost [127.0.0.1])`,
                    // `(lnchuser@localhost)` — the part before `@` is the ident user.
                    from.ident = String(w[..<at])
                    names.append(String(w[w.utf8.index(after: at)...]))
                } else if names.isEmpty && Self.looksLikeHost(w) {
                    names.append(w)
                } else {
                    leftovers.append(w)
                }
            }
            i += 1
        }
        // Exim 3: `(mail)` after `[ip.port]` is the ident.
        if from.topLevelLiteral, !sawLiteral, names.count == 1, !names[0].utf8.contains(UInt8(ascii: ".")),
            from.ident == nil, leftovers.isEmpty
        {
            from.ident = names[0]
            return
        }
        if let n = names.first {
            if from.commentName == nil { from.commentName = n } else { leftovers.append(n) }
        }
        if !leftovers.isEmpty { h.unparsed.append(contentsOf: leftovers) }
        if !notes.isEmpty { h.comments.append(notes.joined(separator: " ")) }
    }

    /// Words a receiver writes about its lookup where a name could stand: never a host name.
    static func isStatusWord(_ lowered: String) -> Bool {
        lowered == "verified" || lowered == "unverified" || lowered == "failed"
            || lowered == "softdnserr" || lowered == "softdnserror"
    }

    /// SASL mechanism names (IANA registry) as Courier writes them after `AUTH:`.
    static func isSASLMechanism(_ w: String) -> Bool {
        let l = w.asciiLowered
        return [
            "login", "plain", "cram-md5", "digest-md5", "gssapi", "ntlm", "xoauth2", "oauthbearer",
            "external", "anonymous", "scram-sha-1", "scram-sha-256", "scram-sha-1-plus", "scram-sha-256-plus",
        ].contains(l)
    }

    static func isHelloVerb(_ lowered: String) -> Bool {
        lowered == "helo" || lowered == "ehlo" || lowered == "lhlo"
    }

    static func looksLikeHost(_ w: String) -> Bool {
        !w.isEmpty && w.utf8.count <= 255
            && w.utf8.allSatisfy { c in
                (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                    || c == UInt8(ascii: "-") || c == UInt8(ascii: ".") || c == UInt8(ascii: "_")
            }
    }

    /// TLS details in any of the dialects' comment forms, or nil.
    static func tlsInfo(_ s: Substring) -> TLSInfo? {
        // Cheap pre-check (every comment of every header comes here): each form below
        // mentions TLS, SSL, a cipher or Google's transport.
        guard s.utf8.count < 512, s.utf8.contains(where: { $0 == UInt8(ascii: "s") || $0 == UInt8(ascii: "S") }) else {
            return nil
        }
        guard
            s.containsIgnoringCase("tls") || s.containsIgnoringCase("ssl") || s.containsIgnoringCase("cipher")
                || s.containsIgnoringCase("encrypted") || s.containsIgnoringCase("google transport")
        else { return nil }
        let l = s.asciiLowered
        // Postfix: `using TLSv1.2 with cipher AECDH-AES256-SHA (256/256 bits)`.
        if l.hasPrefix("using tls") || l.hasPrefix("using ssl") {
            let words = s.splitBytes {
                $0 == UInt8(ascii: " ") || $0 == 0x09 || $0 == UInt8(ascii: "(") || $0 == UInt8(ascii: ")")
            }
            var info = TLSInfo(raw: String(s))
            if words.count > 1, !words[1].equalsIgnoringCase("tls") || words.count > 2 {
                info.version = String(words[1])
            }
            if let ci = words.firstIndex(where: { $0.equalsIgnoringCase("cipher") }), ci + 1 < words.count {
                info.cipher = String(words[ci + 1])
            }
            if let bi = words.firstIndex(where: { $0.equalsIgnoringCase("bits") }), bi > 0 {
                info.bits = String(words[bi - 1])
            }
            // Mimecast `(Using TLS)` names no version.
            if l == "using tls" { info.version = nil }
            return info
        }
        // Sendmail/Google/Proofpoint/hMailServer `version=… cipher=… bits=…`, Exchange `version=…, cipher=…`.
        if l.containsIgnoringCase("version=") && l.containsIgnoringCase("cipher=") {
            var info = TLSInfo(raw: String(s))
            for part in s.splitBytes(where: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: ",") || $0 == 0x09 }) {
                // `key=value`, both non-empty (the value may hold further `=`).
                guard let eq = part.utf8.firstIndex(of: UInt8(ascii: "=")), eq != part.startIndex,
                    part.utf8.index(after: eq) != part.endIndex
                else { continue }
                let key = part[..<eq]
                let value = String(part[part.utf8.index(after: eq)...])
                if key.equalsIgnoringCase("version") {
                    info.version = value
                } else if key.equalsIgnoringCase("cipher") {
                    info.cipher = value
                } else if key.equalsIgnoringCase("bits") {
                    info.bits = value
                }
            }
            return info
        }
        // Exim: `TLSv1.3:TLS_AES_256_GCM_SHA384:256`, older `TLS-1.0:RSA_ARCFOUR_MD5:16`.
        if l.hasPrefix("tls") || l.hasPrefix("ssl"), !l.utf8.contains(UInt8(ascii: " ")),
            l.utf8.contains(UInt8(ascii: ":"))
        {
            let p = s.split(separator: ":", omittingEmptySubsequences: false)
            var info = TLSInfo(raw: String(s))
            info.version = String(p[0])
            if p.count > 1 { info.cipher = String(p[1]) }
            if p.count > 2 { info.bits = String(p[2]) }
            return info
        }
        // Exim 4.93+ `(TLS1.3)` before `tls <cipher>`: the version alone.
        if l.hasPrefix("tls1") || l.hasPrefix("tlsv1"), !l.utf8.contains(UInt8(ascii: " ")),
            !l.utf8.contains(UInt8(ascii: ":"))
        {
            return TLSInfo(version: String(s), raw: String(s))
        }
        // mail.zeus03.de: `(TLS_AES_256_GCM_SHA384 encrypted, authenticated)`.
        if l.containsIgnoringCase(" encrypted"), let first = s.split(separator: " ").first {
            return TLSInfo(cipher: String(first), raw: String(s))
        }
        // Exchange `(TLS)`, Mimecast `(Using TLS)`, Google's internal `(Google Transport Security)`.
        if l == "tls" || l == "google transport security" { return TLSInfo(raw: String(s)) }
        return nil
    }

    // MARK: resolving

    mutating func finish(into h: inout ReceivedHeader) {
        if let words = productWords, !words.isEmpty { h.software.append(words.joined(separator: " ")) }
        if !overWords.isEmpty && overWords.count < 4 { h.unparsed.append(overWords.joined(separator: " ")) }
        if from.claimStep > 0 {
            h.unparsed.append(["claiming", "to", "be"].prefix(from.claimStep).joined(separator: " "))
        }
        if sawFrom {
            resolveFromValue(into: &h)
            var f = ReceivedFrom()
            let valueAddress = from.value.flatMap { AddressLiteral.parse($0) }
            let valueIsUnknown =
                from.value.map { $0.equalsIgnoringCase("unknown") || Self.isStatusWord($0.asciiLowered) } == true
            if from.localUser {
                // DragonFly Mail Agent: `from user (uid N)`: the local user who submitted it.
                from.ident = from.ident ?? from.value
            } else if from.helo != nil {
                // A HELO stated as such: the domain after `from` is the receiver's own view of the
                // peer (qmail/IronPort `from unknown (HELO x)`, Exim `from rdns (… helo=x)`).
                f.helo = from.helo!.isEmpty ? nil : from.helo
                if let n = from.commentName {
                    f.rdns = n
                } else if let v = from.value, valueAddress == nil, !valueIsUnknown {
                    f.rdns = v
                }
            } else if from.topLevelLiteral, let n = from.commentName {
                // Exim 3: `from rdns (helo) [ip.port]`.
                f.helo = n
                f.rdns = from.value
            } else if from.commentName == nil, valueAddress == nil, let v = from.value, !valueIsUnknown,
                fromValueIsReverseName(h)
            {
                // Exim `from NAME ([IP]:port)`, qmail `from NAME (IP)` / `(ident@IP)`, fwtk
                // `NAME(IP)`: the name is the receiver's verified reverse name; the client's HELO
                // is not written (Exim and qmail leave it out when it equals that name).
                f.rdns = v
            } else {
                // RFC 5321: the domain after `from` is the EHLO name; the comment holds the
                // reverse name (Postfix `helo (rdns [ip])`, hMailServer, Google).
                f.helo = from.value.map { Self.isStatusWord($0.asciiLowered) } == true ? nil : from.value
                if let n = from.commentName, !n.equalsIgnoringCase("unknown") { f.rdns = n }
            }
            if from.value.map({ Self.isStatusWord($0.asciiLowered) }) == true { h.comments.append(from.value!) }
            if let a = from.address ?? valueAddress {
                f.ip = a.ip
                f.ipText = a.text
                f.zone = a.zone
                f.port = from.port ?? a.port
            } else {
                f.port = from.port
            }
            f.ident = from.ident
            f.authenticated = from.authenticated
            f.mayBeForged = from.mayBeForged
            f.redacted = from.redacted
            h.from = f
        }
        if sawBy {
            var b = ReceivedBy()
            b.redacted = byRedacted
            if let n = byName, Self.isStatusWord(n.asciiLowered) {
                // qmail names itself `softdnserror` when its own reverse lookup failed.
                h.comments.append(n)
            } else if let n = byName {
                if let a = AddressLiteral.parse(n) {
                    // Gmail's internal hops: `by 2002:a05:6214:…` (an address, no name);
                    // qmail-ldap `by 212.198.2.120`.
                    b.ip = a.ip
                    b.ipText = a.text
                    b.zone = a.zone
                } else {
                    b.name = n
                }
            }
            if let a = byAddress {
                b.ip = a.ip
                b.ipText = a.text
                b.zone = a.zone
            }
            h.by = b
        }
        if !viaWords.isEmpty { h.via = viaWords.joined(separator: " ") }
        if !withWords.isEmpty {
            let kw = withWords.joined(separator: " ")
            var p = Self.protocolInfo(kw)
            if tlsFromComment { p.tls = true }
            h.with = p
            let lk = kw.asciiLowered
            // Exchange: `with Microsoft SMTP Server id 15.1.557.21`, `with mapi id 15.20.5546.023`.
            // That id is the server's build, not a message id.
            if lk == "microsoft smtp server" || lk == "mapi", let id = h.id {
                h.serverBuild = id
                h.id = nil
            }
        }
    }

    /// Whether the from-domain is the receiver's reverse name rather than the client's HELO,
    /// from how the address after it was written (no HELO stated, no name in the comment).
    func fromValueIsReverseName(_ h: ReceivedHeader) -> Bool {
        if from.eximPortLiteral || from.qmailIdent || (from.glued && from.bareAddress) { return true }
        // Exim with port logging off writes `([IP])`, as Sendmail and Exchange do for a HELO
        // name: only the Exim product comment tells them apart.
        if from.bracketedLiteral, h.software.contains(where: { $0.hasPrefixIgnoringCase("exim") }) { return true }
        // qmail `from NAME (IP)` (`with SMTP`, `QMQP`, or `ESMTPA` with an AUTH patch, no
        // product comment but qmail's own). Exchange, KumoMTA and IronPort write the same shape
        // with the HELO name; they name a product, another keyword or a by-side address.
        if from.bareAddress, byAddress == nil, from.address?.ip.isIPv4 == true {
            let kw = withWords.joined(separator: " ")
            guard kw == "SMTP" || kw == "QMQP" || kw == "ESMTPA" else { return false }
            return h.software.allSatisfy { $0.hasPrefixIgnoringCase("qmail") || $0.hasPrefixIgnoringCase("qpsmtpd") }
        }
        return false
    }

    /// The from-domain must be a host name (or address literal): words after it, or text no
    /// host name holds (an envelope address, a date, a sentence), go to `unparsed` instead.
    mutating func resolveFromValue(into h: inout ReceivedHeader) {
        guard let v = from.value else { return }
        if from.extraWords.isEmpty, from.address == nil, from.commentName == nil, !from.redacted, from.helo == nil,
            v.utf8.contains(UInt8(ascii: "@")), !v.hasPrefix("[")
        {
            // qmail-scanner `from SENDER by HOST by uid N with qmail-scanner-1.12`, AOL
            // `from user@aol.com by imo-d20.mx.aol.com (mail_out_v36_r4.14.)`: with no
            // connection details after it, the envelope sender stands where a name would.
            // (After a `(rdns [IP])` comment an address is text where the HELO belongs.)
            if h.envelopeFrom == nil { h.envelopeFrom = stripAngles(v) } else { h.unparsed.append(v) }
            from.value = nil
            return
        }
        if !from.extraWords.isEmpty {
            let kw = withWords.joined(separator: " ")
            if kw.containsIgnoringCase("groupwise"), !v.utf8.contains(UInt8(ascii: ".")), from.address == nil,
                from.commentName == nil,
                from.extraWords.allSatisfy({ Self.looksLikeHost($0) && AddressLiteral.parse($0) == nil })
            {
                // Novell GroupWise names its MTA by the GroupWise domain, which may hold spaces:
                // `from Delta County-MTA by mail.deltacounty.com with Novell_GroupWise`.
                from.value = ([v] + from.extraWords).joined(separator: " ")
                return
            }
            if v.hasPrefix("[") {
                // An address literal as written (or a broken one): the words after it are
                // what could not be read.
                h.unparsed.append(from.extraWords.joined(separator: " "))
            } else {
                h.unparsed.append(([v] + from.extraWords).joined(separator: " "))
                from.value = nil
            }
            return
        }
        if AddressLiteral.parse(v) == nil, v.utf8.contains(where: { Self.neverInHostName($0) }) {
            h.unparsed.append(v)
            from.value = nil
        }
    }

    /// Bytes no host name, address literal or HELO argument holds, but addresses, dates and
    /// prose do.
    static func neverInHostName(_ c: UInt8) -> Bool {
        c == UInt8(ascii: "@") || c == UInt8(ascii: "<") || c == UInt8(ascii: ">") || c == UInt8(ascii: ",")
            || c == UInt8(ascii: "\"") || c == UInt8(ascii: "/") || c == UInt8(ascii: "=")
    }

    /// RFC 3848 keyword semantics: `[UTF8](E)SMTP|LMTP` + `S` (TLS) + `A` (authenticated),
    /// case-insensitive (Exim writes lower case), plus the unregistered TLS spellings.
    static func protocolInfo(_ kw: String) -> ProtocolInfo {
        let l = kw.asciiLowered
        var tls = false
        var auth = false
        var u = Substring(l)
        if u.hasPrefix("utf8") { u = u.dropFirst(4) }
        if u.hasPrefix("esmtp") || u.hasPrefix("smtp") || u.hasPrefix("lmtp") {
            switch u.dropFirst(u.hasPrefix("esmtp") ? 5 : 4) {
            case "s": tls = true
            case "a": auth = true
            case "sa":
                tls = true
                auth = true
            default: break
            }
        }
        // IronPort `ESMTP/TLS/<cipher>`, CommuniGate `ESMTP-TLS`, MessageLabs `<cipher> encrypted SMTP`.
        if l.containsIgnoringCase("/tls") || l.hasSuffix("-tls") || l.containsIgnoringCase(" encrypted smtp") {
            tls = true
        }
        return ProtocolInfo(keyword: kw, authenticated: auth, tls: tls)
    }
}
