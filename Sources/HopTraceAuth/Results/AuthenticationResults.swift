import HopTraceCore

// RFC 8601 §2.2 (with RFC 8617 §4.1.1 for the ARC form), the grammar this model follows:
//
//   authres-header-field = "Authentication-Results:" authres-payload
//   authres-payload = [CFWS] authserv-id
//            [ CFWS authres-version ]
//            ( no-result / 1*resinfo ) [CFWS] CRLF
//   authserv-id     = value
//                   ; see RFC 2045 for a definition of "value"
//   authres-version = 1*DIGIT [CFWS]
//   no-result       = [CFWS] ";" [CFWS] "none"
//   resinfo         = [CFWS] ";" methodspec [ CFWS reasonspec ]
//                     [ CFWS 1*propspec ]
//   methodspec      = [CFWS] method [CFWS] "=" [CFWS] result
//   reasonspec      = "reason" [CFWS] "=" [CFWS] value
//   propspec        = ptype [CFWS] "." [CFWS] property [CFWS] "=" pvalue
//   method          = Keyword [ [CFWS] "/" [CFWS] method-version ]
//   method-version  = 1*DIGIT [CFWS]
//   result          = Keyword
//   ptype           = Keyword
//   property        = special-smtp-verb / Keyword
//   special-smtp-verb = "mailfrom" / "rcptto"
//   pvalue          = [CFWS] ( value / [ [ local-part ] "@" ] domain-name ) [CFWS]
//   Keyword         = ldh-str
//
//   arc-authres-header = "ARC-Authentication-Results:" [CFWS] arc-info
//   arc-info        = instance [CFWS] ";" authres-payload
//   instance        = [CFWS] %x69 [CFWS] "=" [CFWS] i-val
//   i-val           = DIGIT [DIGIT]   ; 1 to 50

/// Which header field the results were read from.
public enum AuthResultsField: String, Sendable, Hashable {
    case authenticationResults = "Authentication-Results"
    /// RFC 8617 §4.1.1: an ARC set's copy, with its instance.
    case arcAuthenticationResults = "ARC-Authentication-Results"
    /// Proofpoint (and some gateways) rename the upstream field before writing their own.
    case original = "Authentication-Results-Original"
}

/// A parsed `Authentication-Results` field. The reader is lenient (see `deviations`): every
/// real-world form yields a value, and where the writer departed from RFC 8601 it says so.
public struct AuthenticationResults: Sendable, Hashable {
    /// The field value as given.
    public var raw: String
    public var field: AuthResultsField
    /// RFC 8617 `i=` of an ARC-Authentication-Results field.
    public var instance: Int?
    /// The host or domain that wrote the results; nil when the writer left it out (Microsoft
    /// Exchange Online writes the results first).
    public var authservID: String?
    public var version: Int?
    public var results: [AuthResult]
    /// `; none`: the writer evaluated nothing.
    public var noResult: Bool
    /// Comments outside any result (after the authserv-id).
    public var comments: [String]
    /// Words standing alone between `;` before any result.
    public var strays: [String]
    public var deviations: [HeaderDeviation]

    public init(
        raw: String, field: AuthResultsField = .authenticationResults, instance: Int? = nil, authservID: String?,
        version: Int?, results: [AuthResult], noResult: Bool, comments: [String] = [], strays: [String] = [],
        deviations: [HeaderDeviation] = []
    ) {
        self.raw = raw
        self.field = field
        self.instance = instance
        self.authservID = authservID
        self.version = version
        self.results = results
        self.noResult = noResult
        self.comments = comments
        self.strays = strays
        self.deviations = deviations
    }

    /// Results of one method (lower case name: `spf`, `dkim`, …).
    public func results(for method: String) -> [AuthResult] {
        let m = method.lowercased()
        return results.filter { $0.method == m }
    }

