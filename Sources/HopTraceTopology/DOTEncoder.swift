import HopTraceCore

/// Writes a `Topology` as Graphviz DOT text: the relay diagram.
///
/// One node per host (names, addresses with their scope, software), one cluster per
/// organisation with its internal network as a dashed cluster inside, edges numbered in travel
/// order with protocol, TLS and delay, the origin (bold border) and final recipient (double
/// border) marked, `EdgeAnnotation`s on their edges (red for errors), and a legend. Left to
/// right or top to bottom as `Options.direction` says (the caller chooses, for instance with
/// `DiagramDirection.fitting`), DejaVu Sans. Output is deterministic: ids come from the topology's order, the graph
/// is named, and nothing depends on hashing.
public enum DOTEncoder {
    public struct Options: Sendable, Hashable {
        /// Shown above the diagram; attacker-written parts are escaped.
        public var title: String?
        /// The graph's name (Graphviz otherwise invents `%3`, `%7`… from a process-wide counter).
        public var graphName: String
        /// Draw the legend.
        public var legend: Bool
        /// Which way the ranks run.
        public var direction: DiagramDirection

        public init(
            title: String? = nil, graphName: String = "hoptrace", legend: Bool = true,
            direction: DiagramDirection = .lr
        ) {
            self.title = title
            self.graphName = graphName
            self.legend = legend
            self.direction = direction
        }
    }

    static let font = "DejaVu Sans"
    static let publicColour = "#2e7d32"
    static let privateColour = "#c62828"
    static let mutedColour = "#616161"
    static let errorColour = "#c62828"
    static let warningColour = "#e65100"
    /// Cluster fill and border colours; the origin's organisation takes the first (green).
    static let palette: [(fill: String, border: String)] = [
        ("#f1f8e9", "#7cb342"), ("#e3f2fd", "#1e88e5"), ("#f3e5f5", "#8e24aa"), ("#fff3e0", "#fb8c00"),
        ("#e0f2f1", "#00897b"), ("#fce4ec", "#d81b60"), ("#efebe9", "#6d4c41"), ("#e8eaf6", "#3949ab"),
    ]

    /// `annotations`: marks on hops (the authentication stage's breaks), drawn on their edges.
    public static func encode(_ t: Topology, annotations: [EdgeAnnotation] = [], options: Options = Options()) -> String
    {
        var out: [String] = []
        let title = options.title ?? "Relay path · \(t.edges.count) hop\(t.edges.count == 1 ? "" : "s")"
        out.append("digraph \(DOTText.quoted(options.graphName)) {")
        var heading = "<table border=\"0\" cellborder=\"0\" cellspacing=\"0\" cellpadding=\"1\">"
        heading +=
            "<tr><td align=\"left\"><font point-size=\"13\"><b>\(DOTText.html(title, limit: 160))</b></font></td></tr>"
        if options.legend {
            for line in legendLines {
                heading +=
                    "<tr><td align=\"left\"><font point-size=\"8\" color=\"\(mutedColour)\">\(line)</font></td></tr>"
            }
        }
        heading += "</table>"
        out.append(
            "  graph [rankdir=\(options.direction.rankdir), fontname=\"\(font)\", fontsize=12, labelloc=t, labeljust=l, nodesep=0.35, ranksep=0.55, pad=0.25, newrank=true, label=<\(heading)>];"
        )
        out.append(
            "  node [shape=box, style=\"rounded,filled\", fontname=\"\(font)\", fontsize=10, fillcolor=\"#ffffff\", color=\"#607d8b\", margin=\"0.14,0.06\"];"
        )
        out.append(
            "  edge [fontname=\"\(font)\", fontsize=9, color=\"#455a64\", fontcolor=\"#37474f\", arrowsize=0.8];")

        // Organisations, in order of first appearance; the origin's first in the palette.
        var colourIndex = 1
        let originOrg = t.origin.flatMap { t.host($0)?.organisation }
        for (n, org) in t.organisations.enumerated() {
            let colour: (fill: String, border: String)
            if org.id == originOrg {
                colour = palette[0]
            } else {
                colour = palette[colourIndex % palette.count]
                colourIndex = colourIndex % (palette.count - 1) + 1
            }
            let members = t.hosts.filter { $0.organisation == org.id }
            out.append("  subgraph cluster_o\(n + 1) {")
            out.append("    label=<\(organisationLabel(org, isOrigin: org.id == originOrg))>;")
            out.append(
                "    style=\"rounded,filled\"; fillcolor=\"\(colour.fill)\"; color=\"\(colour.border)\"; fontsize=11;")
            for h in members where h.zone != .internal { out.append("    " + node(h, in: t)) }
            out += internalCluster(
                "cluster_o\(n + 1)_internal", caption: "internal network",
                members.filter { $0.zone == .internal }, in: t, indent: "    ")
            out.append("  }")
        }
        // Hosts of no known organisation.
        let loose = t.hosts.filter { $0.organisation == nil }
        for h in loose where h.zone != .internal { out.append("  " + node(h, in: t)) }
        out += internalCluster(
            "cluster_internal", caption: "internal network (organisation unknown)",
            loose.filter { $0.zone == .internal }, in: t, indent: "  ")

        // Edges in travel order.
        let returns = Set(t.reentries.map(\.returnHop))
        for e in t.edges {
            out.append(
                "  "
                    + edge(
                        e, annotations: annotations.filter { $0.hop == e.hop }, isReturn: returns.contains(e.hop),
                        isBoundary: t.boundaries.contains(e.hop)))
        }
        out.append("}")
        return out.joined(separator: "\n") + "\n"
    }

