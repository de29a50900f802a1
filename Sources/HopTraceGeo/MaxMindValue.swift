/// One value from a MaxMind DB data section, copied out into Swift.
///
/// `MaxMindDatabase.lookup` reads only the fields hoptrace shows; `MaxMindDatabase.record(for:)`
/// decodes a whole record into this type, for callers (and tests) that need other fields. The
/// cases follow the MMDB type system (MaxMind DB spec §"Data Section"), with the integer widths
/// folded together because no caller cares how a number was stored.
public indirect enum MaxMindValue: Sendable, Hashable {
    case string(String)
    case double(Double)
    case float(Float)
    case bytes([UInt8])
    /// uint16, uint32 and uint64.
    case unsigned(UInt64)
    /// int32.
    case signed(Int64)
    /// uint128, as its high and low 64 bits.
    case uint128(high: UInt64, low: UInt64)
    case bool(Bool)
    case array([MaxMindValue])
    case map([String: MaxMindValue])

    /// The value at a path of map keys and array indices (`["subdivisions", "0", "iso_code"]`),
    /// like `MMDB_aget_value`'s paths. Nil when the path does not lead anywhere.
    public subscript(path: [String]) -> MaxMindValue? {
        var current = self
        for key in path {
            switch current {
            case .map(let m):
                guard let next = m[key] else { return nil }
                current = next
            case .array(let a):
                guard let i = Int(key), a.indices.contains(i) else { return nil }
                current = a[i]
            default:
                return nil
            }
        }
        return current
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// Any integer case that fits an `Int`.
    public var intValue: Int? {
        switch self {
        case .unsigned(let u): return Int(exactly: u)
        case .signed(let i): return Int(exactly: i)
        default: return nil
        }
    }

    /// Leaf values keyed by their dotted path (`"city.names.en"`, `"subdivisions.0.iso_code"`).
    /// Maps and arrays are walked, never listed themselves; an empty one lists nothing.
    public var flattened: [String: MaxMindValue] {
        var out: [String: MaxMindValue] = [:]
        func walk(_ v: MaxMindValue, _ prefix: String) {
            switch v {
            case .map(let m):
                for (k, child) in m { walk(child, prefix.isEmpty ? k : prefix + "." + k) }
            case .array(let a):
                for (i, child) in a.enumerated() { walk(child, prefix.isEmpty ? "\(i)" : prefix + ".\(i)") }
            default:
                out[prefix] = v
            }
        }
        walk(self, "")
        return out
    }
}
