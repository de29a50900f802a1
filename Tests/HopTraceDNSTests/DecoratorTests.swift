import HopTraceCore
import Testing

@testable import HopTraceDNS

/// Counts what reaches it; answers from a snapshot, slowly, so concurrent callers overlap.
final class CountingResolver: DNSResolver {
    let inner: SnapshotResolver
    let counts = Locked<[DNSQuestion: Int]>([:])
    init(_ inner: SnapshotResolver) { self.inner = inner }
    func resolve(_ question: DNSQuestion) async -> DNSAnswer {
        counts.withLock { $0[question, default: 0] += 1 }
        try? await Task.sleep(for: .milliseconds(20))
        return inner.answer(question)
    }
}

/// Returns whatever it was given: answers a zone file could never produce by itself.
struct ScriptedResolver: DNSResolver {
    var answers: [DNSQuestion: DNSAnswer]
    func resolve(_ question: DNSQuestion) async -> DNSAnswer {
        answers[question] ?? DNSAnswer(question: question, outcome: .nxdomain)
    }
}

@Suite struct CachingResolverTests {
    @Test func innerSeesEachQuestionOnceEvenConcurrently() async throws {
        let counting = CountingResolver(try SnapshotResolver(zone: ZoneFile(parsing: snapshotFixture)))
        let caching = CachingResolver(wrapping: counting)
        let questions = [
            DNSQuestion(name: "example.com", type: .txt), DNSQuestion(name: "www.example.com", type: .a),
            DNSQuestion(name: "nope.example.com", type: .a),
        ]
        await withTaskGroup(of: DNSAnswer.self) { group in
            for _ in 0..<20 {
                for q in questions { group.addTask { await caching.resolve(q) } }
            }
            for await _ in group {}
        }
        _ = await caching.resolve("EXAMPLE.COM.", .txt)
        #expect(counting.counts.withLock { $0 } == Dictionary(uniqueKeysWithValues: questions.map { ($0, 1) }))
        #expect(caching.questionCount == 3)
        #expect(await caching.resolve("www.example.com", .a).cnames == ["web.example.com", "host.example.net"])
    }
}

@Suite struct RecordingResolverTests {
    /// Record → text → parse → replay: the same outcome and chain for every question.
    func roundTrip(_ inner: any DNSResolver, _ questions: [DNSQuestion]) async throws -> (
        String, [DNSAnswer], [DNSAnswer]
    ) {
        let recorder = RecordingResolver(wrapping: inner)
        var live: [DNSAnswer] = []
        for q in questions { live.append(await recorder.resolve(q)) }
        let text = recorder.zoneFileText()
        let replay = SnapshotResolver(zone: try ZoneFile(parsing: text))
        var replayed: [DNSAnswer] = []
        for q in questions { replayed.append(await replay.resolve(q)) }
        return (text, live, replayed)
    }

    @Test func snapshotRoundTrip() async throws {
        let source = try SnapshotResolver(zone: ZoneFile(parsing: snapshotFixture))
        var questions: [DNSQuestion] = []
        for name in [
            "example.com", "mail.example.com", "www.example.com", "loop1.example.com", "nope.example.com",
            "slow.example.com", "broken.example.com", "ent.example.com", "absent-but-slow.example.com",
            "4.3.2.1.in-addr.arpa", "onlyns.example.com",
        ] {
            for type in DNSRecordType.allCases { questions.append(DNSQuestion(name: name, type: type)) }
        }
        let (text, live, replayed) = try await roundTrip(source, questions)
        for (a, b) in zip(live, replayed) {
            #expect(sorted(a.outcome) == sorted(b.outcome), "\(a.question): \(a.outcome) became \(b.outcome)\n\(text)")
            #expect(a.cnames == b.cnames, "\(a.question)")
        }
    }

