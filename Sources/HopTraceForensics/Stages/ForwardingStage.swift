import HopTraceAuth
import HopTraceCore
import HopTraceMessage
import HopTraceReceived
import HopTraceTopology

/// `spf-broken-by-forwarding`: a MAIL FROM fail/softfail recorded at a hop for an address that is
/// not the origin's, about the original sender's domain (not an SRS-rewritten one), while the
/// origin's address passes (replayed now, or recorded pass at the origin hop).
struct ForwardingBreaks: Sendable {
    var breaks: [SPFBreak] = []
    var notes: [ForensicsNote] = []

    /// Positions (0-based) of the hops where a receiver checked a relay.
    var brokenPositions: Set<Int> = []

    static func find(
        hops: [Hop], spf: [HopSPF?], verdicts: AttributedVerdicts, origin: SPFOrigin, headers: HeaderBlock,
        topology: Topology, attribution: HopAttribution
    ) -> ForwardingBreaks {
        var out = ForwardingBreaks()
        guard let o = origin.hop, let originSPF = spf[o] else { return out }
        let originIP = originSPF.clientIP
        for k in hops.indices where k != o {
            guard let s = spf[k], let rec = s.recorded, rec == .fail || rec == .softfail else { continue }
            let checked = s.checkedIP
            if checked == originIP { continue }  // the verdict was taken at the right place: a real failure
            let recordedDomain = s.recordedVerdict?.domain?.lowercased() ?? s.domain
            if let rd = recordedDomain, let od = originSPF.domain,
                attribution.registrable(rd) != attribution.registrable(od)
            {
                continue
            }  // rewritten sender
            if let sender = s.sender, SRS.decode(sender.address) != nil { continue }
            let receiver = s.recordedBy ?? hops[k].received.by?.name ?? "the receiver"
            guard originSPF.passes else {
                out.notes.append(
                    .spfNotAtOrigin(
                        hop: hops[k].index, receiver: receiver, recorded: rec, checked: checked,
                        originIP: originIP, originSkip: originSPF.skipped))
                continue
            }
            out.brokenPositions.insert(k)
            let b = spfBreak(
                at: k, s: s, checked: checked, recordedDomain: recordedDomain, receiver: receiver,
                origin: o, originSPF: originSPF, hops: hops, verdicts: verdicts, headers: headers,
                topology: topology, attribution: attribution)
            if let tag = b.subjectTag {
                out.notes.append(
                    .subjectTagged(
                        hop: b.hop, host: b.receiverHost ?? receiver, tag: tag,
                        subject: headers.first("Subject").map { String($0.value.trimmingASCII(where: ASCIITrim.isFWS)) }
                            ?? ""))
            }
            out.breaks.append(b)
        }
        return out
    }

