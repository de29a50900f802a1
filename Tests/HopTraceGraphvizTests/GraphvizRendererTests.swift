import Foundation
import HopTraceCore
import HopTraceGraphviz
import HopTraceTopology
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

enum GraphvizFixtures {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The DOT goldens HopTraceTopologyTests records.
    static func golden(_ name: String) throws -> String {
        let url = packageRoot.appendingPathComponent("Tests/HopTraceTopologyTests/Golden/\(name)")
        return String(decoding: try Data(contentsOf: url), as: UTF8.self)
    }

    /// A topology whose every attacker-written string is hostile.
    static func hostile() -> Topology {
        let names = [
            "evil\"quote.example", "<script>alert(1)</script>.example", "a&b&amp;c.example",
            "line1\nline2\r\n.example", "ctl\u{1B}[2J\u{7}\u{0}\u{8}.example",
            String(repeating: "L", count: 10_000) + ".example", "\\N\\G\\l.example", "]]><!--x-->.example",
            "\u{202E}moc.example", "bad\u{FFFE}xml.example",
        ]
        var hosts: [HopTraceTopology.Host] = []
        var edges: [Edge] = []
        for (i, name) in names.enumerated() {
            hosts.append(
                HopTraceTopology.Host(
                    id: i + 1, names: [name, "<b>alias</b>\(i)"],
                    addresses: [HostAddress(ip: .v4(0xC000_0200 + UInt32(i)), scope: .public)],
                    organisation: i < 5 ? "<org>&\"x\"" : nil, zone: i % 3 == 0 ? .internal : .internetFacing,
                    hops: [i + 1], software: ["<script>soft</script>\u{1B}"]))
            if i > 0 {
                edges.append(
                    Edge(
                        hop: i, from: i, to: i + 1, protocolName: "ESMTP\"]; evil [", tls: true,
                        tlsVersion: "<TLS>", delaySeconds: i, via: "<via>&"))
            }
        }
        let org = Organisation(
            id: "<org>&\"x\"", name: "<org>&\"x\"", domains: ["<org>&\"x\"", "<script>.example"],
            asns: [64500], hosts: [1, 2, 3, 4, 5], basis: .registrableDomain)
        return Topology(hosts: hosts, organisations: [org], edges: edges, boundaries: [5])
    }

    /// A hostile mark on the hostile topology's second hop.
    static let hostileMarks = [EdgeAnnotation(hop: 2, severity: .error, label: "<script>x</script>&\n\u{1B}")]
}

@Suite(.serialized) struct GraphvizRendererTests {
    @Test(arguments: GraphvizFormat.allCases)
    func smokeRender(_ format: GraphvizFormat) async throws {
        let dot = try GraphvizFixtures.golden("bt-com-annotated.dot")
        let bytes = try await GraphvizRenderer.render(dot: dot, format: format)
        let head = String(decoding: bytes.prefix(64), as: UTF8.self)
        switch format {
        case .svg: #expect(head.hasPrefix("<?xml") || head.hasPrefix("<svg"))
        case .png: #expect(Array(bytes.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        case .pdf: #expect(head.hasPrefix("%PDF"))
        case .dot: #expect(head.hasPrefix("digraph"))
        }
        #expect(bytes.count > 500)
    }

