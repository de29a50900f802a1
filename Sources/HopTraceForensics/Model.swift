import HopTraceAuth
import HopTraceCore
import HopTraceDNS
import HopTraceFingerprint
import HopTraceMessage
import HopTraceReceived
import HopTraceTopology
import HopTraceVerdicts

/// What the authentication-forensics stages read: one chain, its hops, its topology and the
/// software tied to its hops, the body when the chain has one, and the DNS to replay against.
public struct ForensicsInput: Sendable {
    public var chain: ChainInput
    /// Oldest first (hop 1 = bottom-most Received).
    public var hops: [Hop]
    public var topology: Topology
    /// Software per hop, parallel to `hops` (from `HopAttribution.software`).
    public var software: [[SoftwareIdentification]]
    /// nil = offline: nothing is replayed, recorded verdicts are still shown.
    public var resolver: (any DNSResolver)?
    /// Where DNS answers come from ("snapshot samples/x.zone", "live via …", "none (offline)").
    public var dnsSource: String
    /// Registrable domains (organizational domains for DMARC).
    public var publicSuffixList: PublicSuffixList
    /// Parsed SPF records shared across analyses (a mailbox's messages), or nil.
    public var spfRecordCache: SPFRecordCache?
    /// The chain's own time (newest hop), Unix seconds: DKIM t=/x= are judged against it.
    public var messageTime: Int64?
    /// Today, Unix seconds (injected: the stages read no clock).
    public var now: Int64

    public init(
        chain: ChainInput, hops: [Hop], topology: Topology, software: [[SoftwareIdentification]]? = nil,
        resolver: (any DNSResolver)?, dnsSource: String, publicSuffixList: PublicSuffixList,
        spfRecordCache: SPFRecordCache? = nil, messageTime: Int64?, now: Int64
    ) {
        self.chain = chain
        self.hops = hops
        self.topology = topology
        self.software = software ?? hops.map { _ in [] }
        self.resolver = resolver
        self.dnsSource = dnsSource
        self.publicSuffixList = publicSuffixList
        self.spfRecordCache = spfRecordCache
        self.messageTime = messageTime
        self.now = now
    }

    /// The chain's body bytes, for DKIM and ARC; nil for header-only chains.
    public var body: ArraySlice<UInt8>? { chain.body }
}

/// Where the envelope sender of a hop was read.
public enum SenderSource: Sendable, Hashable {
    /// The hop's own Received `envelope-from`.
    case receivedEnvelopeFrom(hop: Int)
    /// `envelope-from=` in a Received-SPF the hop's receiver wrote.
    case receivedSPF(hop: Int)
    /// `smtp.mailfrom=` in a results header the hop's receiver wrote.
    case mailfromProperty(header: String, hop: Int)
    /// Return-Path, written at final delivery (the last hop).
    case returnPath
    /// A later hop's SRS sender, used from the hop where the forwarder's own host sends.
    case laterSRS(forwarder: String)
    /// The original sender decoded from a later hop's SRS address.
    case decodedSRS(address: String)
    case earlierHop
    case laterHop
}

/// The envelope sender at one hop and where it was read.
public struct EnvelopeSender: Sendable, Hashable {
    /// Empty for the null sender `<>`.
    public var address: String
    public var source: SenderSource
}

/// Why SPF was not replayed at a hop.
public enum SPFReplaySkip: Sendable, Hashable {
    /// No DNS resolver; the DNS source as described to the user.
    case offline(dnsSource: String)
    /// A private, shared, loopback or link-local client no receiver recorded SPF for.
    case internalAddress(IPAddress, AddressScope)
    case noSender
    /// A hop on the sender's side of its outbound MTA (the origin hop, when there is one): SPF
    /// does not apply to its client.
    case notChecked(OriginSkip, originHop: Int?)
}

/// Why a hop before the SPF origin is not an SPF-checkable hop.
public enum OriginSkip: Sendable, Hashable {
    /// Authenticated submission: an RFC 3848 `…A` protocol (the keyword) or an authenticated
    /// sender comment.
    case authenticatedSubmission(String)
    /// Client and receiver belong to the sender's own organisation (no boundary between them).
    case insideSenderOrganisation(String?)
}

