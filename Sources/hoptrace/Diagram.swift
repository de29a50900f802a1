import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HopTraceGraphviz
import HopTraceMessage
import HopTraceReport
import HopTraceTopology

/// `--dot OUT`: the relay topology of the message's main chain, drawn by Graphviz.
enum Diagram {
    /// The chain worth drawing: for a report (receipt, bounce) the embedded original, which is
    /// where the message travelled; otherwise the message's own chain.
    static func mainChain(_ report: Report) -> ChainReport? {
        if report.reportKind != nil, let embedded = report.chains.first(where: { $0.source == .embedded && !$0.hops.isEmpty }) {
            return embedded
        }
        return report.chains.first { !$0.hops.isEmpty } ?? report.chains.first
    }

    static func write(_ report: Report, to path: String, title: String) async throws {
        guard let chain = mainChain(report) else {
            throw CommandFailure(message: "\(title): no chain of Received headers to draw", code: Exit.unreadableInput)
        }
        let dot = DOTEncoder.encode(chain.topology, annotations: chain.annotations, options: .init(title: title))
        do {
            try await GraphvizRenderer.render(dot: dot, toFile: path)
        } catch {
            throw CommandFailure(message: "\(path): \(error)", code: Exit.ioError)
        }
    }
}
