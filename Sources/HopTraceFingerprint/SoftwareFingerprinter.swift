import HopTraceCore
import HopTraceReceived

/// Names the software behind each hop from what its headers say.
///
/// Tokens are those real MTAs write (as SpamAssassin's `Received.pm` and rspamd's received
/// parser also read them); Exchange builds: `ExchangeBuilds`. A Received header is written by its receiving server, so what it names is
/// attributed to the `by` side, except a sending host recognised by its own name
/// (`from a9-54.smtp-out.amazonses.com`), which is the `from` side.
public enum SoftwareFingerprinter {
    /// Every product the Received header names or shows, in the order checked (Microsoft first).
    /// `headerIndex` is the field's position in its header block, when the caller knows it.
    public static func identify(_ r: ReceivedHeader, headerIndex: Int? = nil) -> [SoftwareIdentification] {
        var scan = ReceivedScan(r, headerIndex: headerIndex)
        scan.microsoft()
        scan.openSourceMTAs()
        scan.commercialServers()
        scan.hostedServices()
        scan.gateways()
        scan.sendingHosts()
        return scan.found
    }
}

/// One Received header being read. Product tags are looked for in `byPart`, the text from the
/// top-level `by` on: a tag inside the `from` comments would be the client's claim, not the receiver's.
struct ReceivedScan {
    /// The parsed fields the rules read, taken from the header one by one: a copy of the whole
    /// `ReceivedHeader` would be moved and retained with every scan.
    let serverBuild: String?
    /// The `with` keyword (`ProtocolInfo.keyword`).
    let withKeyword: String?
    let via: String?
    /// The `id` clause.
    let messageID: String?
    let commentOnly: String?
    /// The from-side's HELO name.
    let fromHELO: String?
    let headerIndex: Int?
    let raw: Substring
    let byPart: Substring
    let byName: String?
    /// `byName` normalised (`DomainName.normalized`), for the host-name suffix tests.
    let byNameKey: String?
    /// `TextScan.asciiName(byNameKey)`, worked out once for the many suffix tests.
    let byNameBytes: [UInt8]?
    /// The sending host's best name: the reverse DNS name the receiver looked up, else the HELO name.
    let fromName: String?
    let fromNameIsRDNS: Bool
    /// Offset of `byPart` in `raw`'s UTF-8 bytes.
    let byStart: Int
    /// Where `ReceivedNeedle`s occur in `raw`, and from `byStart` on.
    let hits: NeedleSet.Hits
    var found: [SoftwareIdentification] = []

    func has(_ product: String) -> Bool { found.contains { $0.product == product } }

    mutating func add(
        _ product: String, version: String? = nil, release: String? = nil, exact: Bool,
        note: String? = nil, role: String? = nil, text: some StringProtocol,
        side: SoftwareIdentification.Side = .by, endOfSupport: SupportEnd? = nil
    ) {
        found.append(
            SoftwareIdentification(
                product: product, version: version, release: release, exact: exact, note: note, role: role,
                evidence: .init(header: "Received", headerIndex: headerIndex, text: String(text)), side: side,
                endOfSupport: endOfSupport))
    }

    /// `byNameEndsWith(suffixes)`.
    func byNameEndsWith(_ suffixes: [String]) -> Bool {
        if let byNameBytes { return TextScan.host(asciiName: byNameBytes, endsWith: suffixes) }
        return TextScan.host(normalized: byNameKey, endsWith: suffixes)
    }

    /// A product named by a host-name suffix of the receiving server.
    mutating func byHost(_ suffixes: [String], _ product: String, role: String? = nil, note: String? = nil) -> Bool {
        guard !has(product), byNameEndsWith(suffixes), let name = byName else {
            return false
        }
        add(product, exact: false, note: note ?? "recognised by the receiving host's name", role: role, text: name)
        return true
    }

    // MARK: Microsoft

