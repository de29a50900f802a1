import HopTraceCore
import Testing

@testable import HopTraceAuth

/// The article's bt.com receipt: Exchange Online's Authentication-Results with every deviation
/// Microsoft writes (no authserv-id, the tenant domain as a stray token after each result,
/// `header.d=x;y`, `action=oreject`, trailing `;`), folded as in the article.
let articleBTAuthResults = """
    spf=fail (sender IP is 62.239.224.235)
     smtp.mailfrom=m0noc.net; btgroupcloud.mail.onmicrosoft.com; dkim=fail
     (signature did not verify)
     header.d=m0noc.net;btgroupcloud.mail.onmicrosoft.com; dmarc=fail
     action=oreject header.from=m0noc.net;bt.com; dkim=fail (signature did not
     verify) header.d=m0noc.net;
    """

struct ARCase: Sendable, CustomTestStringConvertible {
    var name: String
    var value: String
    var authserv: String?
    var version: Int? = nil
    /// "method=result" per result, in order.
    var results: [String]
    /// "index:ptype.property=value" expectations.
    var props: [String] = []
    /// "index:reason" expectations.
    var reasons: [String] = []
    var clientIP: String? = nil
    var noResult = false
    var testDescription: String { name }
}

@Suite("Authentication-Results parser")
struct AuthResultsParserTests {
    @Test func articleMicrosoftForm() throws {
        let ar = AuthenticationResultsParser.parse(articleBTAuthResults)
        #expect(ar.authservID == nil)
        #expect(ar.results.map { "\($0.method)=\($0.result)" } == ["spf=fail", "dkim=fail", "dmarc=fail", "dkim=fail"])
        let spf = try #require(ar.spfResult(identity: .mailFrom))
        #expect(spf.reason == "sender IP is 62.239.224.235")
        #expect(spf.reasonFromComment)
        #expect(spf.value("smtp", "mailfrom") == "m0noc.net")
        #expect(spf.strays == ["btgroupcloud.mail.onmicrosoft.com"])
        #expect(spf.spfResult == .fail)
        #expect(ar.spfResult(identity: .helo) == nil)
        #expect(ar.clientIP == IPAddress("62.239.224.235"))
        #expect(ar.results[1].reason == "signature did not verify")
        #expect(ar.results[1].value("header", "d") == "m0noc.net")
        #expect(ar.results[1].strays == ["btgroupcloud.mail.onmicrosoft.com"])
        #expect(ar.results[2].extensionValue("action") == "oreject")
        #expect(ar.results[2].value("header", "from") == "m0noc.net")
        #expect(ar.results[2].strays == ["bt.com"])
        #expect(ar.results[2].domain == "m0noc.net")
        // A comment folded over two lines reads as one line.
        #expect(ar.results[3].reason == "signature did not verify")
        #expect(ar.strayDomains == ["btgroupcloud.mail.onmicrosoft.com", "bt.com"])
        #expect(ar.deviations.contains { $0.kind == .nonStandard && $0.message.contains("no authserv-id") })
        #expect(ar.deviations.contains { $0.message.contains("stray token") })
        #expect(ar.deviations.contains { $0.message.contains("trailing") })
        #expect(!ar.deviations.contains { $0.kind == .invalid })
        // Raw evidence survives.
        #expect(ar.results[0].raw.hasPrefix("spf=fail (sender IP is 62.239.224.235)"))
        #expect(ar.results[0].raw.hasSuffix("smtp.mailfrom=m0noc.net"))
    }

