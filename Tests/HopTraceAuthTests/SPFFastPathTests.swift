import HopTraceCore
import HopTraceDNS
import HopTraceTestSupport
import Testing

@testable import HopTraceAuth

/// The shortcuts `hoptrace spf --batch` relies on change no result: an evaluation without a
/// trace, or with records parsed through `SPFRecordCache`, is the evaluation with a fresh parse
/// and a full trace (trace aside); the byte-wise name checks and the literal-domain expansion
/// agree with the character-wise readings they replace.
@Suite("SPF fast paths")
struct SPFFastPathTests {
    /// One cache for every suite test, as `hoptrace spf --batch` keeps one for all its queries:
    /// each test then also meets the parses of records other tests' zones hold.
    static let batchCache = SPFRecordCache()

    /// Every RFC 7208 suite test, three ways: fresh parse with trace (the reference), the cache
    /// shared by all tests without trace, and a private cache with trace asked twice (second
    /// time from the cache).
    @Test(.requiresShared(RFC7208Suite.file), arguments: RFC7208Suite.cases)
    func traceAndRecordCacheChangeNothing(_ test: RFC7208Suite.Case) async throws {
        let ip = try #require(IPAddress(test.host))
        func evaluate(keepsTrace: Bool, cache: SPFRecordCache?) async -> SPFEvaluation {
            let options = SPFOptions(defaultExplanation: "DEFAULT", timestamp: 1_700_000_000, keepsTrace: keepsTrace)
            return await SPFEvaluator(resolver: test.resolver, options: options, recordCache: cache)
                .checkMailFrom(ip: ip, mailFrom: test.mailfrom, helo: test.helo)
        }
        let reference = await evaluate(keepsTrace: true, cache: nil)
        var withoutTrace = reference
        withoutTrace.trace = []

        let untraced = await evaluate(keepsTrace: false, cache: Self.batchCache)
        #expect(untraced.trace.isEmpty)
        #expect(untraced == withoutTrace, "\(test.name)")

        let cache = SPFRecordCache()
        let first = await evaluate(keepsTrace: true, cache: cache)
        let second = await evaluate(keepsTrace: true, cache: cache)
        #expect(first == reference, "\(test.name)")
        #expect(second == reference, "\(test.name): from the cache")
    }

    /// Hides a resolver's answers at hand: every answer is awaited.
    struct Awaited: DNSResolver {
        let inner: any DNSResolver
        func resolve(_ question: DNSQuestion) async -> DNSAnswer { await inner.resolve(question) }
    }

    /// Every RFC 7208 suite test through its snapshot: answers taken at hand (from the snapshot
    /// itself, or forwarded by the decorators `--dns-snapshot` with `--save-dns` stacks) give
    /// the evaluation, trace included, and the recording that awaited answers give.
    @Test(.requiresShared(RFC7208Suite.file), arguments: RFC7208Suite.cases)
    func answersAtHandChangeNothing(_ test: RFC7208Suite.Case) async throws {
        let ip = try #require(IPAddress(test.host))
        let snapshot = try test.snapshot()
        func evaluate(_ resolver: any DNSResolver) async -> SPFEvaluation {
            // No time bound: an awaited answer reads the clock, and a loaded test run can
            // delay a task past any bound; answers at hand never read it.
            let options = SPFOptions(defaultExplanation: "DEFAULT", timestamp: 1_700_000_000, maxElapsed: nil)
            return await SPFEvaluator(resolver: resolver, options: options).checkMailFrom(
                ip: ip, mailFrom: test.mailfrom, helo: test.helo)
        }
        let awaitedRecorder = RecordingResolver(wrapping: Awaited(inner: snapshot))
        let reference = await evaluate(CachingResolver(wrapping: awaitedRecorder))
        #expect(await evaluate(Awaited(inner: snapshot)) == reference, "\(test.name)")
        #expect(await evaluate(snapshot) == reference, "\(test.name)")
        let recorder = RecordingResolver(wrapping: snapshot)
        #expect(await evaluate(CachingResolver(wrapping: recorder)) == reference, "\(test.name)")
        #expect(recorder.zoneFileText() == awaitedRecorder.zoneFileText(), "\(test.name)")
    }

    @Test func recordCacheGivesTheParseAndItsErrors() throws {
        let cache = SPFRecordCache()
        let texts = [
            "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 include:_spf.example.com ~all",
            "V=SPF1 a:%{d}.x.example/24//64 mx -all exp=why.%{d}",
            "v=spf1 include",
            "v=spf1 ip4:192.0.2.256 -all",
            "v=spf1 redirect=a.example redirect=b.example",
        ]
        for text in texts {
            let bytes = Array(text.utf8)
            let fresh = Result { () throws(SPFSyntaxError) in try SPFParser.record(bytes) }
            for _ in 0..<2 {
                let cached = Result { () throws(SPFSyntaxError) in try cache.record(bytes) }
                #expect(cached == fresh, "\(text)")
            }
        }
        #expect(cache.count == texts.count)
    }

    /// The same array handed in again is found by where its bytes are; once the caller changes
    /// its copy (which copy-on-write moves, the cache holding the old bytes), the new text is
    /// parsed, never the old parse returned.
    @Test func recordCacheByStorageNeverServesOtherBytes() throws {
        let cache = SPFRecordCache()
        var bytes = Array("v=spf1 ip4:192.0.2.1 -all".utf8)
        let first = try cache.record(bytes)
        #expect(try cache.record(bytes) == first)
        bytes[bytes.count - 4] = UInt8(ascii: "~")
        let changed = try cache.record(bytes)
        #expect(changed == (try SPFParser.record(bytes)))
        #expect(changed != first)
        // An equal text in another array: found by its text.
        #expect(try cache.record(Array("v=spf1 ip4:192.0.2.1 -all".utf8)) == first)
        #expect(cache.count == 2)
    }

