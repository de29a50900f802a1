import HopTraceCore

/// A DKIM-Signature header field (RFC 6376 §3.5), also the shape of an ARC-Message-Signature
/// (RFC 8617 §4.1.2, where `i=` is the instance number).
///
///     sig-v-tag = %x76 [FWS] "=" [FWS] 1*DIGIT                       ; "1"
///     sig-a-tag = %x61 [FWS] "=" [FWS] sig-a-tag-alg                 ; rsa-sha256 / ed25519-sha256
///     sig-a-tag-alg = sig-a-tag-k "-" sig-a-tag-h
///     sig-b-tag = %x62 [FWS] "=" [FWS] sig-b-tag-data                ; base64string
///     sig-bh-tag = %x62 %x68 [FWS] "=" [FWS] sig-bh-tag-data         ; base64string
///     sig-c-tag = %x63 [FWS] "=" [FWS] sig-c-tag-alg ["/" sig-c-tag-alg]   ; default simple/simple
///     sig-d-tag = %x64 [FWS] "=" [FWS] domain-name
///     sig-h-tag = %x68 [FWS] "=" [FWS] hdr-name *( [FWS] ":" [FWS] hdr-name )
///     sig-i-tag = %x69 [FWS] "=" [FWS] [ Local-part ] "@" domain-name       ; default "@" d=
///     sig-l-tag = %x6c [FWS] "=" [FWS] 1*76DIGIT
///     sig-q-tag = %x71 [FWS] "=" [FWS] sig-q-tag-method *([FWS] ":" [FWS] sig-q-tag-method)  ; dns/txt
///     sig-s-tag = %x73 [FWS] "=" [FWS] selector
///     sig-t-tag = %x74 [FWS] "=" [FWS] 1*12DIGIT
///     sig-x-tag = %x78 [FWS] "=" [FWS] 1*12DIGIT
///     sig-z-tag = %x7A [FWS] "=" [FWS] sig-z-tag-copy *( "|" [FWS] sig-z-tag-copy )
///     sig-z-tag-copy = hdr-name [FWS] ":" qp-hdr-value
///
/// Required: v, a, b, bh, d, h, s (DKIM); a, b, bh, d, h, s, i (ARC-Message-Signature).
public struct DKIMSignature: Sendable, Hashable {
    public var version: String?
    public var algorithm: DKIMAlgorithm
    /// `b=` decoded.
    public var signature: [UInt8]
    /// `bh=` decoded.
    public var bodyHash: [UInt8]
    public var headerCanonicalization: DKIMCanonicalization
    public var bodyCanonicalization: DKIMCanonicalization
    /// `d=`, as written.
    public var domain: String
    /// `h=` names, in order, as written.
    public var signedHeaders: [String]
    /// `i=` (DKIM: the agent or user identifier; default "@" + d).
    public var identity: String?
    /// `i=` of an ARC-Message-Signature: the instance number.
    public var instance: Int?
    /// `l=`.
    public var bodyLength: Int?
    public var queryMethods: [String]
    /// `s=`.
    public var selector: String
    /// `t=`.
    public var timestamp: Int64?
    /// `x=`.
    public var expiration: Int64?
    /// `z=` decoded.
    public var copiedHeaders: [DKIMCopiedHeader]?
    /// Every tag as written, in order (unknown tags included: they are ignored, not lost).
    public var tags: [DKIMTag]
    /// The whole header field as written (CRLF line ends).
    public var raw: [UInt8]
    /// Byte range, in `raw`, of the `b=` value that is emptied for hashing.
    public var signatureValueRange: Range<Int>

    /// The name to query: `<s>._domainkey.<d>`.
    public var keyName: String { "\(selector)._domainkey.\(domain)" }

    /// `raw` with the `b=` value deleted (RFC 6376 §3.7: "treated as the empty string").
    public var rawWithEmptySignature: [UInt8] {
        var r = raw
        r.removeSubrange(signatureValueRange)
        return r
    }

    /// The raw text (lenient UTF-8).
    public var rawText: String { DKIMText.lenientString(raw) }
}