    mutating func microsoft() {
        // Exchange 2007 and later: `with Microsoft SMTP Server [(TLS…)] id 15.1.557.21 [via Frontend Transport]`,
        // and inside a mailbox server `with mapi id 15.20.5546.023`.
        var buildText = serverBuild
        var evidence: Substring?
        if let range = find(.mapiID) {
            let token = TextScan.token(after: range.upperBound, in: byPart)
            evidence = byPart[range.lowerBound..<token.endIndex]
            if buildText == nil { buildText = String(token) }
        } else if let server = find(.microsoftSMTPServer) {
            var end = server.upperBound
            if let id = TextScan.find(" id ", in: byPart, from: server.upperBound) {
                let token = TextScan.token(after: id.upperBound, in: byPart)
                if buildText == nil, ExchangeBuilds.parseBuild(String(token)) != nil { buildText = String(token) }
                end = token.endIndex
            }
            evidence = byPart[server.lowerBound..<end]
        }
        // Exchange 5.5's build sits in `Internet Mail Service (…)`, read below; parsers may also copy it
        // into `serverBuild`, which must not name the server twice.
        let imsOnly = evidence == nil && contains(.internetMailService)
        if imsOnly {
            // handled below
        } else if let buildText, let found = ExchangeBuilds.lookup(buildText, host: byName) {
            var id = found
            id.evidence = .init(header: "Received", headerIndex: headerIndex, text: String(evidence ?? buildText[...]))
            id.role = exchangeRole()
            self.found.append(id)
        } else if let evidence {
            add(
                "Microsoft Exchange Server", exact: false, note: "no build id written", role: exchangeRole(),
                text: evidence)
        }

        // Exchange 5.5: `with Internet Mail Service (5.5.2653.19)` (SpamAssassin Received.pm).
        if let range = find(.internetMailService) {
            let inside = TextScan.parenthesized(at: byPart.index(before: range.upperBound), in: byPart)
            if var id = ExchangeBuilds.lookup(String(inside), host: nil) {
                id.evidence = .init(
                    header: "Received", headerIndex: headerIndex,
                    text: String(byPart[range.lowerBound..<inside.endIndex]) + ")")
                id.role = "Internet Mail Service"
                found.append(id)
            }
        }

        // Windows' IIS SMTP service, which Exchange 2000/2003 used for transport: `with Microsoft
        // SMTPSVC(6.0.3790.3959)`. The number is the Windows build, not an Exchange build.
        if let range = find(.microsoftSMTPSVC) {
            var version: String?
            var end = range.upperBound
            if end < byPart.endIndex, byPart[end] == "(" {
                let inside = TextScan.parenthesized(at: end, in: byPart)
                version = String(inside)
                end = inside.endIndex < byPart.endIndex ? byPart.index(after: inside.endIndex) : inside.endIndex
            }
            let windows = version.flatMap(WindowsBuilds.release(forSMTPSVC:))
            let pickup = TextScan.contains("from mail pickup service", in: raw)
            add(
                "Microsoft IIS SMTP Service", version: version, release: windows?.name, exact: true,
                note:
                    "SMTPSVC carries the Windows build, not an Exchange build; Exchange 2000 and 2003 relayed through this service",
                role: pickup ? "mail pickup service (local submission)" : nil,
                text: byPart[range.lowerBound..<end], endOfSupport: windows?.supportEnd)
        }

        // Exchange Online Protection front doors and outbound hosts.
        if byNameEndsWith(["protection.outlook.com"]), let name = byName {
            let outbound = TextScan.contains("outbound.protection", in: name[...])
            add(
                "Exchange Online Protection", exact: false,
                note: "Microsoft 365 mail filtering, recognised by host name",
                role: outbound ? "outbound" : "inbound front door", text: name)
        }
        // Hotmail before Exchange Online: `by hotmail.com with Microsoft SMTPSVC`, webmail `with HTTP`.
        _ = byHost(
            ["hotmail.com", "hotmail.msn.com"], "Outlook.com (Hotmail)",
            role: withKeyword?.uppercased() == "HTTP" ? "webmail (HTTP)" : nil)
    }

