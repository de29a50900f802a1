import HopTraceGraphviz
import HopTraceReport
import HopTraceTopology

/// `--dot OUT`: the relay topology of the report's `diagramChain`, drawn by Graphviz.
enum Diagram {
    /// `direction`: `--layout`; nil draws the direction that fits (`DiagramDirection.fitting`).
    static func write(_ report: Report, to path: String, title: String, direction: DiagramDirection?) async throws {
        guard let chain = report.diagramChain else {
            throw CommandFailure(message: "\(title): no chain of Received headers to draw", code: Exit.unreadableInput)
        }
        let options = DOTEncoder.Options(
            title: title,
            direction: direction ?? DiagramDirection.fitting(chain.topology, annotations: chain.annotations))
        try await render(DOTEncoder.encode(chain.topology, annotations: chain.annotations, options: options), to: path)
    }

    /// Graphviz's output of `dot` in the format of `path`'s extension; a failure is an I/O
    /// error (74), its message naming `path` once (a write error names it already).
    static func render(_ dot: String, to path: String) async throws {
        do {
            try await GraphvizRenderer.render(dot: dot, toFile: path)
        } catch let error as GraphvizError {
            if case .io = error { throw CommandFailure(message: "\(error)", code: Exit.ioError) }
            throw CommandFailure(message: "\(path): \(error)", code: Exit.ioError)
        } catch {
            throw CommandFailure(message: "\(path): \(error)", code: Exit.ioError)
        }
    }
}
