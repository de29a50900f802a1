import Foundation
import HopTraceAuth
import HopTraceCore
import HopTraceForensics
import HopTraceTopology
import HopTraceVerdicts
import Testing

/// Vendor verdicts decoded on the samples, tied to the hop that wrote them, and the findings and
/// diagram marks made from them.
@Suite struct VendorVerdictStageTests {
    static func verdicts(_ a: ChainAuthentication) -> [HopVendorVerdict] {
        a.hops.flatMap(\.vendorVerdicts)
    }

    @Test func exchangeOnlinePhishAtTheFrontDoor() async throws {
        let a = try await ForensicsHarness.run("vendor-microsoft-phish.eml", zone: nil, offline: true)
        let all = Self.verdicts(a)
        // Hop 2 is the EOP front door (mail.payments-notice.example → AM4PEPF00027A6C.mail.protection.outlook.com).
        let front = try #require(a.hop(2))
        let headers = front.vendorVerdicts.map(\.decoded.header)
        #expect(headers.contains("X-Forefront-Antispam-Report"))
        #expect(headers.contains("X-Microsoft-Antispam"))
        #expect(headers.contains("X-Microsoft-Antispam-Mailbox-Delivery"))
        #expect(headers.contains("Authentication-Results"))
        #expect(all.allSatisfy { $0.hop == 2 })
        let ff = try #require(front.vendorVerdicts.first { $0.decoded.header == "X-Forefront-Antispam-Report" })
        #expect(ff.decoded.verdict == .phish)
        #expect(ff.checkedHop == nil)
        #expect(ff.tie == .connectingIP(IPAddress("203.0.113.45")!, hop: 2))
        let lines = VendorVerdictText.lines(front.vendorVerdicts)
        #expect(lines.count == 1)
        let line = try #require(lines.first)
        #expect(line.hasPrefix("Microsoft 365: phish"))
        for part in [
            "(SFV:SPM)", "category high confidence phishing (CAT:HPHISH)", "SCL 9", "BCL 0",
            "delivered to Junk Email folder (dest:J)", "compauth fail reason 000 (explicit authentication failure",
        ] {
            #expect(line.contains(part), "\(part) in \(line)")
        }
        // The "not attributed" notes for the organisation headers are gone: they are decoded and tied.
        #expect(!a.notes.map(FindingsText.text).contains { $0.contains("X-MS-Exchange-Organization-SCL") })
        let compauth = ForensicsHarness.finding(a, .compauthFail)
        #expect(compauth.count == 1)
        let summary = try #require(compauth.first?.summary)
        #expect(summary.contains("reason 000"))
        #expect(summary.contains("DMARC failed"))
        #expect(summary.contains("SPF fail, DKIM none, DMARC fail"))
        #expect(summary.contains("delivered to the Junk Email folder"))
        #expect(compauth.first?.hops == [2])
        #expect(a.filterMarks == [FilterMark(hop: 2, vendor: .microsoft, verdict: .phish, destination: "J")])
        #expect(VendorVerdictText.annotation(a.filterMarks[0]).label == "M365: phish → Junk")
    }

