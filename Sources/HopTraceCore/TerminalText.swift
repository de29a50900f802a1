/// Makes attacker-written text safe to print: control characters (C0, DEL, C1), and the Unicode
/// bidirectional overrides that can make a line read differently from what it contains, are
/// replaced by visible escapes (`\x1B`, `\u{202E}`). Tabs become spaces.
public enum TerminalText {
    public static func sanitize(_ s: String) -> String {
        var needs = false
        for u in s.unicodeScalars where isUnsafe(u) || u == "\t" {
            needs = true
            break
        }
        if !needs { return s }
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            if u == "\t" {
                out.append(" ")
            } else if isUnsafe(u) {
                let hex = String(u.value, radix: 16, uppercase: true)
                let escaped =
                    u.value < 0x100
                    ? "\\x" + (hex.count < 2 ? "0" + hex : hex)
                    : "\\u{" + hex + "}"
                out.append(contentsOf: escaped.unicodeScalars)
            } else {
                out.append(u)
            }
        }
        return String(out)
    }

    public static func isUnsafe(_ u: Unicode.Scalar) -> Bool {
        let v = u.value
        if v < 0x20 || v == 0x7F { return true }
        if v >= 0x80 && v < 0xA0 { return true }
        // Bidi embeddings/overrides/isolates, line/paragraph separators.
        if (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) || v == 0x2028 || v == 0x2029 { return true }
        return false
    }
}
