import HopTraceCore
import HopTraceReceived

/// The vendors' servers, services and gateways a Received header names (`ReceivedScan`'s
/// rules beyond Microsoft's and the open-source MTAs').
extension ReceivedScan {
    // MARK: Commercial and Windows servers

    mutating func commercialServers() {
        // MDaemon: `(MDaemon PRO v19.0.2)`, old `(MDaemon.PRO.v5.0.6.R)`; ids `md50018233933.msg`.
        if let range = find(.mDaemon) {
            let text: Substring
            if range.lowerBound > byPart.startIndex, byPart[byPart.index(before: range.lowerBound)] == "(" {
                text = TextScan.parenthesized(at: byPart.index(before: range.lowerBound), in: byPart)
            } else {
                text = TextScan.token(after: range.lowerBound, in: byPart)
            }
            var version: String?
            if let v = TextScan.find(" v", in: text) ?? TextScan.find(".v", in: text) {
                version = TextScan.version(at: text[v.upperBound...])
            }
            let pro = TextScan.contains("PRO", in: text)
            add("MDaemon", version: version, exact: true, note: pro ? "PRO edition" : nil, text: text)
        }
        // Lotus / IBM / HCL Domino: `(Lotus Domino Release 8.5.3FP6)`.
        if let range = find(.dominoRelease) {
            var start = range.lowerBound
            var brand = "Domino"
            for candidate in ["Lotus ", "IBM ", "HCL "] {
                if let b = byPart.index(start, offsetBy: -candidate.count, limitedBy: byPart.startIndex),
                    byPart[b..<start].lowercased() == candidate.lowercased()
                {
                    brand = candidate + "Domino"
                    start = b
                    break
                }
            }
            let version = TextScan.version(at: byPart[range.upperBound...]) { $0.isASCII && $0.isLetter }
            let end = byPart[range.upperBound...].firstIndex { $0 == ")" || $0 == " " || $0 == ";" } ?? byPart.endIndex
            add(brand, version: version, exact: true, text: byPart[start..<end])
        }
        // CommuniGate Pro: `(CommuniGate Pro SMTP 5.1.13)`, `(CommuniGate Pro WebUser 4.3.7) with HTTP`.
        if let inside = tag(.communiGatePro) {
            let words = inside.dropFirst("CommuniGate Pro".count).split(separator: " ")
            let role = words.first.flatMap { $0.first?.isNumber == false ? String($0) : nil }
            let version = words.lazy.compactMap { TextScan.version(at: $0) }.first
            add("CommuniGate Pro", version: version, exact: true, role: role, text: inside)
        }
        // Merak / IceWarp: `(Merak 8.0.3)`.
        for needle in [ReceivedNeedle.merak, .iceWarp] {
            let name = needle.tagPrefix
            if let inside = tag(needle) {
                add(
                    "IceWarp Merak", version: TextScan.version(at: inside.dropFirst(name.count)), exact: true,
                    text: inside)
                break
            }
        }
        // MailEnable: `by pop3.m80.net with MailEnable ESMTP`.
        if let range = find(.mailEnable) {
            add("MailEnable", exact: true, text: byPart[byPart.index(range.lowerBound, offsetBy: 5)..<range.upperBound])
        }
        // Sun / Oracle Messaging Server: `(Sun Java System Messaging Server 6.2-4.02 (built Sep  9 2005))`.
        for needle in [ReceivedNeedle.sunMessagingServer, .oracleMessagingServer, .sunTMMessagingServer] {
            let name = needle.tagPrefix
            if let inside = tag(needle, wordEnd: false) {
                let version = TextScan.version(at: inside.dropFirst(name.count)) { $0 == "-" }
                add(
                    name.hasPrefix("Oracle")
                        ? "Oracle Communications Messaging Server" : "Sun Java System Messaging Server",
                    version: version, exact: true, text: inside)
                break
            }
        }
        // Novell GroupWise: `with Novell_GroupWise`.
        if let range = find(.novellGroupWise) {
            add("Novell GroupWise", exact: true, text: byPart[range])
        }
        // Ecelerity / Momentum: `(ecelerity 2.1.1.3 r(11743))`.
        if let inside = tag(.ecelerity) {
            add(
                "Ecelerity", version: TextScan.version(at: inside.dropFirst("ecelerity".count)), exact: true,
                text: inside)
        }
        // Coremail (NetEase): `by mx19 (Coremail) with SMTP`.
        if let inside = tag(.coremail) {
            add(
                "Coremail", version: TextScan.version(at: inside.dropFirst("Coremail".count)), exact: true, text: inside
            )
        }
    }

    // MARK: Hosted mailbox and sending services

