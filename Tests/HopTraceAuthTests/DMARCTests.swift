import HopTraceCore
import HopTraceDNS
import Testing

@testable import HopTraceAuth

/// A stand-in for the Public Suffix List: the last two labels, or three under a few
/// two-level public suffixes. Enough for these tests; the conformance test uses the real list.
let testOrgDomain: @Sendable (String) -> String = { name in
    let labels = name.lowercased().split(separator: ".")
    let twoLevel: Set<String> = ["co.uk", "org.uk", "com.au"]
    if labels.count >= 3, twoLevel.contains(labels.suffix(2).joined(separator: ".")) {
        return labels.suffix(3).joined(separator: ".")
    }
    return labels.suffix(2).joined(separator: ".")
}

@Suite("DMARC record parser")
struct DMARCRecordTests {
    @Test func articleRecords() throws {
        let m0noc = try DMARCParser.parse(
            "v=DMARC1; p=reject; pct=100; rua=mailto:dmarc-feedback@m0noc.net; aspf=r; adkim=r;")
        #expect(m0noc.policy == .reject)
        #expect(m0noc.percent == 100)
        #expect(m0noc.spfAlignment == .relaxed && m0noc.dkimAlignment == .relaxed)
        #expect(m0noc.aggregateReportURIs.map(\.uri) == ["mailto:dmarc-feedback@m0noc.net"])
        #expect(m0noc.warnings.isEmpty)
        let gmail = try DMARCParser.parse("v=DMARC1; p=none; rua=mailto:mailauth-reports@google.com")
        #expect(gmail.policy == .none && gmail.subdomainPolicy == nil)
        let yahoo = try DMARCParser.parse("v=DMARC1; p=reject; pct=100; rua=mailto:dmarc_y_rua@yahoo.com;")
        #expect(yahoo.policy == .reject)
    }

    @Test func allTags() throws {
        let r = try DMARCParser.parse(
            "v=DMARC1;p=quarantine; sp=reject; np=reject; pct=25; adkim=s; aspf=s; rua=mailto:a@example.com!10m, mailto:b@example.net; ruf=mailto:f@example.com; fo=1:d; rf=afrf; ri=3600; x-unknown=ignored"
        )
        #expect(r.policy == .quarantine)
        #expect(r.subdomainPolicy == .reject)
        #expect(r.nonExistentSubdomainPolicy == .reject)
        #expect(r.percent == 25)
        #expect(r.dkimAlignment == .strict && r.spfAlignment == .strict)
        #expect(r.aggregateReportURIs.map(\.uri) == ["mailto:a@example.com", "mailto:b@example.net"])
        #expect(r.aggregateReportURIs[0].maxBytes == 10 * 1024 * 1024)
        #expect(r.failureReportURIs.count == 1)
        #expect(r.failureOptions == ["1", "d"])
        #expect(r.reportInterval == 3600)
        #expect(r.tag("x-unknown")?.value == "ignored")
        #expect(r.warnings.isEmpty)
    }

    struct Invalid: Sendable, CustomTestStringConvertible {
        var text: String
        var kind: DMARCSyntaxError.Kind
        var contains: String
        var testDescription: String { text }
    }

    static let invalid: [Invalid] = [
        Invalid(text: "v=DMARC1", kind: .incomplete, contains: "no p="),
        Invalid(text: "v=DMARC1;", kind: .incomplete, contains: "no p="),
        Invalid(text: "p=reject; v=DMARC1", kind: .invalid, contains: "does not start with v=DMARC1"),
        Invalid(text: "v=DMARC2; p=none", kind: .invalid, contains: "not DMARC1"),
        Invalid(text: "v=DMARC1; p=block", kind: .invalid, contains: "p= must be"),
        Invalid(text: "v=DMARC1; p none", kind: .invalid, contains: "without \"=\""),
        Invalid(text: "", kind: .invalid, contains: "does not start"),
        Invalid(text: String(repeating: "a", count: 10_000), kind: .invalid, contains: "bytes"),
        Invalid(
            text: "v=DMARC1; " + (0..<100).map { "t\($0)=x" }.joined(separator: "; "), kind: .invalid,
            contains: "more than"),
    ]

