import ArgumentParser
import HopTraceCore
import HopTraceDNS

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The DNS flags of `analyze`: where replayed checks get their answers, and whether they are
/// saved for replay.
struct DNSOptions: ParsableArguments {
    @Option(
        name: .customLong("dns-snapshot"),
        help: ArgumentHelp(
            "Answer every DNS question from this zone file, never the network (reproducible, offline).",
            valueName: "ZONEFILE"))
    var snapshot: String?

    @Option(
        name: .customLong("save-dns"),
        help: ArgumentHelp(
            "Write every DNS answer the analysis used to this zone file (replay it with --dns-snapshot).",
            valueName: "ZONEFILE"))
    var save: String?

    @Flag(
        name: .customLong("offline"),
        help: "Use no DNS at all: recorded verdicts only; the report says which replays were skipped.")
    var offline = false

    @Option(
        name: .customLong("resolver"),
        help: ArgumentHelp("Ask this DNS server (forwarding mode) instead of the system's.", valueName: "IP[@PORT]"))
    var server: String?

    var setup: DNSSetup { DNSSetup(snapshot: snapshot, offline: offline, server: server, record: save != nil) }

    func validate() throws {
        do { try setup.check() } catch { throw error.failure() }
    }

    /// The resolver chain (`DNSSetup`). Without an explicit choice, live DNS that does not
    /// answer is not an error: the analysis goes on offline and its notes say so.
    func make(now: Date) async throws -> DNSSetup.DNS {
        do { return try await setup.make(today: Self.day(now)) } catch { throw error.failure() }
    }

    /// `2026-11-29`: the UTC day of a live lookup, in the DNS source line. FoundationEssentials'
    /// format style, as `ISO8601DateFormatter` (full Foundation only) wrote it with `.withFullDate`.
    static func day(_ now: Date) -> String {
        now.formatted(Date.ISO8601FormatStyle(timeZone: .gmt).year().month().day())
    }

    func saveRecording(_ recorder: RecordingResolver?) throws {
        try Self.save(recorder, to: save)
    }

    /// Writes the answers `recorder` saw to `path` as a zone file (74 when that fails).
    static func save(_ recorder: RecordingResolver?, to path: String?) throws {
        guard let path, let recorder else { return }
        do {
            try recorder.zoneFileText().write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw CommandFailure(message: "cannot write \(path): \(SystemError.reason(error))", code: Exit.ioError)
        }
    }
}

extension DNSSetupError {
    /// The exit code of each case, as `DNSSetupError` says: a usage error (64) as
    /// ArgumentParser reports one, the others as a `CommandFailure`. `prefix` goes before the
    /// message (the batch line that named a snapshot).
    func failure(prefix: String = "") -> any Error {
        switch self {
        case .invalidChoice: ValidationError(prefix + description)
        case .snapshotUnreadable: CommandFailure(message: prefix + description, code: Exit.ioError)
        case .snapshotInvalid: CommandFailure(message: prefix + description, code: Exit.unreadableInput)
        case .liveUnavailable: CommandFailure(message: prefix + description, code: Exit.serviceUnavailable)
        }
    }
}
