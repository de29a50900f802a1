import HopTraceAuth
import HopTraceCore
import HopTraceTopology

extension FindingsText {
    /// The diagram's mark for an authentication failure: red (`.error`), with a few words
    /// saying what failed and whether a receiver recorded it or the replay found it.
    public static func annotation(_ m: FailureMark) -> EdgeAnnotation {
        switch m.failure {
        case .spfBrokenByForwarding(let b):
            return annotation(b)
        case .spfRecorded(let result, let checked, let domain, _):
            return EdgeAnnotation(
                hop: m.hop, severity: .error,
                label: "SPF \(result.rawValue): \(checked)\(domain.map { " for " + $0 } ?? "") (recorded)")
        case .spfReplayed(let result, let clientIP, let domain):
            return EdgeAnnotation(
                hop: m.hop, severity: .error,
                label: "SPF \(result.rawValue): \(clientIP)\(domain.map { " for " + $0 } ?? "") (replayed)")
        case .dkimRecorded(let word, let domain):
            return EdgeAnnotation(
                hop: m.hop, severity: .error, label: "DKIM \(word)\(domain.map { ": d=" + $0 } ?? "") (recorded)")
        case .dmarc(let from, let policy, let atOrigin):
            return EdgeAnnotation(
                hop: m.hop, severity: .error,
                label: "DMARC fail: \(from)\(policy.map { " p=" + $0.rawValue } ?? "")"
                    + (atOrigin ? " (replayed at the origin)" : ""),
                kind: .dmarcFail)
        case .dmarcRecorded(let from):
            return EdgeAnnotation(
                hop: m.hop, severity: .error, label: "DMARC fail\(from.map { ": " + $0 } ?? "") (recorded)",
                kind: .dmarcFail)
        }
    }
}