    mutating func hostedServices() {
        let keyword = withKeyword?.uppercased()
        // Google: mx.google.com (inbound MX), smtp.gmail.com (submission), gmr-mx.google.com (Groups),
        // internal hops `by 2002:a05:… with SMTP id …mr….<epoch ms>`, `with HTTPREST` (Gmail API).
        if byNameEndsWith(["google.com", "gmail.com", "googlemail.com"]),
            let name = byName
        {
            let role =
                keyword == "HTTPREST"
                ? "Gmail API"
                : TextScan.role(
                    of: name,
                    byPrefix: [
                        "mx.google.com": "inbound MX", "smtp.gmail.com": "authenticated submission",
                        "gmr-mx.": "Google Groups", "mail-": "outbound",
                    ])
            add("Gmail", exact: false, note: "recognised by the receiving host's name", role: role, text: name)
        } else if let name = byName, TextScan.lowercasedHasPrefix(name, "2002:a"), let id = messageID,
            let last = id.split(separator: ".").last, last.count == 13, last.allSatisfy(\.isNumber)
        {
            add(
                "Gmail", exact: false,
                note: "Google-internal hop: IPv6 by-address and an id ending in epoch milliseconds",
                role: "internal hop", text: id)
        }

        // Yahoo / AOL: `(Yahoo Inc. Hermes SMTP Server) with ESMTPA ID <32 hex>`, `sonicNNN… with HTTP`,
        // old `with NNFMP`.
        if let inside = tag(.yahooHermes) {
            add("Yahoo Mail", exact: true, role: "Hermes SMTP Server", text: inside)
        } else if keyword == "NNFMP", let name = byName {
            add("Yahoo Mail", exact: false, note: "old Yahoo `with NNFMP` protocol", text: name)
        } else {
            _ = byHost(
                ["yahoo.com", "yahoo.net", "aol.com"], "Yahoo Mail", role: keyword == "HTTP" ? "webmail (HTTP)" : nil)
        }

        // Amazon SES: `by email-smtp.amazonaws.com with SMTP (SimpleEmailService-2411284699) id …`.
        if let inside = tag(.simpleEmailService, wordEnd: false) {
            add("Amazon SES", exact: true, note: "injection tag \(inside)", role: "SMTP injection", text: inside)
        } else {
            _ = byHost(["amazonses.com"], "Amazon SES")
            if !has("Amazon SES"), let name = byName, TextScan.lowercasedHasPrefix(name, "email-smtp."),
                byNameEndsWith(["amazonaws.com"])
            {
                add(
                    "Amazon SES", exact: false, note: "recognised by the receiving host's name", role: "SMTP injection",
                    text: name)
            }
        }

        // SendGrid: `by ismtpd0007p1las1.sendgrid.net (SG) with ESMTP`, filter hops `by filter1586p1las1…`.
        if byNameEndsWith(["sendgrid.net"]), let name = byName {
            let role =
                keyword == "HTTP"
                ? "API injection" : TextScan.role(of: name, byPrefix: ["ismtpd": "SMTP injection", "filter": "filter"])
            let tagged = tag(.sendGrid) != nil  // `(SG)`: SendGrid's own tag
            add(
                "SendGrid", exact: tagged, note: tagged ? nil : "recognised by the receiving host's name",
                role: role, text: name)
        }

        // Mailgun: API injection `by luna.mailgun.net with HTTP`.
        _ = byHost(
            ["mailgun.net", "mailgun.org", "mailgun.us", "mailgun.com"], "Mailgun",
            role: keyword == "HTTP" ? "API injection" : nil)

        // Postmark: `production-pmta-useast2.internal.postmarkapp.com (KumoMTA …)`; inbound runs Postfix.
        _ = byHost(
            ["postmarkapp.com"], "Postmark",
            role: byName.map { TextScan.contains("inbound", in: $0[...]) ? "inbound processing" : "outbound" } ?? nil)

        // Apple iCloud: Postfix on `outbound.<dc>.icloud.com`.
        _ = byHost(["icloud.com", "me.com"], "Apple iCloud Mail")
        // Proton Mail hosts.
        _ = byHost(["protonmail.ch", "proton.me"], "Proton Mail")
    }

    // MARK: Security gateways

