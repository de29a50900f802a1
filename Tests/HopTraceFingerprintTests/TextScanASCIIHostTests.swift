import HopTraceCore
import HopTraceTestSupport
import Testing

@testable import HopTraceFingerprint

/// `TextScan.host(asciiName:endsWith:)` gives the answers of `host(normalized:endsWith:)`, the
/// routine it stands for, for every name `asciiName(_:)` lets through; the others are nil.
@Suite struct TextScanASCIIHostTests {
    static let suffixes = [
        "outlook.com", "protection.outlook.com", "google.com", "gmail.com", "mailgun.us", "", "com", ".com", "a.",
    ]

    static func check(_ name: String, _ suffixes: [String]) {
        let key = DomainName.normalized(name)
        guard let bytes = TextScan.asciiName(key) else {
            #expect(key.isEmpty || key.utf8.contains(where: { $0 >= 0x80 }), "\(name.debugDescription)")
            return
        }
        #expect(
            TextScan.host(asciiName: bytes, endsWith: suffixes)
                == TextScan.host(normalized: key, endsWith: suffixes), "\(name.debugDescription) \(suffixes)")
    }

    @Test(arguments: [
        "outlook.com", "OUTLOOK.COM.", "x.outlook.com", "xoutlook.com", ".outlook.com", "a.b.Protection.Outlook.com",
        "outlook.co", "utlook.com", "", ".", "..", "com", ".com", "mail-x.google.com.", "googlemail.com",
        "x.gmail.com..", "ünï.outlook.com", "x.outlook.com\u{301}", "mailgun.us", "a.mailgun.usa",
        "K\u{212A}.gmail.com",
        "a\r\n.outlook.com", "a..outlook.com", "a.", "x.a.",
    ])
    func answersAsTheNormalisedTest(_ name: String) {
        Self.check(name, Self.suffixes)
        for s in Self.suffixes { Self.check(name, [s]) }
        Self.check(name, [])
    }

    @Test func randomNames() {
        var g = SplitMix64(state: 31)
        let pieces = [
            "outlook", "com", "google", "gmail", "mailgun", "us", ".", ".", "x", "A", "-", "é", "\u{301}", "\r\n",
        ]
        for _ in 0..<5000 {
            let name = (0..<Int.random(in: 0...7, using: &g)).map { _ in pieces.randomElement(using: &g)! }.joined()
            Self.check(name, Self.suffixes)
            Self.check(name, [Self.suffixes.randomElement(using: &g)!])
        }
    }

    @Test func noNameHasNoBytes() {
        #expect(TextScan.asciiName(nil) == nil)
        #expect(TextScan.asciiName("") == nil)
        #expect(TextScan.asciiName("ü.com") == nil)
        #expect(TextScan.asciiName("a.com") == Array("a.com".utf8))
    }
}
