import ArgumentParser
import Foundation
import HopTraceCore
import HopTraceMessage
import HopTraceReport

/// Exit codes of the contract (sysexits.h values).
enum Exit {
    static let unreadableInput = ExitCode(65)
    static let serviceUnavailable = ExitCode(69)
    static let ioError = ExitCode(74)
}

@main
struct HopTrace: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hoptrace",
        abstract: "Forensic analysis of email header paths: which servers a message crossed, and what happened on the way.",
        version: "0.1.0",
        subcommands: [Analyze.self, SPF.self],
        defaultSubcommand: Analyze.self
    )
}

struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Analyse a message (.eml, bounce, read receipt), an mbox mailbox or a Maildir.",
        discussion: """
        Reads FILE (or standard input with -), finds every chain of Received headers (the \
        message's own and every embedded original), and prints the hops oldest first with \
        address scopes, delays and findings. An mbox file or a Maildir folder is analysed \
        message by message.
        """
    )

    @Argument(help: "The message file, an mbox mailbox, a Maildir folder, or - for standard input.")
    var file: String

    @Flag(help: "Print one JSON document (the contract in README.md) instead of the text report.")
    var json = false

    func run() throws {
        let input = try InputReader.read(file)
        let output: String
        switch input {
        case let .message(bytes):
            let report: Report
            do {
                report = try Analyzer.analyze(bytes)
            } catch {
                throw CommandFailure(message: error.description, code: Exit.unreadableInput)
            }
            output = json ? JSONRenderer.render(report)
                          : TextRenderer(color: Terminal.wantsColour).render(report, title: file == "-" ? "standard input" : file)
        case let .mailbox(batch):
            output = json ? JSONRenderer.render(batch) : TextRenderer(color: Terminal.wantsColour).render(batch)
        }
        FileHandle.standardOutput.write(Data(output.utf8))
    }
}

/// A failure that carries its own exit code and a one-line message.
struct CommandFailure: Error, CustomStringConvertible {
    var message: String
    var code: ExitCode
    var description: String { message }
}

extension HopTrace {
    /// Maps failures to one clean line on standard error and the contract's exit code.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let failure as CommandFailure {
            FileHandle.standardError.write(Data("hoptrace: error: \(TerminalText.sanitize(failure.message))\n".utf8))
            Foundation.exit(failure.code.rawValue)
        } catch {
            exit(withError: error)
        }
    }
}

enum Terminal {
    /// Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org).
    static var wantsColour: Bool {
        if let v = ProcessInfo.processInfo.environment["NO_COLOR"], !v.isEmpty { return false }
        return isatty(STDOUT_FILENO) == 1
    }
}
