import HopTraceFingerprint
import Testing

struct HeaderCase: Sendable, CustomTestStringConvertible {
    var name: String
    var value: String
    var product: String?
    var version: String? = nil
    var side: SoftwareIdentification.Side = .by
    var role: String? = nil
    var note: String? = nil
    var exact: Bool = true
    var testDescription: String { "\(name): \(value)" }
}

@Suite struct HeaderFingerprintTests {
    static let cases: [HeaderCase] = [
        HeaderCase(name: "X-hMailServer-Spam", value: "YES", product: "hMailServer", role: "spam filter"),
        HeaderCase(
            name: "X-MS-Exchange-CrossTenant-Id", value: "4e2c6054-71cb-48f1-bd6c-3a9705aca71b",
            product: "Exchange Online",
            note: "cross-tenant headers are written by Exchange Online only", exact: false),
        HeaderCase(
            name: "X-MS-Exchange-Transport-CrossTenantHeadersStamped", value: "PH8PR10MB6575",
            product: "Exchange Online", exact: false),
        HeaderCase(
            name: "X-MS-Exchange-Organization-SCL", value: "-1", product: "Microsoft Exchange",
            note: "X-MS-Exchange-* headers are written by Exchange Server and Exchange Online alike", exact: false),
        HeaderCase(
            name: "X-Forefront-Antispam-Report", value: "CIP:255.255.255.255;CTRY:;LANG:en;SCL:1;",
            product: "Exchange Online Protection"),
        HeaderCase(name: "X-Mimecast-Spam-Score", value: "0", product: "Mimecast"),
        HeaderCase(name: "X-MC-Unique", value: "QoC7Zm2TNeKz8FeXi2vldA-1", product: "Mimecast"),
        HeaderCase(
            name: "X-Proofpoint-Virus-Version",
            value:
                "vendor=baseguard engine=ICAP:2.0.219,Aquarius:18.0.930,Hydra:6.0.562,FMLib:17.11.170.22 definitions=2023-02-14_06,2023-02-14_01,2023-02-09_01",
            product: "Proofpoint",
            note:
                "scanning engine: vendor=baseguard engine=ICAP:2.0.219,Aquarius:18.0.930,Hydra:6.0.562,FMLib:17.11.170.22"
        ),
        HeaderCase(name: "X-Proofpoint-GUID", value: "A9bimcU9Q5HOTvQYJ5KYb9jx2P-r-O1L", product: "Proofpoint"),
        HeaderCase(
            name: "X-IronPort-AV", value: "E=Sophos;i=\"5.73,304,1583218800\"; d=\"scan'208\";a=\"123\"",
            product: "Cisco Secure Email (IronPort)", note: "anti-virus engine Sophos"),
        HeaderCase(name: "IronPort-SDR", value: "abc", product: "Cisco Secure Email (IronPort)"),
        HeaderCase(name: "X-Google-Smtp-Source", value: "AMrXdXv0", product: "Gmail"),
        HeaderCase(name: "X-Gm-Message-State", value: "AFqh2kq", product: "Gmail"),
        HeaderCase(
            name: "X-Barracuda-Connect", value: "mail.example.com[192.0.2.1]",
            product: "Barracuda Email Security Gateway"),
        HeaderCase(name: "X-ASG-Debug-ID", value: "1588080321-0c2c3f1e", product: "Barracuda Email Security Gateway"),
        HeaderCase(name: "X-SES-Outgoing", value: "2019.02.26-54.240.9.54", product: "Amazon SES"),
        HeaderCase(name: "Feedback-ID", value: "1.us-east-1.abc=:AmazonSES", product: "Amazon SES"),
        HeaderCase(name: "X-Mailgun-Sid", value: "WyI", product: "Mailgun"),
        HeaderCase(name: "X-SG-EID", value: "abc", product: "SendGrid"),
        HeaderCase(name: "X-Sonic-MF", value: "<x@yahoo.com>", product: "Yahoo Mail"),
        HeaderCase(name: "X-StarScan-Received", value: "", product: "Symantec MessageLabs"),
        HeaderCase(name: "X-PGP-Universal", value: "processed;", product: "PGP Universal"),
        HeaderCase(name: "X-Rspamd-Server", value: "rspam01", product: "rspamd", role: "spam filter"),
        HeaderCase(
            name: "X-Spam-Checker-Version", value: "SpamAssassin 3.4.6 (2021-04-09) on lindbergh.monkeyblade.net",
            product: "SpamAssassin", version: "3.4.6", role: "spam filter"),
        HeaderCase(
            name: "X-Virus-Scanned", value: "amavisd-new at example.com", product: "amavisd-new", role: "virus scanner"),
        HeaderCase(
            name: "X-Virus-Scanned", value: "by bsmtpd at laptop.org", product: "Barracuda Email Security Gateway",
            role: "virus scanner"),
        HeaderCase(
            name: "X-Mailer", value: "Microsoft Outlook 16.0", product: "Microsoft Outlook", version: "16.0",
            side: .client),
        HeaderCase(
            name: "X-Mailer", value: "Microsoft Office Outlook 12.0", product: "Microsoft Office Outlook",
            version: "12.0", side: .client),
        HeaderCase(
            name: "X-Mailer", value: "git-send-email 2.34.1", product: "git-send-email", version: "2.34.1",
            side: .client),
        HeaderCase(name: "X-Mailer", value: "RainLoop/1.16.0", product: "RainLoop", version: "1.16.0", side: .client),
        HeaderCase(
            name: "X-Mailer", value: "Apple Mail (2.3654.120.0.1.13)", product: "Apple Mail",
            version: "2.3654.120.0.1.13", side: .client),
        HeaderCase(
            name: "User-Agent", value: "Mozilla/5.0 (X11; Linux x86_64; rv:102.0) Gecko/20100101 Thunderbird/102.3.0",
            product: "Thunderbird", version: "102.3.0", side: .client),
        HeaderCase(
            name: "User-Agent", value: "Mutt/2.2.9 (2022-11-12)", product: "Mutt", version: "2.2.9", side: .client),
        HeaderCase(
            name: "X-MimeOLE", value: "Produced By Microsoft Exchange V6.5", product: "Microsoft Exchange Server 2003",
            version: "6.5"),
        HeaderCase(
            name: "X-MimeOLE", value: "Produced By Microsoft Exchange V6.0.6249.0",
            product: "Microsoft Exchange 2000 Server", version: "6.0.6249.0"),
        HeaderCase(
            name: "X-MimeOLE", value: "Produced By Microsoft MimeOLE V6.00.2900.2180", product: "Microsoft MimeOLE",
            version: "6.00.2900.2180", side: .client),
        HeaderCase(
            name: "X-MIMETrack",
            value: "Itemize by SMTP Server on idefix/Phytec(Release 8.5.3FP3|November 15, 2012) at 23.04.2013 12:53:16",
            product: "Domino", version: "8.5.3FP3", role: "Itemize by SMTP Server"),
        HeaderCase(name: "Subject", value: "[SPAM] test", product: nil),
        HeaderCase(name: "X-Originating-IP", value: "86.122.18.201", product: nil),
    ]