public enum DKIMAlgorithm: Sendable, Hashable, CustomStringConvertible {
    case rsaSHA256
    /// RFC 8301 §3.1: verifiers MUST NOT consider rsa-sha1 signatures valid; parsed, then refused.
    case rsaSHA1
    /// RFC 8463.
    case ed25519SHA256
    case other(String)

    public init(_ text: String) {
        switch text.lowercased() {
        case "rsa-sha256": self = .rsaSHA256
        case "rsa-sha1": self = .rsaSHA1
        case "ed25519-sha256": self = .ed25519SHA256
        default: self = .other(text)
        }
    }

    public var description: String {
        switch self {
        case .rsaSHA256: return "rsa-sha256"
        case .rsaSHA1: return "rsa-sha1"
        case .ed25519SHA256: return "ed25519-sha256"
        case .other(let s): return s
        }
    }

    /// The key type this algorithm needs (`k=` of the key record).
    public var keyType: String? {
        switch self {
        case .rsaSHA256, .rsaSHA1: return "rsa"
        case .ed25519SHA256: return "ed25519"
        case .other: return nil
        }
    }
}

/// RFC 6376 §3.4.
public enum DKIMCanonicalization: String, Sendable, Hashable, CaseIterable {
    case simple
    case relaxed
}

/// One `z=` entry: a header as the signer saw it (RFC 6376 §3.5, DKIM-Quoted-Printable decoded).
public struct DKIMCopiedHeader: Sendable, Hashable {
    public var name: String
    public var value: String
}

/// Which header a tag-list came from, for what is required.
public enum DKIMSignatureKind: String, Sendable, Hashable {
    case dkimSignature = "DKIM-Signature"
    case arcMessageSignature = "ARC-Message-Signature"
}

public enum DKIMSignatureParser {
    /// Parses a whole DKIM-Signature (or ARC-Message-Signature) field: `raw` is the field's
    /// bytes from the name through the folded value (bare LF is turned into CRLF first).
    public static func parse(field raw: [UInt8], kind: DKIMSignatureKind = .dkimSignature) throws(DKIMSyntaxError)
        -> DKIMSignature
    {
        let raw = DKIMCanonicalizer.crlf(raw)
        guard let colon = raw.firstIndex(of: 0x3A) else {
            throw DKIMSyntaxError(.invalid, offset: 0, tag: "", reason: "not a header field (no \":\")")
        }
        let tags = try DKIMTagList.tagList(raw, from: colon + 1)
        return try signature(tags, raw: raw, kind: kind)
    }

