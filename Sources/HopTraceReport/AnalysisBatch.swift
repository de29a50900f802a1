import HopTraceMessage

/// The whole analysis (`Analyzer.analyze`) over a window of a mailbox's messages on several
/// tasks at once, for `hoptrace analyze MBOX|MAILDIR`: each message's entry is rendered by the
/// task that analysed it, and the entries come back in the messages' order, byte for byte what
/// one task gives. Each message's analysis reads only the message and the shared options.
public enum AnalysisBatch {
    /// Analyses `items` (the messages from position `firstIndex` of the document on) on
    /// `threads` tasks, each entry rendered by `document` (`OrderedBatch.inOrder` gives them
    /// back in order), writing into the previous window's `buffers` when there are some.
    /// `Done.read` counts the messages that could be read.
    public static func analyze(
        _ items: [HopsBatch.Item], firstIndex: Int, threads: Int, options: AnalysisOptions,
        document: BatchDocument, buffers: OrderedBatch.Buffers = .init()
    ) async -> [OrderedBatch.Done] {
        await OrderedBatch.run(items, threads: threads, reserve: 1 << 20, buffers: buffers) { i, item, buffer in
            let result = await Analyzer.analyze(item.message, options: options)
            document.append(.init(label: item.label, result: result), index: firstIndex + i, into: buffer)
            if case .success = result { return true }
            return false
        }
    }
}
