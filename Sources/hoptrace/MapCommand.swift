import ArgumentParser
import HopTraceGraphviz
import HopTraceMessage
import HopTraceReport
import HopTraceTopology

/// `hoptrace map`: many messages, one relay map. Thin: reads the inputs one message at a time,
/// folds each message's topologies into a `RelayMap`, renders it.
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
            """ + HelpText.examples(for: "map")
    )

    @Argument(help: "mbox files, Maildir folders or message files.")
    var inputs: [String]

    @Flag(help: "Print the map as one JSON document.")
    var json = false

    @Option(
        name: .customLong("dot"),
        help: ArgumentHelp("Draw the map with Graphviz (.svg, .png, .pdf or .dot).", valueName: "OUT"))
    var dotPath: String?

    func validate() throws {
        if let dotPath, GraphvizFormat(pathExtension: dotPath) == nil {
            throw ValidationError("--dot: unknown format for \(dotPath); use .svg, .png, .pdf or .dot")
        }
    }

    func run() async throws {
        var map = RelayMap()
        var unreadable = 0
        let progress = Terminal.showsProgress
        for path in inputs {
            for message in try InputReader.messages(path).messages {
                guard case .success(let bytes) = message.read(), let chains = try? Analyzer.topologies(Array(bytes))
                else {
                    unreadable += 1
                    continue
                }
                map.add(message: chains)
                if progress && map.messages % 500 == 0 {
                    StandardError.write("\rhoptrace map: \(map.messages) messages")
                }
            }
        }
        if progress { StandardError.write("\rhoptrace map: \(map.messages) messages\n") }
        // The map first: a diagram that cannot be drawn is one error line after it. The JSON
        // document is written piece by piece, never held whole.
        if json {
            try map.writeJSON { try StandardOutput.write($0) }
        } else {
            try StandardOutput.write(MapTextRenderer.render(map, unreadable: unreadable))
        }
        if let dotPath {
            try await Diagram.render(map.dot(title: "relay map of \(map.messages) messages"), to: dotPath)
        }
    }
}
