import HopTraceCore
import Testing

@testable import HopTraceMessage

@Suite struct HeaderParserTests {
    struct FoldCase: Sendable, CustomTestStringConvertible {
        var name: String
        var input: [UInt8]
        var testDescription: String { name }
    }

    static let folding: [FoldCase] = [
        FoldCase(name: "CRLF", input: crlf("Subject: first\n second\n\tthird\nTo: b@example.net\n\nbody\n")),
        FoldCase(name: "LF", input: bytes("Subject: first\n second\n\tthird\nTo: b@example.net\n\nbody\n")),
    ]

    @Test(arguments: folding)
    func unfoldsContinuationLines(_ c: FoldCase) throws {
        let r = try HeaderParser.parse(c.input)
        #expect(r.block.fields.map(\.name) == ["Subject", "To"])
        #expect(r.block.fields[0].value == "first second\tthird")
        #expect(r.block.fields[1].value == "b@example.net")
        #expect(r.hasSeparator)
        #expect(Array(c.input[r.bodyStart...]) == bytes(c.input.contains(13) ? "body\r\n" : "body\n"))
        // raw is the exact bytes, location the same range in the input.
        let subject = r.block.fields[0]
        #expect(Array(c.input[subject.location.byteRange]) == subject.raw)
        #expect(subject.location.headerIndex == 0)
        #expect(r.block.fields[1].location.headerIndex == 1)
        #expect(subject.raw.first == UInt8(ascii: "S"))
        #expect(subject.raw.last == UInt8(ascii: "d"))
    }

    @Test func rawAndLocationAreExact() throws {
        let input = bytes("From: a@example.org\nSubject:   spaced  \n\n")
        let r = try HeaderParser.parse(input)
        #expect(r.block.fields[1].raw == bytes("Subject:   spaced  "))
        #expect(r.block.fields[1].location.byteRange == 20..<39)
        // Leading WSP after the colon is trimmed, trailing kept.
        #expect(r.block.fields[1].value == "spaced  ")
    }

    @Test func valueStartingOnContinuationLine() throws {
        let r = try HeaderParser.parse(crlf("Received:\n from a by b;\n Sat, 1 Jan 2000 00:00:00 +0000\n\n"))
        #expect(r.block.fields[0].value == "from a by b; Sat, 1 Jan 2000 00:00:00 +0000")
    }

    @Test(arguments: [
        "From MAILER-DAEMON Sat Aug 20 09:14:02 2016\n", ">From alice@example.org Sat Aug 20 09:14:02 2016\n",
    ])
    func skipsMboxFromLine(_ fromLine: String) throws {
        let r = try HeaderParser.parse(bytes(fromLine + "From: a@example.org\nTo: b@example.net\n\nx"))
        #expect(r.block.fields.map(\.name) == ["From", "To"])
        #expect(r.block.fields[0].location.byteRange.lowerBound == fromLine.utf8.count)
    }

    @Test func keepsEightBitAndInvalidUTF8() throws {
        // "Grüße" in UTF-8, then "café" in raw ISO-8859-1 (0xE9 is not valid UTF-8 alone), then a
        // truncated UTF-8 sequence and a NUL.
        var input = bytes("Subject: Gr\u{00FC}\u{00DF}e\nX-Latin: caf")
        input += [0xE9, 0x20, 0xE2, 0x82, 0x00, 0x41]
        input += bytes("\n\n")
        let r = try HeaderParser.parse(input)
        #expect(r.block.fields[0].value == "Grüße")
        #expect(r.block.fields[1].value == "café \u{E2}\u{82}\u{0}A")
        #expect(r.block.fields[1].raw.count == "X-Latin: caf".utf8.count + 6)
    }

    @Test func obsoleteSpaceBeforeColonAndGarbageLines() throws {
        let r = try HeaderParser.parse(
            bytes("From: a@example.org\nSubject : old style\nthis line is garbage\nTo: b@example.net\n\n"))
        #expect(r.block.fields.map(\.name) == ["From", "Subject", "To"])
        #expect(r.block.fields[1].value == "old style")
        #expect(r.skippedLines == 1)
    }

    @Test func headerWithoutBodyRunsToEnd() throws {
        let input = bytes("From: a@example.org\nTo: b@example.net")
        let r = try HeaderParser.parse(input)
        #expect(r.block.fields.count == 2)
        #expect(r.block.fields[1].value == "b@example.net")
        #expect(!r.hasSeparator)
        #expect(r.bodyStart == input.count)
    }

    struct BadCase: Sendable, CustomTestStringConvertible {
        var name: String
        var input: [UInt8]
        var message: String
        var content: ForeignContent? = nil
        var testDescription: String { name }
    }

    static let bad: [BadCase] = [
        BadCase(name: "empty", input: [], message: "empty input"),
        BadCase(name: "blank lines alone", input: bytes("\n\r\n  \n"), message: "empty input"),
        BadCase(
            name: "PNG", input: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13],
            message: "input looks like a PNG image, not a mail message", content: .png),
        BadCase(
            name: "PDF", input: bytes("%PDF-1.7\n%\u{E2}\u{E3}\n1 0 obj\n"),
            message: "input looks like a PDF document, not a mail message", content: .pdf),
        BadCase(
            name: "ZIP", input: [0x50, 0x4B, 0x03, 0x04, 0x14, 0, 0, 0, 8, 0],
            message: "input looks like a ZIP archive, not a mail message", content: .zip),
        BadCase(
            name: "NUL bytes", input: [UInt8](repeating: 0, count: 4096),
            message: "input looks like binary data, not a mail message", content: .binary),
        BadCase(
            name: "prose", input: bytes("Hello Bob,\nhow are you?\n"),
            message: "input does not start with a mail header"),
    ]

    @Test(arguments: bad)
    func rejectsNonMail(_ c: BadCase) {
        let expected = IntakeError(c.message, position: 0, content: c.content)
        #expect(throws: expected) { try HeaderParser.parse(c.input) }
        #expect(throws: expected) { try MessageIntake.read(c.input) }
    }

    @Test(arguments: ["\n", "\r\n\r\n", " \n\t\n"])
    func leadingBlankLinesBeforeTheHeaderAreSkipped(_ blank: String) throws {
        let r = try MessageIntake.read(bytes(blank + "From: a@example.org\nSubject: x\n\nbody\n"))
        #expect(r.chains[0].headers.fields.map(\.name) == ["From", "Subject"])
    }

    @Test func nulInsideValueIsKept() throws {
        let r = try MessageIntake.read(bytes("Subject: a\u{0}b\nX\u{0}Bad: y\nTo: c@example.net\n\n"))
        #expect(r.chains[0].headers.fields.map(\.name) == ["Subject", "To"])
        #expect(r.chains[0].headers.fields[0].value == "a\u{0}b")
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let r = try MessageIntake.read([0xEF, 0xBB, 0xBF] + bytes("From: a@example.org\n\n"))
        #expect(r.chains[0].headers.fields[0].location.byteRange == 3..<22)
    }
}
