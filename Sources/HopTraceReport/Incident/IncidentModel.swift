import HopTraceCore
import HopTraceForensics
import HopTraceTopology

/// The incident report of one message (`--report OUT.html|OUT.md`), the value the HTML and
/// Markdown renderers format and the terminal report's summary reads. Every decision (which
/// findings make the verdict, severity order, each hop's share of the transit time, clock skew,
/// the evidence a finding rests on) is made when it is built (`IncidentReport.init(report:context:)`);
/// the renderers only escape and lay out what it holds. Strings that came from the message stay
/// as written: each renderer escapes them for its context.
public struct IncidentReport: Sendable, Hashable {
    /// The input's name as the user gave it (`bt.eml`, `archive.mbox:3`).
    public var title: String
    /// What the outer message is when it is a report (delivery-status, read receipt…).
    public var reportKind: String?
    public var verdict: IncidentVerdict
    /// Subject, From, Date, Message-ID of the message the verdict is about.
    public var identity: [IncidentField]
    public var provenance: IncidentProvenance
    /// The chain the report is about (the diagram's: an embedded original for a receipt or
    /// bounce), nil when the message has no chain.
    public var primary: IncidentChain?
    /// The other chains (the receipt's own, further originals), each with the same sections.
    public var others: [IncidentChain]
    /// Findings about the message as a whole (intake limits, unreadable parts).
    public var messageFindings: [IncidentFinding]
    /// The DNS answers the replays used, as zone-file lines (empty offline).
    public var dnsAnswers: [String]
    /// The direction the diagram fits in (`DiagramDirection.fitting`): top to bottom when left
    /// to right would be too wide for a screen or a printed page.
    public var diagramDirection: DiagramDirection
}

/// What the incident report was made from besides the message: the analysis' inputs, as the
/// command line knew them.
public struct IncidentContext: Sendable, Hashable {
    public var title: String
    /// hoptrace's version.
    public var version: String
    /// The analysis' time, Unix seconds (`SOURCE_DATE_EPOCH` when set).
    public var analysisTime: Int64
    /// Where DNS answers came from (`snapshot x.zone`, `live via …, 2026-12-05`, `none (--offline)`).
    public var dnsSource: String
    /// The zone file text of the answers the analysis used (`RecordingResolver.zoneFileText()`).
    public var dnsZone: String?

    public init(title: String, version: String, analysisTime: Int64, dnsSource: String, dnsZone: String?) {
        self.title = title
        self.version = version
        self.analysisTime = analysisTime
        self.dnsSource = dnsSource
        self.dnsZone = dnsZone
    }
}

/// A header's name and decoded value.
public struct IncidentField: Sendable, Hashable {
    public var name: String
    public var value: String
}

/// Where the analysis' facts came from.
public struct IncidentProvenance: Sendable, Hashable {
    public var version: String
    public var dnsSource: String
    /// `2026-12-05T10:00:00Z`.
    public var analysisTime: String
    /// The analysis' own notes: GeoIP databases used, the DNS source in words, what was skipped.
    public var notes: [String]
    /// The Public Suffix List used, in words (from the first chain's notes).
    public var publicSuffixList: String?
}

/// The verdict block: the worst severity, the statements built from the findings, and the
/// number of findings of each severity.
public struct IncidentVerdict: Sendable, Hashable {
    /// The worst severity of any finding; nil when there is none.
    public var severity: Severity?
    public var statements: [VerdictStatement]
    public var errors: Int
    public var warnings: Int
    public var infos: Int

    public init(severity: Severity?, statements: [VerdictStatement], errors: Int, warnings: Int, infos: Int) {
        self.severity = severity
        self.statements = statements
        self.errors = errors
        self.warnings = warnings
        self.infos = infos
    }
}

/// One sentence of the verdict, chosen from the findings; `IncidentText` words it.
public enum VerdictStatement: Sendable, Hashable {
    /// A receiver checked SPF against a relay instead of the origin.
    case spfBroke(SPFBreak)
    case dmarcFailed(DMARCFailure)
    /// A DKIM signature failed (re-verified, or recorded by a receiver).
    case dkimBroke(domain: String?, hops: [Int])
    /// No authentication failure: the most severe other finding.
    case finding(FindingKind, Severity, hops: [Int])
    /// Nothing found, over this many hops.
    case clean(hops: Int)
    /// The message has no Received headers.
    case noHops
}

/// One chain with its sections.
public struct IncidentChain: Sendable, Hashable {
    /// 1-based position among the message's chains.
    public var number: Int
    public var isEmbedded: Bool
    public var part: String
    public var container: String
    public var identity: [IncidentField]
    public var hops: [IncidentHop]
    /// Total transit seconds (sum of the positive delays).
    public var transitSeconds: Int
    public var authentication: IncidentAuthentication
    /// Sorted by severity, most severe first; each keeps its position in the chain's findings.
    public var findings: [IncidentFinding]
    /// Every header field of the chain, top first, verbatim.
    public var headers: [IncidentHeader]
    /// The filtering verdicts vendors' headers record, one per hop and vendor, oldest hop first.
    public var filtering: [IncidentFilteringVerdict]
}

