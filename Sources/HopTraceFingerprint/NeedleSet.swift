import HopTraceCore

/// A fixed list of ASCII needles, all looked for in one pass over a text's bytes, ASCII case
/// ignored as `ASCIIFold.firstRange` ignores it. Each position of the text is checked only
/// against the needles whose first byte (lower-cased) it holds, so a text is read once
/// however many needles there are. Built once per list; a search allocates only its answer.
struct NeedleSet: Sendable {
    /// The needles' lower-cased bytes, one after another: needle `k` is
    /// `bytes[bounds[k]..<bounds[k + 1]]`.
    let bytes: [UInt8]
    let bounds: [Int]
    /// Needle numbers by lower-cased first byte `b`: `ids[heads[b]..<heads[b + 1]]`.
    let heads: [Int]
    let ids: [Int]
    /// One bit per pair of lower-cased bytes `(b0, b1)` (bit `b0 << 8 | b1`): set when a needle
    /// starts with that pair, or is the single byte `b0`. A text position whose pair is not set
    /// starts no needle, and its candidates are not compared.
    let pairs: [UInt64]

    var count: Int { bounds.count - 1 }

    /// `needles` must be non-empty ASCII strings.
    init(_ needles: [String]) {
        var bytes: [UInt8] = []
        var bounds = [0]
        for n in needles {
            precondition(!n.isEmpty && n.utf8.allSatisfy { $0 < 0x80 }, "needles are non-empty ASCII")
            bytes += n.utf8.map(ASCIIFold.lower)
            bounds.append(bytes.count)
        }
        var heads = [Int](repeating: 0, count: 257)
        var ids: [Int] = []
        for b in 0..<256 {
            heads[b] = ids.count
            for k in needles.indices where bytes[bounds[k]] == UInt8(b) { ids.append(k) }
        }
        heads[256] = ids.count
        var pairs = [UInt64](repeating: 0, count: 1024)
        for k in needles.indices {
            let b0 = Int(bytes[bounds[k]])
            let seconds = bounds[k + 1] - bounds[k] > 1 ? [Int(bytes[bounds[k] + 1])] : Array(0..<256)
            for b1 in seconds { pairs[(b0 << 8 | b1) >> 6] |= 1 << UInt64((b0 << 8 | b1) & 63) }
        }
        self.pairs = pairs
        self.bytes = bytes
        self.bounds = bounds
        self.heads = heads
        self.ids = ids
    }

    /// Where the needles first occur in a text.
    struct Hits: Sendable {
        /// Per needle: the offset of its first occurrence, and of its first occurrence that
        /// starts at or after `split`; -1 for none.
        var offsets: [Int]
        /// Whether every byte of the text is ASCII.
        var isASCII: Bool

        /// The offset of needle `k`'s first occurrence in the text, nil when there is none.
        func first(_ k: Int) -> Int? { offsets[2 * k] < 0 ? nil : offsets[2 * k] }
        /// The offset of needle `k`'s first occurrence starting at or after `split`.
        func firstAfterSplit(_ k: Int) -> Int? { offsets[2 * k + 1] < 0 ? nil : offsets[2 * k + 1] }
    }

    /// The first occurrence of every needle in `hay`, and the first at or after `split` (a
    /// suffix of the text searched on its own: an occurrence there lies wholly inside it).
    func hits(in hay: UnsafeBufferPointer<UInt8>, split: Int = 0) -> Hits {
        var offsets = [Int](repeating: -1, count: 2 * count)
        var ascii: UInt8 = 0
        offsets.withUnsafeMutableBufferPointer { out in
            bytes.withUnsafeBufferPointer { needle in
                bounds.withUnsafeBufferPointer { bounds in
                    heads.withUnsafeBufferPointer { heads in
                        ids.withUnsafeBufferPointer { ids in
                            pairs.withUnsafeBufferPointer { pairs in
                                for i in 0..<hay.count {
                                    let c = hay[i]
                                    ascii |= c
                                    let l = ASCIIFold.lower(c)
                                    let a = heads[Int(l)]
                                    let z = heads[Int(l) + 1]
                                    if a == z { continue }
                                    if i + 1 < hay.count {
                                        let pair = Int(l) << 8 | Int(ASCIIFold.lower(hay[i + 1]))
                                        if pairs[pair >> 6] & (1 << UInt64(pair & 63)) == 0 { continue }
                                    }
                                    for j in a..<z {
                                        let k = ids[j]
                                        let slot = i >= split ? 2 * k + 1 : 2 * k
                                        if out[slot] >= 0 { continue }
                                        let s = bounds[k]
                                        let n = bounds[k + 1] - s
                                        if n > hay.count - i { continue }
                                        var m = 1
                                        while m < n && ASCIIFold.lower(hay[i + m]) == needle[s + m] { m += 1 }
                                        if m < n { continue }
                                        if out[2 * k] < 0 { out[2 * k] = i }
                                        if i >= split { out[2 * k + 1] = i }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return Hits(offsets: offsets, isASCII: ascii < 0x80)
    }
}