/// SPF at one hop: the replayed evaluation for that hop's client address and the envelope
/// sender of that moment, beside the verdict a receiver recorded there.
public struct HopSPF: Sendable, Hashable {
    /// The hop's from-side address (the connecting client).
    public var clientIP: IPAddress
    /// The envelope sender's domain at this hop (MAIL FROM; HELO name for a null sender).
    public var domain: String?
    /// The envelope sender at this hop and where it was read.
    public var sender: EnvelopeSender?
    /// The HELO/EHLO name the client gave.
    public var helo: String?
    /// check_host() now for MAIL FROM (nil when not replayed).
    public var replayed: SPFResult?
    public var replayTrace: SPFEvaluation?
    /// check_host() now for the HELO identity (nil when not replayed or no usable HELO name).
    public var heloReplayed: SPFResult?
    public var heloTrace: SPFEvaluation?
    /// The MAIL FROM SPF verdict a receiver recorded for this hop.
    public var recordedVerdict: RecordedVerdict?
    /// The receiver that recorded it (receiver=, authserv-id, tenant hint, or the hop's by-host).
    public var recordedBy: String?
    /// The address the recorded verdict was computed for (client-ip=, or the hop's client when
    /// the header does not say).
    public var recordedClientIP: IPAddress?
    /// A recorded `smtp.helo` result, kept apart from the MAIL FROM one.
    public var recordedHelo: SPFResult?
    /// Why the replay was not done.
    public var skipped: SPFReplaySkip?

    public init(clientIP: IPAddress, domain: String? = nil, sender: EnvelopeSender? = nil, helo: String? = nil) {
        self.clientIP = clientIP
        self.domain = domain
        self.sender = sender
        self.helo = helo
    }

    /// The recorded MAIL FROM result.
    public var recorded: SPFResult? { recordedVerdict?.spfResult }
    /// True when the recorded result is implied, not written (hMailServer's "Blocked by SPF").
    public var recordedInferred: Bool { recordedVerdict?.inferred ?? false }
    /// The header that carried the recorded verdict.
    public var recordedHeader: String? { recordedVerdict?.header }
    /// The address the receiver checked (the recorded client, else the hop's client).
    public var checkedIP: IPAddress { recordedClientIP ?? clientIP }
    /// Passes at this hop: replayed now, or recorded by its receiver.
    public var passes: Bool { replayed == .pass || recorded == .pass }
}

/// How an attribution was decided when the evidence disagreed or was thin.
public enum AttributionNote: Sendable, Hashable {
    /// The header field a note is about and, when known, its position.
    public struct Subject: Sendable, Hashable {
        public var header: String
        public var headerIndex: Int?
    }

    /// The verdict (method and result as written), for notes on one verdict.
    public struct Verdict: Sendable, Hashable {
        public var method: String
        public var result: String
    }
    case tie(Subject, hops: [Int], chosen: Int)
    case clientNamesOtherHop(Subject, clientIP: IPAddress, clientHop: Int, chosen: Int)
    case positionOverruled(Subject, aboveHop: Int, chosen: Int, byClientIP: Bool, writesBelow: Bool)
    case receiverNamesOtherHop(Subject, receiver: String, receiverHops: [Int], chosen: Int)
    case receiverUnknown(Subject, receiver: String)
    case nothingNamed(Subject, Verdict)
    case appendedIdentified(Subject, Verdict, product: String, hop: Int, receiver: String)
    case appendedByElimination(
        Subject, Verdict, product: String, hop: Int, receiver: String, others: [IdentifiedReceiver])
    case appendedNoCandidate(Subject, Verdict, product: String)

    /// A hop's receiver and the software identified on it.
    public struct IdentifiedReceiver: Sendable, Hashable {
        public var hop: Int
        public var receiver: String
        public var software: String
    }
}

/// Authentication evidence tied to one hop.
public struct HopAuthentication: Sendable, Hashable {
    /// Hop index (1 = oldest).
    public var hop: Int
    /// nil when the hop has no from-side address.
    public var spf: HopSPF?
    /// Every recorded verdict attributed to this hop's receiver, in header order.
    public var verdicts: [RecordedVerdict]
    /// How verdicts were attributed when the evidence disagreed or was thin.
    public var attributionNotes: [AttributionNote]
    /// Filtering products' verdict headers decoded and tied to this hop, in header order.
    public var vendorVerdicts: [HopVendorVerdict]

    public init(
        hop: Int, spf: HopSPF?, verdicts: [RecordedVerdict], attributionNotes: [AttributionNote],
        vendorVerdicts: [HopVendorVerdict] = []
    ) {
        self.hop = hop
        self.spf = spf
        self.verdicts = verdicts
        self.attributionNotes = attributionNotes
        self.vendorVerdicts = vendorVerdicts
    }
}

/// A recorded verdict with the hop it was attributed to (nil: no evidence names one).
public struct AttributedVerdict: Sendable, Hashable {
    public var hop: Int?
    public var verdict: RecordedVerdict
    public init(hop: Int?, verdict: RecordedVerdict) {
        self.hop = hop
        self.verdict = verdict
    }
}

/// Whose results a DMARC evaluation used.
public enum DMARCBasis: Sendable, Hashable {
    /// Replayed SPF for the origin's client, DKIM re-verified when the body is there.
    case origin(hop: Int, clientIP: IPAddress, bodyPresent: Bool)
    /// The results a receiver recorded at a hop.
    case receiver(hop: Int, receiver: String, dkim: DKIMInput)