    static let cases: [ARCase] = [
        ARCase(
            name: "Google pass with dkim/spf/dmarc",
            value: """
                mx.google.com;
                       dkim=pass header.i=@example.com header.s=20161025 header.b=WhR7ILp0;
                       spf=pass (google.com: domain of alice@example.com designates 209.85.220.41 as permitted sender) smtp.mailfrom=alice@example.com;
                       dmarc=pass (p=NONE sp=QUARANTINE dis=NONE) header.from=example.com
                """, authserv: "mx.google.com", results: ["dkim=pass", "spf=pass", "dmarc=pass"],
            props: [
                "0:header.i=@example.com", "0:header.s=20161025", "0:header.b=WhR7ILp0",
                "1:smtp.mailfrom=alice@example.com",
                "2:header.from=example.com",
            ],
            reasons: ["2:p=NONE sp=QUARANTINE dis=NONE"], clientIP: "209.85.220.41"),
        ARCase(
            name: "Google with arc=pass comment and quoted mailfrom, IPv6",
            value: """
                mx.google.com; dkim=pass header.i=@lists.example.org header.s=s1 header.b=abc+/def; arc=pass (i=1 spf=pass spfdomain=lists.example.org dkim=pass dkdomain=example.org dmarc=pass fromdomain=example.org); spf=pass (google.com: domain of list-bounces@lists.example.org designates 2001:db8::25 as permitted sender) smtp.mailfrom="list-bounces@lists.example.org"; dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=example.org
                """, authserv: "mx.google.com", results: ["dkim=pass", "arc=pass", "spf=pass", "dmarc=pass"],
            props: ["0:header.b=abc+/def", "2:smtp.mailfrom=list-bounces@lists.example.org"], clientIP: "2001:db8::25"),
        ARCase(
            name: "Google softfail (transitioning)",
            value: """
                mx.google.com; spf=softfail (google.com: domain of transitioning bob@example.net does not designate 198.51.100.7 as permitted sender) smtp.mailfrom=bob@example.net; dmarc=fail (p=NONE sp=NONE dis=NONE) header.from=example.net
                """, authserv: "mx.google.com", results: ["spf=softfail", "dmarc=fail"], clientIP: "198.51.100.7"),
        ARCase(
            name: "Google spf=none",
            value: """
                mx.google.com; spf=none (google.com: bob@example.net does not designate permitted sender hosts) smtp.mailfrom=bob@example.net
                """, authserv: "mx.google.com", results: ["spf=none"]),
        ARCase(
            name: "Microsoft modern pass with compauth",
            value: """
                spf=pass (sender IP is 40.107.22.55) smtp.mailfrom=contoso.com; dkim=pass (signature was verified) header.d=contoso.com;dmarc=pass action=none header.from=contoso.com;compauth=pass reason=100
                """, authserv: nil, results: ["spf=pass", "dkim=pass", "dmarc=pass", "compauth=pass"],
            props: ["2:action=none", "1:header.d=contoso.com"], reasons: ["3:100", "1:signature was verified"],
            clientIP: "40.107.22.55"),
        ARCase(
            name: "Microsoft bestguesspass",
            value: """
                spf=pass (sender IP is 203.0.113.5) smtp.mailfrom=example.org; dkim=none (message not signed) header.d=none;dmarc=bestguesspass action=none header.from=example.org;compauth=pass reason=109
                """, authserv: nil, results: ["spf=pass", "dkim=none", "dmarc=bestguesspass", "compauth=pass"],
            clientIP: "203.0.113.5"),
        ARCase(
            name: "Microsoft compauth fail, quarantine",
            value: """
                spf=softfail (sender IP is 203.0.113.9) smtp.mailfrom=example.com; dkim=none (message not signed) header.d=none;dmarc=fail action=quarantine header.from=example.com;compauth=fail reason=000
                """, authserv: nil, results: ["spf=softfail", "dkim=none", "dmarc=fail", "compauth=fail"],
            props: ["2:action=quarantine"], reasons: ["3:000"], clientIP: "203.0.113.9"),
        ARCase(
            name: "Microsoft HELO check (null sender)",
            value: """
                spf=none (sender IP is 192.0.2.10) smtp.helo=mail.example.com; dkim=none (message not signed) header.d=none;dmarc=none action=none header.from=example.com;
                """, authserv: nil, results: ["spf=none", "dkim=none", "dmarc=none"],
            props: ["0:smtp.helo=mail.example.com"], clientIP: "192.0.2.10"),
        ARCase(
            name: "Microsoft IPv6 sender",
            value: """
                spf=pass (sender IP is 2a01:111:f403:2613::700) smtp.mailfrom=outlook.com; dkim=pass (signature was verified) header.d=outlook.com;dmarc=pass action=none header.from=outlook.com;
                """, authserv: nil, results: ["spf=pass", "dkim=pass", "dmarc=pass"],
            clientIP: "2a01:111:f403:2613::700"),
        ARCase(
            name: "OpenDMARC (Postfix milter)",
            value: "mail.example.org; dmarc=pass (p=reject dis=none) header.from=example.com",
            authserv: "mail.example.org", results: ["dmarc=pass"], reasons: ["0:p=reject dis=none"]),
        ARCase(
            name: "OpenDKIM with ; inside the comment and dkim-atps",
            value: """
                mail.example.org;
                \tdkim=pass (2048-bit key; unprotected) header.d=example.com header.i=@example.com header.b="Xx1yZ2ab";
                \tdkim-atps=neutral
                """, authserv: "mail.example.org", results: ["dkim=pass", "dkim-atps=neutral"],
            props: ["0:header.b=Xx1yZ2ab", "0:header.d=example.com"], reasons: ["0:2048-bit key; unprotected"]),
        ARCase(
            name: "OpenDKIM with version and reason=",
            value: """
                mail.example.org 1; dkim=fail reason="signature verification failed" (1024-bit key) header.d=example.net header.i=@example.net header.b=QWERTY12
                """, authserv: "mail.example.org", version: 1, results: ["dkim=fail"],
            reasons: ["0:signature verification failed"]),
        ARCase(
            name: "OpenDMARC's SPF", value: "mail.example.org; spf=pass smtp.mailfrom=example.com",
            authserv: "mail.example.org", results: ["spf=pass"]),
        ARCase(
            name: "Exim with iprev",
            value: """
                mx.example.net; iprev=pass (mail.example.com) smtp.remote-ip=192.0.2.44; spf=pass smtp.mailfrom=example.com; dkim=pass header.d=example.com header.s=sel1 header.a=rsa-sha256; dmarc=pass header.from=example.com
                """, authserv: "mx.example.net", results: ["iprev=pass", "spf=pass", "dkim=pass", "dmarc=pass"],
            props: ["0:smtp.remote-ip=192.0.2.44", "2:header.a=rsa-sha256"], clientIP: "192.0.2.44"),
        ARCase(
            name: "Exim without ; between results",
            value: "mx.example.net; spf=fail smtp.mailfrom=example.com dkim=none",
            authserv: "mx.example.net", results: ["spf=fail", "dkim=none"]),
        ARCase(
            name: "Fastmail/Cyrus with policy properties and x-bits",
            value: """
                mx1.messagingengine.com; dkim=pass (2048-bit rsa key sha256) header.d=example.com header.i=@example.com header.b=ABCDEFGH header.a=rsa-sha256 header.s=fm1 x-bits=2048; dmarc=pass policy.published-domain-policy=none policy.applied-disposition=none policy.evaluated-disposition=none (p=none,d=none,d.eval=none) policy.policy-from=p header.from=example.com; iprev=pass smtp.remote-ip=198.51.100.20 (mail.example.com); spf=pass smtp.mailfrom=bounce@example.com smtp.helo=mail.example.com
                """, authserv: "mx1.messagingengine.com",
            results: ["dkim=pass", "dmarc=pass", "iprev=pass", "spf=pass"],
            props: [
                "0:x-bits=2048", "1:policy.published-domain-policy=none", "1:policy.policy-from=p",
                "3:smtp.helo=mail.example.com",
            ],
            clientIP: "198.51.100.20"),
        ARCase(
            name: "Yahoo with a comment glued to the result",
            value: """
                atlas-production.v2-mail-prod1-gq1.omega.yahoo.com; dkim=pass header.i=@gmail.com header.s=20230601; spf=pass smtp.mailfrom=gmail.com; dmarc=pass(p=NONE sp=QUARANTINE) header.from=gmail.com;
                """, authserv: "atlas-production.v2-mail-prod1-gq1.omega.yahoo.com",
            results: ["dkim=pass", "spf=pass", "dmarc=pass"],
            reasons: ["2:p=NONE sp=QUARANTINE"]),
        ARCase(
            name: "RFC 8601 SMTP AUTH",
            value: "example.com; auth=pass (cram-md5) smtp.auth=sender@example.net; spf=pass smtp.mailfrom=example.net",
            authserv: "example.com", results: ["auth=pass", "spf=pass"], props: ["0:smtp.auth=sender@example.net"],
            reasons: ["0:cram-md5"]),
        ARCase(
            name: "RFC 8601 none", value: "example.org 1; none", authserv: "example.org", version: 1, results: [],
            noResult: true),
        ARCase(
            name: "RFC 8601 quoted local part", value: "example.com; spf=pass smtp.mailfrom=\"first last\"@example.net",
            authserv: "example.com", results: ["spf=pass"], props: ["0:smtp.mailfrom=\"first last\"@example.net"]),
        ARCase(
            name: "RFC 8601 two DKIM with reasons",
            value: """
                example.com; dkim=pass reason="good signature" header.i=@mail-router.example.net; dkim=fail reason="bad signature" header.i=@newyork.example.com
                """, authserv: "example.com", results: ["dkim=pass", "dkim=fail"],
            reasons: ["0:good signature", "1:bad signature"]),
        ARCase(
            name: "RFC 8601 comment after the authserv-id",
            value: "example.com (this is a comment); sender-id=pass header.from=example.com",
            authserv: "example.com", results: ["sender-id=pass"]),
        ARCase(
            name: "BIMI",
            value: """
                mx.example.com; bimi=pass header.d=example.com header.selector=default policy.authority=pass policy.authority-uri=https://example.com/vmc.pem
                """, authserv: "mx.example.com", results: ["bimi=pass"],
            props: ["0:policy.authority-uri=https://example.com/vmc.pem"]),
        ARCase(
            name: "method version", value: "mx.example.com; dkim/1=pass header.d=example.com",
            authserv: "mx.example.com", results: ["dkim=pass"]),
        ARCase(
            name: "CFWS around =", value: "mx.example.com; spf = pass smtp.mailfrom = a@example.com",
            authserv: "mx.example.com", results: ["spf=pass"], props: ["0:smtp.mailfrom=a@example.com"]),
        ARCase(
            name: "upper-case method and result", value: "MX.EXAMPLE.COM; SPF=Pass smtp.MailFrom=a@Example.com",
            authserv: "MX.EXAMPLE.COM", results: ["spf=pass"], props: ["0:smtp.mailfrom=a@Example.com"]),
        ARCase(
            name: "quoted authserv-id", value: "\"mx.example.com\"; spf=neutral smtp.mailfrom=example.com",
            authserv: "mx.example.com", results: ["spf=neutral"]),
        ARCase(
            name: "Postfix policyd-spf helo result",
            value: "mail.example.org; spf=none (no SPF record) smtp.helo=relay.example.net",
            authserv: "mail.example.org", results: ["spf=none"], props: ["0:smtp.helo=relay.example.net"]),
    ]

