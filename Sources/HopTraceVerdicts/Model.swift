import HopTraceCore

/// The filtering products whose verdict headers hoptrace decodes. Raw values are the JSON
/// contract's `vendor` words.
public enum FilterVendor: String, Sendable, Hashable, CaseIterable {
    case microsoft
    case proofpoint
    case mimecast
    case cisco
    case barracuda
    case sophos
    case trendmicro
    case google
    case spamassassin
    case rspamd
    case amavis
}

/// What a filter concluded about the message. Raw values are the JSON contract's `verdict`
/// words; `unknown` is written as null.
public enum FilterVerdict: String, Sendable, Hashable, CaseIterable {
    case clean
    case spam
    case bulk
    case phish
    case malware
    case spoof
    /// Filtering was skipped (allow lists, mail flow rules, trusted senders).
    case skipped
    /// The header records no verdict, or none that can be read from documented values.
    case unknown
}

/// One row of the code table (`data/vendor-verdict-codes.tsv`): a field's or a code's meaning
/// and the public page it comes from. An empty `meaning` is a code the vendor does not document.
public struct VendorCodeRow: Sendable, Hashable {
    public var vendor: FilterVendor
    public var header: String
    public var field: String
    /// `*` for the field itself; `1xx` for a family of codes sharing their first digit.
    public var code: String
    public var meaning: String
    public var source: String
    public var sourceDate: String

    public init(
        vendor: FilterVendor, header: String, field: String, code: String, meaning: String, source: String,
        sourceDate: String
    ) {
        self.vendor = vendor
        self.header = header
        self.field = field
        self.code = code
        self.meaning = meaning
        self.source = source
        self.sourceDate = sourceDate
    }
}

/// Where a meaning was read: the documentation page and its date.
public struct CodeSource: Sendable, Hashable {
    public var url: String
    /// The date the page states, or `read YYYY-MM-DD`.
    public var date: String
}

/// One field of a verdict header, with the documented meaning of its value when there is one.
public struct DecodedField: Sendable, Hashable {
    public var key: String
    /// As written (cut at `VendorVerdictLimits.fieldValueBytes`).
    public var value: String
    /// The meaning of this value (or, for free values such as an address, of the field); nil when
    /// the vendor documents none.
    public var meaning: String?
    /// The meaning of the field itself, when documented.
    public var fieldMeaning: String?
    public var source: CodeSource?

    public init(
        key: String, value: String, meaning: String? = nil, fieldMeaning: String? = nil, source: CodeSource? = nil
    ) {
        self.key = key
        self.value = value
        self.meaning = meaning
        self.fieldMeaning = fieldMeaning
        self.source = source
    }

    /// Neither the value nor the field has a documented meaning.
    public var isUndocumented: Bool { meaning == nil && fieldMeaning == nil }
}

/// Microsoft's composite authentication (`compauth=… reason=…` in its Authentication-Results).
public struct CompositeAuthentication: Sendable, Hashable {
    public enum Result: String, Sendable, Hashable {
        case pass, fail, softpass, none
    }

    /// What a failing reason code says failed.
    public enum Basis: Sendable, Hashable {
        /// 000: DMARC failed under a quarantine or reject policy.
        case explicitDMARC
        /// 001: no or weak SPF/DKIM/DMARC records (SPF softfail or neutral, DMARC p=none).
        case implicit
        /// 002: a tenant policy forbids the sender and domain pair.
        case tenantPolicy
        /// 010: DMARC failed under quarantine/reject for one of the organisation's own domains.
        case explicitDMARCOwnDomain
        /// 6xx: implicit failure for one of the organisation's own domains.
        case implicitOwnDomain
    }

    /// nil when the word is not one Microsoft documents.
    public var result: Result?
    public var resultWord: String
    public var reason: String?

    public init(resultWord: String, reason: String?) {
        self.resultWord = resultWord
        self.result = Result(rawValue: resultWord.lowercased())
        self.reason = reason
    }

