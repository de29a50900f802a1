import Foundation
import HopTraceCore
import HopTraceDNS
import HopTraceForensics
import HopTraceReport
import HopTraceTopology
import Testing

/// Red edges: every authentication failure a receiver recorded or the replay found, not only
/// forwarding breaks.
@Suite struct FailureMarksTests {
    /// A phishing message refused at the front door: the receiver recorded SPF fail and
    /// DMARC fail for the bank's domain it forged.
    static let phish = Array(
        """
        Authentication-Results: mx1.mail.example.net;
         spf=fail (sender IP is 198.51.100.66) smtp.mailfrom=bank.example;
         dkim=none (message not signed);
         dmarc=fail action=reject header.from=bank.example
        Received: from mail.bank-secure-login.example (unknown [198.51.100.66])
         by mx1.mail.example.net (Postfix) with ESMTP id 7F3E2C0DE
         for <victim@mail.example.net>; Tue, 03 Nov 2026 09:12:05 +0000 (UTC)
        Return-Path: <security@bank.example>
        From: Bank Security <security@bank.example>
        To: victim@mail.example.net
        Subject: Your account is locked
        Date: Tue, 03 Nov 2026 10:12:01 +0100
        Message-ID: <locked-1234@bank-secure-login.example>

        Verify your account now.

        """.utf8)

    static let zone = """
        $ORIGIN bank.example.
        @       TXT "v=spf1 ip4:203.0.113.0/24 -all"
        _dmarc  TXT "v=DMARC1; p=reject"

        """

    static func report(replayed: Bool) async throws -> ChainReport {
        var options = AnalysisOptions(now: 1_795_900_000, publicSuffixList: .bundled)
        if replayed {
            options.resolver = SnapshotResolver(zone: try ZoneFile(parsing: zone))
            options.dnsSource = "snapshot (test)"
        }
        return try #require(try await Analyzer.analyze(phish, options: options).chains.first)
    }

    @Test(arguments: [false, true])
    func aFrontDoorSPFAndDMARCFailureIsRed(replayed: Bool) async throws {
        let chain = try await Self.report(replayed: replayed)
        let onHop1 = chain.annotations.filter { $0.hop == 1 }
        #expect(onHop1.allSatisfy { $0.severity == .error })
        #expect(onHop1.contains { $0.label.hasPrefix("SPF fail: 198.51.100.66") }, "\(chain.annotations)")
        #expect(onHop1.contains { $0.label.hasPrefix("DMARC fail") && $0.label.contains("bank.example") })
        let dot = DOTEncoder.encode(chain.topology, annotations: chain.annotations)
        let edge = try #require(dot.split(separator: "\n").first { $0.contains("->") })
        #expect(edge.contains("color=\"#c62828\""), "\(edge)")
    }

    /// A sample analysed with the zone snapshot beside it.
    static func sample(_ name: String) async throws -> Report {
        let url = ForensicsHarness.root.appendingPathComponent("samples/\(name).eml")
        var options = AnalysisOptions(now: 1_795_900_000, publicSuffixList: .bundled)
        options.resolver = try SnapshotResolver(
            contentsOf: ForensicsHarness.root.appendingPathComponent("samples/\(name).zone").path)
        return try await Analyzer.analyze([UInt8](Data(contentsOf: url)), options: options)
    }

    @Test func theBTReceiptIsRedWhereItBrokeAndWhereTheReplayFails() async throws {
        let report = try await Self.sample("bt-delivery-receipt")
        let chain = try #require(report.diagramChain)
        let labels = Dictionary(grouping: chain.annotations, by: \.hop).mapValues { $0.map(\.label) }
        // Hop 4: the forwarding break (its own words), the recorded DKIM failure once, DMARC.
        #expect(labels[4]?.first?.hasPrefix("SPF fail: checked 62.239.224.235") == true, "\(labels)")
        #expect(labels[4]?.filter { $0.hasPrefix("DKIM fail") }.count == 1)
        #expect(labels[4]?.contains { $0.hasPrefix("DMARC fail: m0noc.net") } == true)
        // Hop 5: the replay fails for Microsoft's internal relay; hop 1 passes.
        #expect(labels[5] == ["SPF fail: 2a01:111:f400:7e06::204 for m0noc.net (replayed)"])
        #expect(labels[1] == nil)
    }

    @Test func aPassingChainHasNoRedEdge() async throws {
        let report = try await Self.sample("forward-srs")
        #expect(report.chains.allSatisfy { $0.annotations.isEmpty }, "\(report.chains.map(\.annotations))")
    }
}
