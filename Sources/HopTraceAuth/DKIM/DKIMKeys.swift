import Crypto
import HopTraceDNS
import _CryptoExtras

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A public key ready to verify with.
enum DKIMPublicKey {
    case rsa(_RSA.Signing.PublicKey, bits: Int)
    case ed25519(Curve25519.Signing.PublicKey)

    var bits: Int? {
        switch self {
        case .rsa(_, let bits): return bits
        case .ed25519: return 256
        }
    }

    /// Verifies `signature` over SHA-256(`data`): RSASSA-PKCS1-v1_5 for RSA, Ed25519 over the
    /// 32-byte digest for RFC 8463.
    func isValid(signature: [UInt8], sha256 digest: SHA256Digest) -> Bool {
        switch self {
        case .rsa(let key, let bits):
            // A signature of the wrong length is invalid, not an error.
            guard signature.count == (bits + 7) / 8 else { return false }
            return key.isValidSignature(
                _RSA.Signing.RSASignature(rawRepresentation: signature), for: digest,
                padding: .insecurePKCS1v1_5)
        case .ed25519(let key):
            return key.isValidSignature(signature, for: Array(digest))
        }
    }
}

/// Key fetching and checking, shared by DKIM signatures, ARC-Message-Signatures and ARC-Seals.
struct DKIMKeyFetcher: Sendable {
    var resolver: any DNSResolver

    /// Queries `<s>._domainkey.<d>`, parses the record, checks it fits the signature, and decodes
    /// the key. Appends trace steps; returns the key or the failure.
    func key(
        selector: String, domain: String, algorithm: DKIMAlgorithm, identity: String?,
        trace: inout [DKIMTraceStep]
    ) async -> Result<(DKIMPublicKey, DKIMKeyRecord), DKIMFailure> {
        let name = "\(selector)._domainkey.\(domain)"
        let question = DNSQuestion(name: name, type: .txt)
        let answer = await resolver.resolve(question)
        trace.append(
            .keyQuery(question: question, outcome: answer.outcome, dnssec: answer.dnssec, reason: answer.reason))
        let texts: [String]
        switch answer.outcome {
        case .answer(let records):
            texts = records.compactMap { $0.joinedText }
            if texts.isEmpty { return .failure(.keyUnavailable(name: question.name, lookup: .nodata)) }
        case .nodata: return .failure(.keyUnavailable(name: question.name, lookup: .nodata))
        case .nxdomain: return .failure(.keyUnavailable(name: question.name, lookup: .nxdomain))
        case .timeout: return .failure(.keyUnavailable(name: question.name, lookup: .timeout))
        case .servfail: return .failure(.keyUnavailable(name: question.name, lookup: .servfail))
        }
        // The first TXT record that parses as a key record is used (RFC 6376 §3.6.2.2 leaves
        // several records undefined; dkimpy and OpenDKIM take the first usable one).
        var record: DKIMKeyRecord?
        var firstError: DKIMSyntaxError?
        for text in texts.prefix(8) {
            do throws(DKIMSyntaxError) {
                record = try DKIMKeyRecordParser.parse(text)
                break
            } catch {
                trace.append(.keyRecordRejected(text: String(text.prefix(512)), error: error))
                if firstError == nil { firstError = error }
            }
        }
        guard let record else { return .failure(.keyRecordInvalid(firstError!)) }
        trace.append(.keyRecord(record))
        if record.isRevoked { return .failure(.keyRevoked) }
        let wanted = algorithm.keyType ?? ""
        guard record.keyType == wanted else {
            return .failure(.keyTypeMismatch(signature: algorithm.description, key: record.keyType))
        }
        if let allowed = record.hashAlgorithms, !allowed.contains("sha256") {
            return .failure(.keyHashNotAllowed(hash: "sha256", allowed: allowed))
        }
        if !record.serviceTypes.contains("*") && !record.serviceTypes.contains("email") {
            return .failure(.keyServiceNotEmail(record.serviceTypes))
        }
        if record.isStrict, let identity, let at = identity.lastIndex(of: "@") {
            let idom = identity[identity.index(after: at)...].lowercased()
            if idom != domain.lowercased() {
                return .failure(.keyStrictSubdomain(identity: identity, domain: domain))
            }
        }
        switch algorithm {
        case .ed25519SHA256:
            guard record.publicKey.count == 32,
                let key = try? Curve25519.Signing.PublicKey(rawRepresentation: record.publicKey)
            else {
                return .failure(.keyInvalid("ed25519 p= must be 32 raw bytes, got \(record.publicKey.count)"))
            }
            return .success((.ed25519(key), record))
        default:
            // SubjectPublicKeyInfo (MIGfMA0G…) and bare PKCS#1 RSAPublicKey (MIGJAoGB…, RFC 6376
            // App. C writes that form) are both accepted. The unsafe initialiser admits < 2048 bits;
            // the RFC 8301 minimum is enforced here.
            guard let key = try? _RSA.Signing.PublicKey(unsafeDERRepresentation: record.publicKey) else {
                // swift-crypto refuses moduli under 1024 bits outright; say "too small", not "bogus".
                if let bits = RSAModulusBits.of(record.publicKey), bits < DKIMLimits.minimumRSAKeyBits {
                    return .failure(
                        .keySizeRejected(
                            bits: bits, minimum: DKIMLimits.minimumRSAKeyBits, maximum: DKIMLimits.maximumRSAKeyBits))
                }
                return .failure(.keyInvalid("p= is not a DER RSA public key (SubjectPublicKeyInfo or PKCS#1)"))
            }
            let bits = key.keySizeInBits
            guard bits >= DKIMLimits.minimumRSAKeyBits, bits <= DKIMLimits.maximumRSAKeyBits else {
                return .failure(
                    .keySizeRejected(
                        bits: bits, minimum: DKIMLimits.minimumRSAKeyBits, maximum: DKIMLimits.maximumRSAKeyBits))
            }
            return .success((.rsa(key, bits: bits), record))
        }
    }
}

