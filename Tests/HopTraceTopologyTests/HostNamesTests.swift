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
