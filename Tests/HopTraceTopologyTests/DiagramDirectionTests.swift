import HopTraceCore
import HopTraceReceived
import Testing

@testable import HopTraceTopology

/// `--layout tb|lr` and the default that fits.
@Suite struct DiagramDirectionTests {
    @Test(arguments: DiagramDirection.allCases)
    func theDirectionIsTheGraphsRankdir(direction: DiagramDirection) {
        let dot = DOTEncoder.encode(Topology.build(hops: Fixtures.raynetHops), options: .init(direction: direction))
        #expect(dot.contains("graph [rankdir=\(direction == .tb ? "TB" : "LR"),"))
        #expect(!dot.contains("rankdir=\(direction == .tb ? "LR" : "TB")"))
    }

    /// A chain of `count` hops through distinct organisations' relays.
    static func chain(_ count: Int) -> Topology {
        let hops = (1...count).map { k in
            Fixtures.hop(
                k, from: "relay\(k).organisation\(k).example", "198.51.100.\(k)",
                by: "relay\(k + 1).organisation\(k + 1).example", "198.51.100.\(k + 1)", with: "ESMTPS", tls: true,
                delay: k == 1 ? nil : 3)
        }
        return Topology.build(hops: hops)
    }

    @Test func aShortChainRunsLeftToRight() {
        #expect(DiagramDirection.fitting(Self.chain(2)) == .lr)
        #expect(DiagramDirection.fitting(Topology.build(hops: Fixtures.raynetHops)) == .lr)
    }

    @Test func aLongChainRunsTopToBottom() {
        #expect(DiagramDirection.fitting(Self.chain(12)) == .tb)
    }

    @Test func theRuleComparesTheEstimatedSizes() {
        let t = Self.chain(6)
        let lr = DiagramDirection.estimate(t, annotations: [], direction: .lr)
        let tb = DiagramDirection.estimate(t, annotations: [], direction: .tb)
        // One host per rank: left to right is as wide as top to bottom is tall, give or take labels.
        #expect(lr.width > tb.width)
        #expect(tb.height > lr.height)
        let chosen = DiagramDirection.fitting(t)
        #expect(
            (chosen == .tb) == (DiagramDirection.scale(tb) > DiagramDirection.scale(lr)))
    }

    @Test func ranksFollowTravelOrderAndAReturnDoesNotMoveAHost() {
        let t = Topology.build(hops: Fixtures.btHops)
        let rank = DiagramDirection.ranks(t)
        let order = t.edges.map { rank[$0.to] ?? -1 }
        #expect(rank[t.edges[0].from] == 0)
        #expect(order.first == 1)
        #expect(Set(rank.keys) == Set(t.hosts.map(\.id)).intersection(Set(t.edges.flatMap { [$0.from, $0.to] })))
    }
}