    /// The failing basis the reason code documents (nil for a pass, an unknown code, no reason).
    public var basis: Basis? {
        guard let reason, reason.count == 3 else { return nil }
        switch reason {
        case "000": return .explicitDMARC
        case "001": return .implicit
        case "002": return .tenantPolicy
        case "010": return .explicitDMARCOwnDomain
        default: return reason.hasPrefix("6") ? .implicitOwnDomain : nil
        }
    }
}

/// Where a verdict header says its writer or the checked client was.
public struct VerdictHeaderHints: Sendable, Hashable {
    /// The host that wrote or ran the filter (SpamAssassin's `on HOST`, X-Rspamd-Server, amavisd's `at HOST`).
    public var host: String?
    /// The connecting address the filter checked (Forefront's `CIP`).
    public var connectingIP: IPAddress?
    /// The original sender address Enhanced Filtering for Connectors found behind the connectors.
    public var originalIP: IPAddress?
    /// The HELO name the filter recorded (Forefront's `H`).
    public var helo: String?

    public init(
        host: String? = nil, connectingIP: IPAddress? = nil, originalIP: IPAddress? = nil, helo: String? = nil
    ) {
        self.host = host
        self.connectingIP = connectingIP
        self.originalIP = originalIP
        self.helo = helo
    }
}

/// One verdict header decoded: who wrote it, what it concluded, its fields with their meanings.
public struct DecodedVerdictHeader: Sendable, Hashable {
    public var vendor: FilterVendor
    /// The header's name as the table spells it.
    public var header: String
    /// The header's position in its block (top = 0).
    public var headerIndex: Int?
    public var verdict: FilterVerdict
    public var fields: [DecodedField]
    public var hints: VerdictHeaderHints
    /// Microsoft's composite authentication, for an Authentication-Results entry.
    public var compositeAuthentication: CompositeAuthentication?
    /// The header's value as read (cut at `VendorVerdictLimits.valueBytes`).
    public var raw: String
    /// Fields beyond `VendorVerdictLimits.fields` were not read.
    public var truncated: Bool

    public init(
        vendor: FilterVendor, header: String, headerIndex: Int?, verdict: FilterVerdict, fields: [DecodedField],
        hints: VerdictHeaderHints = .init(), compositeAuthentication: CompositeAuthentication? = nil, raw: String,
        truncated: Bool = false
    ) {
        self.vendor = vendor
        self.header = header
        self.headerIndex = headerIndex
        self.verdict = verdict
        self.fields = fields
        self.hints = hints
        self.compositeAuthentication = compositeAuthentication
        self.raw = raw
        self.truncated = truncated
    }

    /// The first field with `key` (case-insensitive).
    public func field(_ key: String) -> DecodedField? {
        fields.first { ASCIIFold.equal($0.key.utf8, key.utf8) }
    }
}

/// Bounds on what is read from one verdict header: every value is attacker-written.
public enum VendorVerdictLimits {
    /// Bytes of a header value read; the rest is ignored.
    public static let valueBytes = 16 * 1024
    /// Fields read per header.
    public static let fields = 128
    /// Bytes kept of one field's value.
    public static let fieldValueBytes = 512
    /// Bytes kept of one key.
    public static let keyBytes = 64
}

extension DecodedVerdictHeader {
    /// Whether this header carries its vendor's main verdict (Forefront's report, SpamAssassin's
    /// status, rspamd's result…) rather than a score or a stamp beside it.
    public var isMainVerdict: Bool {
        switch header.lowercased() {
        case "x-forefront-antispam-report", "x-spam-status", "x-spamd-result", "x-rspamd-action",
            "x-barracuda-spam-status", "x-proofpoint-spam-details", "x-mimecast-impersonation-protect",
            "x-amavis-alert":
            return true
        default: return false
        }
    }

    /// The verdict of a vendor's headers at one hop: the main verdict header's, else the first
    /// other header's that records one.
    public static func leadingVerdict(_ headers: [DecodedVerdictHeader]) -> FilterVerdict? {
        headers.first { $0.isMainVerdict && $0.verdict != .unknown }?.verdict
            ?? headers.first { $0.verdict != .unknown }?.verdict
    }
}