    @Test func enhancedFilteringRecordsTheCheckedHop() async throws {
        let a = try await ForensicsHarness.run("vendor-proofpoint-enhanced-filtering.eml", zone: nil, offline: true)
        // Hop 3: pphosted.com → the EOP front door; hop 1: the partner's MX into Proofpoint.
        let ff = try #require(Self.verdicts(a).first { $0.decoded.header == "X-Forefront-Antispam-Report" })
        #expect(ff.hop == 3)
        #expect(ff.checkedHop == 1)
        #expect(ff.checkedIP == IPAddress("192.0.2.150"))
        #expect(VendorVerdictText.evidence(ff).contains("hop 1's client"))
        let ef = try #require(
            Self.verdicts(a).first { $0.decoded.header == "X-MS-Exchange-ExternalOriginalInternetSender" })
        #expect(ef.hop == 3 && ef.checkedHop == 1)
        let pp = try #require(Self.verdicts(a).first { $0.decoded.header == "X-Proofpoint-Spam-Details" })
        #expect(pp.hop == 1)
        #expect(pp.decoded.verdict == .clean)
        #expect(ForensicsHarness.finding(a, .compauthFail).isEmpty)
        #expect(a.filterMarks.isEmpty)
    }

    @Test func spamAssassinTiedByItsHostAndPosition() async throws {
        let a = try await ForensicsHarness.run("vendor-spamassassin-amavis.eml", zone: nil, offline: true)
        let sa = try #require(Self.verdicts(a).first { $0.decoded.header == "X-Spam-Status" })
        #expect(sa.decoded.verdict == .spam)
        #expect(sa.hop == 2)  // the amavisd-new hop (by localhost … amavisd-new, port 10024)
        let amavis = try #require(Self.verdicts(a).first { $0.decoded.vendor == .amavis })
        #expect(amavis.hop == 2)
        if case .namedHost(let host, _) = amavis.tie {
            #expect(host == "mx1.example.org")
        } else {
            Issue.record("amavis tied by \(amavis.tie)")
        }
        #expect(a.filterMarks.map(\.vendor) == [.spamassassin])
    }

    @Test func rspamdByItsServer() async throws {
        let a = try await ForensicsHarness.run("vendor-rspamd.eml", zone: nil, offline: true)
        let result = try #require(Self.verdicts(a).first { $0.decoded.header == "X-Spamd-Result" })
        #expect(result.decoded.verdict == .spam)
        #expect(result.hop == 1)
        let server = try #require(Self.verdicts(a).first { $0.decoded.header == "X-Rspamd-Server" })
        #expect(server.tie == .namedHost("mail.example.net", hop: 1))
    }

    @Test func mimecastImpersonationIsAFinding() async throws {
        let a = try await ForensicsHarness.run("vendor-mimecast-impersonation.eml", zone: nil, offline: true)
        let spoof = ForensicsHarness.finding(a, .spoofVerdict)
        #expect(spoof.count == 1)
        let s = try #require(spoof.first?.summary)
        #expect(s.contains("Similar Internal Domain:true"))
        #expect(s.contains("Newly Observed Domain:true"))
        #expect(!s.contains("Reply-to Address Mismatch"))
        #expect(spoof.first?.hops == [1])
    }

    @Test func hostileVendorValuesStayText() async throws {
        let text = """
            Received: from mx.example.com (mx.example.com [192.0.2.1])
            \tby mail.example.com (Postfix) with ESMTP id 1; Mon, 10 Mar 2025 10:00:02 +0000
            X-Spam-Checker-Version: SpamAssassin 4.0.0 on <script>\u{1B}[2J\u{202E}evil
            X-Forefront-Antispam-Report: CIP:\u{1B}[31m;CAT:<img src=x>;SFV:SPM\u{202E};H:a\"b

            """ + Array(repeating: "X-Spam-Flag: YES\n", count: 400).joined()
            + "From: a@example.com\nSubject: x\n\nbody\n"
        let input = try ForensicsHarness.input(fromBytes: Array(text.utf8), embedded: false, zone: nil, offline: true)
        let a = await AuthForensics.analyze(input)
        let all =
            Self.verdicts(a)
            + a.unattributedVendorVerdicts.map { HopVendorVerdict(decoded: $0, hop: 0, tie: .position(hop: 0)) }
        #expect(all.count <= 256)
        let ff = try #require(all.first { $0.decoded.header == "X-Forefront-Antispam-Report" })
        #expect(ff.decoded.field("CAT")?.value == "<img src=x>")
        let annotation = VendorVerdictText.annotation(FilterMark(hop: 1, vendor: .microsoft, verdict: .spam))
        #expect(annotation.label == "M365: spam")
    }
}

/// The rows the incident report's "Filtering verdicts" section is made of.
@Suite struct VendorVerdictRowsTests {
    @Test func rowsOfThePhish() async throws {
        let a = try await ForensicsHarness.run("vendor-microsoft-phish.eml", zone: nil, offline: true)
        let rows = VendorVerdictText.rows(a)
        #expect(rows.count == 1)
        let row = try #require(rows.first)
        #expect(row.hop == 2 && row.vendor == .microsoft && row.vendorName == "Microsoft 365")
        #expect(row.verdict == "phish")
        #expect(row.line == VendorVerdictText.lines(a.hop(2)!.vendorVerdicts)[0])
        #expect(
            row.evidence.contains { $0.hasPrefix("X-Forefront-Antispam-Report: its connecting IP (CIP) 203.0.113.45") })
        #expect(row.checkedHop == nil)
        #expect(VendorVerdictText.unattributedLines(a).isEmpty)
    }

    @Test func rowsKeepTheCheckedHop() async throws {
        let a = try await ForensicsHarness.run("vendor-proofpoint-enhanced-filtering.eml", zone: nil, offline: true)
        let rows = VendorVerdictText.rows(a)
        #expect(rows.map(\.vendor) == [.proofpoint, .microsoft])
        #expect(rows.first { $0.vendor == .microsoft }?.checkedHop == 1)
    }
}
