import HopTraceCore
import HopTraceDNS

/// The DMARC result, with the words of RFC 7489 §11.2 / RFC 8601's registry as raw values.
public enum DMARCResult: String, Sendable, Hashable, CaseIterable {
    case pass
    case fail
    /// No policy published (or none usable: several records, RFC 7489 §6.6.3).
    case none
    case temperror
    case permerror
}

/// Which tag gave the policy for this From domain.
public enum DMARCPolicySource: String, Sendable, Hashable {
    /// `p=`: the record is the From domain's own.
    case p
    /// `sp=`: the record is the organizational domain's and the From domain is a subdomain.
    case sp
    /// RFC 9091 `np=`: the From domain does not exist.
    case np
}

/// Why an evaluation ended in `none`, `permerror` or `temperror`.
public enum DMARCError: Error, Sendable, Hashable, CustomStringConvertible {
    case invalidFromDomain(String, reason: String)
    case noRecord(fromDomain: String, organizationalDomain: String)
    case multipleRecords(domain: String, count: Int)
    case syntax(domain: String, DMARCSyntaxError)
    case dnsFailure(DNSQuestion, DNSOutcome, reason: String?)

    /// The one place errors become results.
    public var result: DMARCResult {
        switch self {
        case .noRecord, .multipleRecords: return .none
        case .invalidFromDomain, .syntax: return .permerror
        case .dnsFailure: return .temperror
        }
    }

