import HopTraceCore
import HopTraceMessage

/// The parse stage (`Analyzer.hops`) over many messages on several tasks at once, for
/// `hoptrace hops`: each task appends its messages' output to its own buffer, and the output
/// comes back in the messages' order.
public enum HopsBatch {
    /// One message: its label in the output, and the message (a Maildir file is read by the
    /// task that parses it).
    public typealias Item = (label: String, message: SourceMessage)

    /// Appends one message's output to the buffer.
    public typealias Format = @Sendable (String, Result<HopsReport, IntakeError>, JSONBuffer) -> Void

    /// Messages per window: enough to keep every core busy, few enough that the buffers stay
    /// small (a fresh multi-megabyte buffer costs more in page faults than its parsing saves).
    public static let window = 512

    /// What one task produced (`OrderedBatch.Done`).
    public typealias Done = OrderedBatch.Done

    /// Parses `items` on `threads` concurrent tasks (`OrderedBatch.run`), writing into the
    /// previous window's `buffers` when there are some. Sorted by task.
    public static func parse(
        _ items: [Item], threads: Int, buffers: OrderedBatch.Buffers = .init(), format: @escaping Format
    ) async -> [Done] {
        await OrderedBatch.run(items, threads: threads, buffers: buffers) { _, item, buffer in
            let result = item.message.read().flatMap { bytes in
                Result { () throws(IntakeError) in try Analyzer.hops(bytes) }
            }
            format(item.label, result, buffer)
            if case .success = result { return true }
            return false
        }
    }

    /// The tasks' output in the items' order, handed to `write` (`OrderedBatch.inOrder`).
    public static func inOrder(
        _ done: [Done], items: Int, _ write: ([UnsafeRawBufferPointer]) throws -> Void
    ) rethrows {
        try OrderedBatch.inOrder(done, items: items, write)
    }
}
