import ArgumentParser
import Foundation
import HopTraceAuth
import HopTraceCore
import HopTraceDNS

/// `hoptrace spf IP DOMAIN`: RFC 7208 check_host() with its trace. Thin: options → resolver →
/// `SPFEvaluator` → rendering → exit code.
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
        """
    )

    @Argument(help: "The SMTP client IP address (IPv4 or IPv6).")
    var ip: String

    @Argument(help: "The domain whose SPF policy is checked (<domain> of check_host).")
    var domain: String

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
        guard IPAddress(ip) != nil else {
            throw ValidationError("\"\(TerminalText.sanitize(ip))\" is not an IPv4 or IPv6 address")
        }
        if domain.isEmpty || domain.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F })
            || domain.utf8.count > SPFLimits.maxIdentityBytes {
            throw ValidationError("\"\(TerminalText.sanitize(domain))\" is not a domain name")
        }
        if let resolver, !SPF.isServerAddress(resolver) {
            throw ValidationError("--resolver \"\(TerminalText.sanitize(resolver))\" is not IP or IP@PORT")
        }
        if dnsSnapshot != nil && resolver != nil {
            throw ValidationError("--dns-snapshot and --resolver exclude each other")
        }
    }

    func run() async throws {
        let client = IPAddress(ip)!
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
