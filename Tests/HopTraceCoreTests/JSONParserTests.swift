import HopTraceCore
import HopTraceTestSupport
import Testing

/// `JSONParser` reads back what `JSONValue` writes, and refuses what is not JSON within bounds.
@Suite struct JSONParserTests {
    @Test func readsBackWhatIsWritten() throws {
        let value = JSONValue.object([
            ("s", .string("q\"b\\s/\n\r\t\u{0}\u{1F}\u{7F} bücher \u{1F600} \u{202E}")),
            ("i", .int(Int.min)), ("j", .int(Int.max)), ("z", .int(0)),
            ("a", .array([.null, .bool(true), .bool(false), .array([]), .object([])])),
        ])
        for pretty in [false, true] {
            #expect(try JSONParser.parse(Array(value.serialized(pretty: pretty).utf8)) == value)
        }
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        #expect(try JSONParser.parse(Array(#""\ud83d\ude00\u00e9\/""#.utf8)) == .string("\u{1F600}é/"))
    }

    @Test(arguments: [
        "", "{", "[1,]", "{\"a\"}", "{\"a\":1,}", "01", "-", "1.5", "1e3", "tru", "nul", "\"a", "\"\\x\"",
        "\"\\ud800\"", "\"\\udc00x\"", "\"\u{1}\"", "1 2", "99999999999999999999", "-99999999999999999999",
        "[" + String(repeating: "[", count: 100) + "]",
    ])
    func refuses(_ text: String) {
        #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse(Array(text.utf8)) }
    }

    @Test func refusesInvalidUTF8() {
        #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse([0x22, 0xC3, 0x28, 0x22]) }
    }

    /// Random bytes never crash it and never take it past its depth bound.
    @Test func randomBytesNeverCrash() {
        var g = SplitMix64(state: 7)
        let alphabet = Array("{}[],:\"\\u0123456789-.etruefalsnl \n".utf8)
        for _ in 0..<5_000 {
            let bytes = (0..<Int.random(in: 0...40, using: &g)).map { _ in alphabet.randomElement(using: &g)! }
            _ = try? JSONParser.parse(bytes)
        }
    }
}
