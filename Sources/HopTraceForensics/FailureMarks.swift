import HopTraceAuth
import HopTraceCore

/// One authentication failure on a hop, as the diagram marks it.
public enum AuthFailure: Sendable, Hashable {
    /// A receiver checked SPF against a relay instead of the origin (`spf-broken-by-forwarding`).
    case spfBrokenByForwarding(BreakMark)
    /// A receiver recorded SPF fail or softfail for the hop's client.
    case spfRecorded(SPFResult, checked: IPAddress, domain: String?, by: String?)
    /// SPF replayed for the hop's client fails or softfails (no receiver recorded a failure).
    case spfReplayed(SPFResult, clientIP: IPAddress, domain: String?)
    /// A receiver recorded a failing dkim= result.
    case dkimRecorded(word: String, domain: String?)
    /// DMARC fails at the hop: evaluated on the receiver's recorded results, or at the origin
    /// on the replayed ones.
    case dmarc(fromDomain: String, policy: DMARCPolicy?, atOrigin: Bool)
    /// A receiver recorded dmarc=fail (offline, where no evaluation ran).
    case dmarcRecorded(fromDomain: String?)
}

/// An authentication failure tied to the hop whose edge the diagram draws red.
public struct FailureMark: Sendable, Hashable {
    public var hop: Int
    public var failure: AuthFailure

    public init(hop: Int, failure: AuthFailure) {
        self.hop = hop
        self.failure = failure
    }
}

/// Which hops failed authentication: every failure a receiver recorded and every one the
/// replay found, not only the forwarding breaks. A pure function of the stages' result.
public enum FailureMarks {
    /// In hop order; per hop: the forwarding break or else the recorded SPF failure or else
    /// the replayed one, then each distinct failing dkim= verdict, then a failing DMARC check
    /// (else a recorded dmarc=fail).
    /// A DMARC failure at the origin (on the replayed results) is marked on the origin hop.
    public static func find(_ a: ChainAuthentication) -> [FailureMark] {
        var marks: [FailureMark] = []
        for h in a.hops {
            marks += spf(h, breaks: a.marks.filter { $0.hop == h.hop })
            var seen: Set<AuthFailure> = []
            for r in a.recordedDKIM where r.hop == h.hop && r.verdict.result.isFailure {
                let failure = AuthFailure.dkimRecorded(word: r.verdict.word, domain: r.verdict.domain)
                if seen.insert(failure).inserted { marks.append(FailureMark(hop: h.hop, failure: failure)) }
            }
            if let c = a.dmarcChecks.first(where: { dmarcHop($0) == h.hop && fails($0) }) {
                marks.append(
                    FailureMark(
                        hop: h.hop,
                        failure: .dmarc(
                            fromDomain: c.evaluation.fromDomain, policy: c.evaluation.policy, atOrigin: c.hop == nil)))
            } else if let v = h.verdicts.first(where: { $0.method == .dmarc && $0.result.isFailure }) {
                marks.append(FailureMark(hop: h.hop, failure: .dmarcRecorded(fromDomain: v.domain)))
            }
        }
        return marks
    }

    static func spf(_ h: HopAuthentication, breaks: [BreakMark]) -> [FailureMark] {
        if !breaks.isEmpty { return breaks.map { FailureMark(hop: h.hop, failure: .spfBrokenByForwarding($0)) } }
        guard let s = h.spf else { return [] }
        if let recorded = s.recorded, recorded == .fail || recorded == .softfail {
            return [
                FailureMark(
                    hop: h.hop,
                    failure: .spfRecorded(recorded, checked: s.checkedIP, domain: s.domain, by: s.recordedBy))
            ]
        }
        if let replayed = s.replayed, replayed == .fail || replayed == .softfail {
            return [FailureMark(hop: h.hop, failure: .spfReplayed(replayed, clientIP: s.clientIP, domain: s.domain))]
        }
        return []
    }

    /// The hop a DMARC check is drawn on: its receiving hop, or the origin hop.
    static func dmarcHop(_ c: DMARCCheck) -> Int? {
        if let hop = c.hop { return hop }
        if case .origin(let hop, _, _) = c.basis { return hop }
        return nil
    }

    static func fails(_ c: DMARCCheck) -> Bool {
        c.evaluation.result == .fail || (c.recorded?.result.isFailure ?? false)
    }
}
