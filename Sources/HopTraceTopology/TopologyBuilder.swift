import HopTraceCore
import HopTraceNetwork
import HopTraceReceived

extension Topology {
    /// Infers the relay topology of one chain (hops oldest first).
    ///
    /// **Hosts.** Each hop gives two observations: its from-side and its by-side. Observations
    /// are one host when
    /// - they share a name (case-insensitive, trailing dot ignored); names that name nothing
    ///   (`localhost`, `unknown`, an address literal as HELO, empty) never join anything;
    /// - they share a public address (also documentation/reserved ones: example stand-ins);
    /// - they share a private, shared (100.64/10) or link-local address, or a single-label name,
    ///   *inside one organisation's network*: both observations (or, for one without a name of
    ///   its own, the host on the other side of its hop) belong to one organisation. Two
    ///   companies' 10.0.0.5 stay apart. Loopback addresses never join two observations; a
    ///   sender at a loopback address with no name of its own is the receiver itself (a
    ///   content filter handing the message back);
    /// - one of them has no name and no address at all, and the other is the neighbouring
    ///   side of the chain (an empty by-side is the next hop's sender, an empty from-side the
    ///   previous hop's receiver);
    /// - they belong to one organisation and their names share a specific first label
    ///   (`VE1EUR02FT011.mail.protection.outlook.com` and
    ///   `VE1EUR02FT011.eop-EUR02.prod.protection.outlook.com`): a *likely* alias.
    /// Each join is kept as a `HostMerge` with its hops.
    ///
    /// **Organisations.** See `OrganisationGrouping` for the rule.
    ///
    /// - Parameters:
    ///   - organisationHint: the ASN and its organisation for a public address (the ASN
    ///     database), when available.
    ///   - publicSuffixList: the list that gives registrable domains.
    ///   - software: software names per hop, listed on the hop's receiving (or sending) host.
    public static func build(
        hops: [Hop],
        organisationHint: ((IPAddress, AddressScope) -> (asn: Int, org: String)?)? = nil,
        publicSuffixList: PublicSuffixList = .standard,
        software: [HopSoftwareNames] = []
    ) -> Topology {
        var builder = TopologyBuilder(hops: hops, psl: publicSuffixList, hint: organisationHint)
        var t = builder.run()
        for s in software {
            guard let edge = t.edge(hop: s.hop) else { continue }
            for (hostID, names) in [(edge.to, s.receiver), (edge.from, s.sender)] where !names.isEmpty {
                // `assemble` numbers hosts 1, 2, … in order: host `id` is at `id - 1`.
                let at = hostID - 1
                guard
                    let k = t.hosts.indices.contains(at) && t.hosts[at].id == hostID
                        ? at : t.hosts.firstIndex(where: { $0.id == hostID })
                else { continue }
                for name in names where !t.hosts[k].software.contains(name) { t.hosts[k].software.append(name) }
            }
        }
        return t
    }
}

/// Union–find over small integer ids.
struct UnionFind {
    var parent: [Int]
    init(count: Int) { parent = Array(0..<count) }
    mutating func find(_ x: Int) -> Int {
        var root = x
        while parent[root] != root { root = parent[root] }
        var y = x
        while parent[y] != root {
            let next = parent[y]
            parent[y] = root
            y = next
        }
        return root
    }
    /// True when two different sets were joined. The smaller root stays root (determinism).
    @discardableResult
    mutating func union(_ a: Int, _ b: Int) -> Bool {
        let ra = find(a)
        let rb = find(b)
        guard ra != rb else { return false }
        if ra < rb { parent[rb] = ra } else { parent[ra] = rb }
        return true
    }
}

struct TopologyBuilder {
    struct Observation {
        var hop: Int
        var side: HostEvidence.Side
        var names: [String]
        var keys: [String]
        /// Per key: whether it is single-label (`HostNames.isLocal`).
        var isLocal: [Bool]
        /// Per key: its `DomainName.specificFirstLabel`.
        var firstLabels: [String?]
        var address: IPAddress?
        var scope: AddressScope?
        /// Registrable domain of the observation's most trustworthy name (the by-name; on the
        /// from-side the reverse DNS name, else the HELO).
        var domain: String?
        /// Organisation key of that name: `op:<operator>` or the registrable domain.
        var orgKey: String?
    }

