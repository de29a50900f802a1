import HopTraceCore
import Testing

@testable import HopTraceAuth

@Suite("SPF macro expansion")
struct SPFMacroTests {
    static let v4 = SPFMacroValues(
        sender: "strong-bad@email.example.com", localPart: "strong-bad",
        senderDomain: "email.example.com", domain: "email.example.com",
        ip: IPAddress("192.0.2.3")!, helo: "mx.example.org",
        validatedName: "mx.example.org", receivingHost: "rx.example.net", timestamp: 1_700_000_000)

    /// RFC 7208 §7.4 examples.
    @Test(arguments: [
        ("%{s}", "strong-bad@email.example.com"),
        ("%{o}", "email.example.com"),
        ("%{d}", "email.example.com"),
        ("%{d4}", "email.example.com"),
        ("%{d3}", "email.example.com"),
        ("%{d2}", "example.com"),
        ("%{d1}", "com"),
        ("%{dr}", "com.example.email"),
        ("%{d2r}", "example.email"),
        ("%{l}", "strong-bad"),
        ("%{l-}", "strong.bad"),
        ("%{lr}", "strong-bad"),
        ("%{lr-}", "bad.strong"),
        ("%{l1r-}", "strong"),
        ("%{ir}.%{v}._spf.%{d2}", "3.2.0.192.in-addr._spf.example.com"),
        ("%{lr-}.lp._spf.%{d2}", "bad.strong.lp._spf.example.com"),
        ("%{lr-}.lp.%{ir}.%{v}._spf.%{d2}", "bad.strong.lp.3.2.0.192.in-addr._spf.example.com"),
        ("%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}", "3.2.0.192.in-addr.strong.lp._spf.example.com"),
        ("%{d2}.trusted-domains.example.net", "example.com.trusted-domains.example.net"),
        ("%{p}.%{h}.x", "mx.example.org.mx.example.org.x"),
        ("%%%_%-", "% %20"),
        ("%{S}", "strong-bad%40email.example.com"),
        ("%{d500r}", "com.example.email"),
        ("%{d1000}", "email.example.com"),
        ("trailing.dot.example.", "trailing.dot.example"),
    ])
    func rfcExamples(spec: String, expected: String) throws {
        let ms = try SPFParser.domainSpec(spec)
        #expect(SPFMacroExpansion.expand(ms, values: Self.v4, mode: .domain) == expected)
    }