    /// Builds the model from a parsed tag-list.
    static func signature(_ tags: [DKIMTag], raw: [UInt8], kind: DKIMSignatureKind) throws(DKIMSyntaxError)
        -> DKIMSignature
    {
        var byName: [String: DKIMTag] = [:]
        for t in tags { byName[t.name] = t }
        let end = raw.count
        func required(_ name: String) throws(DKIMSyntaxError) -> DKIMTag {
            guard let t = byName[name] else {
                throw DKIMSyntaxError(
                    .incomplete, offset: end, tag: name, reason: "required tag \(name)= is missing",
                    hint:
                        "\(kind.rawValue) requires \(kind == .dkimSignature ? "v, a, b, bh, d, h, s" : "i, a, b, bh, d, h, s")"
                )
            }
            return t
        }
        func nonEmpty(_ name: String) throws(DKIMSyntaxError) -> DKIMTag {
            let t = try required(name)
            if t.value.isEmpty {
                throw DKIMSyntaxError(
                    .incomplete, offset: t.valueRange.lowerBound, tag: name, reason: "\(name)= is empty")
            }
            return t
        }

        var version: String?
        var instance: Int?
        var identity: String?
        switch kind {
        case .dkimSignature:
            let v = try nonEmpty("v")
            guard v.value == "1" else {
                throw DKIMSyntaxError(
                    .invalid, offset: v.valueRange.lowerBound, tag: "v", reason: "unsupported version v=\(v.value)",
                    hint: "RFC 6376 defines v=1 only")
            }
            version = v.value
            if let i = byName["i"] { identity = i.value }
        case .arcMessageSignature:
            let i = try nonEmpty("i")
            instance = try arcInstance(i)
            version = byName["v"]?.value
        }

        let a = try nonEmpty("a")
        let algorithm = try sigATagAlg(a)
        let b = try nonEmpty("b")
        let signature = try base64(b, limit: DKIMLimits.maxSignatureBytes)
        let bh = try nonEmpty("bh")
        let bodyHash = try base64(bh, limit: 128)
        let d = try nonEmpty("d")
        try domainName(d)
        let s = try nonEmpty("s")
        try selector(s)
        let h = try required("h")
        let signedHeaders = try sigHTag(h)

        // DKIM's default is simple/simple (RFC 6376 §3.5). For an ARC-Message-Signature without
        // c=, the ValiMail suite (ams_fields_c_na) and dkimpy read relaxed/relaxed.
        var headerCanon = kind == .dkimSignature ? DKIMCanonicalization.simple : .relaxed
        var bodyCanon = kind == .dkimSignature ? DKIMCanonicalization.simple : .relaxed
        if let c = byName["c"] { (headerCanon, bodyCanon) = try sigCTag(c) }

        var bodyLength: Int?
        if let l = byName["l"] { bodyLength = Int(try digits(l, max: 76, asInt: true)) }
        var timestamp: Int64?
        if let t = byName["t"] { timestamp = try digits(t, max: 12, asInt: false) }
        var expiration: Int64?
        if let x = byName["x"] {
            expiration = try digits(x, max: 12, asInt: false)
            if let t = timestamp, let e = expiration, e <= t {
                throw DKIMSyntaxError(
                    .invalid, offset: x.valueRange.lowerBound, tag: "x",
                    reason: "x=\(e) is not after t=\(t)", hint: "RFC 6376 §3.5: x= MUST be greater than t=")
            }
        }
        var queryMethods = ["dns/txt"]
        if let q = byName["q"] {
            queryMethods = q.value.split(separator: ":").map { DKIMTagList.stripFWS(String($0)) }
            if !queryMethods.contains(where: { $0.lowercased() == "dns/txt" || $0.lowercased() == "dns" }) {
                throw DKIMSyntaxError(
                    .invalid, offset: q.valueRange.lowerBound, tag: "q",
                    reason: "no supported query method in q=\(q.value)",
                    hint: "RFC 6376 defines dns/txt only")
            }
        }
        if kind == .dkimSignature {
            let dom = d.value.lowercased()
            if let i = identity {
                guard let at = i.lastIndex(of: "@") else {
                    throw DKIMSyntaxError(
                        .invalid, offset: byName["i"]!.valueRange.lowerBound, tag: "i", reason: "i= has no \"@\"")
                }
                let idom = i[i.index(after: at)...].lowercased()
                if idom != dom && !idom.hasSuffix("." + dom) {
                    throw DKIMSyntaxError(
                        .invalid, offset: byName["i"]!.valueRange.lowerBound, tag: "i",
                        reason: "i= domain \(idom) is not d=\(dom) or a subdomain of it",
                        hint: "RFC 6376 §3.5: the i= domain MUST be the same as or a subdomain of d=")
                }
            }
            // RFC 6376 §5.4: From MUST be signed.
            if !signedHeaders.contains(where: { $0.lowercased() == "from" }) {
                throw DKIMSyntaxError(
                    .invalid, offset: h.valueRange.lowerBound, tag: "h", reason: "h= does not include From",
                    hint: "RFC 6376 §6.1.1: a signature that does not sign From MUST be ignored")
            }
        }
        var copied: [DKIMCopiedHeader]?
        if let z = byName["z"] { copied = try sigZTag(z) }
        return DKIMSignature(
            version: version, algorithm: algorithm, signature: signature, bodyHash: bodyHash,
            headerCanonicalization: headerCanon, bodyCanonicalization: bodyCanon, domain: d.value,
            signedHeaders: signedHeaders, identity: identity, instance: instance, bodyLength: bodyLength,
            queryMethods: queryMethods, selector: s.value, timestamp: timestamp, expiration: expiration,
            copiedHeaders: copied, tags: tags, raw: raw, signatureValueRange: b.valueRange)
    }

