import ArgumentParser
import Foundation
import HopTraceAuth
import HopTraceCore
import HopTraceDNS

/// `hoptrace spf IP DOMAIN`: RFC 7208 check_host() with its trace. Thin: options → resolver →
/// `SPFEvaluator` → rendering → exit code. `hoptrace spf --batch FILE` runs many queries in one
/// process (one result per line), for scripts and for `scripts/bench-spf`.
struct SPF: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spf",
        abstract: "Evaluate SPF (RFC 7208 check_host) for a client IP and a domain, and show every step.",
        discussion: """
        Prints the result (pass, fail, softfail, neutral, none, permerror, temperror), the \
        explanation of a fail, and the trace: each record, term, DNS question and answer, and \
        the DNS-mechanism and void-lookup counters. DNS comes from a zone-file snapshot \
        (--dns-snapshot) or the live resolver (system servers, or --resolver). The exit status \
        is 0 whatever the SPF result.

        Batch mode (--batch FILE, instead of IP and DOMAIN): FILE ("-" for standard input) has \
        one query per line, "IP DOMAIN SENDER HELO" separated by spaces or tabs; SENDER "-" is \
        the null sender, HELO "-" means DOMAIN; blank lines and lines starting with "#" are \
        skipped. Every line is checked before any is evaluated (a bad line: exit 65, naming \
        it). Queries run one after another, each with its own DNS cache (no answers shared \
        between queries), and print one line each, in order: the result word, or with --json \
        one compact JSON object (JSON Lines). --helo, --sender and --save-dns are per-query \
        options and are refused with --batch.
        """
    )

    @Argument(help: "The SMTP client IP address (IPv4 or IPv6); not with --batch.")
    var ip: String?

    @Argument(help: "The domain whose SPF policy is checked (<domain> of check_host); not with --batch.")
    var domain: String?

    @Option(help: ArgumentHelp("Evaluate every query in FILE (\"IP DOMAIN SENDER HELO\" per line; \"-\": standard input) and print one result per line.", valueName: "FILE"))
    var batch: String?

    @Option(help: ArgumentHelp("The HELO/EHLO name (for %{h}; default: DOMAIN).", valueName: "NAME"))
    var helo: String?

    @Option(help: ArgumentHelp("The MAIL FROM address (default: postmaster@DOMAIN); \"\" is the null sender, checked as postmaster@HELO.", valueName: "ADDR"))
    var sender: String?

    @Option(name: .customLong("dns-snapshot"), help: ArgumentHelp("Answer DNS from this zone file instead of the network.", valueName: "FILE"))
    var dnsSnapshot: String?

    @Option(name: .customLong("save-dns"), help: ArgumentHelp("Write every DNS answer used to this zone file (replay with --dns-snapshot).", valueName: "FILE"))
    var saveDNS: String?

    @Option(help: ArgumentHelp("Ask this DNS server (forwarding mode) instead of the system's.", valueName: "IP[@PORT]"))
    var resolver: String?

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func validate() throws {
        // Exactly one mode: IP DOMAIN, or --batch FILE.
        if batch != nil {
            if ip != nil || domain != nil {
                throw ValidationError("--batch FILE takes its queries from FILE: give no IP or DOMAIN with it")
            }
            if helo != nil || sender != nil || saveDNS != nil {
                throw ValidationError("--helo, --sender and --save-dns are per query: in --batch mode write SENDER and HELO on each line")
            }
        } else {
            guard let ip, let domain else {
                throw ValidationError("give IP and DOMAIN, or --batch FILE")
            }
            if let problem = SPF.ipProblem(ip) { throw ValidationError(problem) }
            if let problem = SPF.domainProblem(domain) { throw ValidationError(problem) }
        }
        if let resolver, !SPF.isServerAddress(resolver) {
            throw ValidationError("--resolver \"\(TerminalText.sanitize(resolver))\" is not IP or IP@PORT")
        }
        if dnsSnapshot != nil && resolver != nil {
            throw ValidationError("--dns-snapshot and --resolver exclude each other")
        }
    }

    func run() async throws {
        if let batch { return try await runBatch(batch) }
        guard let ip, let domain, let client = IPAddress(ip) else { return }
        let base = try await makeResolver()
        let recorder = saveDNS.map { _ in RecordingResolver(wrapping: base) }
        let dns = CachingResolver(wrapping: recorder ?? base)
        let heloName = helo ?? domain
        let evaluation = await SPFEvaluator(resolver: dns)
            .checkHost(ip: client, domain: domain, sender: sender ?? "postmaster@\(domain)", helo: heloName)
        if let saveDNS, let recorder {
            do {
                try recorder.zoneFileText().write(toFile: saveDNS, atomically: true, encoding: .utf8)
            } catch {
                throw CommandFailure(message: "cannot write \(saveDNS): \(error.localizedDescription)", code: Exit.ioError)
            }
        }
        let output = json ? evaluation.jsonValue.serialized() : evaluation.renderText()
        FileHandle.standardOutput.write(Data(output.utf8))
    }

    /// One `--batch` query.
    struct BatchQuery {
        var ip: IPAddress
        var domain: String
        var sender: String
        var helo: String
    }

    /// `--batch FILE`: reads and checks every line, then evaluates them in order, one at a time.
    /// Nothing is carried from one query to the next: live DNS goes through a new
    /// `CachingResolver` per query (one check_host never asks twice, as in single-query mode); a
    /// snapshot is asked directly, its answers being in memory already (the cache would only
    /// add a task per question, and cannot change an answer).
    func runBatch(_ path: String) async throws {
        let queries = try SPF.parseBatch(try SPF.readBatchFile(path), name: path)
        let base = try await makeResolver()
        let inMemory = base is SnapshotResolver
        var output: [UInt8] = []
        output.reserveCapacity(1 << 16)
        for query in queries {
            let dns: any DNSResolver = inMemory ? base : CachingResolver(wrapping: base)
            let evaluation = await SPFEvaluator(resolver: dns)
                .checkHost(ip: query.ip, domain: query.domain, sender: query.sender, helo: query.helo)
            if json {
                output += evaluation.jsonValue.serialized(pretty: false).utf8
            } else {
                output += evaluation.result.rawValue.utf8
            }
            output.append(0x0A)
            if output.count >= 1 << 16 {
                FileHandle.standardOutput.write(Data(output))
                output.removeAll(keepingCapacity: true)
            }
        }
        if !output.isEmpty { FileHandle.standardOutput.write(Data(output)) }
    }

    /// The batch file ("-": standard input), at most `Limits.maxInputBytes`.
    static func readBatchFile(_ path: String) throws -> [UInt8] {
        if path == "-" { return try InputReader.readBounded(FileHandle.standardInput, name: "standard input") }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CommandFailure(message: "\(path): cannot be opened for reading", code: Exit.ioError)
        }
        defer { try? handle.close() }
        return try InputReader.readBounded(handle, name: path)
    }

    /// Batch lines: `IP DOMAIN SENDER HELO` (spaces or tabs; SENDER `-` = null sender, HELO `-`
    /// = DOMAIN); blank and `#` lines skipped. The first bad line fails the whole batch (65).
    static func parseBatch(_ bytes: [UInt8], name: String) throws -> [BatchQuery] {
        var queries: [BatchQuery] = []
        var lineNumber = 0
        for rawLine in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            lineNumber += 1
            let fields = rawLine.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D })
            if fields.isEmpty || fields[0].first == UInt8(ascii: "#") { continue }
            func bad(_ why: String) -> CommandFailure {
                CommandFailure(message: "\(name) line \(lineNumber): \(why)", code: Exit.unreadableInput)
            }
            guard fields.count == 4 else {
                throw bad("want 4 fields \"IP DOMAIN SENDER HELO\", found \(fields.count)")
            }
            var text: [String] = []
            for field in fields {
                guard let s = String(validating: field, as: UTF8.self) else { throw bad("not UTF-8") }
                text.append(s)
            }
            if let problem = ipProblem(text[0]) { throw bad(problem) }
            if let problem = domainProblem(text[1]) { throw bad(problem) }
            let sender = text[2] == "-" ? "" : text[2]
            let helo = text[3] == "-" ? text[1] : text[3]
            if sender.utf8.count > SPFLimits.maxIdentityBytes { throw bad("SENDER is too long") }
            if helo.utf8.count > SPFLimits.maxIdentityBytes { throw bad("HELO is too long") }
            queries.append(BatchQuery(ip: IPAddress(text[0])!, domain: text[1], sender: sender, helo: helo))
        }
        return queries
    }

    static func ipProblem(_ ip: String) -> String? {
        IPAddress(ip) == nil ? "\"\(TerminalText.sanitize(ip))\" is not an IPv4 or IPv6 address" : nil
    }

    static func domainProblem(_ domain: String) -> String? {
        if domain.isEmpty || domain.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F })
            || domain.utf8.count > SPFLimits.maxIdentityBytes {
            return "\"\(TerminalText.sanitize(domain))\" is not a domain name"
        }
        return nil
    }

    /// The snapshot, or the live resolver after checking a DNS server answers at all (69 if none).
    func makeResolver() async throws -> any DNSResolver {
        if let dnsSnapshot {
            do {
                return try SnapshotResolver(contentsOf: dnsSnapshot)
            } catch {
                throw CommandFailure(message: "cannot read DNS snapshot \(dnsSnapshot): \(error)", code: Exit.ioError)
            }
        }
        let live: LiveResolver
        do {
            live = try LiveResolver(options: LiveResolver.Options(forwarder: resolver))
        } catch {
            throw CommandFailure(message: "live DNS unavailable: \(error)", code: Exit.serviceUnavailable)
        }
        if case let .unreachable(reason) = await live.probe() {
            throw CommandFailure(message: "live DNS unavailable: \(reason) (use --dns-snapshot to work offline)", code: Exit.serviceUnavailable)
        }
        return live
    }

    /// `IP[@PORT]`, port 1–65535.
    static func isServerAddress(_ text: String) -> Bool {
        var host = Substring(text)
        if let at = text.lastIndex(of: "@") {
            guard let port = Int(text[text.index(after: at)...]), (1...65535).contains(port) else { return false }
            host = text[..<at]
        }
        return IPAddress(host) != nil
    }
}
