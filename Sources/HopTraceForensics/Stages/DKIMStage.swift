import HopTraceAuth
import HopTraceCore
import HopTraceMessage
import HopTraceReceived

/// DKIM signatures re-verified over the body when it is there, and why a failing one broke:
/// a signed header that a hop visibly marked, a list footer, z= copies that differ; without
/// re-verification, the receivers' recorded failures with where the message changed.
struct DKIMStage: Sendable {
    var verifications: [DKIMVerification] = []
    /// What kept the signatures from being re-verified.
    var notes: [ForensicsNote] = []

    /// Failed signatures and their causes, and notes on signatures that could not be verified.
    struct Failures {
        var findings: [ForensicFinding] = []
        var notes: [ForensicsNote] = []
    }

    let hops: [Hop]
    let headers: [DKIMHeaderField]
    let block: HeaderBlock
    let verdicts: AttributedVerdicts
    let attribution: HopAttribution
    /// The mailing list the message carries (List-Id) and the position of the hop whose receiver
    /// is its server.
    let list: (hop: Int, list: String)?
    /// The position of the hop whose receiver most likely changed a signed header: the last one
    /// with a spam verdict.
    let spamTagger: Int?

    init(input: ForensicsInput, verdicts: AttributedVerdicts, attribution: HopAttribution) {
        self.hops = input.hops
        self.block = input.chain.headers
        self.headers = input.chain.headers.fields.map {
            DKIMHeaderField(name: $0.name, raw: $0.raw, location: $0.location)
        }
        self.verdicts = verdicts
        self.attribution = attribution
        self.list = Self.listHop(block, hops: input.hops, attribution: attribution)
        self.spamTagger = input.hops.indices.last { k in
            verdicts.perHop[k].contains { $0.method == .spam && ($0.word == "spam" || $0.word == "yes") }
        }
    }

    /// Re-verifies every signature: needs the body and DNS; says which is missing otherwise.
    mutating func verify(input: ForensicsInput) async {
        guard block.fields.contains(where: { $0.is("DKIM-Signature") }) else { return }
        guard let resolver = input.resolver else {
            notes.append(.dkimOffline)
            return
        }
        guard let body = input.body else {
            notes.append(.dkimHeadersOnly)
            return
        }
        let verifier = DKIMVerifier(resolver: resolver, now: input.messageTime ?? input.now)
        verifications = await verifier.verify(headers: headers, body: Array(body))
    }

    static func listHop(_ block: HeaderBlock, hops: [Hop], attribution: HopAttribution) -> (hop: Int, list: String)? {
        guard let listID = block.first("List-Id")?.value else { return nil }
        let inner = SenderStage.address(listID)
        let labels = inner.split(separator: ".")
        let domain = labels.count > 2 ? labels.dropFirst().joined(separator: ".") : inner
        guard let reg = attribution.registrable(domain) else { return nil }
        if let k = hops.indices.first(where: { k in
            attribution.receiverNames(k).contains { attribution.registrable($0) == reg }
        }) {
            return (k, inner)
        }
        return nil
    }

    func mark(_ c: DKIMForensics.VisibleChange, listFirst: Bool) -> VisibleMark {
        var added: VisibleMark.AddedBy? = nil
        if listFirst, let l = list, c.marker.lowercased() != "[spam]" {
            added = .list(l.list, hop: hops[l.hop].index, receiver: attribution.receiverName(l.hop))
        } else if let k = spamTagger {
            added = .spamFilter(hop: hops[k].index, receiver: attribution.receiverName(k))
        }
        return VisibleMark(header: c.name, marker: c.marker, addedBy: added)
    }

    static func hop(of mark: VisibleMark) -> Int? {
        switch mark.addedBy {
        case .list(_, let hop, _)?, .spamFilter(let hop, _)?: return hop
        case nil: return nil
        }
    }

    func failures(origin: SPFOrigin, body: Bool) -> Failures {
        let fromDomain = block.first("From").flatMap { FromDomain.parse($0.value).domain }?.lowercased()
        func aligned(_ d: String?) -> Bool {
            guard let d, let f = fromDomain else { return false }
            return attribution.registrable(d) == attribution.registrable(f)
        }
        if !verifications.isEmpty { return reverifiedFailures(aligned: aligned) }
        // No re-verification: the receivers' recorded dkim= verdicts.
        var out = Failures()
        var seen = Set<String>()
        for av in verdicts.recordedDKIM where av.verdict.result.isFailure && !av.verdict.isARCCopy {
            guard seen.insert("\(av.hop ?? 0)|\(av.verdict.domain ?? "")").inserted else { continue }
            out.findings.append(.dkimRecordedFailure(recordedFailure(av, origin: origin, body: body, aligned: aligned)))
        }
        return out
    }

