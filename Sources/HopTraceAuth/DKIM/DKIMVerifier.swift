import Crypto
import HopTraceCore
import HopTraceDNS
import HopTraceMessage

/// Verifies DKIM signatures (RFC 6376, RFC 8463 Ed25519, RFC 8301 algorithm rules) against the
/// key records the resolver returns, at a time the caller gives (the message's own time, so a
/// years-old message is judged as of its delivery, not today).
public struct DKIMVerifier: Sendable {
    public var resolver: any DNSResolver
    /// Unix time the signature's t= and x= are judged against.
    public var now: Int64
    /// How far a t= may be ahead of `now` (signers' clocks drift).
    public var clockSkew: Int64

    public init(resolver: any DNSResolver, now: Int64, clockSkew: Int64 = DKIMLimits.defaultClockSkewSeconds) {
        self.resolver = resolver
        self.now = now
        self.clockSkew = clockSkew
    }

    /// Verifies every DKIM-Signature field in a whole message (headers, blank line, body; LF or CRLF).
    /// Input that does not start like mail has no signatures.
    public func verify(message: [UInt8]) async -> [DKIMVerification] {
        guard case (let headers, let body)? = DKIMMessage.split(message) else { return [] }
        return await verify(headers: headers, body: body)
    }

    /// Verifies every DKIM-Signature field among `headers` (top first) over `body`.
    public func verify(headers: [HeaderField], body: [UInt8]) async -> [DKIMVerification] {
        await verify(
            headers: headers.map { DKIMHeaderField(name: $0.name, raw: $0.raw, location: $0.location) }, body: body)
    }

    /// Verifies every DKIM-Signature field among `headers` (top first) over `body`.
    public func verify(headers: [DKIMHeaderField], body: [UInt8]) async -> [DKIMVerification] {
        var out: [DKIMVerification] = []
        var bodies = DKIMBodyCache(body: body)
        var count = 0
        for (index, field) in headers.enumerated() where field.name.lowercased() == "dkim-signature" {
            count += 1
            if count > DKIMLimits.maxSignaturesPerMessage {
                var v = DKIMVerification.unparsed(
                    field, index: index, failure: .notVerified(limit: DKIMLimits.maxSignaturesPerMessage))
                v.result = DKIMFailure.result(for: v.failure)
                out.append(v)
                continue
            }
            out.append(await verify(fieldAt: index, headers: headers, bodies: &bodies))
        }
        return out
    }

    /// Verifies the DKIM-Signature at `index` in `headers`.
    public func verify(signatureAt index: Int, headers: [DKIMHeaderField], body: [UInt8]) async -> DKIMVerification {
        var bodies = DKIMBodyCache(body: body)
        return await verify(fieldAt: index, headers: headers, bodies: &bodies)
    }

    func verify(fieldAt index: Int, headers: [DKIMHeaderField], bodies: inout DKIMBodyCache) async -> DKIMVerification {
        let field = headers[index]
        let sig: DKIMSignature
        do throws(DKIMSyntaxError) {
            sig = try DKIMSignatureParser.parse(field: field.raw, kind: .dkimSignature)
        } catch {
            var v = DKIMVerification.unparsed(field, index: index, failure: .syntax(error))
            v.result = DKIMFailure.result(for: v.failure)
            return v
        }
        var trace: [DKIMTraceStep] = []
        let failure = await DKIMSignatureCheck(resolver: resolver)
            .check(sig, fieldIndex: index, headers: headers, bodies: &bodies, time: (now, clockSkew), trace: &trace)
        var keyTesting = false
        for case .keyRecord(let r) in trace { keyTesting = r.isTesting }
        return DKIMVerification(
            result: DKIMFailure.result(for: failure), failure: failure, domain: sig.domain, selector: sig.selector,
            algorithm: sig.algorithm.description, identity: sig.identity ?? "@\(sig.domain)",
            signedHeaders: sig.signedHeaders,
            bodyLengthLimited: sig.bodyLength != nil, bodyLength: sig.bodyLength, keyTesting: keyTesting,
            fieldIndex: index, signature: sig, trace: trace, raw: sig.rawText, location: field.location)
    }
}

