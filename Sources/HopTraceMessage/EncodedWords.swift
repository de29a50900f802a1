/// RFC 2047 encoded words, decoded for display (Subject, From display names).
///
///     encoded-word = "=?" charset "?" encoding "?" encoded-text "?="
///     encoding     = "B" / "Q"
///
/// Header values themselves keep the encoded words as written (evidence); only what a person
/// reads goes through `decode`.
public enum EncodedWords {
    private struct Word {
        var charset: String
        var bytes: [UInt8]
        var end: Int
    }

    /// Decodes every encoded word whose charset is UTF-8, US-ASCII or ISO-8859-1; encoded words
    /// in other charsets, and malformed ones, stay as written. Whitespace between two adjacent
    /// encoded words is dropped (RFC 2047 §6.2).
    public static func decode(_ s: String) -> String {
        guard s.contains("=?") else { return s }
        let b = Array(s.utf8)
        var out = ""
        var literalStart = 0
        var i = 0
        // Bytes of consecutive encoded words in the same charset are decoded together: Outlook
        // and several webmailers split one UTF-8 character across two encoded words.
        var pending: [UInt8] = []
        var pendingCharset = ""
        var afterWord = false

        func flush() {
            if !pending.isEmpty || !pendingCharset.isEmpty {
                out += TextDecoding.decode(pending, charset: pendingCharset) ?? ""
            }
            pending.removeAll()
            pendingCharset = ""
        }

        while i + 1 < b.count {
            if b[i] == UInt8(ascii: "="), b[i + 1] == UInt8(ascii: "?"), let word = encodedWord(b, at: i) {
                let between = b[literalStart..<i]
                let onlySpace = between.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }
                if !(afterWord && onlySpace) {
                    flush()
                    out += String(decoding: between, as: UTF8.self)
                } else if word.charset != pendingCharset {
                    flush()
                }
                pendingCharset = word.charset
                pending += word.bytes
                afterWord = true
                i = word.end
                literalStart = i
                continue
            }
            i += 1
        }
        flush()
        out += String(decoding: b[literalStart...], as: UTF8.self)
        return out
    }

    /// The encoded word starting at `at`, when it is well formed and in a charset we decode.
    private static func encodedWord(_ b: [UInt8], at: Int) -> Word? {
        let q = UInt8(ascii: "?")
        var j = at + 2
        let charsetStart = j
        while j < b.count, b[j] != q, b[j] > 0x20, j - charsetStart < 64 { j += 1 }
        guard j < b.count, b[j] == q, j > charsetStart else { return nil }
        let charset = String(decoding: b[charsetStart..<j], as: UTF8.self).lowercased()
        guard TextDecoding.decode([], charset: charset) != nil else { return nil }
        guard j + 2 < b.count, b[j + 2] == q else { return nil }
        let encoding = b[j + 1] | 0x20
        let textStart = j + 3
        var k = textStart
        while k < b.count, b[k] != q, b[k] > 0x20 { k += 1 }
        guard k + 1 < b.count, b[k] == q, b[k + 1] == UInt8(ascii: "=") else { return nil }
        let text = b[textStart..<k]
        let bytes: [UInt8]
        switch encoding {
        case UInt8(ascii: "b"):
            bytes = TransferEncoding.decodeBase64(text)
        case UInt8(ascii: "q"):
            bytes = decodeQ(text)
        default:
            return nil
        }
        return Word(charset: charset, bytes: bytes, end: k + 2)
    }

    /// RFC 2047 §4.2 "Q": quoted-printable where "_" is a space.
    private static func decodeQ(_ text: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            if c == UInt8(ascii: "_") {
                out.append(0x20)
            } else if c == UInt8(ascii: "="), i + 2 < text.endIndex,
                let hi = TransferEncoding.hexValue(text[i + 1]), let lo = TransferEncoding.hexValue(text[i + 2])
            {
                out.append(hi << 4 | lo)
                i += 2
            } else {
                out.append(c)
            }
            i += 1
        }
        return out
    }
}
