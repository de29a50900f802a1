import HopTraceCore

/// How hosts are grouped into organisations.
///
/// 1. Each observation's most trustworthy name (the by-name a receiver gives itself; on the
///    from-side the reverse DNS name the receiver looked up, else the client's HELO) gives an
///    organisation key: a known operator (`KnownOperators`: Microsoft's `outlook.com`,
///    `office365.com`, `onmicrosoft.com`…, Google's domains) or else the name's registrable
///    domain by the Public Suffix List. Single-label names, address literals and names that name
///    nothing give none. A HELO that contradicts the reverse DNS name does not get to pick the
///    organisation: that would let a client join any company by claiming its name.
/// 2. A host belongs to the organisation of the names it has, so **organisations that share a
///    host are one organisation**: `smtpe1.intersmtp.com` ≡ `RDW083A006ED62.bt.com` makes
///    intersmtp.com and bt.com one. So do **the two sides of a hop made over a private
///    address**: a connection inside a private network is inside one organisation's network,
///    which puts `EVMHT66-UKRD.domain1.systemhost.net` (BT's 10.x network, between the two
///    names of BT's relay) in the same organisation. A hop from a public address joins nothing.
/// 3. A host with no such name takes the organisation of its public address's ASN when the
///    ASN database gave one (an operator's ASN name, such as `MICROSOFT-CORP-MSN-AS-BLOCK`, maps
///    to that operator); a nameless host with only internal addresses belongs to the network
///    that saw it: the organisation of the host on the other side of its hop. Otherwise it has
///    no organisation.
/// 4. An organisation is named after its operator when it has one (`Microsoft`); otherwise
///    after its most observed registrable domain, ties going to the shorter (the brand is
///    usually the short one: `bt.com` before `intersmtp.com` and `systemhost.net`), then the
///    alphabetically first; the other domains are listed with it:
///    "bt.com (also intersmtp.com, systemhost.net)". ASN-only organisations are named by the
///    ASN database and keyed `AS<number>`.
enum OrganisationGrouping {
    static func group(
        hosts: inout [Host], observations obs: [TopologyBuilder.Observation], hostOfObs: [Int],
        keyOfHost: [String?], components: TopologyBuilder.OrgComponents, edges: [Edge],
        hint: ((IPAddress, AddressScope) -> (asn: Int, org: String)?)?
    ) -> [Organisation] {
        var components = components
        // By host id (hosts are numbered 1, 2, … in order).
        var component = [String?](repeating: nil, count: hosts.count + 1)
        var asnInfo: [Int: [(asn: Int, org: String)]] = [:]
        var asnNames: [String: String] = [:]
        for h in hosts.indices {
            // Fields read in place: a copy of the host would retain each of its arrays.
            let id = hosts[h].id
            if let hint {
                for a in hosts[h].addresses where a.scope == .public || a.scope == .documentation {
                    if let info = hint(a.ip, a.scope), !(asnInfo[id] ?? []).contains(where: { $0.asn == info.asn }) {
                        asnInfo[id, default: []].append(info)
                    }
                }
            }
            if let k = keyOfHost[id] {
                component[id] = k
            } else if let info = asnInfo[id]?.first {
                if let op = KnownOperators.operatorName(forASNOrganisation: info.org) {
                    component[id] = components.representative(of: "op:" + op)
                } else {
                    let key = "AS\(info.asn)"
                    component[id] = key
                    asnNames[key] = info.org
                }
            }
        }
        // Nameless internal hosts belong to the network that saw them (two passes cover a
        // nameless host behind another nameless one).
        for _ in 0..<2 {
            for h in hosts.indices where component[hosts[h].id] == nil && hosts[h].zone == .internal {
                let id = hosts[h].id
                for e in edges where e.from == id || e.to == id {
                    let other = e.from == id ? e.to : e.from
                    if let c = component[other] {
                        component[id] = c
                        break
                    }
                }
            }
        }

        // Components in order of first appearance (smallest host id).
        var order: [String] = []
        var position: [String: Int] = [:]
        var membersOf: [[Int]] = []
        // By host id: the position of its component in `order` (-1: none).
        var positionOfHost = [Int](repeating: -1, count: hosts.count + 1)
        for h in hosts.indices {
            let id = hosts[h].id
            guard let c = component[id] else { continue }
            if let p = position[c] {
                membersOf[p].append(id)
                positionOfHost[id] = p
            } else {
                position[c] = order.count
                positionOfHost[id] = order.count
                order.append(c)
                membersOf.append([id])
            }
        }
        // Each component's observations, in observation order.
        var observationsOf = [[Int]](repeating: [], count: order.count)
        for i in obs.indices {
            let p = positionOfHost[hostOfObs[i]]
            if p >= 0 { observationsOf[p].append(i) }
        }
        var organisations: [Organisation] = []
        for (p, c) in order.enumerated() {
            let members = membersOf[p]
            var counts: [String: Int] = [:]
            var operators: Set<String> = []
            for i in observationsOf[p] {
                let o = obs[i]
                if let d = o.domain { counts[d, default: 0] += 1 }
                if let k = o.orgKey, k.hasPrefix("op:") { operators.insert(String(k.dropFirst(3))) }
            }
            if c.hasPrefix("op:") { operators.insert(String(c.dropFirst(3))) }
            let domains = counts.keys.sorted {
                (counts[$0]!, -$0.count, $1) > (counts[$1]!, -$1.count, $0)
            }
            var asns: [Int] = []
            for m in members { for info in asnInfo[m] ?? [] where !asns.contains(info.asn) { asns.append(info.asn) } }
            asns.sort()
            let id: String
            let name: String
            let basis: Organisation.Basis
            if let op = operators.sorted().first {
                (id, name, basis) = (op, op, .knownOperator)
            } else if let primary = domains.first {
                (id, name, basis) = (primary, primary, .registrableDomain)
            } else {
                (id, name, basis) = (c, asnNames[c] ?? c, .asn)
            }
            organisations.append(
                Organisation(
                    id: id, name: name, domains: domains, asns: asns,
                    hosts: members, basis: basis))
            for m in members { hosts[m - 1].organisation = id }
        }
        return organisations
    }
}