    let hops: [Hop]
    let psl: PublicSuffixList
    let hint: ((IPAddress, AddressScope) -> (asn: Int, org: String)?)?
    var obs: [Observation] = []
    /// Observation index of each hop's from-side and by-side, by position in `hops`.
    var sides: [(from: Int, by: Int)] = []
    var uf = UnionFind(count: 0)
    var merges: [(a: Int, b: Int, reason: HostMerge.Reason)] = []
    /// What each name key seen gives (`facts(of:)`): a host is usually seen twice (one hop's
    /// receiver, the next hop's sender), so each is worked out once per chain.
    var keyFacts: [String: KeyFacts] = [:]

    /// What a name key gives by itself.
    struct KeyFacts {
        /// `HostNames.isLocal(key)`.
        var isLocal: Bool
        /// `DomainName(key)?.specificFirstLabel`.
        var firstLabel: String?
        /// Registrable domain and organisation key, once the key was some observation's most
        /// trustworthy name (`observe`); nil before.
        var organisation: (domain: String?, orgKey: String?)?
    }

    init(hops: [Hop], psl: PublicSuffixList, hint: ((IPAddress, AddressScope) -> (asn: Int, org: String)?)?) {
        self.hops = hops
        self.psl = psl
        self.hint = hint
    }

    static func isNetworkLocal(_ s: AddressScope?) -> Bool { s == .private || s == .shared || s == .linkLocal }
    static func isGloballyUnique(_ ip: IPAddress, _ s: AddressScope?) -> Bool {
        guard s == .public || s == .documentation || s == .reserved else { return false }
        return ip != .v4(0) && ip != .v6(0, 0)
    }

    /// One side of a hop: its names (`raw`, with `HostNames.key` of each, worked out once by
    /// the caller), the key of its most trustworthy name, its address.
    mutating func observe(
        hop: Int, side: HostEvidence.Side, rawNames: [(raw: String?, key: String?)], trustedKey: String?,
        ip: IPAddress?
    ) -> Int {
        var names: [String] = []
        var keys: [String] = []
        var address = ip
        for case (let raw?, let key) in rawNames {
            if address == nil, let literal = HostNames.address(in: raw) { address = literal }
            guard let k = key, !keys.contains(k) else { continue }
            names.append(raw.hasSuffix(".") ? String(raw.dropLast()) : raw)
            keys.append(k)
        }
        var isLocal: [Bool] = []
        var firstLabels: [String?] = []
        isLocal.reserveCapacity(keys.count)
        firstLabels.reserveCapacity(keys.count)
        for k in keys {
            let f: KeyFacts
            if let known = keyFacts[k] { f = known } else { f = facts(of: k) }
            isLocal.append(f.isLocal)
            firstLabels.append(f.firstLabel)
        }
        var domain: String?
        var orgKey: String?
        if let key = trustedKey {
            var found = keyFacts.index(forKey: key)
            if found == nil {
                _ = facts(of: key)
                found = keyFacts.index(forKey: key)
            }
            let at = found!
            if let known = keyFacts.values[at].organisation {
                (domain, orgKey) = known
            } else {
                if let t = DomainName(key), !t.isSingleLabel, let rd = t.registrableDomain(in: psl) {
                    domain = rd
                    orgKey = DomainName.organisationKey(registrableDomain: rd)
                }
                keyFacts.values[at].organisation = (domain, orgKey)
            }
        }
        let scope = address.map(AddressClassifier.scope(of:))
        obs.append(
            Observation(
                hop: hop, side: side, names: names, keys: keys, isLocal: isLocal, firstLabels: firstLabels,
                address: address, scope: scope, domain: domain, orgKey: orgKey))
        return obs.count - 1
    }

    /// The facts of `key`, worked out and remembered.
    mutating func facts(of key: String) -> KeyFacts {
        let name = DomainName(key)
        let f = KeyFacts(isLocal: name?.isSingleLabel ?? true, firstLabel: name?.specificFirstLabel, organisation: nil)
        keyFacts[key] = f
        return f
    }

    mutating func join(_ a: Int, _ b: Int, _ reason: HostMerge.Reason) {
        if uf.union(a, b) { merges.append((a, b, reason)) }
    }

    // MARK: - Run

