import HopTraceCore
import HopTraceReceived

/// What every Received header is searched for, in one pass over its bytes (`NeedleSet`): the
/// product tags (`(Exim`, the `tag` form: an opening bracket and the prefix) and phrases
/// `ReceivedScan` looks for in `byPart`, and `(LHLO ` in the whole text. Searches that run
/// only after one of these matched (inside a found comment, in a host name) stay single
/// searches.
enum ReceivedNeedle: Int, CaseIterable {
    case mapiID, microsoftSMTPServer, internetMailService, microsoftSMTPSVC
    case exim, postfix, qmailLDAP, qmailScanner, cyrus, courier, openSMTPD, haraka, qpsmtpd, kopano, halon, kumoMTA
    case lhlo
    case mDaemon, dominoRelease, communiGatePro, merak, iceWarp, mailEnable
    case sunMessagingServer, oracleMessagingServer, sunTMMessagingServer, novellGroupWise, ecelerity, coremail
    case yahooHermes, simpleEmailService, sendGrid
    case spamFirewall, clearswift, forcepoint, skyGuard, ibmGateway, pgpUniversal

    /// The needle, as written in headers (matched with ASCII case ignored).
    var text: String { Self.texts[rawValue] }

    static let texts: [String] = allCases.map { n in
        switch n {
        case .mapiID: "mapi id "
        case .microsoftSMTPServer: "Microsoft SMTP Server"
        case .internetMailService: "Internet Mail Service ("
        case .microsoftSMTPSVC: "Microsoft SMTPSVC"
        case .exim: "(Exim"
        case .postfix: "(Postfix"
        case .qmailLDAP: "(qmail-ldap-"
        case .qmailScanner: "with qmail-scanner-"
        case .cyrus: "(Cyrus"
        case .courier: "(courier-"
        case .openSMTPD: "(OpenSMTPD"
        case .haraka: "(Haraka"
        case .qpsmtpd: "(qpsmtpd"
        case .kopano: "(kopano-dagent"
        case .halon: "(Halon"
        case .kumoMTA: "(KumoMTA"
        case .lhlo: "(LHLO "
        case .mDaemon: "MDaemon"
        case .dominoRelease: "Domino Release "
        case .communiGatePro: "(CommuniGate Pro"
        case .merak: "(Merak"
        case .iceWarp: "(IceWarp"
        case .mailEnable: "with MailEnable"
        case .sunMessagingServer: "(Sun Java System Messaging Server"
        case .oracleMessagingServer: "(Oracle Communications Messaging Server"
        case .sunTMMessagingServer: "(Sun Java(tm) System Messaging Server"
        case .novellGroupWise: "Novell_GroupWise"
        case .ecelerity: "(ecelerity"
        case .coremail: "(Coremail"
        case .yahooHermes: "(Yahoo Inc. Hermes SMTP Server"
        case .simpleEmailService: "(SimpleEmailService-"
        case .sendGrid: "(SG"
        case .spamFirewall: "(Spam Firewall"
        case .clearswift: "(Clearswift SMTPRS"
        case .forcepoint: "by Forcepoint Email"
        case .skyGuard: "(SkyGuard"
        case .ibmGateway: "IBM ESMTP SMTP Gateway"
        case .pgpUniversal: "(PGP Universal"
        }
    }

    /// The prefix of a `tag` needle: its text without the opening bracket.
    var tagPrefix: Substring { text.dropFirst() }

    static let set = NeedleSet(texts)
}

extension ReceivedScan {
    init(_ r: ReceivedHeader, headerIndex: Int?) {
        self.serverBuild = r.serverBuild
        self.withKeyword = r.with?.keyword
        self.via = r.via
        self.messageID = r.id
        self.commentOnly = r.commentOnly
        self.fromHELO = r.from?.helo
        self.headerIndex = headerIndex
        let raw = r.raw[...]
        self.raw = raw
        let by: Substring
        if let offset = raw.withUTF8Bytes(ReceivedScan.byClauseOffset(in:)) {
            by = raw[raw.utf8.index(raw.utf8.startIndex, offsetBy: offset)...]
        } else {
            by = ReceivedScan.byClause(in: raw)
        }
        let split = raw.utf8.distance(from: raw.startIndex, to: by.startIndex)
        byPart = by
        byStart = split
        hits = raw.withUTF8Bytes { ReceivedNeedle.set.hits(in: $0, split: split) }
        byName = r.by?.name ?? r.by?.ipText
        byNameKey = byName.map(DomainName.normalized)
        byNameBytes = TextScan.asciiName(byNameKey)
        // Postfix and others write `unknown` when the reverse lookup failed: no name then.
        let rdns = r.from?.rdns.flatMap { ReceivedScan.isUnknown($0) ? nil : $0 }
        fromName = rdns ?? r.from?.helo
        fromNameIsRDNS = rdns != nil
    }

    /// `name.lowercased() == "unknown"`; by bytes for an ASCII name (no other character
    /// lower-cases to ASCII letters but the Kelvin sign, which is not ASCII).
    static func isUnknown(_ name: String) -> Bool {
        let ascii = name.withUTF8Bytes { b -> Bool? in
            guard b.allSatisfy({ $0 < 0x80 }) else { return nil }
            return ASCIIFold.equal(b, "unknown".utf8)
        }
        return ascii ?? (name.lowercased() == "unknown")
    }

