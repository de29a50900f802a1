import ArgumentParser
import HopTraceAuth
import HopTraceCore
import HopTraceGeo
import HopTraceGraphviz
import HopTraceMessage
import HopTraceReport
import HopTraceTopology

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
        abstract:
            "Forensic analysis of email header paths: which servers a message crossed, and what happened on the way.",
        discussion: HelpText.overview,
        version: VersionText.line(commit: BuildStamp.commit, modified: BuildStamp.modified),
        subcommands: [Analyze.self, SPF.self, MapCommand.self, HopsCommand.self, VersionCommand.self],
        defaultSubcommand: Analyze.self
    )
}

struct Analyze: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        // Said, not derived: ArgumentParser would otherwise demangle the type's name at every
        // start to make the same word.
        commandName: "analyze",
        abstract: "Analyse a message (.eml, bounce, read receipt), an mbox mailbox or a Maildir.",
        discussion: """
            Reads FILE (or standard input with -), finds every chain of Received headers (the \
            message's own and every embedded original), and prints the hops oldest first with \
            address scopes, software, delays, the relay topology and findings. An mbox file or a \
            Maildir folder is analysed message by message.
            """ + HelpText.examples(for: "analyze")
    )

    @Argument(help: "The message file, an mbox mailbox, a Maildir folder, or - for standard input.")
    var file: String

    @Flag(help: "Print one JSON document (the contract in README.md) instead of the text report.")
    var json = false

    @Option(
        name: .customLong("dot"),
        help: ArgumentHelp(
            "Draw the relay topology with Graphviz; the format follows the extension: .svg, .png, .pdf or .dot.",
            valueName: "OUT"))
    var dotPath: String?

    @Option(
        name: .customLong("report"),
        help: ArgumentHelp(
            "Write the incident report: OUT.html (self-contained), OUT.md (with OUT.svg beside it), or DIR/ (one report per message and an index).",
            valueName: "OUT"))
    var reportPath: String?

    @Option(
        name: .customLong("geoip-db"),
        help: ArgumentHelp(
            "A MaxMind DB file with countries/cities (GeoLite2/GeoIP2 City or Country, DB-IP lite).",
            valueName: "CITY.mmdb"))
    var geoipDB: String?

    @Option(
        name: .customLong("asn-db"),
        help: ArgumentHelp(
            "A MaxMind DB file with ASNs (GeoLite2 ASN, GeoIP2 ISP, DB-IP ASN lite).", valueName: "ASN.mmdb"))
    var asnDB: String?

    @Option(
        help: ArgumentHelp(
            "Diagram direction: tb (top to bottom) or lr (left to right); default: the one that fits the chain.",
            valueName: "tb|lr"))
    var layout: DiagramDirection?

    @Option(
        name: [.customShort("j", allowingJoined: true), .long],
        help: ArgumentHelp(
            "Analyse a mailbox's messages on this many threads (default: the number of cores); the output is the same whatever N.",
            valueName: "N"))
    var jobs: Int?

    @OptionGroup var dns: DNSOptions

    @OptionGroup var colour: ColourOption

    @OptionGroup var widthOption: WidthOption

    func validate() throws {
        if let jobs, !(1...256).contains(jobs) { throw ValidationError("--jobs must be between 1 and 256") }
        if let dotPath, GraphvizFormat(pathExtension: dotPath) == nil {
            throw ValidationError("--dot: unknown format for \(dotPath); use .svg, .png, .pdf or .dot")
        }
        // A mailbox has no single topology; `map` merges many.
        if dotPath != nil && file != "-" && PathKind.of(file) == .directory {
            throw ValidationError("--dot draws one message; a Maildir holds many")
        }
        if let reportPath, IncidentReportOutput.target(reportPath) == nil {
            throw ValidationError(
                "--report: unknown format for \(reportPath); use .html, .md, or a folder (DIR/)")
        }
    }

    func run() async throws {
        let (geo, notes, warnings) = GeoLookup.discover(
            environment: ProcessInfo.processInfo.environment,
            explicitCity: geoipDB, explicitASN: asnDB)
        for warning in warnings {
            StandardError.write("hoptrace: warning: \(TerminalText.sanitize(warning))\n")
        }
        let now = Date()
        let dns = try await self.dns.make(now: now)
        let options = AnalysisOptions(
            geo: geo, geoNotes: (geo.isEnabled ? notes : []) + dns.notes, resolver: dns.resolver,
            dnsSource: dns.source, now: Int64(now.timeIntervalSince1970),
            publicSuffixList: .standard, spfRecordCache: SPFRecordCache())
        let renderer = TextRenderer(color: colour.wanted, width: widthOption.width, publicSuffixList: .standard)
        let source = try InputReader.messages(file)
        var incident = try reportPath.flatMap(IncidentReportOutput.target).map {
            try IncidentReportOutput(
                target: $0, version: HopTrace.configuration.version,
                analysisTime: IncidentReportOutput.analysisTime(
                    environment: ProcessInfo.processInfo.environment, now: Int64(now.timeIntervalSince1970)),
                dnsSource: dns.source, direction: layout)
        }
        switch source.form {
        case .message(let bytes):
            let report: Report
            // The DNS answers this message's replays used, for the incident report's appendix.
            let recorder = incident == nil ? nil : IncidentReportOutput.recorder(options.resolver)
            do {
                var options = options
                if let recorder { options.resolver = recorder }
                report = try await Analyzer.analyze(bytes, options: options)
            } catch {
                throw CommandFailure(notMail: error, name: source.name)
            }
            let output = json ? JSONRenderer.render(report) : renderer.render(report, title: source.name)
            try self.dns.saveRecording(dns.recorder)
            // The report first: a diagram that cannot be drawn is one error line after it.
            try StandardOutput.write(output)
            if incident != nil {
                try await incident!.write(report, label: source.name, recorder: recorder)
                try incident!.finish(title: source.name)
            }
            if let dotPath { try await Diagram.write(report, to: dotPath, title: source.name, direction: layout) }
            try Self.diagramFailed(incident)
        case .mbox, .maildir:
            if dotPath != nil {
                throw CommandFailure(
                    message: "--dot draws one message; \(file) is a mailbox", code: ExitCode.validationFailure)
            }
            if let target = incident?.target, target != .directory(reportPath ?? "") {
                throw CommandFailure(
                    message:
                        "--report \(reportPath ?? ""): \(file) is a mailbox; give a folder (DIR/) for one report per message",
                    code: ExitCode.validationFailure)
            }
            // Streamed by windows of messages: a window is analysed on every core (--jobs),
            // each message by one task, and written out in input order; the messages of a
            // mapped mbox are made from its index as their turn comes, not all at once.
            var document = BatchDocument(json: json, renderer: renderer)
            var opening: [UInt8] = []
            document.start(into: &opening)
            try StandardOutput.write(opening[...])
            let threads = jobs ?? max(1, ProcessInfo.processInfo.activeProcessorCount)
            let messages = source.messages
            if incident != nil {
                // One message at a time, each with its own recorder: the appendix of each report
                // lists the DNS answers that message's replays used.
                for (i, message) in messages.enumerated() {
                    var perMessage = options
                    let recorder = IncidentReportOutput.recorder(options.resolver)
                    if let recorder { perMessage.resolver = recorder }
                    let entry = BatchReport.Entry(
                        label: source.label(message.label),
                        result: await Analyzer.analyze(message, options: perMessage))
                    var bytes: [UInt8] = []
                    document.add(entry, into: &bytes)
                    try StandardOutput.write(bytes[...])
                    switch entry.result {
                    case .success(let report):
                        try await incident!.write(
                            report, label: entry.label, recorder: recorder, position: i + 1, count: messages.count)
                    case .failure(let error):
                        incident!.unreadable(label: entry.label, error: error.description, position: i + 1)
                    }
                }
            } else {
                var buffers = OrderedBatch.Buffers()
                for start in stride(from: 0, to: messages.count, by: HopsBatch.window) {
                    let window: [HopsBatch.Item] = messages[start..<min(start + HopsBatch.window, messages.count)].map {
                        message in (label: source.label(message.label), message: message)
                    }
                    let done = await AnalysisBatch.analyze(
                        window, firstIndex: start, threads: threads, options: options, document: document,
                        buffers: buffers)
                    document.added(window.count)
                    try OrderedBatch.inOrder(done, items: window.count) { try StandardOutput.write($0) }
                    buffers = OrderedBatch.Buffers(done)
                }
            }
            var closing: [UInt8] = []
            document.finish(into: &closing)
            try StandardOutput.write(closing[...])
            try self.dns.saveRecording(dns.recorder)
            try incident?.finish(title: source.name)
            try Self.diagramFailed(incident)
        }
    }

    /// One error line and exit 74 when a report's diagram could not be drawn (the reports are
    /// written by then).
    static func diagramFailed(_ incident: IncidentReportOutput?) throws {
        if let reason = incident?.diagramFailure {
            throw CommandFailure(message: "--report: the diagram could not be drawn: \(reason)", code: Exit.ioError)
        }
    }
}

