import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HopTraceDNS

/// The DNS flags of `analyze`: where replayed checks get their answers, and whether they are
/// saved for replay.
struct DNSOptions: ParsableArguments {
    @Option(name: .customLong("dns-snapshot"), help: ArgumentHelp("Answer every DNS question from this zone file, never the network (reproducible, offline).", valueName: "ZONEFILE"))
    var snapshot: String?

    @Option(name: .customLong("save-dns"), help: ArgumentHelp("Write every DNS answer the analysis used to this zone file (replay it with --dns-snapshot).", valueName: "ZONEFILE"))
    var save: String?

    @Flag(name: .customLong("offline"), help: "Use no DNS at all: recorded verdicts only; the report says which replays were skipped.")
    var offline = false

    @Option(name: .customLong("resolver"), help: ArgumentHelp("Ask this DNS server (forwarding mode) instead of the system's.", valueName: "IP[@PORT]"))
    var server: String?

    func validate() throws {
        if offline && (snapshot != nil || server != nil || save != nil) {
            throw ValidationError("--offline excludes --dns-snapshot, --resolver and --save-dns")
        }
        if snapshot != nil && server != nil {
            throw ValidationError("--dns-snapshot and --resolver exclude each other")
        }
    }

    /// The resolver chain: snapshot or live (probed first), wrapped by the recorder when
    /// `--save-dns` is given and by a cache. Without an explicit choice, live DNS that does not
    /// answer is not an error: the analysis goes on offline and says so (`notes`). When the
    /// user named a server (`--resolver`) and it does not answer, that is exit 69.
    func make(now: Date) async throws -> (resolver: (any DNSResolver)?, recorder: RecordingResolver?, source: String, notes: [String]) {
        if offline { return (nil, nil, "none (--offline)", ["DNS: none (--offline); SPF, DKIM and DMARC replays were skipped, recorded verdicts are shown as written"]) }
        let base: any DNSResolver
        let source: String
        if let snapshot {
            do {
                base = try SnapshotResolver(contentsOf: snapshot)
            } catch {
                throw CommandFailure(message: "cannot read DNS snapshot \(snapshot): \(error)", code: Exit.ioError)
            }
            source = "snapshot \(snapshot)"
        } else {
            let live: LiveResolver
            do {
                live = try LiveResolver(options: LiveResolver.Options(forwarder: server))
            } catch {
                throw CommandFailure(message: "live DNS unavailable: \(error)", code: Exit.serviceUnavailable)
            }
            if case let .unreachable(reason) = await live.probe() {
                if server != nil {
                    throw CommandFailure(message: "live DNS unavailable: \(reason) (use --dns-snapshot to work offline)", code: Exit.serviceUnavailable)
                }
                return (nil, nil, "none (no DNS reachable)",
                        ["DNS: no server reachable (\(reason)); SPF, DKIM and DMARC replays were skipped, recorded verdicts are shown as written. Use --dns-snapshot for offline replays."])
            }
            source = "live via \(live.servers.joined(separator: ", ")), \(Self.day(now)), DNSSEC-validated"
            base = live
        }
        let recorder = save.map { _ in RecordingResolver(wrapping: base) }
        return (CachingResolver(wrapping: recorder ?? base), recorder, source, ["DNS: \(source)"])
    }

    /// `2026-11-29`: the UTC day of a live lookup, in the DNS source line. FoundationEssentials'
    /// format style, as `ISO8601DateFormatter` (full Foundation only) wrote it with `.withFullDate`.
    static func day(_ now: Date) -> String {
        now.formatted(Date.ISO8601FormatStyle(timeZone: .gmt).year().month().day())
    }

    func saveRecording(_ recorder: RecordingResolver?) throws {
        guard let save, let recorder else { return }
        do {
            try recorder.zoneFileText().write(toFile: save, atomically: true, encoding: .utf8)
        } catch {
            throw CommandFailure(message: "cannot write \(save): \(SystemError.reason(error))", code: Exit.ioError)
        }
    }
}
