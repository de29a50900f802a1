import Foundation
import HopTraceCore
import HopTraceDNS
import Testing
import _CryptoExtras

@testable import HopTraceAuth

/// Keys are generated once per process (RSA generation is slow on 2 cores).
enum DKIMTestKeys {
    static let rsa1024 = DKIMTestKey.rsa(bits: 1024)
    static let rsa2048 = DKIMTestKey.rsa(bits: 2048)
    static let ed25519 = DKIMTestKey.ed25519()
    static let other2048 = DKIMTestKey.rsa(bits: 2048)
}

let dkimBaseMessage = """
    From: Alice <alice@example.com>\r
    To: Bob <bob@example.net>\r
    Subject: Quarterly numbers\r
    Date: Tue, 3 Nov 2020 10:00:00 +0000\r
    Message-ID: <1@example.com>\r
    \r
    Hello Bob,\r
    \r
    The numbers  are\tattached.   \r
    \r
    \r

    """

func dkimVerify(
    _ signed: String, records: [String: [DNSRecord]], now: Int64 = 1_600_000_100,
    timeouts: Set<String> = [], servfails: Set<String> = []
) async -> [DKIMVerification] {
    let resolver = InMemoryResolver(records: records, timeouts: timeouts, servfails: servfails)
    return await DKIMVerifier(resolver: resolver, now: now).verify(message: Array(signed.utf8))
}

func dkimKeyZone(
    _ key: DKIMTestKey, name: String = "sel._domainkey.example.com", pkcs1: Bool = false, extra: String = ""
) -> [String: [DNSRecord]] {
    [name: [InMemoryResolver.txt(key.record(pkcs1: pkcs1, extra: extra))]]
}

struct DKIMVerifierTests {
    struct KeyCase: Sendable, CustomTestStringConvertible {
        var name: String
        var key: DKIMTestKey
        var pkcs1: Bool
        var testDescription: String { name }
    }

    static let keyCases: [KeyCase] = [
        KeyCase(name: "rsa-1024 spki", key: DKIMTestKeys.rsa1024, pkcs1: false),
        KeyCase(name: "rsa-2048 spki", key: DKIMTestKeys.rsa2048, pkcs1: false),
        KeyCase(name: "rsa-2048 pkcs1", key: DKIMTestKeys.rsa2048, pkcs1: true),
        KeyCase(name: "ed25519", key: DKIMTestKeys.ed25519, pkcs1: false),
    ]

    static let canons: [(DKIMCanonicalization, DKIMCanonicalization)] = [
        (.simple, .simple), (.simple, .relaxed), (.relaxed, .simple), (.relaxed, .relaxed),
    ]