/// A failure that carries its own exit code and a one-line message.
struct CommandFailure: Error, CustomStringConvertible {
    var message: String
    var code: ExitCode
    var description: String { message }
}

extension SystemError {
    /// Why a FoundationEssentials file operation failed: the POSIX reason it carries
    /// (`No such file or directory`), else the error as it describes itself. Full Foundation's
    /// `localizedDescription` is not there.
    static func reason(_ error: any Error) -> String {
        if let posix = error as? POSIXError { return SystemError(code: posix.code.rawValue).description }
        if let cocoa = error as? CocoaError, let posix = cocoa.underlying as? POSIXError {
            return SystemError(code: posix.code.rawValue).description
        }
        return "\(error)"
    }
}

extension HopTrace {
    /// Maps failures to one clean line on standard error and the contract's exit code.
    static func main() async {
        do {
            var command = try parseAsRoot(versionArguments(Array(CommandLine.arguments.dropFirst())))
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let failure as CommandFailure {
            StandardError.write("hoptrace: error: \(TerminalText.sanitize(failure.message))\n")
            exitProcess(failure.code.rawValue)
        } catch {
            let code = exitCode(for: error)
            // Help and --version go to standard output as ArgumentParser writes them.
            if code == .success { exit(withError: error) }
            let message = usageErrorText(fullMessage(for: error))
            if !message.isEmpty { StandardError.write(message) }
            exitProcess(code.rawValue)
        }
    }

    /// `--version --verbose` (either order) is `version --verbose`: ArgumentParser answers
    /// `--version` before it reads any other flag. Other arguments are passed on as they are.
    static func versionArguments(_ arguments: [String]) -> [String] {
        arguments.count == 2 && Set(arguments) == ["--version", "--verbose"] ? ["version", "--verbose"] : arguments
    }

    /// ArgumentParser's error text (`Error: …`, then usage lines) in the tool's style: the
    /// first line `hoptrace: error: …`, the usage lines after it as they are.
    static func usageErrorText(_ full: String) -> String {
        var lines = full.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while let last = lines.last, last.isEmpty { lines.removeLast() }
        guard let first = lines.first else { return "" }
        let prefix = "Error: "
        let reason = first.hasPrefix(prefix) ? String(first.dropFirst(prefix.count)) : first
        lines[0] = "hoptrace: error: \(reason)"
        return lines.joined(separator: "\n") + "\n"
    }
}

/// The C library's `exit`, which `ParsableCommand.exit(withError:)` hides inside the command
/// types.
private func exitProcess(_ status: Int32) -> Never {
    exit(status)
}

/// `--color=auto|always|never`: `auto` colours only on a terminal and never when NO_COLOR is
/// set (https://no-color.org); `always` and `never` override both.
struct ColourOption: ParsableArguments {
    enum Choice: String, CaseIterable, ExpressibleByArgument {
        case auto, always, never
    }

