import HopTraceCore
import HopTraceFingerprint
import Testing

@Suite struct SupportFindingsTests {
    static let may2021: Int64 = 1_619_913_600  // 2021-05-02T00:00:00Z
    static let aug2016: Int64 = 1_471_651_200  // 2016-08-20T00:00:00Z, the article's bt.com receipt

    func exchange(_ build: String, host: String? = nil) throws -> SoftwareIdentification {
        try #require(ExchangeBuilds.lookup(build, host: host))
    }

    @Test func exchange2010In2021() throws {
        let finding = try #require(
            SoftwareFingerprinter.supportFindings(product: exchange("14.3.181.6"), hopIndex: 3, at: Self.may2021))
        #expect(
            finding
                == Finding(
                    kind: .unsupportedSoftware, severity: .warning, hops: [3],
                    summary:
                        "hop 3 ran Exchange Server 2010 (SP3 Update Rollup 5), out of support since 2020-10-13, on 2021-05-02"
                ))
    }

    @Test func exchange2010WasSupportedInTheArticle() throws {
        #expect(
            SoftwareFingerprinter.supportFindings(product: try exchange("14.3.181.6"), hopIndex: 1, at: Self.aug2016)
                == nil)
        // Exchange 2007 was still supported in August 2016 (until 2017-04-11).
        #expect(
            SoftwareFingerprinter.supportFindings(product: try exchange("8.3.342.0"), hopIndex: 2, at: Self.aug2016)
                == nil)
    }

    @Test func lastDayIsStillSupported() throws {
        let id = try exchange("14.3.181.6")
        #expect(!id.isUnsupported(at: 1_602_590_400))  // 2020-10-13T12:00Z
        #expect(!id.isUnsupported(at: 1_602_633_599))  // 2020-10-13T23:59:59Z
        #expect(id.isUnsupported(at: 1_602_633_600))  // 2020-10-14T00:00Z
    }

    @Test func revisionDiffersAndInterimSayWhatMatched() throws {
        let jan2018: Int64 = 1_514_764_800
        let e2007 = try #require(
            SoftwareFingerprinter.supportFindings(product: exchange("8.3.342.0"), hopIndex: 2, at: jan2018))
        #expect(
            e2007.summary
                == "hop 2 ran Exchange Server 2007 (SP3 Update Rollup 12, revision differs), out of support since 2017-04-11, on 2018-01-01"
        )
        let jan2021: Int64 = 1_609_804_800
        let interim = try #require(
            SoftwareFingerprinter.supportFindings(product: exchange("14.3.487.0"), hopIndex: 5, at: jan2021))
        #expect(
            interim.summary
                == "hop 5 ran Exchange Server 2010 (interim build after SP3 Update Rollup 29), out of support since 2020-10-13, on 2021-01-05"
        )
        #expect(interim.hops == [5])
    }

    @Test func extendedSecurityUpdateBuilds() throws {
        let march2026: Int64 = 1_772_323_200
        let finding = try #require(
            SoftwareFingerprinter.supportFindings(product: exchange("15.1.2507.66"), hopIndex: 1, at: march2026))
        #expect(
            finding.summary
                == "hop 1 ran Exchange Server 2016 (CU23 Feb26SU), out of support since 2025-10-14, on 2026-03-01; this build was released 2026-02-10 under the paid Extended Security Update programme"
        )
    }

    @Test func exchange40HasOnlyAnUpperBound() throws {
        let jan2007: Int64 = 1_167_609_600
        let finding = try #require(
            SoftwareFingerprinter.supportFindings(product: exchange("4.0.996"), hopIndex: 1, at: jan2007))
        #expect(
            finding.summary
                == "hop 1 ran Exchange Server 4.0 (SP5), out of support since 2006-01-10 at the latest, on 2007-01-01")
    }

    @Test func servicesAndCurrentProductsNeverFire() throws {
        let y2030: Int64 = 1_893_456_000
        #expect(
            SoftwareFingerprinter.supportFindings(
                product: try exchange("15.1.557.21", host: "DB5PR06MB1495.eurprd06.prod.outlook.com"),
                hopIndex: 1, at: y2030) == nil)
        #expect(
            SoftwareFingerprinter.supportFindings(product: try exchange("15.20.7202.16"), hopIndex: 1, at: y2030) == nil
        )
        #expect(
            SoftwareFingerprinter.supportFindings(product: try exchange("15.2.2562.17"), hopIndex: 1, at: y2030) == nil)
        let exim = SoftwareIdentification(
            product: "Exim", version: "4.82", exact: true,
            evidence: .init(header: "Received", headerIndex: nil, text: "Exim 4.82"))
        #expect(SoftwareFingerprinter.supportFindings(product: exim, hopIndex: 1, at: y2030) == nil)
    }

    @Test func iisSMTPOnWindowsServer2003() throws {
        let r = received(
            "from a.example ([192.0.2.1]) by b.example with Microsoft SMTPSVC(6.0.3790.3959); Sat, 2 Jan 2016 00:00:00 +0000",
            by: "b.example")
        let id = try #require(SoftwareFingerprinter.identify(r).first)
        let finding = try #require(SoftwareFingerprinter.supportFindings(product: id, hopIndex: 1, at: 1_451_692_800))
        #expect(
            finding.summary
                == "hop 1 ran Microsoft IIS SMTP Service (Windows Server 2003), out of support since 2015-07-14, on 2016-01-02"
        )
    }

    @Test func oneFindingPerProduct() throws {
        let ids = [try exchange("14.3.181.6"), try exchange("14.3.389.1"), try exchange("15.20.7202.16")]
        let findings = SoftwareFingerprinter.supportFindings(for: ids, hopIndex: 3, at: Self.may2021)
        #expect(findings.count == 1)
        #expect(findings.first?.kind == .unsupportedSoftware)
    }
}
