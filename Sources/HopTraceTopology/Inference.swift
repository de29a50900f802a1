import HopTraceCore

/// What follows from the hosts and edges: boundaries, zone transitions, aliases, re-entries,
/// and their findings.
enum Inference {
    static func derive(
        into t: inout Topology, observations obs: [TopologyBuilder.Observation],
        sides: [(from: Int, by: Int)]
    ) {
        func host(_ id: Int) -> Host { t.hosts[id - 1] }
        func label(_ id: Int) -> String {
            let h = host(id)
            return h.names.isEmpty ? h.displayName : h.names.prefix(3).joined(separator: " ≡ ")
        }
        func hopList(_ hops: [Int]) -> String {
            let s = Array(Set(hops)).sorted()
            return (s.count == 1 ? "hop " : "hops ") + s.map(String.init).joined(separator: ", ")
        }

        // Boundaries: the receiver sees a sender from another (or no known) organisation.
        for e in t.edges where e.from != e.to {
            let a = host(e.from).organisation
            let b = host(e.to).organisation
            if a == nil || a != b { t.boundaries.append(e.hop) }
        }

        // Zone transitions.
        for (pos, e) in t.edges.enumerated() {
            let f = obs[sides[pos].from]
            let b = obs[sides[pos].by]
            if pos > 0, TopologyBuilder.isNetworkLocal(f.scope), let ip = f.address,
                t.edges[pos - 1].to == e.from, let prev = obs[sides[pos - 1].by].address,
                obs[sides[pos - 1].by].scope == .public
            {
                t.transitions.append(
                    ZoneTransition(
                        hop: e.hop, kind: .dmzIntoInternal,
                        summary: "hop \(e.hop): \(label(e.from)) received the message on its public address \(prev) "
                            + "(hop \(t.edges[pos - 1].hop)) and passed it on from its internal address \(ip): "
                            + "a DMZ relay handing it into the internal network"))
            }
            if f.scope == .public, let fip = f.address, TopologyBuilder.isNetworkLocal(b.scope), let bip = b.address {
                t.transitions.append(
                    ZoneTransition(
                        hop: e.hop, kind: .publicToPrivateReceiver,
                        summary: "hop \(e.hop): \(label(e.to)) was reached from the public address \(fip) but "
                            + "recorded its own address as the private \(bip): NAT, a load balancer or a private "
                            + "(B2B) link in front of it"))
            }
        }

        // NAT interfaces.
        var natFindings: [Finding] = []
        for h in t.hosts where h.hasPublicAndPrivateAddresses {
            func seen(_ ip: IPAddress) -> [Int] { h.evidence.filter { $0.address == ip }.map(\.hop) }
            let pub = h.addresses.filter { $0.scope == .public }
            let priv = h.addresses.filter { $0.scope == .private || $0.scope == .shared }
            let pubText = pub.map { "\($0.ip) (\(hopList(seen($0.ip))))" }.joined(separator: ", ")
            let privText = priv.map { "\($0.ip) (\(hopList(seen($0.ip))))" }.joined(separator: ", ")
            var summary = "\(label(h.id)): public interface \(pubText), internal \(privText) — or NAT"
            for z in t.transitions
            where z.kind == .dmzIntoInternal && t.edges.first(where: { $0.hop == z.hop })?.from == h.id {
                summary +=
                    "; at hop \(z.hop) it hands the message from its public side into the internal network (a DMZ relay)"
            }
            let hops = (pub + priv).flatMap { seen($0.ip) }
            natFindings.append(
                Finding(kind: .natInterface, severity: .info, hops: Array(Set(hops)).sorted(), summary: summary))
        }

        // Aliases.
        var aliasFindings: [Finding] = []
        for h in t.hosts where h.names.count > 1 {
            let evidence = h.merges.filter {
                switch $0.reason {
                case .sharedName, .chainContinuity: return false
                default: return true
                }
            }
            let confidence: AliasConfidence = evidence.contains { $0.confidence == .likely } ? .likely : .certain
            t.aliases.append(HostAlias(host: h.id, names: h.names, confidence: confidence, evidence: evidence))
            // Group the evidence by reason for the one-line summary.
            var parts: [String] = []
            var seenReasons: [HostMerge.Reason] = []
            for m in evidence where !seenReasons.contains(m.reason) {
                seenReasons.append(m.reason)
                let hops = evidence.filter { $0.reason == m.reason }.flatMap(\.hops)
                switch m.reason {
                case .sharedAddress(let ip): parts.append("both \(ip) (\(hopList(hops)))")
                case .sameConnection: parts.append("HELO and reverse DNS name of one connection (\(hopList(hops)))")
                case .loopbackSender(let ip):
                    parts.append("sent from the receiver's own loopback \(ip) (\(hopList(hops)))")
                case .sharedFirstLabel(let l):
                    parts.append("one organisation's names with the same first label \(l) (\(hopList(hops)))")
                case .sharedName, .chainContinuity: break
                }
            }
            let names =
                h.names.count == 2
                ? "\(h.names[0]) and \(h.names[1])"
                : h.names.dropLast().joined(separator: ", ") + " and " + h.names.last!
            aliasFindings.append(
                Finding(
                    kind: .hostAlias, severity: .info,
                    hops: Array(Set(evidence.flatMap(\.hops) + (evidence.isEmpty ? h.hops : []))).sorted(),
                    summary: "\(names) are one host (\(confidence.rawValue))"
                        + (parts.isEmpty ? "" : ": " + parts.joined(separator: "; "))))
        }

        // Re-entry: the sequence of hosts the message visits.
        var visits: [(host: Int, hop: Int)] = []
        visits.reserveCapacity(2 * t.edges.count)
        for e in t.edges {
            if visits.last?.host != e.from { visits.append((e.from, visits.isEmpty ? 0 : e.hop)) }
            if e.to != e.from { visits.append((e.to, e.hop)) }
        }
        var reentryFindings: [Finding] = []
        // One finding per host, at its first return; further returns are counted in it.
        // By host id (ids are small, from 1): returns counted, position of the last visit (-1: none).
        let hostSlots = (visits.map(\.host).max() ?? 0) + 1
        var returnsPerHost = [Int](repeating: 0, count: hostSlots)
        var lastVisit = [Int](repeating: -1, count: hostSlots)
        for (i, v) in visits.enumerated() {
            defer { lastVisit[v.host] = i }
            let j = lastVisit[v.host]
            guard j >= 0, j < i - 1 else { continue }
            returnsPerHost[v.host] += 1
        }
        for k in lastVisit.indices { lastVisit[k] = -1 }
        for (i, v) in visits.enumerated() {
            defer { lastVisit[v.host] = i }
            let j = lastVisit[v.host]
            guard j >= 0, j < i - 1, t.reentries.allSatisfy({ $0.host != v.host }) else { continue }
            let left = visits[j + 1].hop
            let r = Reentry(host: v.host, firstHop: visits[j].hop, leftHop: left, returnHop: v.hop)
            t.reentries.append(r)
            var via = visits[(j + 1)..<i].prefix(4).map { label($0.host) }
            if i - j - 1 > 4 { via.append("\(i - j - 5) more") }
            var summary = "the path visits \(label(v.host)) twice: "
            summary += r.firstHop == 0 ? "the message starts there, " : "hop \(r.firstHop) brings the message in, "
            summary += "hop \(left) takes it on to \(via.joined(separator: ", then ")), hop \(v.hop) brings it back"
            var severity = Severity.info
            var hops = [r.firstHop, left, v.hop].filter { $0 > 0 }
            if let out = t.edges.first(where: { $0.hop > v.hop }), out.from == v.host, out.to != v.host {
                hops.append(out.hop)
                let outOrg = host(out.to).organisation
                summary += ", and hop \(out.hop) takes it out to \(label(out.to))"
                if let o = t.organisation(outOrg) { summary += " (\(o.name))" }
                if t.boundaries.contains(out.hop) {
                    // Into the organisation and back out: a receiver downstream sees this relay,
                    // not the origin, as the sender.
                    severity = .warning
                    summary +=
                        ": the message went into the organisation and back out again, so later checks see this relay as the sender"
                }
            } else if r.firstHop == 0 {
                summary += ": the message came back to where it started"
            }
            let n = returnsPerHost[v.host]
            if n > 1 { summary += " (it comes back \(n) times in all)" }
            reentryFindings.append(
                Finding(kind: .pathReenters, severity: severity, hops: Array(Set(hops)).sorted(), summary: summary))
        }

        t.findings = natFindings + aliasFindings + reentryFindings
    }
}
