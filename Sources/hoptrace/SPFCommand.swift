import ArgumentParser
import HopTraceAuth
import HopTraceCore
import HopTraceDNS

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

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
            """ + HelpText.examples(for: "spf")
    )

    @Argument(help: "The SMTP client IP address (IPv4 or IPv6); not with --batch.")
    var ip: String?

    @Argument(help: "The domain whose SPF policy is checked (<domain> of check_host); not with --batch.")
    var domain: String?

    @Option(
        help: ArgumentHelp(
            "Evaluate every query in FILE (\"IP DOMAIN SENDER HELO\" per line; \"-\": standard input) and print one result per line.",
            valueName: "FILE"))
    var batch: String?

    @Option(help: ArgumentHelp("The HELO/EHLO name (for %{h}; default: DOMAIN).", valueName: "NAME"))
    var helo: String?

    @Option(
        help: ArgumentHelp(
            "The MAIL FROM address (default: postmaster@DOMAIN); \"\" is the null sender, checked as postmaster@HELO.",
            valueName: "ADDR"))
    var sender: String?

    @Option(
        name: .customLong("dns-snapshot"),
        help: ArgumentHelp("Answer DNS from this zone file instead of the network.", valueName: "FILE"))
    var dnsSnapshot: String?

    @Option(
        name: .customLong("save-dns"),
        help: ArgumentHelp(
            "Write every DNS answer used to this zone file (replay with --dns-snapshot).", valueName: "FILE"))
    var saveDNS: String?

    @Option(
        help: ArgumentHelp("Ask this DNS server (forwarding mode) instead of the system's.", valueName: "IP[@PORT]"))
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
                throw ValidationError(
                    "--helo, --sender and --save-dns are per query: in --batch mode write SENDER and HELO on each line")
            }
        } else {
            if stats { throw ValidationError("--stats goes with --batch") }
            guard let ip, let domain else {
                throw ValidationError("give IP and DOMAIN, or --batch FILE")
            }
            if let problem = SPFBatch.ipProblem(ip) { throw ValidationError(problem) }
            if let problem = SPFBatch.domainProblem(domain) { throw ValidationError(problem) }
        }
        do { try setup.check() } catch { throw error.failure() }
    }

    /// The command's DNS: `--dns-snapshot`, else live DNS, which must answer.
    var setup: DNSSetup {
        DNSSetup(snapshot: dnsSnapshot, server: resolver, record: saveDNS != nil, requiresLive: true)
    }

    func run() async throws {
        if let batch { return try await runBatch(batch) }
        guard let ip, let domain, let client = IPAddress(ip) else { return }
        let dns = try await makeDNS()
        guard let resolver = dns.resolver else { return }
        let evaluation = await SPFEvaluator(resolver: resolver)
            .checkHost(ip: client, domain: domain, sender: sender ?? "postmaster@\(domain)", helo: helo ?? domain)
        try DNSOptions.save(dns.recorder, to: saveDNS)
        let output = json ? evaluation.jsonValue.serialized() : evaluation.renderText()
        try StandardOutput.write(output)
    }

    /// `--batch FILE`: reads and checks every line and reads every snapshot, then evaluates the
    /// queries in order (`SPFBatch.evaluate`).
    func runBatch(_ path: String) async throws {
        let sections: [SPFBatch.Section]
        do {
            sections = try SPFBatch.parse(try InputReader.readFile(path))
        } catch let error as SPFBatch.LineError {
            throw CommandFailure(message: "\(path) \(error)", code: Exit.unreadableInput)
        }
        let folder = path == "-" ? nil : URL(fileURLWithPath: path).deletingLastPathComponent().path
        // Each section's resolver, before any query runs. The command's own DNS source serves
        // the queries before the first @snapshot line (a live resolver is not even probed when
        // there are none).
        var plan: [(dns: any DNSResolver, queries: [SPFBatch.Query])] = []
        var snapshots: [String: SnapshotResolver] = [:]
        for section in sections {
            let dns: any DNSResolver
            if let snapshot = section.snapshot {
                if snapshots[snapshot] == nil {
                    snapshots[snapshot] = try SPF.batchSnapshot(
                        snapshot, folder: folder, batch: path, line: section.line)
                }
                dns = snapshots[snapshot]!
            } else {
                guard !section.queries.isEmpty || dnsSnapshot != nil else { continue }
                guard let base = try await makeDNS().base else { continue }
                dns = base
            }
            if !section.queries.isEmpty { plan.append((dns, section.queries)) }
        }
        let clock = ContinuousClock()
        let start = clock.now
        let count = try await SPFBatch.evaluate(plan, json: json) { try StandardOutput.write($0) }
        if stats {
            StandardError.write("queries=\(count) seconds=\((clock.now - start).fourDecimalSeconds)\n")
        }
    }

    /// The snapshot of an `@snapshot` line: a relative path is read from the batch file's
    /// folder (`folder`; the current one for standard input).
    static func batchSnapshot(_ snapshot: String, folder: String?, batch: String, line: Int) throws -> SnapshotResolver
    {
        let file =
            snapshot.hasPrefix("/") || folder == nil
            ? snapshot : URL(fileURLWithPath: folder!).appendingPathComponent(snapshot).path
        do {
            return try DNSSetup.snapshot(file)
        } catch {
            throw error.failure(prefix: "\(batch) line \(line): ")
        }
    }

    /// The snapshot, or the live resolver after checking a DNS server answers at all (69 if none).
    func makeDNS() async throws -> DNSSetup.DNS {
        do { return try await setup.make() } catch { throw error.failure() }
    }
}
