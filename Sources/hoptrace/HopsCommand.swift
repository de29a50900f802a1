import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HopTraceCore
import HopTraceMessage
import HopTraceReport

/// `hoptrace hops`: the parse stage alone over many messages — intake, Received headers,
/// hops with address scopes and the chain findings — for bulk extraction (a mailbox into a
/// SIEM, a quick look at thousands of bounces). Thin: inputs → work items → `Analyzer.hops` on
/// every core (one task per core) → output in input order.
struct HopsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hops",
        abstract: "List the hops of many messages fast: intake and Received parsing only, no later analysis.",
        discussion: """
        Reads each input (a message file, an mbox mailbox, a Maildir folder, or "-" for \
        standard input) and prints, per message, every chain's hops oldest first with their \
        addresses and scopes, protocol, TLS, ids, times and delays, and the chain findings \
        (unparsed-received, clock-skew, chain-gap). Software, geography, topology and \
        authentication are not looked at: use analyze for those. Messages are parsed on \
        every core (--jobs) and printed in input order. A message that cannot be read gets \
        an error line and the others go on; the exit status is 65 only when no message at \
        all could be read.
        """
    )

    @Argument(help: "Message files, mbox files, Maildir folders, or \"-\" for standard input.")
    var inputs: [String]

    @Flag(help: "Print JSON Lines: one compact JSON object per message.")
    var jsonl = false

    @Option(help: ArgumentHelp("Parse on this many threads (default: the number of cores).", valueName: "N"))
    var jobs: Int?

    func validate() throws {
        if inputs.isEmpty { throw ValidationError("name at least one input") }
        if let jobs, !(1...256).contains(jobs) { throw ValidationError("--jobs must be between 1 and 256") }
    }

    /// One message to parse: its label in the output and where its bytes come from.
    enum Item: Sendable {
        case bytes(label: String, ArraySlice<UInt8>)
        /// A Maildir file, read by the worker that parses it.
        case file(String)
    }

    func run() async throws {
        let threads = jobs ?? max(1, ProcessInfo.processInfo.activeProcessorCount)
        let renderer = TextRenderer(color: Terminal.wantsColour)
        let format: Format = { [jsonl] label, result, out in
            if jsonl {
                JSONRenderer.appendHopsLine(label: label, result, to: &out)
            } else {
                out += renderer.renderHops(label: label, result).utf8
            }
        }
        var read = 0
        var failed = 0
        for path in inputs {
            var items: [Item] = []
            switch try InputReader.read(path) {
            case let .message(bytes):
                items = [.bytes(label: path == "-" ? "standard input" : path, bytes[...])]
            case let .mbox(bytes):
                items = Mailbox.split(mbox: bytes).enumerated().map { .bytes(label: "\(path):\($0.offset + 1)", $0.element) }
            case let .maildir(files):
                items = files.prefix(Limits.maxMailboxMessages).map { .file($0) }
            }
            // Windows of messages: parsed in parallel, written in order; the output held at any
            // time is one window's, not the mailbox's.
            var start = 0
            while start < items.count {
                let window = Array(items[start..<min(start + Self.window, items.count)])
                let done = await Self.parse(window, threads: threads, format: format)
                let ok = done.reduce(0) { $0 + $1.read }
                read += ok
                failed += window.count - ok
                try Self.writeInOrder(done, items: window.count)
                start += Self.window
            }
        }
        if read == 0 && failed > 0 {
            throw CommandFailure(message: "no message could be read", code: Exit.unreadableInput)
        }
    }

    /// Messages per window: enough to keep every core busy, few enough that the buffers stay
    /// small (a fresh multi-megabyte buffer costs more in page faults than its parsing saves).
    static let window = 512

    /// Appends one message's output to the buffer.
    typealias Format = @Sendable (String, Result<HopsReport, IntakeError>, inout [UInt8]) -> Void

    /// What one task produced: its output buffer, where each of its messages lies in it, and
    /// how many of them could be read.
    struct Done: Sendable {
        var worker: Int
        var buffer: [UInt8] = []
        var ranges: [Range<Int>] = []
        var read = 0
    }

    /// Parses `items` on `threads` concurrent tasks, task `w` taking items `w`, `w + threads`, …
    /// (neighbouring messages, often of similar size, go to different tasks). Sorted by task.
    static func parse(_ items: [Item], threads: Int, format: @escaping Format) async -> [Done] {
        let workers = min(threads, items.count)
        var done: [Done] = []
        await withTaskGroup(of: Done.self) { group in
            for worker in 0..<workers {
                group.addTask {
                    var d = Done(worker: worker)
                    d.buffer.reserveCapacity(256 << 10)
                    var i = worker
                    while i < items.count {
                        let (label, result) = one(items[i])
                        if case .success = result { d.read += 1 }
                        let start = d.buffer.count
                        format(label, result, &d.buffer)
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

    /// Writes the tasks' output to standard output in the items' order: item `i` is the
    /// `(i / tasks)`-th message of task `i % tasks`. Straight from the buffers, no copy.
    static func writeInOrder(_ done: [Done], items: Int) throws {
        guard !done.isEmpty else { return }
        if done.count == 1 {
            try StandardOutput.write(done[0].buffer[...])
            return
        }
        for i in 0..<items {
            let d = done[i % done.count]
            try StandardOutput.write(d.buffer[d.ranges[i / done.count]])
        }
    }

    static func one(_ item: Item) -> (String, Result<HopsReport, IntakeError>) {
        switch item {
        case let .bytes(label, bytes):
            return (label, Result { () throws(IntakeError) in try Analyzer.hops(bytes) })
        case let .file(path):
            switch InputReader.readMessageFile(path) {
            case let .success(bytes): return (path, Result { () throws(IntakeError) in try Analyzer.hops(bytes[...]) })
            case let .failure(error): return (path, .failure(error))
            }
        }
    }
}
