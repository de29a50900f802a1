import HopTraceFingerprint
import Testing

/// One build id and what the lookup must say about it.
struct BuildCase: Sendable, CustomTestStringConvertible {
    var build: String
    var host: String?
    var product: String
    var release: String?
    var exact: Bool
    /// The note must contain this (nil: the note must be nil).
    var note: String?
    var version: String?

    init(
        _ build: String, host: String? = nil, _ product: String, _ release: String?, exact: Bool,
        note: String? = nil, version: String? = nil
    ) {
        self.build = build
        self.host = host
        self.product = product
        self.release = release
        self.exact = exact
        self.note = note
        self.version = version
    }

    var testDescription: String { host.map { "\(build) on \($0)" } ?? build }
}

private let e40 = "Microsoft Exchange Server 4.0"
private let e50 = "Microsoft Exchange Server 5.0"
private let e55 = "Microsoft Exchange Server 5.5"
private let e2000 = "Microsoft Exchange 2000 Server"
private let e2003 = "Microsoft Exchange Server 2003"
private let e2007 = "Microsoft Exchange Server 2007"
private let e2010 = "Microsoft Exchange Server 2010"
private let e2013 = "Microsoft Exchange Server 2013"
private let e2016 = "Microsoft Exchange Server 2016"
private let e2019 = "Microsoft Exchange Server 2019"
private let eSE = "Microsoft Exchange Server Subscription Edition"
private let exo = "Exchange Online"

