import HopTraceCore
import Testing

@testable import HopTraceDNS

struct SnapshotCase: Sendable, CustomTestStringConvertible {
    var name: String
    var type: DNSRecordType
    var outcome: DNSOutcome
    var cnames: [String] = []
    var testDescription: String { "\(name) \(type.rawValue)" }
}

let snapshotFixture = """
    $ORIGIN example.com.
    $TTL 300
    @            IN TXT  "v=spf1 mx -all"
                 IN MX   10 mail
    mail         IN A    192.0.2.10
                 IN AAAA 2001:db8::10
    www          IN CNAME web
    web          IN CNAME host.example.net.
    loop1        IN CNAME loop2
    loop2        IN CNAME loop1
    onlyns       IN NS   ns.example.net.
    signed       IN RRSIG A 13 3 300 20300101000000 20200101000000 1 example.com. AAAA
    slow         IN A    192.0.2.20
    ;! timeout slow TXT
    ;! timeout absent-but-slow *
    ;! servfail broken * "upstream refused"
    broken       IN TXT  "visible"
    ;! nodata ent A
    multi        IN A    192.0.2.41
                 IN TXT  "between"
                 IN A    192.0.2.42
    ;! nxdomain mail MX
    $ORIGIN example.net.
    host         IN A    192.0.2.30
    4.3.2.1.in-addr.arpa. IN PTR mail.example.com.
    """

@Suite struct SnapshotResolverTests {
    static let resolver = try! SnapshotResolver(zone: ZoneFile(parsing: snapshotFixture))

    static let cases: [SnapshotCase] = [
        .init(name: "example.com", type: .txt, outcome: .answer([.txt([Array("v=spf1 mx -all".utf8)])])),
        .init(name: "EXAMPLE.com.", type: .mx, outcome: .answer([.mx(preference: 10, exchange: "mail.example.com")])),
        .init(name: "example.com", type: .a, outcome: .nodata),
        .init(name: "nope.example.com", type: .txt, outcome: .nxdomain),
        .init(name: "com", type: .txt, outcome: .nxdomain),
        .init(name: "mail.example.com", type: .aaaa, outcome: .answer([.aaaa(IPAddress("2001:db8::10")!)])),
        .init(
            name: "www.example.com", type: .a, outcome: .answer([.a(IPAddress("192.0.2.30")!)]),
            cnames: ["web.example.com", "host.example.net"]),
        .init(name: "www.example.com", type: .txt, outcome: .nodata, cnames: ["web.example.com", "host.example.net"]),
        .init(name: "www.example.com", type: .cname, outcome: .answer([.cname("web.example.com")])),
        .init(name: "loop1.example.com", type: .a, outcome: .servfail, cnames: ["loop2.example.com"]),
        .init(name: "onlyns.example.com", type: .a, outcome: .nodata),
        .init(name: "signed.example.com", type: .a, outcome: .nodata),
        .init(name: "slow.example.com", type: .txt, outcome: .timeout),
        .init(name: "slow.example.com", type: .a, outcome: .answer([.a(IPAddress("192.0.2.20")!)])),
        .init(name: "slow.example.com", type: .mx, outcome: .nodata),
        .init(name: "absent-but-slow.example.com", type: .mx, outcome: .timeout),
        .init(name: "broken.example.com", type: .a, outcome: .servfail),
        .init(name: "broken.example.com", type: .txt, outcome: .answer([.txt([Array("visible".utf8)])])),
        .init(name: "ent.example.com", type: .a, outcome: .nodata),
        .init(name: "ent.example.com", type: .txt, outcome: .nxdomain),
        .init(name: "mail.example.com", type: .mx, outcome: .nxdomain),
        .init(name: "4.3.2.1.in-addr.arpa", type: .ptr, outcome: .answer([.ptr("mail.example.com")])),
        .init(
            name: "multi.example.com", type: .a,
            outcome: .answer([.a(IPAddress("192.0.2.41")!), .a(IPAddress("192.0.2.42")!)])),
        .init(name: "multi.example.com", type: .txt, outcome: .answer([.txt([Array("between".utf8)])])),
        .init(name: "multi.example.com", type: .mx, outcome: .nodata),
        .init(name: "a..b", type: .a, outcome: .servfail),
        .init(name: String(repeating: "x", count: 64) + ".example.com", type: .txt, outcome: .servfail),
    ]

    @Test(arguments: cases)
    func outcome(_ c: SnapshotCase) async {
        let answer = await SnapshotResolverTests.resolver.resolve(c.name, c.type)
        #expect(answer.outcome == c.outcome)
        #expect(answer.cnames == c.cnames)
        #expect(answer.dnssec == nil)
    }

    @Test func reasonsAreGiven() {
        let r = SnapshotResolverTests.resolver
        #expect(r.answer(DNSQuestion(name: "loop1.example.com", type: .a)).reason?.contains("CNAME loop") == true)
        #expect(r.answer(DNSQuestion(name: "broken.example.com", type: .a)).reason == "upstream refused")
        #expect(r.answer(DNSQuestion(name: "slow.example.com", type: .txt)).reason?.contains("line 14") == true)
        #expect(r.answer(DNSQuestion(name: "a..b", type: .a)).reason?.contains("empty label") == true)
    }

