import HopTraceAuth
import HopTraceCore
import HopTraceDNS
import Testing

/// Evaluates `sender` from `ip` against a small zone (TXT given as strings).
func spf(
    _ zone: [String: [DNSRecord]], ip: String, sender: String, helo: String = "mail.example.org",
    timeouts: Set<String> = [], servfails: Set<String> = [],
    options: SPFOptions = SPFOptions(defaultExplanation: "DEFAULT")
) async -> SPFEvaluation {
    let resolver = InMemoryResolver(records: zone, timeouts: timeouts, servfails: servfails)
    return await SPFEvaluator(resolver: resolver, options: options).checkMailFrom(
        ip: IPAddress(ip)!, mailFrom: sender, helo: helo)
}

func txt(_ s: String) -> DNSRecord { InMemoryResolver.txt(s) }
func a(_ s: String) -> DNSRecord { .a(IPAddress(s)!) }
func aaaa(_ s: String) -> DNSRecord { .aaaa(IPAddress(s)!) }

@Suite("SPF evaluator")
struct SPFEvaluatorTests {
    // MARK: mechanisms

    @Test(arguments: [
        // (record, client ip, expected)
        ("v=spf1 ip4:192.0.2.0/24 -all", "192.0.2.77", SPFResult.pass),
        ("v=spf1 ip4:192.0.2.0/24 -all", "192.0.3.1", .fail),
        ("v=spf1 ip4:192.0.2.1 ~all", "192.0.2.2", .softfail),
        ("v=spf1 ip4:0.0.0.0/0", "203.0.113.9", .pass),
        ("v=spf1 ip4:192.0.2.1 ?all", "::ffff:192.0.2.1", .pass),
        ("v=spf1 ip6:2001:db8::/32 -all", "2001:db8:1::1", .pass),
        ("v=spf1 ip6:2001:db8::/32 -all", "2001:db9::1", .fail),
        ("v=spf1 ip6:::ffff:192.0.2.1 -all", "::ffff:192.0.2.1", .fail),
        ("v=spf1 ip6:::/0 -all", "192.0.2.1", .fail),
        ("v=spf1 ip6:2001:db8::1/128 -all", "2001:db8::1", .pass),
        ("v=spf1 ip6:2001:db8::/65 -all", "2001:db8::7fff:0:0:1", .pass),
        ("v=spf1 ip6:2001:db8::/65 -all", "2001:db8::8000:0:0:1", .fail),
        ("v=spf1 a -all", "192.0.2.10", .pass),
        ("v=spf1 a -all", "2001:db8::10", .pass),
        ("v=spf1 a/24 -all", "192.0.2.99", .pass),
        ("v=spf1 a//64 -all", "2001:db8::ffff", .pass),
        ("v=spf1 a -all", "192.0.2.11", .fail),
        ("v=spf1 a:other.example.com -all", "198.51.100.5", .pass),
        ("v=spf1 mx -all", "198.51.100.25", .pass),
        ("v=spf1 mx/30 -all", "198.51.100.26", .pass),
        ("v=spf1 mx -all", "198.51.100.26", .fail),
        ("v=spf1 mx:other.example.com -all", "192.0.2.10", .pass),
        ("v=spf1 ptr -all", "192.0.2.10", .pass),
        ("v=spf1 ptr:example.net -all", "192.0.2.10", .fail),
        ("v=spf1 exists:%{ir}.bl.example.com -all", "192.0.2.10", .pass),
        ("v=spf1 exists:%{ir}.bl.example.com -all", "192.0.2.11", .fail),
        ("v=spf1 -all", "192.0.2.10", .fail),
        ("v=spf1 ?all", "192.0.2.10", .neutral),
        ("v=spf1", "192.0.2.10", .neutral),
        ("v=spf1 ip4:192.0.2.99", "192.0.2.10", .neutral),
        ("v=spf1 unknown=thing ?all", "192.0.2.10", .neutral),
    ])
    func mechanisms(record: String, ip: String, expected: SPFResult) async {
        let zone: [String: [DNSRecord]] = [
            "example.com": [
                txt(record), a("192.0.2.10"), aaaa("2001:db8::10"), .mx(preference: 10, exchange: "mx.example.com"),
            ],
            "mx.example.com": [a("198.51.100.25")],
            "other.example.com": [a("198.51.100.5"), .mx(preference: 0, exchange: "example.com")],
            "10.2.0.192.in-addr.arpa": [.ptr("host.example.com"), .ptr("unrelated.example.net")],
            "host.example.com": [a("192.0.2.10")],
            "unrelated.example.net": [a("192.0.2.11")],
            "10.2.0.192.bl.example.com": [a("127.0.0.2")],
        ]
        let e = await spf(zone, ip: ip, sender: "user@example.com")
        #expect(e.result == expected, "\(record) from \(ip): \(e.result) \(e.error.map { "\($0)" } ?? "")")
    }

