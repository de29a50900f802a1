import HopTraceCore
import HopTraceDNS

/// A DKIM verification result, with the words of RFC 8601 §2.7.1 as raw values.
public enum DKIMResult: String, Sendable, Hashable, CaseIterable {
    case none
    case pass
    case fail
    case policy
    case neutral
    case temperror
    case permerror
}

/// How a key lookup failed.
public enum DKIMKeyLookupFailure: String, Sendable, Hashable {
    /// The key name does not exist (permerror: RFC 6376 §6.1.2 "no key for signature").
    case nxdomain
    /// The name exists without a TXT record (permerror).
    case nodata
    /// No answer in time (temperror).
    case timeout
    /// The server failed (temperror).
    case servfail
}

/// Why a signature did not pass. `result(for:)` is the one place these become DKIM results.
public enum DKIMFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// The signature field does not parse (tag-list, missing or malformed required tag).
    case syntax(DKIMSyntaxError)
    /// `a=` names an algorithm this verifier does not know.
    case unsupportedAlgorithm(String)
    /// `a=rsa-sha1`: RFC 8301 §3.1 says verifiers MUST NOT consider SHA-1 signatures valid.
    case sha1Rejected
    /// `x=` is before the message's time.
    case expired(expiration: Int64, now: Int64)
    /// `t=` is after the message's time (beyond the allowed skew).
    case future(timestamp: Int64, now: Int64)
    /// No key record could be fetched.
    case keyUnavailable(name: String, lookup: DKIMKeyLookupFailure)
    /// The TXT record is not a key record.
    case keyRecordInvalid(DKIMSyntaxError)
    /// `p=` is empty: the key was revoked.
    case keyRevoked
    /// The key's `k=` does not match the signature's algorithm.
    case keyTypeMismatch(signature: String, key: String)
    /// The key's `h=` does not allow the signature's hash.
    case keyHashNotAllowed(hash: String, allowed: [String])
    /// The key's `s=` does not include "email" or "*".
    case keyServiceNotEmail([String])
    /// The key has `t=s` but `i=` is a subdomain of `d=`.
    case keyStrictSubdomain(identity: String, domain: String)
    /// `p=` does not hold a usable key of its type.
    case keyInvalid(String)
    /// An RSA key below RFC 8301's 1024 bits, or above the verifier's ceiling.
    case keySizeRejected(bits: Int, minimum: Int, maximum: Int)
    /// `l=` is longer than the canonical body.
    case bodyTooShort(declared: Int, actual: Int)
    /// The canonical body does not hash to `bh=`: the body changed after signing.
    case bodyHashMismatch(computed: String, declared: String)
    /// The body hash matched but the signature over the headers does not verify: a signed
    /// header changed (or the key is not the signer's).
    case signatureMismatch
    /// The message had more DKIM-Signature fields than are verified.
    case notVerified(limit: Int)

    public var description: String {
        switch self {
        case .syntax(let e): return "signature syntax: \(e)"
        case .unsupportedAlgorithm(let a): return "unsupported algorithm a=\(a)"
        case .sha1Rejected:
            return "a=rsa-sha1 is not accepted (RFC 8301 §3.1: SHA-1 signatures MUST NOT be considered valid)"
        case .expired(let x, let now): return "signature expired: x=\(x) is \(now - x) s before the message time \(now)"
        case .future(let t, let now):
            return "signature from the future: t=\(t) is \(t - now) s after the message time \(now)"
        case .keyUnavailable(let name, let lookup): return "no key at \(name) (\(lookup.rawValue))"
        case .keyRecordInvalid(let e): return "key record unusable: \(e)"
        case .keyRevoked: return "key revoked (empty p=)"
        case .keyTypeMismatch(let s, let k): return "key type k=\(k) does not fit a=\(s)"
        case .keyHashNotAllowed(let h, let allowed):
            return "key h=\(allowed.joined(separator: ":")) does not allow \(h)"
        case .keyServiceNotEmail(let s): return "key s=\(s.joined(separator: ":")) is not for email"
        case .keyStrictSubdomain(let i, let d): return "key has t=s but i=\(i) is a subdomain of d=\(d)"
        case .keyInvalid(let why): return "public key unusable: \(why)"
        case .keySizeRejected(let bits, let min, let max): return "RSA key of \(bits) bits is outside \(min)...\(max)"
        case .bodyTooShort(let l, let actual): return "l=\(l) is longer than the canonical body (\(actual) bytes)"
        case .bodyHashMismatch(let c, let d):
            return "body hash mismatch: computed \(c), bh=\(d) (the body changed after signing)"
        case .signatureMismatch: return "signature does not verify over the signed headers (a signed header changed)"
        case .notVerified(let limit): return "not verified: more than \(limit) signatures in the message"
        }
    }
}