    @Test func ipv6Examples() throws {
        var values = Self.v4
        values.ip = IPAddress("2001:db8::cb01")!
        let ms = try SPFParser.domainSpec("%{ir}.%{v}._spf.%{d2}")
        #expect(
            SPFMacroExpansion.expand(ms, values: values, mode: .domain)
                == "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com")
        #expect(
            SPFMacroExpansion.reverseName(values.ip)
                == "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa")
        let exp = try SPFParser.explainString("%{c} %{v}")
        #expect(SPFMacroExpansion.expand(exp, values: values, mode: .explanation) == "2001:db8::cb01 ip6")
    }

    /// The byte-wise reverse name and `%{i}` against their definition (decimal octets
    /// reversed; nibbles as hex digits), over addresses with every octet width and nibble.
    @Test func reverseNameAndDottedMatchTheirDefinition() {
        var addresses: [IPAddress] = [
            IPAddress("0.0.0.0")!, IPAddress("255.255.255.255")!, IPAddress("::")!,
            IPAddress("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")!,
        ]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
        for _ in 0..<200 {
            addresses.append(.v4(UInt32(truncatingIfNeeded: next())))
            addresses.append(.v6(next(), next()))
        }
        for ip in addresses {
            let reference: (reverse: String, dotted: String)
            switch ip {
            case .v4(let v):
                let octets = [v >> 24, v >> 16 & 0xff, v >> 8 & 0xff, v & 0xff].map { String($0) }
                reference = (octets.reversed().joined(separator: ".") + ".in-addr.arpa", octets.joined(separator: "."))
            case .v6(let hi, let lo):
                let hex = String(hi, radix: 16).leftPadded(16) + String(lo, radix: 16).leftPadded(16)
                let digits = hex.map { String($0) }
                reference = (digits.reversed().joined(separator: ".") + ".ip6.arpa", digits.joined(separator: "."))
            }
            #expect(SPFMacroExpansion.reverseName(ip) == reference.reverse, "\(ip)")
            #expect(SPFMacroExpansion.dotted(ip) == reference.dotted, "\(ip)")
        }
    }

    /// The byte-wise transformation (ASCII values) against the character-wise definition:
    /// split at any delimiter, reverse, keep the right-hand parts, join with ".".
    @Test func asciiTransformMatchesCharacterReading() {
        let values = [
            "", ".", "..", "a", "a.b.c", "strong-bad@email.example.com", "a-b+c,d/e_f=g.h", "-.-",
            "a\r\nb.c", "1.2.3.4", ".lead.trail.", "x..y", "%20.%.20",
        ]
        let delimiterSets = ["", ".", "-", "+", ",", "/", "_", "=", ".-+,/_=", "-."]
        for value in values {
            for delimiters in delimiterSets {
                for reverse in [false, true] {
                    for rightParts in [nil, 1, 2, 3, 128] as [Int?] {
                        let m = SPFMacro(letter: .s, rightParts: rightParts, reverse: reverse, delimiters: delimiters)
                        let set = delimiters.isEmpty ? "." : delimiters
                        var parts = value.split(omittingEmptySubsequences: false) { set.contains($0) }
                        if reverse { parts.reverse() }
                        if let n = rightParts, n < parts.count { parts = Array(parts.suffix(n)) }
                        let reference = parts.joined(separator: ".")
                        #expect(
                            SPFMacroExpansion.transformASCII(value, m, delimiters: set) == reference,
                            "\(value) \(delimiters) \(reverse) \(String(describing: rightParts))")
                    }
                }
            }
        }
        #expect(
            SPFMacroExpansion.transformASCII("é.example", SPFMacro(letter: .s, reverse: true), delimiters: ".") == nil)
    }

    @Test func explanationOnlyLettersAndTrailingDot() throws {
        let exp = try SPFParser.explainString("%{c} via %{r} at %{t}. See %{d}.")
        #expect(
            SPFMacroExpansion.expand(exp, values: Self.v4, mode: .explanation)
                == "192.0.2.3 via rx.example.net at 1700000000. See email.example.com.")
    }

    @Test func urlEscapeKeepsUnreservedOnly() {
        #expect(SPFMacroExpansion.urlEscape("~jack&jill=up-a_b3.c") == "~jack%26jill%3Dup-a_b3.c")
        #expect(SPFMacroExpansion.urlEscape("a b/é") == "a%20b%2F%C3%A9")
    }

    @Test func longNamesAreCutFromTheLeftAtLabels() {
        let label = String(repeating: "a", count: 60)
        let long = (0..<6).map { _ in label }.joined(separator: ".") + ".example.com"
        let cut = SPFMacroExpansion.truncateDomain(long)
        #expect(cut.utf8.count <= 253)
        #expect(long.hasSuffix(cut) && cut.hasPrefix("a"))
        #expect(cut == (0..<3).map { _ in label }.joined(separator: ".") + ".example.com")
    }

    /// Macro bombs stay bounded: a thousand %{s} of a long sender, and %{d500r}.
    @Test func macroBombsAreBounded() throws {
        var values = Self.v4
        values.sender = String(repeating: "x.", count: 500) + "@example.com"
        let bomb = "v=spf1 exists:" + String(repeating: "%{s}", count: 3000) + " -all"
        let record = try SPFParser.parse(bomb)
        guard case .exists(let spec) = record.directives[0].mechanism else {
            Issue.record("exists")
            return
        }
        let out = SPFMacroExpansion.expand(spec, values: values, mode: .domain)
        #expect(out.utf8.count <= 253)
        let exp = try SPFParser.explainString(String(repeating: "%{s}", count: 3000))
        #expect(
            SPFMacroExpansion.expand(exp, values: values, mode: .explanation).count == SPFLimits.maxExplanationLength)
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