    /// A zone built in memory can hold a name DNS cannot ask (the parser refuses them): it is
    /// still refused when asked, though held, and the names beside it still answer.
    @Test func heldUnaskableNameIsStillRefused() {
        var zone = ZoneFile()
        zone.add(.a(IPAddress("192.0.2.1")!), at: "bad..example")
        zone.add(.a(IPAddress("192.0.2.2")!), at: "good.example")
        #expect(zone.unaskableNameCount == 1)
        let resolver = SnapshotResolver(zone: zone)
        #expect(resolver.answer(DNSQuestion(name: "bad..example", type: .a)).outcome == .servfail)
        #expect(
            resolver.answer(DNSQuestion(name: "good.example", type: .a)).outcome
                == .answer([.a(IPAddress("192.0.2.2")!)]))
    }

    @Test func longCNAMEChainStops() throws {
        let text = (0..<30).map { "c\($0).example. CNAME c\($0 + 1).example." }.joined(separator: "\n")
        let answer = SnapshotResolver(zone: try ZoneFile(parsing: text)).answer(
            DNSQuestion(name: "c0.example", type: .a))
        #expect(answer.outcome == .servfail)
        #expect(answer.cnames.count == SnapshotResolver.maxCNAMEChain)
        #expect(answer.reason?.contains("longer than") == true)
    }

    /// `DNSQuestion.normalize` returns a name already normal unchanged, and otherwise lower-cases
    /// it and drops trailing dots (never the root's), as `lowercased()` does for any text.
    @Test(arguments: [
        "example.com", "Example.COM", "example.com.", "example.com..", ".", "..", "", "mail-1.x_y.example",
        "ÉXAMPLE.com", "é.example.", "İ.example", "a\u{301}.example", "\u{7F}.EXAMPLE", "192.0.2.1",
    ])
    func normalizeLowerCasesAndDropsTrailingDots(_ name: String) {
        var reference = name.lowercased()
        while reference.hasSuffix(".") && reference.count > 1 { reference.removeLast() }
        #expect(DNSQuestion.normalize(name) == reference)
    }

    /// The byte-wise check `DNSName.problem` answers most names with finds a problem exactly
    /// when `DomainName.problem` does.
    @Test(arguments: [
        "example.com", "example.com.", ".", "..", "", "a..b", ".example", "é.example", "x y.example",
        String(repeating: "a", count: 63) + ".example", String(repeating: "a", count: 64) + ".example",
        "x." + String(repeating: "a", count: 64),
        (0..<4).map { _ in String(repeating: "b", count: 63) }.joined(separator: "."),
        (0..<5).map { _ in String(repeating: "b", count: 50) }.joined(separator: "."),
        (0..<5).map { _ in String(repeating: "b", count: 49) }.joined(separator: ".") + ".bbbbbbbb",
    ])
    func askableNamesAreTheNamesWithoutProblem(_ name: String) {
        #expect(DNSName.isAskable(name) == (DomainName.problem(name) == nil), "\(name.utf8.count) bytes")
        #expect(DNSName.problem(name) == (name == "." ? nil : DomainName.problem(name)))
    }

    /// The one-look-up answer to a held name is the answer the general reading gives, for
    /// every name and type of a zone without directives (CNAMEs, mixed types, an empty name).
    @Test func heldAnswersAreTheFollowedAnswers() throws {
        let text = snapshotFixture.split(separator: "\n").filter { !$0.contains(";!") }.joined(separator: "\n")
        let zone = try ZoneFile(parsing: text + "\nempty.example.com. IN NS ns.example.net.\n")
        #expect(zone.directives.isEmpty && zone.records(at: "multi.example.com")?.count == 3)
        let resolver = SnapshotResolver(zone: zone)
        for name in Array(zone.names.keys) + ["absent.example.com", "a..b"] {
            for type in DNSRecordType.allCases {
                let question = DNSQuestion(name: name, type: type)
                #expect(resolver.answer(question) == resolver.followedAnswer(question), "\(question)")
            }
        }
    }

    /// A name's records are all of one type exactly when every record has that type.
    @Test func recordsOfOneType() throws {
        let a = DNSRecord.a(try #require(IPAddress("192.0.2.1")))
        let txt = DNSRecord.txt([Array("x".utf8)])
        #expect(SnapshotResolver.all([], areOf: .a))
        #expect(SnapshotResolver.all([a, a], areOf: .a))
        #expect(!SnapshotResolver.all([a, txt], areOf: .a))
        #expect(!SnapshotResolver.all([txt, a], areOf: .txt))
        #expect(!SnapshotResolver.all([a], areOf: .aaaa))
        #expect(!SnapshotResolver.any([], isOf: .a))
        #expect(SnapshotResolver.any([txt, a], isOf: .a))
        #expect(!SnapshotResolver.any([txt, txt], isOf: .a))
    }

    @Test func loadsFromAPath() throws {
        let path = "/tmp/hoptrace-dns-snapshot-\(UInt32.random(in: 0...UInt32.max)).zone"
        let text = "a.example. TXT \"x\"\n"
        try writeFile(path, Array(text.utf8))
        defer { removeFile(path) }
        let r = try SnapshotResolver(contentsOf: path)
        #expect(r.answer(DNSQuestion(name: "a.example", type: .txt)).records == [.txt([[0x78]])])
    }
}
