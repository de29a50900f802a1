import HopTraceAuth
import HopTraceCore
import HopTraceDNS
import Testing

/// Hostile records: each gives the RFC result, in bounded time and memory, without a crash.
@Suite("SPF hostile input")
struct SPFHostileInputTests {
    @Test func enormousTXTRecordIsPermerror() async {
        let huge = "v=spf1 " + String(repeating: "ip4:192.0.2.1 ", count: 10_000) + "-all"
        let e = await spf(["example.com": [txt(huge)]], ip: "192.0.2.1", sender: "u@example.com")
        #expect(e.result == .permerror)
        #expect(e.error == .recordTooLong(domain: "example.com", bytes: huge.utf8.count))
        #expect((e.trace.first?.record?.utf8.count ?? 0) <= SPFLimits.maxRecordBytes)
    }

    @Test func aThousandMechanisms() async {
        // A thousand non-DNS mechanisms are evaluated (cheap)…
        let ips = "v=spf1 " + (0..<1000).map { "ip4:10.0.\($0 / 250).\($0 % 250)" }.joined(separator: " ") + " -all"
        let e = await spf(["example.com": [txt(ips)]], ip: "192.0.2.1", sender: "u@example.com")
        #expect(e.result == .fail && e.trace.count == 1002)
        // …a thousand DNS ones stop at the 11th.
        let names = "v=spf1 " + String(repeating: "a ", count: 1000) + "-all"
        let d = await spf(["example.com": [txt(names), a("192.0.2.99")]], ip: "192.0.2.1", sender: "u@example.com")
        #expect(d.result == .permerror && d.error == .dnsMechanismLimit(limit: 10))
        #expect(d.trace.flatMap(\.lookups).count == 11)
    }

    @Test func includeAndRedirectLoops() async {
        let zone: [String: [DNSRecord]] = [
            "a.example.com": [txt("v=spf1 include:b.example.com -all")],
            "b.example.com": [txt("v=spf1 include:a.example.com -all")],
            "self.example.com": [txt("v=spf1 include:self.example.com -all")],
            "r.example.com": [txt("v=spf1 redirect=r.example.com")],
            "r1.example.com": [txt("v=spf1 redirect=r2.example.com")],
            "r2.example.com": [txt("v=spf1 redirect=r1.example.com")],
        ]
        for d in ["a", "self", "r", "r1"] {
            let e = await spf(zone, ip: "192.0.2.1", sender: "u@\(d).example.com")
            #expect(e.result == .permerror, "\(d)")
            #expect(e.error == .dnsMechanismLimit(limit: 10), "\(d)")
            #expect(e.trace.flatMap(\.lookups).count <= 11, "\(d)")
            #expect((e.trace.map(\.depth).max() ?? 0) <= 10)
        }
    }

