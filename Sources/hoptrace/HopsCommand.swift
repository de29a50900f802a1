import ArgumentParser
import HopTraceCore
import HopTraceMessage
import HopTraceReport

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

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
            an error line and the others go on; the exit status is 65 when no message at all \
            could be read. An input that cannot be opened (no such file, not a Maildir) gets \
            one line on standard error and the others go on; at the end a line says how many \
            inputs failed, and the exit status is 74 (65 when each was only too large).
            """ + HelpText.examples(for: "hops")
    )

    @Argument(help: "Message files, mbox files, Maildir folders, or \"-\" for standard input.")
    var inputs: [String]

    @Flag(
        name: [.customLong("jsonl"), .customLong("json")],
        help: "Print JSON Lines: one compact JSON object per message (--json is the same).")
    var jsonl = false

    @Option(
        name: [.customShort("j", allowingJoined: true), .long],
        help: ArgumentHelp("Parse on this many threads (default: the number of cores).", valueName: "N"))
    var jobs: Int?

    @OptionGroup var colour: ColourOption

    @OptionGroup var widthOption: WidthOption

    func validate() throws {
        if inputs.isEmpty { throw ValidationError("name at least one input") }
        if let jobs, !(1...256).contains(jobs) { throw ValidationError("--jobs must be between 1 and 256") }
    }

    func run() async throws {
        let threads = jobs ?? max(1, ProcessInfo.processInfo.activeProcessorCount)
        // The text renderer (and the Public Suffix List it shortens names with) only for text.
        let renderer =
            jsonl ? nil : TextRenderer(color: colour.wanted, width: widthOption.width, publicSuffixList: .standard)
        let format: HopsBatch.Format = { label, result, out in
            if let renderer {
                out.append(utf8: renderer.renderHops(label: label, result))
            } else {
                JSONRenderer.appendHopsLine(label: label, result, to: out)
            }
        }
        var read = 0
        var failed = 0
        var inputFailures: [CommandFailure] = []
        for path in inputs {
            let source: MessageSource
            do {
                source = try InputReader.messages(path)
            } catch let failure as CommandFailure {
                StandardError.write("hoptrace: error: \(TerminalText.sanitize(failure.message))\n")
                inputFailures.append(failure)
                continue
            }
            let messages = source.messages
            // Windows of messages: parsed in parallel, written in order, each window written
            // while the next one is parsed (the cores do not wait for the writing); the
            // messages and the output held at any time are two windows', not the mailbox's.
            // A window writes into the buffers of the window two before it, written out by then.
            var spare = OrderedBatch.Buffers()
            var parsed: (done: [HopsBatch.Done], count: Int)?
            for start in stride(from: 0, to: messages.count, by: HopsBatch.window) {
                let window: [HopsBatch.Item] = messages[start..<min(start + HopsBatch.window, messages.count)].map {
                    message in (label: source.label(message.label), message: message)
                }
                let buffers = spare
                async let parsing = HopsBatch.parse(window, threads: threads, buffers: buffers, format: format)
                if let previous = parsed {
                    try HopsBatch.inOrder(previous.done, items: previous.count) { try StandardOutput.write($0) }
                    spare = OrderedBatch.Buffers(previous.done)
                }
                let done = await parsing
                let ok = done.reduce(0) { $0 + $1.read }
                read += ok
                failed += window.count - ok
                parsed = (done, window.count)
            }
            if let last = parsed {
                try HopsBatch.inOrder(last.done, items: last.count) { try StandardOutput.write($0) }
            }
        }
        if !inputFailures.isEmpty {
            let code =
                inputFailures.allSatisfy { $0.code == Exit.unreadableInput } ? Exit.unreadableInput : Exit.ioError
            let count = inputFailures.count == 1 ? "1 input" : "\(inputFailures.count) inputs"
            throw CommandFailure(
                message: "\(count) of \(inputs.count) could not be read", code: code)
        }
        if read == 0 && failed > 0 {
            throw CommandFailure(message: "no message could be read", code: Exit.unreadableInput)
        }
    }
}
