import HopTraceMessage

/// The parse stage (`Analyzer.hops`) over many messages on several tasks at once, for
/// `hoptrace hops`: each task appends its messages' output to its own buffer, and the output
/// comes back in the messages' order.
public enum HopsBatch {
    /// One message: its label in the output, and the message (a Maildir file is read by the
    /// task that parses it).
    public typealias Item = (label: String, message: SourceMessage)

    /// Appends one message's output to the buffer.
    public typealias Format = @Sendable (String, Result<HopsReport, IntakeError>, inout [UInt8]) -> Void

    /// Messages per window: enough to keep every core busy, few enough that the buffers stay
    /// small (a fresh multi-megabyte buffer costs more in page faults than its parsing saves).
    public static let window = 512

    /// What one task produced: its output buffer, where each of its messages lies in it, and
    /// how many of them could be read.
    public struct Done: Sendable {
        public var worker: Int
        public var buffer: [UInt8] = []
        public var ranges: [Range<Int>] = []
        public var read = 0
    }

    /// Parses `items` on `threads` concurrent tasks, task `w` taking items `w`, `w + threads`, …
    /// (neighbouring messages, often of similar size, go to different tasks). Sorted by task.
    public static func parse(_ items: [Item], threads: Int, format: @escaping Format) async -> [Done] {
        let workers = min(threads, items.count)
        var done: [Done] = []
        await withTaskGroup(of: Done.self) { group in
            for worker in 0..<workers {
                group.addTask {
                    var d = Done(worker: worker)
                    d.buffer.reserveCapacity(256 << 10)
                    var i = worker
                    while i < items.count {
                        let result = items[i].message.read().flatMap { bytes in
                            Result { () throws(IntakeError) in try Analyzer.hops(bytes) }
                        }
                        if case .success = result { d.read += 1 }
                        let start = d.buffer.count
                        format(items[i].label, result, &d.buffer)
                        d.ranges.append(start..<d.buffer.count)
                        i += workers
                    }
                    return d
                }
            }
            for await d in group { done.append(d) }
        }
        return done.sorted { $0.worker < $1.worker }
    }

    /// The tasks' output in the items' order, as slices of their buffers (no copy): item `i`
    /// is the `(i / tasks)`-th message of task `i % tasks`.
    public static func inOrder(_ done: [Done], items: Int) -> [ArraySlice<UInt8>] {
        if done.count <= 1 { return done.map { $0.buffer[...] } }
        return (0..<items).map { i in done[i % done.count].buffer[done[i % done.count].ranges[i / done.count]] }
    }
}