    // MARK: include (RFC 7208 §5.2 table)

    @Test(arguments: [
        ("v=spf1 +all", SPFResult.pass),  // pass → match
        ("v=spf1 -all", .softfail),  // fail → no match → ~all
        ("v=spf1 ~all", .softfail),
        ("v=spf1 ?all", .softfail),
        ("v=spf1 a:timeout.example.com", .temperror),
        ("v=spf1 bogus", .permerror),
        ("not spf", .permerror),  // none → permerror
    ])
    func includeTable(inner: String, expected: SPFResult) async {
        let zone: [String: [DNSRecord]] = [
            "example.com": [txt("v=spf1 include:inner.example.com ~all")],
            "inner.example.com": [txt(inner)],
            "timeout.example.com": [],
        ]
        let e = await spf(zone, ip: "192.0.2.1", sender: "u@example.com", timeouts: ["timeout.example.com"])
        #expect(e.result == expected)
        if expected == .pass { #expect(e.matched?.term == "include:inner.example.com") }
        let include = e.trace.first { $0.term == "include:inner.example.com" }
        let innerWant: SPFResult =
            switch inner {
            case "v=spf1 +all": .pass
            case "v=spf1 -all": .fail
            case "v=spf1 ~all": .softfail
            case "v=spf1 ?all": .neutral
            case "v=spf1 a:timeout.example.com": .temperror
            case "v=spf1 bogus": .permerror
            default: .none
            }
        #expect(include?.innerResult == innerWant)
    }

    @Test func includeOfMissingDomainIsPermerror() async {
        let e = await spf(
            ["example.com": [txt("v=spf1 include:nowhere.example.com -all")]], ip: "192.0.2.1", sender: "u@example.com")
        #expect(e.result == .permerror)
        #expect(e.error == .includeNone("nowhere.example.com"))
        let e2 = await spf(
            ["example.com": [txt("v=spf1 include:%{h} -all")]], ip: "192.0.2.1", sender: "u@example.com", helo: "single"
        )
        #expect(e2.error == .includeNone("single"))
    }

    // MARK: redirect

    @Test func redirectFollowsAndUsesTargetExplanation() async {
        let zone: [String: [DNSRecord]] = [
            "example.com": [txt("v=spf1 exp=e1.example.com redirect=_spf.example.net")],
            "_spf.example.net": [txt("v=spf1 -all exp=e2.example.net")],
            "e1.example.com": [txt("not this")],
            "e2.example.net": [txt("%{d} says no to %{i}")],
        ]
        let e = await spf(zone, ip: "192.0.2.1", sender: "u@example.com")
        #expect(e.result == .fail)
        #expect(e.explanation == "_spf.example.net says no to 192.0.2.1")
        #expect(
            e.matched == SPFMatch(domain: "_spf.example.net", term: "-all", record: "v=spf1 -all exp=e2.example.net"))
        #expect(e.trace.contains { $0.action == .redirect && $0.outcome == .result(.fail) })
        #expect(e.dnsMechanismCount == 1)
    }

