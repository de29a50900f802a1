import HopTraceAuth
import HopTraceCore
import Testing

@Suite("SPF parser")
struct SPFParserTests {
    @Test(arguments: [
        ("v=spf1", true), ("V=SpF1 -all", true), ("v=spf1 ", true), ("v=spf10", false),
        ("v=spf1-all", false), ("spf1", false), ("", false), ("v=spf2.0/pra", false),
    ])
    func recordSelection(text: String, isSPF: Bool) {
        #expect(SPFParser.isSPFRecord(Array(text.utf8)) == isSPF)
    }

    @Test func parsesEveryMechanismAndModifier() throws {
        let r = try SPFParser.parse(
            "v=spf1 +all -include:_spf.example.com ~a ?a:mail.%{d2}/24//64 mx mx:%{d}/16 ptr ptr:example.net ip4:192.0.2.0/24 ip6:2001:db8::/32 exists:%{ir}.bl.example.org redirect=_spf.example.net exp=exp.%{d} x-foo=%{l}  "
        )
        #expect(r.version == "v=spf1")
        #expect(r.terms.count == 14)
        let d = r.directives
        #expect(d[0].qualifier == .pass && d[0].explicitQualifier && d[0].mechanism == .all)
        #expect(d[1].qualifier == .fail)
        if case .include(let spec) = d[1].mechanism {
            #expect(spec.raw == "_spf.example.com" && spec.isLiteral)
        } else {
            Issue.record("include")
        }
        #expect(d[2].qualifier == .softfail && d[2].mechanism == .a(nil, SPFDualCIDR()))
        if case .a(let spec?, let cidr) = d[3].mechanism {
            #expect(spec.raw == "mail.%{d2}" && cidr == SPFDualCIDR(ip4: 24, ip6: 64))
        } else {
            Issue.record("a")
        }
        #expect(d[3].qualifier == .neutral && !d[4].explicitQualifier && d[4].qualifier == .pass)
        if case .mx(let spec?, let cidr) = d[5].mechanism {
            #expect(spec.raw == "%{d}" && cidr.ip4 == 16 && cidr.ip6 == 128)
        } else {
            Issue.record("mx")
        }
        #expect(d[6].mechanism == .ptr(nil))
        #expect(d[8].mechanism == .ip4(IPAddress("192.0.2.0")!, 24))
        #expect(d[9].mechanism == .ip6(IPAddress("2001:db8::")!, 32))
        if case .exists = d[10].mechanism {} else { Issue.record("exists") }
        #expect(r.redirect?.raw == "redirect=_spf.example.net")
        #expect(r.explanation?.raw == "exp=exp.%{d}")
        if case .modifier(let m) = r.terms[13], case .unknown(let name, let value) = m.modifier {
            #expect(name == "x-foo" && value.raw == "%{l}")
        } else {
            Issue.record("unknown modifier")
        }
        // positions: byte ranges into the text
        let text = Array(r.text.utf8)
        for term in r.terms {
            #expect(String(decoding: text[term.range], as: UTF8.self) == term.raw)
        }
        #expect(r.hasAll)
    }

    @Test func ipv4MappedIP6NetworkStaysIPv6() throws {
        let r = try SPFParser.parse("v=spf1 ip6:::ffff:1.2.3.4")
        #expect(r.directives[0].mechanism == .ip6(.v6(0, 0xffff_0102_0304), 128))
    }

    @Test func mechanismNamesAreCaseInsensitive() throws {
        let r = try SPFParser.parse("v=spf1 -ALL Include:x.example.com REDIRECT=y.example.com")
        #expect(r.directives[0].mechanism == .all)
        #expect(r.redirect != nil)
    }

