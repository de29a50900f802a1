import HopTraceCore
import HopTraceMessage

/// The authentication method a recorded verdict is about.
public enum AuthMethod: String, Sendable, Hashable, CaseIterable {
    case spf
    case dkim
    case dmarc
    case arc
    case iprev
    /// SMTP AUTH (RFC 8601 `auth`).
    case auth
    case bimi
    /// Microsoft's composite authentication.
    case compauth
    /// A spam filter's verdict (hMailServer, SpamAssassin, Exchange SCL, Mimecast).
    case spam
    case other

    public init(methodName: String) {
        switch methodName.lowercased() {
        case "spf": self = .spf
        case "dkim", "domainkeys": self = .dkim
        case "dmarc": self = .dmarc
        case "arc": self = .arc
        case "iprev": self = .iprev
        case "auth": self = .auth
        case "bimi": self = .bimi
        case "compauth": self = .compauth
        default: self = .other
        }
    }
}

/// Which identity a verdict is about.
public enum VerdictIdentity: String, Sendable, Hashable {
    case mailfrom = "smtp.mailfrom"
    case helo = "smtp.helo"
    case headerD = "header.d"
    case headerI = "header.i"
    case headerFrom = "header.from"
    case smtpAuth = "smtp.auth"
    /// The connecting address (iprev, spam filters).
    case clientIP = "policy.iprev"
}

/// A recorded verdict's result, typed by its method: the RFC result enums for SPF, DKIM and
/// DMARC; any other method's word (or a word its enum does not have) as written, lower case.
public enum VerdictResult: Sendable, Hashable {
    case spf(SPFResult)
    case dkim(DKIMResult)
    case dmarc(DMARCResult)
    /// Spam filters' `spam`/`ham`, vendor words, and unknown words of the methods above.
    case other(String)

    /// Reads `word` (lower case) as a result of `method`.
    public init(method: AuthMethod, word: String) {
        switch method {
        case .spf: self = AuthResult.spfResult(word: word).map(VerdictResult.spf) ?? .other(word)
        case .dkim: self = DKIMResult(rawValue: word).map(VerdictResult.dkim) ?? .other(word)
        case .dmarc: self = DMARCResult(rawValue: word).map(VerdictResult.dmarc) ?? .other(word)
        default: self = .other(word)
        }
    }

    /// A failing result of its method: SPF fail/softfail, DKIM fail/permerror, DMARC fail.
    public var isFailure: Bool {
        switch self {
        case .spf(let r): return r == .fail || r == .softfail
        case .dkim(let r): return r == .fail || r == .permerror
        case .dmarc(let r): return r == .fail
        case .other: return false
        }
    }
}

/// The parsed header value a verdict was read from, kept so that nothing re-parses its text.
public enum VerdictSource: Sendable, Hashable {
    /// One result of an Authentication-Results, ARC-Authentication-Results or
    /// Authentication-Results-Original field.
    case authenticationResult(AuthResult)
    case receivedSPF(ReceivedSPF)
    /// A vendor header (hMailServer, SpamAssassin, Exchange, Mimecast…).
    case vendor
}

