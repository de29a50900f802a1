import HopTraceCore
import Testing

@testable import HopTraceAuth

/// `SPFBatch.parse` without the binary: sections, field rules and the first bad line's number.
@Suite struct SPFBatchParserTests {
    @Test func queriesFallIntoTheSectionOfTheSnapshotLineBeforeThem() throws {
        let text = """
            # comment
            192.0.2.1 example.com a@example.com h.example

            @snapshot  zones/one zone.txt \r
            2001:db8::1\texample.org - -\r
            """
        let sections = try SPFBatch.parse(Array(text.utf8))
        #expect(sections.count == 2)
        #expect(sections[0].snapshot == nil && sections[0].line == 0)
        #expect(
            sections[0].queries == [
                SPFBatch.Query(
                    ip: IPAddress("192.0.2.1")!, domain: "example.com",
                    sender: "a@example.com", helo: "h.example")
            ])
        #expect(sections[1].snapshot == "zones/one zone.txt" && sections[1].line == 4)
        #expect(
            sections[1].queries == [
                SPFBatch.Query(
                    ip: IPAddress("2001:db8::1")!, domain: "example.org",
                    sender: "", helo: "example.org")
            ])
    }

    @Test(arguments: [
        ("ok 1 2 3 4 5", 2, "want 4 fields"),
        ("192.0.2.999 example.com a h", 2, "\"192.0.2.999\" is not an IPv4 or IPv6 address"),
        ("@include x", 2, "unknown directive \"@include\""),
        ("@snapshot", 2, "@snapshot needs a zone file path"),
        ("@\u{1B}[31m x", 2, "unknown directive \"@"),
    ])
    func theFirstBadLineFailsTheBatch(_ line: String, _ number: Int, _ message: String) {
        #expect {
            _ = try SPFBatch.parse(Array("192.0.2.1 example.com a h\n\(line)\n".utf8))
        } throws: { error in
            guard let error = error as? SPFBatch.LineError else { return false }
            return error.line == number && error.message.hasPrefix(message) && !error.message.contains("\u{1B}")
        }
    }

    @Test func aFieldThatIsNotUTF8IsRefused() {
        let bytes = Array("192.0.2.1 example.com u".utf8) + [0xFF] + Array(" h.example\n".utf8)
        #expect(throws: SPFBatch.LineError(line: 1, message: "not UTF-8")) { try SPFBatch.parse(bytes) }
    }
}