    @Test(arguments: invalid)
    func invalidRecords(_ c: Invalid) {
        #expect {
            _ = try DMARCParser.parse(c.text)
        } throws: { error in
            guard let e = error as? DMARCSyntaxError else { return false }
            return e.kind == c.kind && e.description.contains(c.contains)
        }
    }

    @Test(arguments: [
        ("v=DMARC1; p=none; pct=150", "pct="),
        ("v=DMARC1; p=none; adkim=x", "adkim="),
        ("v=DMARC1; p=none; aspf=", "aspf="),
        ("v=DMARC1; p=none; rua=not a uri", "invalid URI"),
        ("v=DMARC1; p=none; fo=2", "fo="),
        ("v=DMARC1; p=none; ri=soon", "ri="),
        ("v=DMARC1; p=none; p=reject", "appears again"),
        ("v=DMARC1; sp=none; p=reject", "not the second tag"),
        ("v=DMARC1; p=none; 1x=y", "not a tag name"),
        ("v=DMARC1; p=none; =y", "not a tag name"),
    ])
    func warningsUseDefaults(_ text: String, _ contains: String) throws {
        let r = try DMARCParser.parse(text)
        #expect(r.warnings.contains { $0.description.contains(contains) })
        #expect(r.percent == 100)
    }

    @Test func invalidPolicyWithRuaActsAsNone() throws {
        let r = try DMARCParser.parse("v=DMARC1; p=bogus; rua=mailto:r@example.com")
        #expect(r.policy == .none)
        #expect(r.policyImplied)
    }

    @Test(arguments: [
        ("v=DMARC1; p=none", true), ("v=DMARC1", true), (" v = DMARC1 ;p=none", true), ("V=dmarc1; p=none", true),
        ("v=spf1 -all", false), ("v=DMARC10; p=none", false), ("google-site-verification=abc", false), ("", false),
        ("p=none; v=DMARC1", false),
    ])
    func recordSelection(_ text: String, _ expected: Bool) {
        #expect(DMARCParser.isDMARCRecord(text) == expected)
    }
}

@Suite("DMARC alignment")
struct DMARCAlignmentTests {
    @Test(arguments: [
        ("example.com", "example.com", DMARCAlignmentMode.strict, true),
        ("example.com", "example.com", .relaxed, true),
        ("Example.COM.", "example.com", .strict, true),
        ("mail.example.com", "example.com", .relaxed, true),
        ("mail.example.com", "example.com", .strict, false),
        ("example.com", "news.example.com", .relaxed, true),
        ("a.example.com", "b.example.com", .relaxed, true),
        ("a.example.com", "b.example.com", .strict, false),
        ("example.net", "example.com", .relaxed, false),
        ("example.co.uk", "mail.example.co.uk", .relaxed, true),
        ("other.co.uk", "example.co.uk", .relaxed, false),
        ("btgroupcloud.mail.onmicrosoft.com", "m0noc.net", .relaxed, false),
        ("", "example.com", .relaxed, false),
    ])
    func table(_ authenticated: String, _ from: String, _ mode: DMARCAlignmentMode, _ expected: Bool) {
        #expect(
            DMARCAlignment.aligned(authenticated, with: from, mode: mode, organizationalDomain: testOrgDomain)
                == expected)
    }
}

@Suite("DMARC From domain")
struct DMARCFromDomainTests {
    @Test(arguments: [
        ("m0noc.net user <REDACTED@m0noc.net>", "m0noc.net"),
        ("alice@example.com", "example.com"),
        ("Alice <alice@Example.COM>", "example.com"),
        ("\"Doe, John\" <john@example.org>", "example.org"),
        ("\"a@evil.example\" <real@example.org>", "example.org"),
        ("alice@example.com (Alice, at work)", "example.com"),
        ("(comment <x@evil.example>) Alice <alice@example.com>", "example.com"),
        ("=?UTF-8?B?w4lsaXNl?= <elise@example.fr>", "example.fr"),
        ("<@relay.example:bob@example.net>", "example.net"),
        ("\"quoted local\"@example.com", "example.com"),
        ("Team: alice@example.com;", "example.com"),
        ("alice@example.com.", "example.com"),
        ("  alice @ example.com ", "example.com"),
    ])
    func oneAddress(_ value: String, _ domain: String) {
        #expect(DMARCEvaluator.fromDomain(of: value) == domain)
    }

    @Test(arguments: [
        ("alice@example.com, bob@example.net", "2 addresses"),
        ("Team: alice@example.com, bob@example.com;", "all in example.com"),
        ("undisclosed-recipients:;", "empty group"),
        ("", "no address"),
        ("Alice", "no domain"),
        ("alice@[192.0.2.1]", "domain literal"),
        ("Alice <alice>", "no domain"),
    ])
    func noDomain(_ value: String, _ reason: String) {
        let f = FromDomain.parse(value)
        #expect(f.domain == nil)
        #expect(f.reason?.contains(reason) == true, "\(f.reason ?? "nil")")
    }

