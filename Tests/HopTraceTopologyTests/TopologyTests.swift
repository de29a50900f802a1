import HopTraceCore
import HopTraceReceived
import Testing

@testable import HopTraceTopology

@Suite struct TopologyTests {
    @Test func btRelayIsOneHostWithTwoNamesAndTwoInterfaces() throws {
        let t = Topology.build(hops: Fixtures.btHops)
        let relay = try #require(t.hosts.first { $0.names.contains("smtpe1.intersmtp.com") })
        #expect(relay.names == ["smtpe1.intersmtp.com", "RDW083A006ED62.bt.com"])
        #expect(
            relay.addresses == [
                HostAddress(ip: IPAddress("62.239.224.235")!, scope: .public),
                HostAddress(ip: IPAddress("10.187.98.11")!, scope: .private),
            ])
        #expect(relay.hops == [1, 2, 3, 4])
        #expect(relay.zone == .internetFacing)
        #expect(
            relay.merges.contains { $0.reason == .sharedAddress(IPAddress("62.239.224.235")!) && $0.hops == [1, 4] })
        #expect(t.hosts.count == 6)
        #expect(
            t.hosts.map(\.displayName) == [
                "tbhext01.m0noc.net", "smtpe1.intersmtp.com", "EVMHT66-UKRD.domain1.systemhost.net",
                "VE1EUR02FT011.mail.protection.outlook.com", "HE1PR06CA0108.outlook.office365.com",
                "DB5PR06MB1495.eurprd06.prod.outlook.com",
            ])
        #expect(t.edges.map { "\($0.from)>\($0.to)" } == ["1>2", "2>3", "3>2", "2>4", "4>5", "5>6"])
        #expect(t.hosts[2].zone == .internal)
        #expect(t.hosts[5].zone == .internal)
        #expect(t.origin == 1 && t.finalRecipient == 6)
    }

    @Test func btFindings() throws {
        let t = Topology.build(hops: Fixtures.btHops)
        let kinds = Set(t.findings.map(\.kind))
        #expect(kinds == [.natInterface, .hostAlias, .pathReenters])
        let nat = try #require(t.findings.first { $0.kind == .natInterface })
        #expect(
            nat.summary.hasPrefix(
                "smtpe1.intersmtp.com ≡ RDW083A006ED62.bt.com: public interface 62.239.224.235 (hops 1, 4), internal 10.187.98.11 (hops 2, 3) — or NAT"
            ))
        #expect(nat.summary.contains("DMZ"))
        #expect(nat.hops == [1, 2, 3, 4])
        let alias = try #require(t.aliases.first { $0.host == 2 })
        #expect(alias.confidence == .certain)
        #expect(
            t.findings.contains {
                $0.kind == .hostAlias
                    && $0.summary.contains(
                        "smtpe1.intersmtp.com and RDW083A006ED62.bt.com are one host (certain): both 62.239.224.235 (hops 1, 4)"
                    )
            })
        // Microsoft's two spellings of one front-end server: likely.
        let ve1 = try #require(t.aliases.first { $0.names.first == "VE1EUR02FT011.mail.protection.outlook.com" })
        #expect(ve1.confidence == .likely)
        #expect(
            ve1.names == [
                "VE1EUR02FT011.mail.protection.outlook.com", "VE1EUR02FT011.eop-EUR02.prod.protection.outlook.com",
            ])
        #expect(
            t.aliases.contains { $0.names.first == "HE1PR06CA0108.outlook.office365.com" && $0.confidence == .likely })
        let reentry = try #require(t.findings.first { $0.kind == .pathReenters })
        #expect(reentry.severity == .warning)
        #expect(reentry.hops == [1, 2, 3, 4])
        #expect(reentry.summary.contains("into the organisation and back out again"))
        #expect(t.reentries == [Reentry(host: 2, firstHop: 1, leftHop: 2, returnHop: 3)])
        // Hop 6: Microsoft's HE1PR06CA0108 received on a public IPv6 address and passed the
        // message on from its internal 10.169.114.34 — the same pattern inside Microsoft.
        #expect(t.transitions.map(\.kind) == [.dmzIntoInternal, .publicToPrivateReceiver, .dmzIntoInternal])
        #expect(t.transitions.map(\.hop) == [2, 4, 6])
    }

    @Test func btOrganisations() {
        let t = Topology.build(hops: Fixtures.btHops)
        #expect(t.organisations.map(\.name) == ["m0noc.net", "bt.com", "Microsoft"])
        #expect(t.organisations[1].domains == ["bt.com", "intersmtp.com", "systemhost.net"])
        #expect(t.organisations[1].displayName == "bt.com (also intersmtp.com, systemhost.net)")
        #expect(t.organisations[1].hosts == [2, 3])
        #expect(t.organisations[2].basis == .knownOperator)
        #expect(t.organisations[2].hosts == [4, 5, 6])
        #expect(
            t.hosts.map(\.organisation) == ["m0noc.net", "bt.com", "bt.com", "Microsoft", "Microsoft", "Microsoft"])
        #expect(t.boundaries == [1, 4])
    }

    @Test func raynet() throws {
        let t = Topology.build(hops: Fixtures.raynetHops)
        #expect(
            t.hosts.map(\.names) == [
                ["tbhext01.m0noc.net"], ["amg1.gbse.gb.net"], ["mail.raynet-uk.net", "www.raynet-uk.net"],
            ])
        #expect(t.organisations.map(\.name) == ["m0noc.net", "gbse.gb.net", "raynet-uk.net"])
        #expect(t.boundaries == [1, 2, 3])
        #expect(t.origin == 1 && t.finalRecipient == 1)
        let reentry = try #require(t.findings.first { $0.kind == .pathReenters })
        #expect(reentry.severity == .info)
        #expect(reentry.summary.contains("came back to where it started"))
        #expect(t.findings.contains { $0.kind == .hostAlias && $0.summary.contains("HELO and reverse DNS") })
        #expect(!t.findings.contains { $0.kind == .natInterface })
    }

    /// The same topology from the real header lines, once the Received parser reads them.
    @Test func fromParsedHeaders() {
        let chain = ChainBuilder.build(Fixtures.btReceivedValues.map { (value: $0, location: nil) })
        let parsed = Topology.build(hops: chain.hops)
        let built = Topology.build(hops: Fixtures.btHops)
        #expect(parsed.hosts.map(\.names) == built.hosts.map(\.names))
        #expect(parsed.hosts.map(\.addresses) == built.hosts.map(\.addresses))
        #expect(parsed.organisations.map(\.id) == built.organisations.map(\.id))
        #expect(Set(parsed.findings.map(\.kind)) == [.natInterface, .hostAlias, .pathReenters])
        let raynet = Topology.build(
            hops: ChainBuilder.build(Fixtures.raynetReceivedValues.map { (value: $0, location: nil) }).hops)
        #expect(raynet.hosts.map(\.names) == Topology.build(hops: Fixtures.raynetHops).hosts.map(\.names))
    }

    @Test func privateAddressesDoNotJoinAcrossOrganisations() {
        // Two companies, each with an internal 10.0.0.5, on one path.
        let hops = [
            Fixtures.hop(
                1, from: "pc.alpha.example", "10.0.0.5", by: "mx.alpha.example", "10.0.0.1", with: "ESMTP", delay: nil),
            Fixtures.hop(
                2, from: "mx.alpha.example", "192.0.2.10", by: "gw.beta.example", "198.51.100.7", with: "ESMTP",
                delay: 1),
            Fixtures.hop(
                3, from: "gw.beta.example", "10.0.0.5", by: "store.beta.example", "10.0.0.9", with: "ESMTP", delay: 1),
        ]
        let t = Topology.build(hops: hops)
        #expect(t.hosts.count == 4)
        #expect(t.hosts.first { $0.names == ["pc.alpha.example"] }?.organisation == "alpha.example")
        #expect(!t.findings.contains { $0.kind == .hostAlias })
        // gw.beta.example: public 198.51.100.7 is documentation scope, 10.0.0.5 private.
        #expect(t.hosts.first { $0.names == ["gw.beta.example"] }?.addresses.count == 2)
    }

    @Test func namelessPrivateAddressesJoinInsideOneNetworkOnly() {
        let hops = [
            Fixtures.hop(
                1, from: "unknown", "10.1.1.1", by: "mx.alpha.example", "192.0.2.1", with: "ESMTP", delay: nil),
            Fixtures.hop(
                2, from: "[10.1.1.1]", "10.1.1.1", by: "mx.alpha.example", "192.0.2.1", with: "ESMTP", delay: 1),
            Fixtures.hop(
                3, from: "mx.alpha.example", "192.0.2.1", by: "mx.beta.example", "198.51.100.1", with: "ESMTP", delay: 1
            ),
            Fixtures.hop(
                4, from: "unknown", "10.1.1.1", by: "mx.beta.example", "198.51.100.1", with: "ESMTP", delay: 1),
        ]
        let t = Topology.build(hops: hops)
        let tenOne = t.hosts.filter { $0.addresses.contains { $0.ip == IPAddress("10.1.1.1")! } }
        #expect(tenOne.count == 2)
        #expect(tenOne.map(\.hops) == [[1, 2], [4]])
        #expect(tenOne.map(\.organisation) == ["alpha.example", "beta.example"])
    }

    @Test func loopbackAndMeaninglessNamesJoinNothing() {
        let hops = [
            Fixtures.hop(1, from: "localhost", "127.0.0.1", by: "a.one.example", "192.0.2.1", with: "SMTP", delay: nil),
            Fixtures.hop(
                2, from: "a.one.example", "192.0.2.1", by: "b.two.example", "198.51.100.2", with: "ESMTP", delay: 1),
            Fixtures.hop(
                3, from: "localhost", "127.0.0.1", by: "b.two.example", "198.51.100.2", with: "SMTP", delay: 1),
        ]
        let t = Topology.build(hops: hops)
        // Each nameless loopback sender is its own receiver: a content-filter loop, not one host.
        #expect(t.hosts.count == 2)
        #expect(t.edges.map { "\($0.from)>\($0.to)" } == ["1>1", "1>2", "2>2"])
        #expect(t.hosts[0].merges.contains { $0.reason == .loopbackSender(IPAddress("127.0.0.1")!) })
        let unknowns = [
            Fixtures.hop(1, from: "unknown", "192.0.2.50", by: "mx.one.example", "192.0.2.1", with: "SMTP", delay: nil),
            Fixtures.hop(
                2, from: "unknown", "198.51.100.50", by: "mx.one.example", "192.0.2.1", with: "SMTP", delay: 1),
        ]
        #expect(Topology.build(hops: unknowns).hosts.count == 3)
    }

    @Test func asnHintNamesNamelessHosts() {
        let hops = [
            Fixtures.hop(1, from: nil, "203.0.113.9", by: "mx.example.org", "192.0.2.1", with: "ESMTP", delay: nil),
            Fixtures.hop(
                2, from: "[203.0.113.10]", "203.0.113.10", by: "mx.example.org", "192.0.2.1", with: "ESMTP", delay: 1),
        ]
        let t = Topology.build(
            hops: hops,
            organisationHint: { ip, _ in
                ip.description.hasPrefix("203.0.113.") ? (64500, "Example & Co <AS64500>") : nil
            })
        #expect(t.organisations.map(\.id) == ["AS64500", "example.org"])
        #expect(t.organisations[0].name == "Example & Co <AS64500>")
        #expect(t.organisations[0].hosts == [1, 3])
    }

    @Test func emptyChain() {
        let t = Topology.build(hops: [])
        #expect(t.hosts.isEmpty && t.edges.isEmpty && t.findings.isEmpty)
        #expect(DOTEncoder.encode(t).hasPrefix("digraph \"hoptrace\" {"))
    }
}

