import Crypto
import HopTraceCore
import HopTraceDNS
import HopTraceMessage

/// The ARC chain validation status (RFC 8617 §4.4), words as in `arc=` of RFC 8601 results.
public enum ARCResult: String, Sendable, Hashable, CaseIterable {
    case none
    case pass
    case fail
}

/// Why a chain failed, and where. `ARCValidation.result` is `fail` whenever this is set.
public enum ARCFailure: Sendable, Hashable, CustomStringConvertible {
    /// More ARC header fields or instances than RFC 8617 allows (i= 1..50); not read further.
    case tooManyInstances(count: Int, limit: Int)
    /// An ARC header field does not parse.
    case syntax(header: ARCHeaderKind, fieldIndex: Int, error: DKIMSyntaxError)
    /// An instance has no header of this kind.
    case missing(header: ARCHeaderKind, instance: Int)
    /// An instance has more than one header of this kind.
    case duplicate(header: ARCHeaderKind, instance: Int)
    /// Instances are not 1...N without gaps.
    case instanceGap(expected: Int, highest: Int)
    /// The newest seal already says cv=fail (§5.2 step 2: validation stops, status fail).
    case newestSealSaysFail(instance: Int)
    /// A seal's cv= is not the one its position requires (none at i=1, pass after).
    case wrongChainValidation(instance: Int, expected: ARCChainStatus, found: ARCChainStatus)
    /// The AMS lists ARC-Seal in h= (RFC 8617 §4.1.2: it MUST NOT).
    case messageSignatureSignsSeal(instance: Int)
    /// The newest AMS does not verify.
    case messageSignatureFailed(instance: Int, DKIMFailure)
    /// A seal does not verify.
    case sealFailed(instance: Int, DKIMFailure)

    public var description: String {
        switch self {
        case .tooManyInstances(let c, let l):
            return "\(c) ARC instances or header sets, more than the \(l) RFC 8617 allows"
        case .syntax(let h, let i, let e): return "\(h.rawValue) (header \(i)) does not parse: \(e)"
        case .missing(let h, let i): return "instance \(i) has no \(h.rawValue)"
        case .duplicate(let h, let i): return "instance \(i) has more than one \(h.rawValue)"
        case .instanceGap(let e, let h): return "instances are not contiguous: \(e) is missing below the highest, \(h)"
        case .newestSealSaysFail(let i): return "the newest ARC-Seal (i=\(i)) already records cv=fail"
        case .wrongChainValidation(let i, let e, let f): return "ARC-Seal i=\(i) says cv=\(f); it must say cv=\(e)"
        case .messageSignatureSignsSeal(let i): return "ARC-Message-Signature i=\(i) signs ARC-Seal (not allowed)"
        case .messageSignatureFailed(let i, let f): return "ARC-Message-Signature i=\(i) does not verify: \(f)"
        case .sealFailed(let i, let f): return "ARC-Seal i=\(i) does not verify: \(f)"
        }
    }

    /// The instance the failure concerns, when it concerns one.
    public var instance: Int? {
        switch self {
        case .tooManyInstances, .syntax, .instanceGap: return nil
        case .missing(_, let i), .duplicate(_, let i), .newestSealSaysFail(let i), .wrongChainValidation(let i, _, _),
            .messageSignatureSignsSeal(let i), .messageSignatureFailed(let i, _), .sealFailed(let i, _):
            return i
        }
    }
}

/// What one intermediary's ARC set says, and what the verifier found of it.
public struct ARCInstanceSummary: Sendable, Hashable {
    public var instance: Int
    public var sealDomain: String
    public var sealSelector: String
    public var sealAlgorithm: String
    /// The cv= this sealer claimed.
    public var claimedChainValidation: ARCChainStatus
    public var sealResult: DKIMResult?
    public var sealFailure: DKIMFailure?
    public var messageSignatureDomain: String
    public var messageSignatureSelector: String
    public var messageSignatureResult: DKIMResult?
    public var messageSignatureFailure: DKIMFailure?
    /// The intermediary's recorded verdicts (raw), for the Authentication-Results parser.
    public var authenticationResults: ARCAuthenticationResults
    public var messageSignatureTrace: [DKIMTraceStep]
    public var sealTrace: [DKIMTraceStep]
}

/// The outcome of ARC chain validation.
public struct ARCValidation: Sendable, Hashable {
    public var result: ARCResult
    public var failure: ARCFailure?
    /// The instance that broke the chain, when one did.
    public var brokenAt: Int? { failure?.instance }
    /// Number of instances found (the highest i=), 0 when none.
    public var instanceCount: Int
    /// Per instance, oldest (i=1) first. Empty when the structure did not allow sets to be formed.
    public var instances: [ARCInstanceSummary]
    /// The lowest instance whose AMS still verifies (RFC 8617 §5.2 step 6's "oldest-pass"):
    /// the intermediaries above it changed nothing the AMS signs. Nil when not computed.
    public var oldestPass: Int?
}