    mutating func gateways() {
        // Mimecast: `(Using TLS) by relay.mimecast.com with ESMTP id us-mta-…-1`, `by serviceNN.mimecast.com;`.
        if let name = byName,
            byNameEndsWith(["mimecast.com"])
                || TextScan.lowercasedHasPrefix(name, "mimecast-mx")
        {
            add(
                "Mimecast", exact: false, note: "recognised by the receiving host's name",
                role: TextScan.contains("delivery", in: name[...]) ? "delivery" : "inbound relay", text: name)
        }
        // Proofpoint: `by mx0a-0064b401.pphosted.com`, internal `from pps.filterd (mNNN.ppops.net [127.0.0.1])`.
        if let helo = fromHELO.flatMap(ReceivedScan.proofpointInternalHELO), let name = byName {
            add("Proofpoint", exact: false, note: "internal hop from \(helo)", role: "filter re-injection", text: name)
        } else {
            _ = byHost(["pphosted.com", "ppops.net"], "Proofpoint")
        }
        // Barracuda: old releases tag `(Spam Firewall)`; newer ones write no tag (X-Barracuda-* headers).
        if let inside = tag(.spamFirewall) {
            add(
                "Barracuda Email Security Gateway", exact: false,
                note: "`(Spam Firewall)` is the tag of older Barracuda releases", text: inside)
        } else {
            _ = byHost(["barracuda.com", "barracudanetworks.com", "cudamail.com"], "Barracuda Email Security Gateway")
        }
        // Cisco IronPort / Secure Email: cloud hosts `esaN.<customer>.iphmx.com`, `with ESMTP/TLS/<cipher>`.
        if !byHost(["iphmx.com"], "Cisco Secure Email (IronPort)"), let kw = withKeyword,
            kw.uppercased().hasPrefix("ESMTP/TLS/")
        {
            add(
                "Cisco Secure Email (IronPort)", exact: false, note: "`with ESMTP/TLS/<cipher>` is IronPort's keyword",
                text: kw)
        }
        // Symantec / Broadcom MessageLabs: `by server-8.tower-406.messagelabs.com with <cipher> encrypted SMTP`.
        if !byHost(["messagelabs.com"], "Symantec MessageLabs"), let kw = withKeyword,
            kw.lowercased().hasSuffix("encrypted smtp")
        {
            add(
                "Symantec MessageLabs", exact: false, note: "`with <cipher> encrypted SMTP` is MessageLabs' keyword",
                text: kw)
        }
        // Clearswift: `(Clearswift SMTPRS 5.1.7)`.
        if let inside = tag(.clearswift) {
            add(
                "Clearswift SMTPRS", version: TextScan.version(at: inside.dropFirst("Clearswift SMTPRS".count)),
                exact: true, text: inside)
        }
        // Forcepoint: `by Forcepoint Email with ESMTP`.
        if let range = find(.forcepoint) {
            add(
                "Forcepoint Email Security", exact: true,
                text: byPart[byPart.index(range.lowerBound, offsetBy: 3)..<range.upperBound])
        }
        // SkyGuard (Huawei): `(SkyGuard) with ESMTP`.
        if let inside = tag(.skyGuard) { add("SkyGuard", exact: true, text: inside) }
        // IBM's gateway banner: `with IBM ESMTP SMTP Gateway: Authorized Use Only!…`.
        if let range = find(.ibmGateway) {
            add("IBM ESMTP SMTP Gateway", exact: true, text: byPart[range])
        }
        // PGP Universal: `(PGP Universal service)`.
        if let inside = tag(.pgpUniversal) { add("PGP Universal", exact: true, text: inside) }
    }
}

extension ReceivedScan {
    /// `helo.lowercased()` when that is `pps.filterd` or `pps.reinject` (Proofpoint's internal
    /// hops), else nil. Only a text of that many ASCII bytes, or one with non-ASCII bytes, can
    /// lower-case to either; the others are not lower-cased.
    static func proofpointInternalHELO(_ helo: String) -> String? {
        let n = helo.utf8.count
        if (n == 11 || n == 12) || helo.utf8.contains(where: { $0 >= 0x80 }) {
            let lower = helo.lowercased()
            return lower == "pps.filterd" || lower == "pps.reinject" ? lower : nil
        }
        return nil
    }
}

/// Windows builds in `Microsoft SMTPSVC(<build>)` (5.0.2195.x is Windows 2000, 6.0.3790.x Windows
/// Server 2003). End of extended support (Microsoft lifecycle): Windows 2000 2010-07-13, Windows
/// Server 2003 2015-07-14.
enum WindowsBuilds {
    static func release(forSMTPSVC build: String) -> (name: String, supportEnd: SupportEnd)? {
        let source = "Microsoft lifecycle (Windows end of extended support)"
        if build.hasPrefix("5.0.") {
            return ("Windows 2000", SupportEnd(lastDay: "2010-07-13", source: source))
        }
        if build.hasPrefix("6.0.") {
            return ("Windows Server 2003", SupportEnd(lastDay: "2015-07-14", source: source))
        }
        return nil
    }
}
