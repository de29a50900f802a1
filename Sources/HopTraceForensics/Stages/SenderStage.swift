import HopTraceAuth
import HopTraceCore
import HopTraceMessage
import HopTraceReceived
import HopTraceTopology

/// The envelope sender of the moment at each hop: the explicit evidence of that hop (the
/// Received `envelope-from`, Received-SPF `envelope-from=`, `smtp.mailfrom=`, Return-Path at the
/// last hop); between explicit hops the previous one carries on, except that a later SRS sender
/// (`SRS0=hash=tt=domain=local@forwarder`) applies from the hop the forwarder's own host sends;
/// before the forwarder the SRS address is decoded back to the original sender.
enum SenderStage {
    static func infer(
        hops: [Hop], verdicts: AttributedVerdicts, headers: HeaderBlock, topology: Topology,
        attribution: HopAttribution
    ) -> [EnvelopeSender?] {
        var explicit: [EnvelopeSender?] = Array(repeating: nil, count: hops.count)
        for k in hops.indices {
            if let e = hops[k].received.envelopeFrom {
                explicit[k] = EnvelopeSender(address: address(e), source: .receivedEnvelopeFrom(hop: hops[k].index))
                continue
            }
            for v in verdicts.perHop[k] where v.method == .spf && v.identity != .helo {
                guard let e = v.envelopeSender else { continue }
                let source: SenderSource
                if case .receivedSPF = v.source {
                    source = .receivedSPF(hop: hops[k].index)
                } else {
                    source = .mailfromProperty(header: v.header, hop: hops[k].index)
                }
                explicit[k] = EnvelopeSender(address: address(e), source: source)
                break
            }
        }
        if let last = hops.indices.last, explicit[last] == nil, let rp = headers.first("Return-Path") {
            explicit[last] = EnvelopeSender(address: address(rp.value), source: .returnPath)
        }
        var senders: [EnvelopeSender?] = Array(repeating: nil, count: hops.count)
        for k in hops.indices {
            if let e = explicit[k] {
                senders[k] = e
                continue
            }
            let prev = explicit[..<k].last { $0 != nil } ?? nil
            let next = explicit[(k + 1)...].first { $0 != nil } ?? nil
            if let next, let srs = SRS.decode(next.address) {
                if senderBelongs(k, to: srs.forwarder, hops: hops, topology: topology, attribution: attribution) {
                    senders[k] = EnvelopeSender(address: next.address, source: .laterSRS(forwarder: srs.forwarder))
                } else if let prev {
                    senders[k] = EnvelopeSender(address: prev.address, source: .earlierHop)
                } else {
                    senders[k] = EnvelopeSender(address: srs.original, source: .decodedSRS(address: next.address))
                }
            } else if let prev {
                senders[k] = EnvelopeSender(address: prev.address, source: .earlierHop)
            } else if let next {
                senders[k] = EnvelopeSender(address: next.address, source: .laterHop)
            }
        }
        return senders
    }

    /// Whether hop k's sending host is the forwarder's (its names or organisation share the
    /// registrable domain).
    static func senderBelongs(
        _ k: Int, to domain: String, hops: [Hop], topology: Topology,
        attribution: HopAttribution
    ) -> Bool {
        guard let reg = attribution.registrable(domain) else { return false }
        var names = attribution.senderHost(k)?.names ?? []
        if let h = hops[k].received.from?.helo { names.append(h) }
        if let r = hops[k].received.from?.rdns { names.append(r) }
        if names.contains(where: { attribution.registrable($0) == reg }) { return true }
        let org = topology.organisation(attribution.senderHost(k)?.organisation)
        return org?.domains.map(DomainName.normalized).contains(reg) ?? false
    }

    /// The address inside `<…>` (or the whole text), without surrounding white space.
    static func address(_ s: String) -> String {
        var t = s.trimmingASCII(where: ASCIITrim.isFWS)
        if let lt = t.firstIndex(of: "<"), let gt = t[lt...].firstIndex(of: ">") { t = t[t.index(after: lt)..<gt] }
        return String(t.trimmingASCII(where: ASCIITrim.isFWS))
    }

    /// The domain SPF checks for a sender: the sender's domain, or the HELO name for `<>`.
    static func domain(ofSender s: String, helo: String?) -> String? {
        if s.isEmpty { return helo }
        return SPFEvaluator.split(sender: s).domain.lowercased()
    }
}

/// Sender Rewriting Scheme addresses (`SRS0=HHH=TT=domain=local@forwarder`, and `SRS1=…==…`).
enum SRS {
    static func decode(_ sender: String) -> (original: String, forwarder: String)? {
        guard let at = sender.lastIndex(of: "@") else { return nil }
        let local = sender[..<at]
        let forwarder = String(sender[sender.index(after: at)...])
        let upper = local.uppercased()
        var rest: Substring
        if upper.hasPrefix("SRS0=") || upper.hasPrefix("SRS0-") || upper.hasPrefix("SRS0+") {
            rest = local.dropFirst(5)
        } else if upper.hasPrefix("SRS1="), let r = local.firstRange(of: "==") {
            rest = local[r.upperBound...]
        } else {
            return nil
        }
        // hash=tt=domain=local
        let parts = rest.split(separator: "=", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 4, !parts[2].isEmpty, !parts[3].isEmpty else { return nil }
        return ("\(parts[3])@\(parts[2])", forwarder)
    }
}