    func reverifiedFailures(aligned: (String?) -> Bool) -> Failures {
        var out = Failures()
        let anyPass = verifications.contains { $0.result == .pass }
        for v in verifications where v.result == .fail {
            var causes: [DKIMCause] = []
            var causeHops: [Int] = []
            if case .signatureMismatch? = v.failure { causes.append(.signedHeaderChanged) }
            for c in DKIMForensics.visibleChanges(for: v, headers: headers) {
                let m = mark(c, listFirst: true)
                causeHops += Self.hop(of: m).map { [$0] } ?? []
                causes.append(.visibleMark(m))
            }
            if DKIMForensics.listFooterLikely(v, headers: headers) {
                let l = list
                causeHops += l.map { [hops[$0.hop].index] } ?? []
                causes.append(
                    .listFooter(
                        list: l?.list, hop: l.map { hops[$0.hop].index },
                        receiver: l.map { attribution.receiverName($0.hop) }))
            }
            if let sig = v.signature {
                for c in DKIMForensics.compareCopiedHeaders(sig, headers: headers) where c.differs {
                    causes.append(.copiedHeaderDiffers(header: c.name, copied: c.copied, current: c.current))
                }
            }
            out.findings.append(
                .dkimFailed(
                    DKIMBreak(
                        domain: v.domain, selector: v.selector, failure: v.failure.map { "\($0)" }, causes: causes,
                        severity: aligned(v.domain) && !anyPass ? .error : .warning,
                        hops: Array(Set(causeHops)).sorted())))
        }
        // A permerror because the key is gone, with a signed header visibly changed: say so as a note.
        for v in verifications where v.result == .permerror || v.result == .temperror {
            let changes = DKIMForensics.visibleChanges(signedHeaders: v.signedHeaders, headers: headers)
            guard let c = changes.first else { continue }
            let m = VisibleMark(
                header: c.name, marker: c.marker,
                addedBy: spamTagger.map {
                    .spamFilter(hop: hops[$0].index, receiver: attribution.receiverName($0))
                })
            out.notes.append(
                .dkimWouldFail(
                    domain: v.domain, selector: v.selector,
                    reason: v.failure.map { "\($0)" } ?? v.result.rawValue, mark: m))
        }
        return out
    }

    func recordedFailure(_ av: AttributedVerdict, origin: SPFOrigin, body: Bool, aligned: (String?) -> Bool)
        -> RecordedDKIMBreak
    {
        let v = av.verdict
        let position = av.hop.flatMap { h in hops.firstIndex { $0.index == h } }
        // Named as the SPF row of that hop names its recorder.
        let recorder =
            v.receiver ?? position.map { k in
                let spf = hops[k].received.from?.ip == nil ? nil : verdicts.recordedSPF(k).mailfrom
                return spf.flatMap { $0.receiver ?? $0.receiverHints.first } ?? attribution.receiverName(k)
            } ?? "a receiver"
        var hopsOut = av.hop.map { [$0] } ?? []
        var transit: DKIMTransit? = nil
        let sigField = block.fields.first { $0.is("DKIM-Signature") && !Self.signedHeaderNames($0).isEmpty }
        let signed = sigField.map(Self.signedHeaderNames) ?? []
        if let c = DKIMForensics.visibleChanges(signedHeaders: signed, headers: headers).first {
            let m = mark(c, listFirst: false)
            hopsOut += Self.hop(of: m).map { [$0] } ?? []
            transit = .visibleMark(m)
        } else if let hk = position, let o = origin.hop, hk > o {
            // Which organisations' relays handled it between signing and the failed check.
            let recOrg = attribution.receiverOrganisation(hk)?.id
            let senderOrg = attribution.senderHost(o)?.organisation
            let between = (o..<hk).filter { k in
                let org = attribution.receiverHost(k)?.organisation
                return org != nil && org != recOrg && org != senderOrg
            }
            let names = between.compactMap { attribution.receiverOrganisation($0)?.name }
                .reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            if let first = between.first, let last = between.last, !names.isEmpty {
                transit = .relays(names, firstHop: hops[first].index, lastHop: hops[last].index)
                hopsOut += between.map { hops[$0].index }
            } else {
                transit = .unknown
            }
        }
        return RecordedDKIMBreak(
            domain: v.domain, result: v.word, reason: v.reason, recorder: recorder, hop: av.hop,
            transit: transit, headersOnly: !body, severity: aligned(v.domain) ? .error : .warning,
            hops: Array(Set(hopsOut)).sorted())
    }

    static func signedHeaderNames(_ field: HeaderField) -> [String] {
        (try? DKIMSignatureParser.parse(field: field.raw))?.signedHeaders ?? []
    }
}