    // MARK: - Parts

    /// The subgraph `id` of the internal-network `hosts` (dashed, captioned `caption`), its
    /// lines indented by `indent`; no lines when there are no such hosts.
    static func internalCluster(_ id: String, caption: String, _ hosts: [Host], in t: Topology, indent: String)
        -> [String]
    {
        guard !hosts.isEmpty else { return [] }
        return [
            "\(indent)subgraph \(id) {",
            "\(indent)  label=<<font color=\"\(mutedColour)\">\(caption)</font>>; style=\"dashed,rounded\"; color=\"#90a4ae\"; fontsize=10;",
        ]
            + hosts.map { "\(indent)  " + node($0, in: t) } + ["\(indent)}"]
    }

    static func organisationLabel(_ org: Organisation, isOrigin: Bool) -> String {
        var label = "<b>\(DOTText.html(org.name))</b>"
        let others = org.domains.filter { $0 != org.name }
        if !others.isEmpty {
            let shown = others.prefix(4).map { DOTText.html($0) }.joined(separator: ", ")
            label +=
                " · \(org.basis == .knownOperator ? "" : "also ")\(shown)\(others.count > 4 ? ", +\(others.count - 4)" : "")"
        }
        if !org.asns.isEmpty { label += " · " + org.asns.prefix(3).map { "AS\($0)" }.joined(separator: ", ") }
        return label
    }

    static func scopeWord(_ s: AddressScope) -> String {
        let colour: String
        switch s {
        case .public: colour = publicColour
        case .documentation: colour = "#558b2f"
        case .private, .shared: colour = privateColour
        case .loopback, .linkLocal, .reserved: colour = mutedColour
        }
        return "<font color=\"\(colour)\">\(s.rawValue)</font>"
    }

    static func node(_ h: Host, in t: Topology) -> String {
        var lines: [String] = []
        if let primary = h.names.first {
            // Long names: the first label in bold, the rest beneath (Microsoft's 40-character names).
            let labels = primary.split(separator: ".", maxSplits: 1)
            if primary.count > 30, labels.count == 2, labels[0].count >= 4 {
                lines.append("<b>\(DOTText.html(String(labels[0])))</b>")
                lines.append(".\(DOTText.html(String(labels[1])))")
            } else {
                lines.append("<b>\(DOTText.html(primary))</b>")
            }
        } else {
            lines.append("<b><i>\(h.addresses.isEmpty ? "unnamed host" : "no name given")</i></b>")
        }
        // ≡ a name known to be this host; ≈ one only likely (same first label).
        let sign = t.aliases.first { $0.host == h.id }?.confidence == .likely ? "≈" : "≡"
        for name in h.names.dropFirst().prefix(3) { lines.append("\(sign) \(DOTText.html(name))") }
        if h.names.count > 4 { lines.append("<font color=\"\(mutedColour)\">+\(h.names.count - 4) more names</font>") }
        var addressParts = h.addresses.prefix(6).map { "\(DOTText.html($0.ip.description)) \(scopeWord($0.scope))" }
        if h.addresses.count > 6 { addressParts.append("+\(h.addresses.count - 6) more") }
        var i = 0
        while i < addressParts.count {
            lines.append(addressParts[i..<min(i + 2, addressParts.count)].joined(separator: " · "))
            i += 2
        }
        for s in h.software.prefix(3) {
            lines.append("<font color=\"\(mutedColour)\">\(DOTText.html(s, limit: 60))</font>")
        }
        var roles: [String] = []
        if h.id == t.origin { roles.append("origin") }
        if h.id == t.finalRecipient { roles.append("final recipient") }
        if !roles.isEmpty {
            lines.append(
                "<font color=\"\(publicColour)\" point-size=\"8\"><b>\(roles.joined(separator: " · ").uppercased())</b></font>"
            )
        }
        var attrs = ["label=<\(lines.joined(separator: "<br/>"))>"]
        if h.hasPublicAndPrivateAddresses { attrs.append("fillcolor=\"#fffde7\"") }
        if h.id == t.origin {
            attrs.append("penwidth=2")
            attrs.append("color=\"#37474f\"")
        }
        if h.id == t.finalRecipient { attrs.append("peripheries=2") }
        return "h\(h.id) [\(attrs.joined(separator: ", "))];"
    }