    @Test("sign and verify: every key kind × every canonicalisation", arguments: keyCases, 0..<4)
    func passes(_ k: KeyCase, canonIndex: Int) async {
        var o = DKIMSignOptions()
        (o.headerCanon, o.bodyCanon) = Self.canons[canonIndex]
        let signed = DKIMTestSigner.sign(dkimBaseMessage, key: k.key, o)
        let results = await dkimVerify(signed, records: dkimKeyZone(k.key, pkcs1: k.pkcs1))
        #expect(results.count == 1)
        #expect(results[0].result == .pass, "\(String(describing: results[0].failure))")
        #expect(results[0].domain == "example.com")
        #expect(results[0].selector == "sel")
        #expect(results[0].signedHeaders == ["From", "To", "Subject", "Date"])
        #expect(results[0].bodyHashStep?.matches == true)
        #expect(
            results[0].trace.contains { if case .signatureCheck(_, _, true) = $0 { return true } else { return false } }
        )
    }

    @Test("LF-only input verifies like CRLF", arguments: 0..<4)
    func lfInput(canonIndex: Int) async {
        var o = DKIMSignOptions()
        (o.headerCanon, o.bodyCanon) = Self.canons[canonIndex]
        let signed = DKIMTestSigner.sign(dkimBaseMessage, key: DKIMTestKeys.rsa2048, o)
        let lf = signed.replacingOccurrences(of: "\r\n", with: "\n")
        let results = await dkimVerify(lf, records: dkimKeyZone(DKIMTestKeys.rsa2048))
        #expect(results.first?.result == .pass)
    }

    struct TamperCase: Sendable, CustomTestStringConvertible {
        var name: String
        var tamper: @Sendable (String) -> String
        var expected: DKIMResult
        var failure: @Sendable (DKIMFailure?) -> Bool
        var testDescription: String { name }
    }

    static let tamperCases: [TamperCase] = [
        TamperCase(
            name: "body changed", tamper: { $0.replacingOccurrences(of: "Hello Bob", with: "Hello Eve") },
            expected: .fail,
            failure: { if case .bodyHashMismatch = $0 { return true } else { return false } }),
        TamperCase(
            name: "footer added", tamper: { $0 + "-- \r\nlist footer\r\n" }, expected: .fail,
            failure: { if case .bodyHashMismatch = $0 { return true } else { return false } }),
        TamperCase(
            name: "subject tagged",
            tamper: { $0.replacingOccurrences(of: "Subject: Quarterly", with: "Subject: [SPAM] Quarterly") },
            expected: .fail, failure: { $0 == .signatureMismatch }),
        TamperCase(
            name: "from rewritten",
            tamper: {
                $0.replacingOccurrences(
                    of: "From: Alice <alice@example.com>", with: "From: Alice via List <list@example.org>")
            },
            expected: .fail, failure: { $0 == .signatureMismatch }),
        TamperCase(
            name: "unsigned header added",
            tamper: { $0.replacingOccurrences(of: "Message-ID:", with: "X-Added: yes\r\nMessage-ID:") },
            expected: .pass, failure: { $0 == nil }),
        TamperCase(
            name: "relaxed: whitespace in a signed header",
            tamper: {
                $0.replacingOccurrences(of: "Subject: Quarterly numbers", with: "Subject:   Quarterly   numbers  ")
            },
            expected: .pass, failure: { $0 == nil }),
        TamperCase(
            name: "relaxed: trailing empty lines", tamper: { $0 + "\r\n\r\n" }, expected: .pass, failure: { $0 == nil }),
    ]

    @Test("tampering", arguments: tamperCases)
    func tampering(_ c: TamperCase) async {
        let signed = DKIMTestSigner.sign(dkimBaseMessage, key: DKIMTestKeys.rsa2048)
        let results = await dkimVerify(c.tamper(signed), records: dkimKeyZone(DKIMTestKeys.rsa2048))
        #expect(results.first?.result == c.expected)
        #expect(c.failure(results.first?.failure), "\(String(describing: results.first?.failure))")
    }

    @Test("simple header canonicalisation notices whitespace a relaxed one ignores")
    func simpleIsStrict() async {
        var o = DKIMSignOptions()
        o.headerCanon = .simple
        let signed = DKIMTestSigner.sign(dkimBaseMessage, key: DKIMTestKeys.ed25519, o)
        let changed = signed.replacingOccurrences(of: "Subject: Quarterly numbers", with: "Subject:  Quarterly numbers")
        let results = await dkimVerify(changed, records: dkimKeyZone(DKIMTestKeys.ed25519))
        #expect(results.first?.failure == .signatureMismatch)
    }

    @Test("l= signs a prefix: content appended below it still passes, flagged as length-limited")
    func bodyLength() async {
        var o = DKIMSignOptions()
        o.lengthTagForWholeBody = true
        let signed = DKIMTestSigner.sign(dkimBaseMessage, key: DKIMTestKeys.rsa2048, o)
        let appended = signed + "Appended by a list server\r\n"
        let results = await dkimVerify(appended, records: dkimKeyZone(DKIMTestKeys.rsa2048))
        #expect(results.first?.result == .pass)
        #expect(results.first?.bodyLengthLimited == true)
        let step = results.first?.bodyHashStep
        #expect(step != nil && step!.hashedBytes < step!.canonicalBodyBytes)
    }

    @Test("l= longer than the body is a permerror")
    func bodyLengthTooLong() async {
        var o = DKIMSignOptions()
        o.bodyLength = 10_000
        let signed = DKIMTestSigner.sign(
            dkimBaseMessage.replacingOccurrences(of: "attached", with: String(repeating: "x", count: 10_100)),
            key: DKIMTestKeys.rsa2048, o)
        let cut = signed.replacingOccurrences(of: String(repeating: "x", count: 10_100), with: "short")
        let results = await dkimVerify(cut, records: dkimKeyZone(DKIMTestKeys.rsa2048))
        #expect(results.first?.result == .permerror)
        if case .bodyTooShort = results.first?.failure {
        } else {
            Issue.record("\(String(describing: results.first?.failure))")
        }
    }

    @Test("over-signing: a listed name with no instance left signs as empty, so adding one later breaks it")
    func overSigning() async {
        var o = DKIMSignOptions()
        o.headers = ["From", "From", "Subject", "Subject", "Reply-To"]
        let signed = DKIMTestSigner.sign(dkimBaseMessage, key: DKIMTestKeys.rsa2048, o)
        let ok = await dkimVerify(signed, records: dkimKeyZone(DKIMTestKeys.rsa2048))
        #expect(ok.first?.result == .pass)
        let step = ok.first?.headerHashStep
        #expect(step?.headers.map { $0.fieldIndex == nil } == [false, true, false, true, true])
        let added = signed.replacingOccurrences(
            of: "Subject: Quarterly numbers", with: "Subject: Quarterly numbers\r\nSubject: Second subject")
        let broken = await dkimVerify(added, records: dkimKeyZone(DKIMTestKeys.rsa2048))
        #expect(broken.first?.failure == .signatureMismatch)
        let replyTo = signed.replacingOccurrences(of: "Message-ID:", with: "Reply-To: x@evil.example\r\nMessage-ID:")
        #expect(
            await dkimVerify(replyTo, records: dkimKeyZone(DKIMTestKeys.rsa2048)).first?.failure == .signatureMismatch)
    }

    @Test("h= with a repeated header picks instances bottom-up")
    func bottomUp() async {
        let twoReceived =
            "Received: from a by b; Tue, 3 Nov 2020 10:00:02 +0000\r\nReceived: from c by d; Tue, 3 Nov 2020 10:00:01 +0000\r\n"
            + dkimBaseMessage
        var o = DKIMSignOptions()
        o.headers = ["Received", "Received", "From"]
        let signed = DKIMTestSigner.sign(twoReceived, key: DKIMTestKeys.rsa2048, o)
        let results = await dkimVerify(signed, records: dkimKeyZone(DKIMTestKeys.rsa2048))
        #expect(results.first?.result == .pass)
        // Field 0 is the signature; the bottom Received (index 2) is used first.
        #expect(results.first?.headerHashStep?.headers.map(\.fieldIndex) == [2, 1, 3])
    }

    struct TimeCase: Sendable, CustomTestStringConvertible {
        var name: String
        var t: Int64?
        var x: Int64?
        var now: Int64
        var expected: DKIMResult
        var testDescription: String { name }
    }

    static let timeCases: [TimeCase] = [
        TimeCase(
            name: "x= after message time", t: 1_600_000_000, x: 1_600_086_400, now: 1_600_000_100, expected: .pass),
        TimeCase(
            name: "x= before message time (expired)", t: 1_600_000_000, x: 1_600_000_050, now: 1_600_000_100,
            expected: .permerror),
        TimeCase(
            name: "t= slightly ahead (skew allowed)", t: 1_600_000_600, x: nil, now: 1_600_000_000, expected: .pass),
        TimeCase(name: "t= a day ahead (future)", t: 1_600_086_400, x: nil, now: 1_600_000_000, expected: .permerror),
        TimeCase(name: "no t=, no x=", t: nil, x: nil, now: 0, expected: .pass),
    ]

    @Test("t= and x= against the injected message time", arguments: timeCases)
    func times(_ c: TimeCase) async {
        var o = DKIMSignOptions()
        o.timestamp = c.t
        o.expiration = c.x
        let signed = DKIMTestSigner.sign(dkimBaseMessage, key: DKIMTestKeys.ed25519, o)
        let results = await dkimVerify(signed, records: dkimKeyZone(DKIMTestKeys.ed25519), now: c.now)
        #expect(results.first?.result == c.expected, "\(String(describing: results.first?.failure))")
        if c.expected == .permerror {
            switch results.first?.failure {
            case .expired?, .future?: break
            default: Issue.record("expected a time failure, got \(String(describing: results.first?.failure))")
            }
        }
    }

    struct KeyProblem: Sendable, CustomTestStringConvertible {
        var name: String
        var zone: [String: [DNSRecord]]
        var timeouts: Set<String> = []
        var servfails: Set<String> = []
        var algorithm: String? = nil
        var expected: DKIMResult
        var check: @Sendable (DKIMFailure?) -> Bool
        var testDescription: String { name }
    }

    static let keyName = "sel._domainkey.example.com"
    static let keyProblems: [KeyProblem] = [
        KeyProblem(
            name: "NXDOMAIN", zone: [:], expected: .permerror,
            check: { $0 == .keyUnavailable(name: DKIMVerifierTests.keyName, lookup: .nxdomain) }),
        KeyProblem(
            name: "timeout", zone: [:], timeouts: [keyName], expected: .temperror,
            check: { $0 == .keyUnavailable(name: DKIMVerifierTests.keyName, lookup: .timeout) }),
        KeyProblem(
            name: "SERVFAIL", zone: [:], servfails: [keyName], expected: .temperror,
            check: { $0 == .keyUnavailable(name: DKIMVerifierTests.keyName, lookup: .servfail) }),
        KeyProblem(
            name: "no TXT (nodata)", zone: [keyName: [.a(.v4(0xC000_0201))]], expected: .permerror,
            check: { $0 == .keyUnavailable(name: DKIMVerifierTests.keyName, lookup: .nodata) }),
        KeyProblem(
            name: "revoked (empty p=)", zone: [keyName: [InMemoryResolver.txt("v=DKIM1; k=rsa; p=")]],
            expected: .permerror,
            check: { $0 == .keyRevoked }),
        KeyProblem(
            name: "key type mismatch (ed25519 key, rsa signature)", zone: dkimKeyZone(DKIMTestKeys.ed25519),
            expected: .permerror,
            check: { $0 == .keyTypeMismatch(signature: "rsa-sha256", key: "ed25519") }),
        KeyProblem(
            name: "wrong key", zone: dkimKeyZone(DKIMTestKeys.other2048), expected: .fail,
            check: { $0 == .signatureMismatch }),
        KeyProblem(
            name: "bogus base64 key", zone: [keyName: [InMemoryResolver.txt("v=DKIM1; k=rsa; p=!!!notbase64")]],
            expected: .permerror,
            check: { if case .keyRecordInvalid = $0 { return true } else { return false } }),
        KeyProblem(
            name: "base64 that is not a key",
            zone: [keyName: [InMemoryResolver.txt("v=DKIM1; k=rsa; p=aGVsbG8gd29ybGQ=")]], expected: .permerror,
            check: { if case .keyInvalid = $0 { return true } else { return false } }),
        KeyProblem(
            name: "key h=sha1 only", zone: dkimKeyZone(DKIMTestKeys.rsa2048, extra: " h=sha1;"), expected: .permerror,
            check: { if case .keyHashNotAllowed = $0 { return true } else { return false } }),
        KeyProblem(
            name: "rsa-sha1 refused (RFC 8301)", zone: dkimKeyZone(DKIMTestKeys.rsa2048), algorithm: "rsa-sha1",
            expected: .permerror,
            check: { $0 == .sha1Rejected }),
        KeyProblem(
            name: "unknown algorithm", zone: dkimKeyZone(DKIMTestKeys.rsa2048), algorithm: "rsa-sha512",
            expected: .permerror,
            check: { $0 == .unsupportedAlgorithm("rsa-sha512") }),
        KeyProblem(
            name: "not a key record", zone: [keyName: [InMemoryResolver.txt("v=spf1 -all")]], expected: .permerror,
            check: { if case .keyRecordInvalid = $0 { return true } else { return false } }),
    ]

    @Test("key problems map to the right result", arguments: keyProblems)
    func keyProblem(_ c: KeyProblem) async {
        var o = DKIMSignOptions()
        o.algorithmOverride = c.algorithm
        let signed = DKIMTestSigner.sign(dkimBaseMessage, key: DKIMTestKeys.rsa2048, o)
        let results = await dkimVerify(signed, records: c.zone, timeouts: c.timeouts, servfails: c.servfails)
        #expect(results.first?.result == c.expected)
        #expect(c.check(results.first?.failure), "\(String(describing: results.first?.failure))")
    }

    @Test("the key query and its outcome are in the trace")
    func traceHasQuery() async {
        let signed = DKIMTestSigner.sign(dkimBaseMessage, key: DKIMTestKeys.rsa2048)
        let results = await dkimVerify(signed, records: [:])
        let queries = results[0].trace.compactMap { step -> (DNSQuestion, DNSOutcome)? in
            if case .keyQuery(let q, let o, _, _) = step { return (q, o) } else { return nil }
        }
        #expect(queries.count == 1)
        #expect(queries.first?.0 == DNSQuestion(name: "sel._domainkey.example.com", type: .txt))
        #expect(queries.first?.1 == .nxdomain)
        // The body hash is computed before the key lookup, so it is known even without a key.
        #expect(results[0].bodyHashStep?.matches == true)
    }

    @Test("several signatures are verified independently, in header order")
    func twoSignatures() async {
        let once = DKIMTestSigner.sign(dkimBaseMessage, key: DKIMTestKeys.rsa2048)
        var o = DKIMSignOptions()
        o.domain = "example.org"
        o.selector = "ed"
        let twice = DKIMTestSigner.sign(once, key: DKIMTestKeys.ed25519, o)
        var zone = dkimKeyZone(DKIMTestKeys.rsa2048)
        zone.merge(dkimKeyZone(DKIMTestKeys.ed25519, name: "ed._domainkey.example.org")) { a, _ in a }
        let results = await dkimVerify(twice, records: zone)
        #expect(results.map(\.domain) == ["example.org", "example.com"])
        #expect(results.map(\.result) == [.pass, .pass])
        #expect(results.map(\.fieldIndex) == [0, 1])
        #expect(results.map { $0.location?.headerIndex } == [0, 1])
        #expect(results.first?.location?.byteRange.lowerBound == 0)
    }

    /// A PKCS#1 RSAPublicKey DER with a `bits`-bit modulus (swift-crypto will not make keys under 1024 bits).
    static func rsaPublicKeyDER(bits: Int) -> [UInt8] {
        func tlv(_ tag: UInt8, _ body: [UInt8]) -> [UInt8] {
            let n = body.count
            let len: [UInt8] =
                n < 128 ? [UInt8(n)] : (n < 256 ? [0x81, UInt8(n)] : [0x82, UInt8(n >> 8), UInt8(n & 0xFF)])
            return [tag] + len + body
        }
        var modulus = [UInt8](repeating: 0xA5, count: bits / 8)
        modulus[0] = 0xC1
        return tlv(0x30, tlv(0x02, [0x00] + modulus) + tlv(0x02, [0x01, 0x00, 0x01]))
    }

    @Test("RSA keys under 1024 bits are refused, with their size named", arguments: [512, 768])
    func smallKey(_ bits: Int) async {
        let signed = DKIMTestSigner.sign(dkimBaseMessage, key: DKIMTestKeys.rsa1024)
        let record = "v=DKIM1; k=rsa; p=" + Data(Self.rsaPublicKeyDER(bits: bits)).base64EncodedString()
        let results = await dkimVerify(signed, records: ["sel._domainkey.example.com": [InMemoryResolver.txt(record)]])
        #expect(results.first?.result == .permerror)
        #expect(
            results.first?.failure == .keySizeRejected(bits: bits, minimum: 1024, maximum: DKIMLimits.maximumRSAKeyBits)
        )
    }

    @Test("modulus size read from SPKI and PKCS#1", arguments: [false, true])
    func modulusBits(_ pkcs1: Bool) {
        let der = Data(base64Encoded: DKIMTestKeys.rsa2048.publicKeyBase64(pkcs1: pkcs1))!
        #expect(RSAModulusBits.of(Array(der)) == 2048)
    }

    @Test("z= copies: the changed header is named; visible change markers are listed")
    func forensics() async throws {
        var o = DKIMSignOptions()
        o.copyHeaders = ["From", "Subject"]
        let signed = DKIMTestSigner.sign(dkimBaseMessage, key: DKIMTestKeys.rsa2048, o)
        let tagged = signed.replacingOccurrences(of: "Subject: Quarterly", with: "Subject: [SPAM] Quarterly")
        let results = await dkimVerify(tagged, records: dkimKeyZone(DKIMTestKeys.rsa2048))
        #expect(results.first?.failure == .signatureMismatch)
        let sig = try #require(results.first?.signature)
        let (headers, _) = try #require(DKIMMessage.split(Array(tagged.utf8)))
        let diffs = DKIMForensics.compareCopiedHeaders(sig, headers: headers)
        #expect(diffs.map(\.name) == ["From", "Subject"])
        #expect(diffs.map(\.differs) == [false, true])
        #expect(diffs.last?.copied == "Quarterly numbers")
        #expect(diffs.last?.current == "[SPAM] Quarterly numbers")
        let marks = DKIMForensics.visibleChanges(signedHeaders: sig.signedHeaders, headers: headers)
        #expect(marks.map(\.marker) == ["[SPAM]"])
    }

    @Test(
        "visible change markers",
        arguments: [
            ("Subject: [SPAM] hi", "[SPAM]"), ("Subject: ***SPAM*** hi", "***SPAM***"),
            ("Subject: Re: [ietf-list] hi", "[ietf-list]"),
            ("Subject: {Spam?} hi", "{Spam?}"), ("Subject: [EXTERNAL] hi", "[EXTERNAL]"), ("Subject: plain", ""),
        ])
    func markers(_ line: String, _ marker: String) {
        let h = DKIMHeaderField(name: "Subject", raw: Array(line.utf8))
        let marks = DKIMForensics.visibleChanges(signedHeaders: ["subject"], headers: [h])
        #expect(marks.first?.marker ?? "" == marker)
    }
}