    @Test(arguments: [
        ("v=spf1 redirect=missing.example.com", SPFError.redirectNone("missing.example.com")),
        ("v=spf1 redirect=%{h}", SPFError.malformedRedirectTarget("single")),
    ])
    func redirectErrors(record: String, error: SPFError) async {
        let e = await spf(["example.com": [txt(record)]], ip: "192.0.2.1", sender: "u@example.com", helo: "single")
        #expect(e.result == .permerror)
        #expect(e.error == error)
    }

    @Test func redirectIgnoredWithAllAndAfterMatch() async {
        let zone: [String: [DNSRecord]] = [
            "example.com": [txt("v=spf1 redirect=other.example.com ?all")],
            "other.example.com": [txt("v=spf1 +all")],
            "b.example.com": [txt("v=spf1 ip4:192.0.2.1 redirect=other.example.com")],
        ]
        #expect(await spf(zone, ip: "192.0.2.1", sender: "u@example.com").result == .neutral)
        let b = await spf(zone, ip: "192.0.2.1", sender: "u@b.example.com")
        #expect(b.result == .pass && b.dnsMechanismCount == 0)
    }

    // MARK: exp=

    @Test func explanationFallbacks() async {
        let zone: [String: [DNSRecord]] = [
            "ok.example.com": [txt("v=spf1 -all exp=msg.example.com")],
            "msg.example.com": [.txt([Array("%{l} from %{c} ".utf8), Array("is not allowed".utf8)])],
            "two.example.com": [txt("v=spf1 -all exp=two-msg.example.com")],
            "two-msg.example.com": [txt("a"), txt("b")],
            "none.example.com": [txt("v=spf1 -all exp=nothing.example.com")],
            "bad.example.com": [txt("v=spf1 -all exp=bad-msg.example.com")],
            "bad-msg.example.com": [txt("%{x}")],
            "tmo.example.com": [txt("v=spf1 -all exp=tmo-msg.example.com")],
            "soft.example.com": [txt("v=spf1 ~all exp=msg.example.com")],
            "nonascii.example.com": [txt("v=spf1 -all exp=na-msg.example.com")],
            "na-msg.example.com": [.txt([[0xC3, 0xA9]])],
        ]
        let ok = await spf(zone, ip: "2001:db8::1", sender: "joe@ok.example.com")
        #expect(ok.explanation == "joe from 2001:db8::1 is not allowed")
        for d in ["two", "none", "bad", "tmo", "nonascii"] {
            let e = await spf(zone, ip: "192.0.2.1", sender: "joe@\(d).example.com", timeouts: ["tmo-msg.example.com"])
            #expect(e.result == .fail)
            #expect(e.explanation == "DEFAULT", "\(d)")
            #expect(
                e.trace.contains {
                    if case .ignored = $0.outcome { return $0.action == .explanation } else { return false }
                }, "\(d)")
            #expect(e.voidLookupCount == 0)
        }
        #expect(await spf(zone, ip: "192.0.2.1", sender: "joe@soft.example.com").explanation == nil)
        let noDefault = await spf(zone, ip: "192.0.2.1", sender: "joe@none.example.com", options: SPFOptions())
        #expect(noDefault.explanation == nil)
        let macroDefault = await spf(
            zone, ip: "192.0.2.1", sender: "joe@none.example.com",
            options: SPFOptions(defaultExplanation: "see https://%{d}/why?ip=%{I}"))
        #expect(macroDefault.explanation == "see https://none.example.com/why?ip=192.0.2.1")
        let rt = await spf(
            ["x.example.com": [txt("v=spf1 -all exp=m.example.com")], "m.example.com": [txt("%{r} %{t}")]],
            ip: "192.0.2.1", sender: "a@x.example.com",
            options: SPFOptions(receivingHost: "mx.receiver.example", timestamp: 42))
        #expect(rt.explanation == "mx.receiver.example 42")
    }

    @Test func includeDoesNotFetchInnerExplanation() async {
        let zone: [String: [DNSRecord]] = [
            "example.com": [txt("v=spf1 include:inner.example.com -all exp=outer.example.com")],
            "inner.example.com": [txt("v=spf1 -all exp=inner-msg.example.com")],
            "outer.example.com": [txt("outer")],
            "inner-msg.example.com": [txt("inner")],
        ]
        let e = await spf(zone, ip: "192.0.2.1", sender: "u@example.com")
        #expect(e.explanation == "outer")
        #expect(!e.trace.flatMap(\.lookups).contains { $0.question.name == "inner-msg.example.com" })
    }

    // MARK: limits (RFC 7208 §4.6.4)

    @Test func tenDNSTermsPassEleventhIsPermerror() async {
        var zone: [String: [DNSRecord]] = ["h.example.com": [a("192.0.2.99")]]
        zone["ten.example.com"] = [
            txt("v=spf1 " + String(repeating: "a:h.example.com ", count: 10) + "ip4:192.0.2.1 -all")
        ]
        zone["eleven.example.com"] = [
            txt("v=spf1 " + String(repeating: "a:h.example.com ", count: 11) + "ip4:192.0.2.1 -all")
        ]
        let ten = await spf(zone, ip: "192.0.2.1", sender: "u@ten.example.com")
        #expect(ten.result == .pass && ten.dnsMechanismCount == 10)
        let eleven = await spf(zone, ip: "192.0.2.1", sender: "u@eleven.example.com")
        #expect(eleven.result == .permerror && eleven.error == .dnsMechanismLimit(limit: 10))
        #expect(eleven.trace.last?.outcome == .error(.dnsMechanismLimit(limit: 10)))
        #expect(eleven.trace.last?.lookups.isEmpty == true)  // the 11th term asked nothing
        let custom = await spf(
            zone, ip: "192.0.2.1", sender: "u@eleven.example.com", options: SPFOptions(maxDNSMechanisms: 20))
        #expect(custom.result == .pass)
    }

    @Test func voidLookups() async {
        let zone: [String: [DNSRecord]] = [
            "two.example.com": [txt("v=spf1 a:nx1.example.com mx:nx2.example.com ?all")],
            "three.example.com": [txt("v=spf1 a:nx1.example.com exists:nx2.example.com ptr ?all")],
            "nodata.example.com": [txt("v=spf1 a:empty.example.com a:empty.example.com a:empty.example.com ?all")],
            "empty.example.com": [txt("not an address")],
        ]
        let two = await spf(zone, ip: "192.0.2.1", sender: "u@two.example.com")
        #expect(two.result == .neutral && two.voidLookupCount == 2)
        let three = await spf(zone, ip: "192.0.2.1", sender: "u@three.example.com")
        #expect(three.result == .permerror && three.error == .voidLookupLimit(limit: 2))
        let nodata = await spf(zone, ip: "192.0.2.1", sender: "u@nodata.example.com")
        #expect(nodata.result == .permerror)
    }

    @Test func mxNameLimitAndNullMX() async {
        var zone: [String: [DNSRecord]] = [
            "ten.example.com": [txt("v=spf1 mx -all")],
            "eleven.example.com": [txt("v=spf1 mx -all")],
            "null.example.com": [txt("v=spf1 mx ?all"), .mx(preference: 0, exchange: ".")],
        ]
        zone["ten.example.com"]! += (0..<10).map { .mx(preference: $0, exchange: "mx\($0).example.com") }
        zone["eleven.example.com"]! += (0..<11).map { .mx(preference: $0, exchange: "mx\($0).example.com") }
        zone["mx9.example.com"] = [a("192.0.2.9")]
        #expect(await spf(zone, ip: "192.0.2.9", sender: "u@ten.example.com").result == .pass)
        let eleven = await spf(zone, ip: "192.0.2.9", sender: "u@eleven.example.com")
        #expect(eleven.result == .permerror)
        #expect(eleven.error == .mxNameLimit(domain: "eleven.example.com", count: 11, limit: 10))
        let null = await spf(zone, ip: "192.0.2.9", sender: "u@null.example.com")
        #expect(null.result == .neutral && null.trace.flatMap(\.lookups).count == 2)
    }

    @Test func ptrLooksAtTenNamesAndSkipsErrors() async {
        var zone: [String: [DNSRecord]] = [
            "example.com": [txt("v=spf1 ptr -all")],
            "1.2.0.192.in-addr.arpa": (0..<11).map { .ptr("h\($0).example.com") },
            "h10.example.com": [a("192.0.2.1")],  // 11th: never looked at
            "h0.example.com": [.cname("loop.example.com")],
            "loop.example.com": [.cname("h0.example.com")],
        ]
        let e = await spf(zone, ip: "192.0.2.1", sender: "u@example.com")
        #expect(e.result == .fail)
        #expect(!e.trace.flatMap(\.lookups).contains { $0.question.name == "h10.example.com" })
        zone["h3.example.com"] = [a("192.0.2.1")]
        #expect(await spf(zone, ip: "192.0.2.1", sender: "u@example.com").result == .pass)
        // A PTR lookup failure is no match, not temperror (§5.5).
        let t = await spf(
            ["example.com": [txt("v=spf1 ptr ?all")]], ip: "192.0.2.1", sender: "u@example.com",
            servfails: ["1.2.0.192.in-addr.arpa"])
        #expect(t.result == .neutral)
    }

    @Test func validatedNameMacroPrefersTheDomain() async {
        let zone: [String: [DNSRecord]] = [
            "example.com": [txt("v=spf1 exists:%{p}.ok.example.net %{p}=x -all")],
            "5.2.0.192.in-addr.arpa": [.ptr("other.example.org"), .ptr("mail.example.com"), .ptr("fake.example.com")],
            "other.example.org": [a("192.0.2.5")],
            "mail.example.com": [a("192.0.2.5")],
            "fake.example.com": [a("192.0.2.6")],
            "mail.example.com.ok.example.net": [a("127.0.0.2")],
        ]
        let e = await spf(zone, ip: "192.0.2.5", sender: "u@example.com")
        // "%{p}=x" is not a valid modifier name → the record is a permerror; use a clean one.
        #expect(e.result == .permerror)
        let clean = await spf(
            ["example.com": [txt("v=spf1 exists:%{p}.ok.example.net -all")]].merging(
                zone.filter { $0.key != "example.com" }
            ) { x, _ in x },
            ip: "192.0.2.5", sender: "u@example.com")
        #expect(clean.result == .pass)
        #expect(clean.trace.contains { $0.action == .validatedName && $0.outcome == .value("mail.example.com") })
        let unknown = await spf(
            [
                "example.com": [txt("v=spf1 exists:%{p}.ok.example.net -all")],
                "unknown.ok.example.net": [a("127.0.0.2")],
            ],
            ip: "192.0.2.5", sender: "u@example.com")
        #expect(unknown.result == .pass)
    }

    // MARK: DNS errors → temperror

    @Test(arguments: [
        "v=spf1 a -all", "v=spf1 mx -all", "v=spf1 exists:example.com -all", "v=spf1 a:cname.example.com -all",
    ])
    func dnsFailuresAreTemperror(record: String) async {
        let zone: [String: [DNSRecord]] = [
            "example.com": [txt(record)], "cname.example.com": [.cname("cname.example.com")],
        ]
        let e = await spf(zone, ip: "192.0.2.1", sender: "u@example.com", timeouts: ["example.com"])
        #expect(e.result == .temperror, "\(record): \(e.result)")
        if case .dnsFailure? = e.error {} else { Issue.record("error \(String(describing: e.error))") }
    }

    @Test func mxHostTimeoutIsTemperror() async {
        let zone: [String: [DNSRecord]] = [
            "example.com": [txt("v=spf1 mx -all"), .mx(preference: 1, exchange: "mx.example.com")]
        ]
        let e = await spf(zone, ip: "192.0.2.1", sender: "u@example.com", timeouts: ["mx.example.com"])
        #expect(e.result == .temperror)
    }

    @Test func recordLookupOutcomes() async {
        #expect(await spf([:], ip: "192.0.2.1", sender: "u@example.com").result == .none)
        #expect(await spf(["example.com": [a("192.0.2.1")]], ip: "192.0.2.1", sender: "u@example.com").result == .none)
        #expect(
            await spf(["example.com": [txt("other"), txt("v=spf1x")]], ip: "192.0.2.1", sender: "u@example.com").result
                == .none)
        #expect(
            await spf([:], ip: "192.0.2.1", sender: "u@example.com", timeouts: ["example.com"]).result == .temperror)
        #expect(
            await spf([:], ip: "192.0.2.1", sender: "u@example.com", servfails: ["example.com"]).result == .temperror)
        let multi = await spf(
            ["example.com": [txt("v=spf1 -all"), txt("V=SPF1 +all")]], ip: "192.0.2.1", sender: "u@example.com")
        #expect(multi.result == .permerror && multi.error == .multipleRecords(domain: "example.com", count: 2))
        let joined = await spf(
            ["example.com": [.txt([Array("v=spf1 ip4:".utf8), Array("192.0.2.1 -all".utf8)])]], ip: "192.0.2.1",
            sender: "u@example.com")
        #expect(joined.result == .pass)
    }

    // MARK: identities and domains (RFC 7208 §2.3, §2.4, §4.3)

    @Test func nullSenderUsesPostmasterAtHELO() async {
        let zone: [String: [DNSRecord]] = [
            "mail.example.org": [txt("v=spf1 -all exp=m.example.org")], "m.example.org": [txt("%{s} %{l} %{o}")],
        ]
        let e = await spf(zone, ip: "192.0.2.1", sender: "", helo: "mail.example.org")
        #expect(e.domain == "mail.example.org" && e.sender == "postmaster@mail.example.org")
        #expect(e.explanation == "postmaster@mail.example.org postmaster mail.example.org")
        let h = await SPFEvaluator(resolver: InMemoryResolver(records: zone)).checkHELO(
            ip: IPAddress("192.0.2.1")!, helo: "mail.example.org")
        #expect(h.identity == .helo && h.result == .fail && h.sender == "postmaster@mail.example.org")
    }

    @Test func senderWithoutLocalPart() {
        #expect(SPFEvaluator.split(sender: "@example.net") == ("postmaster", "example.net"))
        #expect(SPFEvaluator.split(sender: "a@b@example.net") == ("a@b", "example.net"))
        #expect(SPFEvaluator.split(sender: "example.net") == ("postmaster", "example.net"))
    }

    @Test(arguments: [
        "single", "[192.0.2.1]", "a..example.com", ".example.com", "", "exa mple.com", "bücher.example",
        String(repeating: "a", count: 64) + ".example.com",
        (0..<64).map { _ in "abc" }.joined(separator: "."),
    ])
    func malformedDomainsGiveNone(domain: String) async {
        let e = await SPFEvaluator(resolver: InMemoryResolver()).checkHost(
            ip: IPAddress("192.0.2.1")!, domain: domain, sender: "u@\(domain)", helo: "h.example")
        #expect(e.result == .none)
        if case .malformedDomain? = e.error {} else { Issue.record("\(domain): \(String(describing: e.error))") }
        #expect(e.trace.flatMap(\.lookups).isEmpty)
    }

    @Test func acceptsTrailingDotAndMaxLabel() async {
        let d = String(repeating: "a", count: 63) + ".example.com"
        let e = await spf([d: [txt("v=spf1 +all")]], ip: "192.0.2.1", sender: "u@\(d).")
        #expect(e.result == .pass)
    }

    @Test func unqueryableTargetsDoNotMatch() async {
        let e = await spf(
            ["example.com": [txt("v=spf1 a:mail.example...com exists:%{H}.x.example -all")]], ip: "192.0.2.1",
            sender: "u@example.com", helo: String(repeating: "%", count: 30))
        #expect(e.result == .fail)
        #expect(e.trace.flatMap(\.lookups).count == 1)  // only the record lookup
    }

    // MARK: trace

    @Test func traceRecordsQuestionsCountersAndDNSSEC() async {
        struct Signed: DNSResolver {
            let inner: InMemoryResolver
            func resolve(_ q: DNSQuestion) async -> DNSAnswer {
                var answer = await inner.resolve(q)
                answer.dnssec = q.type == .txt ? .secure : .insecure
                return answer
            }
        }
        let zone: [String: [DNSRecord]] = [
            "example.com": [txt("v=spf1 a:nx.example.com include:_spf.example.net -all")],
            "_spf.example.net": [txt("v=spf1 ip4:192.0.2.0/24")],
        ]
        let e = await SPFEvaluator(resolver: Signed(inner: InMemoryResolver(records: zone)))
            .checkMailFrom(ip: IPAddress("192.0.2.7")!, mailFrom: "x@example.com", helo: "h.example.com")
        #expect(e.result == .pass)
        let steps = e.trace
        #expect(steps.map(\.action) == [.recordLookup, .directive, .directive, .recordLookup, .directive])
        #expect(steps[0].lookups.map(\.question) == [DNSQuestion(name: "example.com", type: .txt)])
        #expect(steps[0].lookups.first?.dnssec == .secure)
        #expect(steps[0].record == "v=spf1 a:nx.example.com include:_spf.example.net -all")
        #expect(steps[1].term == "a:nx.example.com" && steps[1].target == "nx.example.com")
        #expect(steps[1].lookups.first?.outcome == .nxdomain && steps[1].lookups.first?.dnssec == .insecure)
        #expect(steps[1].dnsMechanismCount == 1 && steps[1].voidLookupCount == 1 && steps[1].outcome == .notMatched)
        #expect(steps[2].term == "include:_spf.example.net" && steps[2].outcome == .matched(.pass))
        #expect(steps[2].dnsMechanismCount == 2 && steps[2].innerResult == .pass)
        #expect(steps[3].depth == 1 && steps[3].domain == "_spf.example.net")
        #expect(steps[4].depth == 1 && steps[4].outcome == .matched(.pass) && steps[4].termRange == 7..<23)
        #expect(e.matched?.term == "include:_spf.example.net" && e.matched?.domain == "example.com")
    }
}

