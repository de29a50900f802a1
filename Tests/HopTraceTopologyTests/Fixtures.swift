import HopTraceCore
import HopTraceReceived

@testable import HopTraceTopology

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The article's two cases, built as parsed values (independent of the Received parser), and
/// the same headers as text for the parser-driven test.
enum Fixtures {
    static func hop(
        _ index: Int, from helo: String?, rdns: String? = nil, _ fromIP: String?, port: Int? = nil,
        by: String?, _ byIP: String? = nil, with keyword: String?, tls: Bool = false,
        via: String? = nil, delay: Int?
    ) -> Hop {
        var r = ReceivedHeader(raw: "fixture hop \(index)")
        r.from = ReceivedFrom(helo: helo, rdns: rdns, ip: fromIP.flatMap { IPAddress($0) }, ipText: fromIP, port: port)
        r.by = ReceivedBy(name: by, ip: byIP.flatMap { IPAddress($0) }, ipText: byIP)
        r.with = keyword.map { ProtocolInfo(keyword: $0, authenticated: false, tls: tls) }
        r.via = via
        return Hop(index: index, received: r, location: nil, delaySeconds: delay)
    }

    /// bt.com delivery receipt, embedded headers (the article's six Received lines), oldest first.
    static let btHops: [Hop] = [
        hop(
            1, from: "tbhext01.m0noc.net", "82.70.154.45", by: "smtpe1.intersmtp.com", "62.239.224.235",
            with: "Microsoft SMTP Server", delay: nil),
        hop(
            2, from: "smtpe1.intersmtp.com", "10.187.98.11", by: "EVMHT66-UKRD.domain1.systemhost.net", "10.36.3.103",
            with: "Microsoft SMTP Server", delay: 1),
        hop(
            3, from: "EVMHT66-UKRD.domain1.systemhost.net", "10.36.3.103", by: "RDW083A006ED62.bt.com", "10.187.98.11",
            with: "Microsoft SMTP Server", delay: 2),
        hop(
            4, from: "RDW083A006ED62.bt.com", "62.239.224.235", by: "VE1EUR02FT011.mail.protection.outlook.com",
            "10.152.12.150", with: "Microsoft SMTP Server", via: "Frontend Transport", delay: 1),
        hop(
            5, from: "VE1EUR02FT011.eop-EUR02.prod.protection.outlook.com", "2a01:111:f400:7e06::204",
            by: "HE1PR06CA0108.outlook.office365.com", "2a01:111:e400:7a1b::34", with: "Microsoft SMTP Server",
            via: "Frontend Transport", delay: 2),
        hop(
            6, from: "HE1PR06CA0108.eurprd06.prod.outlook.com", "10.169.114.34",
            by: "DB5PR06MB1495.eurprd06.prod.outlook.com", "10.164.40.141", with: "Microsoft SMTP Server", delay: 1),
    ]

    /// Raynet forward (the article's three Received lines), oldest first.
    static let raynetHops: [Hop] = [
        hop(
            1, from: "tbhext01.m0noc.net", "82.70.154.45", port: 33182, by: "amg1.gbse.gb.net", with: "esmtp",
            delay: nil),
        hop(
            2, from: "amg1.gbse.gb.net", rdns: "amg1.gbse.gb.net", "91.234.185.121", by: "mail.raynet-uk.net",
            with: "ESMTP", delay: 1),
        hop(
            3, from: "mail.raynet-uk.net", rdns: "www.raynet-uk.net", "88.208.249.159", by: "tbhext01.m0noc.net",
            with: "ESMTP", delay: 1),
    ]

    /// What the later stages will add, to exercise the drawing of it: the article's verdicts
    /// and the software its author identified.
    static func btAnnotated() -> Annotated {
        var t = Topology.build(hops: btHops)
        let annotations = [
            EdgeAnnotation(hop: 1, severity: .info, label: "SPF pass for 82.70.154.45"),
            EdgeAnnotation(
                hop: 4, severity: .error, label: "SPF fail: checked 62.239.224.235 (BT's own relay, not the origin)",
                kind: .spfBrokenByForwarding),
            EdgeAnnotation(hop: 4, severity: .error, label: "DKIM fail · DMARC fail (p=reject)", kind: .dmarcFail),
        ]
        let software = [
            2: "Exchange Server 2010 SP3 RU5", 3: "Exchange Server 2007 SP3 RU12",
            4: "Exchange Online 15.1.587.6", 5: "Exchange Online 15.1.587.13", 6: "Exchange Online 15.1.557.21",
        ]
        for (id, s) in software { t.hosts[id - 1].software = [s] }
        return Annotated(topology: t, annotations: annotations)
    }