    @Test(arguments: cases)
    func realShapedLines(_ c: ARCase) throws {
        let ar = AuthenticationResultsParser.parse(c.value)
        #expect(ar.authservID == c.authserv)
        if let v = c.version { #expect(ar.version == v) }
        #expect(ar.results.map { "\($0.method)=\($0.result)" } == c.results)
        #expect(ar.noResult == c.noResult)
        for p in c.props {
            let colon = try #require(p.firstIndex(of: ":"))
            let index = Int(p[..<colon])!
            let rest = p[p.index(after: colon)...]
            let eq = try #require(rest.firstIndex(of: "="))
            let name = String(rest[..<eq])
            let value = String(rest[rest.index(after: eq)...])
            let r = try #require(ar.results.count > index ? ar.results[index] : nil)
            #expect(r.properties.contains { $0.name == name && $0.value == value }, "\(p) in \(r.properties)")
        }
        for p in c.reasons {
            let colon = try #require(p.firstIndex(of: ":"))
            let index = Int(p[..<colon])!
            #expect(ar.results[index].reason == String(p[p.index(after: colon)...]))
        }
        #expect(ar.clientIP == c.clientIP.flatMap { IPAddress($0) })
        #expect(ar.raw == c.value)
    }

    @Test func heloAndMailFromKeptApart() throws {
        let ar = AuthenticationResultsParser.parse(
            """
            mx.example.org; spf=none smtp.helo=relay.example.net; spf=fail smtp.mailfrom=bob@example.com
            """)
        #expect(ar.spfResult(identity: .helo)?.result == "none")
        #expect(ar.spfResult(identity: .mailFrom)?.result == "fail")
        #expect(ar.spfResult(identity: .helo)?.domain == "relay.example.net")
        #expect(ar.spfResult(identity: .mailFrom)?.domain == "example.com")
    }

    @Test func exim_missingSemicolonIsNoted() {
        let ar = AuthenticationResultsParser.parse("mx.example.net; spf=fail smtp.mailfrom=example.com dkim=none")
        #expect(ar.deviations.contains { $0.message.contains("no \";\" before dkim=") })
    }

    @Test func arcAuthenticationResults() throws {
        let ms = AuthenticationResultsParser.parseARC(
            """
            i=1; mx.microsoft.com 1; spf=pass (sender ip is 40.92.1.2) smtp.rcpttodomain=example.com smtp.mailfrom=example.org; dmarc=pass (p=none sp=none pct=100) action=none header.from=example.org; dkim=pass (signature was verified) header.d=example.org; arc=none
            """)
        #expect(ms.instance == 1)
        #expect(ms.field == .arcAuthenticationResults)
        #expect(ms.authservID == "mx.microsoft.com")
        #expect(ms.version == 1)
        #expect(ms.results.map(\.method) == ["spf", "dmarc", "dkim", "arc"])
        #expect(ms.clientIP == IPAddress("40.92.1.2"))
        let google = AuthenticationResultsParser.parseARC(
            """
            i=2; mx.google.com;
                   dkim=pass header.i=@lists.example.org header.s=s1 header.b=abc;
                   arc=pass (i=1 spf=pass spfdomain=example.org dkim=pass dkdomain=example.org dmarc=pass fromdomain=example.org);
                   spf=pass (google.com: domain of list@lists.example.org designates 192.0.2.8 as permitted sender) smtp.mailfrom=list@lists.example.org
            """)
        #expect(google.instance == 2)
        #expect(google.authservID == "mx.google.com")
        #expect(google.results.count == 3)
        // Instance out of range and missing i= are deviations, not failures.
        let bad = AuthenticationResultsParser.parseARC("i=99; mx.example.com; spf=pass smtp.mailfrom=a.example")
        #expect(bad.instance == nil)
        #expect(bad.results.count == 1)
        #expect(bad.deviations.contains { $0.message.contains("1 to 50") })
        let missing = AuthenticationResultsParser.parseARC("mx.example.com; spf=pass smtp.mailfrom=a.example")
        #expect(missing.instance == nil)
        #expect(missing.authservID == "mx.example.com")
        #expect(missing.results.count == 1)
    }

    @Test func proofpointOriginal() {
        let ar = AuthenticationResultsParser.parse(
            """
            spf=pass (sender IP is 198.51.100.30) smtp.mailfrom=example.com; dkim=pass (signature was verified) header.d=example.com;dmarc=pass action=none header.from=example.com;
            """, field: .original)
        #expect(ar.field == .original)
        #expect(ar.results.count == 3)
        #expect(ar.clientIP == IPAddress("198.51.100.30"))
    }
}

@Suite("Authentication-Results hostile input")
struct AuthResultsHostileTests {
    @Test func hundredKilobytes() {
        var s = "mx.example.com; "
        while s.utf8.count < 100_000 { s += "spf=pass smtp.mailfrom=a@example.com (\(s.utf8.count)); " }
        let ar = AuthenticationResultsParser.parse(s)
        #expect(ar.results.count <= AuthResultsLimits.maxResults)
        #expect(ar.deviations.contains { $0.kind == .limit })
        #expect(ar.deviations.count <= AuthResultsLimits.maxDeviations)
    }

