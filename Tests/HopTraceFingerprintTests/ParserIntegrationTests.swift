import HopTraceFingerprint
import HopTraceReceived
import Testing

/// The article's two cases end to end: HopTraceReceived's parser reads each line, the fingerprinter names
/// the software. (The table-driven tests construct ReceivedHeader values directly so they do not depend
/// on parser details; this suite checks the two agree on the fields used: by name, with, via, serverBuild,
/// commentOnly.)
@Suite struct ParserIntegrationTests {
    @Test(
        arguments: [
            (
                "from tbhext01.m0noc.net (82.70.154.45) by smtpe1.intersmtp.com (62.239.224.235) with Microsoft SMTP Server id 14.3.181.6",
                "Microsoft Exchange Server 2010", "Exchange Server 2010 SP3 Update Rollup 5", true, nil as String?
            ),
            (
                "from smtpe1.intersmtp.com (10.187.98.11) by EVMHT66-UKRD.domain1.systemhost.net (10.36.3.103) with Microsoft SMTP Server id 8.3.342.0",
                "Microsoft Exchange Server 2007", "Exchange Server 2007 SP3 Update Rollup 12", false, nil
            ),
            (
                "from EVMHT66-UKRD.domain1.systemhost.net (10.36.3.103) by RDW083A006ED62.bt.com (10.187.98.11) with Microsoft SMTP Server id 14.3.181.6",
                "Microsoft Exchange Server 2010", "Exchange Server 2010 SP3 Update Rollup 5", true, nil
            ),
            (
                "from RDW083A006ED62.bt.com (62.239.224.235) by VE1EUR02FT011.mail.protection.outlook.com (10.152.12.150) with Microsoft SMTP Server id 15.1.587.6 via Frontend Transport",
                "Exchange Online", nil, false, "Frontend Transport"
            ),
            (
                "from VE1EUR02FT011.eop-EUR02.prod.protection.outlook.com (2a01:111:f400:7e06::204) by HE1PR06CA0108.outlook.office365.com (2a01:111:e400:7a1b::34) with Microsoft SMTP Server id 15.1.587.13 via Frontend Transport",
                "Exchange Online", nil, false, "Frontend Transport"
            ),
            (
                "from HE1PR06CA0108.eurprd06.prod.outlook.com (10.169.114.34) by DB5PR06MB1495.eurprd06.prod.outlook.com (10.164.40.141) with Microsoft SMTP Server id 15.1.557.21",
                "Exchange Online", nil, false, nil
            ),
            (
                "from tbhext01.m0noc.net ([82.70.154.45]:33182) by amg1.gbse.gb.net with esmtp (Exim 4.82_1-5b7a7c0-XX)",
                "Exim", nil, true, nil
            ),
            (
                "by SPIDERMAN with Internet Mail Service (5.5.2653.19) id <19AF8VY2>; Tue, 25 Mar 2003 11:58:27 -0500",
                "Microsoft Exchange Server 5.5", "Exchange Server 5.5 SP4", false, "Internet Mail Service"
            ),
        ] as [(String, String, String?, Bool, String?)])
    func articleLines(_ raw: String, _ product: String, _ release: String?, _ exact: Bool, _ role: String?) throws {
        let ids = SoftwareFingerprinter.identify(ReceivedParser.parse(raw))
        let id = try #require(ids.first)
        #expect(ids.filter { $0.product == product }.count == 1)
        #expect(id.product == product)
        #expect(id.release == release)
        #expect(id.exact == exact)
        #expect(id.role == role)
        #expect(id.side == .by)
    }

    @Test func qmailCommentOnlyLine() throws {
        let ids = SoftwareFingerprinter.identify(
            ReceivedParser.parse("(qmail 10681 invoked by uid 404); 14 Nov 2003 08:05:52 -0000"))
        #expect(ids.map(\.product) == ["qmail"])
        #expect(ids.first?.role == "local injection (qmail-inject)")
    }
}
