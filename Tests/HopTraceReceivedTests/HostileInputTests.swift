import HopTraceCore
import Testing

@testable import HopTraceReceived

// Input is attacker-written. These tests bound behaviour, never wall-clock time.

@Test func hundredThousandCharacterValue() {
    let name = String(repeating: "a", count: 100_000)
    let value = "from \(name) (x [192.0.2.1]) by mx.example with ESMTP id 1; Mon, 1 Jan 2024 10:00:00 +0000"
    let h = ReceivedParser.parse(value)
    #expect(h.raw == value)
    #expect(h.from?.helo?.utf8.count == 100_000)
    #expect(h.from?.ip == IPAddress("192.0.2.1"))
    #expect(h.timestamp?.iso8601 == "2024-01-01T10:00:00Z")
    #expect(h.unparsed.isEmpty)
}

@Test func valueOverTheFieldLimitIsCutAndTheRestKept() {
    let head = "from a.example (a.example [192.0.2.1]) by mx.example with ESMTP id "
    let tailLength = 50_000
    // A multi-byte character straddles the cut: it must not be split.
    var value = head + String(repeating: "z", count: Limits.maxHeaderFieldBytes - head.utf8.count - 1) + "é"
    value += String(repeating: "q", count: tailLength) + "; Mon, 1 Jan 2024 10:00:00 +0000"
    let h = ReceivedParser.parse(value)
    #expect(h.raw == value)
    #expect(h.from?.helo == "a.example")
    #expect(h.timestamp == nil)  // the date lies beyond the limit
    let rest = h.unparsed.last ?? ""
    #expect(rest.hasPrefix("é"))
    #expect(rest.hasSuffix("+0000"))
    #expect(h.id?.utf8.count == Limits.maxHeaderFieldBytes - head.utf8.count - 1)
}

@Test func nulAndControlBytes() {
    let value =
        "from a\u{0}b (x\u{1}y [192.0.2.1]) by c\u{7f}d with ESMTP\u{1b}[31m id 1; Mon, 1 Jan 2024 10:00:00 +0000"
    let h = ReceivedParser.parse(value)
    #expect(h.from?.helo == "a\u{0}b")
    #expect(h.from?.ip == IPAddress("192.0.2.1"))
    #expect(h.by?.name == "c\u{7f}d")
    #expect(h.with?.keyword == "ESMTP\u{1b}[31m")
    #expect(h.timestamp?.iso8601 == "2024-01-01T10:00:00Z")
    #expect(h.raw == value)
}

@Test func tenThousandUnbalancedOpenParentheses() {
    let opens = String(repeating: "(", count: 10_000)
    let h = ReceivedParser.parse("from a.example " + opens + " by b.example; Mon, 1 Jan 2024 10:00:00 +0000")
    #expect(h.from?.helo == "a.example")
    // The unclosed comment swallows the rest; it is kept verbatim, not dropped.
    #expect(h.unparsed == [opens + " by b.example; Mon, 1 Jan 2024 10:00:00 +0000"])
    #expect(h.by == nil)
}

@Test func tenThousandNestedParentheses() {
    let nested = String(repeating: "(", count: 10_000) + "x" + String(repeating: ")", count: 10_000)
    let h = ReceivedParser.parse("by b.example " + nested + " with ESMTP; Mon, 1 Jan 2024 10:00:00 +0000")
    #expect(h.by?.name == "b.example")
    #expect(h.software.count == 1)
    #expect(h.software.first?.utf8.count == 19_999)
    #expect(h.with?.keyword == "ESMTP")
    #expect(h.timestamp != nil)
}

@Test func nestedParenthesesInsideTheFromComment() {
    let nested = String(repeating: "(", count: 10_000) + String(repeating: ")", count: 10_000)
    let h = ReceivedParser.parse(
        "from a.example (x.example [192.0.2.1] " + nested + ") by b.example; Mon, 1 Jan 2024 10:00:00 +0000")
    #expect(h.from?.ip == IPAddress("192.0.2.1"))
    #expect(h.unparsed.count == 1)
    #expect(h.by?.name == "b.example")
}