    mutating func run() -> Topology {
        obs.reserveCapacity(2 * hops.count)
        sides.reserveCapacity(hops.count)
        keyFacts.reserveCapacity(2 * hops.count)
        for pos in hops.indices {
            // Fields read in place: a copy of the whole Received header would retain each of its strings.
            let index = hops[pos].index
            let (helo, rdns, fromIP) = (
                hops[pos].received.from?.helo, hops[pos].received.from?.rdns, hops[pos].received.from?.ip
            )
            let (byName, byIP) = (hops[pos].received.by?.name, hops[pos].received.by?.ip)
            // The trusted from-name is the reverse DNS name when it names something, else the HELO.
            let heloKey = helo.flatMap(HostNames.key)
            let rdnsKey = rdns.flatMap(HostNames.key)
            let fromIndex = observe(
                hop: index, side: .from, rawNames: [(helo, heloKey), (rdns, rdnsKey)],
                trustedKey: rdnsKey ?? heloKey, ip: fromIP)
            let byKey = byName.flatMap(HostNames.key)
            let byIndex = observe(hop: index, side: .by, rawNames: [(byName, byKey)], trustedKey: byKey, ip: byIP)
            sides.append((fromIndex, byIndex))
        }
        uf = UnionFind(count: obs.count)

        // One connection named two ways (HELO ≠ reverse DNS): evidence, not a join.
        for (i, o) in obs.enumerated() where o.side == .from && o.keys.count > 1 {
            merges.append((i, i, .sameConnection))
        }
        // A nameless loopback sender is the receiver itself.
        for (f, b) in sides where obs[f].scope == .loopback && !obs[f].isLocal.contains(false) {
            join(f, b, .loopbackSender(obs[f].address!))
        }
        // Empty observations continue the chain.
        func isEmpty(_ i: Int) -> Bool { obs[i].keys.isEmpty && obs[i].address == nil }
        for (pos, (f, b)) in sides.enumerated() {
            if isEmpty(b), pos + 1 < sides.count { join(b, sides[pos + 1].from, .chainContinuity) }
            if isEmpty(f), pos > 0 { join(f, sides[pos - 1].by, .chainContinuity) }
        }
        // Shared global names.
        var firstByName: [String: Int] = [:]
        firstByName.reserveCapacity(obs.count)
        for (i, o) in obs.enumerated() {
            for (k, local) in zip(o.keys, o.isLocal) where !local {
                if let j = firstByName[k] { join(j, i, .sharedName(k)) } else { firstByName[k] = i }
            }
        }
        // Shared globally unique addresses.
        var firstByAddress: [IPAddress: Int] = [:]
        firstByAddress.reserveCapacity(obs.count)
        for (i, o) in obs.enumerated() {
            guard let ip = o.address, Self.isGloballyUnique(ip, o.scope) else { continue }
            if let j = firstByAddress[ip] { join(j, i, .sharedAddress(ip)) } else { firstByAddress[ip] = i }
        }
        // Observations sharing a private address or a single-label name, by that token.
        var localGroups: [String: [Int]] = [:]
        var localOrder: [String] = []
        for (i, o) in obs.enumerated() {
            var tokens: [String] = zip(o.keys, o.isLocal).filter(\.1).map { "n:" + $0.0 }
            if let ip = o.address, Self.isNetworkLocal(o.scope) { tokens.append("a:\(ip)") }
            for t in tokens {
                if localGroups[t] == nil { localOrder.append(t) }
                localGroups[t, default: []].append(i)
            }
        }
        // Network-local joins and likely aliases depend on organisations, which depend on joins:
        // repeat until nothing changes (each round joins at least two sets, so ≤ obs.count rounds).
        var org: OrgComponents
        let orgKeyNumbers = numberOrganisationKeys()
        while true {
            org = organisationComponents(orgKeyNumbers)
            var changed = false
            func vantage(_ i: Int) -> String? {
                if let k = org.hostKey[uf.find(i)] { return k }
                let (f, b) = sides[hopPosition(of: i)]
                return org.hostKey[uf.find(i == f ? b : f)]
            }
            // Private addresses and single-label names, inside one organisation's network.
            for t in localOrder {
                // The first observation of each network (vantage) takes the others in: linear.
                var firstByVantage: [String: Int] = [:]
                for i in localGroups[t]! {
                    guard let v = vantage(i) else { continue }
                    guard let j = firstByVantage[v] else {
                        firstByVantage[v] = i
                        continue
                    }
                    guard uf.find(j) != uf.find(i) else { continue }
                    let reason: HostMerge.Reason =
                        t.hasPrefix("a:")
                        ? .sharedAddress(obs[i].address!) : .sharedName(String(t.dropFirst(2)))
                    join(j, i, reason)
                    changed = true
                }
            }
            // Likely aliases: `DomainName.likelySameMachine`'s rule for two dotted names, with
            // one organisation meaning one organisation component; keyed by organisation and
            // label, so each name is compared once. Single-label names join only by address.
            var firstByLabel: [String: Int] = [:]
            for (i, o) in obs.enumerated() {
                guard let orgKey = org.hostKey[uf.find(i)] else { continue }
                for (label, name) in zip(o.firstLabels, o.names) {
                    guard let label else { continue }
                    let slot = orgKey + "|" + label
                    if let j = firstByLabel[slot] {
                        if uf.find(j) != uf.find(i) {
                            join(j, i, .sharedFirstLabel(String(name.prefix(label.count))))
                            changed = true
                        }
                    } else {
                        firstByLabel[slot] = i
                    }
                }
            }
            if !changed { break }
        }
        // The last round joined nothing: its organisation components are the final ones.
        return assemble(components: org)
    }

