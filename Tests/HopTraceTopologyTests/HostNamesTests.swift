import HopTraceTestSupport
import Testing

@testable import HopTraceTopology

/// `HostNames.hasIPv6Prefix` reads bytes where it can; its answer is the Unicode expression's.
@Suite struct HostNamesTests {
    static func reference(_ s: Substring) -> Bool { s.lowercased().hasPrefix("ipv6:") }

    @Test(arguments: [
        "", "ipv6", "ipv6:", "IPv6:", "IPV6:2001:db8::1", "ipv6:\u{301}", "ipv6:é", "ipv6\u{301}:", "ıpv6:", "İpv6:",
        "ipv6;", "ipv6:\r\n", "\u{130}PV6:", "xipv6:", "ipv6:[", "IPv6:2001:db8::1\u{301}",
    ])
    func answersAsLowercasedHasPrefix(_ s: String) {
        #expect(HostNames.hasIPv6Prefix(s[...]) == Self.reference(s[...]), "\(s.debugDescription)")
    }

    @Test func randomTexts() {
        var g = SplitMix64(state: 6)
        let pieces = ["i", "I", "p", "P", "v", "V", "6", ":", "\u{301}", "é", "İ", "\r", "\n", "x", "[", "2001:db8::1"]
        for _ in 0..<5000 {
            let s = (0..<Int.random(in: 0...8, using: &g)).map { _ in pieces.randomElement(using: &g)! }.joined()
            #expect(HostNames.hasIPv6Prefix(s[...]) == Self.reference(s[...]), "\(s.debugDescription)")
            let prefixed = "ipv6:" + s
            #expect(
                HostNames.hasIPv6Prefix(prefixed[...]) == Self.reference(prefixed[...]), "\(prefixed.debugDescription)")
        }
    }
}

/// `HostNames.address(in:)` skips the parse for text that cannot be an address; its answers are
/// those of the parse itself (`addressByParsing`).
@Suite struct HostNamesAddressShortcutTests {
    @Test(arguments: [
        "", "[", "[]", "192.0.2.1", "[192.0.2.1]", "IPv6:2001:db8::1", "[IPv6:2001:DB8::1]", "ipv6:::ffff:192.0.2.1",
        "fe80::1%eth0", "[fe80::1%12]", "fe80::1%", "mail.example.com", "dead.beef", "::", "İpv6:::1", "ıpv6:::1",
        "ipv6:\u{301}::1", "2001:db8::g", "1.2.3.4\u{301}", "[1.2.3.4", "1.2.3.4]", "IPV6:1.2.3.4", "%", "a%b",
    ])
    func examples(_ s: String) {
        #expect(HostNames.address(in: s) == HostNames.addressByParsing(s), "\(s.debugDescription)")
    }

    @Test func randomTexts() {
        var g = SplitMix64(state: 8)
        let pieces = [
            "1", "9", "0", ".", ":", "::", "a", "F", "g", "[", "]", "%", "ipv6:", "IPv6:", "İ", "\u{301}", "255",
            "2001",
            "ffff", "x", "-", " ", "192.0.2.1", "é",
        ]
        for _ in 0..<30_000 {
            let s = (0..<Int.random(in: 0...9, using: &g)).map { _ in pieces.randomElement(using: &g)! }.joined()
            #expect(HostNames.address(in: s) == HostNames.addressByParsing(s), "\(s.debugDescription)")
        }
    }
}

/// `HostNames.isMeaningless` skips the set for names that cannot be in it; its answers are the set's.
@Suite struct HostNamesMeaninglessShortcutTests {
    @Test func everyMeaninglessNameAndRandomTexts() {
        for name in HostNames.meaningless {
            #expect(HostNames.isMeaningless(name))
            #expect(!HostNames.isMeaningless("x" + name))
        }
        var g = SplitMix64(state: 9)
        let pieces = Array(HostNames.meaningless) + ["l", "u", "K", "\u{212A}", "\u{301}", "é", ".", "x", "4", "6"]
        for _ in 0..<20_000 {
            let s = (0..<Int.random(in: 0...3, using: &g)).map { _ in pieces.randomElement(using: &g)! }.joined()
            #expect(HostNames.isMeaningless(s) == HostNames.meaningless.contains(s), "\(s.debugDescription)")
        }
    }
}