    func exchangeRole() -> String? {
        let via =
            self.via
            ?? {
                guard let v = TextScan.find(" via ", in: byPart) else { return nil }
                return String(byPart[v.upperBound...].prefix { $0 != ";" })
            }()
        if let via {
            if TextScan.contains("Frontend Transport", in: via[...]) { return "Frontend Transport" }
            if TextScan.contains("Mailbox Transport", in: via[...]) { return "Mailbox Transport" }
        }
        if withKeyword?.lowercased() == "mapi" || TextScan.contains("with mapi id", in: byPart) {
            return "MAPI (mailbox server)"
        }
        return nil
    }

    // MARK: Open-source MTAs

    mutating func openSourceMTAs() {
        // Exim: `with esmtp (Exim 4.91-pdpfix1)`; the version carries distribution and local suffixes.
        if let inside = tag(.exim) {
            let rest = inside.dropFirst("Exim".count)
            let version = TextScan.version(at: rest)
            let written = rest.drop { $0 == " " }
            var note: String?
            if let version, written != version[...] { note = "version as written: \(written)" }
            add("Exim", version: version, exact: true, note: note, text: inside)
        } else if let id = messageID, ReceivedScan.isEximMessageID(id), let kw = withKeyword,
            kw == kw.lowercased()
        {
            add(
                "Exim", exact: false,
                note: "recognised by the message id shape and the lower-case protocol keyword, not by a product tag",
                text: id)
        }

        // Postfix: `by HOST (Postfix) with …`; `(Postfix, from userid N)` is local submission (pickup).
        if let inside = tag(.postfix) {
            add(
                "Postfix", exact: true,
                role: TextScan.contains("from userid", in: inside) ? "local submission (pickup)" : nil,
                text: inside)
        }

        // Sendmail: `by HOST (8.15.2/8.15.2)`, binary/config version; vendor prefixes (`SGI-8.9.3/8.8.7`);
        // `/Submit` for local submission; Proofpoint ships 8.16.0.x builds.
        if !has("Postfix") { sendmail() }

        // qmail: a header that is one comment, `(qmail 10681 invoked by uid 404)`; qmail-ldap tags.
        // The parser may keep the comment with or without its brackets.
        let comment = commentOnly.map { $0[...] } ?? (raw.hasPrefix("(qmail ") ? raw : nil)
        if let comment, comment.drop(while: { $0 == "(" }).lowercased().hasPrefix("qmail ") {
            let text = comment.hasPrefix("(") ? TextScan.parenthesized(at: comment.startIndex, in: comment) : comment
            let role =
                TextScan.contains("invoked by uid", in: text)
                ? "local injection (qmail-inject)"
                : TextScan.contains("invoked from network", in: text) ? "network (qmail-smtpd)" : nil
            add("qmail", exact: true, role: role, text: text)
        }
        if let inside = tag(.qmailLDAP, wordEnd: false) {
            add(
                "qmail-ldap", version: TextScan.version(at: inside.dropFirst("qmail-ldap-".count)), exact: true,
                text: inside)
        }
        if let range = find(.qmailScanner) {
            let token = TextScan.token(after: byPart.index(range.lowerBound, offsetBy: 5), in: byPart)
            add(
                "qmail-scanner", version: TextScan.version(at: token.dropFirst("qmail-scanner-".count)),
                exact: true, text: token)
        }

        // Cyrus IMAP delivery: `(Cyrus v2.1.18-IPv6-Debian-…) with LMTPA`.
        if let inside = tag(.cyrus) {
            add(
                "Cyrus IMAP", version: TextScan.version(at: inside.dropFirst("Cyrus".count)), exact: true,
                role: "mailbox delivery (LMTP)", text: inside)
        }
        // Courier: `with esmtp (courier-0.40)`.
        if let inside = tag(.courier, wordEnd: false) {
            add("Courier", version: TextScan.version(at: inside.dropFirst("courier-".count)), exact: true, text: inside)
        }
        // OpenSMTPD: `by example.com (OpenSMTPD) with ESMTPA`.
        if let inside = tag(.openSMTPD) {
            add(
                "OpenSMTPD", version: TextScan.version(at: inside.dropFirst("OpenSMTPD".count)), exact: true,
                text: inside)
        }
        // Haraka: `(Haraka/2.8.18)`.
        if let inside = tag(.haraka) {
            add("Haraka", version: TextScan.version(at: inside.dropFirst("Haraka/".count)), exact: true, text: inside)
        }
        // qpsmtpd: `(qpsmtpd/0.27-dev)`.
        if let inside = tag(.qpsmtpd) {
            add("qpsmtpd", version: TextScan.version(at: inside.dropFirst("qpsmtpd/".count)), exact: true, text: inside)
        }
        // Kopano: `by kopano.local (kopano-dagent) with LMTP`.
        if let inside = tag(.kopano) {
            add("Kopano", exact: true, role: "delivery agent (LMTP)", text: inside)
        }
        // Halon: `by se1-gles-flk1.inumbo.com (Halon) with ESMTPS id <UUID>`.
        if let inside = tag(.halon) {
            add("Halon", version: TextScan.version(at: inside.dropFirst("Halon".count)), exact: true, text: inside)
        }
        // KumoMTA: Postmark writes `(KumoMTA 10.97.243.36)`, an internal address, not a version.
        if let inside = tag(.kumoMTA) {
            let value = inside.dropFirst("KumoMTA".count).drop { $0 == " " }
            let isAddress = IPAddress(String(value)) != nil
            add(
                "KumoMTA", version: isAddress ? nil : TextScan.version(at: value), exact: true,
                note: isAddress ? "the value after KumoMTA (\(value)) is an internal address, not a version" : nil,
                text: inside)
        }
        // Zimbra's mailbox store: `from X (LHLO X) (IP) by Y with LMTP` (SpamAssassin Received.pm has a rule
        // for this shape); its MTA hops are Postfix on hosts often named zimbra/zmta/zmail.
        if let lhlo = findInRaw(.lhlo),
            withKeyword?.uppercased().hasPrefix("LMTP") ?? TextScan.contains("with LMTP", in: byPart)
        {
            add(
                "Zimbra", exact: false, note: "recognised by the (LHLO …) … with LMTP shape of its mailbox store",
                role: "mailbox store (LMTP)", text: TextScan.parenthesized(at: lhlo.lowerBound, in: raw))
        } else {
            if !has("Zimbra"), let name = byName, TextScan.contains("zimbra", in: name[...]) {
                add("Zimbra", exact: false, note: "the receiving host's name contains \"zimbra\"", text: name)
            }
        }
    }