/// Validates ARC chains (RFC 8617 §5.2) with keys from the resolver. ARC t= is not checked
/// (RFC 8617 has no expiry); ed25519-sha256 is accepted for AMS and AS as Stalwart does
/// (RFC 8617 names rsa-sha256 only and leaves more algorithms to ARC-MULTI; dkimpy refuses them).
public struct ARCVerifier: Sendable {
    public var resolver: any DNSResolver
    public init(resolver: any DNSResolver) { self.resolver = resolver }

    public func validate(message: [UInt8]) async -> ARCValidation {
        guard case (let headers, let body)? = DKIMMessage.split(message) else {
            return ARCValidation(result: .none, failure: nil, instanceCount: 0, instances: [], oldestPass: nil)
        }
        return await validate(headers: headers, body: body)
    }

    public func validate(headers: [HeaderField], body: [UInt8]) async -> ARCValidation {
        await validate(
            headers: headers.map { DKIMHeaderField(name: $0.name, raw: $0.raw, location: $0.location) }, body: body)
    }

    public func validate(headers: [DKIMHeaderField], body: [UInt8]) async -> ARCValidation {
        func fail(_ f: ARCFailure, count: Int = 0, instances: [ARCInstanceSummary] = []) -> ARCValidation {
            ARCValidation(result: .fail, failure: f, instanceCount: count, instances: instances, oldestPass: nil)
        }
        let arcFields = headers.indices.compactMap { i in ARCHeaderKind(name: headers[i].name).map { (i, $0) } }
        if arcFields.isEmpty {
            return ARCValidation(result: .none, failure: nil, instanceCount: 0, instances: [], oldestPass: nil)
        }
        // Bounded before parsing: at most 50 sets of three.
        if arcFields.count > DKIMLimits.maxARCInstances * 3 {
            return fail(.tooManyInstances(count: arcFields.count / 3, limit: DKIMLimits.maxARCInstances))
        }
        var seals: [Int: [(Int, ARCSeal)]] = [:]
        var sigs: [Int: [(Int, DKIMSignature)]] = [:]
        var aars: [Int: [(Int, ARCAuthenticationResults)]] = [:]
        for (index, kind) in arcFields {
            do throws(DKIMSyntaxError) {
                switch kind {
                case .seal:
                    let s = try ARCParser.seal(field: headers[index].raw)
                    seals[s.instance, default: []].append((index, s))
                case .messageSignature:
                    let s = try ARCParser.messageSignature(field: headers[index].raw)
                    sigs[s.instance!, default: []].append((index, s))
                case .authenticationResults:
                    let a = try ARCParser.authenticationResults(field: headers[index].raw)
                    aars[a.instance, default: []].append((index, a))
                }
            } catch {
                return fail(.syntax(header: kind, fieldIndex: index, error: error))
            }
        }
        let highest = max(seals.keys.max() ?? 0, sigs.keys.max() ?? 0, aars.keys.max() ?? 0)
        // §5.2 step 2: the newest seal's cv=fail ends validation.
        if let newest = seals[highest], newest.count == 1, newest[0].1.chainValidation == .fail {
            return fail(.newestSealSaysFail(instance: highest), count: highest)
        }
        // §5.2 step 3: structure — 1...N, exactly one of each per instance.
        var sets: [ARCSet] = []
        for i in 1...highest {
            if aars[i] == nil && sigs[i] == nil && seals[i] == nil {
                return fail(.instanceGap(expected: i, highest: highest), count: highest)
            }
            guard let a = aars[i] else {
                return fail(.missing(header: .authenticationResults, instance: i), count: highest)
            }
            guard let m = sigs[i] else { return fail(.missing(header: .messageSignature, instance: i), count: highest) }
            guard let s = seals[i] else { return fail(.missing(header: .seal, instance: i), count: highest) }
            if a.count > 1 { return fail(.duplicate(header: .authenticationResults, instance: i), count: highest) }
            if m.count > 1 { return fail(.duplicate(header: .messageSignature, instance: i), count: highest) }
            if s.count > 1 { return fail(.duplicate(header: .seal, instance: i), count: highest) }
            sets.append(
                ARCSet(
                    instance: i, authenticationResults: a[0].1, authenticationResultsIndex: a[0].0,
                    messageSignature: m[0].1, messageSignatureIndex: m[0].0, seal: s[0].1, sealIndex: s[0].0))
        }
        for set in sets {
            let expected: ARCChainStatus = set.instance == 1 ? .none : .pass
            if set.seal.chainValidation != expected {
                return fail(
                    .wrongChainValidation(instance: set.instance, expected: expected, found: set.seal.chainValidation),
                    count: highest)
            }
            if set.messageSignature.signedHeaders.contains(where: { $0.lowercased() == "arc-seal" }) {
                return fail(.messageSignatureSignsSeal(instance: set.instance), count: highest)
            }
        }

        // §5.2 steps 4–5: every AMS is verified for the ledger; only the newest decides.
        var summaries: [ARCInstanceSummary] = []
        var bodies = DKIMBodyCache(body: body)
        let check = DKIMSignatureCheck(resolver: resolver)
        for set in sets {
            var amsTrace: [DKIMTraceStep] = []
            let amsFailure = await check.check(
                set.messageSignature, fieldIndex: set.messageSignatureIndex, headers: headers,
                bodies: &bodies, time: nil, trace: &amsTrace)
            var sealTrace: [DKIMTraceStep] = []
            let sealFailure = await verifySeal(set.instance, sets: sets, trace: &sealTrace)
            summaries.append(
                ARCInstanceSummary(
                    instance: set.instance, sealDomain: set.seal.domain, sealSelector: set.seal.selector,
                    sealAlgorithm: set.seal.algorithm.description, claimedChainValidation: set.seal.chainValidation,
                    sealResult: DKIMFailure.result(for: sealFailure), sealFailure: sealFailure,
                    messageSignatureDomain: set.messageSignature.domain,
                    messageSignatureSelector: set.messageSignature.selector,
                    messageSignatureResult: DKIMFailure.result(for: amsFailure), messageSignatureFailure: amsFailure,
                    authenticationResults: set.authenticationResults, messageSignatureTrace: amsTrace,
                    sealTrace: sealTrace))
        }
        var oldestPass: Int?
        for s in summaries.reversed() {
            if s.messageSignatureFailure == nil { oldestPass = s.instance } else { break }
        }
        if let f = summaries.last?.messageSignatureFailure {
            return ARCValidation(
                result: .fail, failure: .messageSignatureFailed(instance: highest, f), instanceCount: highest,
                instances: summaries, oldestPass: oldestPass)
        }
        // §5.2 step 6: every seal, newest first.
        for s in summaries.reversed() {
            if let f = s.sealFailure {
                return ARCValidation(
                    result: .fail, failure: .sealFailed(instance: s.instance, f), instanceCount: highest,
                    instances: summaries, oldestPass: oldestPass)
            }
        }
        return ARCValidation(
            result: .pass, failure: nil, instanceCount: highest, instances: summaries, oldestPass: oldestPass)
    }