extension DKIMVerification {
    static func unparsed(_ field: DKIMHeaderField, index: Int, failure: DKIMFailure) -> DKIMVerification {
        // Pull d= and s= out for the report even when the rest does not parse.
        var domain: String?
        var selector: String?
        var algorithm: String?
        if let colon = field.raw.firstIndex(of: 0x3A), let tags = try? DKIMTagList.tagList(field.raw, from: colon + 1) {
            for t in tags {
                switch t.name {
                case "d": domain = t.value
                case "s": selector = t.value
                case "a": algorithm = t.value
                default: break
                }
            }
        }
        return DKIMVerification(
            result: .permerror, failure: failure, domain: domain, selector: selector, algorithm: algorithm,
            identity: nil, signedHeaders: [], bodyLengthLimited: false, bodyLength: nil, keyTesting: false,
            fieldIndex: index, signature: nil, trace: [],
            raw: DKIMText.lenientString(Array(field.raw.prefix(DKIMLimits.maxRawKept))), location: field.location)
    }
}

extension DKIMLimits {
    /// Most bytes of an unparsable signature field kept as its raw text.
    public static let maxRawKept = 4_096
}

/// Canonical bodies and their hashes, computed once per message and canonicalisation.
struct DKIMBodyCache {
    let body: [UInt8]
    private var canonical: [DKIMCanonicalization: [UInt8]] = [:]
    private var hashes: [String: [UInt8]] = [:]

    init(body: [UInt8]) { self.body = body }

    mutating func canonicalBody(_ c: DKIMCanonicalization) -> [UInt8] {
        if let b = canonical[c] { return b }
        let b = DKIMCanonicalizer.body(body, c)
        canonical[c] = b
        return b
    }

    /// The hash of the canonical body cut at `limit`; nil when `limit` exceeds the body.
    mutating func hash(_ c: DKIMCanonicalization, limit: Int?) -> (hash: [UInt8], total: Int, hashed: Int)? {
        let b = canonicalBody(c)
        if let limit, limit > b.count { return nil }
        let n = limit ?? b.count
        let key = "\(c.rawValue)/\(n)"
        if let h = hashes[key] { return (h, b.count, n) }
        let h = Array(SHA256.hash(data: b[..<n]))
        hashes[key] = h
        return (h, b.count, n)
    }
}

/// The checks shared by DKIM-Signature and ARC-Message-Signature: algorithm, time, key, body
/// hash, header hash and signature.
struct DKIMSignatureCheck: Sendable {
    var resolver: any DNSResolver

