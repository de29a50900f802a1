import ArgumentParser
import HopTraceCore
import HopTraceGraphviz
import HopTraceMessage
import HopTraceReport
import HopTraceTopology

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `hoptrace map`: many messages, one relay map. Thin: reads the inputs by windows of messages
/// parsed on every core (or, with `--merge`, partial maps line by line), folds each message's
/// chains into a `RelayMap` in input order or writes them as a partial map, renders the result.
struct MapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "map",
        abstract: "Merge the relay paths of many messages (mbox, Maildir, .eml files) into one relay map.",
        discussion: """
            Reads each input (an mbox mailbox, a Maildir folder, or message files), builds each \
            message's relay topology, and merges them: hosts seen under the same name or public \
            address are one node; each step says how many messages took it, first and last seen. \
            Memory grows with the number of hosts, not of messages. A progress line goes to \
            standard error when it is a terminal.

            For archives split into shards: `--partial` writes a shard's partial map (JSON \
            Lines) instead, and `--merge` reads partial maps and gives exactly the map one run \
            over the shards, in the order given, would give.
            """ + HelpText.examples(for: "map")
    )

    @Argument(help: "mbox files, Maildir folders or message files (with --merge: partial maps; \"-\": standard input).")
    var inputs: [String]

    @Flag(help: "Print the map as one JSON document.")
    var json = false

    @Option(
        name: .customLong("dot"),
        help: ArgumentHelp("Draw the map with Graphviz (.svg, .png, .pdf or .dot).", valueName: "OUT"))
    var dotPath: String?

    @Option(
        name: [.customShort("j", allowingJoined: true), .long],
        help: ArgumentHelp(
            "Read and parse messages on this many threads (default: the number of cores); the map is the same.",
            valueName: "N"))
    var jobs: Int?

    @Flag(help: "Write a partial map (JSON Lines) for a later --merge instead of the map.")
    var partial = false

    @Flag(help: "The inputs are partial maps (written by --partial): merge them, in the order given.")
    var merge = false

    func validate() throws {
        if let dotPath, GraphvizFormat(pathExtension: dotPath) == nil {
            throw ValidationError("--dot: unknown format for \(dotPath); use .svg, .png, .pdf or .dot")
        }
        if partial && (json || dotPath != nil) {
            throw ValidationError("--partial writes a partial map: it takes neither --json nor --dot")
        }
        if let jobs, !(1...256).contains(jobs) { throw ValidationError("--jobs must be between 1 and 256") }
        if inputs.filter({ $0 == "-" }).count > 1 {
            throw ValidationError("standard input (\"-\") can be read only once")
        }
    }

    func run() async throws {
        var sink = partial ? MapSink(writer: PartialMapWriter()) : MapSink(writer: nil)
        if partial { try StandardOutput.write(PartialMap.header[...]) }
        if merge {
            for path in inputs { try Self.readPartial(path, into: &sink) }
        } else {
            // Messages are parsed by windows on every core (--jobs) and folded in input order.
            let threads = jobs ?? max(1, ProcessInfo.processInfo.activeProcessorCount)
            for path in inputs {
                let messages = try InputReader.messages(path).messages
                for start in stride(from: 0, to: messages.count, by: MapBatch.window) {
                    let window = Array(messages[start..<min(start + MapBatch.window, messages.count)])
                    for chains in await MapBatch.chains(window, threads: threads) {
                        if let chains { try sink.add(chains) } else { sink.unreadable += 1 }
                    }
                }
            }
        }
        sink.progress(final: true)
        if let writer = sink.writer {
            try sink.flush()
            try StandardOutput.write(writer.end(unreadable: sink.unreadable)[...])
            return
        }
        let map = sink.map
        // The map first: a diagram that cannot be drawn is one error line after it. The JSON
        // document is written piece by piece, never held whole.
        if json {
            try map.writeJSON { try StandardOutput.write($0) }
        } else {
            try StandardOutput.write(MapTextRenderer.render(map, unreadable: sink.unreadable))
        }
        if let dotPath {
            try await Diagram.render(map.dot(title: "relay map of \(map.messages) messages"), to: dotPath)
        }
    }

    /// Every part of the partial map at `path` ("-": standard input), message by message.
    static func readPartial(_ path: String, into sink: inout MapSink) throws {
        let name = MessageSource.name(path)
        let fd: Int32
        if path == "-" {
            fd = FileDescriptor.standardInput
        } else {
            guard let opened = FileDescriptor.openForReading(path) else {
                throw CommandFailure(InputError(.cannotOpen(SystemError(code: errno)), name: path))
            }
            fd = opened
        }
        defer { if path != "-" { close(fd) } }
        var reader = PartialMapReader()
        do {
            try FileInput.forEachLine(fd, name: name, maxLine: PartialMap.maxLineBytes) { line in
                switch try reader.read(line: line) {
                case .message(let chains)?: try sink.add(chains)
                case .end(_, let unreadable)?: sink.unreadable += unreadable
                case nil: break
                }
            }
            try reader.finish()
        } catch let error as InputError {
            throw CommandFailure(error)
        } catch let error as PartialMapError {
            throw CommandFailure(
                message: "\(name): not a partial map of this version: \(error)", code: Exit.unreadableInput)
        }
    }
}

/// Where `map`'s messages go: into the relay map, or out as partial-map lines.
struct MapSink {
    var map = RelayMap()
    var writer: PartialMapWriter?
    var unreadable = 0
    private var messages = 0
    private var out: [UInt8] = []
    private let showsProgress = Terminal.showsProgress

    init(writer: PartialMapWriter?) { self.writer = writer }

    mutating func add(_ chains: [RelayMap.Chain]) throws {
        if writer != nil {
            out += writer!.lines(message: chains)
            if out.count >= 1 << 16 { try flush() }
        } else {
            map.add(message: chains)
        }
        messages += 1
        if messages % 500 == 0 { progress(final: false) }
    }

    mutating func flush() throws {
        try StandardOutput.write(out[...])
        out.removeAll(keepingCapacity: true)
    }

    func progress(final: Bool) {
        guard showsProgress else { return }
        StandardError.write("\rhoptrace map: \(messages) messages" + (final ? "\n" : ""))
    }
}
