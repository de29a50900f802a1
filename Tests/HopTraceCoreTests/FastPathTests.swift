import HopTraceCore
import Testing

/// Byte-level fast paths checked against the String expressions they stand for, on the inputs
/// where the two could part: case, non-ASCII look-alikes, combining marks, CR LF, and texts
/// long enough for the sixteen-byte blocks of `ASCIIFold.firstRange`.
@Suite struct FastPathTests {
    static let texts: [String] = [
        "", "a", "Exchange Online Protection", "microsoft exchange online protection (eop)",
        "EXCHANGE ONLINE", "hMailServer 5.6", "Postfix\r\nExchange", "Exchange\u{301} Online",
        "\u{212A}elvin Exchange", "Exim 4.96", "MDaemon PRO v19.0.2", String(repeating: "x", count: 40) + "Exchange",
        String(repeating: "Exchang", count: 9) + "e", "ExchangeExchange", "exchange\u{0}online",
    ]
    static let needles: [String] = [
        "Exchange", "Exchange Online Protection", "hMailServer", "4.96", "e", "E", "Ex", "k",
    ]

    @Test func containsIgnoringCaseAgreesWithLowercasedContains() {
        for text in Self.texts {
            for needle in Self.needles {
                #expect(
                    ASCIIFold.contains(text, needle, ignoringCase: true)
                        == text.lowercased().contains(needle.lowercased()), "\(text) / \(needle)")
                #expect(
                    ASCIIFold.contains(text, needle, ignoringCase: false) == text.contains(needle),
                    "\(text) / \(needle)")
            }
        }
    }

    /// An empty needle and one with CR or LF take the Unicode path: `_StringProcessing`'s
    /// Character-wise search (the one modules without Foundation call, as the callers do) finds
    /// an empty needle in every text, and no lone CR inside a CR LF character. (This file's
    /// module imports Foundation, whose `contains` answers both otherwise, so it is not the
    /// reference for these.)
    /// The String overload of `ASCIIFold.equal` (length first, then contiguous bytes) gives the
    /// byte-by-byte answer, for Strings and for a String's slice that is not native on its own.
    @Test func stringEqualityAgreesWithTheSequenceComparison() {
        let names = Self.texts + Self.needles + ["DKIM-Signature", "dkim-signature", "DKIM-Signatur", "\u{212A}", "k"]
        for a in names {
            for b in names + names.map({ $0.uppercased() }) {
                let expected = ASCIIFold.equal(Array(a.utf8), Array(b.utf8))
                #expect(ASCIIFold.equal(a.utf8, b.utf8) == expected, "\(a) / \(b)")
                #expect(ASCIIFold.equal(String(Substring(a)).utf8, b.utf8) == expected)
            }
        }
    }

    @Test func emptyNeedleAndLineBreaksTakeTheCharacterPath() {
        for text in Self.texts {
            #expect(ASCIIFold.contains(text, "", ignoringCase: true))
            #expect(ASCIIFold.contains(text, "", ignoringCase: false))
        }
        #expect(!ASCIIFold.contains("Postfix\r\nExchange", "\r", ignoringCase: true))
        #expect(!ASCIIFold.contains("Postfix\r\nExchange", "\r", ignoringCase: false))
        #expect(ASCIIFold.contains("Postfix\r\nExchange", "\r\n", ignoringCase: false))
    }

    @Test func firstRangeFindsTheFirstMatchAtEveryOffset() {
        // A needle placed at every offset of texts longer than one block, in both cases, with
        // look-alike bytes (`@` is `` ` `` with bit 5 set) before it.
        for length in [1, 2, 3, 7, 16, 17] {
            let needle = String("(ab@z[q`1".prefix(length))
            for offset in 0..<40 {
                let filler = String(repeating: "`", count: offset)
                for candidate in [needle, needle.uppercased()] {
                    let text = filler + candidate + "tail" + needle
                    let found = text.withUTF8Bytes { hay in
                        needle.withUTF8Bytes { ASCIIFold.firstRange(of: $0, in: hay) }
                    }
                    let upperMatches = ASCIIFold.equal(candidate.utf8, needle.utf8)
                    let expected = upperMatches ? offset : offset + candidate.utf8.count + 4
                    #expect(found?.lowerBound == expected, "\(text) / \(needle)")
                }
            }
        }
        // From an offset, and nothing found.
        let text = String(repeating: "mapi", count: 10) + "mapi id 15"
        let found = text.withUTF8Bytes { hay in
            "MAPI ID".withUTF8Bytes { ASCIIFold.firstRange(of: $0, in: hay, from: 3) }
        }
        #expect(found == 40..<47)
        #expect(ASCIIFold.firstRange(of: "qqq", in: String(repeating: "q q ", count: 20)) == nil)
    }

    @Test func specificFirstLabelOfASCIINamesAsBeforeAndOthersUnchanged() {
        #expect(DomainName("VE1EUR02FT011.mail.protection.outlook.com")?.specificFirstLabel == "ve1eur02ft011")
        #expect(DomainName("mail01.attacker.example")?.specificFirstLabel == nil)
        #expect(DomainName("HE1PR06CA0108.example")?.specificFirstLabel == nil)
        #expect(DomainName("ab-1234.x..y")?.specificFirstLabel == "ab-1234")
        #expect(DomainName(".ab1234c.x.y")?.specificFirstLabel == "ab1234c")
        #expect(DomainName("123456.x.y")?.specificFirstLabel == nil)
        #expect(DomainName("mx-0001.x.y")?.specificFirstLabel == nil)
        #expect(DomainName("ab12\u{301}cd.x.y")?.specificFirstLabel == "ab12\u{301}cd")
    }

    @Test func timestampsAndAddressesWrittenInPlace() {
        #expect(UTCCalendar.iso8601(0) == "1970-01-01T00:00:00Z")
        #expect(UTCCalendar.iso8601(1_471_684_442) == "2016-08-20T09:14:02Z")
        #expect(UTCCalendar.iso8601(253_402_300_799) == "9999-12-31T23:59:59Z")
        #expect(UTCCalendar.iso8601(253_402_300_800) == "10000-01-01T00:00:00Z")
        #expect(UTCCalendar.iso8601(-1) == "1969-12-31T23:59:59Z")
        for text in ["0.0.0.0", "255.255.255.255", "10.0.100.9", "192.168.1.10", "1.20.199.250"] {
            #expect(IPAddress(text)?.description == text)
        }
    }
}
