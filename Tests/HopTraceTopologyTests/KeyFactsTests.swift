import HopTraceCore
import HopTraceReceived
import HopTraceTestSupport
import Testing

@testable import HopTraceTopology

/// `TopologyBuilder` works out each name key's facts once per chain (`facts(of:)`): every
/// observation holds what the routines they stand for give for its keys.
@Suite struct KeyFactsTests {
    static let names: [String?] = [
        nil, "", "mail01", "MAIL01", "VE1EUR02FT011.mail.protection.outlook.com",
        "ve1eur02ft011.eop-EUR02.prod.outlook.com",
        "mail01.example.com", "mail01.example.com.", "localhost", "unknown", "[192.0.2.1]", "192.0.2.1",
        "example.co.uk",
        "co.uk", "mx.gmail.com", "ünï-1234567.mail.example", "a\r\nb1234567.x.example", ".abc12345.x.y", "x..y.z",
        "HE1PR06CA0108.outlook.office365.com", "relay12.corp.example", "ipv6:2001:db8::1",
    ]

    static func check(_ hops: [Hop]) {
        var builder = TopologyBuilder(hops: hops, psl: .standard, hint: nil)
        _ = builder.run()
        for o in builder.obs {
            #expect(o.isLocal == o.keys.map(HostNames.isLocal), "\(o.keys)")
            #expect(o.firstLabels == o.keys.map { DomainName($0)?.specificFirstLabel }, "\(o.keys)")
        }
        for (pos, hop) in hops.enumerated() {
            let from = builder.obs[builder.sides[pos].from]
            let by = builder.obs[builder.sides[pos].by]
            let trusted =
                hop.received.from?.rdns.flatMap(HostNames.key) ?? hop.received.from?.helo.flatMap(HostNames.key)
            for (o, key) in [(from, trusted), (by, hop.received.by?.name.flatMap(HostNames.key))] {
                let name = key.flatMap { DomainName($0) }
                let rd = name.flatMap { $0.isSingleLabel ? nil : $0.registrableDomain(in: .standard) }
                #expect(o.domain == rd, "\(key ?? "nil")")
                #expect(o.orgKey == rd.map { DomainName.organisationKey(registrableDomain: $0) }, "\(key ?? "nil")")
            }
        }
    }

    static func hop(_ index: Int, helo: String?, rdns: String?, by: String?) -> Hop {
        var r = ReceivedHeader(raw: "hop \(index)")
        r.from = ReceivedFrom(helo: helo, rdns: rdns, ip: nil, ipText: nil, port: nil)
        r.by = ReceivedBy(name: by, ip: nil, ipText: nil)
        return Hop(index: index, received: r, location: nil, delaySeconds: nil)
    }

    @Test func everyNameInEveryPlace() {
        var hops: [Hop] = []
        for (i, n) in Self.names.enumerated() {
            hops.append(Self.hop(i + 1, helo: n, rdns: Self.names[(i + 3) % Self.names.count], by: n))
        }
        Self.check(hops)
    }

    @Test func randomChains() {
        var g = SplitMix64(state: 17)
        for _ in 0..<200 {
            let count = Int.random(in: 0...12, using: &g)
            let hops = (0..<count).map { i in
                Self.hop(
                    i + 1, helo: Self.names.randomElement(using: &g)!, rdns: Self.names.randomElement(using: &g)!,
                    by: Self.names.randomElement(using: &g)!)
            }
            Self.check(hops)
        }
    }
}
