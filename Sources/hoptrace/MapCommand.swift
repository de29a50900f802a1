import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import HopTraceCore
import HopTraceGraphviz
import HopTraceMessage
import HopTraceReceived
import HopTraceReport
import HopTraceTopology

/// `hoptrace map`: many messages, one relay map. Thin: reads the inputs one message at a time,
/// folds each message's topologies into a `RelayMap`, renders it.
struct MapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "map",
        abstract: "Merge the relay paths of many messages (mbox, Maildir, .eml files) into one relay map.",
        discussion: """
        Reads each input (an mbox mailbox, a Maildir folder, or message files), builds each \\
        message's relay topology, and merges them: hosts seen under the same name or public \\
        address are one node; each step says how many messages took it, first and last seen. \\
        Memory grows with the number of hosts, not of messages. A progress line goes to \\
        standard error when it is a terminal.
        """
    )

    @Argument(help: "mbox files, Maildir folders or message files.")
    var inputs: [String]

    @Flag(help: "Print the map as one JSON document.")
    var json = false

    @Option(name: .customLong("dot"), help: ArgumentHelp("Draw the map with Graphviz (.svg, .png, .pdf or .dot).", valueName: "OUT"))
    var dotPath: String?

    func validate() throws {
        if let dotPath, GraphvizFormat(pathExtension: dotPath) == nil {
            throw ValidationError("--dot: unknown format for \(dotPath); use .svg, .png, .pdf or .dot")
        }
    }

    func run() async throws {
        var map = RelayMap()
        var unreadable = 0
        let progress = isatty(STDERR_FILENO) == 1
        func fold(_ bytes: [UInt8]) {
            guard let chains = try? Analyzer.topologies(bytes) else { unreadable += 1; return }
            map.add(message: chains)
            if progress && map.messages % 500 == 0 {
                StandardError.write("\rhoptrace map: \(map.messages) messages")
            }
        }
        for path in inputs {
            switch try InputReader.read(path) {
            case let .message(bytes): fold(bytes)
            case let .mbox(bytes): for slice in Mailbox.split(mbox: bytes) { fold(Array(slice)) }
            case let .maildir(files):
                for file in files {
                    if case let .success(bytes) = InputReader.readMessageFile(file) { fold(bytes) } else { unreadable += 1 }
                }
            }
        }
        if progress { StandardError.write("\rhoptrace map: \(map.messages) messages\n") }
        if let dotPath {
            do {
                try await GraphvizRenderer.render(dot: map.dot(title: "relay map of \(map.messages) messages"), toFile: dotPath)
            } catch {
                throw CommandFailure(message: "\(dotPath): \(error)", code: Exit.ioError)
            }
        }
        let output = json ? map.jsonValue.serialized() : Self.text(map, unreadable: unreadable)
        try StandardOutput.write(output)
    }

    static func text(_ map: RelayMap, unreadable: Int) -> String {
        var out = ["hoptrace map: \(map.messages) messages, \(map.chains) chains, \(map.nodes.count) hosts, \(map.steps.count) steps"
                   + (unreadable > 0 ? " (\(unreadable) unreadable, skipped)" : "")]
        out.append("Hosts:")
        for n in map.nodes {
            let addresses = n.addresses.map { $0.ip.description }.joined(separator: ", ")
            out.append("  [\(n.id)] " + TerminalText.sanitize(n.names.joined(separator: " ≡ "))
                       + (addresses.isEmpty ? "" : " [\(addresses)]")
                       + (n.organisation.map { "  " + TerminalText.sanitize($0) } ?? "") + "  \(n.messages) msg")
        }
        out.append("Steps (messages, first and last seen):")
        for s in map.steps.sorted(by: { $0.messages > $1.messages }) {
            let seen = [s.firstSeen, s.lastSeen].compactMap { $0.map { MailTimestamp(utcSeconds: $0, offsetSeconds: nil, raw: "").iso8601 } }
            out.append("  [\(s.from)] → [\(s.to)]  \(s.messages)" + (seen.isEmpty ? "" : "  " + seen.joined(separator: " … ")))
        }
        return out.joined(separator: "\n") + "\n"
    }
}
