/// How much a finding matters.
public enum Severity: String, Sendable, Hashable, Comparable, Codable {
    case info
    case warning
    case error

    private var rank: Int {
        switch self {
        case .info: 0
        case .warning: 1
        case .error: 2
        }
    }
    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// The kinds of findings the JSON contract names (README, docs/), plus the ones this tool adds.
/// Raw values are the contract's strings.
public enum FindingKind: String, Sendable, Hashable, CaseIterable, Codable {
    case spfBrokenByForwarding = "spf-broken-by-forwarding"
    case dkimBrokenInTransit = "dkim-broken-in-transit"
    case dmarcFail = "dmarc-fail"
    case natInterface = "nat-interface"
    case hostAlias = "host-alias"
    case pathReenters = "path-reenters"
    case chainGap = "chain-gap"
    case clockSkew = "clock-skew"
    case unparsedReceived = "unparsed-received"
    case unsupportedSoftware = "unsupported-software"
    /// An input limit (Limits.swift) was reached and the analysis covers only part of the input.
    case limitReached = "limit-reached"
    /// A part of the message that should carry an embedded original could not be read.
    case unreadablePart = "unreadable-part"
    /// Microsoft's composite authentication failed at a hop (with the reason, and whether the
    /// message was junked for it).
    case compauthFail = "compauth-fail"
    /// A filter judged the message spoofing or impersonation.
    case spoofVerdict = "spoof-verdict"
}

/// One conclusion with the hops it concerns and a one-line explanation.
public struct Finding: Sendable, Hashable {
    public var kind: FindingKind
    public var severity: Severity
    /// Hop indexes (1 = oldest) the finding concerns; empty when it concerns the whole chain.
    public var hops: [Int]
    public var summary: String

    public init(kind: FindingKind, severity: Severity, hops: [Int] = [], summary: String) {
        self.kind = kind
        self.severity = severity
        self.hops = hops
        self.summary = summary
    }
}

extension Finding {
    /// An input limit (`Limits`) was reached: the analysis covers part of the input.
    public static func limitReached(_ summary: String, hops: [Int] = []) -> Finding {
        Finding(kind: .limitReached, severity: .warning, hops: hops, summary: summary)
    }
}