    public var description: String {
        switch self {
        case .invalidFromDomain(let d, let reason): return "From domain \"\(d.prefix(80))\" is not usable: \(reason)"
        case .noRecord(let d, let org):
            return d == org ? "no DMARC record at _dmarc.\(d)" : "no DMARC record at _dmarc.\(d) or _dmarc.\(org)"
        case .multipleRecords(let d, let n):
            return "\(n) DMARC records at _dmarc.\(d); RFC 7489 §6.6.3 says to apply no policy"
        case .syntax(let d, let e): return "DMARC record at _dmarc.\(d) is unusable: \(e)"
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

/// What a DMARC trace step did.
public enum DMARCStepAction: String, Sendable, Hashable {
    /// Asking for `_dmarc.<domain>` TXT (RFC 7489 §6.6.3 steps 1 and 3).
    case query
    /// Choosing among the answer's TXT records (steps 2, 4, 5).
    case select
    /// Computing the organizational domain (§3.2) with the injected function.
    case organizationalDomain = "org-domain"
    /// Parsing the selected record.
    case parse
    /// RFC 9091: does the From domain exist (A, AAAA, MX)?
    case nonExistence = "np-check"
    case spfAlignment = "spf-alignment"
    case dkimAlignment = "dkim-alignment"
    /// Choosing p / sp / np.
    case policy
    case result
}

/// How a DMARC trace step ended.
public enum DMARCStepOutcome: Sendable, Hashable {
    /// The query answered with these TXT strings (joined per record).
    case records([String])
    /// No records (NXDOMAIN or NODATA).
    case empty
    /// TXT records that are not DMARC records, discarded (step 2/4).
    case discarded([String])
    /// The record chosen.
    case selected(String)
    case aligned(Bool)
    case policy(DMARCPolicy, DMARCPolicySource)
    case value(String)
    case result(DMARCResult)
    case error(DMARCError)
}

public struct DMARCTraceStep: Sendable, Hashable {
    public var action: DMARCStepAction
    /// The domain the step is about (the queried owner's base domain, or the aligned domain).
    public var domain: String
    /// The DNS question and answer, for queries.
    public var answer: DNSAnswer?
    public var outcome: DMARCStepOutcome
    public var note: String?

    public init(
        action: DMARCStepAction, domain: String, answer: DNSAnswer? = nil, outcome: DMARCStepOutcome,
        note: String? = nil
    ) {
        self.action = action
        self.domain = domain
        self.answer = answer
        self.outcome = outcome
        self.note = note
    }
}

/// One identifier checked for alignment with the From domain.
public struct DMARCAlignmentCheck: Sendable, Hashable {
    /// `spf` or `dkim`.
    public var mechanism: String
    /// The authenticated domain (MAIL FROM domain, or DKIM `d=`).
    public var domain: String
    /// The mechanism's result word.
    public var result: String
    public var mode: DMARCAlignmentMode
    /// The domains match under `mode` (whether or not the mechanism passed).
    public var domainsAlign: Bool
    /// Passed and aligned: what DMARC counts.
    public var aligned: Bool

    public init(
        mechanism: String, domain: String, result: String, mode: DMARCAlignmentMode, domainsAlign: Bool, aligned: Bool
    ) {
        self.mechanism = mechanism
        self.domain = domain
        self.result = result
        self.mode = mode
        self.domainsAlign = domainsAlign
        self.aligned = aligned
    }
}

/// Everything one DMARC evaluation produced.
public struct DMARCEvaluation: Sendable, Hashable {
    public var result: DMARCResult
    public var fromDomain: String
    public var organizationalDomain: String
    /// The domain whose `_dmarc` record was used (the From domain or its organizational domain).
    public var recordDomain: String?
    public var record: DMARCRecord?
    /// The record text as published.
    public var recordText: String?
    /// The policy the domain asks for mail from this From domain that fails (nil without a record).
    public var policy: DMARCPolicy?
    public var policySource: DMARCPolicySource?
    /// What a receiver following the record would do with this message: the policy on fail,
    /// `none` on pass (before `pct` sampling; see `pct`).
    public var disposition: DMARCPolicy?
    public var pct: Int
    public var spfAligned: Bool
    public var dkimAligned: Bool
    public var spfCheck: DMARCAlignmentCheck?
    public var dkimChecks: [DMARCAlignmentCheck]
    public var error: DMARCError?
    public var trace: [DMARCTraceStep]
    /// One paragraph in plain words.
    public var explanation: String

    public init(
        result: DMARCResult, fromDomain: String, organizationalDomain: String, recordDomain: String?,
        record: DMARCRecord?,
        recordText: String?, policy: DMARCPolicy?, policySource: DMARCPolicySource?, disposition: DMARCPolicy?,
        pct: Int,
        spfAligned: Bool, dkimAligned: Bool, spfCheck: DMARCAlignmentCheck?, dkimChecks: [DMARCAlignmentCheck],
        error: DMARCError?, trace: [DMARCTraceStep], explanation: String
    ) {
        self.result = result
        self.fromDomain = fromDomain
        self.organizationalDomain = organizationalDomain
        self.recordDomain = recordDomain
        self.record = record
        self.recordText = recordText
        self.policy = policy
        self.policySource = policySource
        self.disposition = disposition
        self.pct = pct
        self.spfAligned = spfAligned
        self.dkimAligned = dkimAligned
        self.spfCheck = spfCheck
        self.dkimChecks = dkimChecks
        self.error = error
        self.trace = trace
        self.explanation = explanation
    }
}

/// Identifier alignment (RFC 7489 §3.1).
public enum DMARCAlignment {
    /// Strict: the two FQDNs are equal (case-insensitive, trailing dot ignored). Relaxed: their
    /// organizational domains are equal (§3.1.1, §3.1.2).
    public static func aligned(
        _ authenticatedDomain: String, with fromDomain: String, mode: DMARCAlignmentMode,
        organizationalDomain: (String) -> String
    ) -> Bool {
        let a = normalize(authenticatedDomain)
        let f = normalize(fromDomain)
        guard !a.isEmpty, !f.isEmpty else { return false }
        if a == f { return true }
        guard mode == .relaxed else { return false }
        return orgDomain(a, organizationalDomain) == orgDomain(f, organizationalDomain)
    }

    static func normalize(_ d: String) -> String { DomainName.normalized(d) }

    /// The injected function's answer, normalized; the name itself when it gives nothing.
    static func orgDomain(_ d: String, _ f: (String) -> String) -> String {
        let o = normalize(f(d))
        return o.isEmpty ? d : o
    }
}

/// RFC 7489 policy discovery (§6.6.3), alignment (§3.1) and result (§6.6.2), over a
/// `DNSResolver`: model + resolver → result + trace. The organizational domain comes from an
/// injected function (the report passes the Public Suffix List's registrable domain).
public struct DMARCEvaluator: Sendable {
    public let resolver: any DNSResolver
    public let organizationalDomain: @Sendable (String) -> String

    public init(resolver: any DNSResolver, organizationalDomain: @escaping @Sendable (String) -> String) {
        self.resolver = resolver
        self.organizationalDomain = organizationalDomain
    }

    /// The domain of a From header value (RFC 5322 address parsing); nil when there is not
    /// exactly one address with a domain. `FromDomain.parse` says why.
    public static func fromDomain(of headerFromValue: String) -> String? {
        FromDomain.parse(headerFromValue).domain
    }

    /// Evaluates DMARC for `fromDomain` given the SPF result for the MAIL FROM domain and the
    /// DKIM results with their `d=` domains.
    public func evaluate(
        fromDomain rawFrom: String, spf: (result: SPFResult, domain: String)?,
        dkim: [(result: DKIMResult, domain: String)]
    ) async -> DMARCEvaluation {
        var trace: [DMARCTraceStep] = []
        let from = DMARCAlignment.normalize(rawFrom)
        let org = DMARCAlignment.orgDomain(from, organizationalDomain)

        func finish(_ error: DMARCError, record: DMARCRecord? = nil, recordDomain: String? = nil) -> DMARCEvaluation {
            trace.append(DMARCTraceStep(action: .result, domain: from, outcome: .error(error)))
            return DMARCEvaluation(
                result: error.result, fromDomain: from, organizationalDomain: org, recordDomain: recordDomain,
                record: record, recordText: record?.text, policy: nil, policySource: nil, disposition: nil,
                pct: record?.percent ?? 100, spfAligned: false, dkimAligned: false, spfCheck: nil,
                dkimChecks: [], error: error, trace: trace,
                explanation: "DMARC \(error.result.rawValue) for \(from.isEmpty ? "(no From domain)" : from): \(error)")
        }

        if let reason = DMARCEvaluator.malformedDomainReason(from) {
            return finish(.invalidFromDomain(rawFrom, reason: reason))
        }
        trace.append(
            DMARCTraceStep(
                action: .organizationalDomain, domain: from, outcome: .value(org),
                note: org == from ? "the From domain is its own organizational domain" : nil))

        // §6.6.3 steps 1–2: _dmarc.<From domain>
        var recordDomain = from
        var candidates: [String]
        switch await lookup(from, trace: &trace) {
        case .failure(let e): return finish(e)
        case .success(let c): candidates = c
        }
        // Step 3–4: none there → the organizational domain, when different.
        if candidates.isEmpty && org != from {
            recordDomain = org
            switch await lookup(org, trace: &trace) {
            case .failure(let e): return finish(e)
            case .success(let c): candidates = c
            }
        }
        // Step 5: several or none → no policy. (RFC 7489 stops here even when several records
        // sit at the From domain itself; it does not fall back to the organizational domain.)
        if candidates.isEmpty { return finish(.noRecord(fromDomain: from, organizationalDomain: org)) }
        if candidates.count > 1 {
            trace.append(
                DMARCTraceStep(
                    action: .select, domain: recordDomain,
                    outcome: .error(.multipleRecords(domain: recordDomain, count: candidates.count))))
            return finish(.multipleRecords(domain: recordDomain, count: candidates.count))
        }
        let text = candidates[0]
        trace.append(DMARCTraceStep(action: .select, domain: recordDomain, outcome: .selected(text)))
        // Step 6: parse (invalid p without rua → unusable).
        let record: DMARCRecord
        do throws(DMARCSyntaxError) {
            record = try DMARCParser.parse(text)
        } catch {
            trace.append(
                DMARCTraceStep(
                    action: .parse, domain: recordDomain, outcome: .error(.syntax(domain: recordDomain, error))))
            return finish(.syntax(domain: recordDomain, error), recordDomain: recordDomain)
        }
        trace.append(
            DMARCTraceStep(
                action: .parse, domain: recordDomain, outcome: .value("p=\(record.policy.rawValue)"),
                note: record.warnings.isEmpty ? nil : record.warnings.map(\.description).joined(separator: "; ")))

        // Alignment (§3.1, §4.2).
        var spfCheck: DMARCAlignmentCheck? = nil
        if let spf {
            let domainsAlign = DMARCAlignment.aligned(
                spf.domain, with: from, mode: record.spfAlignment, organizationalDomain: organizationalDomain)
            let check = DMARCAlignmentCheck(
                mechanism: "spf", domain: DMARCAlignment.normalize(spf.domain), result: spf.result.rawValue,
                mode: record.spfAlignment, domainsAlign: domainsAlign, aligned: domainsAlign && spf.result == .pass)
            spfCheck = check
            trace.append(
                DMARCTraceStep(
                    action: .spfAlignment, domain: check.domain, outcome: .aligned(check.aligned),
                    note: alignmentNote(check, from: from)))
        } else {
            trace.append(
                DMARCTraceStep(action: .spfAlignment, domain: "", outcome: .aligned(false), note: "no SPF result given")
            )
        }
        var dkimChecks: [DMARCAlignmentCheck] = []
        for d in dkim.prefix(DMARCLimits.maxDKIMResults) {
            let word = d.result.rawValue
            let domainsAlign = DMARCAlignment.aligned(
                d.domain, with: from, mode: record.dkimAlignment, organizationalDomain: organizationalDomain)
            let check = DMARCAlignmentCheck(
                mechanism: "dkim", domain: DMARCAlignment.normalize(d.domain), result: word,
                mode: record.dkimAlignment, domainsAlign: domainsAlign, aligned: domainsAlign && d.result == .pass)
            dkimChecks.append(check)
            trace.append(
                DMARCTraceStep(
                    action: .dkimAlignment, domain: check.domain, outcome: .aligned(check.aligned),
                    note: alignmentNote(check, from: from)))
        }
        if dkim.isEmpty {
            trace.append(
                DMARCTraceStep(
                    action: .dkimAlignment, domain: "", outcome: .aligned(false), note: "no DKIM result given"))
        }
        let spfAligned = spfCheck?.aligned ?? false
        let dkimAligned = dkimChecks.contains { $0.aligned }

        // Policy: p for the record's own domain; for a subdomain, np (RFC 9091, when the From
        // domain does not exist), else sp, else p.
        var policy = record.policy
        var source = DMARCPolicySource.p
        if recordDomain != from {
            var nonExistent = false
            if record.nonExistentSubdomainPolicy != nil {
                nonExistent = await fromDomainIsNonExistent(from, trace: &trace)
            }
            if nonExistent, let np = record.nonExistentSubdomainPolicy {
                policy = np
                source = .np
            } else if let sp = record.subdomainPolicy {
                policy = sp
                source = .sp
            }
        }
        trace.append(DMARCTraceStep(action: .policy, domain: recordDomain, outcome: .policy(policy, source)))
        let result: DMARCResult = spfAligned || dkimAligned ? .pass : .fail
        trace.append(DMARCTraceStep(action: .result, domain: from, outcome: .result(result)))

        var explanation = "DMARC \(result.rawValue) for \(from)"
        if recordDomain != from { explanation += " (record of the organizational domain \(recordDomain))" }
        explanation += ": "
        var parts: [String] = []
        if let c = spfCheck { parts.append(describe(c, from: from)) } else { parts.append("no SPF result") }
        if dkimChecks.isEmpty { parts.append("no DKIM signature") }
        // Two results with the same words (a receiver that wrote one signature's result twice)
        // are one part.
        for c in dkimChecks.prefix(4) {
            let part = describe(c, from: from)
            if !parts.contains(part) { parts.append(part) }
        }
        explanation += parts.joined(separator: "; ") + ". "
        if result == .fail {
            explanation += "The policy \(source.rawValue)=\(policy.rawValue)"
            if record.percent < 100 {
                explanation += " (pct=\(record.percent): applied to \(record.percent)% of failing mail)"
            }
            switch policy {
            case .reject: explanation += " asks receivers to reject the message."
            case .quarantine: explanation += " asks receivers to treat the message as suspicious (quarantine)."
            case .none: explanation += " asks for no action beyond reporting."
            }
        } else {
            explanation += "Policy \(source.rawValue)=\(policy.rawValue) does not apply to passing mail."
        }
        return DMARCEvaluation(
            result: result, fromDomain: from, organizationalDomain: org, recordDomain: recordDomain, record: record,
            recordText: text, policy: policy, policySource: source,
            disposition: result == .fail ? policy : DMARCPolicy.none,
            pct: record.percent, spfAligned: spfAligned, dkimAligned: dkimAligned, spfCheck: spfCheck,
            dkimChecks: dkimChecks, error: nil, trace: trace, explanation: explanation)
    }

    /// `_dmarc.<domain>` TXT → the DMARC records among the answer (others discarded).
    func lookup(_ domain: String, trace: inout [DMARCTraceStep]) async -> Result<[String], DMARCError> {
        let answer = await resolver.resolve(DNSQuestion(name: "_dmarc.\(domain)", type: .txt))
        switch answer.outcome {
        case .timeout, .servfail:
            let e = DMARCError.dnsFailure(answer.question, answer.outcome, reason: answer.reason)
            trace.append(DMARCTraceStep(action: .query, domain: domain, answer: answer, outcome: .error(e)))
            return .failure(e)
        case .nxdomain, .nodata:
            trace.append(DMARCTraceStep(action: .query, domain: domain, answer: answer, outcome: .empty))
            return .success([])
        case .answer(let records):
            let texts = records.compactMap(\.joinedText)
            trace.append(DMARCTraceStep(action: .query, domain: domain, answer: answer, outcome: .records(texts)))
            let dmarc = texts.filter(DMARCParser.isDMARCRecord)
            let other = texts.filter { !DMARCParser.isDMARCRecord($0) }
            if !other.isEmpty {
                trace.append(
                    DMARCTraceStep(
                        action: .select, domain: domain, outcome: .discarded(other),
                        note: "TXT records that do not start with v=DMARC1 are ignored (RFC 7489 §6.6.3)"))
            }
            return .success(dmarc)
        }
    }

    /// RFC 9091 §2.1: a domain is non-existent when A, AAAA and MX all answer NXDOMAIN.
    func fromDomainIsNonExistent(_ domain: String, trace: inout [DMARCTraceStep]) async -> Bool {
        for type in [DNSRecordType.a, .aaaa, .mx] {
            let answer = await resolver.resolve(DNSQuestion(name: domain, type: type))
            guard case .nxdomain = answer.outcome else {
                trace.append(
                    DMARCTraceStep(action: .nonExistence, domain: domain, answer: answer, outcome: .value("exists")))
                return false
            }
            trace.append(
                DMARCTraceStep(action: .nonExistence, domain: domain, answer: answer, outcome: .value("nxdomain")))
        }
        return true
    }

    func alignmentNote(_ c: DMARCAlignmentCheck, from: String) -> String {
        let mode = c.mode == .strict ? "strict" : "relaxed"
        if c.aligned { return "\(c.mechanism) \(c.result) for \(c.domain), aligned with \(from) (\(mode))" }
        if !c.domainsAlign { return "\(c.domain) is not aligned with \(from) (\(mode))" }
        return "\(c.domain) is aligned with \(from) (\(mode)) but \(c.mechanism) did not pass (\(c.result))"
    }

    func describe(_ c: DMARCAlignmentCheck, from: String) -> String {
        let name = c.mechanism.uppercased()
        if c.aligned { return "\(name) pass for \(c.domain), aligned" }
        if !c.domainsAlign {
            return
                "\(name) \(c.result) for \(c.domain), not aligned with \(from) (\(c.mode == .strict ? "strict" : "relaxed"))"
        }
        return "\(name) \(c.result) for \(c.domain)"
    }

    /// The From domain must be a usable DNS name.
    static func malformedDomainReason(_ d: String) -> String? {
        if d.isEmpty { return "empty" }
        if d.utf8.count > 253 { return "longer than 253 characters" }
        if d.hasPrefix("[") { return "a domain literal" }
        if d.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F || $0 == UInt8(ascii: "@") }) {
            return "contains spaces, control characters or \"@\""
        }
        let labels = d.split(separator: ".", omittingEmptySubsequences: false)
        if labels.contains(where: { $0.isEmpty }) { return "has an empty label" }
        if labels.contains(where: { $0.utf8.count > 63 }) { return "has a label longer than 63 characters" }
        return nil
    }
}
