import HopTraceCore
import Testing

@testable import HopTraceFingerprint

/// `TextScan.host(normalized:endsWith:)` compares ASCII names as bytes: the same answers as the
/// String comparison it stands for (equal to a suffix, or ending in `.` and the suffix).
@Suite struct TextScanHostTests {
    static let suffixes = ["outlook.com", "protection.outlook.com", "google.com", "gmail.com", "mailgun.us"]

    static func byStrings(_ name: String?) -> Bool {
        guard let n = name.map(DomainName.normalized), !n.isEmpty else { return false }
        return suffixes.contains { n == $0 || n.hasSuffix("." + $0) }
    }

    @Test(arguments: [
        "outlook.com", "OUTLOOK.COM.", "x.outlook.com", "xoutlook.com", ".outlook.com", "a.b.Protection.Outlook.com",
        "outlook.co", "utlook.com", "", ".", "com", "mail-x.google.com.", "googlemail.com", "x.gmail.com..",
        "ünï.outlook.com", "x.outlook.com\u{301}", "x.\u{301}outlook.com", "mailgun.us", "a.mailgun.usa",
        "K\u{212A}.gmail.com",
    ])
    func bytesAnswerAsStringsDo(_ name: String) {
        let key = DomainName.normalized(name)
        #expect(TextScan.host(normalized: key, endsWith: Self.suffixes) == Self.byStrings(name), "\(name)")
        #expect(TextScan.host(name, endsWith: Self.suffixes) == Self.byStrings(name), "\(name)")
    }

    @Test func noNameIsNoHost() {
        #expect(!TextScan.host(nil, endsWith: Self.suffixes))
        #expect(!TextScan.host(normalized: nil, endsWith: Self.suffixes))
    }
}