/// One verdict a receiver wrote into the message, from any of the headers that carry one,
/// with the evidence needed to tie it to the hop that wrote it (header index, receiver or
/// authserv-id, client IP, HELO).
public struct RecordedVerdict: Sendable, Hashable {
    public var method: AuthMethod
    /// The method as written (`spf`, `compauth`, `exchange-authas`, `spamassassin`).
    public var methodName: String
    /// The result as written, lower case: the RFC word where there is one (`pass`, `fail`,
    /// `softfail`, …), `spam`/`ham` for spam filters, the vendor's word otherwise.
    public var word: String
    /// The result, typed by the method.
    public var result: VerdictResult
    /// True when the header does not say the result but implies it (hMailServer's "Blocked by
    /// SPF" implies SPF failed).
    public var inferred: Bool
    public var identity: VerdictIdentity?
    /// The domain (or HELO name) the verdict is about.
    public var domain: String?
    public var clientIP: IPAddress?
    public var helo: String?
    /// `receiver=`, the authserv-id, or the host a comment names.
    public var receiver: String?
    /// Domains a writer named beside its results without an authserv-id (Microsoft's
    /// receiving-tenant tokens).
    public var receiverHints: [String]
    public var reason: String?
    /// A plain-words explanation of what the header means.
    public var note: String?
    /// A spam score or level, when the header gives one.
    public var score: Double?
    /// ARC instance of an ARC-Authentication-Results verdict.
    public var instance: Int?
    /// The header field name as written.
    public var header: String
    /// Position of the header field in its block (0 = top).
    public var headerIndex: Int?
    /// The evidence: the resinfo, the Received-SPF value, or the vendor header value.
    public var raw: String
    /// The parsed value it was read from.
    public var source: VerdictSource

    public init(
        method: AuthMethod, methodName: String? = nil, result: String, inferred: Bool = false,
        identity: VerdictIdentity? = nil, domain: String? = nil, clientIP: IPAddress? = nil, helo: String? = nil,
        receiver: String? = nil, receiverHints: [String] = [], reason: String? = nil, note: String? = nil,
        score: Double? = nil, instance: Int? = nil, header: String, headerIndex: Int?, raw: String,
        source: VerdictSource = .vendor
    ) {
        self.method = method
        self.methodName = methodName ?? method.rawValue
        self.word = result
        self.result = VerdictResult(method: method, word: result)
        self.inferred = inferred
        self.identity = identity
        self.domain = domain
        self.clientIP = clientIP
        self.helo = helo
        self.receiver = receiver
        self.receiverHints = receiverHints
        self.reason = reason
        self.note = note
        self.score = score
        self.instance = instance
        self.header = header
        self.headerIndex = headerIndex
        self.raw = raw
        self.source = source
    }

    /// The result of an SPF verdict.
    public var spfResult: SPFResult? {
        switch result {
        case .spf(let r): return r
        default: return nil
        }
    }

    /// The result of a DKIM verdict.
    public var dkimResult: DKIMResult? {
        switch result {
        case .dkim(let r): return r
        default: return nil
        }
    }

    /// The result of a DMARC verdict.
    public var dmarcResult: DMARCResult? {
        switch result {
        case .dmarc(let r): return r
        default: return nil
        }
    }

    /// A vendor extension property of the result (`action=` in Microsoft's `dmarc=` result).
    public func extensionValue(_ name: String) -> String? {
        if case .authenticationResult(let r) = source { return r.extensionValue(name) }
        return nil
    }

    /// The envelope sender the writer names: Received-SPF `envelope-from=`, or
    /// `smtp.mailfrom=` of an Authentication-Results SPF result.
    public var envelopeSender: String? {
        switch source {
        case .receivedSPF(let spf): return spf.envelopeFrom
        case .authenticationResult(let r): return r.value("smtp", "mailfrom")
        case .vendor: return nil
        }
    }
}

/// Every recorded verdict in a header block.
public enum RecordedVerdicts {
    public typealias Header = (name: String, value: String, index: Int)

    /// Headers that carry verdicts, lower case. Others are skipped without being read.
    public static let headerNames: Set<String> = [
        "authentication-results", "arc-authentication-results", "authentication-results-original", "received-spf",
        "x-hmailserver-spam", "x-hmailserver-reason-score", "x-spam-status", "x-spam-flag",
        "x-ms-exchange-organization-authas", "x-ms-exchange-organization-scl", "x-forefront-antispam-report",
        "x-forefront-antispam-report-untrusted", "x-microsoft-antispam", "x-mimecast-spam-score",
    ]

