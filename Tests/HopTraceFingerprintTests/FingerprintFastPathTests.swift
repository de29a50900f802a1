import HopTraceTestSupport
import Testing

@testable import HopTraceFingerprint

/// The byte shortcuts of the fingerprinter give what the String expressions they stand for give.
@Suite struct FingerprintFastPathTests {
    static let prefixes = ["2002:a", "email-smtp.", "mimecast-mx", "mail-"]

    static func check(_ s: String) {
        for p in prefixes {
            #expect(TextScan.lowercasedHasPrefix(s, p) == s.lowercased().hasPrefix(p), "\(s.debugDescription) \(p)")
        }
        let lower = s.lowercased()
        let expected = lower == "pps.filterd" || lower == "pps.reinject" ? lower : nil
        #expect(ReceivedScan.proofpointInternalHELO(s) == expected, "\(s.debugDescription)")
    }

    @Test(arguments: [
        "", "2002:a", "2002:A05:6000::1", "2002:a\u{301}", "EMAIL-SMTP.us-east-1.amazonaws.com", "Mimecast-MX01",
        "mimecast-mx\u{301}", "MAIL-pj1", "PPS.FILTERD", "pps.reinject", "pps.filterd\u{301}", "pps.\u{212A}", "İ",
        "email-smtp", "\r\n", "2002:ä",
    ])
    func examples(_ s: String) { Self.check(s) }

    @Test func randomTexts() {
        var g = SplitMix64(state: 77)
        let pieces =
            Self.prefixes + [
                "PPS.", "filterd", "reinject", "X", "a", "\u{301}", "é", "İ", "\u{212A}", "\r", "\n", ".", "-",
            ]
        for _ in 0..<20_000 {
            Self.check((0..<Int.random(in: 0...5, using: &g)).map { _ in pieces.randomElement(using: &g)! }.joined())
        }
    }
}