    @Test func hostileFrom() {
        _ = FromDomain.parse(String(repeating: "(", count: 100_000))
        _ = FromDomain.parse(String(repeating: "a@b.c,", count: 100_000))
        _ = FromDomain.parse("\"unterminated <a@b.example>")
        _ = FromDomain.parse("<a@b.example")
        _ = FromDomain.parse("\0\u{1}<a@b.example>")
        #expect(
            FromDomain.parse(String(repeating: "a@b.c,", count: 1_000)).addresses.count <= DMARCLimits.maxFromAddresses)
    }
}

@Suite("DMARC evaluation")
struct DMARCEvaluatorTests {
    static func resolver(
        _ records: [String: [String]], timeouts: Set<String> = [], servfails: Set<String> = [],
        extra: [String: [DNSRecord]] = [:]
    ) -> InMemoryResolver {
        var all: [String: [DNSRecord]] = extra
        for (name, texts) in records { all[name, default: []] += texts.map(InMemoryResolver.txt) }
        return InMemoryResolver(records: all, timeouts: timeouts, servfails: servfails)
    }

    static let m0noc = resolver([
        "_dmarc.m0noc.net": ["v=DMARC1; p=reject; pct=100; rua=mailto:dmarc-feedback@m0noc.net; aspf=r; adkim=r;"]
    ])

    @Test func articleReceiverFails() async {
        // What protection.outlook.com saw: SPF fail for BT's relay, DKIM broken by BT's relays.
        let e = await DMARCEvaluator(resolver: Self.m0noc, organizationalDomain: testOrgDomain)
            .evaluate(
                fromDomain: "m0noc.net", spf: (result: .fail, domain: "m0noc.net"),
                dkim: [(result: .fail, domain: "m0noc.net")])
        #expect(e.result == .fail)
        #expect(e.policy == .reject)
        #expect(e.policySource == .p)
        #expect(e.disposition == .reject)
        #expect(e.pct == 100)
        #expect(!e.spfAligned && !e.dkimAligned)
        #expect(e.spfCheck?.domainsAlign == true)
        #expect(e.recordText?.hasPrefix("v=DMARC1; p=reject") == true)
        #expect(e.explanation.contains("reject"))
        #expect(e.trace.first { $0.action == .query }?.answer?.question.name == "_dmarc.m0noc.net")
        #expect(e.trace.last?.outcome == .result(.fail))
    }

    @Test func articleOriginPasses() async {
        // At hop 1, 82.70.154.45 passes SPF for m0noc.net: aligned.
        let e = await DMARCEvaluator(resolver: Self.m0noc, organizationalDomain: testOrgDomain)
            .evaluate(fromDomain: "m0noc.net", spf: (result: .pass, domain: "m0noc.net"), dkim: [])
        #expect(e.result == .pass)
        #expect(e.spfAligned)
        #expect(e.disposition == DMARCPolicy.none)
    }

    struct EvalCase: Sendable, CustomTestStringConvertible {
        var name: String
        var records: [String: [String]]
        var timeouts: Set<String> = []
        var servfails: Set<String> = []
        var from: String
        var spf: SPFResult?
        var spfDomain: String = ""
        var dkim: [String] = []  // "result:domain"
        var result: DMARCResult
        var policy: DMARCPolicy? = nil
        var source: DMARCPolicySource? = nil
        var recordDomain: String? = nil
        var testDescription: String { name }
    }