    @Test func recordCacheIsBounded() throws {
        let cache = SPFRecordCache(capacity: 3)
        for n in 0..<10 {
            _ = try cache.record(Array("v=spf1 ip4:192.0.2.\(n) -all".utf8))
            #expect(cache.count <= 3)
        }
        #expect(
            try cache.record(Array("v=spf1 ip4:192.0.2.1 -all".utf8))
                == SPFParser.record(Array("v=spf1 ip4:192.0.2.1 -all".utf8)))
    }

    /// Names where characters and bytes could part: combining marks after "." or "[", a
    /// prepended mark before ".", CR LF, controls, non-ASCII, and every length bound.
    static let names: [String] = [
        "", ".", "..", "example.com", "example.com.", "example.com..", "com", "com.", ".example.com",
        "a..b", "[192.0.2.1]", "[192.0.2.1].", "[\u{301}x.example", "x.\u{301}example", "x\u{600}.example",
        "x.example\u{600}.", "é.example", "exa mple.com", "exa\tmple.com", "a\r\nb.example", "\r\n.example",
        "\u{7F}.example", "ex!ample.com", String(repeating: "a", count: 63) + ".example",
        String(repeating: "a", count: 64) + ".example", "x." + String(repeating: "a", count: 64),
        (0..<5).map { _ in String(repeating: "b", count: 50) }.joined(separator: "."),
        (0..<5).map { _ in String(repeating: "b", count: 50) }.joined(separator: ".") + "..",
        String(repeating: "é", count: 40) + ".example", "é." + String(repeating: "a", count: 64),
    ]

    @Test(arguments: names)
    func malformedDomainReasonReadsCharacters(_ name: String) {
        #expect(SPFEvaluator.malformedDomainReason(name) == Self.referenceMalformedReason(name))
    }

    @Test(arguments: names)
    func unqueryableReasonReadsCharacters(_ name: String) {
        #expect(SPFEvaluator.unqueryableReason(name) == Self.referenceUnqueryableReason(name))
    }

    @Test(arguments: [
        "user@example.com", "a@b@example.com", "@example.com", "example.com", "", "@", "user@",
        "jos\u{E9}@example.com", "us\u{301}er@ex.example", "a@\u{301}b.example", "\u{600}@x.example", "\r\n@x.example",
    ])
    func senderSplitsAtTheLastAtCharacter(_ sender: String) {
        let reference: (String, String)
        if let at = sender.lastIndex(of: "@") {
            let local = String(sender[..<at])
            reference = (local.isEmpty ? "postmaster" : local, String(sender[sender.index(after: at)...]))
        } else {
            reference = ("postmaster", sender)
        }
        let got = SPFEvaluator.split(sender: sender)
        #expect(got.local == reference.0 && got.domain == reference.1)
    }

    /// A domain-spec of one literal expands exactly as the same text split in two literals
    /// (which takes the general path).
    @Test(arguments: names + ["_spf.example.com", String(repeating: "ab.", count: 800) + "example.com"])
    func literalDomainIsTheGeneralExpansion(_ text: String) {
        let values = SPFMacroValues(
            sender: "a@b.example", localPart: "a", senderDomain: "b.example", domain: "b.example",
            ip: IPAddress("192.0.2.1")!, helo: "h.example")
        let one = SPFMacroString(tokens: text.isEmpty ? [] : [.literal(text)], raw: text)
        let cut = text.index(text.startIndex, offsetBy: text.count / 2)
        let two = SPFMacroString(tokens: [.literal(String(text[..<cut])), .literal(String(text[cut...]))], raw: text)
        #expect(
            SPFMacroExpansion.expand(one, values: values, mode: .domain)
                == SPFMacroExpansion.expand(two, values: values, mode: .domain))
    }

    /// The character-wise rules as first written (before the byte-wise reading).
    static func referenceMalformedReason(_ domain: String) -> String? {
        var d = Substring(domain)
        if d.hasSuffix(".") { d.removeLast() }
        if d.isEmpty { return "empty" }
        if d.hasPrefix("[") { return "a domain literal" }
        if d.utf8.contains(where: { $0 < 0x21 || $0 > 0x7E }) {
            return "contains spaces, control or non-ASCII characters"
        }
        if d.utf8.count > SPFLimits.maxDomainLength { return "longer than 253 characters" }
        let labels = d.split(separator: ".", omittingEmptySubsequences: false)
        if labels.contains(where: { $0.isEmpty }) { return "has an empty label" }
        if labels.contains(where: { $0.utf8.count > 63 }) { return "has a label longer than 63 characters" }
        if labels.count < 2 { return "not a multi-label domain name" }
        return nil
    }

    static func referenceUnqueryableReason(_ name: String) -> String? {
        if name.isEmpty { return "empty name" }
        if name.utf8.count > SPFLimits.maxDomainLength { return "longer than 253 characters" }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        if labels.contains(where: { $0.isEmpty }) { return "empty label" }
        if labels.contains(where: { $0.utf8.count > 63 }) { return "label longer than 63 characters" }
        return nil
    }
}