    /// The text from the first `by` keyword outside comments and brackets; the whole text when there is
    /// none (qmail's comment-only lines).
    static func byClause(in text: Substring) -> Substring {
        var depth = 0
        var previous: Character = " "
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            if c == "(" || c == "[" { depth += 1 } else if c == ")" || c == "]" { depth = max(0, depth - 1) }
            if depth == 0, c == "b" || c == "B", previous.isWhitespace || i == text.startIndex {
                let next = text.index(after: i)
                if next < text.endIndex, text[next] == "y" || text[next] == "Y" {
                    let after = text.index(after: next)
                    if after == text.endIndex || text[after].isWhitespace { return text[i...] }
                }
            }
            previous = c
            i = text.index(after: i)
        }
        return text
    }

    /// `byClause(in:)` on bytes, as an offset: the same answer while the bytes read are ASCII
    /// (there each byte is one character, but for CR LF, whose LF is as much whitespace as the
    /// pair). Nil when a non-ASCII byte comes before the answer: `byClause` decides then.
    static func byClauseOffset(in text: UnsafeBufferPointer<UInt8>) -> Int? {
        var depth = 0
        var previous = UInt8(ascii: " ")
        for i in text.indices {
            let c = text[i]
            if c >= 0x80 { return nil }
            if c == UInt8(ascii: "(") || c == UInt8(ascii: "[") {
                depth += 1
            } else if c == UInt8(ascii: ")") || c == UInt8(ascii: "]") {
                depth = max(0, depth - 1)
            }
            if depth == 0, c | 0x20 == UInt8(ascii: "b"), ASCIIFold.isSpace(previous) || i == 0, i + 1 < text.count,
                text[i + 1] | 0x20 == UInt8(ascii: "y")
            {
                if i + 2 == text.count { return i }
                if text[i + 2] >= 0x80 { return nil }
                if ASCIIFold.isSpace(text[i + 2]) { return i }
            }
            previous = c
        }
        return 0
    }

    // MARK: Needles

    /// The first range of `n` in `byPart`, as `TextScan.find(n.text, in: byPart)` gives it.
    func find(_ n: ReceivedNeedle) -> Range<String.Index>? {
        guard let at = hits.firstAfterSplit(n.rawValue) else { return nil }
        let u = byPart.utf8
        let lower = u.index(u.startIndex, offsetBy: at - byStart)
        return lower..<u.index(lower, offsetBy: n.text.utf8.count)
    }

    /// `TextScan.contains(n.text, in: byPart)`.
    func contains(_ n: ReceivedNeedle) -> Bool { hits.firstAfterSplit(n.rawValue) != nil }

    /// The first range of `n` in the whole header text.
    func findInRaw(_ n: ReceivedNeedle) -> Range<String.Index>? {
        guard let at = hits.first(n.rawValue) else { return nil }
        let u = raw.utf8
        let lower = u.index(u.startIndex, offsetBy: at)
        return lower..<u.index(lower, offsetBy: n.text.utf8.count)
    }

    /// `TextScan.tag(n.tagPrefix, in: byPart, wordEnd:)` for a tag needle.
    func tag(_ n: ReceivedNeedle, wordEnd: Bool = true) -> Substring? {
        guard let first = find(n) else { return nil }
        return TextScan.tag(n.text, firstAt: first, in: byPart, wordEnd: wordEnd)
    }

    /// For a comment opening at byte `open` of ASCII text that `cannotBeSendmailComment` did not
    /// rule out: whether its text before the first `/` may be Sendmail's binary version as
    /// `sendmail(commentAt:)` reads it (`8.` at its start, or after its last `-` when an `8`
    /// follows that dash). True when no `/` lies within the first 200 bytes (undecided). Where
    /// it is false, `sendmail(commentAt:)` finds no version: the bytes before the `/` are that
    /// comment's first field (`cannotBeSendmailComment` saw no space or closing bracket before it).
    static func mayHoldSendmailVersion(at open: Int, in text: UnsafeBufferPointer<UInt8>) -> Bool {
        var slash = open + 1
        while slash < text.count, slash - open <= 200, text[slash] != UInt8(ascii: "/") { slash += 1 }
        guard slash < text.count, slash - open <= 200 else { return true }
        var start = open + 1
        if let dash = (start..<slash).last(where: { text[$0] == UInt8(ascii: "-") }), dash + 1 < slash,
            text[dash + 1] == UInt8(ascii: "8")
        {
            start = dash + 1
        }
        return slash - start >= 2 && text[start] == UInt8(ascii: "8") && text[start + 1] == UInt8(ascii: ".")
    }

    /// Whether the comment opening at byte `open` of `byPart` (ASCII text) cannot be a Sendmail
    /// version comment: its inside (`TextScan.parenthesized`) has a space before any `/`, or
    /// closes with no `/`. Decided only within the first 200 bytes, which lie inside the
    /// comment's 256-character bound.
    static func cannotBeSendmailComment(at open: Int, in text: UnsafeBufferPointer<UInt8>) -> Bool {
        var depth = 1
        var q = open + 1
        while q < text.count, q - open <= 200 {
            switch text[q] {
            case UInt8(ascii: "/"): return false
            case UInt8(ascii: " "): return true
            case UInt8(ascii: "("): depth += 1
            case UInt8(ascii: ")"):
                depth -= 1
                if depth == 0 { return true }
            default: break
            }
            q += 1
        }
        return false
    }
}