    /// `i=` of an ARC header: `1*2DIGIT`, 1...50 (RFC 8617 §4.2.1).
    static func arcInstance(_ t: DKIMTag) throws(DKIMSyntaxError) -> Int {
        guard !t.value.isEmpty, t.value.utf8.count <= 2, t.value.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            let n = Int(t.value), n >= 1, n <= DKIMLimits.maxARCInstances
        else {
            throw DKIMSyntaxError(
                .invalid, offset: t.valueRange.lowerBound, tag: "i",
                reason: "instance i=\(t.value) is not a number from 1 to \(DKIMLimits.maxARCInstances)",
                hint: "RFC 8617 §4.2.1")
        }
        return n
    }

    /// sig-a-tag-alg = sig-a-tag-k "-" sig-a-tag-h
    static func sigATagAlg(_ t: DKIMTag) throws(DKIMSyntaxError) -> DKIMAlgorithm {
        let v = t.value
        let parts = v.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { DKIMTagList.isAlnumPunc($0) } })
        else {
            throw DKIMSyntaxError(
                .invalid, offset: t.valueRange.lowerBound, tag: "a", reason: "a=\(v) is not of the form key-hash",
                hint: "for example rsa-sha256 or ed25519-sha256")
        }
        // Tag values are case-sensitive (RFC 6376 §3.2); the algorithm names are lower case.
        switch v {
        case "rsa-sha256": return .rsaSHA256
        case "rsa-sha1": return .rsaSHA1
        case "ed25519-sha256": return .ed25519SHA256
        default: return .other(v)
        }
    }

    /// base64string = ALPHADIGITPS *([FWS] ALPHADIGITPS) [ [FWS] "=" [ [FWS] "=" ] ]
    static func base64(_ t: DKIMTag, limit: Int) throws(DKIMSyntaxError) -> [UInt8] {
        guard let bytes = DKIMBase64.decode(t.value), !bytes.isEmpty else {
            throw DKIMSyntaxError(
                .invalid, offset: t.valueRange.lowerBound, tag: t.name, reason: "\(t.name)= is not valid base64",
                hint: "only A-Z a-z 0-9 + / and = padding, with whitespace ignored")
        }
        guard bytes.count <= limit else {
            throw DKIMSyntaxError(
                .invalid, offset: t.valueRange.lowerBound, tag: t.name,
                reason: "\(t.name)= decodes to \(bytes.count) bytes, more than the \(limit) accepted")
        }
        return bytes
    }

    /// domain-name = sub-domain 1*("." sub-domain)  (RFC 5321; a single label is accepted too,
    /// as test domains use them). Each label: letters, digits, hyphen; U-labels passed through.
    static func domainName(_ t: DKIMTag) throws(DKIMSyntaxError) {
        let labels = t.value.split(separator: ".", omittingEmptySubsequences: false)
        let ok =
            DomainName.problem(t.value) == nil
            && labels.allSatisfy { l in
                l.utf8.first != 0x2D && l.utf8.last != 0x2D
                    && l.utf8.allSatisfy {
                        ($0 >= 0x30 && $0 <= 0x39) || DKIMTagList.isAlpha($0) || $0 == 0x2D || $0 == 0x5F || $0 >= 0x80
                    }
            }
        if !ok {
            throw DKIMSyntaxError(
                .invalid, offset: t.valueRange.lowerBound, tag: t.name,
                reason: "\(t.name)=\(t.value) is not a domain name")
        }
    }

    /// selector = sub-domain *( "." sub-domain )
    static func selector(_ t: DKIMTag) throws(DKIMSyntaxError) { try domainName(t) }

    /// sig-h-tag = hdr-name *( [FWS] ":" [FWS] hdr-name ); hdr-name = field-name
    static func sigHTag(_ t: DKIMTag) throws(DKIMSyntaxError) -> [String] {
        let names = t.value.split(separator: ":", omittingEmptySubsequences: false).map {
            DKIMTagList.stripFWS(String($0))
        }
        guard names.count <= DKIMLimits.maxSignedHeaders else {
            throw DKIMSyntaxError(
                .invalid, offset: t.valueRange.lowerBound, tag: "h",
                reason: "h= lists \(names.count) names, more than \(DKIMLimits.maxSignedHeaders)")
        }
        // Leniency: empty names ("from:to::date", or an empty h=) select nothing and sign as
        // the empty string; the ValiMail ARC suite (ams_fields_h_mis_hdr, ams_fields_h_empty)
        // expects them to verify. A DKIM h= without From is refused by the caller.
        if t.value.isEmpty { return [] }
        for n in names where !n.utf8.allSatisfy({ $0 >= 33 && $0 <= 126 && $0 != 0x3A }) {
            throw DKIMSyntaxError(
                .invalid, offset: t.valueRange.lowerBound, tag: "h",
                reason: "h= has an invalid header name \"\(n.prefix(40))\"",
                hint: "h= is a colon-separated list of header names")
        }
        return names
    }

    /// sig-c-tag-alg = "simple" / "relaxed" / x-sig-c-tag-alg
    static func sigCTag(_ t: DKIMTag) throws(DKIMSyntaxError) -> (DKIMCanonicalization, DKIMCanonicalization) {
        let parts = t.value.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard (1...2).contains(parts.count),
            let h = DKIMCanonicalization(rawValue: parts[0]),
            let b = parts.count == 2 ? DKIMCanonicalization(rawValue: parts[1]) : .simple
        else {
            throw DKIMSyntaxError(
                t.value.isEmpty ? .incomplete : .invalid, offset: t.valueRange.lowerBound, tag: "c",
                reason: "unknown canonicalization c=\(t.value)", hint: "simple or relaxed, as header/body")
        }
        return (h, b)
    }

    /// 1*N DIGIT
    static func digits(_ t: DKIMTag, max: Int, asInt: Bool) throws(DKIMSyntaxError) -> Int64 {
        guard !t.value.isEmpty, t.value.utf8.count <= max, t.value.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw DKIMSyntaxError(
                t.value.isEmpty ? .incomplete : .invalid, offset: t.valueRange.lowerBound, tag: t.name,
                reason: "\(t.name)=\(t.value) is not 1 to \(max) digits")
        }
        // l= may have up to 76 digits; values beyond Int64 are clamped (no body is that long).
        return Int64(t.value) ?? Int64.max
    }

    /// sig-z-tag-copy *( "|" [FWS] sig-z-tag-copy ); each copy is hdr-name [FWS] ":" qp-hdr-value.
    static func sigZTag(_ t: DKIMTag) throws(DKIMSyntaxError) -> [DKIMCopiedHeader] {
        var out: [DKIMCopiedHeader] = []
        for copy in t.value.split(separator: "|") {
            let text = DKIMTagList.stripFWS(String(copy))
            guard let colon = text.firstIndex(of: ":") else {
                throw DKIMSyntaxError(
                    .invalid, offset: t.valueRange.lowerBound, tag: "z",
                    reason: "z= copy \"\(text.prefix(40))\" has no \":\"")
            }
            let name = String(text[..<colon])
            guard let value = dkimQuotedPrintable(String(text[text.index(after: colon)...])) else {
                throw DKIMSyntaxError(
                    .invalid, offset: t.valueRange.lowerBound, tag: "z",
                    reason: "z= copy of \(name) has a bad =XX escape")
            }
            out.append(DKIMCopiedHeader(name: name, value: value))
            if out.count >= DKIMLimits.maxSignedHeaders { break }
        }
        return out
    }

    /// DKIM-Quoted-Printable (RFC 6376 §2.11): `=XX` hex escapes; whitespace already removed.
    static func dkimQuotedPrintable(_ s: String) -> String? {
        var out: [UInt8] = []
        let b = Array(s.utf8)
        var i = 0
        func hex(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: return c - 0x30
            case 0x41...0x46: return c - 0x41 + 10
            case 0x61...0x66: return c - 0x61 + 10
            default: return nil
            }
        }
        while i < b.count {
            if b[i] == 0x3D {
                guard i + 2 < b.count + 0, i + 2 <= b.count - 1, let h = hex(b[i + 1]), let l = hex(b[i + 2]) else {
                    return nil
                }
                out.append(h << 4 | l)
                i += 3
            } else {
                out.append(b[i])
                i += 1
            }
        }
        return DKIMText.lenientString(out)
    }
}