    @Test func awkwardLiveDataRoundTrips() async throws {
        func q(_ n: String, _ t: DNSRecordType) -> DNSQuestion { DNSQuestion(name: n, type: t) }
        let weirdTXT: [[UInt8]] = [
            Array("quote \" backslash \\ semicolon ; paren ( )".utf8), [0, 1, 0x7f, 0x80, 0xff, 0xc3, 0x28],
            [], Array("ünïcode".utf8),
        ]
        let answers: [DNSAnswer] = [
            DNSAnswer(
                question: q("txt.example", .txt), outcome: .answer([.txt(weirdTXT), .txt([Array("second".utf8)])]),
                dnssec: .secure),
            // NXDOMAIN for a sibling type of a name that has records: needs ;! nxdomain.
            DNSAnswer(question: q("txt.example", .a), outcome: .nxdomain),
            // NODATA for a name with nothing else: needs ;! nodata.
            DNSAnswer(question: q("ent.example", .txt), outcome: .nodata),
            // NXDOMAIN for a parent of a present name: simply absent.
            DNSAnswer(question: q("example", .txt), outcome: .nxdomain),
            DNSAnswer(
                question: q("alias.example", .mx), outcome: .answer([.mx(preference: 5, exchange: "mx.other.example")]),
                cnames: ["real.example"]),
            DNSAnswer(question: q("alias.example", .txt), outcome: .nodata, cnames: ["real.example"]),
            DNSAnswer(question: q("gone.example", .a), outcome: .nxdomain, cnames: []),
            DNSAnswer(question: q("dangling.example", .a), outcome: .nxdomain, cnames: ["nowhere.example"]),
            DNSAnswer(question: q("slow.example", .txt), outcome: .timeout, reason: "no answer within 3 s"),
            DNSAnswer(
                question: q("bogus.example", .txt), outcome: .servfail, dnssec: .bogus, reason: "signature \"expired\""),
            DNSAnswer(question: q("weird name;(x).example", .a), outcome: .answer([.a(IPAddress("192.0.2.1")!)])),
            DNSAnswer(
                question: q("v6.example", .aaaa),
                outcome: .answer([.aaaa(.v6(0, 0xffff_c000_0201)), .aaaa(IPAddress("2001:db8::1")!)])),
            DNSAnswer(question: q("1.2.0.192.in-addr.arpa", .ptr), outcome: .answer([.ptr("host.example")])),
            DNSAnswer(question: q("x.example", .cname), outcome: .answer([.cname("y.example")])),
            DNSAnswer(
                question: q(String(repeating: "l", count: 64) + ".example", .txt), outcome: .servfail,
                reason: "not a valid DNS name"),
        ]
        let scripted = ScriptedResolver(answers: Dictionary(uniqueKeysWithValues: answers.map { ($0.question, $0) }))
        let (text, live, replayed) = try await roundTrip(scripted, answers.map(\.question))
        for (a, b) in zip(live, replayed) {
            #expect(sorted(a.outcome) == sorted(b.outcome), "\(a.question): \(a.outcome) became \(b.outcome)\n\(text)")
            #expect(a.cnames == b.cnames, "\(a.question)")
        }
        #expect(text.contains(";! nxdomain txt.example. A"))
        #expect(text.contains(";! nodata ent.example. TXT"))
        #expect(text.contains(";! timeout slow.example. TXT \"no answer within 3 s\""))
        #expect(!text.contains("\nexample. "), "the NXDOMAIN parent is absent")
    }

    @Test func enormousTXTRecordsStayReadable() async throws {
        // 255 strings of 255 octets (65,280 of the 65,535 a record carries), each octet escaped: 260 KB, far
        // over one line's limit, so the writer has to wrap it.
        let strings = (0..<255).map { i in (0..<255).map { UInt8(truncatingIfNeeded: $0 * 7 + i) | 0x80 } }
        let q = DNSQuestion(name: "huge.example", type: .txt)
        let scripted = ScriptedResolver(answers: [q: DNSAnswer(question: q, outcome: .answer([.txt(strings)]))])
        let (_, live, replayed) = try await roundTrip(scripted, [q])
        #expect(live == [DNSAnswer(question: q, outcome: .answer([.txt(strings)]))])
        #expect(replayed.first?.outcome == .answer([.txt(strings)]))
    }

    @Test func unwritableNamesAreLeftOutNotFatal() throws {
        // 40 Latin-1 characters: 40 octets on the wire, 80 once written as UTF-8.
        let latin = String(repeating: "\u{FF}", count: 40) + ".example"
        var zone = ZoneFile()
        zone.add(.ptr(latin), at: "4.3.2.1.in-addr.arpa")
        zone.add(.ptr("ok.example"), at: "4.3.2.1.in-addr.arpa")
        zone.add(.a(IPAddress("192.0.2.1")!), at: String(repeating: "\u{FF}", count: 40) + ".example")
        let text = zone.text()
        let back = try ZoneFile(parsing: text)
        #expect(back.records(at: "4.3.2.1.in-addr.arpa") == [.ptr("ok.example")])
        #expect(text.contains("2 record(s) or directive(s) left out"))
    }