    @Option(
        name: .customLong("color"),
        help: ArgumentHelp(
            "Colour the text report: auto (on a terminal, unless NO_COLOR is set), always or never.",
            valueName: "WHEN"))
    var choice: Choice = .auto

    var wanted: Bool {
        switch choice {
        case .always: true
        case .never: false
        case .auto: Terminal.wantsColour
        }
    }
}

/// `--wide`: the text report with nothing cut and nothing wrapped; otherwise it wraps at the
/// terminal's width (`TextLayout.columns`).
struct WidthOption: ParsableArguments {
    @Flag(
        help: "Print every line whole: no name or value shortened, no line wrapped (for wide terminals, grep, files).")
    var wide = false

    var width: TextWidth {
        wide
            ? .unlimited
            : .columns(
                TextLayout.columns(
                    terminalColumns: Terminal.columns, environment: ProcessInfo.processInfo.environment))
    }
}

extension DiagramDirection: ExpressibleByArgument {}

enum Terminal {
    /// The terminal's width in columns when standard output is a terminal that reports one
    /// (`TIOCGWINSZ`), else nil.
    static var columns: Int? {
        guard isatty(STDOUT_FILENO) == 1 else { return nil }
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }

    /// Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org).
    static var wantsColour: Bool {
        if let v = ProcessInfo.processInfo.environment["NO_COLOR"], !v.isEmpty { return false }
        return isatty(STDOUT_FILENO) == 1
    }

    /// Progress lines only when standard error is a terminal.
    static var showsProgress: Bool { isatty(STDERR_FILENO) == 1 }
}