extension DKIMFailure {
    /// The one mapping from a failure to an RFC 8601 result. Cryptographic mismatches are
    /// `fail`; DNS trouble that may go away is `temperror`; everything else that makes the
    /// signature unacceptable (syntax, algorithm, time, key record) is `permerror` (RFC 6376
    /// PERMFAIL; OpenDKIM and dkimpy report syntax errors the same way rather than `neutral`).
    public static func result(for failure: DKIMFailure?) -> DKIMResult {
        guard let failure else { return .pass }
        switch failure {
        case .bodyHashMismatch, .signatureMismatch:
            return .fail
        case .keyUnavailable(_, let lookup):
            switch lookup {
            case .timeout, .servfail: return .temperror
            case .nxdomain, .nodata: return .permerror
            }
        case .notVerified:
            return .neutral
        case .syntax, .unsupportedAlgorithm, .sha1Rejected, .expired, .future, .keyRecordInvalid, .keyRevoked,
            .keyTypeMismatch, .keyHashNotAllowed, .keyServiceNotEmail, .keyStrictSubdomain, .keyInvalid,
            .keySizeRejected, .bodyTooShort:
            return .permerror
        }
    }
}

/// One signed header as it entered the header hash.
public struct DKIMSignedHeader: Sendable, Hashable {
    /// The name as listed in h=.
    public var name: String
    /// Index of the field used (in the header list given to the verifier); nil when no instance
    /// was left (over-signing: the name signs as the empty string).
    public var fieldIndex: Int?
    /// The canonical text hashed (without the CRLF); empty when over-signed.
    public var canonical: String
}

/// The body hash step.
public struct DKIMBodyHashStep: Sendable, Hashable {
    public var canonicalization: DKIMCanonicalization
    /// Length of the whole canonical body.
    public var canonicalBodyBytes: Int
    /// Bytes hashed (`l=` cut, or the whole canonical body).
    public var hashedBytes: Int
    public var lengthLimit: Int?
    /// base64 of the hash computed here.
    public var computed: String
    /// base64 of `bh=`.
    public var declared: String
    public var matches: Bool { computed == declared }
}

/// The header hash step.
public struct DKIMHeaderHashStep: Sendable, Hashable {
    public var canonicalization: DKIMCanonicalization
    public var headers: [DKIMSignedHeader]
    /// The signature field, `b=` emptied, canonicalised (the last thing hashed).
    public var signatureField: String
    /// Total bytes hashed.
    public var inputBytes: Int
    /// base64 of the SHA-256 of the input.
    public var hash: String
}

/// What the verifier did, in order. Rendered by the CLI; asserted on by tests.
public enum DKIMTraceStep: Sendable, Hashable {
    /// The signature parsed: its algorithm, d=, s=, c=.
    case parsed(algorithm: String, domain: String, selector: String, canonicalization: String)
    /// t= and x= compared with the injected message time.
    case timeCheck(timestamp: Int64?, expiration: Int64?, now: Int64, ok: Bool)
    /// The key query and its answer (outcome, DNSSEC status when the resolver knows it).
    case keyQuery(question: DNSQuestion, outcome: DNSOutcome, dnssec: DNSSECStatus?, reason: String?)
    /// The key record used.
    case keyRecord(DKIMKeyRecord)
    /// A TXT record at the key name that was not a usable key record.
    case keyRecordRejected(text: String, error: DKIMSyntaxError)
    case bodyHash(DKIMBodyHashStep)
    case headerHash(DKIMHeaderHashStep)
    /// The cryptographic check.
    case signatureCheck(algorithm: String, keyBits: Int?, valid: Bool)
}

/// The verdict on one DKIM-Signature field.
public struct DKIMVerification: Sendable, Hashable {
    public var result: DKIMResult
    public var failure: DKIMFailure?
    /// d=, s=, a=, i= (nil when the field did not parse far enough).
    public var domain: String?
    public var selector: String?
    public var algorithm: String?
    public var identity: String?
    public var signedHeaders: [String]
    /// Whether `l=` limited the body hash (content below the limit is unsigned).
    public var bodyLengthLimited: Bool
    public var bodyLength: Int?
    /// The key record said `t=y` (testing).
    public var keyTesting: Bool
    /// Index of the signature field in the header list.
    public var fieldIndex: Int
    /// The parsed signature, when it parsed.
    public var signature: DKIMSignature?
    public var trace: [DKIMTraceStep]
    /// The field as written.
    public var raw: String
    /// Where the field stood in the input (header index and byte range), when known.
    public var location: SourceLocation? = nil

    /// The first 8 characters of b= in base64, as RFC 6008 `header.b=` quotes it.
    public var headerB: String? {
        signature.map { String(DKIMBase64.encode($0.signature).prefix(8)) }
    }

    public var bodyHashStep: DKIMBodyHashStep? {
        for case .bodyHash(let s) in trace { return s }
        return nil
    }
    public var headerHashStep: DKIMHeaderHashStep? {
        for case .headerHash(let s) in trace { return s }
        return nil
    }
}
