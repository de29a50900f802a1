import HopTraceCore
import HopTraceForensics
import HopTraceReceived
import HopTraceTestSupport
import HopTraceTopology
import Testing

/// `HopAttribution.receiverNames(k)`: the receiving host's names (with a topology) and the hop's
/// by-name, normalised; without a topology the by-name alone, worked out when asked.
@Suite struct ReceiverNamesTests {
    static let names: [String?] = [
        nil, "", "MX.Example.COM.", "mx.example.com", "mail01", "ünï.Example", "a\r\nb.example", "[192.0.2.1]", "..",
    ]

    static func hops(_ g: inout SplitMix64) -> [Hop] {
        (0..<Int.random(in: 0...8, using: &g)).map { i in
            var r = ReceivedHeader(raw: "hop \(i)")
            r.from = ReceivedFrom(
                helo: names.randomElement(using: &g)!, rdns: nil, ip: nil, ipText: nil, port: nil)
            r.by = ReceivedBy(name: names.randomElement(using: &g)!, ip: nil, ipText: nil)
            return Hop(index: i + 1, received: r, location: nil, delaySeconds: nil)
        }
    }

    @Test func namesAreTheHostsAndTheByName() {
        var g = SplitMix64(state: 23)
        for _ in 0..<300 {
            let hops = Self.hops(&g)
            let topology = Topology.build(hops: hops, publicSuffixList: .standard)
            let plain = HopAttribution(hops: hops, publicSuffixList: .standard)
            let withTopology = HopAttribution(
                hops: hops, topology: topology, software: hops.map { _ in [] }, publicSuffixList: .standard)
            for k in hops.indices {
                let by = hops[k].received.by?.name.map { [$0] } ?? []
                #expect(plain.receiverNames(k) == by.map(DomainName.normalized))
                let host = topology.edge(hop: hops[k].index).flatMap { topology.host($0.to) }
                #expect(withTopology.receiverNames(k) == ((host?.names ?? []) + by).map(DomainName.normalized))
            }
            #expect(plain.receivedIndexes == hops.map { $0.location?.headerIndex })
        }
    }
}
