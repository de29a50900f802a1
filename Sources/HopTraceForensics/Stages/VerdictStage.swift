import HopTraceAuth
import HopTraceCore
import HopTraceMessage
import HopTraceReceived

/// Every recorded verdict of a chain, tied to the hop whose receiver wrote it.
struct AttributedVerdicts: Sendable {
    /// Per hop position (0-based), in header order.
    var perHop: [[RecordedVerdict]]
    var notesPerHop: [[AttributionNote]]
    var unattributed: [RecordedVerdict] = []
    /// Notes about the verdicts no hop could be tied to.
    var unattributedNotes: [AttributionNote] = []
    /// Every dkim= verdict, with its hop.
    var recordedDKIM: [AttributedVerdict] = []

    /// Reads the verdict headers of `headers` and ties each to a hop.
    static func attribute(_ headers: HeaderBlock, with attribution: HopAttribution) -> AttributedVerdicts {
        let hops = attribution.hops
        var out = AttributedVerdicts(perHop: hops.map { _ in [] }, notesPerHop: hops.map { _ in [] })
        for v in RecordedVerdicts.extract(from: headers) {
            let o = attribution.attribute(v)
            if let h = o.hop, let k = hops.firstIndex(where: { $0.index == h }) {
                out.perHop[k].append(v)
                for n in o.notes where !out.notesPerHop[k].contains(n) { out.notesPerHop[k].append(n) }
            } else {
                out.unattributed.append(v)
                for n in o.notes where !out.unattributedNotes.contains(n) { out.unattributedNotes.append(n) }
            }
            if v.method == .dkim { out.recordedDKIM.append(AttributedVerdict(hop: o.hop, verdict: v)) }
        }
        return out
    }

    /// The recorded MAIL FROM and HELO SPF verdicts at hop position k (Received-SPF first, then
    /// Authentication-Results, ARC, vendor; written results before inferred ones).
    func recordedSPF(_ k: Int) -> (mailfrom: RecordedVerdict?, helo: RecordedVerdict?) {
        func rank(_ v: RecordedVerdict) -> Int {
            let h = v.header.lowercased()
            let base = h == "received-spf" ? 0 : h == "authentication-results" ? 1 : v.isARCCopy ? 2 : 3
            return base + (v.inferred ? 10 : 0)
        }
        let spfs = perHop[k].filter { $0.method == .spf }
        let mf = spfs.filter { $0.identity != .helo }.min { rank($0) < rank($1) }
        let helo = spfs.filter { $0.identity == .helo }.min { rank($0) < rank($1) }
        return (mf, helo)
    }

    /// The verdicts of hop position k that its receiver wrote for itself (not ARC copies).
    func ownVerdicts(_ k: Int) -> [RecordedVerdict] {
        perHop[k].filter { !$0.isARCCopy }
    }
}

extension RecordedVerdict {
    /// A verdict from an ARC-Authentication-Results field (an ARC set's copy).
    var isARCCopy: Bool { header.lowercased().hasPrefix("arc-") }
}