    /// The SPF result for one identity. `smtp.helo` and `smtp.mailfrom` verdicts are kept apart:
    /// a result naming `smtp.mailfrom` (or neither) is the MAIL FROM check; one naming only
    /// `smtp.helo` is the HELO check.
    public func spfResult(identity: SPFIdentity) -> AuthResult? {
        results.first { $0.method == "spf" && $0.spfIdentity == identity }
    }

    /// The connecting client's address, when any result names it (a property such as
    /// `smtp.remote-ip`/`policy.iprev`, or a comment: Microsoft's `sender IP is X`, Google's
    /// `… designates X as permitted sender`).
    public var clientIP: IPAddress? {
        for r in results { if let ip = r.clientIP { return ip } }
        return nil
    }

    /// Domains written as stray `;`-separated tokens (Microsoft writes the receiving tenant's
    /// domains that way: `btgroupcloud.mail.onmicrosoft.com`, `bt.com`).
    public var strayDomains: [String] {
        var seen: [String] = []
        for s in strays + results.flatMap(\.strays) where !seen.contains(s.lowercased()) { seen.append(s.lowercased()) }
        return seen
    }
}

/// One `resinfo`: `method=result [reason] properties`, with its raw text.
public struct AuthResult: Sendable, Hashable {
    /// Lower case: `spf`, `dkim`, `dmarc`, `arc`, `iprev`, `auth`, `dkim-atps`, `bimi`,
    /// `compauth` (Microsoft), `x-…`.
    public var method: String
    /// `method/1` (RFC 8601 method-version).
    public var methodVersion: Int?
    /// Lower case, as written (`pass`, `fail`, `softfail`, `hardfail`, `bestguesspass`, …).
    public var result: String
    /// `reason=` value, or the comment right after the result (`(sender IP is 62.239.224.235)`).
    public var reason: String?
    /// Whether `reason` came from a comment rather than `reason=`.
    public var reasonFromComment: Bool
    public var properties: [AuthProperty]
    /// Every comment inside the resinfo, in order.
    public var comments: [String]
    /// Words standing alone after this result (Microsoft's receiving-domain tokens).
    public var strays: [String]
    /// The resinfo's text as written.
    public var raw: String
    /// Byte range of `raw` in the field value.
    public var range: Range<Int>

    public init(
        method: String, methodVersion: Int? = nil, result: String, reason: String? = nil,
        reasonFromComment: Bool = false,
        properties: [AuthProperty] = [], comments: [String] = [], strays: [String] = [], raw: String = "",
        range: Range<Int> = 0..<0
    ) {
        self.method = method
        self.methodVersion = methodVersion
        self.result = result
        self.reason = reason
        self.reasonFromComment = reasonFromComment
        self.properties = properties
        self.comments = comments
        self.strays = strays
        self.raw = raw
        self.range = range
    }

    /// The first value of `ptype.property` (case-insensitive), e.g. `value("smtp", "mailfrom")`.
    public func value(_ ptype: String, _ property: String) -> String? {
        let t = ptype.lowercased()
        let p = property.lowercased()
        return properties.first { $0.ptype == t && $0.property == p }?.value
    }

    /// A non-standard property written without a ptype (Microsoft's `action=oreject`).
    public func extensionValue(_ name: String) -> String? {
        let n = name.lowercased()
        return properties.first { $0.ptype == nil && $0.property == n }?.value
    }

    /// For `spf`: which identity the verdict is about.
    public var spfIdentity: SPFIdentity? {
        guard method == "spf" else { return nil }
        if value("smtp", "mailfrom") != nil { return .mailFrom }
        if value("smtp", "helo") != nil { return .helo }
        return .mailFrom
    }

    /// The result as an SPF word, for `spf` results (`hardfail` → fail, as some writers spell it).
    public var spfResult: SPFResult? {
        guard method == "spf" else { return nil }
        return AuthResult.spfResult(word: result)
    }

    /// Maps a result word (RFC 7208, RFC 8601 §2.7.2, and the older RFC 4408 / Sender ID words).
    public static func spfResult(word: String) -> SPFResult? {
        switch word.lowercased() {
        case "pass", "bestguesspass": return .pass
        case "fail", "hardfail": return .fail
        case "softfail": return .softfail
        case "neutral", "policy": return .neutral
        case "none": return SPFResult.none
        case "temperror", "error": return .temperror
        case "permerror", "unknown": return .permerror
        default: return nil
        }
    }

