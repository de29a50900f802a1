import HopTraceCore
import HopTraceDNS
import Testing

@testable import HopTraceAuth

/// The client test of the loop over terms without DNS (`SPFPreparedRecord.Probe`) matches
/// exactly the clients `SPFEvaluator.contains` does, for networks of both families at every
/// prefix length (and out-of-range ones), against clients near and far from them; `all`
/// matches every client, a modifier none, and each term has its probe.
@Suite("SPF client probes")
struct SPFProbeTests {
    typealias Probe = SPFPreparedRecord.Probe
    typealias Client = SPFPreparedRecord.Client

    /// An address near `network` (a few random bits flipped) or anywhere, of either family.
    static func client(near network: IPAddress, _ rng: inout SystemRandomNumberGenerator) -> IPAddress {
        if Int.random(in: 0..<4, using: &rng) == 0 {
            return Bool.random(using: &rng)
                ? .v4(UInt32.random(in: 0...UInt32.max, using: &rng))
                : .v6(UInt64.random(in: 0...UInt64.max, using: &rng), UInt64.random(in: 0...UInt64.max, using: &rng))
        }
        switch network {
        case .v4(let n):
            return .v4(n ^ (1 << UInt32.random(in: 0..<32, using: &rng)) * UInt32.random(in: 0...1, using: &rng))
        case .v6(let h, let l):
            let bit = Int.random(in: 0..<128, using: &rng)
            let flip = Bool.random(using: &rng)
            if !flip { return .v6(h, l) }
            return bit < 64 ? .v6(h ^ (1 << UInt64(63 - bit)), l) : .v6(h, l ^ (1 << UInt64(127 - bit)))
        }
    }

    @Test func probesMatchAsContainsDoes() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<20000 {
            let network: IPAddress =
                Bool.random(using: &rng)
                ? .v4(UInt32.random(in: 0...UInt32.max, using: &rng))
                : .v6(UInt64.random(in: 0...UInt64.max, using: &rng), UInt64.random(in: 0...UInt64.max, using: &rng))
            let length = Int.random(in: -2...130, using: &rng)
            let probe = Probe(network: network, length: length)
            for _ in 0..<4 {
                let ip = Self.client(near: network, &rng)
                #expect(
                    probe.matches(Client(ip)) == SPFEvaluator.contains(network, length, ip),
                    "\(network)/\(length) \(ip)")
            }
        }
    }

    @Test func allMatchesEveryClientAndModifiersNone() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<1000 {
            let ip = Self.client(near: .v4(0), &rng)
            #expect(Probe.other(Probe.any).matches(Client(ip)))
            #expect(!Probe.other(Probe.skip).matches(Client(ip)))
        }
    }

    @Test func eachTermHasItsProbe() throws {
        let record = try SPFParser.parse(
            "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 include:_spf.example.com a mx exp=x.example ~all")
        let prepared = SPFPreparedRecord(record)
        #expect(prepared.probes.count == prepared.steps.count)
        for (step, probe) in zip(prepared.steps, prepared.probes) {
            switch step.kind {
            case .all: #expect(probe == .other(Probe.any))
            case .network: #expect(probe == Probe(network: step.network, length: step.length))
            case .dns: #expect(probe.family == Probe.dns)
            case .modifier: #expect(probe.family == Probe.skip)
            }
        }
    }
}

/// The per-term fields `SPFEvaluator.evaluate` reads instead of the directive (what a DNS term
/// asks, its CIDR lengths, its domain-spec, its text) say what the term says.
@Suite("SPF prepared queries")
struct SPFPreparedQueryTests {
    @Test(arguments: SPFPreparedRecordTests.records)
    func queriesFollowTheTerms(_ text: String) throws {
        let record = try SPFParser.parse(text)
        let prepared = SPFPreparedRecord(record)
        #expect(prepared.raws == record.terms.map(\.raw))
        for step in prepared.steps where step.literal >= 0 {
            let literal = prepared.literals[step.literal]
            #expect(step.literalIsNormal == (DNSQuestion.normalize(literal) == literal), "\(literal)")
        }
        for (index, term) in record.terms.enumerated() {
            let step = prepared.steps[index]
            #expect(step.kind == .modifier || step.hasSpec == (prepared.spec(index) != nil))
            guard case .directive(let directive) = term else {
                #expect(step.query == .none)
                continue
            }
            switch directive.mechanism {
            case .all, .ip4, .ip6:
                #expect(step.query == .none)
                #expect(prepared.spec(index) == nil)
            case .include(let s):
                #expect(step.query == .include && prepared.spec(index) == s)
            case .exists(let s):
                #expect(step.query == .exists && prepared.spec(index) == s)
            case .ptr(let s):
                #expect(step.query == .ptr && prepared.spec(index) == s)
            case .a(let s, let cidr):
                #expect(step.query == .a && prepared.spec(index) == s && step.cidr == cidr)
            case .mx(let s, let cidr):
                #expect(step.query == .mx && prepared.spec(index) == s && step.cidr == cidr)
            }
        }
    }
}
