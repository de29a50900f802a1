/// A JSON value with ordered object keys, so output follows the contract's field order and is
/// byte-for-byte reproducible (golden tests depend on it). Not `indirect`: the arrays already
/// hold nested values out of line, and an indirect enum would allocate a box for every number,
/// string and flag of a report.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool { a.serialized() == b.serialized() }
    public func hash(into h: inout Hasher) { h.combine(serialized()) }

    public static func string(_ s: String?) -> JSONValue { s.map { .string($0) } ?? .null }
    public static func int(_ i: Int?) -> JSONValue { i.map { .int($0) } ?? .null }

    /// Pretty-printed with two-space indentation and a trailing newline when `pretty`.
    public func serialized(pretty: Bool = true) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        write(into: &out, indent: pretty ? 0 : -1)
        if pretty { out.append(0x0A) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the serialised value to `out` (compact unless `pretty`, no trailing newline):
    /// for streaming output such as JSON Lines without a String per value.
    public func append(to out: inout [UInt8], pretty: Bool = false) {
        write(into: &out, indent: pretty ? 0 : -1)
    }

    /// Appends the value pretty-printed as if it stood `level` levels deep in a larger
    /// document (nested lines indented accordingly; the first line not): a long array can be
    /// written element by element, byte for byte as the whole document would be.
    public func append(to out: inout [UInt8], prettyAtLevel level: Int) {
        write(into: &out, indent: max(0, level))
    }

    // Serialises into bytes: a mailbox of 10,000 messages is one document, and appending
    // bytes is several times cheaper than growing a String scalar by scalar.
    private func write(into out: inout [UInt8], indent: Int) {
        let pretty = indent >= 0
        func newline(_ level: Int) {
            guard pretty else { return }
            out.append(0x0A)
            JSONValue.appendSpaces(2 * level, to: &out)
        }
        switch self {
        case .null: JSONValue.append("null", to: &out)
        case .bool(let b): JSONValue.append(b ? "true" : "false", to: &out)
        case .int(let i): JSONValue.appendDecimal(i, to: &out)
        case .string(let s): JSONValue.writeString(s, into: &out)
        case .array(let items):
            if items.isEmpty {
                JSONValue.append("[]", to: &out)
                return
            }
            out.append(UInt8(ascii: "["))
            var first = true
            for item in items {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                newline(indent + 1)
                item.write(into: &out, indent: pretty ? indent + 1 : -1)
            }
            newline(indent)
            out.append(UInt8(ascii: "]"))
        case .object(let pairs):
            if pairs.isEmpty {
                JSONValue.append("{}", to: &out)
                return
            }
            out.append(UInt8(ascii: "{"))
            var first = true
            for pair in pairs {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                newline(indent + 1)
                JSONValue.writeString(pair.0, into: &out)
                out.append(UInt8(ascii: ":"))
                if pretty { out.append(0x20) }
                pair.1.write(into: &out, indent: pretty ? indent + 1 : -1)
            }
            newline(indent)
            out.append(UInt8(ascii: "}"))
        }
    }

    /// `count` spaces (indentation), copied from a literal in runs of up to 64.
    @usableFromInline @inline(__always) static func appendSpaces(_ count: Int, to out: inout [UInt8]) {
        let spaces: StaticString = "                                                                "
        var left = count
        spaces.withUTF8Buffer { run in
            while left > 0 {
                let n = min(left, run.count)
                out.append(contentsOf: UnsafeBufferPointer(rebasing: run[0..<n]))
                left -= n
            }
        }
    }

    /// The decimal digits of `value` (with a `-` when negative), as `String(value)` writes them,
    /// with no String in between.
    static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        if value >= 0 && value < 10 {
            out.append(UInt8(ascii: "0") + UInt8(value))
            return
        }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for 20 digits
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[23 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            if value < 0 { out.append(UInt8(ascii: "-")) }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[(24 - count)...]))
        }
    }

    /// A string field's value: the string, or null.
    @inline(__always) static func appendValue(_ value: String?, to out: inout [UInt8]) {
        if let value { writeString(value, into: &out) } else { append("null", to: &out) }
    }

    /// An integer field's value: its digits, or null.
    @inline(__always) static func appendValue(_ value: Int?, to out: inout [UInt8]) {
        if let value { appendDecimal(value, to: &out) } else { append("null", to: &out) }
    }

    /// A literal's bytes, copied straight from the binary (no String in between).
    @inlinable @inline(__always) static func append(_ literal: StaticString, to out: inout [UInt8]) {
        literal.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    /// RFC 8259 string escaping. Runs of bytes that need nothing are copied whole; `"`, `\\`
    /// and control characters are escaped, and so are the characters TerminalText escapes (C1,
    /// bidi overrides, line separators) as \u escapes: the same JSON value, but a terminal
    /// showing the document cannot be steered by it.
    static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { b in
            let n = b.count
            var run = 0  // start of the bytes not yet copied
            var i = 0
            func flush(_ end: Int) {
                if end > run { out.append(contentsOf: UnsafeBufferPointer(rebasing: b[run..<end])) }
            }
            while i < n {
                // Eight plain bytes at a time (the usual case): skipped without a look at each.
                if i + 8 <= n, let base = b.baseAddress,
                    !JSONValue.needsAttention(UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
                {
                    i += 8
                    continue
                }
                let c = b[i]
                if c >= 0x20 && c < 0x7F && c != UInt8(ascii: "\"") && c != UInt8(ascii: "\\") {
                    i += 1
                    continue
                }
                if c >= 0x80 {
                    // A multi-byte scalar (the String is valid UTF-8): escape only the unsafe ones.
                    let length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2
                    var value = UInt32(c) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
                    for k in 1..<length where i + k < n { value = value << 6 | UInt32(b[i + k] & 0x3F) }
                    if let scalar = Unicode.Scalar(value), TerminalText.isUnsafe(scalar) {
                        flush(i)
                        escapeU(value, into: &out)
                        run = i + length
                    }
                    i += length
                    continue
                }
                flush(i)
                switch c {
                case UInt8(ascii: "\""): append("\\\"", to: &out)
                case UInt8(ascii: "\\"): append("\\\\", to: &out)
                case 0x0A: append("\\n", to: &out)
                case 0x0D: append("\\r", to: &out)
                case 0x09: append("\\t", to: &out)
                default: escapeU(UInt32(c), into: &out)
                }
                i += 1
                run = i
            }
            flush(n)
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Whether any of eight bytes (read as one little- or big-endian word: byte order does not
    /// matter) is one `writeString` must look at: a control byte (below 0x20), DEL, `"`, `\`
    /// or a byte of a multi-byte scalar (0x80 and up). Exact, with no false negatives: each
    /// test is the classic "has a byte less than n" / "has a zero byte" word trick.
    @inline(__always) static func needsAttention(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func hasZero(_ v: UInt64) -> Bool { (v &- ones) & ~v & highs != 0 }
        if word & highs != 0 { return true }  // a byte ≥ 0x80
        // Every byte is below 0x80 from here, where "less than 0x20" is exact.
        if (word &- ones &* 0x20) & ~word & highs != 0 { return true }
        return hasZero(word ^ (ones &* 0x22)) || hasZero(word ^ (ones &* 0x5C)) || hasZero(word ^ (ones &* 0x7F))
    }

    /// `\u` and four lower-case hex digits (every escaped character is below U+10000).
    static func escapeU(_ value: UInt32, into out: inout [UInt8]) {
        let hex: StaticString = "0123456789abcdef"
        append("\\u", to: &out)
        hex.withUTF8Buffer { digits in
            for shift in stride(from: 12, through: 0, by: -4) {
                out.append(digits[Int((value >> UInt32(shift)) & 0xF)])
            }
        }
    }
}