    mutating func sendmail() {
        if hits.isASCII {
            // One pass over the bytes for the comments that may be Sendmail's (usually none).
            let candidates: [Int] = byPart.withUTF8Bytes { b in
                var out: [Int] = []
                for i in b.indices
                where b[i] == UInt8(ascii: "(") && !ReceivedScan.cannotBeSendmailComment(at: i, in: b)
                    && ReceivedScan.mayHoldSendmailVersion(at: i, in: b)
                {
                    out.append(i)
                }
                return out
            }
            for at in candidates where sendmail(commentAt: byPart.utf8.index(byPart.startIndex, offsetBy: at)) {
                return
            }
            return
        }
        var from = byPart.startIndex
        while let open = TextScan.find("(", in: byPart, from: from) {
            from = open.upperBound
            if sendmail(commentAt: open.lowerBound) { return }
        }
    }

    /// Adds Sendmail when the comment opening at `open` in `byPart` is its version comment.
    mutating func sendmail(commentAt open: String.Index) -> Bool {
        let inside = TextScan.parenthesized(at: open, in: byPart)
        let fields = inside.split(separator: "/", omittingEmptySubsequences: false)
        guard fields.count >= 2, !inside.contains(" ") else { return false }
        // Strip a vendor prefix (`SGI-8.9.3`); the binary version must be 8.x.y: Sendmail 8.
        var binary = fields[0]
        var vendor: Substring?
        if let dash = binary.lastIndex(of: "-"), binary[binary.index(after: dash)...].first == "8" {
            vendor = binary[..<dash]
            binary = binary[binary.index(after: dash)...]
        }
        guard binary.hasPrefix("8."), binary.split(separator: ".").count >= 3,
            binary.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") })
        else { return false }
        var notes: [String] = []
        if let vendor { notes.append("vendor build \(vendor)") }
        if binary.hasPrefix("8.16.0.") { notes.append("8.16.0.x is the Sendmail build Proofpoint ships") }
        let submit = fields.dropFirst().contains { $0.lowercased() == "submit" }
        add(
            "Sendmail", version: String(binary), exact: true,
            note: notes.isEmpty ? nil : notes.joined(separator: "; "),
            role: submit ? "local submission (submit.cf)" : nil, text: inside)
        return true
    }