    @Test func macroBombInMechanismsIsBounded() async {
        let long = (0..<100).map { "l\($0)" }.joined(separator: ".") + ".example.com"
        let record = "v=spf1 exists:%{d500r}.%{d500}.%{d500r}.x.example -all exp=%{d500r}.%{d500}.msg.example"
        let e = await spf(
            [long: [txt(record)]], ip: "192.0.2.1", sender: "u@\(long.suffix(200).drop { $0 != "." }.dropFirst())")
        _ = e
        let f = await spf(
            [
                "example.com": [
                    txt(
                        "v=spf1 " + String(repeating: "exists:" + String(repeating: "%{s}", count: 400) + " ", count: 2)
                            + "-all")
                ]
            ],
            ip: "192.0.2.1", sender: String(repeating: "x", count: 1000) + "@example.com")
        #expect(f.result == .fail)
        for step in f.trace { #expect((step.target?.utf8.count ?? 0) <= 253) }
    }

    @Test func invalidUTF8AndControlBytes() async {
        let bad: [[UInt8]] = [
            Array("v=spf1 a:".utf8) + [0xFF, 0xFE] + Array(".example.com -all".utf8),
            Array("v=spf1 ".utf8) + [0xC3] + Array(" -all".utf8),
            Array("v=spf1 a:x.example.com".utf8) + [0x1B] + Array("[31m -all".utf8),
            Array("v=spf1 ip4:192.0.2.1".utf8) + [0x00] + Array(" -all".utf8),
        ]
        for bytes in bad {
            let e = await spf(["example.com": [.txt([bytes])]], ip: "192.0.2.1", sender: "u@example.com")
            #expect(e.result == .permerror)
            if case .syntax? = e.error {} else { Issue.record("\(String(describing: e.error))") }
        }
        // Invalid UTF-8 in a non-SPF TXT record next to the policy is ignored.
        let ok = await spf(
            ["example.com": [.txt([[0xFF, 0x80]]), txt("v=spf1 +all")]], ip: "192.0.2.1", sender: "u@example.com")
        #expect(ok.result == .pass)
    }

    @Test(arguments: [
        "ip4:192.0.2.0/33", "ip4:192.0.2.0/-1", "ip4:192.0.2.0/1e1", "ip6:::/129", "ip6:::/0128",
        "a/99999999999999999999",
        "a//", "mx/24/", "ip4:192.0.2.0/24/24", "a/ 24", "ip6:::/18446744073709551616",
    ])
    func badCIDR(term: String) async {
        let e = await spf(["example.com": [txt("v=spf1 \(term) -all")]], ip: "192.0.2.1", sender: "u@example.com")
        #expect(e.result == .permerror, "\(term)")
    }

    @Test func hugeAnswersAndManyRecords() async {
        let many = (0..<20_000).map { DNSRecord.a(.v4(0x0A00_0000 + UInt32($0))) }
        let txts = (0..<5_000).map { txt("google-site-verification=\($0)") } + [txt("v=spf1 a -all")]
        let e = await spf(["example.com": txts + many], ip: "10.0.78.31", sender: "u@example.com")
        #expect(e.result == .pass)
    }

    @Test func overlongIdentityIsNone() async {
        let e = await spf([:], ip: "192.0.2.1", sender: String(repeating: "x", count: 5_000) + "@example.com")
        #expect(e.result == .none)
        #expect(e.error == .identityTooLong(5_012))
    }

    @Test func longExplanationIsCut() async {
        let zone: [String: [DNSRecord]] = [
            "example.com": [txt("v=spf1 -all exp=m.example.com")],
            "m.example.com": [txt(String(repeating: "%{s}", count: 900))],
        ]
        let e = await spf(zone, ip: "192.0.2.1", sender: "u@example.com")
        #expect(e.result == .fail && e.explanation?.count == SPFLimits.maxExplanationLength)
        let tooLong = await spf(
            [
                "example.com": [txt("v=spf1 -all exp=m.example.com")],
                "m.example.com": [txt(String(repeating: "x", count: 5000))],
            ],
            ip: "192.0.2.1", sender: "u@example.com")
        #expect(tooLong.explanation == "DEFAULT")
    }
}

@Suite("SPF elapsed-time bound")
struct SPFElapsedTimeTests {
    /// A resolver that takes its time on every question.
    struct Slow: DNSResolver {
        let inner: InMemoryResolver
        func resolve(_ q: DNSQuestion) async -> DNSAnswer {
            try? await Task.sleep(for: .milliseconds(30))
            return await inner.resolve(q)
        }
    }

    @Test func checkStopsAskingAfterTheBound() async {
        let zone: [String: [DNSRecord]] = [
            "example.com": [txt("v=spf1 " + (0..<10).map { "a:h\($0).example.com" }.joined(separator: " ") + " -all")]
        ]
        let evaluator = SPFEvaluator(
            resolver: Slow(inner: InMemoryResolver(records: zone)),
            options: SPFOptions(maxVoidLookups: 100, maxElapsed: .milliseconds(100)))
        let e = await evaluator.checkMailFrom(
            ip: IPAddress("192.0.2.1")!, mailFrom: "u@example.com", helo: "h.example.com")
        #expect(e.result == .temperror)
        let lookups = e.trace.flatMap(\.lookups)
        #expect(lookups.last?.reason?.contains("time limit") == true)
        #expect(lookups.count < 11)
        let unbounded = await SPFEvaluator(
            resolver: Slow(inner: InMemoryResolver(records: zone)),
            options: SPFOptions(maxVoidLookups: 100, maxElapsed: nil)
        )
        .checkMailFrom(ip: IPAddress("192.0.2.1")!, mailFrom: "u@example.com", helo: "h.example.com")
        #expect(unbounded.result == .fail)
    }
}
