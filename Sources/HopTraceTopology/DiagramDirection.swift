/// Which way the relay diagram runs: `tb` top to bottom, `lr` left to right (Graphviz's
/// `rankdir`).
public enum DiagramDirection: String, Sendable, Hashable, CaseIterable {
    case tb, lr

    /// The DOT `rankdir` value.
    public var rankdir: String { self == .tb ? "TB" : "LR" }

    /// Left to right when that drawing fits a landscape screen of 1,600 × 1,000 points
    /// unshrunk; otherwise the direction that has to be shrunk less to fit it.
    ///
    /// The rule, on estimated sizes in points (10-point DejaVu Sans: about 6 points a
    /// character in a box, 5.5 on an edge label, 13 a line): each host is a box as wide as
    /// its longest label line and as tall as its lines; hosts take ranks in travel order (a
    /// host first reached on hop n stands one rank after its sender); edge labels are as wide
    /// as their longest line. Left to right, the width is the ranks' widest boxes plus, between
    /// two ranks, the widest label of the edges between them; the height is the tallest rank's
    /// boxes stacked. Top to bottom, the width is the widest rank's boxes side by side plus
    /// the widest edge label; the height is the ranks' tallest boxes plus each gap's label
    /// lines. Each size gets the scale that fits it into 1,600 × 1,000, at most 1 (a drawing
    /// is never enlarged); the larger scale wins, left to right on a tie. Title and legend are
    /// left out: they are the same both ways.
    public static func fitting(_ t: Topology, annotations: [EdgeAnnotation] = []) -> DiagramDirection {
        let lr = estimate(t, annotations: annotations, direction: .lr)
        let tb = estimate(t, annotations: annotations, direction: .tb)
        return scale(tb) > scale(lr) ? .tb : .lr
    }

    static let screen = (width: 1600.0, height: 1000.0)

    static func scale(_ size: (width: Double, height: Double)) -> Double {
        min(1, screen.width / max(size.width, 1), screen.height / max(size.height, 1))
    }

    /// The estimated size of the drawing in points, without title and legend.
    static func estimate(_ t: Topology, annotations: [EdgeAnnotation], direction: DiagramDirection)
        -> (width: Double, height: Double)
    {
        let rank = ranks(t)
        let rankCount = (rank.values.max() ?? 0) + 1
        var boxes = [[(width: Double, height: Double)]](repeating: [], count: rankCount)
        for h in t.hosts { boxes[rank[h.id] ?? 0].append(box(h)) }
        // The widest and tallest edge label between rank r and r + 1 (any edge that leaves r).
        var gapWidth = [Double](repeating: 0, count: rankCount)
        var gapHeight = [Double](repeating: 0, count: rankCount)
        for e in t.edges {
            let lines = edgeLines(e, annotations: annotations.filter { $0.hop == e.hop })
            let r = min(rank[e.from] ?? 0, rank[e.to] ?? 0)
            gapWidth[r] = max(gapWidth[r], Double(lines.max() ?? 0) * 5.5)
            gapHeight[r] = max(gapHeight[r], Double(lines.count) * 12)
        }
        let nodeSep = 25.0
        let rankSep = 40.0
        let gaps = 0..<max(rankCount - 1, 0)
        switch direction {
        case .lr:
            let width =
                boxes.map { $0.map(\.width).max() ?? 0 }.reduce(0, +) + gaps.map { rankSep + gapWidth[$0] }.reduce(0, +)
            let height = boxes.map { $0.map(\.height).reduce(0, +) + Double(max($0.count - 1, 0)) * nodeSep }.max() ?? 0
            return (width, height)
        case .tb:
            let width =
                (boxes.map { $0.map(\.width).reduce(0, +) + Double(max($0.count - 1, 0)) * nodeSep }.max() ?? 0)
                + (gapWidth.max() ?? 0)
            let height =
                boxes.map { $0.map(\.height).max() ?? 0 }.reduce(0, +)
                + gaps.map { rankSep + gapHeight[$0] }.reduce(0, +)
            return (width, height)
        }
    }

    /// Rank of each host id: the first sender 0, a host first reached on a hop one more than
    /// that hop's sender; hosts on no edge 0.
    static func ranks(_ t: Topology) -> [Int: Int] {
        var rank: [Int: Int] = [:]
        for e in t.edges {
            let from = rank[e.from] ?? 0
            rank[e.from] = from
            if rank[e.to] == nil { rank[e.to] = from + 1 }
        }
        return rank
    }

    /// A host's box as `DOTEncoder.node` fills it: a name (long ones on two lines), up to
    /// three more names, addresses two to a line, up to three software lines, a role line.
    static func box(_ h: Host) -> (width: Double, height: Double) {
        var lines: [Int] = []
        if let first = h.names.first {
            if first.count > 30, let dot = first.firstIndex(of: ".") {
                lines += [
                    first.distance(from: first.startIndex, to: dot), first.distance(from: dot, to: first.endIndex),
                ]
            } else {
                lines.append(first.count)
            }
        } else {
            lines.append(12)
        }
        lines += h.names.dropFirst().prefix(3).map { min($0.count + 2, 82) }
        let addresses = h.addresses.prefix(6).map { $0.ip.description.count + 8 }
        var i = 0
        while i < addresses.count {
            lines.append(addresses[i..<min(i + 2, addresses.count)].reduce(0, +) + 3)
            i += 2
        }
        lines += h.software.prefix(3).map { min($0.count, 60) }
        lines.append(15)
        return (Double(min(lines.max() ?? 0, 82)) * 6 + 20, Double(lines.count) * 13 + 10)
    }

    /// Character counts of an edge label's lines as `DOTEncoder.edge` writes them.
    static func edgeLines(_ e: Edge, annotations: [EdgeAnnotation]) -> [Int] {
        var first = 2 + min(e.protocolName?.count ?? 0, 24) + 3
        if e.tls { first += min(e.tlsVersion?.count ?? 3, 16) + 3 }
        if e.delaySeconds != nil { first += 10 }
        var lines = [first]
        if let via = e.via, !via.isEmpty { lines.append(min(via.count, 40) + 4) }
        lines += annotations.map { min($0.label.count, 90) }
        return lines
    }
}
