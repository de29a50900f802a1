import HopTraceTestSupport
import Testing

@testable import HopTraceCore

/// `JSONValue.writeString` skips eight plain bytes at a time (`needsAttention`); the bytes it
/// writes must be those of escaping scalar by scalar (`JSONStringEscapingTests.reference`),
/// wherever the characters that need escaping stand in a long string.
@Suite struct JSONStringEscapeTests {
    static func written(_ s: String) -> String {
        var out: [UInt8] = []
        JSONValue.writeString(s, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    @Test func everyByteValueAtEveryPositionOfAWord() {
        for byte in UInt8(0)...255 {
            for position in 0..<8 {
                var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 8)
                bytes[position] = byte
                let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
                let expected = byte < 0x20 || byte >= 0x7F || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
                #expect(JSONValue.needsAttention(word) == expected, "byte \(byte) at \(position)")
            }
        }
    }

    @Test func randomWordsAgreeWithAByteByByteLook() {
        var g = SplitMix64(state: 7)
        for _ in 0..<20_000 {
            // Mostly plain bytes, a few of every kind, so both answers come up often.
            let bytes = (0..<8).map { _ -> UInt8 in
                Int.random(in: 0..<10, using: &g) == 0
                    ? UInt8.random(in: 0...255, using: &g) : UInt8.random(in: 0x20...0x7E, using: &g)
            }
            let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
            let expected = bytes.contains {
                $0 < 0x20 || $0 >= 0x7F || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\")
            }
            #expect(JSONValue.needsAttention(word) == expected, "\(bytes)")
        }
    }

    @Test func stringsWithSpecialsAnywhereAreEscapedAsScalarByScalar() {
        let specials: [String] = [
            "\"", "\\", "\n", "\r", "\t", "\u{1}", "\u{7F}", "é", "\u{202E}", "\u{85}", "😀", "\u{2028}",
        ]
        var g = SplitMix64(state: 11)
        for _ in 0..<3_000 {
            var s = ""
            for _ in 0..<Int.random(in: 0...40, using: &g) {
                if Int.random(in: 0..<6, using: &g) == 0 {
                    s += specials.randomElement(using: &g)!
                } else {
                    s += String(UnicodeScalar(UInt8.random(in: 0x20...0x7E, using: &g)))
                }
            }
            #expect(Self.written(s) == JSONStringEscapingTests.reference(s), "\(Array(s.utf8))")
        }
    }
}