    func hopPosition(of observation: Int) -> Int { observation / 2 }

    /// Organisation components over name keys: keys on one host are one organisation, and so
    /// are the two sides of a hop made over a private address.
    struct OrgComponents {
        var keyUF: UnionFind
        var keyIndex: [String: Int]
        var keys: [String]
        /// Host root (an observation index) → component representative key (nil: no name-derived key).
        var hostKey: [String?]
    }

    /// The organisation keys of the observations, numbered in order of first appearance, and
    /// each observation's number (-1: none). They do not change between rounds of `run`.
    struct OrgKeyNumbers {
        var keyIndex: [String: Int] = [:]
        var keys: [String] = []
        var ofObservation: [Int] = []
    }

    func numberOrganisationKeys() -> OrgKeyNumbers {
        var n = OrgKeyNumbers()
        n.ofObservation.reserveCapacity(obs.count)
        for o in obs {
            guard let k = o.orgKey else {
                n.ofObservation.append(-1)
                continue
            }
            if let ki = n.keyIndex[k] {
                n.ofObservation.append(ki)
            } else {
                n.keyIndex[k] = n.keys.count
                n.ofObservation.append(n.keys.count)
                n.keys.append(k)
            }
        }
        return n
    }

    mutating func organisationComponents(_ numbers: OrgKeyNumbers) -> OrgComponents {
        let (keyIndex, keys) = (numbers.keyIndex, numbers.keys)
        var kuf = UnionFind(count: keys.count)
        // Host root → index of the first organisation key seen on it (-1: none).
        var hostFirst = [Int](repeating: -1, count: obs.count)
        for i in obs.indices {
            let ki = numbers.ofObservation[i]
            guard ki >= 0 else { continue }
            let root = uf.find(i)
            if hostFirst[root] >= 0 { kuf.union(hostFirst[root], ki) } else { hostFirst[root] = ki }
        }
        for (f, b) in sides where Self.isNetworkLocal(obs[f].scope) {
            let (a, c) = (hostFirst[uf.find(f)], hostFirst[uf.find(b)])
            if a >= 0, c >= 0 { kuf.union(a, c) }
        }
        var hostKey = [String?](repeating: nil, count: obs.count)
        for (root, ki) in hostFirst.enumerated() where ki >= 0 { hostKey[root] = keys[kuf.find(ki)] }
        return OrgComponents(keyUF: kuf, keyIndex: keyIndex, keys: keys, hostKey: hostKey)

    }

    // MARK: - Assembly