    /// Reads every verdict-carrying header, in the order given.
    public static func extract(from headers: [Header]) -> [RecordedVerdict] {
        var out: [RecordedVerdict] = []
        var hmailScore: Double? = nil
        for h in headers {
            let name = h.name.trimmingASCII().lowercased()
            switch name {
            case "authentication-results", "authentication-results-original":
                let field: AuthResultsField = name == "authentication-results" ? .authenticationResults : .original
                out += verdicts(
                    from: AuthenticationResultsParser.parse(h.value, field: field), header: h.name, index: h.index)
            case "arc-authentication-results":
                out += verdicts(from: AuthenticationResultsParser.parseARC(h.value), header: h.name, index: h.index)
            case "received-spf":
                out.append(verdict(from: ReceivedSPFParser.parse(h.value), header: h.name, index: h.index))
            case "x-hmailserver-reason-score":
                hmailScore = Double(h.value.trimmingASCII())
            default:
                if name.hasPrefix("x-hmailserver-reason-") || VendorVerdicts.handles(name) {
                    out += VendorVerdicts.read(name: h.name, value: h.value, index: h.index)
                }
            }
        }
        if let hmailScore {
            for k in out.indices
            where out[k].methodName == "hmailserver" && out[k].method == .spam && out[k].score == nil {
                out[k].score = hmailScore
            }
        }
        return out
    }

    /// Convenience over a parsed header block (each field's `location.headerIndex`, top = 0).
    public static func extract(from block: HeaderBlock) -> [RecordedVerdict] {
        extract(from: block.fields.map { (name: $0.name, value: $0.value, index: $0.location.headerIndex) })
    }

    /// One verdict per result of an Authentication-Results (or ARC-/-Original) field.
    public static func verdicts(from ar: AuthenticationResults, header: String, index: Int?) -> [RecordedVerdict] {
        let hints = ar.authservID == nil ? ar.strayDomains : []
        let fieldIP = ar.clientIP
        return ar.results.map { r in
            var identity: VerdictIdentity? = nil
            var helo = r.value("smtp", "helo")
            switch r.method {
            case "spf":
                identity = r.spfIdentity == .helo ? .helo : .mailfrom
            case "dkim", "dkim-atps", "arc", "bimi":
                identity = r.value("header", "d") != nil ? .headerD : (r.value("header", "i") != nil ? .headerI : nil)
            case "dmarc", "compauth":
                identity = r.value("header", "from") != nil ? .headerFrom : nil
            case "auth":
                identity = .smtpAuth
            case "iprev":
                identity = .clientIP
            default:
                break
            }
            if helo == nil, let h = r.value("policy", "helo") { helo = h }
            var note: String? = nil
            if r.method == "dmarc", let action = r.extensionValue("action") {
                note =
                    "the receiver's DMARC action: \(action)"
                    + (action.lowercased() == "oreject"
                        ? " (Microsoft: the policy asked to reject, the receiver overrode it and delivered)" : "")
            }
            return RecordedVerdict(
                method: AuthMethod(methodName: r.method), methodName: r.method, result: r.result,
                identity: identity, domain: r.domain,
                clientIP: r.clientIP ?? (r.method == "spf" || r.method == "iprev" ? fieldIP : nil),
                helo: helo, receiver: ar.authservID, receiverHints: hints, reason: r.reason, note: note,
                instance: ar.instance, header: header, headerIndex: index, raw: r.raw,
                source: .authenticationResult(r))
        }
    }

    public static func verdict(from spf: ReceivedSPF, header: String, index: Int?) -> RecordedVerdict {
        RecordedVerdict(
            method: .spf, methodName: "spf", result: spf.result?.rawValue ?? spf.resultWord.lowercased(),
            identity: spf.identity == .helo ? .helo : .mailfrom, domain: spf.domain, clientIP: spf.clientIP,
            helo: spf.helo, receiver: spf.receiver, reason: spf.problem ?? spf.comment,
            header: header, headerIndex: index, raw: spf.raw, source: .receivedSPF(spf))
    }
}