    /// The connecting client's address: `smtp.remote-ip`, `smtp.client-ip`, `policy.iprev`,
    /// `policy.ip`, or a comment naming it.
    public var clientIP: IPAddress? {
        for p in properties {
            if (p.ptype == "smtp" && (p.property == "remote-ip" || p.property == "client-ip"))
                || (p.ptype == "policy" && (p.property == "iprev" || p.property == "ip")),
                let ip = IPAddress(p.value.trimmingBrackets)
            {
                return ip
            }
        }
        for c in comments { if let ip = SPFCommentFacts.read(c).clientIP { return ip } }
        return nil
    }

    /// The domain the verdict is about: `smtp.mailfrom`'s domain or `smtp.helo` for SPF,
    /// `header.d` (or `header.i`'s domain) for DKIM/ARC signatures, `header.from` for DMARC.
    public var domain: String? {
        func domainPart(_ v: String) -> String {
            if let at = v.lastIndex(of: "@") { return String(v[v.index(after: at)...]).lowercased() }
            return v.lowercased()
        }
        switch method {
        case "spf":
            if let v = value("smtp", "mailfrom"), !v.isEmpty { return domainPart(v) }
            if let v = value("smtp", "helo") { return v.lowercased() }
        case "dkim", "dkim-atps", "arc", "bimi":
            if let v = value("header", "d") { return v.lowercased() }
            if let v = value("header", "i") { return domainPart(v) }
        case "dmarc":
            if let v = value("header", "from") { return domainPart(v) }
        default:
            break
        }
        if let v = value("header", "from") { return domainPart(v) }
        if let v = value("smtp", "mailfrom") { return domainPart(v) }
        return nil
    }
}

/// `propspec = ptype "." property "=" pvalue`, or a non-standard `name=value` (ptype nil).
public struct AuthProperty: Sendable, Hashable {
    /// Lower case (`smtp`, `header`, `body`, `policy`); nil for non-standard `action=oreject`.
    public var ptype: String?
    /// Lower case (`mailfrom`, `helo`, `d`, `i`, `from`, `b`, `s`, …).
    public var property: String
    /// As written, quoted-string delimiters removed.
    public var value: String
    /// The propspec as written.
    public var raw: String

    public init(ptype: String?, property: String, value: String, raw: String) {
        self.ptype = ptype
        self.property = property
        self.value = value
        self.raw = raw
    }

    /// `ptype.property`, or `property` alone.
    public var name: String { ptype.map { "\($0).\(property)" } ?? property }
}

/// The documented bounds of the Authentication-Results and Received-SPF readers. Longer or
/// larger input is cut and the cut reported as a `.limit` deviation.
public enum AuthResultsLimits {
    /// Bytes of one field value read (RFC 5322 allows 998 per line; folded A-R fields of a few
    /// KB are real, 32 KB is far beyond any).
    public static let maxFieldBytes = 32 * 1024
    /// Tokens read from one field.
    public static let maxTokens = 4096
    /// Results kept per field.
    public static let maxResults = 64
    /// Properties and comments kept per result.
    public static let maxPropertiesPerResult = 32
    /// Deviations kept per field (the rest are counted in the last one).
    public static let maxDeviations = 32
}

extension String {
    /// `[192.0.2.1]` → `192.0.2.1`; also strips `<>` around addresses.
    var trimmingBrackets: String {
        var s = Substring(self)
        if s.hasPrefix("[") && s.hasSuffix("]") && s.count >= 2 { s = s.dropFirst().dropLast() }
        if s.hasPrefix("<") && s.hasSuffix(">") && s.count >= 2 { s = s.dropFirst().dropLast() }
        if s.lowercased().hasPrefix("ipv6:") { s = s.dropFirst(5) }
        return String(s)
    }
}
