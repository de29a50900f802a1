import HopTraceCore
import HopTraceDNS

/// The result of `check_host()`, with the words of RFC 7208 §2.6 as raw values.
public enum SPFResult: String, Sendable, Hashable, CaseIterable {
    case pass
    case fail
    case softfail
    case neutral
    case none
    case permerror
    case temperror
}

/// Which identity was checked (RFC 7208 §2.3, §2.4).
public enum SPFIdentity: String, Sendable, Hashable {
    case mailFrom = "mailfrom"
    case helo
}

/// A syntax error in a record or an explanation string: where, what, and a hint.
public struct SPFSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// The text stops where more is required (`include`, `a:`, `%{d`).
        case incomplete
        /// The text is there but wrong.
        case invalid
    }

    public var kind: Kind
    /// Byte offset in the parsed text.
    public var offset: Int
    /// The term (or text) the error is in.
    public var term: String
    public var reason: String

    public init(_ kind: Kind, offset: Int, term: String, reason: String) {
        self.kind = kind
        self.offset = offset
        self.term = term
        self.reason = reason
    }

    public var description: String {
        "\(reason) (\(kind.rawValue), at byte \(offset) in \"\(term)\")"
    }
}

/// Why an evaluation ended in `permerror`, `temperror` or `none`.
public enum SPFError: Error, Sendable, Hashable, CustomStringConvertible {
    // none (RFC 7208 §4.3, §4.5)
    case malformedDomain(String, reason: String)
    case noRecord(String)
    case identityTooLong(Int)
    // permerror
    case syntax(SPFSyntaxError)
    case multipleRecords(domain: String, count: Int)
    case recordTooLong(domain: String, bytes: Int)
    case dnsMechanismLimit(limit: Int)
    case voidLookupLimit(limit: Int)
    case mxNameLimit(domain: String, count: Int, limit: Int)
    case includeNone(String)
    case redirectNone(String)
    case malformedRedirectTarget(String)
    // temperror
    case dnsFailure(DNSQuestion, DNSOutcome, reason: String?)

    /// The one place errors become results (RFC 7208 §2.6, §4.3, §4.5, §4.6.4, §5, §6.1).
    public var result: SPFResult {
        switch self {
        case .malformedDomain, .noRecord, .identityTooLong:
            return .none
        case .syntax, .multipleRecords, .recordTooLong, .dnsMechanismLimit,
            .voidLookupLimit, .mxNameLimit, .includeNone, .redirectNone, .malformedRedirectTarget:
            return .permerror
        case .dnsFailure:
            return .temperror
        }
    }

    public var description: String {
        switch self {
        case .malformedDomain(let d, let reason): return "domain \"\(d)\" is not a valid FQDN: \(reason)"
        case .noRecord(let d): return "no SPF record at \(d)"
        case .identityTooLong(let n): return "identity of \(n) bytes exceeds \(SPFLimits.maxIdentityBytes) bytes"
        case .syntax(let e): return "syntax error: \(e)"
        case .multipleRecords(let d, let n): return "\(n) SPF records at \(d) (at most one allowed)"
        case .recordTooLong(let d, let n): return "SPF record at \(d) is \(n) bytes (limit \(SPFLimits.maxRecordBytes))"
        case .dnsMechanismLimit(let l): return "more than \(l) DNS-querying terms"
        case .voidLookupLimit(let l): return "more than \(l) void DNS lookups"
        case .mxNameLimit(let d, let n, let l): return "\(d) has \(n) MX names (limit \(l))"
        case .includeNone(let d): return "include target \(d) has no SPF record"
        case .redirectNone(let d): return "redirect target \(d) has no SPF record"
        case .malformedRedirectTarget(let d): return "redirect target \"\(d)\" is not a valid domain"
        case .dnsFailure(let q, let o, let reason):
            let what: String
            switch o {
            case .timeout: what = "timed out"
            case .servfail: what = "failed (SERVFAIL)"
            default: what = "failed"
            }
            return "DNS query \(q) \(what)" + (reason.map { ": \($0)" } ?? "")
        }
    }
}

/// The bounds `check_host()` enforces. RFC 7208 §4.6.4 numbers are defaults of `SPFOptions`;
/// the rest bound hostile input.
public enum SPFLimits {
    /// RFC 7208 §4.6.4: DNS-querying terms (include, a, mx, ptr, exists, redirect) per check.
    public static let dnsMechanisms = 10
    /// RFC 7208 §4.6.4: lookups answering NXDOMAIN or no records.
    public static let voidLookups = 2
    /// RFC 7208 §4.6.4: MX names per `mx` evaluation (more is permerror).
    public static let mxNames = 10
    /// RFC 7208 §4.6.4: PTR names looked at per `ptr` or `%{p}` (the rest are ignored).
    public static let ptrNames = 10
    /// Longest SPF record accepted (bytes, after joining strings). A DNS message holds at most
    /// 65,535 bytes; real records stay far below. Longer is permerror.
    public static let maxRecordBytes = 16 * 1024
    /// Longest sender or HELO identity evaluated (longer gives `none`).
    public static let maxIdentityBytes = 1024
    /// RFC 7208 §7.3: expanded domain names are cut from the left to this length.
    public static let maxDomainLength = 253
    /// Longest explanation kept (characters); the rest is cut.
    public static let maxExplanationLength = 1024
    /// RFC 7208 §4.6.4: elapsed-time bound of one check (default of `SPFOptions.maxElapsed`).
    public static let maxElapsed: Duration = .seconds(20)
    /// Longest explanation TXT record accepted before expansion (bytes).
    public static let maxExplanationRecordBytes = 4096
}

