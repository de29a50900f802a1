import HopTraceAuth
import HopTraceCore
import HopTraceDNS
import HopTraceMessage
import HopTraceReceived
import HopTraceTopology

/// What the authentication-forensics engine reads: one chain, its hops and topology, the body
/// when the chain has one, and the DNS to replay against (or none).
public struct ForensicsInput: Sendable {
    public var chain: ChainInput
    /// Oldest first (hop 1 = bottom-most Received).
    public var hops: [Hop]
    public var topology: Topology
    /// The chain's body bytes, for DKIM and ARC; nil for header-only receipts.
    public var body: [UInt8]?
    /// nil = offline: nothing is replayed, recorded verdicts are still shown.
    public var resolver: (any DNSResolver)?
    /// Where DNS answers come from, for the report ("snapshot samples/x.zone", "live via …", "none (offline)").
    public var dnsSource: String
    /// The chain's own time (newest hop or Date), Unix seconds: DKIM t=/x= are judged against it.
    public var messageTime: Int64?
    /// Today, Unix seconds (injected: the engine reads no clock).
    public var now: Int64

    public init(chain: ChainInput, hops: [Hop], topology: Topology, body: [UInt8]?, resolver: (any DNSResolver)?,
                dnsSource: String, messageTime: Int64?, now: Int64) {
        self.chain = chain; self.hops = hops; self.topology = topology; self.body = body
        self.resolver = resolver; self.dnsSource = dnsSource; self.messageTime = messageTime; self.now = now
    }
}

/// SPF at one hop: the replayed evaluation for that hop's client address and the envelope
/// sender of that moment, beside the verdict a receiver recorded there.
public struct HopSPF: Sendable, Hashable {
    /// The hop's from-side address (the connecting client).
    public var clientIP: IPAddress
    /// The envelope sender's domain at this hop (MAIL FROM; HELO name for a null sender).
    public var domain: String?
    /// The envelope sender at this hop (empty for the null sender `<>`), when known.
    public var sender: String?
    /// Where `sender` came from ("Received-SPF envelope-from at hop 1", "Return-Path", "SRS decoded", …).
    public var senderSource: String?
    /// The HELO/EHLO name the client gave.
    public var helo: String?
    /// check_host() now for MAIL FROM (nil when not replayed).
    public var replayed: SPFResult?
    public var replayTrace: SPFEvaluation?
    /// check_host() now for the HELO identity (nil when not replayed or no usable HELO name).
    public var heloReplayed: SPFResult?
    public var heloTrace: SPFEvaluation?
    /// The MAIL FROM SPF result a receiver recorded for this hop (RFC 7208 word, lower case).
    public var recorded: String?
    /// The receiver that recorded it (receiver=, authserv-id, tenant hint, or the hop's by-host).
    public var recordedBy: String?
    /// The header that carried it and its index (top = 0).
    public var recordedHeader: String?
    public var recordedHeaderIndex: Int?
    /// The address the recorded verdict was computed for (client-ip=, or the hop's client when the header does not say).
    public var recordedClientIP: IPAddress?
    /// True when the recorded result is implied, not written (hMailServer's "Blocked by SPF").
    public var recordedInferred: Bool
    /// A recorded `smtp.helo` result, kept apart from the MAIL FROM one.
    public var recordedHelo: String?
    /// Why the replay was not done (offline, private address, no sender…).
    public var skippedReason: String?

