import Foundation
import HopTraceCore
import HopTraceGeo
import HopTraceReport
import Testing

/// An analysis reads countries and ASNs through `GeoProvider` only: a source that is not
/// MaxMind (here a fixed table) fills the hops, the organisations and the JSON as a database
/// would.
@Suite struct GeoProviderTests {
    /// Answers from a table, for public addresses only (as the protocol asks).
    struct TableGeo: GeoProvider {
        var table: [IPAddress: GeoRecord]
        var isEnabled: Bool { !table.isEmpty }
        var sources: [String] { ["table of \(table.count) addresses"] }

        func lookup(_ ip: IPAddress, scope: AddressScope) -> GeoRecord? {
            scope == .public ? table[ip] : nil
        }
    }

    static let origin = GeoRecord(
        country: "GB", countryName: "United Kingdom", city: "Manchester", asn: 64501,
        org: "Origin Networks", network: "82.70.154.0/24")
    static let relay = GeoRecord(
        country: "GB", countryName: "United Kingdom", asn: 64502, org: "Relay Carrier",
        network: "62.239.224.0/24")
    /// A private address of the sample: the table holds it, and no hop may show it.
    static let inside = GeoRecord(country: "XX", asn: 64503, org: "Inside", network: "10.187.98.0/24")

    static let geo = TableGeo(table: [
        IPAddress("82.70.154.45")!: origin,
        IPAddress("62.239.224.235")!: relay,
        IPAddress("10.187.98.11")!: inside,
    ])

    static func report() async throws -> Report {
        let url = GoldenTests.packageRoot.appendingPathComponent("samples/bt-delivery-receipt.eml")
        return try await Analyzer.analyze(
            [UInt8](Data(contentsOf: url)),
            options: AnalysisOptions(geo: geo, geoNotes: geo.sources, publicSuffixList: .bundled))
    }

    @Test func hopsCarryTheProvidersRecords() async throws {
        let report = try await Self.report()
        let embedded = try #require(report.chains.first { $0.source == .embedded })
        let first = try #require(embedded.hops.first)
        #expect(first.fromGeo == Self.origin)
        #expect(first.byGeo == Self.relay)
        #expect(embedded.hops.allSatisfy { $0.fromGeo != Self.inside && $0.byGeo != Self.inside })
        #expect(report.notes == ["table of 3 addresses"])
    }

    @Test func organisationsTakeTheProvidersASNs() async throws {
        let report = try await Self.report()
        let embedded = try #require(report.chains.first { $0.source == .embedded })
        let asns = Set(embedded.topology.organisations.flatMap(\.asns))
        #expect(asns.isSuperset(of: [64501, 64502]))
        #expect(!asns.contains(64503))
    }

    @Test func jsonShowsTheProvidersRecords() async throws {
        let json = JSONRenderer.render(try await Self.report())
        #expect(json.contains("\"Origin Networks\""))
        #expect(json.contains("\"Relay Carrier\""))
        #expect(!json.contains("\"Inside\""))
    }

    @Test func withoutAProviderNothingIsLookedUp() async throws {
        let url = GoldenTests.packageRoot.appendingPathComponent("samples/bt-delivery-receipt.eml")
        let report = try await Analyzer.analyze(
            [UInt8](Data(contentsOf: url)),
            options: AnalysisOptions(geo: TableGeo(table: [:]), publicSuffixList: .bundled))
        #expect(report.chains.allSatisfy { $0.hops.allSatisfy { $0.fromGeo == nil && $0.byGeo == nil } })
    }
}
