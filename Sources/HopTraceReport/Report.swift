import HopTraceCore
import HopTraceFingerprint
import HopTraceForensics
import HopTraceGeo
import HopTraceMessage
import HopTraceReceived
import HopTraceTopology

/// Everything hoptrace concluded about one message. Renderers only read this value.
public struct Report: Sendable, Hashable {
    /// JSON contract version.
    public static let version = 1
    /// What the outer message is when it is a report (delivery-status, read receipt, NDR…).
    public var reportKind: String?
    public var chains: [ChainReport]
    /// Findings about the message as a whole (intake limits, unreadable parts).
    public var findings: [Finding]
    /// What the analysis used and could not use (GeoIP databases, DNS source, skipped checks).
    public var notes: [String]

    public init(reportKind: String?, chains: [ChainReport], findings: [Finding], notes: [String] = []) {
        self.reportKind = reportKind
        self.chains = chains
        self.findings = findings
        self.notes = notes
    }

    /// The chain the topology diagram draws: for a report (receipt, bounce) the embedded
    /// original with hops, which is where the message travelled; otherwise the first chain
    /// with hops, else the first chain. nil when there is no chain.
    public var diagramChain: ChainReport? {
        if reportKind != nil, let embedded = chains.first(where: { $0.source == .embedded && !$0.hops.isEmpty }) {
            return embedded
        }
        return chains.first { !$0.hops.isEmpty } ?? chains.first
    }
}

/// One chain: the outer message's or an embedded original's.
public struct ChainReport: Sendable, Hashable {
    public var source: ChainSource
    public var part: String
    public var container: String
    /// A few identifying headers of the block (Subject, From, Date, Message-ID), decoded.
    public var summary: [(name: String, value: String)]
    public var hops: [HopReport]
    public var findings: [Finding]
    /// The relay topology of this chain: hosts, organisations, boundaries.
    public var topology: Topology
    /// Marks the diagram draws on the topology's edges: every authentication failure a
    /// receiver recorded or the replay found (`FailureMarks`), red.
    public var annotations: [EdgeAnnotation]
    /// Software named by headers that belongs to the message's author, not to a hop
    /// (`X-Mailer`, `User-Agent`), and server software no hop could be tied to.
    public var otherSoftware: [SoftwareIdentification]
    /// Recorded and replayed SPF per hop, DKIM, ARC, DMARC, and what broke where.
    public var authentication: ChainAuthentication
    /// The chain's header block as read (every field with its raw bytes and position): the
    /// incident report quotes it as evidence.
    public var headers: HeaderBlock = HeaderBlock(fields: [])

    public static func == (a: ChainReport, b: ChainReport) -> Bool {
        a.source == b.source && a.part == b.part && a.container == b.container
            && a.summary.map(\.name) == b.summary.map(\.name) && a.summary.map(\.value) == b.summary.map(\.value)
            && a.hops == b.hops && a.findings == b.findings && a.topology == b.topology
            && a.annotations == b.annotations
            && a.otherSoftware == b.otherSoftware && a.authentication == b.authentication && a.headers == b.headers
    }

    public func hash(into h: inout Hasher) {
        h.combine(source)
        h.combine(part)
        h.combine(hops)
        h.combine(findings)
    }
}

/// One hop with what the analysis added to the parsed header.
public struct HopReport: Sendable, Hashable {
    public var hop: Hop
    public var fromScope: AddressScope?
    public var byScope: AddressScope?
    /// Software of this hop's receiver (it wrote the header), from the Received line and from
    /// other headers it added.
    public var software: [SoftwareIdentification]
    /// Country/ASN of public addresses (nil without a database, or for non-public scopes).
    public var fromGeo: GeoRecord?
    public var byGeo: GeoRecord?

    public var index: Int { hop.index }
    public var received: ReceivedHeader { hop.received }
}

/// The parse stage of one message (`hoptrace hops`): chains of hops with scopes, and the
/// findings of intake and chain building. Nothing from the later stages.
public struct HopsReport: Sendable, Hashable {
    public struct Chain: Sendable, Hashable {
        public var source: ChainSource
        public var part: String
        public var container: String
        /// `software` empty and `fromGeo`/`byGeo` nil: those stages did not run.
        public var hops: [HopReport]
        public var findings: [Finding]
    }
    public var reportKind: String?
    public var chains: [Chain]
    public var findings: [Finding]
}

/// A mailbox or Maildir analysed message by message.
public struct BatchReport: Sendable, Hashable {
    public struct Entry: Sendable, Hashable {
        /// 1-based position in the mailbox, or the Maildir file name.
        public var label: String
        public var result: Result<Report, IntakeError>

        public init(label: String, result: Result<Report, IntakeError>) {
            self.label = label
            self.result = result
        }
    }
    public var entries: [Entry]

    public init(entries: [Entry]) { self.entries = entries }
}
