import HopTraceCore
import HopTraceDNS
import HopTraceGraphviz
import HopTraceReport
import HopTraceTopology

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `--report OUT.html|OUT.md|DIR/`: the incident report of each message, written after the
/// terminal or JSON output. A diagram that cannot be drawn never costs the report: the report
/// says so, and the command ends with one error line and exit 74 once everything is written.
struct IncidentReportOutput {
    enum Target: Equatable {
        case html(String)
        case markdown(String)
        /// A folder: one report per message (HTML and Markdown) and the index pages.
        case directory(String)
    }

    let target: Target
    /// The diagram's direction `--layout` asks for; nil: the one that fits.
    let direction: DiagramDirection?
    let version: String
    /// The analysis' time for the report: `SOURCE_DATE_EPOCH` when set (reproducible reports),
    /// else now.
    let analysisTime: Int64
    let dnsSource: String
    /// The first reason a diagram could not be drawn, reported at the end.
    private(set) var diagramFailure: String?
    private var index: [IncidentIndex.Entry] = []

    /// The target a path names: a trailing `/` or an existing folder is a folder; otherwise the
    /// extension (`.html`, `.htm`, `.md`, `.markdown`); nil for anything else.
    static func target(_ path: String) -> Target? {
        if path.hasSuffix("/") || PathKind.of(path) == .directory { return .directory(path) }
        let lower = path.lowercased()
        if lower.hasSuffix(".html") || lower.hasSuffix(".htm") { return .html(path) }
        if lower.hasSuffix(".md") || lower.hasSuffix(".markdown") { return .markdown(path) }
        return nil
    }

    /// The report's time: `SOURCE_DATE_EPOCH` (decimal Unix seconds) when the environment sets
    /// it, else `now`.
    static func analysisTime(environment: [String: String], now: Int64) -> Int64 {
        guard let value = environment["SOURCE_DATE_EPOCH"], let seconds = Int64(value), seconds >= 0 else {
            return now
        }
        return seconds
    }

    init(
        target: Target, version: String, analysisTime: Int64, dnsSource: String, direction: DiagramDirection? = nil
    ) throws {
        self.target = target
        self.direction = direction
        self.version = version
        self.analysisTime = analysisTime
        self.dnsSource = dnsSource
        if case .directory(let dir) = target {
            do {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            } catch {
                throw CommandFailure(message: "cannot create \(dir): \(SystemError.reason(error))", code: Exit.ioError)
            }
        }
    }

    /// A recorder for one message's DNS answers (the report's appendix), wrapping `resolver`.
    static func recorder(_ resolver: (any DNSResolver)?) -> RecordingResolver? {
        resolver.map { RecordingResolver(wrapping: $0) }
    }

    /// Writes the report of one message (`position` of `count` in the input).
    mutating func write(
        _ report: Report, label: String, recorder: RecordingResolver?, position: Int = 1, count: Int = 1
    ) async throws {
        let zone = recorder.map { $0.zoneFileText() }
        let incident = IncidentReport(
            report: report,
            context: IncidentContext(
                title: label, version: version, analysisTime: analysisTime, dnsSource: dnsSource, dnsZone: zone))
        let svg = await diagram(report, incident: incident, title: label)
        switch target {
        case .html(let path):
            try Self.save(HTMLReportRenderer.render(incident, diagram: svg), to: path)
        case .markdown(let path):
            let (svgPath, link) = Self.besideSVG(path)
            let diagram = try Self.saveDiagram(svg, to: svgPath, link: link)
            try Self.save(MarkdownReportRenderer.render(incident, diagram: diagram), to: path)
        case .directory(let dir):
            let stem = IncidentIndex.fileStem(position: position, count: count)
            try Self.save(HTMLReportRenderer.render(incident, diagram: svg), to: Self.join(dir, stem + ".html"))
            let diagram = try Self.saveDiagram(svg, to: Self.join(dir, stem + ".svg"), link: stem + ".svg")
            try Self.save(MarkdownReportRenderer.render(incident, diagram: diagram), to: Self.join(dir, stem + ".md"))
            index.append(.init(position: position, label: label, file: stem, report: incident, error: nil))
        }
    }

    /// A message of a mailbox that could not be read: an index entry with its error.
    mutating func unreadable(label: String, error: String, position: Int) {
        index.append(.init(position: position, label: label, file: nil, report: nil, error: error))
    }

    /// The index pages of a folder (`index.html` linking the HTML reports, `index.md` the
    /// Markdown ones); nothing for a single file.
    func finish(title: String) throws {
        guard case .directory(let dir) = target else { return }
        let html = IncidentIndex(
            entries: index.map { e in
                var e = e
                e.file = e.file.map { $0 + ".html" }
                return e
            })
        let md = IncidentIndex(
            entries: index.map { e in
                var e = e
                e.file = e.file.map { $0 + ".md" }
                return e
            })
        try Self.save(HTMLIndexRenderer.render(html, title: title), to: Self.join(dir, "index.html"))
        try Self.save(MarkdownIndexRenderer.render(md, title: title), to: Self.join(dir, "index.md"))
    }

    /// The diagram of the report's chain as sanitised SVG, or why there is none.
    mutating func diagram(_ report: Report, incident: IncidentReport, title: String) async -> IncidentDiagram {
        guard let chain = report.diagramChain, !chain.hops.isEmpty else { return .none }
        let dot = DOTEncoder.encode(
            chain.topology, annotations: chain.annotations,
            options: .init(title: title, direction: direction ?? incident.diagramDirection))
        do {
            let bytes = try await GraphvizRenderer.render(dot: dot, format: .svg)
            guard let svg = SVGSanitizer.sanitize(String(decoding: bytes, as: UTF8.self)) else {
                return failed("Graphviz's SVG did not pass the report's checks")
            }
            return .svg(svg)
        } catch {
            return failed("\(error)")
        }
    }

    private mutating func failed(_ reason: String) -> IncidentDiagram {
        if diagramFailure == nil { diagramFailure = reason }
        return .unavailable(reason)
    }

    /// `OUT.svg` beside `OUT.md`: its path, and its name relative to the report.
    static func besideSVG(_ path: String) -> (path: String, link: String) {
        let stem: Substring
        if let dot = path.lastIndex(of: "."), !path[dot...].contains("/") {
            stem = path[..<dot]
        } else {
            stem = path[...]
        }
        let svgPath = stem + ".svg"
        let link = svgPath.split(separator: "/").last.map(String.init) ?? String(svgPath)
        return (String(svgPath), link)
    }

    /// Writes the SVG beside a Markdown report; the diagram as the report refers to it.
    static func saveDiagram(_ diagram: IncidentDiagram, to path: String, link: String) throws -> IncidentDiagram {
        guard case .svg(let svg) = diagram else { return diagram }
        try save("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + svg + "\n", to: path)
        return .file(link)
    }

    static func join(_ dir: String, _ name: String) -> String {
        dir.hasSuffix("/") ? dir + name : dir + "/" + name
    }

    static func save(_ text: String, to path: String) throws {
        do {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw CommandFailure(message: "cannot write \(path): \(SystemError.reason(error))", code: Exit.ioError)
        }
    }
}