@Suite struct ExchangeBuildsTests {
    static let cases: [BuildCase] = [
        // Exchange 4.0 to 2003: Microsoft publishes 3-part builds.
        BuildCase("4.0.837", e40, "Exchange Server 4.0 RTM (Standard Edition)", exact: true),
        BuildCase("4.0.996", e40, "Exchange Server 4.0 SP5", exact: true),
        BuildCase("5.0.1460", e50, "Exchange Server 5.0 SP2", exact: true),
        BuildCase("5.5.2653", e55, "Exchange Server 5.5 SP4", exact: true),
        BuildCase(
            "5.5.2653.19", e55, "Exchange Server 5.5 SP4", exact: false,
            note: "revision differs: the published build 5.5.2653 has no revision part"),
        BuildCase("5.5.2655.37", e55, "Exchange Server 5.5 post-SP4", exact: true),
        BuildCase("6.0.6249", e2000, "Exchange 2000 Server SP3", exact: true),
        BuildCase("6.0.6620.7", e2000, "Exchange 2000 Server post-SP3", exact: true),
        BuildCase("6.5.7226", e2003, "Exchange Server 2003 SP1", exact: true),
        BuildCase("6.5.7638", e2003, "Exchange Server 2003 SP2", exact: true),
        BuildCase("6.5.7683", e2003, "Exchange Server 2003 SP2", exact: true),
        // Exchange 2007.
        BuildCase("8.0.685.25", e2007, "Exchange Server 2007 RTM", exact: true),
        BuildCase("8.0.813.0", e2007, "Exchange Server 2007 RTM Update Rollup 7", exact: true),
        BuildCase("8.1.240.6", e2007, "Exchange Server 2007 SP1", exact: true),
        BuildCase("8.1.359.2", e2007, "Exchange Server 2007 SP1 Update Rollup 7", exact: true),
        BuildCase("8.2.254.0", e2007, "Exchange Server 2007 SP2 Update Rollup 4", exact: true),
        BuildCase("8.3.83.6", e2007, "Exchange Server 2007 SP3", exact: true),
        BuildCase("8.03.0083.006", e2007, "Exchange Server 2007 SP3", exact: true, version: "8.3.83.6"),
        BuildCase("8.3.327.1", e2007, "Exchange Server 2007 SP3 Update Rollup 11", exact: true),
        BuildCase("8.3.342.4", e2007, "Exchange Server 2007 SP3 Update Rollup 12", exact: true),
        // The article's bt.com hop: every source publishes RU12 as 8.3.342.4.
        BuildCase(
            "8.3.342.0", e2007, "Exchange Server 2007 SP3 Update Rollup 12", exact: false,
            note: "revision differs: the published build is 8.3.342.4"),
        BuildCase("8.3.517.0", e2007, "Exchange Server 2007 SP3 Update Rollup 23", exact: true),
        BuildCase(
            "8.1.358.0", e2007, "Exchange Server 2007 SP1 Update Rollup 7", exact: false,
            note: "build number one below the published 8.1.359.2"),
        BuildCase(
            "8.1.311.2", e2007, "Exchange Server 2007 SP1 Update Rollup 4", exact: false, note: "revision differs"),
        BuildCase(
            "8.3.106.1", e2007, "Exchange Server 2007 SP3 Update Rollup 1", exact: false, note: "revision differs"),
        BuildCase(
            "8.3.279.1", e2007, "Exchange Server 2007 SP3 Update Rollup 8", exact: false,
            note: "revision differs: the published build is 8.3.279.3"),
        // Exchange 2010.
        BuildCase("14.0.639.21", e2010, "Exchange Server 2010 RTM", exact: true),
        BuildCase("14.1.218.15", e2010, "Exchange Server 2010 SP1", exact: true),
        BuildCase("14.1.270.1", e2010, "Exchange Server 2010 SP1 Update Rollup 2", exact: true),
        BuildCase("14.2.247.5", e2010, "Exchange Server 2010 SP2", exact: true),
        BuildCase("14.2.328.10", e2010, "Exchange Server 2010 SP2 Update Rollup 5 v2", exact: true),
        BuildCase("14.3.123.4", e2010, "Exchange Server 2010 SP3", exact: true),
        BuildCase("14.3.123.3", e2010, "Exchange Server 2010 SP3", exact: false, note: "revision differs"),
        BuildCase("14.3.181.6", e2010, "Exchange Server 2010 SP3 Update Rollup 5", exact: true),
        BuildCase(
            "14.03.0181.006", e2010, "Exchange Server 2010 SP3 Update Rollup 5", exact: true, version: "14.3.181.6"),
        BuildCase("14.3.389.1", e2010, "Exchange Server 2010 SP3 Update Rollup 20", exact: true),
        BuildCase(
            "14.3.439.0", e2010, "Exchange Server 2010 SP3 Update Rollup 25", exact: false,
            note:
                "interim build after Exchange Server 2010 SP3 Update Rollup 25 (14.3.435.0); next published: SP3 Update Rollup 26 (14.3.442.0)"
        ),
        BuildCase(
            "14.3.487.0", e2010, "Exchange Server 2010 SP3 Update Rollup 29", exact: false,
            note: "interim build after Exchange Server 2010 SP3 Update Rollup 29 (14.3.468.0)"),
        BuildCase("14.3.513.0", e2010, "Exchange Server 2010 SP3 Update Rollup 32", exact: true),
        BuildCase(
            "14.3.600.0", e2010, "Exchange Server 2010 SP3 Update Rollup 32", exact: false,
            note: "interim build after Exchange Server 2010 SP3 Update Rollup 32 (14.3.513.0)"),
        // Microsoft's typo row 14.3.328.5 ("SP2 RU5") is left out of the table on purpose.
        BuildCase(
            "14.3.328.5", e2010, "Exchange Server 2010 SP3 Update Rollup 15", exact: false,
            note: "interim build after Exchange Server 2010 SP3 Update Rollup 15 (14.3.319.2)"),
        // Exchange 2013.
        BuildCase("15.0.516.32", e2013, "Exchange Server 2013 RTM", exact: true),
        BuildCase("15.0.847.32", e2013, "Exchange Server 2013 SP1", exact: true),
        BuildCase("15.0.1497.2", e2013, "Exchange Server 2013 CU23", exact: true),
        BuildCase("15.0.1497.48", e2013, "Exchange Server 2013 CU23 Mar23SU", exact: true),
        BuildCase("15.00.1497.048", e2013, "Exchange Server 2013 CU23 Mar23SU", exact: true, version: "15.0.1497.48"),
        // Nvidia, June 2022: between Jan22SU .28 and Mar22SU .33 (exchange-builds.md).
        BuildCase(
            "15.0.1497.32", e2013, "Exchange Server 2013 CU23 Jan22SU", exact: false,
            note: "revision differs: the published build is 15.0.1497.28"),
        // Exchange 2016.
        BuildCase("15.1.225.16", e2016, "Exchange Server 2016 Preview", exact: true),
        BuildCase("15.1.225.42", e2016, "Exchange Server 2016 RTM", exact: true),
        BuildCase("15.1.544.27", e2016, "Exchange Server 2016 CU3", exact: true),
        // Off a Microsoft host, 15.1.557.21 is an on-premises interim build between CU3 and CU4.
        BuildCase(
            "15.1.557.21", e2016, "Exchange Server 2016 CU3", exact: false,
            note: "interim build after Exchange Server 2016 CU3 (15.1.544.27); next published: CU4 (15.1.669.32)"),
        BuildCase(
            "15.1.557.21", host: "mail.example.com", e2016, "Exchange Server 2016 CU3", exact: false,
            note: "interim build after Exchange Server 2016 CU3"),
        BuildCase(
            "15.1.2375.17", host: "chn-vm-ex02.mchp-main.com", e2016, "Exchange Server 2016 CU22 Nov21SU", exact: true),
        BuildCase(
            "15.1.2308.27", host: "fmsmsx605.amr.corp.intel.com", e2016, "Exchange Server 2016 CU21 Mar22SU",
            exact: true),
        BuildCase("15.1.2507.6", e2016, "Exchange Server 2016 CU23 (2022H1)", exact: true),
        BuildCase("15.1.2507.72", e2016, "Exchange Server 2016 CU23 Aug26SU", exact: true),
        BuildCase(
            "15.1.100.0", e2016, nil, exact: false,
            note: "earlier than the first published build of this line, Exchange Server 2016 Preview (15.1.225.16)"),
        // Exchange 2019 and Subscription Edition (15.2.2562 and up).
        BuildCase("15.2.221.12", e2019, "Exchange Server 2019 RTM", exact: true),
        BuildCase("15.2.1118.7", e2019, "Exchange Server 2019 CU12 (2022H1)", exact: true),
        BuildCase("15.2.1544.44", e2019, "Exchange Server 2019 CU14 Aug26SU", exact: true),
        BuildCase("15.2.1748.10", e2019, "Exchange Server 2019 CU15 (2025H1)", exact: true),
        BuildCase("15.02.1748.010", e2019, "Exchange Server 2019 CU15 (2025H1)", exact: true, version: "15.2.1748.10"),
        BuildCase(
            "15.2.2000.5", e2019, "Exchange Server 2019 CU15 (2025H1)", exact: false,
            note: "next published: Exchange Server Subscription Edition RTM (15.2.2562.17)"),
        BuildCase("15.2.2562.17", eSE, "Exchange Server Subscription Edition RTM", exact: true),
        BuildCase("15.2.2562.46", eSE, "Exchange Server Subscription Edition RTM Aug26SU", exact: true),
        BuildCase(
            "15.2.2562.50", eSE, "Exchange Server Subscription Edition RTM Aug26SU", exact: false,
            note: "revision differs: the published build is 15.2.2562.46"),
        BuildCase(
            "15.2.2600.1", eSE, "Exchange Server Subscription Edition RTM", exact: false,
            note: "interim build after Exchange Server Subscription Edition RTM (15.2.2562.17)"),
        // Exchange Online: the article's bt.com hops (2016) and later observed builds.
        BuildCase(
            "15.1.557.21", host: "DB5PR06MB1495.eurprd06.prod.outlook.com", exo, nil, exact: false,
            note:
                "Exchange 2016 code line on a Microsoft-operated host DB5PR06MB1495.eurprd06.prod.outlook.com; no on-premises release: between Exchange Server 2016 CU3 (15.1.544.27) and Exchange Server 2016 CU4 (15.1.669.32)"
        ),
        BuildCase(
            "15.1.587.13", host: "HE1PR06CA0108.outlook.office365.com", exo, nil, exact: false,
            note: "Exchange 2016 code line"),
        BuildCase(
            "15.1.587.6", host: "VE1EUR02FT011.mail.protection.outlook.com", exo, nil, exact: false,
            note: "Exchange 2016 code line"),
        BuildCase(
            "15.1.587.9", host: "HE1PR0101MB2139.eurprd01.prod.exchangelabs.com", exo, nil, exact: false,
            note: "Exchange 2016 code line"),
        BuildCase(
            "15.1.523.12", host: "SN2PR01MB2080.prod.exchangelabs.com", exo, nil, exact: false,
            note: "Exchange 2016 code line"),
        BuildCase(
            "15.1.609.9", host: "BY2PR02MB1234.namprd02.prod.outlook.com", exo, nil, exact: false,
            note: "Exchange 2016 code line"),
        BuildCase(
            "15.1.544.27", host: "AM4PR0101MB1234.eurprd01.prod.outlook.com", exo, nil, exact: false,
            note: "same build number as on-premises Exchange Server 2016 CU3"),
        BuildCase(
            "15.2.1118.7", host: "mail-dm6nam10lp2109.outbound.protection.outlook.com.", exo, nil, exact: false,
            note: "Exchange 2019 code line"),
        BuildCase(
            "15.20.7202.16", host: "SJ1PEPF00001CDD.mail.protection.outlook.com", exo, nil, exact: false,
            note: "15.20 builds were never shipped on-premises"),
        BuildCase(
            "15.20.5546.023", exo, nil, exact: false, note: "never shipped on-premises", version: "15.20.5546.23"),
        BuildCase("15.20.13.11", exo, nil, exact: false, note: "never shipped on-premises"),
        BuildCase("15.20.8632.26", host: "DB1PEPF000509E8.eurprd03.prod.outlook.com", exo, nil, exact: false),
        // A line no table lists.
        BuildCase(
            "14.16.190.8", "Microsoft Exchange Server", nil, exact: false,
            note: "14.16 is not a published Exchange Server line"),
    ]