/// The modulus size of an RSA public key in DER (SubjectPublicKeyInfo or PKCS#1 RSAPublicKey),
/// read with a minimal bounded ASN.1 walk — only to name the size of a key swift-crypto refused.
///
///     SubjectPublicKeyInfo ::= SEQUENCE { algorithm SEQUENCE {...}, subjectPublicKey BIT STRING }
///     RSAPublicKey         ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
enum RSAModulusBits {
    static func of(_ der: [UInt8]) -> Int? {
        guard let (tag, body, _) = element(der, at: 0), tag == 0x30 else { return nil }
        guard let (first, firstBody, next) = element(der, at: body.lowerBound) else { return nil }
        if first == 0x02 { return bits(Array(der[firstBody])) }  // PKCS#1: modulus first
        guard first == 0x30, let (bitTag, bitBody, _) = element(der, at: next), bitTag == 0x03,
            bitBody.count > 1
        else { return nil }
        let inner = Array(der[(bitBody.lowerBound + 1)..<bitBody.upperBound])  // skip unused-bits byte
        guard let (seq, seqBody, _) = element(inner, at: 0), seq == 0x30,
            let (intTag, intBody, _) = element(inner, at: seqBody.lowerBound), intTag == 0x02
        else { return nil }
        return bits(Array(inner[intBody]))
    }

    /// tag, content range, offset after the element (definite lengths up to 4 bytes only).
    static func element(_ d: [UInt8], at i: Int) -> (UInt8, Range<Int>, Int)? {
        guard i + 1 < d.count else { return nil }
        let tag = d[i]
        var len = Int(d[i + 1])
        var start = i + 2
        if len & 0x80 != 0 {
            let n = len & 0x7F
            guard n >= 1, n <= 4, start + n <= d.count else { return nil }
            len = 0
            for k in 0..<n { len = len << 8 | Int(d[start + k]) }
            start += n
        }
        guard start + len <= d.count else { return nil }
        return (tag, start..<(start + len), start + len)
    }

    static func bits(_ n: [UInt8]) -> Int? {
        guard let firstNonZero = n.firstIndex(where: { $0 != 0 }) else { return nil }
        return (n.count - firstNonZero - 1) * 8 + (8 - n[firstNonZero].leadingZeroBitCount)
    }
}