    /// The hosts, edges, organisations and inferences, once the joins are final;
    /// `components` is `organisationComponents(_:)` over them.
    mutating func assemble(components: OrgComponents) -> Topology {
        // Host ids in order of first appearance along the path.
        // Root observation → host id (0: not yet numbered).
        var idOfRoot = [Int](repeating: 0, count: obs.count)
        var rootOfId: [Int] = [0]
        for (f, b) in sides {
            for side in 0..<2 {
                let r = uf.find(side == 0 ? f : b)
                if idOfRoot[r] == 0 {
                    idOfRoot[r] = rootOfId.count
                    rootOfId.append(r)
                }
            }
        }
        var hostOfObs: [Int] = []
        hostOfObs.reserveCapacity(obs.count)
        for i in obs.indices { hostOfObs.append(idOfRoot[uf.find(i)]) }
        var keyOfHost = [String?](repeating: nil, count: rootOfId.count)
        for (root, key) in components.hostKey.enumerated() where key != nil && idOfRoot[root] != 0 {
            keyOfHost[idOfRoot[root]] = key
        }
        // Each host's observations and merges, in observation and merge order.
        var membersOf = [[Int]](repeating: [], count: rootOfId.count)
        for i in obs.indices { membersOf[hostOfObs[i]].append(i) }
        var mergesOf = [[Int]](repeating: [], count: rootOfId.count)
        for (m, merge) in merges.enumerated() { mergesOf[hostOfObs[merge.a]].append(m) }

        var hosts: [Host] = []
        hosts.reserveCapacity(rootOfId.count - 1)
        for id in 1..<rootOfId.count {
            let members = membersOf[id]
            var names: [String] = []
            // The keys of `names`: searched in the array while there are few, then in a set.
            var nameKeys: [String] = []
            var nameKeySet: Set<String> = []
            var addresses: [HostAddress] = []
            var evidence: [HostEvidence] = []
            evidence.reserveCapacity(members.count)
            var hopSet: [Int] = []
            hopSet.reserveCapacity(members.count)
            for i in members {
                let o = obs[i]
                for (n, k) in zip(o.names, o.keys) {
                    if nameKeys.count < 8 {
                        guard !nameKeys.contains(k) else { continue }
                        nameKeys.append(k)
                        if nameKeys.count == 8 { nameKeySet = Set(nameKeys) }
                    } else {
                        guard nameKeySet.insert(k).inserted else { continue }
                    }
                    names.append(n)
                }
                if let ip = o.address, let s = o.scope, !addresses.contains(where: { $0.ip == ip }) {
                    addresses.append(HostAddress(ip: ip, scope: s))
                }
                evidence.append(HostEvidence(hop: o.hop, side: o.side, names: o.names, address: o.address))
                if !hopSet.contains(o.hop) { hopSet.append(o.hop) }
            }
            let hostMerges = mergesOf[id].map { m in
                let (a, b) = (obs[merges[m].a].hop, obs[merges[m].b].hop)
                return HostMerge(reason: merges[m].reason, hops: a == b ? [a] : [min(a, b), max(a, b)])
            }
            let zone: Zone
            if addresses.contains(where: { $0.scope == .public || $0.scope == .documentation }) {
                zone = .internetFacing
            } else if addresses.contains(where: { Self.isNetworkLocal($0.scope) || $0.scope == .loopback }) {
                zone = .internal
            } else {
                zone = .unknown
            }
            hosts.append(
                Host(
                    id: id, names: names, addresses: addresses, organisation: nil, zone: zone,
                    hops: hopSet.sorted(), evidence: evidence, merges: hostMerges))
        }

        var edges: [Edge] = []
        edges.reserveCapacity(hops.count)
        for pos in hops.indices {
            // Fields read in place: a copy of the hop would retain each of its strings.
            let (f, b) = sides[pos]
            let with = hops[pos].received.with
            let tls = hops[pos].received.tls
            edges.append(
                Edge(
                    hop: hops[pos].index, from: hostOfObs[f], to: hostOfObs[b], protocolName: with?.keyword,
                    authenticated: with?.authenticated ?? (hops[pos].received.from?.authenticated != nil),
                    tls: (with?.tls ?? false) || tls != nil, tlsVersion: tls?.version,
                    delaySeconds: hops[pos].delaySeconds, via: hops[pos].received.via))
        }

        let organisations = OrganisationGrouping.group(
            hosts: &hosts, observations: obs, hostOfObs: hostOfObs,
            keyOfHost: keyOfHost, components: components,
            edges: edges, hint: hint)
        var topology = Topology(hosts: hosts, organisations: organisations, edges: edges)
        Inference.derive(into: &topology, observations: obs, sides: sides)
        return topology
    }
}

extension TopologyBuilder.OrgComponents {
    /// The component representative of an organisation key (the key itself when unknown).
    mutating func representative(of key: String) -> String {
        guard let i = keyIndex[key] else { return key }
        return keys[keyUF.find(i)]
    }
}
