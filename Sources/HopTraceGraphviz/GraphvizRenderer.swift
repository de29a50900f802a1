import CGraphviz
import HopTraceCore
import HopTraceTopology

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one actor every Graphviz call runs on. `man cgraph`: "The library is not thread safe";
/// measured here: two threads laying out graphs crash every time, with one shared context or
/// one each, so the state is process-wide and every cgraph/gvc call must be serialised.
@globalActor
public actor GraphvizActor {
    public static let shared = GraphvizActor()
}

/// Output formats, named by file extension.
public enum GraphvizFormat: String, Sendable, Hashable, CaseIterable {
    case svg, png, pdf
    /// The DOT source itself, not Graphviz's laid-out rewrite of it: the source is
    /// deterministic and re-renders anywhere. Written without loading Graphviz at all.
    case dot

    /// The format a path's extension names (case-insensitive); nil for any other.
    public init?(pathExtension path: String) {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
        self.init(rawValue: path[path.index(after: dot)...].lowercased())
    }
}

public enum GraphvizError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The output file's extension is not one of svg, png, pdf, dot.
    case unsupportedFormat(String)
    /// Graphviz could not read the DOT text.
    case parse(String)
    case layout(String)
    case render(String)
    /// The output file could not be written.
    case io(String)
    /// libgvc or libcgraph could not be loaded (not installed, or another version).
    case unavailable(String)

    public var description: String {
        switch self {
        case .unsupportedFormat(let p): return "unsupported diagram format for \(p): use .svg, .png, .pdf or .dot"
        case .parse(let m): return "Graphviz could not read the diagram: \(m)"
        case .layout(let m): return "Graphviz layout failed: \(m)"
        case .render(let m): return "Graphviz rendering failed: \(m)"
        case .io(let m): return "could not write the diagram: \(m)"
        case .unavailable(let m): return "Graphviz is not available: \(m)"
        }
    }
}

/// Lays out DOT text with the `dot` engine and renders it through libgvc.
@GraphvizActor
public enum GraphvizRenderer {
    /// The process-wide context, created on first use and never freed: Graphviz keeps
    /// process-wide state, and freeing and re-creating contexts buys nothing.
    private static var context: OpaquePointer?

    /// The library (loaded at the first drawing) and the context.
    private static func session() throws -> (GraphvizLibrary, OpaquePointer) {
        let gv: GraphvizLibrary
        do {
            gv = try GraphvizLibrary.shared.get()
        } catch {
            throw GraphvizError.unavailable(error.description)
        }
        if let context { return (gv, context) }
        // Errors go to a buffer read with aglasterr() instead of standard error.
        _ = gv.agseterr(AGMAX)
        guard let c = gv.gvContext() else { throw GraphvizError.layout("could not create a Graphviz context") }
        context = c
        return (gv, c)
    }

    /// The newest error Graphviz recorded, copied out and freed. Touches no actor state, but
    /// only ever runs from code on `GraphvizActor` (it reads Graphviz's global error buffer).
    nonisolated private static func lastError(_ gv: GraphvizLibrary, _ fallback: String) -> String {
        guard let p = gv.aglasterr() else { return fallback }
        defer { free(p) }
        let s = String(String(cString: p).trimmingASCII())
        return s.isEmpty ? fallback : s
    }

    /// A parsed and laid-out graph; frees the layout and the graph in `deinit`. Not Sendable and
    /// only created inside the renderer's actor-isolated functions, which drop it before they
    /// return: every use, and `deinit`, runs on `GraphvizActor`.
    private final class LaidOutGraph {
        let gv: GraphvizLibrary
        let gvc: OpaquePointer
        let graph: UnsafeMutablePointer<Agraph_t>

        init(dot: String, gv: GraphvizLibrary, gvc: OpaquePointer) throws {
            _ = gv.agreseterrors()
            guard let g = dot.withCString({ gv.agmemread($0) }) else {
                throw GraphvizError.parse(GraphvizRenderer.lastError(gv, "not a DOT graph"))
            }
            self.gv = gv
            self.gvc = gvc
            self.graph = g
        }

        func layout() throws {
            guard gv.gvLayout(gvc, graph, "dot") == 0 else {
                throw GraphvizError.layout(GraphvizRenderer.lastError(gv, "gvLayout returned an error"))
            }
        }

        deinit {
            // No gvFreeLayout: Graphviz 2.42's dot layout double-frees in it on some clustered
            // graphs (Tests/HopTraceGraphvizTests/Fixtures/clustered-map.dot aborts the process),
            // while the layout's own records are freed with the graph's memory by agclose or
            // left for the process's end. A crash on attacker-shaped input is the worse failure.
            _ = gv.agclose(graph)
        }
    }

    /// The diagram in `format`, as bytes. `.dot` is the text as given: libgvc is not loaded,
    /// so a `.dot` file can be written where Graphviz is not installed.
    public static func render(dot: String, format: GraphvizFormat) throws -> [UInt8] {
        if format == .dot { return Array(dot.utf8) }
        let (gv, gvc) = try session()
        let graph = try LaidOutGraph(dot: dot, gv: gv, gvc: gvc)
        try graph.layout()
        let (status, buffer, length) = gv.renderData(gvc, graph.graph, format: format.rawValue)
        guard status == 0, let buffer else {
            throw GraphvizError.render(lastError(gv, "gvRenderData returned an error for \(format.rawValue)"))
        }
        defer { gv.gvFreeRenderData(buffer) }
        return buffer.withMemoryRebound(to: UInt8.self, capacity: length) {
            Array(UnsafeBufferPointer(start: $0, count: length))
        }
    }

    /// Renders into a file whose extension picks the format.
    public static func render(dot: String, toFile path: String) throws {
        guard let format = GraphvizFormat(pathExtension: path) else { throw GraphvizError.unsupportedFormat(path) }
        let bytes = try render(dot: dot, format: format)
        try write(bytes, to: path)
    }

    /// Draws a topology (`DOTEncoder`) in `format`.
    public static func render(
        _ topology: Topology, format: GraphvizFormat,
        options: DOTEncoder.Options = DOTEncoder.Options()
    ) throws -> [UInt8] {
        try render(dot: DOTEncoder.encode(topology, options: options), format: format)
    }

    private static func write(_ bytes: [UInt8], to path: String) throws {
        guard let file = fopen(path, "wb") else {
            throw GraphvizError.io("\(path): \(String(cString: strerror(errno)))")
        }
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        let closed = fclose(file)
        guard written == bytes.count, closed == 0 else {
            throw GraphvizError.io("\(path): \(String(cString: strerror(errno)))")
        }
    }
}
