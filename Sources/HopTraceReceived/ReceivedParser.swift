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
        // Limits.maxHeaderFieldBytes: parse a prefix, keep the rest verbatim. The value's own
        // bytes are read in place (no copy); the header is made and returned inside.
        value.withUTF8Bytes { all in
            var header = ReceivedHeader(raw: value)
            var bytes = all
            var overflow: String?
            if bytes.count > Limits.maxHeaderFieldBytes {
                var cut = Limits.maxHeaderFieldBytes
                // Never split a UTF-8 sequence.
                while cut > 0 && (bytes[cut] & 0xC0) == 0x80 { cut -= 1 }
                overflow = String(decoding: bytes[cut...], as: UTF8.self)
                bytes = UnsafeBufferPointer(rebasing: bytes[..<cut])
            }
            var state = StampState(bytes: bytes)
            state.run(into: &header)
            if let overflow { header.unparsed.append(overflow) }
            return header
        }
    }
}

/// Which clause the next word belongs to.
enum Clause: Sendable {
    case start, from, by, via, with, id, recipients, envelopeFrom
}

/// Facts about the from-side gathered while reading; resolved into `ReceivedFrom` at the end.
struct FromFacts {
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

/// Reading state for one header value. `bytes` is valid only inside `ReceivedParser.parse`,
/// which holds the value's storage while the state reads it.
struct StampState {
    let bytes: UnsafeBufferPointer<UInt8>
    var clause: Clause = .start
    var valueTaken = false
    /// A comment already ended the current `with` clause's words.
    var withClosedByComment = false
    /// The `with` clause's words.
    var withList = WordList()
    var viaWords = WordList()
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

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    func text(_ t: ReceivedToken) -> String { String(decoding: bytes[t.start..<t.end], as: UTF8.self) }
    func commentContent(_ t: ReceivedToken) -> String {
        String(decoding: bytes[(t.start + 1)..<max(t.start + 1, t.end - 1)], as: UTF8.self)
    }

    mutating func run(into h: inout ReceivedHeader) {
        ReceivedLexer.withTokens(bytes) { tokens in run(tokens, into: &h) }
    }

    mutating func run(_ tokens: UnsafeBufferPointer<ReceivedToken>, into h: inout ReceivedHeader) {
        // The date follows the last top-level `;` (RFC 5322 §3.6.7).
        var clauseEnd = tokens.count
        var dateText: String?
        if let semi = tokens.lastIndex(where: { $0.kind == .semicolon }) {
            clauseEnd = semi
            dateText = Self.dateText(bytes, from: tokens[semi].end)
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
                    h.id = stripAngles(words[1])
                } else {
                    h.unparsed.append(leftover)
                }
            }
        }
    }

    /// The text from `start` to the end, for `MailDateParser.parse`: without the ASCII white space
    /// around it when the bytes left at both ends are ASCII (what `trimmedSpaces` would then
    /// give), else as it is, for the parser to trim by Character.
    static func dateText(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> String {
        var a = start
        var z = b.count
        while a < z, ASCIIFold.isSpace(b[a]) { a += 1 }
        while z > a, ASCIIFold.isSpace(b[z - 1]) { z -= 1 }
        if a < z, b[a] < 0x80, b[z - 1] < 0x80 { return String(decoding: b[a..<z], as: UTF8.self) }
        return String(decoding: b[start...], as: UTF8.self)
    }

    /// Index of the first top-level word where a date-time begins when the header has no `;`
    /// (and no Go date). A word is tried only when it can open a date (a weekday, a day before a
    /// month name, a month name before a day, `M/D/YYYY` before a time), and at most
    /// `maxBareDateTrials` are tried, so hostile input costs a bounded number of linear reads.
    func bareDateStart(_ tokens: UnsafeBufferPointer<ReceivedToken>) -> Int? {
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
    func goDateStart(_ tokens: UnsafeBufferPointer<ReceivedToken>) -> Int? {
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

    /// The clause a word opens, ASCII case ignored (every word of every header comes here:
    /// compared as bytes, with no lower-cased copy).
    static func keyword(_ w: UnsafeBufferPointer<UInt8>) -> Clause? {
        switch w.count {
        case 2:
            if ASCIIBytes.equal(w, "by") { return .by }
            if ASCIIBytes.equal(w, "id") { return .id }
        case 3:
            if ASCIIBytes.equal(w, "via") { return .via }
            if ASCIIBytes.equal(w, "for") { return .recipients }
        case 4:
            if ASCIIBytes.equal(w, "from") { return .from }
            if ASCIIBytes.equal(w, "with") { return .with }
        case 13:
            // Haraka writes `envelope-from <x>` as a clause after the id.
            if ASCIIBytes.equal(w, "envelope-from") { return .envelopeFrom }
        default: break
        }
        return nil
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
            commentToken(t, into: &h)
        case .word:
            currentTokenEnd = t.end
            if from.claimStep > 0 && clause == .from {
                // The claimed name is read whatever it looks like (`"[192.168.4.101]"`).
                claiming(text(t), into: &h)
                return
            }
            // A keyword is told from the bytes: no String is made for it.
            let keyword = StampState.keyword(UnsafeBufferPointer(rebasing: bytes[t.start..<t.end]))
            if let k = keyword {
                // A repeated keyword starts its clause again, but never overwrites a value
                // already read: the second value goes to `unparsed` (see `word`).
                clause = k
                valueTaken = false
                withClosedByComment = false
                if k == .with && !withList.isEmpty { secondWith = true }
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
            if wordFromBytes(UnsafeBufferPointer(rebasing: bytes[t.start..<t.end]), into: &h) { return }
            word(text(t), into: &h)
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
            } else if w.utf8.first == UInt8(ascii: "["), w.hasPrefix("["), let a = AddressLiteral.parse(w) {
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
                    byName = Self.endsWithComma(w) && w.utf8.count > 1 ? String(w.dropLast()) : w
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
            } else if byAddress == nil, w.utf8.first == UInt8(ascii: "["), w.hasPrefix("["),
                let a = AddressLiteral.parse(w)
            {
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
                withList.append(w)
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
            Self.appendRecipients(w, to: &h.recipients)
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

    /// Without one leading `<` and one trailing `>` (each a character of its own). Byte tests,
    /// except where a non-ASCII byte beside the bracket could join it into a larger character.
    static func withoutAngles(_ text: Substring) -> Substring {
        var r = text
        let u = r.utf8
        if u.first == UInt8(ascii: "<") {
            let next = u.index(after: u.startIndex)
            if next == u.endIndex || u[next] < 0x80 {
                r = r[next...]
            } else if r.hasPrefix("<") {
                r = r.dropFirst()
            }
        }
        let v = r.utf8
        if v.last == UInt8(ascii: ">") {
            let last = v.index(before: v.endIndex)
            if last == v.startIndex || v[v.index(before: last)] < 0x80 {
                r = r[..<last]
            } else if r.hasSuffix(">") {
                r = r.dropLast()
            }
        }
        return r
    }
}