/// What a trace step did.
public enum SPFStepAction: String, Sendable, Hashable {
    /// Fetching and selecting the domain's SPF record (RFC 7208 §4.4, §4.5).
    case recordLookup = "record"
    /// Evaluating a directive.
    case directive
    /// Following `redirect=`.
    case redirect
    /// No directive matched and there is no redirect: the default result (§4.7).
    case defaultResult = "default"
    /// Fetching and expanding `exp=` (§6.2).
    case explanation
    /// Looking up the validated name for `%{p}` (§7.3).
    case validatedName = "validated-name"
}

/// How a trace step ended.
public enum SPFStepOutcome: Sendable, Hashable {
    /// The directive matched; its qualifier gives this result.
    case matched(SPFResult)
    /// The directive did not match; evaluation continues.
    case notMatched
    /// A record lookup found a record, or a step produced a result (redirect, default, include's inner result).
    case result(SPFResult)
    /// The step ended the evaluation with an error.
    case error(SPFError)
    /// The step's failure was ignored (exp lookups, `%{p}`), with why.
    case ignored(String)
    /// Informational (an expanded explanation, a validated name).
    case value(String)
}

/// One step of `check_host()`: the domain being evaluated, its record, the term, the DNS
/// questions asked and their answers, the counters after the step, and the outcome.
public struct SPFTraceStep: Sendable, Hashable {
    /// 0 for the checked domain, +1 per include or redirect.
    public var depth: Int
    public var action: SPFStepAction
    /// The domain whose record is being evaluated (<domain> of check_host).
    public var domain: String
    /// The record text, when one was selected.
    public var record: String?
    /// The term as written (`-include:_spf.example.com`), nil for record lookups.
    public var term: String?
    /// The term's byte range in `record`.
    public var termRange: Range<Int>?
    /// The expanded target name the term looked up, if any.
    public var target: String?
    /// Every DNS question this step asked, with its answer (DNSSEC status when live).
    public var lookups: [DNSAnswer]
    /// DNS-querying terms counted so far in the whole check (§4.6.4).
    public var dnsMechanismCount: Int
    /// Void lookups so far in the whole check (§4.6.4).
    public var voidLookupCount: Int
    public var outcome: SPFStepOutcome
    /// For include and redirect: the result of the recursive check_host() (before the §5.2
    /// mapping for include).
    public var innerResult: SPFResult?
    /// A human note (e.g. "no MX records", "validated mail.example.com").
    public var note: String?

    public init(
        depth: Int, action: SPFStepAction, domain: String, record: String? = nil, term: String? = nil,
        termRange: Range<Int>? = nil, target: String? = nil, lookups: [DNSAnswer] = [],
        dnsMechanismCount: Int, voidLookupCount: Int, outcome: SPFStepOutcome, innerResult: SPFResult? = nil,
        note: String? = nil
    ) {
        self.depth = depth
        self.action = action
        self.domain = domain
        self.record = record
        self.term = term
        self.termRange = termRange
        self.target = target
        self.lookups = lookups
        self.dnsMechanismCount = dnsMechanismCount
        self.voidLookupCount = voidLookupCount
        self.outcome = outcome
        self.innerResult = innerResult
        self.note = note
    }
}

/// The directive that decided the result.
public struct SPFMatch: Sendable, Hashable {
    /// The domain whose record holds the term.
    public var domain: String
    /// The term as written.
    public var term: String
    public var record: String

    public init(domain: String, term: String, record: String) {
        self.domain = domain
        self.term = term
        self.record = record
    }
}

/// Everything one `check_host()` produced.
public struct SPFEvaluation: Sendable, Hashable {
    public var result: SPFResult
    public var identity: SPFIdentity
    public var ip: IPAddress
    /// The <domain> checked.
    public var domain: String
    /// The <sender> used (`postmaster@HELO` for the null sender).
    public var sender: String
    public var helo: String
    /// The directive that matched, when one did (nil for default results, errors, none).
    public var matched: SPFMatch?
    /// The expanded `exp=` text (or the configured default) when the result is `fail`.
    public var explanation: String?
    /// Why the result is permerror, temperror or none.
    public var error: SPFError?
    public var trace: [SPFTraceStep]
    public var dnsMechanismCount: Int
    public var voidLookupCount: Int

    public init(
        result: SPFResult, identity: SPFIdentity, ip: IPAddress, domain: String, sender: String, helo: String,
        matched: SPFMatch?, explanation: String?, error: SPFError?, trace: [SPFTraceStep],
        dnsMechanismCount: Int, voidLookupCount: Int
    ) {
        self.result = result
        self.identity = identity
        self.ip = ip
        self.domain = domain
        self.sender = sender
        self.helo = helo
        self.matched = matched
        self.explanation = explanation
        self.error = error
        self.trace = trace
        self.dnsMechanismCount = dnsMechanismCount
        self.voidLookupCount = voidLookupCount
    }
}
