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
        let out = JSONBuffer(capacity: 4096)
        write(into: out, indent: pretty ? 0 : -1)
        if pretty { out.append(0x0A) }
        return out.withBytes { String(decoding: $0, as: UTF8.self) }
    }

    /// Appends the serialised value to `out` (compact unless `pretty`, no trailing newline):
    /// for streaming output such as JSON Lines without a String per value.
    public func append(to out: inout [UInt8], pretty: Bool = false) {
        append(to: &out, indent: pretty ? 0 : -1)
    }

    /// Appends the value pretty-printed as if it stood `level` levels deep in a larger
    /// document (nested lines indented accordingly; the first line not): a long array can be
    /// written element by element, byte for byte as the whole document would be.
    public func append(to out: inout [UInt8], prettyAtLevel level: Int) {
        append(to: &out, indent: max(0, level))
    }

    private func append(to out: inout [UInt8], indent: Int) {
        let buffer = JSONBuffer(capacity: 1024)
        write(into: buffer, indent: indent)
        buffer.copy(to: &out)
    }

    /// Appends the serialised value to `out`: compact when `indent` is negative, else
    /// pretty-printed as if it stood `indent` levels deep (the first line not indented).
    public func write(into out: JSONBuffer, indent: Int) {
        let pretty = indent >= 0
        switch self {
        case .null: out.append("null")
        case .bool(let b): out.append(b ? "true" : "false")
        case .int(let i): out.appendDecimal(i)
        case .string(let s): out.appendString(s)
        case .array(let items):
            if items.isEmpty {
                out.append("[]")
                return
            }
            out.append(UInt8(ascii: "["))
            var first = true
            for item in items {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                if pretty { out.newline(indent + 1) }
                item.write(into: out, indent: pretty ? indent + 1 : -1)
            }
            if pretty { out.newline(indent) }
            out.append(UInt8(ascii: "]"))
        case .object(let pairs):
            if pairs.isEmpty {
                out.append("{}")
                return
            }
            out.append(UInt8(ascii: "{"))
            var first = true
            for pair in pairs {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                if pretty { out.newline(indent + 1) }
                out.appendString(pair.0)
                out.append(UInt8(ascii: ":"))
                if pretty { out.append(0x20) }
                pair.1.write(into: out, indent: pretty ? indent + 1 : -1)
            }
            if pretty { out.newline(indent) }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// RFC 8259 string escaping (`JSONBuffer.appendString`), appended to `out`.
    static func writeString(_ s: String, into out: inout [UInt8]) {
        let buffer = JSONBuffer(capacity: s.utf8.count + 16)
        buffer.appendString(s)
        buffer.copy(to: &out)
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
}
