/// Evidence for "why did this signature break", for the report.
public enum DKIMForensics {
    /// A z= copy compared with the header as it stands now.
    public struct CopiedHeaderComparison: Sendable, Hashable {
        public var name: String
        /// The value the signer saw (z=, decoded).
        public var copied: String
        /// The value now (the instance h= selection would sign; nil when the header is gone).
        public var current: String?
        /// Whether they differ after relaxed-style whitespace folding.
        public var differs: Bool
    }

    /// Compares each z= copied header with the current one of that name (the bottom-most
    /// unused instance, as the signature's h= selection reads them).
    public static func compareCopiedHeaders(_ sig: DKIMSignature, headers: [DKIMHeaderField])
        -> [CopiedHeaderComparison]
    {
        guard let copies = sig.copiedHeaders else { return [] }
        let picks = DKIMCanonicalizer.selectHeaders(copies.map(\.name), in: headers)
        return zip(copies, picks).map { copy, pick in
            let current = pick.map { headers[$0].unfoldedValue }
            let differs = current.map { normalize($0) != normalize(copy.value) } ?? true
            return CopiedHeaderComparison(name: copy.name, copied: copy.value, current: current, differs: differs)
        }
    }

    /// A signed header whose current value shows a mark an intermediary adds.
    public struct VisibleChange: Sendable, Hashable {
        public var name: String
        public var fieldIndex: Int
        /// The marker found (`[SPAM]`, `[listname]`, `***SPAM***`, `[EXTERNAL]`…).
        public var marker: String
        public var value: String
    }

    /// Subject prefixes that spam filters and list servers add, compared case-insensitively.
    public static let subjectMarkers = [
        "***SPAM***", "*****SPAM*****", "[SPAM]", "{SPAM}", "{Spam?}", "SPAM:", "[SUSPECTED SPAM]",
        "[EXTERNAL]", "[EXT]", "EXTERNAL:", "[WARNING]", "[POSSIBLE SPAM]", "[BULK]", "*** SPAM ***",
    ]

    /// When a signature failed: each signed header (h= names) whose current value carries a
    /// visible change marker — a Subject tag like `[SPAM]` or a list's `[name]` prefix. A hint
    /// for the report, not proof.
    public static func visibleChanges(signedHeaders: [String], headers: [DKIMHeaderField]) -> [VisibleChange] {
        let signed = Set(signedHeaders.map { $0.lowercased() })
        var out: [VisibleChange] = []
        for (i, h) in headers.enumerated() where signed.contains(h.name.lowercased()) {
            let value = h.unfoldedValue
            guard h.name.lowercased() == "subject" else { continue }
            var rest = Substring(value)
            // Reply/forward prefixes come before or after list tags: "Re: [list] …".
            for p in ["re:", "fw:", "fwd:", "aw:", "sv:"] where rest.lowercased().hasPrefix(p) {
                rest = rest.dropFirst(p.count).drop { $0 == " " }
            }
            if let m = subjectMarkers.first(where: { rest.lowercased().hasPrefix($0.lowercased()) }) {
                out.append(
                    VisibleChange(name: h.name, fieldIndex: i, marker: String(rest.prefix(m.count)), value: value))
            } else if rest.hasPrefix("["), let close = rest.firstIndex(of: "]"),
                rest.distance(from: rest.startIndex, to: close) <= 40
            {
                // A mailing list's "[listname]" tag.
                out.append(VisibleChange(name: h.name, fieldIndex: i, marker: String(rest[...close]), value: value))
            }
        }
        return out
    }

    static func normalize(_ s: String) -> String {
        s.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }).joined(separator: " ")
    }
}

extension DKIMForensics {
    /// The visible change markers on a failed verification's signed headers; empty when it
    /// passed or did not get as far as the signature check.
    public static func visibleChanges(for v: DKIMVerification, headers: [DKIMHeaderField]) -> [VisibleChange] {
        guard v.result == .fail else { return [] }
        return visibleChanges(signedHeaders: v.signedHeaders, headers: headers)
    }

    /// The body hash failed and the message carries list headers (RFC 2369/2919): a list server
    /// probably added a footer or rewrote the body. A hint, not proof.
    public static func listFooterLikely(_ v: DKIMVerification, headers: [DKIMHeaderField]) -> Bool {
        guard case .bodyHashMismatch? = v.failure else { return false }
        return headers.contains {
            ["list-id", "list-unsubscribe", "list-post", "mailing-list"].contains($0.name.lowercased())
        }
    }
}

extension DKIMVerification {
    /// One result for a message with several signatures: `none` without signatures, `pass` when
    /// any passes, otherwise the first of temperror, fail, permerror, neutral found (a transient
    /// failure may still turn into a pass).
    public static func overall(_ results: [DKIMVerification]) -> DKIMResult {
        if results.isEmpty { return .none }
        let set = Set(results.map(\.result))
        for r in [DKIMResult.pass, .temperror, .fail, .permerror, .policy, .neutral] where set.contains(r) { return r }
        return .none
    }
}
