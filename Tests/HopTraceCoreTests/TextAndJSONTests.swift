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
        let value = JSONValue.object([
            ("z", .int(1)), ("a", .array([.null, .bool(true)])), ("m", .object([])), ("e", .array([])),
        ])
        #expect(
            value.serialized() == """
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

/// The byte-level string writer against a plain per-scalar statement of the same rules, on
/// generated text mixing ASCII, controls, quotes, multi-byte and unsafe characters.
@Suite struct JSONStringEscapingTests {
    static func reference(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if TerminalText.isUnsafe(u) {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    @Test func matchesThePerScalarRules() {
        let pieces: [String] = [
            "a", "Z", " ", "\"", "\\", "\n", "\r", "\t", "\u{0}", "\u{1F}", "\u{7F}", "\u{80}", "\u{9F}",
            "\u{A0}", "é", "\u{2028}", "\u{2029}", "\u{202A}", "\u{202E}", "\u{2066}", "\u{2069}",
            "\u{2067}x", "☺", "😀", "\u{FFFD}", "𝔘", "ab\tcd", "\u{301}",
        ]
        var state: UInt64 = 2024
        for _ in 0..<3_000 {
            var s = ""
            for _ in 0..<Int(state % 12) {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                s += pieces[Int(state >> 33) % pieces.count]
            }
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            #expect(
                JSONValue.string(s).serialized(pretty: false) == Self.reference(s),
                "\(s.unicodeScalars.map { $0.value })")
        }
    }
}

/// The two field writers give the same JSON: the byte writer's output is the list's value
/// serialised compact.
@Suite struct JSONFieldWriterTests {
    static func write<W: JSONFieldWriter>(_ w: inout W) {
        w.field("name", "a\"b\u{1B}")
        w.field("none", nil as String?)
        w.field("n", -3)
        w.field("missing", nil as Int?)
        w.field("flag", true)
        w.field("tree", value: .array([.int(1), .object([("k", .null)])]))
        w.field("list", strings: ["x", "y\n"])
        w.field("empty", strings: [])
        w.object("inner") { o in
            o.field("deep", "v")
            o.object("empty") { _ in }
        }
        w.objects("rows", [1, 2]) { o, i in o.field("i", i) }
        w.objects("norows", [Int]()) { _, _ in }
        w.field("after", false)
    }

    @Test func byteWriterMatchesTheFieldList() {
        var list = JSONFieldList()
        Self.write(&list)
        var bytes = JSONByteFields(JSONBuffer(Array("prefix ".utf8)))
        bytes.begin()
        Self.write(&bytes)
        bytes.end()
        #expect(String(decoding: bytes.bytes, as: UTF8.self) == "prefix " + list.value.serialized(pretty: false))
    }
}
