import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
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
        skipped. A line "@snapshot ZONEFILE" answers the queries after it from that zone \
        file (a relative path is read from the batch file's folder, or the current one for \
        standard input) until the next @snapshot line; queries before the first one use \
        --dns-snapshot or live DNS. Every line is checked and every snapshot read before any \
        query is evaluated (a bad line or snapshot contents: exit 65, naming the line; a \
        snapshot that cannot be read: exit 74). Queries run one after another, each with its \
        own DNS cache (no answers shared between queries), and print one line each, in \
        order: the result word, or with --json one compact JSON object (JSON Lines). \
        --stats adds one line "queries=N seconds=S" on standard error: the time of the \
        evaluation loop alone (files already read). --helo, --sender and --save-dns are \
        per-query options and are refused with --batch.
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

    @Flag(help: "With --batch: print \"queries=N seconds=S\" (the evaluation loop's time) on standard error.")
    var stats = false

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
            if stats { throw ValidationError("--stats goes with --batch") }
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
                throw CommandFailure(message: "cannot write \(saveDNS): \(SystemError.reason(error))", code: Exit.ioError)
            }
        }
        let output = json ? evaluation.jsonValue.serialized() : evaluation.renderText()
        try StandardOutput.write(output)
    }

    /// One `--batch` query.
    struct BatchQuery {
        var ip: IPAddress
        var domain: String
        var sender: String
        var helo: String
    }

    /// Consecutive batch queries with one DNS source: the command's (`snapshot` nil), or the
    /// zone file of the `@snapshot` line (`line`) before them.
    struct BatchSection {
        var snapshot: String?
        var line: Int
        var queries: [BatchQuery] = []
    }

    /// `--batch FILE`: reads and checks every line and reads every snapshot, then evaluates the
    /// queries in order, one at a time. Nothing is carried from one query to the next: live DNS
    /// goes through a new `CachingResolver` per query (one check_host never asks twice, as in
    /// single-query mode); a snapshot is asked directly, its answers being in memory already
    /// (the cache would only add a task per question, and cannot change an answer). What is
    /// shared is the parse of each distinct record text (`SPFRecordCache`), a pure function of
    /// the text. Without --json only the result word is printed, so no trace is built
    /// (`SPFOptions.keepsTrace`; the result is computed the same way).
    func runBatch(_ path: String) async throws {
        let sections = try SPF.parseBatch(try InputReader.readFile(path), name: path)
        let folder = path == "-" ? nil : URL(fileURLWithPath: path).deletingLastPathComponent().path
        // Each section's resolver, before any query runs. The command's own DNS source serves
        // the queries before the first @snapshot line (a live resolver is not even probed when
        // there are none).
        var plan: [(dns: any DNSResolver, queries: [BatchQuery])] = []
        var snapshots: [String: SnapshotResolver] = [:]
        for section in sections {
            let dns: any DNSResolver
            if let snapshot = section.snapshot {
                if snapshots[snapshot] == nil {
                    snapshots[snapshot] = try SPF.batchSnapshot(snapshot, folder: folder, batch: path, line: section.line)
                }
                dns = snapshots[snapshot]!
            } else {
                guard !section.queries.isEmpty || dnsSnapshot != nil else { continue }
                dns = try await makeResolver()
            }
            if !section.queries.isEmpty { plan.append((dns, section.queries)) }
        }
        let json = self.json // read once: a property wrapper's getter is not free in the loop
        let options = SPFOptions(keepsTrace: json)
        var output = OutputBuffer(threshold: 1 << 16)
        var count = 0
        let clock = ContinuousClock()
        let start = clock.now
        let records = SPFRecordCache()
        for (base, queries) in plan {
            let inMemory = base is SnapshotResolver
            let shared = SPFEvaluator(resolver: base, options: options, recordCache: records)
            for query in queries {
                let evaluator = inMemory ? shared : SPFEvaluator(resolver: CachingResolver(wrapping: base), options: options,
                                                                 recordCache: records)
                let evaluation = await evaluator
                    .checkHost(ip: query.ip, domain: query.domain, sender: query.sender, helo: query.helo)
                if json {
                    evaluation.jsonValue.append(to: &output.bytes)
                } else {
                    output.bytes += evaluation.result.rawValue.utf8
                }
                output.bytes.append(0x0A)
                try output.flushIfFull()
            }
            count += queries.count
        }
        try output.flush()
        if stats {
            StandardError.write("queries=\(count) seconds=\(SPF.fourDecimals(clock.now - start))\n")
        }
    }

    /// A duration as seconds with four decimals (`0.0381`, rounded half up), for `--stats`:
    /// integer arithmetic on the duration's own components (no printf in FoundationEssentials).
    static func fourDecimals(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0, attoseconds >= 0 else { return "0.0000" } // a monotonic clock's difference
        let units = seconds * 10_000 + (attoseconds + 50_000_000_000_000) / 100_000_000_000_000 // 1e14 as per 1e-4 s
        let fraction = String(units % 10_000)
        return "\(units / 10_000)." + String(repeating: "0", count: 4 - fraction.count) + fraction
    }

    /// The snapshot of an `@snapshot` line: a relative path is read from the batch file's
    /// folder (`folder`; the current one for standard input). A file that cannot be read is
    /// an I/O error (74); contents that are not a zone file are bad input (65).
    static func batchSnapshot(_ snapshot: String, folder: String?, batch: String, line: Int) throws -> SnapshotResolver {
        let file = snapshot.hasPrefix("/") || folder == nil ? snapshot : URL(fileURLWithPath: folder!).appendingPathComponent(snapshot).path
        do throws(ZoneFileError) {
            return try SnapshotResolver(contentsOf: file)
        } catch {
            throw CommandFailure(message: "\(batch) line \(line): cannot read DNS snapshot \(file): \(error)",
                                 code: error.kind == .io ? Exit.ioError : Exit.unreadableInput)
        }
    }

    /// Batch lines: `IP DOMAIN SENDER HELO` (spaces or tabs; SENDER `-` = null sender, HELO `-`
    /// = DOMAIN); blank and `#` lines skipped; `@snapshot ZONEFILE` (the rest of the line, spaces
    /// around it removed) starts a new section. The first bad line fails the whole batch (65).
    ///
    /// One pass over the bytes with a cursor: a line's fields are found in place (no array of
    /// lines, none of fields), and only the fields become Strings (an ASCII line's without
    /// UTF-8 validation, which the scan for its end has already done).
    static func parseBatch(_ bytes: [UInt8], name: String) throws -> [BatchSection] {
        var sections = [BatchSection(snapshot: nil, line: 0)]
        var lineNumber = 0
        func bad(_ why: String) -> CommandFailure {
            CommandFailure(message: "\(name) line \(lineNumber): \(why)", code: Exit.unreadableInput)
        }
        try bytes.withUnsafeBufferPointer { buffer in
            let count = buffer.count
            var lineStart = 0
            while true {
                lineNumber += 1
                var lineEnd = lineStart
                var high: UInt8 = 0 // every byte of the line OR-ed: below 0x80 when it is ASCII
                while lineEnd < count && buffer[lineEnd] != 0x0A {
                    high |= buffer[lineEnd]
                    lineEnd += 1
                }
                let isASCII = high < 0x80
                // The fields: the first four kept as ranges, the rest only counted.
                var fields: (Range<Int>, Range<Int>, Range<Int>, Range<Int>) = (0..<0, 0..<0, 0..<0, 0..<0)
                var fieldCount = 0
                var lastFieldEnd = lineStart
                var i = lineStart
                while i < lineEnd {
                    while i < lineEnd && SPF.isBatchBlank(buffer[i]) { i += 1 }
                    if i == lineEnd { break }
                    let fieldStart = i
                    while i < lineEnd && !SPF.isBatchBlank(buffer[i]) { i += 1 }
                    switch fieldCount {
                    case 0: fields.0 = fieldStart..<i
                    case 1: fields.1 = fieldStart..<i
                    case 2: fields.2 = fieldStart..<i
                    case 3: fields.3 = fieldStart..<i
                    default: break
                    }
                    fieldCount += 1
                    lastFieldEnd = i
                }
                if fieldCount > 0 && buffer[fields.0.lowerBound] != UInt8(ascii: "#") {
                    func text(_ range: Range<Int>) throws -> String {
                        let field = UnsafeBufferPointer(rebasing: buffer[range])
                        if isASCII { return String(decoding: field, as: UTF8.self) }
                        guard let s = String(validating: field, as: UTF8.self) else { throw bad("not UTF-8") }
                        return s
                    }
                    if buffer[fields.0.lowerBound] == UInt8(ascii: "@") {
                        // @snapshot ZONEFILE: the path is the rest of the line, so it may hold spaces.
                        guard buffer[fields.0].elementsEqual("@snapshot".utf8) else {
                            let directive = String(decoding: buffer[fields.0], as: UTF8.self)
                            throw bad("unknown directive \"\(TerminalText.sanitize(directive))\" (only @snapshot ZONEFILE)")
                        }
                        guard fieldCount > 1 else { throw bad("@snapshot needs a zone file path") }
                        sections.append(BatchSection(snapshot: try text(fields.1.lowerBound..<lastFieldEnd), line: lineNumber))
                    } else {
                        guard fieldCount == 4 else {
                            throw bad("want 4 fields \"IP DOMAIN SENDER HELO\", found \(fieldCount)")
                        }
                        let ipText = try text(fields.0), domain = try text(fields.1)
                        let senderField = try text(fields.2), heloField = try text(fields.3)
                        guard let ip = IPAddress(ipText) else { throw bad(ipProblem(ipText)!) }
                        if let problem = domainProblem(domain) { throw bad(problem) }
                        let sender = senderField == "-" ? "" : senderField
                        let helo = heloField == "-" ? domain : heloField
                        if sender.utf8.count > SPFLimits.maxIdentityBytes { throw bad("SENDER is too long") }
                        if helo.utf8.count > SPFLimits.maxIdentityBytes { throw bad("HELO is too long") }
                        sections[sections.count - 1].queries.append(BatchQuery(ip: ip, domain: domain, sender: sender, helo: helo))
                    }
                }
                if lineEnd == count { break }
                lineStart = lineEnd + 1
            }
        }
        return sections
    }

    /// The field separators of a batch line: space, tab, and the CR of a CRLF line end.
    static func isBatchBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D
    }

    static func ipProblem(_ ip: String) -> String? {
        IPAddress(ip) == nil ? "\"\(TerminalText.sanitize(ip))\" is not an IPv4 or IPv6 address" : nil
    }

    static func domainProblem(_ domain: String) -> String? {
        // A byte at or below 0x20, or 0x7F, is always such a character itself in UTF-8.
        if domain.isEmpty || domain.withUTF8Bytes({ $0.contains { $0 <= 0x20 || $0 == 0x7F } })
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