    static func spfBreak(
        at k: Int, s: HopSPF, checked: IPAddress, recordedDomain: String?, receiver: String,
        origin o: Int, originSPF: HopSPF, hops: [Hop], verdicts: AttributedVerdicts, headers: HeaderBlock,
        topology: Topology, attribution: HopAttribution
    ) -> SPFBreak {
        let hopNo = hops[k].index
        let relayHost = topology.hosts.first { $0.addresses.contains { $0.ip == checked } }
        var relayName = relayHost?.displayName
        if relayName == nil {
            // Fall back to the hop that names the address.
            for h in hops {
                if h.received.from?.ip == checked {
                    relayName = h.received.from?.helo ?? h.received.from?.rdns
                    break
                }
                if h.received.by?.ip == checked {
                    relayName = h.received.by?.name
                    break
                }
            }
        }
        let relayOrg = topology.organisation(relayHost?.organisation)
        let receiverOrg = attribution.receiverOrganisation(k)
        // Whose relay: the topology's organisation. If the relay accepted mail addressed to the
        // receiver's organisation (its `for` recipients), it is that organisation's own inbound
        // relay/MX, whatever its name says (Raynet's amg1.gbse.gb.net).
        var owner: RelayOwner =
            relayOrg != nil && relayOrg?.id == receiverOrg?.id
            ? .receiversOwn(receiverOrg?.name) : .organisation(relayOrg?.name)
        if case .organisation = owner, let recvOrg = receiverOrg,
            let relayHop = hops.indices.first(where: { p in
                hops[p].received.by?.ip == checked
                    || attribution.receiverHost(p)?.addresses.contains { $0.ip == checked } == true
            })
        {
            let rcptDomains = hops[relayHop].received.recipients.compactMap { r -> String? in
                attribution.registrable(SPFEvaluator.split(sender: SenderStage.address(r)).domain)
            }
            if let d = rcptDomains.first(where: { recvOrg.domains.map(DomainName.normalized).contains($0) }) {
                owner = .receiversInbound(organisation: recvOrg.name, domain: d, hop: hops[relayHop].index)
            }
        }
        // Microsoft names the tenant it filtered for: when that is the relay's organisation, the
        // relay is the tenant's own upstream server.
        let hintRegs = Set(verdicts.perHop[k].flatMap(\.receiverHints).compactMap { attribution.registrable($0) })
        let tenantOwnsRelay =
            relayOrg.map { org in org.domains.contains { hintRegs.contains(DomainName.normalized($0)) } } ?? false
        // Where SPF should have been evaluated: the boundary where the relay's organisation took the message in.
        let boundaries = topology.boundaries.filter { $0 < hopNo }
        let boundary =
            boundaries.last(where: { b in
                guard let p = hops.firstIndex(where: { $0.index == b }), let id = relayOrg?.id else { return false }
                return attribution.receiverHost(p)?.organisation == id
            }) ?? boundaries.first ?? hops[o].index
        let boundaryReceiver = hops.firstIndex(where: { $0.index == boundary }).map { attribution.receiverName($0) }
        let originName = hops[o].received.from?.helo ?? hops[o].received.from?.rdns ?? originSPF.clientIP.description
        var subjectTag: String? = nil
        if verdicts.perHop[k].contains(where: { $0.method == .spam && $0.word == "spam" }) {
            subjectTag = spamSubjectTag(headers)
        }
        return SPFBreak(
            hop: hopNo, receiver: receiver, receiverHost: hops[k].received.by?.name, recorded: s.recorded ?? .fail,
            inferredFrom: s.recordedInferred ? (s.recordedHeader ?? "vendor header") : nil,
            domain: recordedDomain, checked: checked, relayName: relayName, relayOrganisation: relayOrg?.name,
            owner: owner, tenantOwnsRelay: tenantOwnsRelay, originHop: hops[o].index, originName: originName,
            originIP: originSPF.clientIP,
            originPass: originSPF.replayed == .pass ? .replayed : .recorded(by: originSPF.recordedBy),
            originDomain: originSPF.domain, boundary: boundary, boundaryReceiver: boundaryReceiver,
            remedy: remedy(at: k, recordedHeader: s.recordedHeader, attribution: attribution), subjectTag: subjectTag)
    }

    /// The product-specific fix, from the software identified on the hop's receiver (or the
    /// product whose header carried the verdict).
    static func remedy(at k: Int, recordedHeader: String?, attribution: HopAttribution) -> Remedy? {
        if attribution.runs("Exchange Online", at: k) { return .exchangeOnlineEnhancedFiltering }
        if recordedHeader?.lowercased().hasPrefix("x-hmailserver") == true || attribution.runs("hMailServer", at: k) {
            return .hMailServerIncomingRelays
        }
        return nil
    }

    /// The spam tag at the front of the Subject (`[SPAM]`), as written.
    static func spamSubjectTag(_ headers: HeaderBlock) -> String? {
        guard let subject = headers.first("Subject").map({ $0.value.trimmingASCII(where: ASCIITrim.isFWS) }) else {
            return nil
        }
        return DKIMForensics.subjectMarkers.first { subject.lowercased().hasPrefix($0.lowercased()) }
            .map { String(subject.prefix($0.count)) }
    }
}
