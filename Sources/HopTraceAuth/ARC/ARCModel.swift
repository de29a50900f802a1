import HopTraceCore

/// An ARC-Seal header field (RFC 8617 §4.1.3).
///
///     arc-seal   = "ARC-Seal:" [FWS] tag-list        ; RFC 6376 §3.2 tag-list
///     tags: i= (instance, 1*2DIGIT, 1..50), a= (sig-a-tag-alg), b= (base64), cv= ("none" / "fail" / "pass"),
///           d= (domain-name), s= (selector), t= (1*12DIGIT, optional); no h=, no bh= (§4.1.3)
public struct ARCSeal: Sendable, Hashable {
    public var instance: Int
    public var algorithm: DKIMAlgorithm
    public var signature: [UInt8]
    /// `cv=`: the chain status this sealer claimed for the instances before it.
    public var chainValidation: ARCChainStatus
    public var domain: String
    public var selector: String
    public var timestamp: Int64?
    public var tags: [DKIMTag]
    /// The field as written (CRLF line ends).
    public var raw: [UInt8]
    public var signatureValueRange: Range<Int>

    public var rawWithEmptySignature: [UInt8] {
        var r = raw
        r.removeSubrange(signatureValueRange)
        return r
    }
}

/// `cv=` values (RFC 8617 §4.1.3).
public enum ARCChainStatus: String, Sendable, Hashable, CaseIterable {
    case none
    case fail
    case pass
}

/// An ARC-Authentication-Results header field (RFC 8617 §4.1.1), kept raw: its body is an
/// Authentication-Results payload, parsed by the Authentication-Results code.
///
///     arc-info = arc-instance [CFWS] ";" authres-payload
///     arc-instance = [CFWS] "i" [CFWS] "=" [CFWS] 1*2DIGIT
public struct ARCAuthenticationResults: Sendable, Hashable {
    public var instance: Int
    /// The authserv-id (first token after "i=N;").
    public var authservID: String?
    /// The payload after "i=N;", unfolded.
    public var payload: String
    public var raw: [UInt8]
    public var rawText: String { DKIMText.lenientString(raw) }
}

/// One ARC set: the three headers of one instance, with their indices in the header list.
public struct ARCSet: Sendable, Hashable {
    public var instance: Int
    public var authenticationResults: ARCAuthenticationResults
    public var authenticationResultsIndex: Int
    public var messageSignature: DKIMSignature
    public var messageSignatureIndex: Int
    public var seal: ARCSeal
    public var sealIndex: Int
}

public enum ARCHeaderKind: String, Sendable, Hashable {
    case seal = "ARC-Seal"
    case messageSignature = "ARC-Message-Signature"
    case authenticationResults = "ARC-Authentication-Results"

    init?(name: String) {
        switch name.lowercased() {
        case "arc-seal": self = .seal
        case "arc-message-signature": self = .messageSignature
        case "arc-authentication-results": self = .authenticationResults
        default: return nil
        }
    }
}