/// One side of a hop.
public struct IncidentEndpoint: Sendable, Hashable {
    /// HELO/EHLO name (sender) or by-name (receiver).
    public var name: String?
    /// Reverse DNS name the receiver wrote, when it differs from `name`.
    public var rdns: String?
    public var address: String?
    public var scope: String?
    /// Country, city, ASN, organisation, when known.
    public var geo: [String]
}

/// One row of the hop table.
public struct IncidentHop: Sendable, Hashable {
    public var index: Int
    public var sender: IncidentEndpoint
    public var receiver: IncidentEndpoint
    /// The whole line for a comment-only Received (qmail, local delivery).
    public var comment: String?
    public var protocolName: String?
    public var tls: Bool
    public var authenticated: Bool
    /// `TLS1.2 cipher … bits`, as written.
    public var tlsDetail: String?
    /// `2016-08-20T09:14:02Z`.
    public var time: String?
    public var delaySeconds: Int?
    /// Percentage (0–100) of the chain's transit time this hop took; nil without a positive delay.
    public var transitPercent: Int?
    /// The delay is negative: the clocks disagree.
    public var clockSkew: Bool
    /// `Microsoft Exchange Server 2010 14.3.181.6 → Exchange Server 2010 SP3 Update Rollup 5`.
    public var software: [IncidentSoftware]
    public var recorded: [IncidentVerdictCell]
    public var replayed: [IncidentVerdictCell]
    /// Authentication broke at this hop (the diagram's red edge).
    public var broken: Bool
}

public struct IncidentSoftware: Sendable, Hashable {
    public var product: String
    public var release: String?
    public var note: String?
}

/// A verdict as the table shows it: method, result word, who recorded it.
public struct IncidentVerdictCell: Sendable, Hashable {
    public var method: String
    public var result: String
    public var detail: String?
    /// The result is a failure (fail, softfail, permerror…).
    public var failed: Bool
}

/// The authentication section of a chain.
public struct IncidentAuthentication: Sendable, Hashable {
    public var rows: [IncidentAuthRow]
    /// Chain-level results: DKIM re-verified, ARC validated, DMARC at the origin.
    public var chainResults: [IncidentVerdictCell]
    /// The authentication findings, each with its fix (`findingID` links to the finding).
    public var breaks: [IncidentBreak]
    public var notes: [String]
}

/// Per hop: recorded against replayed, for each method.
public struct IncidentAuthRow: Sendable, Hashable {
    public var hop: Int
    public var receiver: String?
    public var spf: IncidentComparison
    public var dkim: IncidentComparison
    public var arc: IncidentComparison
    public var dmarc: IncidentComparison
    public var broken: Bool
}

public struct IncidentComparison: Sendable, Hashable {
    public var recorded: [IncidentVerdictCell]
    public var replayed: IncidentVerdictCell?
    /// Why there is no replay, in words.
    public var notReplayed: String?

    public var isEmpty: Bool { recorded.isEmpty && replayed == nil && notReplayed == nil }
}

/// An authentication finding in the authentication section: what broke, and the fix.
public struct IncidentBreak: Sendable, Hashable {
    public var findingID: String
    public var kind: FindingKind
    public var hops: [Int]
    public var fix: String?
}

public struct IncidentFinding: Sendable, Hashable {
    /// `c2-f5`: unique in the document, for links.
    public var id: String
    public var severity: Severity
    public var kind: FindingKind
    public var hops: [Int]
    public var summary: String
    public var fix: String?
    /// The header fields it rests on, verbatim.
    public var evidence: [IncidentHeader]
}

/// One header field, verbatim (raw bytes decoded as UTF-8, invalid bytes replaced).
public struct IncidentHeader: Sendable, Hashable {
    /// 0-based position in its block.
    public var index: Int
    public var name: String
    public var raw: String
}

/// A vendor filtering verdict of one hop, for the "Filtering verdicts" section.
public struct IncidentFilteringVerdict: Sendable, Hashable {
    /// The hop whose receiver wrote the headers.
    public var hop: Int
    public var vendor: String
    /// The verdict word (phish, spam, clean, …), nil when the headers record none.
    public var verdict: String?
    /// The decoded fields an analyst reads first, in one line.
    public var summary: String
    /// Why the headers are tied to this hop, one sentence per header.
    public var evidence: [String]
    /// The hop whose client the filter evaluated, when further down the chain.
    public var checkedHop: Int?
    /// The header fields the verdict was decoded from, verbatim.
    public var raw: [IncidentHeader]
}