    /// The length gvRenderData writes (in the header's own integer type) is the rendering's:
    /// the bytes end exactly at the SVG's closing tag, with no terminator or stray byte.
    @Test func theRenderedLengthIsTheDocumentsOwn() async throws {
        let bytes = try await GraphvizRenderer.render(dot: "digraph { a -> b }", format: .svg)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix("<?xml"))
        #expect(text.hasSuffix("</svg>\n"))
        #expect(!bytes.contains(0))
    }

    @Test func formatFromExtension() {
        #expect(GraphvizFormat(pathExtension: "out.svg") == .svg)
        #expect(GraphvizFormat(pathExtension: "/tmp/x.y/OUT.PNG") == .png)
        #expect(GraphvizFormat(pathExtension: "a.pdf") == .pdf)
        #expect(GraphvizFormat(pathExtension: "a.dot") == .dot)
        #expect(GraphvizFormat(pathExtension: "a.jpg") == nil)
        #expect(GraphvizFormat(pathExtension: "noext") == nil)
        #expect(GraphvizFormat(pathExtension: "dir.svg/file") == nil)
    }

    @Test func unsupportedExtensionIsAnError() async {
        await #expect(throws: GraphvizError.unsupportedFormat("/tmp/x.gif")) {
            try await GraphvizRenderer.render(dot: "digraph a { x }", toFile: "/tmp/x.gif")
        }
    }

    @Test func badDOTIsAParseErrorWithGraphvizMessage() async throws {
        do {
            _ = try await GraphvizRenderer.render(dot: "digraph { a -> ; ", format: .svg)
            Issue.record("expected an error")
        } catch let GraphvizError.parse(message) {
            #expect(!message.isEmpty)
        }
    }

    @Test func writesFiles() async throws {
        let dot = try GraphvizFixtures.golden("raynet.dot")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "hoptrace-gv-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for ext in ["svg", "png", "pdf", "dot"] {
            let path = dir.appendingPathComponent("raynet.\(ext)").path
            try await GraphvizRenderer.render(dot: dot, toFile: path)
            #expect(((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0) > 100)
        }
        await #expect(throws: GraphvizError.self) {
            try await GraphvizRenderer.render(dot: dot, toFile: dir.appendingPathComponent("no/such/dir.svg").path)
        }
    }

    @Test func hostileNamesGiveWellFormedSVGWithNoInjectedElement() async throws {
        let topology = GraphvizFixtures.hostile()
        let dot = DOTEncoder.encode(
            topology, annotations: GraphvizFixtures.hostileMarks,
            options: .init(title: "<title>\"&\\G\u{1B}"))
        let svgBytes = try await GraphvizRenderer.render(dot: dot, format: .svg)
        let svg = String(decoding: svgBytes, as: UTF8.self)
        #expect(!svg.contains("<script"))
        #expect(!svg.contains("<b>alias"))
        #expect(!svg.contains("\u{1B}"))
        #expect(!svg.contains(String(repeating: "L", count: 100)))
        // One node group per host: no node or edge was injected.
        #expect(svg.components(separatedBy: "class=\"node\"").count - 1 == topology.hosts.count)
        #expect(svg.components(separatedBy: "class=\"edge\"").count - 1 == topology.edges.count)
        #if canImport(FoundationXML)
        let delegate = ElementCollector()
        let parser = XMLParser(data: Data(svgBytes))
        parser.delegate = delegate
        #expect(parser.parse(), "SVG is not well-formed: \(String(describing: parser.parserError))")
        #expect(!delegate.elements.contains("script"))
        #expect(
            Set(delegate.elements).isSubset(of: [
                "svg", "g", "title", "text", "path", "polygon", "ellipse", "polyline", "a",
            ]))
        #endif
        // PNG and PDF render too.
        #expect(try await GraphvizRenderer.render(dot: dot, format: .png).count > 1000)
        #expect(try await GraphvizRenderer.render(dot: dot, format: .pdf).count > 1000)
    }

    /// `HOPTRACE_DIAGRAM_PREVIEW=/some/dir swift test …` writes the goldens as PNG and SVG there,
    /// to look at.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["HOPTRACE_DIAGRAM_PREVIEW"] != nil))
    func preview() async throws {
        let dir = ProcessInfo.processInfo.environment["HOPTRACE_DIAGRAM_PREVIEW"]!
        for name in ["bt-com", "bt-com-annotated", "raynet", "raynet-annotated"] {
            for ext in ["png", "svg"] {
                try await GraphvizRenderer.render(
                    dot: try GraphvizFixtures.golden("\(name).dot"), toFile: "\(dir)/\(name).\(ext)")
            }
        }
    }

    @Test func concurrentRendersAreSerialised() async throws {
        let dot = try GraphvizFixtures.golden("bt-com.dot")
        let sizes = try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<8 {
                group.addTask { try await GraphvizRenderer.render(dot: dot, format: i % 2 == 0 ? .svg : .png).count }
            }
            var out: [Int] = []
            for try await s in group { out.append(s) }
            return out
        }
        #expect(sizes.count == 8 && sizes.allSatisfy { $0 > 1000 })
    }
}

#if canImport(FoundationXML)
final class ElementCollector: NSObject, XMLParserDelegate {
    var elements: [String] = []
    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        elements.append(name)
    }
}
#endif

/// A merged relay map of the samples, drawn with organisation clusters: Graphviz 2.42's dot
/// layout double-freed on this graph in gvFreeLayout (the dot command renders it). Rendering it
/// must neither crash nor fail.
@Suite struct ClusteredGraphRegressionTests {
    @Test func theClusteredMapRendersRepeatedly() async throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "Fixtures/clustered-map.dot")
        let dot = try String(contentsOf: url, encoding: .utf8)
        for _ in 0..<3 {
            let svg = try await GraphvizRenderer.render(dot: dot, format: .svg)
            #expect(
                String(decoding: svg.prefix(200), as: UTF8.self).contains("<svg")
                    || String(decoding: svg.prefix(200), as: UTF8.self).contains("<?xml"))
        }
    }
}
