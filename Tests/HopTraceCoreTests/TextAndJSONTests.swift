import HopTraceCore
import Testing

@Suite struct TerminalTextTests {
    @Test(arguments: [
        ("plain text", "plain text"),
        ("tab\there", "tab here"),
        ("esc\u{1B}[31mred", "esc\\x1B[31mred"),
        ("nul\u{0}byte", "nul\\x00byte"),
        ("bell\u{7}", "bell\\x07"),
        ("del\u{7F}", "del\\x7F"),
        ("c1\u{9B}31m", "c1\\x9B31m"),
        ("new\nline\r", "new\\x0Aline\\x0D"),
        ("rtl \u{202E}gnp.exe", "rtl \\u{202E}gnp.exe"),
        ("isolate\u{2066}", "isolate\\u{2066}"),
        ("ünïcödé ☺", "ünïcödé ☺"),
    ])
    func sanitizes(input: String, expected: String) {
        #expect(TerminalText.sanitize(input) == expected)
    }
}

@Suite struct JSONTests {
    @Test func escapesEveryControlCharacter() {
        let value = JSONValue.string("a\"b\\c\n\u{0}\u{1B}\u{2028}\u{202E}\u{85}é")
        #expect(value.serialized(pretty: false) == #""a\"b\\c\n\u0000\u001b\u2028\u202e\u0085é""#)
    }

    @Test func keepsKeyOrderAndPrettyPrints() {
        let value = JSONValue.object([("z", .int(1)), ("a", .array([.null, .bool(true)])), ("m", .object([])), ("e", .array([]))])
        #expect(value.serialized() == """
        {
          "z": 1,
          "a": [
            null,
            true
          ],
          "m": {},
          "e": []
        }

        """)
    }

    @Test func optionalsBecomeNull() {
        #expect(JSONValue.string(nil as String?).serialized(pretty: false) == "null")
        #expect(JSONValue.int(nil as Int?).serialized(pretty: false) == "null")
        #expect(JSONValue.int(-5 as Int?).serialized(pretty: false) == "-5")
    }
}