    public enum DKIMInput: Sendable, Hashable {
        case recorded
        case reverified
        case none
    }
}

/// One DMARC evaluation and whose results it used.
public struct DMARCCheck: Sendable, Hashable {
    /// nil = at the origin (replayed SPF and re-verified DKIM); otherwise the receiving hop.
    public var hop: Int?
    public var basis: DMARCBasis
    public var evaluation: DMARCEvaluation
    /// The receiver's own recorded dmarc= result at this hop, when it wrote one.
    public var recorded: RecordedVerdict?
    /// Microsoft's `action=` (oreject, oquarantine…), when recorded.
    public var recordedAction: String?

    public init(
        hop: Int?, basis: DMARCBasis, evaluation: DMARCEvaluation, recorded: RecordedVerdict? = nil,
        recordedAction: String? = nil
    ) {
        self.hop = hop
        self.basis = basis
        self.evaluation = evaluation
        self.recorded = recorded
        self.recordedAction = recordedAction
    }
}

/// How an ARC instance was tied to a hop.
public enum ARCTie: Sendable, Hashable {
    case authservID(String, hop: Int)
    case sealDomain(String, hop: Int)
    case position(hop: Int)
    case none

    public var hop: Int? {
        switch self {
        case .authservID(_, let hop), .sealDomain(_, let hop), .position(let hop): return hop
        case .none: return nil
        }
    }
}

/// One ARC instance read as a ledger entry: what that intermediary saw.
public struct ARCLedgerEntry: Sendable, Hashable {
    public var instance: Int
    public var sealDomain: String?
    public var authservID: String?
    /// The ARC-Authentication-Results of this instance, as verdicts.
    public var verdicts: [RecordedVerdict]
    /// The hop whose receiver added this instance, and how it was chosen.
    public var tie: ARCTie

    public var hop: Int? { tie.hop }

    public init(instance: Int, sealDomain: String?, authservID: String?, verdicts: [RecordedVerdict], tie: ARCTie) {
        self.instance = instance
        self.sealDomain = sealDomain
        self.authservID = authservID
        self.verdicts = verdicts
        self.tie = tie
    }
}

/// A hop whose edge the diagram marks: where authentication broke.
public struct BreakMark: Sendable, Hashable {
    public var hop: Int
    public var severity: Severity
    public var kind: FindingKind
    public var recorded: SPFResult
    public var checked: IPAddress
    /// Whose relay was checked, in a word (organisation, relay name), when known.
    public var relay: String?
}

/// Everything the stages concluded about one chain's authentication.
public struct ChainAuthentication: Sendable, Hashable {
    /// One per hop, oldest first.
    public var hops: [HopAuthentication]
    /// Verdicts no evidence tied to a hop.
    public var unattributed: [RecordedVerdict]
    /// DKIM signatures re-verified over the body (empty without a body or resolver).
    public var dkim: [DKIMVerification]
    /// dkim= verdicts receivers recorded, with their hops.
    public var recordedDKIM: [AttributedVerdict]
    /// ARC chain validation (nil without ARC headers, or offline).
    public var arc: ARCValidation?
    /// ARC instances as a ledger of what each intermediary saw (also offline).
    public var arcLedger: [ARCLedgerEntry]
    /// DMARC at the origin and at each receiver that recorded verdicts, with context.
    public var dmarcChecks: [DMARCCheck]
    public var findings: [ForensicFinding]
    /// Where the diagram marks a break.
    public var marks: [BreakMark]
    /// DNS source, skipped checks, replay caveats.
    public var notes: [ForensicsNote]
    /// Vendor verdict headers no evidence tied to a hop.
    public var unattributedVendorVerdicts: [DecodedVerdictHeader] = []
    /// Where the diagram marks a filter's verdict.
    public var filterMarks: [FilterMark] = []

    public init(
        hops: [HopAuthentication] = [], unattributed: [RecordedVerdict] = [], dkim: [DKIMVerification] = [],
        recordedDKIM: [AttributedVerdict] = [], arc: ARCValidation? = nil, arcLedger: [ARCLedgerEntry] = [],
        dmarcChecks: [DMARCCheck] = [], findings: [ForensicFinding] = [], marks: [BreakMark] = [],
        notes: [ForensicsNote] = []
    ) {
        self.hops = hops
        self.unattributed = unattributed
        self.dkim = dkim
        self.recordedDKIM = recordedDKIM
        self.arc = arc
        self.arcLedger = arcLedger
        self.dmarcChecks = dmarcChecks
        self.findings = findings
        self.marks = marks
        self.notes = notes
    }

    /// The DMARC evaluations alone, in `dmarcChecks` order.
    public var dmarc: [DMARCEvaluation] { dmarcChecks.map(\.evaluation) }

    /// The authentication entry of hop `index`.
    public func hop(_ index: Int) -> HopAuthentication? { hops.first { $0.hop == index } }
}