struct DKIMForensicsTests {
    @Test("list footer hint: body hash failed and List-Id present")
    func listFooter() async throws {
        let listed = dkimBaseMessage.replacingOccurrences(
            of: "Message-ID:", with: "List-Id: <team.lists.example.com>\r\nMessage-ID:")
        let signed = DKIMTestSigner.sign(listed, key: DKIMTestKeys.ed25519) + "_______________\r\nteam mailing list\r\n"
        let r = await dkimVerify(signed, records: dkimKeyZone(DKIMTestKeys.ed25519))
        let (headers, _) = try #require(DKIMMessage.split(Array(signed.utf8)))
        #expect(DKIMForensics.listFooterLikely(r[0], headers: headers))
        #expect(DKIMForensics.visibleChanges(for: r[0], headers: headers).isEmpty)
    }

    @Test(
        "overall result of several signatures",
        arguments: [
            ([DKIMResult](), DKIMResult.none), ([.fail, .pass], .pass), ([.permerror, .temperror], .temperror),
            ([.permerror, .fail], .fail),
        ])
    func overall(_ results: [DKIMResult], _ expected: DKIMResult) {
        let vs = results.map {
            DKIMVerification(
                result: $0, failure: nil, domain: nil, selector: nil, algorithm: nil, identity: nil, signedHeaders: [],
                bodyLengthLimited: false, bodyLength: nil, keyTesting: false, fieldIndex: 0, signature: nil, trace: [],
                raw: "")
        }
        #expect(DKIMVerification.overall(vs) == expected)
    }
}