    static let evalCases: [EvalCase] = [
        EvalCase(
            name: "own record, DKIM aligned relaxed", records: ["_dmarc.example.com": ["v=DMARC1; p=quarantine"]],
            from: "example.com", spf: .fail, spfDomain: "bounce.example.net", dkim: ["pass:mail.example.com"],
            result: .pass, policy: .quarantine, source: .p, recordDomain: "example.com"),
        EvalCase(
            name: "strict DKIM misaligned", records: ["_dmarc.example.com": ["v=DMARC1; p=reject; adkim=s"]],
            from: "example.com", spf: nil, dkim: ["pass:mail.example.com"], result: .fail, policy: .reject, source: .p),
        EvalCase(
            name: "strict SPF aligned exactly", records: ["_dmarc.example.com": ["v=DMARC1; p=reject; aspf=s"]],
            from: "example.com", spf: .pass, spfDomain: "example.com", result: .pass, policy: .reject),
        EvalCase(
            name: "SPF passes for another domain (SRS forwarder)",
            records: ["_dmarc.example.com": ["v=DMARC1; p=reject"]],
            from: "example.com", spf: .pass, spfDomain: "forwarder.example.org", dkim: ["fail:example.com"],
            result: .fail, policy: .reject),
        EvalCase(
            name: "org-domain fallback uses sp", records: ["_dmarc.example.com": ["v=DMARC1; p=none; sp=reject"]],
            from: "mail.example.com", spf: .softfail, spfDomain: "mail.example.com", result: .fail, policy: .reject,
            source: .sp,
            recordDomain: "example.com"),
        EvalCase(
            name: "org-domain fallback without sp uses p",
            records: ["_dmarc.example.co.uk": ["v=DMARC1; p=quarantine"]],
            from: "a.b.example.co.uk", spf: .pass, spfDomain: "example.co.uk", result: .pass, policy: .quarantine,
            source: .p,
            recordDomain: "example.co.uk"),
        EvalCase(
            name: "own subdomain record beats the org record",
            records: [
                "_dmarc.example.com": ["v=DMARC1; p=reject"], "_dmarc.news.example.com": ["v=DMARC1; p=none"],
            ],
            from: "news.example.com", spf: .fail, spfDomain: "news.example.com", result: .fail,
            policy: DMARCPolicy.none, source: .p,
            recordDomain: "news.example.com"),
        EvalCase(
            name: "non-DMARC TXT ignored",
            records: ["_dmarc.example.com": ["google-site-verification=xyz", "v=DMARC1; p=reject"]],
            from: "example.com", spf: .pass, spfDomain: "example.com", result: .pass, policy: .reject),
        EvalCase(
            name: "only non-DMARC TXT → org fallback → none", records: ["_dmarc.example.com": ["v=spf1 -all"]],
            from: "example.com", spf: .pass, spfDomain: "example.com", result: .none),
        EvalCase(
            name: "multiple records → none",
            records: ["_dmarc.example.com": ["v=DMARC1; p=reject", "v=DMARC1; p=quarantine"]],
            from: "example.com", spf: .fail, spfDomain: "example.com", result: .none),
        EvalCase(
            name: "multiple at subdomain: no fallback (RFC 7489 §6.6.3 step 5)",
            records: [
                "_dmarc.example.com": ["v=DMARC1; p=reject"],
                "_dmarc.multi.example.com": ["v=DMARC1; p=none", "v=DMARC1; p=quarantine"],
            ],
            from: "multi.example.com", spf: .fail, spfDomain: "example.com", result: .none),
        EvalCase(
            name: "no record anywhere → none", records: [:], from: "sub.example.com", spf: .fail,
            spfDomain: "example.com", result: .none),
        EvalCase(
            name: "timeout → temperror", records: [:], timeouts: ["_dmarc.example.com"], from: "example.com",
            spf: .pass,
            spfDomain: "example.com", result: .temperror),
        EvalCase(
            name: "servfail at org domain → temperror", records: [:], servfails: ["_dmarc.example.com"],
            from: "x.example.com",
            spf: .pass, spfDomain: "example.com", result: .temperror),
        EvalCase(
            name: "unusable record → permerror", records: ["_dmarc.example.com": ["v=DMARC1; p=block"]],
            from: "example.com", spf: .pass, spfDomain: "example.com", result: .permerror),
        EvalCase(
            name: "malformed From domain → permerror", records: [:], from: "exa mple..com", spf: .pass,
            spfDomain: "example.com",
            result: .permerror),
        EvalCase(
            name: "DKIM pass among failures", records: ["_dmarc.example.com": ["v=DMARC1; p=reject"]],
            from: "example.com", spf: .fail, spfDomain: "example.com",
            dkim: ["fail:example.com", "pass:esp.example.net", "pass:example.com"], result: .pass, policy: .reject),
        EvalCase(
            name: "SPF neutral is not pass", records: ["_dmarc.example.com": ["v=DMARC1; p=quarantine; pct=10"]],
            from: "example.com", spf: .neutral, spfDomain: "example.com", result: .fail, policy: .quarantine),
    ]

