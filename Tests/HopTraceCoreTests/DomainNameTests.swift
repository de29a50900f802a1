import HopTraceTestSupport
import Testing

@testable import HopTraceCore

@Suite struct DomainNameTests {
    @Test(arguments: [
        ("Mail-PJ1-F45.Google.COM.", "mail-pj1-f45.google.com"),
        ("example.com..", "example.com"),
        ("example.com", "example.com"),
        ("ÉXAMPLE.com.", "éxample.com"),
        (".", ""),
        ("", ""),
    ])
    func normalized(_ raw: String, _ expected: String) {
        #expect(DomainName.normalized(raw) == expected)
        #expect(DomainName(raw)?.text == (expected.isEmpty ? nil : expected))
    }

    @Test(
        arguments: [
            ("example.com", nil),
            ("", "empty name"),
            ("a..b", "empty label in \"a..b\""),
            ("a.b.", "empty label in \"a.b.\""),
            (String(repeating: "x", count: 64) + ".example", "label longer than 63 octets"),
            (
                Array(repeating: String(repeating: "x", count: 63), count: 4).joined(separator: "."),
                "name longer than 255 octets"
            ),
            (
                Array(repeating: String(repeating: "x", count: 63), count: 3).joined(separator: ".") + "."
                    + String(repeating: "y", count: 61), nil
            ),
        ] as [(String, String?)])
    func problem(_ name: String, _ expected: String?) {
        #expect(DomainName.problem(name) == expected)
    }

    @Test func labels() throws {
        let n = try #require(DomainName("MAIL01.corp.example."))
        #expect(n.firstLabel == "mail01")
        #expect(n.labels == ["mail01", "corp", "example"])
        #expect(!n.isSingleLabel)
        #expect(DomainName("MAIL01")?.isSingleLabel == true)
        #expect(DomainName("VE1EUR02FT011.mail.protection.outlook.com")?.specificFirstLabel == "ve1eur02ft011")
        #expect(DomainName("mail01.corp.example")?.specificFirstLabel == nil)  // generic word and a number
        #expect(DomainName("ab12cd.example")?.specificFirstLabel == nil)  // two labels: the organisation's own name
        #expect(DomainName("HE1PR06CA0108.outlook.office365.com")?.organisationKey() == "op:Microsoft")
        #expect(DomainName("mx.example.co.uk")?.organisationKey() == "example.co.uk")
    }
}

@Suite struct UTCCalendarTests {
    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00Z"),
        (1_471_684_442, "2016-08-20T09:14:02Z"),
        (-1, "1969-12-31T23:59:59Z"),
        (951_782_400, "2000-02-29T00:00:00Z"),
        (253_402_300_799, "9999-12-31T23:59:59Z"),
        (-62_135_596_800, "0001-01-01T00:00:00Z"),
    ])
    func iso8601(_ t: Int64, _ text: String) {
        #expect(UTCCalendar.iso8601(t) == text)
        #expect(UTCCalendar.isoDay(t) == String(text.prefix(10)))
    }

    @Test func civilRoundTrip() {
        for days in stride(from: Int64(-800_000), through: 800_000, by: 997) {
            let (y, m, d) = UTCCalendar.civilFromDays(days)
            #expect(UTCCalendar.daysFromCivil(year: y, month: m, day: d) == days)
        }
        #expect(UTCCalendar.daysInMonth(year: 1900, month: 2) == 28)
        #expect(UTCCalendar.daysInMonth(year: 2000, month: 2) == 29)
    }
}

@Suite struct ASCIITrimTests {
    @Test func trims() {
        #expect(" \t\u{7F}a b\r\n\u{0}".trimmingASCII() == "a b")
        #expect("\u{A0}x\u{A0}".trimmingASCII() == "\u{A0}x\u{A0}")  // non-ASCII white space stays
        #expect(" \u{301}x ".trimmingASCII(where: ASCIITrim.isWSP) == "\u{301}x")
        #expect("\r\n x \r\n".trimmingASCII(where: ASCIITrim.isWSP) == "\r\n x \r\n")
        #expect(Array(ASCIITrim.trimmed([0x20, 0x41, 0x0A] as [UInt8])) == [0x41])
        #expect("   ".trimmingASCII().isEmpty)
    }
}

/// `DomainName.normalized` reads contiguous ASCII text by bytes; its answers are those of the
/// routine over the string's views (`normalizedByCharacters`), for Strings and Substrings.
@Suite struct DomainNameNormalizedFastPathTests {
    static func check(_ s: String) {
        let reference = DomainName.normalizedByCharacters(s)
        #expect(DomainName.normalized(s) == reference, "\(s.debugDescription)")
        #expect(DomainName.normalized(s).utf8.elementsEqual(reference.utf8), "\(s.debugDescription)")
        let padded = "[" + s + "]"
        // Cut by scalars: a combining mark at the start of `s` joins the bracket into one character.
        let inner = Substring(padded.unicodeScalars.dropFirst().dropLast())
        #expect(DomainName.normalized(inner).utf8.elementsEqual(reference.utf8), "\(s.debugDescription)")
    }

    @Test(arguments: [
        "", ".", "..", "a.", "A.", "Mail.Example.COM..", "mail.example.com", "@[\\]^`{|}~", "\u{0}.\u{7F}",
        "MAIL.é.", "É", "İ.com", "K\u{212A}", "a\r\nb", "\u{301}A.", "ZZ.", "ab.c\u{0}",
    ])
    func examples(_ s: String) { Self.check(s) }

    @Test func randomTexts() {
        var g = SplitMix64(state: 41)
        let pieces = ["a", "Z", "z", "A", ".", "..", "@", "[", "`", "{", "0", "-", "é", "İ", "\u{212A}", "\r\n", " "]
        for _ in 0..<20_000 {
            Self.check((0..<Int.random(in: 0...10, using: &g)).map { _ in pieces.randomElement(using: &g)! }.joined())
        }
    }
}
