// RFC 7489 §6.4 (formal definition), with `np` from RFC 9091 §4.1, the grammar this model follows:
//
//   dmarc-uri       = URI [ "!" 1*DIGIT [ "k" / "m" / "g" / "t" ] ]
//                     ; "URI" is imported from [URI]; commas (ASCII
//                     ; 0x2C) and exclamation points (ASCII 0x21)
//                     ; MUST be encoded; the numeric portion MUST fit
//                     ; within an unsigned 64-bit integer
//   dmarc-record    = dmarc-version dmarc-sep
//                     [dmarc-request]
//                     [dmarc-sep dmarc-srequest]
//                     [dmarc-sep dmarc-auri]
//                     [dmarc-sep dmarc-furi]
//                     [dmarc-sep dmarc-adkim]
//                     [dmarc-sep dmarc-aspf]
//                     [dmarc-sep dmarc-ainterval]
//                     [dmarc-sep dmarc-fo]
//                     [dmarc-sep dmarc-rfmt]
//                     [dmarc-sep dmarc-percent]
//                     [dmarc-sep]
//                     ; components other than dmarc-version and
//                     ; dmarc-request may appear in any order
//   dmarc-version   = "v" *WSP "=" *WSP %x44 %x4d %x41 %x52 %x43 %x31
//   dmarc-sep       = *WSP %x3b *WSP
//   dmarc-request   = "p" *WSP "=" *WSP
//                     ( "none" / "quarantine" / "reject" )
//   dmarc-srequest  = "sp" *WSP "=" *WSP
//                     ( "none" / "quarantine" / "reject" )
//   dmarc-nprequest = "np" *WSP "=" *WSP                       ; RFC 9091
//                     ( "none" / "quarantine" / "reject" )
//   dmarc-auri      = "rua" *WSP "=" *WSP
//                     dmarc-uri *(*WSP "," *WSP dmarc-uri)
//   dmarc-furi      = "ruf" *WSP "=" *WSP
//                     dmarc-uri *(*WSP "," *WSP dmarc-uri)
//   dmarc-adkim     = "adkim" *WSP "=" *WSP ( "r" / "s" )
//   dmarc-aspf      = "aspf" *WSP "=" *WSP ( "r" / "s" )
//   dmarc-ainterval = "ri" *WSP "=" *WSP 1*DIGIT
//   dmarc-fo        = "fo" *WSP "=" *WSP
//                     ( "0" / "1" / "d" / "s" )
//                     *(*WSP ":" *WSP ( "0" / "1" / "d" / "s" ))
//   dmarc-rfmt      = "rf"  *WSP "=" *WSP Keyword *(*WSP ":" Keyword)
//   dmarc-percent   = "pct" *WSP "=" *WSP 1*3DIGIT

/// A requested handling policy (`p=`, `sp=`, `np=`).
public enum DMARCPolicy: String, Sendable, Hashable, CaseIterable {
    case none
    case quarantine
    case reject
}

/// `adkim=` / `aspf=`: relaxed (organizational domains equal) or strict (exact match).
public enum DMARCAlignmentMode: String, Sendable, Hashable, CaseIterable {
    case relaxed = "r"
    case strict = "s"
}

/// A `rua=`/`ruf=` entry: the URI and the optional size limit (`!10m`).
public struct DMARCReportURI: Sendable, Hashable {
    public var uri: String
    /// The size limit in bytes, when given.
    public var maxBytes: UInt64?
    /// As written.
    public var raw: String

    public init(uri: String, maxBytes: UInt64?, raw: String) {
        self.uri = uri
        self.maxBytes = maxBytes
        self.raw = raw
    }
}

/// One `tag=value` as written, with its byte ranges in the record: the tag-spec `TagList`'s
/// `.record` dialect reads (names lower-cased).
public typealias DMARCTag = TagList.Spec

