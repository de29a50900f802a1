import HopTraceCore

/// The DNS an analysis or an SPF check asks, as the user chose it (`--dns-snapshot`,
/// `--offline`, `--resolver`, `--save-dns`), turned into a resolver: a zone-file snapshot or
/// the live resolver (probed first), through a recorder when the answers are to be saved,
/// behind a cache.
public struct DNSSetup: Sendable, Hashable {
    /// Answer every question from this zone file.
    public var snapshot: String?
    /// No DNS at all.
    public var offline: Bool
    /// `IP[@PORT]`: forward live queries to this server instead of the system's.
    public var server: String?
    /// Record every answer (`DNS.recorder`), to be saved as a zone file.
    public var record: Bool
    /// Whether live DNS that does not answer is an error even when no server was named. When
    /// it is not (an analysis), the analysis goes on without DNS and its notes say so.
    public var requiresLive: Bool

    public init(
        snapshot: String? = nil, offline: Bool = false, server: String? = nil, record: Bool = false,
        requiresLive: Bool = false
    ) {
        self.snapshot = snapshot
        self.offline = offline
        self.server = server
        self.record = record
        self.requiresLive = requiresLive
    }

    /// The resolver set up, and where its answers come from.
    public struct DNS: Sendable {
        /// What to ask: `base` through `recorder` (when recording), behind a `CachingResolver`;
        /// nil when there is no DNS.
        public let resolver: (any DNSResolver)?
        /// The snapshot or live resolver alone.
        public let base: (any DNSResolver)?
        public let recorder: RecordingResolver?
        /// Where the answers come from, in words ("snapshot x.zone", "live via …").
        public let source: String
        /// For the report: the source, or which checks are skipped without DNS and why.
        public let notes: [String]

        init(base: (any DNSResolver)?, record: Bool, source: String, notes: [String]) {
            let recorder = record ? base.map { RecordingResolver(wrapping: $0) } : nil
            self.base = base
            self.recorder = recorder
            resolver = base.map { CachingResolver(wrapping: recorder ?? $0) }
            self.source = source
            self.notes = notes
        }
    }

    /// Choices that exclude each other, and a server address that is not `IP[@PORT]`
    /// (port 1–65535). Nothing is opened.
    public func check() throws(DNSSetupError) {
        if offline && (snapshot != nil || server != nil || record) {
            throw .invalidChoice("--offline excludes --dns-snapshot, --resolver and --save-dns")
        }
        if snapshot != nil && server != nil {
            throw .invalidChoice("--dns-snapshot and --resolver exclude each other")
        }
        if let server, ServerAddress(server) == nil {
            throw .invalidChoice("--resolver \"\(TerminalText.sanitize(server))\" is not IP or IP@PORT")
        }
    }

    /// Reads the snapshot, or starts the live resolver and checks that a server answers.
    /// `today` is the UTC day of a live lookup ("2026-11-29"), said in `DNS.source`.
    public func make(today: String? = nil) async throws(DNSSetupError) -> DNS {
        try check()
        if offline {
            return DNS(
                base: nil, record: false, source: "none (--offline)",
                notes: [
                    "DNS: none (--offline); SPF, DKIM and DMARC replays were skipped, recorded verdicts are shown as written"
                ])
        }
        if let snapshot {
            let source = "snapshot \(snapshot)"
            return DNS(base: try Self.snapshot(snapshot), record: record, source: source, notes: ["DNS: \(source)"])
        }
        let live: LiveResolver
        do {
            live = try LiveResolver(options: LiveResolver.Options(forwarder: server))
        } catch {
            throw .liveUnavailable("\(error)")
        }
        if case .unreachable(let reason) = await live.probe() {
            if server != nil || requiresLive {
                throw .liveUnavailable("\(reason) (use --dns-snapshot to work offline)")
            }
            return DNS(
                base: nil, record: false, source: "none (no DNS reachable)",
                notes: [
                    "DNS: no server reachable (\(reason)); SPF, DKIM and DMARC replays were skipped, recorded verdicts are shown as written. Use --dns-snapshot for offline replays."
                ])
        }
        let source =
            "live via \(live.servers.joined(separator: ", "))" + (today.map { ", \($0)" } ?? "") + ", DNSSEC-validated"
        return DNS(base: live, record: record, source: source, notes: ["DNS: \(source)"])
    }

    /// The zone file at `path` as a resolver.
    public static func snapshot(_ path: String) throws(DNSSetupError) -> SnapshotResolver {
        do {
            return try SnapshotResolver(contentsOf: path)
        } catch {
            throw error.kind == .io ? .snapshotUnreadable(path: path, error) : .snapshotInvalid(path: path, error)
        }
    }
}

/// Why the DNS the user chose cannot be used. The command line gives each case one exit code,
/// whichever command and whichever form named the zone file (`--dns-snapshot` of `analyze` or
/// `spf`, an `@snapshot` line of `spf --batch`):
///
/// | case | exit | when |
/// |---|---|---|
/// | `invalidChoice` | 64, usage error | choices that exclude each other; `--resolver` not `IP[@PORT]` |
/// | `snapshotUnreadable` | 74, I/O error | the zone file cannot be read: missing, a folder, a failing read |
/// | `snapshotInvalid` | 65, input unreadable | the file was read but is no zone file: bad syntax, or beyond `ZoneFile.Limits` (its size included) |
/// | `liveUnavailable` | 69, service unavailable | live DNS was asked for (`--resolver`, or `spf` without a snapshot) and libunbound cannot be loaded or no server answers |
public enum DNSSetupError: Error, Sendable, Hashable, CustomStringConvertible {
    case invalidChoice(String)
    case snapshotUnreadable(path: String, ZoneFileError)
    case snapshotInvalid(path: String, ZoneFileError)
    case liveUnavailable(String)

    public var description: String {
        switch self {
        case .invalidChoice(let message): message
        case .snapshotUnreadable(let path, let error), .snapshotInvalid(let path, let error):
            "cannot read DNS snapshot \(path): \(error)"
        case .liveUnavailable(let reason): "live DNS unavailable: \(reason)"
        }
    }
}