    static func raynetAnnotated() -> Annotated {
        var t = Topology.build(hops: raynetHops)
        let annotations = [
            EdgeAnnotation(
                hop: 2, severity: .error,
                label: "SPF checked against 91.234.185.121 (Raynet's first relay): marked [SPAM]",
                kind: .spfBrokenByForwarding),
            EdgeAnnotation(hop: 3, severity: .warning, label: "SPF fail for 88.208.249.159 (forwarded as-is)"),
        ]
        t.hosts[1].software = ["Exim 4.82_1-5b7a7c0-XX"]
        t.hosts[2].software = ["hMailServer"]
        return Annotated(topology: t, annotations: annotations)
    }

    /// A topology with the marks a later stage draws on it.
    struct Annotated {
        var topology: Topology
        var annotations: [EdgeAnnotation]
    }

    /// The bt.com receipt's six embedded Received values, top first, as written (unfolded).
    static let btReceivedValues: [String] = [
        "from HE1PR06CA0108.eurprd06.prod.outlook.com (10.169.114.34) by DB5PR06MB1495.eurprd06.prod.outlook.com (10.164.40.141) with Microsoft SMTP Server id 15.1.557.21; Sat, 20 Aug 2016 09:14:09 +0000",
        "from VE1EUR02FT011.eop-EUR02.prod.protection.outlook.com (2a01:111:f400:7e06::204) by HE1PR06CA0108.outlook.office365.com (2a01:111:e400:7a1b::34) with Microsoft SMTP Server id 15.1.587.13 via Frontend Transport; Sat, 20 Aug 2016 09:14:08 +0000",
        "from RDW083A006ED62.bt.com (62.239.224.235) by VE1EUR02FT011.mail.protection.outlook.com (10.152.12.150) with Microsoft SMTP Server id 15.1.587.6 via Frontend Transport; Sat, 20 Aug 2016 09:14:06 +0000",
        "from EVMHT66-UKRD.domain1.systemhost.net (10.36.3.103) by RDW083A006ED62.bt.com (10.187.98.11) with Microsoft SMTP Server id 14.3.181.6; Sat, 20 Aug 2016 09:14:05 +0000",
        "from smtpe1.intersmtp.com (10.187.98.11) by EVMHT66-UKRD.domain1.systemhost.net (10.36.3.103) with Microsoft SMTP Server id 8.3.342.0; Sat, 20 Aug 2016 09:14:03 +0000",
        "from tbhext01.m0noc.net (82.70.154.45) by smtpe1.intersmtp.com (62.239.224.235) with Microsoft SMTP Server id 14.3.181.6; Sat, 20 Aug 2016 09:14:02 +0000",
    ]

    static let raynetReceivedValues: [String] = [
        "from mail.raynet-uk.net (www.raynet-uk.net [88.208.249.159])\tby tbhext01.m0noc.net (Postfix) with ESMTP id 3sJxZk1HQlz9sC4\tfor <REDACTED@m0noc.net>; Tue, 23 Aug 2016 19:42:31 +0100 (BST)",
        "from amg1.gbse.gb.net (amg1.gbse.gb.net [91.234.185.121]) by mail.raynet-uk.net with ESMTP\t; Tue, 23 Aug 2016 19:42:30 +0100",
        "from tbhext01.m0noc.net ([82.70.154.45]:33182) by amg1.gbse.gb.net  with esmtp (Exim 4.82_1-5b7a7c0-XX)  (envelope-from <REDACTED@m0noc.net>)  id 1bcHkR-0004Qm-Lx  for REDACTED@raynet-uk.net; Tue, 23 Aug 2016 19:42:29 +0100",
    ]

    /// `<package root>`.
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let goldenDirectory = packageRoot.appendingPathComponent("Tests/HopTraceTopologyTests/Golden")

    static var recording: Bool { ProcessInfo.processInfo.environment["HOPTRACE_RECORD_GOLDEN"] == "1" }
}