    @Test(arguments: cases)
    func lookup(_ c: BuildCase) throws {
        let id = try #require(ExchangeBuilds.lookup(c.build, host: c.host))
        #expect(id.product == c.product)
        #expect(id.release == c.release)
        #expect(id.exact == c.exact)
        #expect(id.version == (c.version ?? c.build))
        #expect(id.side == .by)
        if let note = c.note {
            #expect(id.note?.contains(note) == true, "note: \(id.note ?? "nil")")
        } else if c.exact {
            #expect(id.note == nil)
        }
        // Exchange Online is a service: it never carries an on-premises end of support.
        if c.product == exo { #expect(id.endOfSupport == nil) }
    }

    @Test func atLeastSixtyBuildsAcrossAllVersions() {
        #expect(Self.cases.count >= 60)
        let majors = Set(Self.cases.compactMap { ExchangeBuilds.parseBuild($0.build).map { "\($0[0]).\($0[1])" } })
        for line in [
            "4.0", "5.0", "5.5", "6.0", "6.5", "8.0", "8.1", "8.2", "8.3", "14.0", "14.1", "14.2", "14.3",
            "15.0", "15.1", "15.2", "15.20",
        ] {
            #expect(majors.contains(line), "no case for \(line)")
        }
    }

    @Test(arguments: [
        ("14.3.181.6", [14, 3, 181, 6]), ("14.03.0181.006", [14, 3, 181, 6]),
        ("15.02.1118.007", [15, 2, 1118, 7]), ("8.03.0083.006", [8, 3, 83, 6]), ("4.0.837", [4, 0, 837]),
    ])
    func parseBuildReadsShortAndLongForms(_ text: String, _ parts: [Int]) {
        #expect(ExchangeBuilds.parseBuild(text) == parts)
    }

    @Test(arguments: ["", "15.1", "15.1.557.21.4", "15.1.x.21", "15..557.21", "1.2.3.4567890", "-1.2.3"])
    func parseBuildRejects(_ text: String) {
        #expect(ExchangeBuilds.parseBuild(text) == nil)
        #expect(ExchangeBuilds.lookup(text, host: nil) == nil)
    }

    @Test func endOfSupportComesFromTheProduct() throws {
        let e2010 = try #require(ExchangeBuilds.lookup("14.3.181.6", host: nil))
        #expect(e2010.endOfSupport?.lastDay == "2020-10-13")
        #expect(e2010.endOfSupport?.exactDate == true)
        #expect(e2010.releaseDate == "2014-02-24")
        let e40 = try #require(ExchangeBuilds.lookup("4.0.837", host: nil))
        #expect(
            e40.endOfSupport
                == SupportEnd(lastDay: "2006-01-10", exactDate: false, source: e40.endOfSupport?.source ?? ""))
        let se = try #require(ExchangeBuilds.lookup("15.2.2562.17", host: nil))
        #expect(se.endOfSupport == nil)
        let e2019 = try #require(ExchangeBuilds.lookup("15.2.1748.10", host: nil))
        #expect(e2019.endOfSupport?.lastDay == "2025-10-14")
    }

    @Test(arguments: [
        ("x.namprd12.prod.outlook.com", true), ("HE1PR06CA0108.outlook.office365.com", true),
        ("CO1NAM11FT066.mail.protection.outlook.com.", true), ("a.prod.exchangelabs.com", true),
        ("outlook.com.example.net", false), ("mail.example.com", false), ("", false),
    ])
    func microsoftHosts(_ host: String, _ hosted: Bool) {
        #expect(ExchangeBuilds.isMicrosoftHosted(host) == hosted)
    }

    @Test func tableIsSortedAndCoversEveryProduct() {
        let table = ExchangeBuilds.table
        #expect(table.count == 460)
        for (a, b) in zip(table, table.dropFirst()) {
            #expect(a.build.lexicographicallyPrecedes(b.build), "\(a.buildText) before \(b.buildText)")
        }
        #expect(
            Set(table.map(\.product)) == [
                "Exchange Server 4.0", "Exchange Server 5.0", "Exchange Server 5.5", "Exchange 2000 Server",
                "Exchange Server 2003", "Exchange Server 2007", "Exchange Server 2010", "Exchange Server 2013",
                "Exchange Server 2016", "Exchange Server 2019", "Exchange Server Subscription Edition",
            ])
    }
}