    @Test(arguments: evalCases)
    func outcomes(_ c: EvalCase) async {
        let r = Self.resolver(c.records, timeouts: c.timeouts, servfails: c.servfails)
        let spf = c.spf.map { (result: $0, domain: c.spfDomain) }
        let dkim = c.dkim.map { s -> (result: DKIMResult, domain: String) in
            let parts = s.split(separator: ":", maxSplits: 1)
            return (result: DKIMResult(rawValue: String(parts[0]))!, domain: String(parts[1]))
        }
        let e = await DMARCEvaluator(resolver: r, organizationalDomain: testOrgDomain).evaluate(
            fromDomain: c.from, spf: spf, dkim: dkim)
        #expect(e.result == c.result, "\(e.explanation)")
        if let p = c.policy { #expect(e.policy == p) }
        if let s = c.source { #expect(e.policySource == s) }
        if let d = c.recordDomain { #expect(e.recordDomain == d) }
        if c.result != .pass && c.result != .fail { #expect(e.error != nil) }
        #expect(!e.explanation.isEmpty)
    }

    @Test func discoveryTraceQueriesOrgDomain() async {
        let r = Self.resolver(["_dmarc.example.com": ["v=DMARC1; p=none; sp=quarantine"]])
        let e = await DMARCEvaluator(resolver: r, organizationalDomain: testOrgDomain)
            .evaluate(fromDomain: "Mail.Example.COM.", spf: (result: .pass, domain: "mail.example.com"), dkim: [])
        let queries = e.trace.filter { $0.action == .query }.compactMap { $0.answer?.question.name }
        #expect(queries == ["_dmarc.mail.example.com", "_dmarc.example.com"])
        #expect(e.trace.first { $0.action == .query }?.outcome == .empty)
        #expect(e.fromDomain == "mail.example.com")
        #expect(e.organizationalDomain == "example.com")
        #expect(e.policy == .quarantine && e.policySource == .sp)
    }

    @Test func nonExistentSubdomainUsesNp() async {
        let r = Self.resolver(
            ["_dmarc.example.com": ["v=DMARC1; p=none; sp=quarantine; np=reject"]],
            extra: ["example.com": [.a(.v4(0xC000_0201))]])
        let evaluator = DMARCEvaluator(resolver: r, organizationalDomain: testOrgDomain)
        let ghost = await evaluator.evaluate(fromDomain: "ghost.example.com", spf: nil, dkim: [])
        #expect(ghost.result == .fail)
        #expect(ghost.policy == .reject && ghost.policySource == .np)
        #expect(ghost.trace.contains { $0.action == .nonExistence })
        // A subdomain that exists gets sp.
        let r2 = Self.resolver(
            ["_dmarc.example.com": ["v=DMARC1; p=none; sp=quarantine; np=reject"]],
            extra: ["real.example.com": [.a(.v4(0xC000_0202))]])
        let real = await DMARCEvaluator(resolver: r2, organizationalDomain: testOrgDomain)
            .evaluate(fromDomain: "real.example.com", spf: nil, dkim: [])
        #expect(real.policy == .quarantine && real.policySource == .sp)
    }

    @Test func injectedOrgDomainIsUsed() async {
        // An org-domain function that maps everything under example.com to corp.example.
        let r = Self.resolver(["_dmarc.corp.example": ["v=DMARC1; p=reject"]])
        let e = await DMARCEvaluator(
            resolver: r, organizationalDomain: { $0.hasSuffix("example.com") ? "corp.example" : $0 }
        )
        .evaluate(fromDomain: "x.example.com", spf: nil, dkim: [])
        #expect(e.recordDomain == "corp.example")
        #expect(e.organizationalDomain == "corp.example")
    }

    @Test func hostileInputs() async {
        let big = "v=DMARC1; p=reject; " + String(repeating: "rua=mailto:a@b.example,", count: 2_000)
        let r = Self.resolver(["_dmarc.example.com": [big]])
        let evaluator = DMARCEvaluator(resolver: r, organizationalDomain: testOrgDomain)
        let e = await evaluator.evaluate(
            fromDomain: "example.com", spf: nil,
            dkim: Array(repeating: (result: DKIMResult.pass, domain: "evil.example"), count: 10_000))
        #expect(e.result == .permerror || e.result == .fail)
        #expect(e.dkimChecks.count <= DMARCLimits.maxDKIMResults)
        let nul = await evaluator.evaluate(fromDomain: "exa\0mple.com", spf: nil, dkim: [])
        #expect(nul.result == .permerror)
        let long = await evaluator.evaluate(fromDomain: String(repeating: "a.", count: 200) + "com", spf: nil, dkim: [])
        #expect(long.result == .permerror)
    }
}