    @Test func overlongStringsBuiltInMemoryAreSplit() throws {
        var zone = ZoneFile()
        zone.add(.txt([Array(repeating: UInt8(ascii: "q"), count: 600)]), at: "long.example")
        let back = try ZoneFile(parsing: zone.text())
        #expect(back.records(at: "long.example")?.first?.joinedText == String(repeating: "q", count: 600))
    }

    @Test func outputIsDeterministicAndSorted() async throws {
        let source = try SnapshotResolver(zone: ZoneFile(parsing: snapshotFixture))
        let names = ["mail.example.com", "example.com", "host.example.net", "www.example.com"]
        let a = RecordingResolver(wrapping: source)
        let b = RecordingResolver(wrapping: source)
        for n in names {
            _ = await a.resolve(n, .a)
            _ = await a.resolve(n, .txt)
        }
        for n in names.reversed() {
            _ = await b.resolve(n, .txt)
            _ = await b.resolve(n, .a)
        }
        let body = { (s: String) in s.split(separator: "\n").filter { !$0.hasPrefix("; ") }.joined(separator: "\n") }
        #expect(body(a.zoneFileText()) == body(b.zoneFileText()))
        let owners = body(a.zoneFileText()).split(separator: "\n").dropFirst().map { $0.split(separator: " ")[0] }
        #expect(owners.first == "example.com.")
    }
}

/// Records in a canonical order: a snapshot returns an RRset in file order, DNS in any order.
func sorted(_ outcome: DNSOutcome) -> DNSOutcome {
    guard case .answer(let records) = outcome else { return outcome }
    return .answer(records.sorted { $0.masterFileRData < $1.masterFileRData })
}

/// The decorators forward `SynchronousAnswers`: an answer the wrapped resolver has at hand is
/// the one `resolve` gives, is recorded like it, and a resolver that must be awaited gives none.
@Suite struct SynchronousAnswersTests {
    static let questions = [
        "example.com", "www.example.com", "loop1.example.com", "nope.example.com", "slow.example.com",
        "broken.example.com", "ent.example.com",
    ]
    .flatMap { name in DNSRecordType.allCases.map { DNSQuestion(name: name, type: $0) } }

    @Test func cachingForwardsTheSnapshotsAnswers() async throws {
        let snapshot = try SnapshotResolver(zone: ZoneFile(parsing: snapshotFixture))
        let caching = CachingResolver(wrapping: snapshot)
        #expect(caching.synchronousAnswers != nil)
        for q in Self.questions {
            #expect(caching.answerAtHand(q) == snapshot.answer(q), "\(q)")
            #expect(caching.answerAtHand(q) == (await caching.resolve(q)), "\(q)")
        }
    }

    @Test func nothingIsAtHandWhenTheInnerResolverMustBeAwaited() async throws {
        let counting = CountingResolver(try SnapshotResolver(zone: ZoneFile(parsing: snapshotFixture)))
        #expect(counting.synchronousAnswers == nil)
        let chain = CachingResolver(wrapping: RecordingResolver(wrapping: counting))
        for q in Self.questions { #expect(chain.answerAtHand(q) == nil, "\(q)") }
        #expect(counting.counts.withLock { $0.isEmpty })
        #expect((chain.inner as! RecordingResolver).answers.isEmpty)
    }

    /// Answers taken at hand are recorded as resolved ones are: the same zone file, whichever
    /// way the questions were asked, each question once however often it was asked.
    @Test func recordingKeepsAnswersTakenAtHand() async throws {
        let snapshot = try SnapshotResolver(zone: ZoneFile(parsing: snapshotFixture))
        let resolved = RecordingResolver(wrapping: snapshot)
        for q in Self.questions { _ = await resolved.resolve(q) }
        let atHand = RecordingResolver(wrapping: snapshot)
        for q in Self.questions + Self.questions {
            #expect(atHand.answerAtHand(q) == snapshot.answer(q), "\(q)")
        }
        #expect(atHand.answers == resolved.answers)
        #expect(atHand.zoneFileText() == resolved.zoneFileText())
    }
}