    /// Returns nil when the signature verifies, else the first failure (RFC 6376 §6.1 order).
    /// `time` nil skips t=/x= checks (ARC: RFC 8617 does not apply them).
    func check(
        _ sig: DKIMSignature, fieldIndex: Int, headers: [DKIMHeaderField], bodies: inout DKIMBodyCache,
        time: (now: Int64, skew: Int64)?, trace: inout [DKIMTraceStep]
    ) async -> DKIMFailure? {
        trace.append(
            .parsed(
                algorithm: sig.algorithm.description, domain: sig.domain, selector: sig.selector,
                canonicalization: "\(sig.headerCanonicalization.rawValue)/\(sig.bodyCanonicalization.rawValue)"))
        switch sig.algorithm {
        case .rsaSHA256, .ed25519SHA256: break
        case .rsaSHA1: return .sha1Rejected
        case .other(let a): return .unsupportedAlgorithm(a)
        }
        if case (let now, let skew)? = time {
            var failure: DKIMFailure?
            if let x = sig.expiration, x < now { failure = .expired(expiration: x, now: now) }
            if let t = sig.timestamp, t > now + skew { failure = failure ?? .future(timestamp: t, now: now) }
            trace.append(.timeCheck(timestamp: sig.timestamp, expiration: sig.expiration, now: now, ok: failure == nil))
            if let failure { return failure }
        }
        // Body hash first (it needs no DNS), so the trace shows it even when the key is missing.
        let bodyStep: DKIMBodyHashStep?
        if case (let hash, let total, let hashed)? = bodies.hash(sig.bodyCanonicalization, limit: sig.bodyLength) {
            let step = DKIMBodyHashStep(
                canonicalization: sig.bodyCanonicalization, canonicalBodyBytes: total, hashedBytes: hashed,
                lengthLimit: sig.bodyLength, computed: DKIMBase64.encode(hash),
                declared: DKIMBase64.encode(sig.bodyHash))
            trace.append(.bodyHash(step))
            bodyStep = step
        } else {
            bodyStep = nil
        }
        let fetched = await DKIMKeyFetcher(resolver: resolver)
            .key(
                selector: sig.selector, domain: sig.domain, algorithm: sig.algorithm,
                identity: sig.instance == nil ? sig.identity : nil, trace: &trace)
        let key: DKIMPublicKey
        switch fetched {
        case .failure(let f): return f
        case .success(let (k, _)): key = k
        }
        guard let bodyStep else {
            return .bodyTooShort(
                declared: sig.bodyLength ?? 0, actual: bodies.canonicalBody(sig.bodyCanonicalization).count)
        }
        if !bodyStep.matches {
            return .bodyHashMismatch(computed: bodyStep.computed, declared: bodyStep.declared)
        }
        let (input, step) = DKIMHeaderHash.input(signature: sig, fieldIndex: fieldIndex, headers: headers)
        trace.append(.headerHash(step))
        let valid = key.isValid(signature: sig.signature, sha256: SHA256.hash(data: input))
        trace.append(.signatureCheck(algorithm: sig.algorithm.description, keyBits: key.bits, valid: valid))
        return valid ? nil : .signatureMismatch
    }
}

/// The header hash input of RFC 6376 §3.7.
public enum DKIMHeaderHash {
    /// The bytes a DKIM-Signature (or AMS) at `fieldIndex` signs: the h= headers selected
    /// bottom-up (the signature's own field excluded), canonicalised, then the signature field
    /// with b= emptied and no final CRLF.
    public static func input(signature sig: DKIMSignature, fieldIndex: Int?, headers: [DKIMHeaderField])
        -> (bytes: [UInt8], step: DKIMHeaderHashStep)
    {
        var candidates = headers
        var indexMap = Array(headers.indices)
        if let fieldIndex, fieldIndex < headers.count {
            candidates.remove(at: fieldIndex)
            indexMap.remove(at: fieldIndex)
        }
        let picks = DKIMCanonicalizer.selectHeaders(sig.signedHeaders, in: candidates)
        var input: [UInt8] = []
        var listed: [DKIMSignedHeader] = []
        for (name, pick) in zip(sig.signedHeaders, picks) {
            if let pick {
                let c = DKIMCanonicalizer.header(candidates[pick].raw, sig.headerCanonicalization)
                input += c
                listed.append(
                    DKIMSignedHeader(
                        name: name, fieldIndex: indexMap[pick],
                        canonical: DKIMText.lenientString(Array(c.dropLast(2)))))
            } else {
                listed.append(DKIMSignedHeader(name: name, fieldIndex: nil, canonical: ""))
            }
        }
        let own = DKIMCanonicalizer.signatureHeader(sig.rawWithEmptySignature, sig.headerCanonicalization)
        input += own
        let step = DKIMHeaderHashStep(
            canonicalization: sig.headerCanonicalization, headers: listed,
            signatureField: DKIMText.lenientString(own), inputBytes: input.count,
            hash: DKIMBase64.encode(Array(SHA256.hash(data: input))))
        return (input, step)
    }
}

/// Splits a whole message into header fields and body for DKIM and ARC.
public enum DKIMMessage {
    /// The header fields (top first) and the body bytes; nil when the input does not start like mail.
    public static func split(_ message: [UInt8]) -> (headers: [DKIMHeaderField], body: [UInt8])? {
        guard let parsed = try? HeaderParser.parse(message) else { return nil }
        let headers = parsed.block.fields.map { DKIMHeaderField(name: $0.name, raw: $0.raw, location: $0.location) }
        let body = parsed.bodyStart < message.count ? Array(message[parsed.bodyStart...]) : []
        return (headers, body)
    }
}
