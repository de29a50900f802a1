import HopTraceAuth
import HopTraceCore
import HopTraceMessage
import HopTraceReceived

/// DMARC (RFC 7489) at the origin (replayed SPF, re-verified DKIM) and at each receiver that
/// recorded verdicts (its own SPF and DKIM results), and one `dmarc-fail` finding for the first
/// receiver where it fails, with what caused it.
struct DMARCStage: Sendable {
    var checks: [DMARCCheck] = []
    var failure: DMARCFailure?
    var notes: [ForensicsNote] = []

    /// What the earlier stages concluded, as DMARC reads it.
    struct Inputs {
        var spf: [HopSPF?]
        var origin: SPFOrigin
        var dkim: [DKIMVerification]
        var brokenSPF: Set<Int>
        var dkimBroke: Bool
    }

    static func evaluate(
        input: ForensicsInput, verdicts: AttributedVerdicts, attribution: HopAttribution,
        prior: Inputs, hasList: Bool
    ) async -> DMARCStage {
        var out = DMARCStage()
        let hops = input.hops
        let fromValue = input.chain.headers.first("From")?.value
        let parsed = fromValue.map(FromDomain.parse)
        guard let fromDomain = parsed?.domain?.lowercased() else {
            if fromValue != nil {
                out.notes.append(.dmarcNoFromDomain(reason: parsed?.reason ?? "the From header has no single domain"))
            }
            return out
        }
        let psl = input.publicSuffixList
        let evaluator = input.resolver.map {
            DMARCEvaluator(resolver: $0, organizationalDomain: { psl.registrableDomain(of: $0) ?? $0 })
        }
        if evaluator == nil { out.notes.append(.dmarcOffline) }
        let verifiedDKIM = prior.dkim.compactMap { v in v.domain.map { (result: v.result, domain: $0) } }

        // At the origin.
        if let evaluator, let o = prior.origin.hop, let s = prior.spf[o] {
            let spfIn = s.replayed.flatMap { r in s.domain.map { (result: r, domain: $0) } }
            let e = await evaluator.evaluate(fromDomain: fromDomain, spf: spfIn, dkim: verifiedDKIM)
            out.checks.append(
                DMARCCheck(
                    hop: nil, basis: .origin(hop: hops[o].index, clientIP: s.clientIP, bodyPresent: input.body != nil),
                    evaluation: e))
        }
        // At each receiver that recorded verdicts.
        var failing: [(k: Int, check: DMARCCheck?, recorded: RecordedVerdict?)] = []
        for k in hops.indices {
            let own = verdicts.ownVerdicts(k)
            let recSPF = verdicts.recordedSPF(k).mailfrom
            let recDKIM = own.filter { $0.method == .dkim }
            let recDMARC = own.first { $0.method == .dmarc }
            guard recSPF != nil || !recDKIM.isEmpty || recDMARC != nil else { continue }
            var check: DMARCCheck? = nil
            if let evaluator {
                var spfIn: (result: SPFResult, domain: String)? = nil
                if let v = recSPF, let r = v.spfResult, let d = v.domain ?? prior.spf[k]?.domain {
                    spfIn = (result: r, domain: d.lowercased())
                }
                var dkimIn: [(result: DKIMResult, domain: String)] = recDKIM.isEmpty ? verifiedDKIM : []
                for v in recDKIM {
                    if let r = v.dkimResult, let d = v.domain { dkimIn.append((result: r, domain: d)) }
                }
                let e = await evaluator.evaluate(fromDomain: fromDomain, spf: spfIn, dkim: dkimIn)
                let who = prior.spf[k]?.recordedBy ?? recDMARC?.receiver ?? attribution.receiverName(k)
                let dkimBasis: DMARCBasis.DKIMInput =
                    !recDKIM.isEmpty ? .recorded : verifiedDKIM.isEmpty ? .none : .reverified
                let c = DMARCCheck(
                    hop: hops[k].index, basis: .receiver(hop: hops[k].index, receiver: who, dkim: dkimBasis),
                    evaluation: e, recorded: recDMARC, recordedAction: recDMARC?.extensionValue("action"))
                check = c
                out.checks.append(c)
            }
            if recDMARC?.dmarcResult == .fail || check?.evaluation.result == .fail {
                failing.append((k, check, recDMARC))
            }
        }
        guard !failing.isEmpty else { return out }
        // One finding: the first receiver that recorded dmarc=fail, else the first failing check.
        let main = failing.first { $0.recorded?.dmarcResult == .fail } ?? failing[0]
        let k = main.k
        var parts: [DMARCInputPart] = []
        if let s = prior.spf[k], let r = s.recorded {
            parts.append(.spf(r, domain: s.domain ?? fromDomain, checked: s.checkedIP))
        }
        let dk = verdicts.ownVerdicts(k).filter { $0.method == .dkim }
        if !dk.isEmpty {
            parts += dk.map { .recordedDKIM(result: $0.word, domain: $0.domain) }
        } else if !prior.dkim.isEmpty {
            parts.append(.reverifiedDKIM(DKIMVerification.overall(prior.dkim)))
        } else {
            parts.append(.noDKIM)
        }
        let originCheckPasses = out.checks.first { $0.hop == nil }?.evaluation.result == .pass
        let originPass = originCheckPasses || (prior.origin.hop.flatMap { prior.spf[$0] }?.passes ?? false)
        let forwarding = prior.brokenSPF.contains(k) || prior.dkimBroke
        var cause: DMARCCause? = nil
        if forwarding && originPass, let o = prior.origin.hop, let s = prior.spf[o] {
            cause = .forwarding(
                byList: hasList && !prior.brokenSPF.contains(k), originHop: hops[o].index, originIP: s.clientIP,
                domain: s.domain ?? fromDomain, relayChecked: prior.brokenSPF.contains(k), dkimBroke: prior.dkimBroke)
        } else if forwarding {
            cause = .forwardingContributed
        }
        var policy: DMARCFailure.PolicyAsked? = nil
        if let e = main.check?.evaluation ?? out.checks.first(where: { $0.hop == nil })?.evaluation, let p = e.policy {
            policy = .init(domain: e.recordDomain ?? fromDomain, policy: p, pct: e.pct)
        }
        let hopNo = hops[k].index
        out.failure = DMARCFailure(
            fromDomain: fromDomain, hop: hopNo,
            receiver: prior.spf[k]?.recordedBy ?? main.recorded?.receiver ?? attribution.receiverName(k),
            recordedFail: main.recorded?.dmarcResult == .fail, parts: parts, cause: cause, policy: policy,
            offline: input.resolver == nil,
            action: main.check?.recordedAction ?? main.recorded?.extensionValue("action"),
            otherHops: failing.map { hops[$0.k].index }.filter { $0 != hopNo },
            hops: failing.map { hops[$0.k].index })
        return out
    }
}