    @Test func tenThousandSemicolons() {
        let ar = AuthenticationResultsParser.parse(
            "mx.example.com" + String(repeating: ";", count: 10_000) + "spf=pass")
        #expect(ar.authservID == "mx.example.com")
        #expect(ar.results.count <= 1)
        #expect(!ar.deviations.isEmpty)
    }

    @Test(arguments: [
        "mx.example.com; spf=pass (unterminated comment smtp.mailfrom=a@b.example",
        "mx.example.com; spf=pass ((((((((((((nested smtp.mailfrom=x",
        "mx.example.com; spf=pass smtp.mailfrom=\"unterminated quote",
        "mx.example.com; spf=pass ) ) ) smtp.mailfrom=a@b.example",
        "mx.example.com; spf=\0pass\u{1} smtp.mailfrom=a@b.example\u{7F}",
        "mx.example.com; =pass; spf=; =; ==; spf",
        "",
        ";;;",
        "(only a comment)",
        "\"\"",
        "mx.example.com; spf=pass smtp.mailfrom=",
        "i=1; i=2; i=3",
    ])
    func malformedNeverCrashes(_ s: String) {
        let ar = AuthenticationResultsParser.parse(s)
        #expect(ar.raw == s)
        let arc = AuthenticationResultsParser.parseARC(s)
        #expect(arc.raw == s)
        if !s.isEmpty && s != "\"\"" && s != "(only a comment)" {
            #expect(!(ar.deviations.isEmpty && ar.results.isEmpty && !ar.noResult))
        }
    }