    @Test(arguments: cases)
    func identifies(_ c: HeaderCase) throws {
        let found = SoftwareFingerprinter.identify(headers: [(name: c.name, value: c.value, index: 4)])
        guard let product = c.product else {
            #expect(found.isEmpty)
            return
        }
        let id = try #require(found.first)
        #expect(found.count == 1)
        #expect(id.product == product)
        #expect(id.version == c.version)
        #expect(id.side == c.side)
        #expect(id.role == c.role)
        #expect(id.exact == c.exact)
        #expect(id.evidence == .init(header: c.name, headerIndex: 4, text: "\(c.name): \(c.value)"))
        if let note = c.note { #expect(id.note == note) }
    }

    /// The article's Raynet case, headers in the order the article prints them ("cut for brevity"):
    /// three Received, Subject, then the hMailServer spam verdict.
    static let raynet: [(name: String, value: String, index: Int)] = [
        ("Received", "from mail.raynet-uk.net (www.raynet-uk.net [88.208.249.159])", 0),
        ("Received", "from amg1.gbse.gb.net (amg1.gbse.gb.net [91.234.185.121]) by mail.raynet-uk.net", 1),
        (
            "Received",
            "from tbhext01.m0noc.net ([82.70.154.45]:33182) by amg1.gbse.gb.net with esmtp (Exim 4.82_1-5b7a7c0-XX)", 2
        ),
        ("Subject", "[SPAM] test", 3),
        ("X-hMailServer-Spam", "YES", 4),
        ("X-hMailServer-Reason-1", "Blocked by SPF () - (Score: 3)", 5),
        ("X-hMailServer-Reason-Score", "3", 6),
    ]

    @Test func raynetNamesHMailServerOnceWithItsEvidence() throws {
        let found = SoftwareFingerprinter.identify(headers: Self.raynet)
        #expect(found.count == 1)
        let id = try #require(found.first)
        #expect(id.product == "hMailServer")
        #expect(id.role == "spam filter")
        #expect(id.side == .by)
        #expect(id.evidence == .init(header: "X-hMailServer-Spam", headerIndex: 4, text: "X-hMailServer-Spam: YES"))
        #expect(id.note == "with 2 adjacent headers (indexes 5–6)")
    }

    @Test func raynetEximFromItsReceived() throws {
        var r = received(Self.raynet[2].value, helo: "tbhext01.m0noc.net", by: "amg1.gbse.gb.net", with: "esmtp")
        r.software = ["Exim 4.82_1-5b7a7c0-XX"]
        let id = try #require(SoftwareFingerprinter.identify(r, headerIndex: 2).first)
        #expect(id.product == "Exim")
        #expect(id.version == "4.82")
        #expect(id.side == .by)
        #expect(id.evidence == .init(header: "Received", headerIndex: 2, text: "Exim 4.82_1-5b7a7c0-XX"))
    }

    @Test func adjacentRunsMergeButSeparateRunsDoNot() {
        let found = SoftwareFingerprinter.identify(headers: [
            ("X-Proofpoint-GUID", "a", 10),
            ("X-Proofpoint-Virus-Version", "vendor=nai engine=6200 definitions=5800 signatures=585085", 11),
            ("Received", "from a by b", 12), ("X-Proofpoint-GUID", "b", 13), ("X-Mailer", "Microsoft Outlook 16.0", 14),
        ])
        #expect(found.map(\.product) == ["Proofpoint", "Proofpoint", "Microsoft Outlook"])
        #expect(found.map { $0.evidence.headerIndex } == [10, 13, 14])
        #expect(found[0].note == "scanning engine: vendor=nai engine=6200; with 1 adjacent header (indexes 11–11)")
        #expect(found[1].note == nil)
    }
}
