import Foundation
import HopTraceCore
import HopTraceReport
import Testing

/// The article's two cases (../shared/seed), from the bundled reconstructions, asserted field by
/// field as the article reads them.
@Suite struct ArticleCaseTests {
    static func report(_ sample: String) async throws -> Report {
        let url = GoldenTests.packageRoot.appendingPathComponent("samples/\(sample)")
        return try await Analyzer.analyze([UInt8](Data(contentsOf: url)), options: .offline)
    }

    struct Side: Equatable, CustomStringConvertible {
        var name: String?
        var ip: String?
        var scope: AddressScope?
        var description: String { "\(name ?? "-") \(ip ?? "-") \(scope?.rawValue ?? "-")" }
    }

    @Test func btReceiptEmbeddedChainReadsAsTheArticleDoes() async throws {
        let report = try await Self.report("bt-delivery-receipt.eml")
        #expect(report.chains.count == 2)
        let outer = try #require(report.chains.first)
        #expect(outer.source == .message)
        #expect(!outer.hops.isEmpty)
        let embedded = try #require(report.chains.first { $0.source == .embedded })
        #expect(embedded.container == "text/rfc822-headers")
        #expect(!embedded.part.isEmpty)
        #expect(embedded.hops.map(\.index) == [1, 2, 3, 4, 5, 6])

        let from = embedded.hops.map {
            Side(name: $0.received.from?.helo, ip: $0.received.from?.ip?.description, scope: $0.fromScope)
        }
        let by = embedded.hops.map {
            Side(name: $0.received.by?.name, ip: $0.received.by?.ip?.description, scope: $0.byScope)
        }
        #expect(
            from == [
                Side(name: "tbhext01.m0noc.net", ip: "82.70.154.45", scope: .public),
                Side(name: "smtpe1.intersmtp.com", ip: "10.187.98.11", scope: .private),
                Side(name: "EVMHT66-UKRD.domain1.systemhost.net", ip: "10.36.3.103", scope: .private),
                Side(name: "RDW083A006ED62.bt.com", ip: "62.239.224.235", scope: .public),
                Side(
                    name: "VE1EUR02FT011.eop-EUR02.prod.protection.outlook.com", ip: "2a01:111:f400:7e06::204",
                    scope: .public),
                Side(name: "HE1PR06CA0108.eurprd06.prod.outlook.com", ip: "10.169.114.34", scope: .private),
            ])
        #expect(
            by == [
                Side(name: "smtpe1.intersmtp.com", ip: "62.239.224.235", scope: .public),
                Side(name: "EVMHT66-UKRD.domain1.systemhost.net", ip: "10.36.3.103", scope: .private),
                Side(name: "RDW083A006ED62.bt.com", ip: "10.187.98.11", scope: .private),
                Side(name: "VE1EUR02FT011.mail.protection.outlook.com", ip: "10.152.12.150", scope: .private),
                Side(name: "HE1PR06CA0108.outlook.office365.com", ip: "2a01:111:e400:7a1b::34", scope: .public),
                Side(name: "DB5PR06MB1495.eurprd06.prod.outlook.com", ip: "10.164.40.141", scope: .private),
            ])
        #expect(
            embedded.hops.map { $0.received.serverBuild } == [
                "14.3.181.6", "8.3.342.0", "14.3.181.6", "15.1.587.6", "15.1.587.13", "15.1.557.21",
            ])
        #expect(
            embedded.hops.map { $0.received.via } == [nil, nil, nil, "Frontend Transport", "Frontend Transport", nil])
        // The IPv6 hops are read as IPv6, and no Received header was left unread.
        #expect(embedded.hops[4].received.from?.ip?.isIPv4 == false)
        #expect(embedded.hops.allSatisfy { $0.received.unparsed.isEmpty })
        // Microsoft's two names for one server are not a gap in the chain.
        #expect(!embedded.findings.contains { $0.kind == .chainGap })
        #expect(embedded.hops.first?.received.timestamp?.iso8601 == "2016-08-20T09:14:02Z")
        #expect(embedded.hops.dropFirst().allSatisfy { ($0.hop.delaySeconds ?? -1) >= 0 })
    }

    @Test func raynetChainShowsEximThenHMailServer() async throws {
        let report = try await Self.report("raynet-forwarded.eml")
        let chain = try #require(report.chains.first)
        #expect(chain.source == .message)
        #expect(chain.hops.count == 3)
        let h = chain.hops.map(\.received)
        // Exim's `from NAME ([IP]:port)`: NAME is the verified reverse name; no HELO was written.
        #expect(h[0].from?.rdns == "tbhext01.m0noc.net")
        #expect(h[0].from?.helo == nil)
        #expect(h[0].from?.ip?.description == "82.70.154.45")
        #expect(h[0].from?.port == 33182)
        #expect(h[0].by?.name == "amg1.gbse.gb.net")
        #expect(h[0].software.contains { $0.hasPrefix("Exim 4.82") })
        #expect(h[1].from?.ip?.description == "91.234.185.121")
        #expect(h[1].by?.name == "mail.raynet-uk.net")
        #expect(h[2].from?.ip?.description == "88.208.249.159")
        #expect(h[2].from?.rdns == "www.raynet-uk.net")
        #expect(chain.summary.first { $0.name == "Subject" }?.value == "[SPAM] test")
        #expect(h.allSatisfy { $0.unparsed.isEmpty })
    }
}