    static func duration(_ s: Int) -> String {
        let sign = s < 0 ? "−" : "+"
        let a = abs(s)
        if a < 60 { return "\(sign)\(a) s" }
        if a < 3600 { return "\(sign)\(a / 60) min" + (a % 60 == 0 ? "" : " \(a % 60) s") }
        if a < 86400 { return "\(sign)\(a / 3600) h" + (a % 3600 / 60 == 0 ? "" : " \(a % 3600 / 60) min") }
        return "\(sign)\(a / 86400) d" + (a % 86400 / 3600 == 0 ? "" : " \(a % 86400 / 3600) h")
    }

    static func edge(_ e: Edge, annotations: [EdgeAnnotation], isReturn: Bool, isBoundary: Bool) -> String {
        var first = ["<b>\(e.hop)</b>"]
        if let p = e.protocolName, !p.isEmpty {
            // Exchange's keyword is a sentence; every Exchange hop would repeat it.
            let shown = p == "Microsoft SMTP Server" ? "Exchange SMTP" : p
            first.append(
                DOTText.html(shown, limit: 24) + (e.authenticated && !p.uppercased().hasSuffix("A") ? " (auth)" : ""))
        } else if e.authenticated {
            first.append("authenticated")
        }
        if e.tls { first.append(e.tlsVersion.map { DOTText.html($0, limit: 16) } ?? "TLS") }
        if let d = e.delaySeconds {
            first.append(d < 0 ? "<font color=\"\(warningColour)\">\(duration(d))</font>" : duration(d))
        }
        if isReturn { first.append("<i>back</i>") }
        var lines = [first.joined(separator: " · ")]
        if let via = e.via, !via.isEmpty {
            lines.append("<font color=\"\(mutedColour)\">via \(DOTText.html(via, limit: 40))</font>")
        }
        let worst = annotations.map(\.severity).max()
        for a in annotations {
            let colour = a.severity == .error ? errorColour : (a.severity == .warning ? warningColour : "#37474f")
            lines.append("<font color=\"\(colour)\">\(DOTText.html(a.label, limit: 90))</font>")
        }
        var attrs = ["label=<\(lines.joined(separator: "<br/>"))>"]
        switch worst {
        case .error?: attrs += ["color=\"\(errorColour)\"", "fontcolor=\"\(errorColour)\"", "penwidth=2.2"]
        case .warning?: attrs += ["color=\"\(warningColour)\"", "fontcolor=\"\(warningColour)\"", "penwidth=1.8"]
        default: if isBoundary { attrs.append("penwidth=1.4") }
        }
        return "h\(e.from) -> h\(e.to) [\(attrs.joined(separator: ", "))];"
    }

    /// The legend, two lines under the title.
    static let legendLines = [
        "Legend: <b>n</b> · protocol · TLS · delay = hop n in travel order"
            + "  │  \(scopeWord(.public)) / \(scopeWord(.private)) = address scope"
            + "  │  ≡ / ≈ = another name of the same host (certain / likely)"
            + "  │  bold border = origin, double border = final recipient",
        "pale yellow = host with a public and an internal interface (or NAT)"
            + "  │  dashed box = an organisation's internal network"
            + "  │  <font color=\"\(errorColour)\"><b>red edge</b></font> = SPF, DKIM or DMARC failed on this hop"
            + " (recorded by the receiver, or found by the replay)",
    ]
}