public enum ARCParser {
    /// Parses an ARC-Seal field (name through folded value).
    public static func seal(field raw: [UInt8]) throws(DKIMSyntaxError) -> ARCSeal {
        let raw = DKIMCanonicalizer.crlf(raw)
        guard let colon = raw.firstIndex(of: 0x3A) else {
            throw DKIMSyntaxError(.invalid, offset: 0, tag: "", reason: "not a header field (no \":\")")
        }
        let tags = try DKIMTagList.tagList(raw, from: colon + 1)
        var byName: [String: DKIMTag] = [:]
        for t in tags { byName[t.name] = t }
        func required(_ name: String) throws(DKIMSyntaxError) -> DKIMTag {
            guard let t = byName[name] else {
                throw DKIMSyntaxError(
                    .incomplete, offset: raw.count, tag: name, reason: "ARC-Seal has no \(name)=",
                    hint: "ARC-Seal requires i, a, b, cv, d, s")
            }
            if t.value.isEmpty {
                throw DKIMSyntaxError(
                    .incomplete, offset: t.valueRange.lowerBound, tag: name, reason: "ARC-Seal \(name)= is empty")
            }
            return t
        }
        if let h = byName["h"] {
            throw DKIMSyntaxError(
                .invalid, offset: h.offset, tag: "h", reason: "ARC-Seal has an h= tag",
                hint: "RFC 8617 §4.1.3: the seal signs the ARC headers only; h= is not allowed")
        }
        let instance = try DKIMSignatureParser.arcInstance(try required("i"))
        let algorithm = try DKIMSignatureParser.sigATagAlg(try required("a"))
        let b = try required("b")
        let signature = try DKIMSignatureParser.base64(b, limit: DKIMLimits.maxSignatureBytes)
        let cvTag = try required("cv")
        guard let cv = ARCChainStatus(rawValue: cvTag.value) else {
            throw DKIMSyntaxError(
                .invalid, offset: cvTag.valueRange.lowerBound, tag: "cv",
                reason: "cv=\(cvTag.value) is not none, fail or pass")
        }
        let d = try required("d")
        try DKIMSignatureParser.domainName(d)
        let s = try required("s")
        try DKIMSignatureParser.selector(s)
        var timestamp: Int64?
        if let t = byName["t"] { timestamp = try DKIMSignatureParser.digits(t, max: 12, asInt: false) }
        return ARCSeal(
            instance: instance, algorithm: algorithm, signature: signature, chainValidation: cv, domain: d.value,
            selector: s.value, timestamp: timestamp, tags: tags, raw: raw, signatureValueRange: b.valueRange)
    }

    /// Parses an ARC-Message-Signature field.
    public static func messageSignature(field raw: [UInt8]) throws(DKIMSyntaxError) -> DKIMSignature {
        try DKIMSignatureParser.parse(field: raw, kind: .arcMessageSignature)
    }

    /// Parses an ARC-Authentication-Results field: `i=N;` then the payload, kept as text.
    public static func authenticationResults(field raw: [UInt8]) throws(DKIMSyntaxError) -> ARCAuthenticationResults {
        let raw = DKIMCanonicalizer.crlf(raw)
        guard let colon = raw.firstIndex(of: 0x3A) else {
            throw DKIMSyntaxError(.invalid, offset: 0, tag: "", reason: "not a header field (no \":\")")
        }
        var i = colon + 1
        let n = raw.count
        func skipWS() { while i < n, DKIMTagList.isFWS(raw[i]) { i += 1 } }
        skipWS()
        guard i < n, raw[i] == 0x69 else {
            throw DKIMSyntaxError(
                i < n ? .invalid : .incomplete, offset: i, tag: "i",
                reason: "ARC-Authentication-Results does not start with i=",
                hint: "arc-info = \"i=\" instance \";\" authres-payload")
        }
        i += 1
        skipWS()
        guard i < n, raw[i] == 0x3D else {
            throw DKIMSyntaxError(.invalid, offset: i, tag: "i", reason: "expected \"=\" after i")
        }
        i += 1
        skipWS()
        let start = i
        while i < n, raw[i] >= 0x30, raw[i] <= 0x39 { i += 1 }
        let digits = DKIMTag(
            name: "i", value: String(decoding: raw[start..<i], as: UTF8.self), valueRange: start..<i, offset: start)
        let instance = try DKIMSignatureParser.arcInstance(digits)
        skipWS()
        guard i < n, raw[i] == 0x3B else {
            throw DKIMSyntaxError(
                i < n ? .invalid : .incomplete, offset: i, tag: "i",
                reason: "expected \";\" after i=\(instance)", hint: "arc-info = \"i=\" instance \";\" authres-payload")
        }
        i += 1
        let payload = String(
            DKIMText.lenientString(raw[i...].filter { $0 != 0x0D && $0 != 0x0A })
                .trimmingASCII(where: ASCIITrim.isWSP))
        let authserv = payload.split(whereSeparator: { $0 == ";" || $0 == " " || $0 == "\t" }).first.map(String.init)
        return ARCAuthenticationResults(instance: instance, authservID: authserv, payload: payload, raw: raw)
    }
}