    @Test(arguments: [
        // (record, kind, reason fragment)
        ("v=spf1 include", SPFSyntaxError.Kind.incomplete, "needs \":\""),
        ("v=spf1 include:", .incomplete, "empty domain-spec"),
        ("v=spf1 exists", .incomplete, "needs"),
        ("v=spf1 a:", .incomplete, "empty domain-spec"),
        ("v=spf1 ip4:1.2.3.4/", .incomplete, "without a CIDR"),
        ("v=spf1 exists:%{d", .incomplete, "not closed"),
        ("v=spf1 a:foo%", .incomplete, "at the end"),
        ("v=spf1 -all.", .invalid, "takes no argument"),
        ("v=spf1 -all:foo", .invalid, "takes no argument"),
        ("v=spf1 -all/8", .invalid, "takes no argument"),
        ("v=spf1 moo", .invalid, "unknown mechanism"),
        ("v=spf1 redirect:example.com", .invalid, "is a modifier"),
        ("v=spf1 1up=foo", .invalid, "start with a letter"),
        ("v=spf1 =all", .invalid, "start with a letter"),
        ("v=spf1 a/33", .invalid, "exceeds 32"),
        ("v=spf1 a//129", .invalid, "exceeds 128"),
        ("v=spf1 a/24/64", .invalid, "exceeds 32"),
        ("v=spf1 ip4:1.2.3.4/032", .invalid, "leading zero"),
        ("v=spf1 ip4:1.2.3.4/99999", .invalid, "number from 0"),
        ("v=spf1 ip4:1.2.3.4//32", .invalid, "number from 0"),
        ("v=spf1 ip4:1.2.3", .invalid, "not a dotted-quad"),
        ("v=spf1 ip4:01.2.3.4", .invalid, "not a dotted-quad"),
        ("v=spf1 ip4:1.2.3.4:8080", .invalid, "not a dotted-quad"),
        ("v=spf1 ip4:256.2.3.4", .invalid, "not a dotted-quad"),
        ("v=spf1 ip6::CAFE::BABE", .invalid, "not an IPv6"),
        ("v=spf1 ip6:fe80::1%eth0", .invalid, "not an IPv6"),
        ("v=spf1 ip6:::1/129", .invalid, "exceeds 128"),
        ("v=spf1 ptr/0", .invalid, "no CIDR"),
        ("v=spf1 include:example.com/24", .invalid, "top-level label"),
        ("v=spf1 a:museum", .invalid, "must end in a macro"),
        ("v=spf1 a:museum.", .invalid, "must end in a macro"),
        ("v=spf1 a:abc.123", .invalid, "top-level label"),
        ("v=spf1 a:example.-com", .invalid, "top-level label"),
        ("v=spf1 a:example.com-", .invalid, "top-level label"),
        ("v=spf1 exists:%(ir).example.com", .invalid, "must be followed by"),
        ("v=spf1 exists:%{x}.example.com", .invalid, "not a macro letter"),
        ("v=spf1 exists:%{r}.example.com", .invalid, "only in explanation"),
        ("v=spf1 exists:%{c}.example.com", .invalid, "only in explanation"),
        ("v=spf1 exists:%{t}.example.com", .invalid, "only in explanation"),
        ("v=spf1 exists:%{d0}.example.com", .invalid, "nonzero"),
        ("v=spf1 exists:%{d2x}.example.com", .invalid, "unexpected"),
        ("v=spf1 foo=%abc", .invalid, "must be followed by"),
        ("v=spf1 exp= -all", .incomplete, "empty domain-spec"),
        ("v=spf1 exp=-all", .invalid, "must end in a macro"),
        ("v=spf1 redirect=a.example.com redirect=b.example.com", .invalid, "twice"),
        ("v=spf1 exp=a.example.com exp=b.example.com", .invalid, "twice"),
        ("v=spf1 a:ctrl.example.com\rptr", .invalid, "not allowed"),
        ("v=spf1 a:foo.example.com\0", .invalid, "not allowed"),
        ("v=spf1 \u{80}a", .invalid, "non-ASCII"),
        ("v=spf1 a:\u{FEFF}garbage.example.net", .invalid, "non-ASCII"),
        ("v=spf1 -+all", .invalid, "no mechanism name"),
    ])
    func rejects(text: String, kind: SPFSyntaxError.Kind, reason: String) {
        do {
            let r = try SPFParser.parse(text)
            Issue.record("accepted \(text): \(r)")
        } catch {
            #expect(error.kind == kind, "\(text): \(error)")
            #expect(error.reason.contains(reason), "\(text): \(error.reason)")
            #expect(error.offset >= 0 && error.offset <= text.utf8.count)
        }
    }

    @Test(arguments: [
        "v=spf1 a:foo:bar/baz.example.com", "v=spf1 a:foo.example.xn--zckzah", "v=spf1 a:%{H}.bar",
        "v=spf1 exists:%{i}.%{l2r-}.user.%{d2}", "v=spf1 a:macro%%percent%_%_space%-url-space.example.com",
        "v=spf1 moo.cow-far_out=man:dog/cat", "v=spf1 default=+", "v=spf1 a:1-2.example.1-2",
        "v=spf1 a:example.com.", "v=spf1 a//0 mx/0", "v=spf1 exists:%{D500R=_/,+-.}", "v=spf1  a   -all   ",
    ])
    func accepts(text: String) throws {
        _ = try SPFParser.parse(text)
    }

    @Test func macroTokens() throws {
        let ms = try SPFParser.domainSpec("%{L2r-+}.x%%%_%-.%{ir}.example.com")
        #expect(
            ms.tokens == [
                .macro(SPFMacro(letter: .l, urlEscape: true, rightParts: 2, reverse: true, delimiters: "-+")),
                .literal(".x"), .percent, .space, .urlSpace, .literal("."),
                .macro(SPFMacro(letter: .i, reverse: true)), .literal(".example.com"),
            ])
        #expect(!ms.isLiteral)
    }

    @Test func explainStringAllowsSpacesAndExpOnlyLetters() throws {
        let ms = try SPFParser.explainString("%{c} is not one of %{d}'s servers (%{r} at %{t})")
        #expect(ms.tokens.count == 8)
        #expect(throws: SPFSyntaxError.self) { try SPFParser.explainString("The %{x}-files.") }
        #expect(throws: SPFSyntaxError.self) { try SPFParser.explainString("tab\there") }
    }
}
