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

    // Serialises into bytes: a mailbox of 10,000 messages is one document, and appending
    // bytes is several times cheaper than growing a String scalar by scalar.
    private func write(into out: inout [UInt8], indent: Int) {
        let pretty = indent >= 0
        func newline(_ level: Int) {
            guard pretty else { return }
            out.append(0x0A)
            out.append(contentsOf: repeatElement(0x20, count: 2 * level))
        }
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case let .bool(b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case let .int(i): out.append(contentsOf: String(i).utf8)
        case let .string(s): JSONValue.writeString(s, into: &out)
        case let .array(items):
            if items.isEmpty { out.append(contentsOf: "[]".utf8); return }
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
        case let .object(pairs):
            if pairs.isEmpty { out.append(contentsOf: "{}".utf8); return }
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

    /// RFC 8259 string escaping.
    static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        // Fast path: printable ASCII with nothing to escape is copied as it is, in one append.
        let plain = s.withUTF8 { buffer in
            if buffer.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
                out.append(contentsOf: buffer)
                return true
            }
            return false
        }
        if !plain {
            for u in s.unicodeScalars {
                switch u {
                case "\"": out.append(contentsOf: "\\\"".utf8)
                case "\\": out.append(contentsOf: "\\\\".utf8)
                case "\n": out.append(contentsOf: "\\n".utf8)
                case "\r": out.append(contentsOf: "\\r".utf8)
                case "\t": out.append(contentsOf: "\\t".utf8)
                default:
                    // Control characters, and the characters TerminalText escapes (C1, bidi
                    // overrides, line separators), as \u escapes: the same JSON value, but a
                    // terminal showing the document cannot be steered by it.
                    if u.value < 0x20 || TerminalText.isUnsafe(u) {
                        let hex = String(u.value, radix: 16)
                        out.append(contentsOf: "\\u".utf8)
                        out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: 4 - hex.utf8.count))
                        out.append(contentsOf: hex.utf8)
                    } else {
                        UTF8.encode(u) { out.append($0) }
                    }
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