/// A parsed `_dmarc` TXT record. Absent tags have the RFC's defaults; `tags` keeps every tag as
/// written (unknown ones too: RFC 7489 §6.3 "Unknown tags MUST be ignored").
public struct DMARCRecord: Sendable, Hashable {
    /// The record text as published.
    public var text: String
    /// `p=`. When the record has no valid `p` but a valid `rua`, RFC 7489 §6.6.3 step 6 says to
    /// act as if `p=none`: then `policyImplied` is true.
    public var policy: DMARCPolicy
    public var policyImplied: Bool
    /// `sp=` as written (nil: subdomains inherit `p`).
    public var subdomainPolicy: DMARCPolicy?
    /// RFC 9091 `np=` as written (nil: non-existent subdomains get `sp`, then `p`).
    public var nonExistentSubdomainPolicy: DMARCPolicy?
    /// `pct=`, 0–100 (default 100).
    public var percent: Int
    /// `adkim=` (default relaxed).
    public var dkimAlignment: DMARCAlignmentMode
    /// `aspf=` (default relaxed).
    public var spfAlignment: DMARCAlignmentMode
    public var aggregateReportURIs: [DMARCReportURI]
    public var failureReportURIs: [DMARCReportURI]
    /// `fo=` options (default ["0"]).
    public var failureOptions: [String]
    /// `rf=` formats (default ["afrf"]).
    public var reportFormats: [String]
    /// `ri=` seconds (default 86400).
    public var reportInterval: UInt32
    public var tags: [DMARCTag]
    /// Tag values that were invalid and replaced by the default (RFC 7489 §6.3: "Syntax errors in
    /// the remainder of the record SHOULD be discarded in favor of default values").
    public var warnings: [DMARCSyntaxError]

    public init(
        text: String, policy: DMARCPolicy, policyImplied: Bool = false, subdomainPolicy: DMARCPolicy? = nil,
        nonExistentSubdomainPolicy: DMARCPolicy? = nil, percent: Int = 100,
        dkimAlignment: DMARCAlignmentMode = .relaxed, spfAlignment: DMARCAlignmentMode = .relaxed,
        aggregateReportURIs: [DMARCReportURI] = [], failureReportURIs: [DMARCReportURI] = [],
        failureOptions: [String] = ["0"], reportFormats: [String] = ["afrf"], reportInterval: UInt32 = 86400,
        tags: [DMARCTag] = [], warnings: [DMARCSyntaxError] = []
    ) {
        self.text = text
        self.policy = policy
        self.policyImplied = policyImplied
        self.subdomainPolicy = subdomainPolicy
        self.nonExistentSubdomainPolicy = nonExistentSubdomainPolicy
        self.percent = percent
        self.dkimAlignment = dkimAlignment
        self.spfAlignment = spfAlignment
        self.aggregateReportURIs = aggregateReportURIs
        self.failureReportURIs = failureReportURIs
        self.failureOptions = failureOptions
        self.reportFormats = reportFormats
        self.reportInterval = reportInterval
        self.tags = tags
        self.warnings = warnings
    }

    /// The first tag of a name, as written.
    public func tag(_ name: String) -> DMARCTag? {
        let n = name.lowercased()
        return tags.first { $0.name == n }
    }
}

/// A DMARC record syntax problem (the tag-list error DKIM uses too).
public typealias DMARCSyntaxError = TagListSyntaxError

/// Bounds of the DMARC parser and evaluator.
public enum DMARCLimits {
    /// Longest record parsed (bytes after joining TXT strings); longer records are refused.
    public static let maxRecordBytes = 8 * 1024
    /// Tags read per record.
    public static let maxTags = 64
    /// Report URIs kept per tag.
    public static let maxURIs = 32
    /// DKIM results considered per evaluation.
    public static let maxDKIMResults = 64
    /// Longest From header value read for the domain.
    public static let maxFromBytes = 16 * 1024
    /// Addresses read from a From header before giving up.
    public static let maxFromAddresses = 64
}