    /// §5.1.1: the seal at `instance` signs, for j = 1...instance, AAR(j), AMS(j), AS(j), each
    /// with relaxed header canonicalisation, its own b= emptied and no final CRLF.
    func verifySeal(_ instance: Int, sets: [ARCSet], trace: inout [DKIMTraceStep]) async -> DKIMFailure? {
        let seal = sets[instance - 1].seal
        trace.append(
            .parsed(
                algorithm: seal.algorithm.description, domain: seal.domain, selector: seal.selector,
                canonicalization: "relaxed"))
        switch seal.algorithm {
        case .rsaSHA256, .ed25519SHA256: break
        case .rsaSHA1: return .sha1Rejected
        case .other(let a): return .unsupportedAlgorithm(a)
        }
        let input = ARCSealInput.bytes(for: instance, sets: sets)
        let fetched = await DKIMKeyFetcher(resolver: resolver)
            .key(
                selector: seal.selector, domain: seal.domain, algorithm: seal.algorithm, identity: String?.none,
                trace: &trace)
        switch fetched {
        case .failure(let f): return f
        case .success(let (key, _)):
            let valid = key.isValid(signature: seal.signature, sha256: SHA256.hash(data: input))
            trace.append(.signatureCheck(algorithm: seal.algorithm.description, keyBits: key.bits, valid: valid))
            return valid ? nil : .signatureMismatch
        }
    }
}

/// The ARC-Seal hash input (RFC 8617 §5.1.1).
public enum ARCSealInput {
    public static func bytes(for instance: Int, sets: [ARCSet]) -> [UInt8] {
        var input: [UInt8] = []
        for set in sets.prefix(instance) {
            input += DKIMCanonicalizer.header(set.authenticationResults.raw, .relaxed)
            input += DKIMCanonicalizer.header(set.messageSignature.raw, .relaxed)
            if set.instance == instance {
                input += DKIMCanonicalizer.signatureHeader(set.seal.rawWithEmptySignature, .relaxed)
            } else {
                input += DKIMCanonicalizer.header(set.seal.raw, .relaxed)
            }
        }
        return input
    }
}
