import HopTraceCore

/// Host names as the topology compares them.
enum HostNames {
    /// Names that name nothing: never a reason to join two observations.
    static let meaningless: Set<String> = [
        "localhost", "localhost.localdomain", "localhost4", "localhost6", "localhost4.localdomain4",
        "localhost6.localdomain6", "localdomain", "unknown", "(unknown)", "null", "(null)", "none", "-", "?",
    ]

    /// `meaningless.contains(s)`. Every meaningless name is ASCII and starts with one of
    /// `l u n ( - ?`; a text starting with another ASCII byte is none of them (its first
    /// character starts with that byte, and no character is canonically equivalent to one
    /// starting with another ASCII byte), and is not hashed.
    static func isMeaningless(_ s: String) -> Bool {
        if let f = s.utf8.first, f < 0x80 {
            switch f {
            case UInt8(ascii: "l"), UInt8(ascii: "u"), UInt8(ascii: "n"), UInt8(ascii: "("), UInt8(ascii: "-"),
                UInt8(ascii: "?"):
                break
            default: return false
            }
        }
        return meaningless.contains(s)
    }

    /// The name as `DomainName` normalises it, spaces around it removed. Nil for a name that
    /// names nothing: empty, `localhost`, `unknown`, an address literal as HELO.
    static func key(_ raw: String) -> String? {
        let s = DomainName.normalized(raw.trimmingASCII(where: { $0 == 0x20 }))
        guard !s.isEmpty, !isMeaningless(s) else { return nil }
        if address(in: s) != nil { return nil }
        // Postfix/Exim keep the brackets of a bare literal; Exchange sometimes writes `IPv6:` forms.
        if s.first == "[" || s.hasPrefix("ipv6:") { return nil }
        return s
    }

    /// An address written where a name goes: `[192.0.2.1]`, `IPv6:2001:db8::1`, `2002:a17::…`.
    static func address(in raw: String) -> IPAddress? {
        if cannotBeAddress(raw) { return nil }
        return addressByParsing(raw)
    }

    /// Whether `raw` holds, before any `%`, a byte that no form `address(in:)` reads has there
    /// (the address's hex digits, dots and colons, the brackets, the `IPv6:` prefix's letters):
    /// then `addressByParsing` answers nil, and host names (nearly all of them) skip the parse.
    static func cannotBeAddress(_ raw: String) -> Bool {
        for c in raw.utf8 {
            switch c {
            case UInt8(ascii: "%"): return false
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"),
                UInt8(ascii: "A")...UInt8(ascii: "F"), UInt8(ascii: "."), UInt8(ascii: ":"), UInt8(ascii: "["),
                UInt8(ascii: "]"), UInt8(ascii: "i"), UInt8(ascii: "I"), UInt8(ascii: "p"), UInt8(ascii: "P"),
                UInt8(ascii: "v"), UInt8(ascii: "V"):
                continue
            default: return true
            }
        }
        return false
    }

    /// `address(in:)` without the shortcut: brackets and the `IPv6:` prefix removed, the rest parsed.
    static func addressByParsing(_ raw: String) -> IPAddress? {
        var s = Substring(raw)
        if s.hasPrefix("["), s.hasSuffix("]") { s = s.dropFirst().dropLast() }
        if hasIPv6Prefix(s) { s = s.dropFirst(5) }
        return IPAddress(s)
    }

    /// `s.lowercased().hasPrefix("ipv6:")`. By bytes when the five bytes and the one after them
    /// are ASCII (then they are five characters, lower-cased as ASCII); otherwise by that expression.
    static func hasIPv6Prefix(_ s: Substring) -> Bool {
        let u = s.utf8
        var bytes = u.makeIterator()
        for expected in "ipv6:".utf8 {
            guard let b = bytes.next() else { return false }
            if b >= 0x80 { return s.lowercased().hasPrefix("ipv6:") }
            if ASCIIFold.lower(b) != expected { return false }
        }
        if let next = bytes.next(), next >= 0x80 { return s.lowercased().hasPrefix("ipv6:") }
        return true
    }

    /// A single-label name (`MAIL01`, NetBIOS style): meaningful only inside one network.
    static func isLocal(_ key: String) -> Bool { DomainName(key)?.isSingleLabel ?? true }
}