@Test func strayClosersBracketsAndQuotes() {
    let h = ReceivedParser.parse(
        String(repeating: ")", count: 10_000) + String(repeating: "[", count: 10_000) + " \"unterminated ( [ < ;")
    // The brackets become the from-domain (MDaemon writes no `from`); the rest is unparsed.
    #expect(h.from?.helo?.utf8.count == 10_000)
    #expect(h.unparsed.count == 10_000 + 2)
    #expect(h.timestamp == nil)
}

@Test func emptyAndBlankValues() {
    for v in ["", " ", "\t\r\n", ";", "()", "from", "by", "with", "for", "id"] {
        let h = ReceivedParser.parse(v)
        #expect(h.raw == v)
    }
    #expect(ReceivedParser.parse("()").commentOnly == "")
    #expect(ReceivedParser.parse(";").timestamp == nil)
}

@Test func tenThousandReceivedHeadersAreBounded() {
    let values = (0..<10_000).map { _ in
        (
            value: "(qmail 1 invoked by uid 2); 24 May 2006 13:23:17 -0000",
            location: Optional<HopTraceCore.SourceLocation>.none
        )
    }
    let c = ChainBuilder.build(values)
    #expect(c.hops.count == Limits.maxHopsPerChain)
    #expect(c.findings.count == 1)
    #expect(c.findings.first?.kind == .limitReached)
    #expect(c.findings.first?.summary.contains("9000 older ones were dropped") == true)
}

@Test func hostileNamesAreEscapedInSummaries() {
    let c = ChainBuilder.build([
        (
            value:
                "from evil\u{1b}[2J.example (x [192.0.2.66]) by mx.example with ESMTP; Mon, 1 Jan 2024 10:00:00 +0000",
            location: nil
        ),
        (
            value: "from o.example (o.example [192.0.2.1]) by relay.example with ESMTP; Mon, 1 Jan 2024 10:00:00 +0000",
            location: nil
        ),
    ])
    #expect(c.findings.count == 1)
    #expect(c.findings.first?.summary.contains("\u{1b}") == false)
    #expect(c.findings.first?.summary.contains("evil\\u{1b}[2J.example") == true)
}

// MARK: - Bounds of the dialect paths (each reads its input once, or a fixed number of times)

@Test func manyDateOpeningWordsWithNoSemicolon() {
    // Every word could open a date; only a fixed number of them are tried.
    let words = String(repeating: "Mon 1 Jan ", count: 10_000)
    let value = "from a.example by b.example id " + words
    let h = ReceivedParser.parse(value)
    #expect(h.raw == value)
    #expect(h.timestamp == nil)
    #expect(h.by?.name == "b.example")
    #expect(h.unparsed.count == 3 * 10_000 - 1)
}

@Test func manyWordsAfterTheFromDomain() {
    let words = String(repeating: "word ", count: 20_000)
    let h = ReceivedParser.parse("from a.example " + words + "by b.example with SMTP; Mon, 1 Jan 2024 10:00:00 +0000")
    #expect(h.from?.helo == nil)
    #expect(h.unparsed.count == 1)
    #expect(h.unparsed.first?.utf8.count == "a.example ".utf8.count + words.utf8.count - 1)
    #expect(h.timestamp?.iso8601 == "2024-01-01T10:00:00Z")
}

@Test func repeatedClaimingAndProductWords() {
    let claims = String(repeating: "claiming to be ", count: 4_000)
    let h = ReceivedParser.parse(
        "from a.example(192.0.2.1), " + claims + "by b.example - " + String(repeating: "Filter ", count: 4_000)
            + "(1.0); Mon, 1 Jan 2024 10:00:00 +0000")
    // Each `claiming to be` takes the next word as the claim, the last one is kept; the
    // words between the claims are no name, so the from-domain goes to `unparsed` with them.
    #expect(h.from?.helo == "claiming")
    #expect(h.from?.rdns == nil)
    #expect(h.unparsed.count == 1)
    #expect(h.software.count == 1)
    #expect(h.timestamp != nil)
}

@Test func longBracketsAndZoneNames() {
    let inner = String(repeating: "x", count: 60_000)
    let h = ReceivedParser.parse(
        "from a.example (a.example [" + inner + "]) by b.example; Mon, 1 Jan 2024 10:00:00 "
            + String(repeating: "Pacific ", count: 5_000) + "Time")
    #expect(h.from?.redacted == false)
    #expect(h.unparsed.count == 2)
    #expect(h.timestamp?.iso8601 == "2024-01-01T10:00:00Z")
}