    public init(clientIP: IPAddress, domain: String? = nil, sender: String? = nil, senderSource: String? = nil,
                helo: String? = nil, replayed: SPFResult? = nil, replayTrace: SPFEvaluation? = nil,
                heloReplayed: SPFResult? = nil, heloTrace: SPFEvaluation? = nil, recorded: String? = nil,
                recordedBy: String? = nil, recordedHeader: String? = nil, recordedHeaderIndex: Int? = nil,
                recordedClientIP: IPAddress? = nil, recordedInferred: Bool = false, recordedHelo: String? = nil,
                skippedReason: String? = nil) {
        self.clientIP = clientIP; self.domain = domain; self.sender = sender; self.senderSource = senderSource
        self.helo = helo; self.replayed = replayed; self.replayTrace = replayTrace; self.heloReplayed = heloReplayed
        self.heloTrace = heloTrace; self.recorded = recorded; self.recordedBy = recordedBy
        self.recordedHeader = recordedHeader; self.recordedHeaderIndex = recordedHeaderIndex
        self.recordedClientIP = recordedClientIP; self.recordedInferred = recordedInferred
        self.recordedHelo = recordedHelo; self.skippedReason = skippedReason
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
    public var attributionNotes: [String]

    public init(hop: Int, spf: HopSPF?, verdicts: [RecordedVerdict], attributionNotes: [String]) {
        self.hop = hop; self.spf = spf; self.verdicts = verdicts; self.attributionNotes = attributionNotes
    }
}

/// A recorded verdict with the hop it was attributed to (nil: no evidence names one).
public struct AttributedVerdict: Sendable, Hashable {
    public var hop: Int?
    public var verdict: RecordedVerdict
    public init(hop: Int?, verdict: RecordedVerdict) { self.hop = hop; self.verdict = verdict }
}

/// One DMARC evaluation and whose results it used.
public struct DMARCCheck: Sendable, Hashable {
    /// nil = at the origin (replayed SPF and re-verified DKIM); otherwise the receiving hop.
    public var hop: Int?
    /// In words: "origin: replayed SPF for 82.70.154.45, DKIM not verifiable (no body)".
    public var basis: String
    public var evaluation: DMARCEvaluation
    /// The receiver's own recorded dmarc= result at this hop, when it wrote one.
    public var recorded: String?
    /// Microsoft's `action=` (oreject, oquarantine…), when recorded.
    public var recordedAction: String?

    public init(hop: Int?, basis: String, evaluation: DMARCEvaluation, recorded: String? = nil, recordedAction: String? = nil) {
        self.hop = hop; self.basis = basis; self.evaluation = evaluation; self.recorded = recorded
        self.recordedAction = recordedAction
    }
}

/// One ARC instance read as a ledger entry: what that intermediary saw.
public struct ARCLedgerEntry: Sendable, Hashable {
    public var instance: Int
    /// The hop whose receiver added this instance (nil when nothing ties it to one).
    public var hop: Int?
    public var sealDomain: String?
    public var authservID: String?
    /// The ARC-Authentication-Results of this instance, as verdicts.
    public var verdicts: [RecordedVerdict]
    /// How the hop was chosen.
    public var attribution: String

    public init(instance: Int, hop: Int?, sealDomain: String?, authservID: String?, verdicts: [RecordedVerdict], attribution: String) {
        self.instance = instance; self.hop = hop; self.sealDomain = sealDomain; self.authservID = authservID
        self.verdicts = verdicts; self.attribution = attribution
    }
}

/// Everything the engine concluded about one chain's authentication.
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
    public var findings: [Finding]
    /// Edge labels for the topology diagram (the breaking edge, red).
    public var annotations: [EdgeAnnotation]
    /// DNS source, skipped checks, replay caveats.
    public var notes: [String]

    public init(hops: [HopAuthentication] = [], unattributed: [RecordedVerdict] = [], dkim: [DKIMVerification] = [],
                recordedDKIM: [AttributedVerdict] = [], arc: ARCValidation? = nil, arcLedger: [ARCLedgerEntry] = [],
                dmarcChecks: [DMARCCheck] = [], findings: [Finding] = [], annotations: [EdgeAnnotation] = [],
                notes: [String] = []) {
        self.hops = hops; self.unattributed = unattributed; self.dkim = dkim; self.recordedDKIM = recordedDKIM
        self.arc = arc; self.arcLedger = arcLedger; self.dmarcChecks = dmarcChecks; self.findings = findings
        self.annotations = annotations; self.notes = notes
    }

    /// The DMARC evaluations alone, in `dmarcChecks` order.
    public var dmarc: [DMARCEvaluation] { dmarcChecks.map(\.evaluation) }

    /// The authentication entry of hop `index`.
    public func hop(_ index: Int) -> HopAuthentication? { hops.first { $0.hop == index } }
}