    /// Exim's message id: three base-62 groups, 6-6-2 (`1fZ55o-0006DP-3H`) before 4.97, 6-11-4 after.
    /// By bytes: every character must be an ASCII letter, digit or `-`, so one byte is one character.
    static func isEximMessageID(_ id: String) -> Bool {
        var groups = (0, 0, 0)
        var group = 0
        for c in id.utf8 {
            if c == UInt8(ascii: "-") {
                group += 1
                if group > 2 { return false }
                continue
            }
            let l = c | 0x20
            guard (c >= 0x30 && c <= 0x39) || (l >= 0x61 && l <= 0x7A) else { return false }
            switch group {
            case 0: groups.0 += 1
            case 1: groups.1 += 1
            default: groups.2 += 1
            }
        }
        return group == 2 && groups.0 == 6 && ((groups.1 == 6 && groups.2 == 2) || (groups.1 == 11 && groups.2 == 4))
    }

    // MARK: The sending side, by its own name

    /// Senders recognised by their own host name: suffixes, product, role, and a prefix the
    /// name must start with (lower-cased), if any. Built once.
    static let sendingServices: [(suffixes: [String], product: String, role: String?, prefix: String?)] = [
        (["amazonses.com"], "Amazon SES", "egress", nil),
        (["google.com", "googlemail.com"], "Gmail", "outbound", "mail-"),
        (["outbound.protection.outlook.com"], "Exchange Online Protection", "outbound", nil),
        (["mimecast.com"], "Mimecast", "outbound", nil),
        (["sendgrid.net"], "SendGrid", "egress", nil),
        (["mailgun.net", "mailgun.org", "mailgun.us"], "Mailgun", "egress", nil),
        (["protonmail.ch"], "Proton Mail", "outbound", "mail-"),
        (["pphosted.com"], "Proofpoint", "outbound", nil),
        (["iphmx.com"], "Cisco Secure Email (IronPort)", "outbound", nil),
        (["messagelabs.com"], "Symantec MessageLabs", "outbound", nil),
    ]

    /// Big senders are recognisable from the `from` host name. The reverse DNS name is the receiver's
    /// lookup; a HELO name is the client's claim, so such matches say so.
    mutating func sendingHosts() {
        guard let name = fromName else { return }
        let nameKey = DomainName.normalized(name)
        let bytes = TextScan.asciiName(nameKey)
        for s in Self.sendingServices {
            if let bytes {
                guard TextScan.host(asciiName: bytes, endsWith: s.suffixes) else { continue }
            } else {
                guard TextScan.host(normalized: nameKey, endsWith: s.suffixes) else { continue }
            }
            if let prefix = s.prefix, !name.lowercased().hasPrefix(prefix) { continue }
            add(
                s.product, exact: false,
                note: fromNameIsRDNS
                    ? "the sending host's reverse DNS name" : "the sending host's HELO name (the client's claim)",
                role: s.role, text: name, side: .from)
            return
        }
    }
}
