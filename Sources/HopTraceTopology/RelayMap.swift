import HopTraceCore
import HopTraceReceived

/// Many messages' topologies merged into one relay map: the relay infrastructure of the
/// organisations the messages crossed, with how many messages took each step and when.
/// Memory grows with the number of distinct hosts and steps, never with the number of messages:
/// each topology is folded in and dropped.
public struct RelayMap: Sendable, Hashable {
    public struct Node: Sendable, Hashable {
        public var id: Int
        public var names: [String]
        public var addresses: [HostAddress]
        public var organisation: String?
        /// Messages that passed through this host.
        public var messages: Int
    }

    public struct Step: Sendable, Hashable {
        public var from: Int
        public var to: Int
        /// Messages that took this step.
        public var messages: Int
        /// Earliest and latest hop time seen on it (UTC seconds), when the hops carried one.
        public var firstSeen: Int64?
        public var lastSeen: Int64?
    }

    public private(set) var nodes: [Node] = []
    public private(set) var steps: [Step] = []
    public private(set) var messages = 0
    public private(set) var chains = 0

    /// Lower-cased names and addresses → node id: a host seen again under any of its names or
    /// public addresses is the same node (private addresses name a host only inside one
    /// message's network, so they never join hosts across messages).
    private var keys: [String: Int] = [:]
    private var stepIndex: [Int64: Int] = [:]

    public init() {}

    /// Folds in one message's chains (their topologies and hop times).
    public mutating func add(message topologies: [(Topology, [Int: Int64])]) {
        add(message: topologies.map { Chain(topology: $0.0, times: $0.1) })
    }

    /// Folds in one message's chains as the map sees them. A partial map (`PartialMapWriter`)
    /// records exactly these values, so replaying it through here gives the map the messages gave.
    public mutating func add(message chains: [Chain]) {
        messages += 1
        var seenNodes = Set<Int>()
        var seenSteps = Set<Int>()
        var local: [Int] = []
        for chain in chains {
            self.chains += 1
            local.removeAll(keepingCapacity: true)
            for sighting in chain.sightings {
                let id = node(for: sighting)
                local.append(id)
                if seenNodes.insert(id).inserted { nodes[id - 1].messages += 1 }
            }
            for step in chain.steps {
                guard local.indices.contains(step.from), local.indices.contains(step.to) else { continue }
                let a = local[step.from]
                let b = local[step.to]
                guard a != b else { continue }
                let key = Int64(a) << 32 | Int64(b)
                let s: Int
                if let existing = stepIndex[key] {
                    s = existing
                } else {
                    steps.append(Step(from: a, to: b, messages: 0, firstSeen: nil, lastSeen: nil))
                    s = steps.count - 1
                    stepIndex[key] = s
                }
                if seenSteps.insert(s).inserted { steps[s].messages += 1 }
                if let t = step.time {
                    steps[s].firstSeen = min(steps[s].firstSeen ?? t, t)
                    steps[s].lastSeen = max(steps[s].lastSeen ?? t, t)
                }
            }
        }
    }

    private mutating func node(for host: Sighting) -> Int {
        let names = host.names.map { $0.lowercased() }
        let hostKeys = names.map { "n:" + $0 } + host.addresses.map { "a:" + $0.ip.description }
        let id: Int
        let known = keys
        if let existing = hostKeys.lazy.compactMap({ known[$0] }).first {
            id = existing
            for name in host.names where !nodes[id - 1].names.contains(where: { $0.lowercased() == name.lowercased() })
            {
                nodes[id - 1].names.append(name)
            }
            for address in host.addresses where !nodes[id - 1].addresses.contains(address) {
                nodes[id - 1].addresses.append(address)
            }
        } else {
            id = nodes.count + 1
            nodes.append(
                Node(
                    id: id, names: host.names, addresses: host.addresses, organisation: host.organisation,
                    messages: 0))
        }
        // A host with neither a name nor a public address is one per message: it gets no key.
        for key in hostKeys where keys[key] == nil { keys[key] = id }
        return id
    }

    /// The map as one JSON value (`writeJSON` streams the same document).
    public var jsonValue: JSONValue {
        .object([
            ("version", .int(1)),
            ("messages", .int(messages)),
            ("chains", .int(chains)),
            ("nodes", .array(nodes.map(\.jsonValue))),
            ("edges", .array(steps.map(\.jsonValue))),
        ])
    }

    /// The map as DOT: one node per host (names, public addresses, organisation),
    /// edges labelled with how many messages took them, thicker for more. Every name is escaped.
    public func dot(title: String) -> String {
        var lines = [
            "digraph \"hoptrace-map\" {", "  rankdir=LR;",
            "  graph [fontname=\"DejaVu Sans\", label=\(DOTText.quoted(title, limit: 120)), labelloc=t];",
            "  node [shape=box, style=rounded, fontname=\"DejaVu Sans\", fontsize=10];",
            "  edge [fontname=\"DejaVu Sans\", fontsize=9];",
        ]
        // No organisation clusters: a map of many organisations stays readable flat, and the
        // clustered version of the samples' map is what exposed Graphviz 2.42's double free in
        // gvFreeLayout (see GraphvizRenderer). The organisation is written in each node.
        for n in nodes.sorted(by: { ($0.organisation ?? "~", $0.id) < ($1.organisation ?? "~", $1.id) }) {
            var label = "<b>" + DOTText.html(n.names.first ?? "(unnamed)") + "</b>"
            for extra in n.names.dropFirst().prefix(3) { label += "<br/>≡ " + DOTText.html(extra) }
            if !n.addresses.isEmpty {
                label += "<br/>" + n.addresses.prefix(3).map { DOTText.html($0.ip.description) }.joined(separator: ", ")
            }
            if let org = n.organisation { label += "<br/><i>" + DOTText.html(org) + "</i>" }
            label += "<br/>\(n.messages) message\(n.messages == 1 ? "" : "s")"
            lines.append("  n\(n.id) [label=<\(label)>];")
        }
        let most = max(steps.map(\.messages).max() ?? 1, 1)
        for s in steps {
            let tenths = 10 + 40 * s.messages / most  // pen width 1.0–5.0, in tenths
            lines.append("  n\(s.from) -> n\(s.to) [label=\"\(s.messages)\", penwidth=\(tenths / 10).\(tenths % 10)];")
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }
}