@Suite struct TopologyJSONTests {
    @Test func hostsFollowTheContract() {
        let t = Topology.build(hops: Fixtures.btHops)
        var list = JSONFieldList()
        t.writeFields(into: &list)
        let json = list.value.serialized(pretty: false)
        #expect(
            json.contains(
                #"{"id":2,"names":["smtpe1.intersmtp.com","RDW083A006ED62.bt.com"],"addresses":[{"ip":"62.239.224.235","scope":"public"},{"ip":"10.187.98.11","scope":"private"}],"organisation":"bt.com","zone":"internet-facing","hops":[1,2,3,4],"software":[]}"#
            ))
        #expect(json.contains(#""boundaries":[1,4]"#))
        #expect(
            json.contains(
                #"{"id":"bt.com","name":"bt.com","domains":["bt.com","intersmtp.com","systemhost.net"],"asns":[],"hosts":[2,3],"basis":"registrable-domain"}"#
            ))
    }
}

@Suite struct TopologyLimitsTests {
    /// Limits.maxHopsPerChain hops, all on one private address, bouncing between two relays and
    /// many organisations: inference stays fast and the findings stay few.
    @Test func longHostileChainStaysBounded() {
        var hops: [Hop] = []
        for i in 1...HopTraceCore.Limits.maxHopsPerChain {
            let by = i % 2 == 0 ? "a.one.example" : "b.one.example"
            hops.append(
                Fixtures.hop(
                    i, from: i % 3 == 0 ? "unknown" : "h\(i).org\(i % 50).example", "10.0.0.1",
                    by: i % 5 == 0 ? "mx.org\(i).example" : by, "10.0.0.1", with: "ESMTP", delay: 1))
        }
        let clock = ContinuousClock()
        var t = Topology()
        let elapsed = clock.measure { t = Topology.build(hops: hops) }
        #expect(elapsed < .seconds(10))
        #expect(t.edges.count == hops.count)
        #expect(t.findings.filter { $0.kind == .pathReenters }.count <= t.hosts.count)
        let dot = DOTEncoder.encode(t)
        #expect(dot.count < 2_000_000)
    }
}