    @Test func unterminatedCommentIsReported() {
        let ar = AuthenticationResultsParser.parse(
            "mx.example.com; spf=pass (unterminated comment smtp.mailfrom=a@b.example")
        #expect(ar.results.first?.result == "pass")
        #expect(ar.deviations.contains { $0.kind == .incomplete && $0.message.contains("comment") })
    }

    @Test func controlBytesAreReported() {
        let ar = AuthenticationResultsParser.parse("mx.example.com; spf=pass\0 smtp.mailfrom=a@b.example")
        #expect(ar.results.first?.value("smtp", "mailfrom") == "a@b.example")
        #expect(ar.deviations.contains { $0.message.contains("control byte") })
    }

    @Test func giantPropertyList() {
        let props = (0..<5_000).map { "header.x\($0)=v" }.joined(separator: " ")
        let ar = AuthenticationResultsParser.parse("mx.example.com; dkim=pass " + props)
        #expect(ar.results.count == 1)
        #expect(ar.results[0].properties.count <= AuthResultsLimits.maxPropertiesPerResult)
    }
}

/// Deterministic random input over every reader in Results/ and DMARC/: bounded, no crash.
@Suite("Authentication header readers: random input")
struct AuthResultsRandomInputTests {
    struct LCG {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
    }

    static let alphabet: [Character] =
        Array("abcXYZ019.-_@:;;;===((()))\"\"\\  \t\r\n\0\u{1}\u{7F}é<>[],!/")
        + [
            "spf=", "dkim=", "i=", "v=DMARC1", "p=", "smtp.mailfrom=", "pass", "fail", "(", "client-ip=", "192.0.2.1",
            "::1",
        ]
        .flatMap { Array($0) }

    @Test(arguments: [1, 2, 3, 4])
    func randomInputIsBounded(_ seed: Int) {
        var rng = LCG(state: UInt64(seed) &* 0x9E37_79B9_7F4A_7C15)
        for _ in 0..<750 {
            let length = Int(rng.next() % 400)
            var s = ""
            for _ in 0..<length { s.append(Self.alphabet[Int(rng.next() % UInt64(Self.alphabet.count))]) }
            let ar = AuthenticationResultsParser.parse(s)
            #expect(ar.results.count <= AuthResultsLimits.maxResults)
            #expect(ar.deviations.count <= AuthResultsLimits.maxDeviations)
            _ = AuthenticationResultsParser.parseARC(s)
            _ = ReceivedSPFParser.parse(s)
            _ = RecordedVerdicts.extract(from: [
                (name: "X-Spam-Status", value: s, index: 0),
                (name: "X-Forefront-Antispam-Report", value: s, index: 1),
                (name: "X-hMailServer-Reason-1", value: s, index: 2),
            ])
            _ = try? DMARCParser.parse(s)
            _ = FromDomain.parse(s)
        }
    }
}