@Suite("SPF error mapping")
struct SPFErrorMappingTests {
    static let q = DNSQuestion(name: "example.com", type: .txt)
    static let syntax = SPFSyntaxError(.invalid, offset: 7, term: "moo", reason: "unknown mechanism")

    /// The one place errors become results.
    @Test(arguments: [
        (SPFError.malformedDomain("x", reason: "r"), SPFResult.none),
        (.noRecord("x"), .none),
        (.identityTooLong(2000), .none),
        (.syntax(syntax), .permerror),
        (.multipleRecords(domain: "x", count: 2), .permerror),
        (.recordTooLong(domain: "x", bytes: 1), .permerror),
        (.dnsMechanismLimit(limit: 10), .permerror),
        (.voidLookupLimit(limit: 2), .permerror),
        (.mxNameLimit(domain: "x", count: 11, limit: 10), .permerror),
        (.includeNone("x"), .permerror),
        (.redirectNone("x"), .permerror),
        (.malformedRedirectTarget("x"), .permerror),
        (.dnsFailure(q, .timeout, reason: nil), .temperror),
        (.dnsFailure(q, .servfail, reason: "bogus"), .temperror),
    ])
    func mapping(error: SPFError, result: SPFResult) {
        #expect(error.result == result)
        #expect(!error.description.isEmpty)
    }

    @Test func redirectToTimeoutIsTemperror() async {
        let e = await spf(
            ["example.com": [txt("v=spf1 redirect=tmo.example.com")]], ip: "192.0.2.1", sender: "u@example.com",
            timeouts: ["tmo.example.com"])
        #expect(e.result == .temperror)
        #expect(e.trace.contains { $0.action == .redirect && $0.innerResult == .temperror })
    }

    @Test func unqueryableExpTargetFallsBack() async {
        let e = await spf(
            ["example.com": [txt("v=spf1 -all exp=%{h}.example.com")]], ip: "192.0.2.1", sender: "u@example.com",
            helo: String(repeating: "h", count: 70))
        #expect(e.result == .fail && e.explanation == "DEFAULT")
        #expect(e.trace.last?.outcome == .ignored("exp target is not a DNS name (label longer than 63 characters)"))
    }
}
