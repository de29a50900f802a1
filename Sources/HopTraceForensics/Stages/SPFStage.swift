import HopTraceAuth
import HopTraceCore
import HopTraceDNS
import HopTraceNetwork
import HopTraceReceived
import HopTraceTopology

/// Where SPF applies on a chain: the sender organisation's outbound MTA.
struct SPFOrigin: Sendable {
    /// Position (0-based) of the origin hop: the oldest hop whose client address is routable and
    /// that is not a hop inside the sender's side (authenticated submission, or a client and
    /// receiver of one organisation). nil when no hop qualifies.
    var hop: Int?
    /// Hops before the origin with a routable client that SPF does not apply to, and why.
    var skips: [Int: OriginSkip]

    static func find(hops: [Hop], topology: Topology, attribution: HopAttribution) -> SPFOrigin {
        var skips: [Int: OriginSkip] = [:]
        for k in hops.indices {
            let r = hops[k].received
            guard let ip = r.from?.ip, SPFStage.routable(ip, in: topology) else { continue }
            if let w = r.with, w.authenticated {
                skips[k] = .authenticatedSubmission(w.keyword)
            } else if r.from?.authenticated != nil {
                skips[k] = .authenticatedSubmission(r.with?.keyword ?? "SMTP")
            } else if let edge = topology.edge(hop: hops[k].index), edge.from != edge.to,
                !topology.boundaries.contains(hops[k].index)
            {
                skips[k] = .insideSenderOrganisation(attribution.receiverOrganisation(k)?.name)
            } else {
                return SPFOrigin(hop: k, skips: skips)
            }
        }
        return SPFOrigin(hop: nil, skips: skips)
    }
}

/// SPF replayed at every hop for that hop's client address and the envelope sender of that
/// moment, beside the verdicts receivers recorded there.
///
/// Which addresses are replayed: public, documentation and reserved addresses (the samples use
/// documentation ranges as stand-ins for public ones). A private, shared, loopback or link-local
/// client is replayed only when a receiver recorded a verdict for it at that hop; otherwise it is
/// skipped with a reason — an internal relay's address cannot be in a public SPF record unless the
/// domain lists it, so a replay would only restate that. Hops on the sender's side of the origin
/// (authenticated submission, the sender's internal relays) are skipped the same way.
enum SPFStage {
    static func replay(
        hops: [Hop], senders: [EnvelopeSender?], verdicts: AttributedVerdicts, origin: SPFOrigin,
        input: ForensicsInput
    ) async -> [HopSPF?] {
        var options = SPFOptions(timestamp: Int(input.now))
        options.receivingHost = "hoptrace"
        let evaluator = input.resolver.map {
            SPFEvaluator(resolver: $0, options: options, recordCache: input.spfRecordCache)
        }
        var out: [HopSPF?] = Array(repeating: nil, count: hops.count)
        for k in hops.indices {
            let r = hops[k].received
            guard let ip = r.from?.ip else { continue }
            // Exim and qmail write the client's HELO only when it differs from the reverse name
            // they verified, so without one the reverse name is what the client said.
            let helo = r.from?.helo ?? r.from?.rdns
            let sender = senders[k]
            var s = HopSPF(
                clientIP: ip, domain: sender.flatMap { SenderStage.domain(ofSender: $0.address, helo: helo) },
                sender: sender, helo: helo)
            let rec = verdicts.recordedSPF(k)
            if let v = rec.mailfrom {
                s.recordedVerdict = v
                s.recordedBy = v.receiver ?? v.receiverHints.first ?? r.by?.name
                s.recordedClientIP = v.clientIP ?? ip
                if s.domain == nil, let d = v.domain { s.domain = d.lowercased() }
            }
            s.recordedHelo = rec.helo?.spfResult
            if let evaluator {
                let scope = scope(of: ip, in: input.topology)
                if !routable(scope) && rec.mailfrom == nil {
                    s.skipped = .internalAddress(ip, scope)
                } else if let why = origin.skips[k], rec.mailfrom == nil {
                    s.skipped = .notChecked(why, originHop: origin.hop.map { hops[$0].index })
                } else if let sender {
                    let heloName = usableHELO(helo) ?? helo ?? "unknown"
                    let e = await evaluator.checkMailFrom(ip: ip, mailFrom: sender.address, helo: heloName)
                    s.replayed = e.result
                    s.replayTrace = e
                } else {
                    s.skipped = .noSender
                }
                if s.skipped == nil || rec.helo != nil, let h = usableHELO(helo) {
                    let e = await evaluator.checkHELO(ip: ip, helo: h)
                    s.heloReplayed = e.result
                    s.heloTrace = e
                }
            } else {
                s.skipped = .offline(dnsSource: input.dnsSource)
            }
            out[k] = s
        }
        return out
    }

    /// The scope the topology gave the address (every address a hop names is one of its hosts').
    static func scope(of ip: IPAddress, in topology: Topology) -> AddressScope {
        topology.scope(of: ip) ?? AddressClassifier.scope(of: ip)
    }

    static func routable(_ ip: IPAddress, in topology: Topology) -> Bool {
        routable(scope(of: ip, in: topology))
    }

    static func routable(_ scope: AddressScope) -> Bool {
        switch scope {
        case .public, .documentation, .reserved: return true
        default: return false
        }
    }

    static func usableHELO(_ helo: String?) -> String? {
        guard let h = helo?.trimmingASCII(where: ASCIITrim.isFWS), h.contains("."), !h.hasPrefix("["),
            IPAddress(String(h)) == nil
        else { return nil }
        return String(h)
    }
}
