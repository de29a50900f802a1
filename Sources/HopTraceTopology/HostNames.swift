import HopTraceCore

/// Host names as the topology compares them.
enum HostNames {
    /// Names that name nothing: never a reason to join two observations.
    static let meaningless: Set<String> = [
        "localhost", "localhost.localdomain", "localhost4", "localhost6", "localhost4.localdomain4",
        "localhost6.localdomain6", "localdomain", "unknown", "(unknown)", "null", "(null)", "none", "-", "?",
    ]

    /// The name as `DomainName` normalises it, spaces around it removed. Nil for a name that
    /// names nothing: empty, `localhost`, `unknown`, an address literal as HELO.
    static func key(_ raw: String) -> String? {
        let s = DomainName.normalized(raw.trimmingASCII(where: { $0 == 0x20 }))
        guard !s.isEmpty, !meaningless.contains(s) else { return nil }
        if address(in: s) != nil { return nil }
        // Postfix/Exim keep the brackets of a bare literal; Exchange sometimes writes `IPv6:` forms.
        if s.first == "[" || s.hasPrefix("ipv6:") { return nil }
        return s
    }

    /// An address written where a name goes: `[192.0.2.1]`, `IPv6:2001:db8::1`, `2002:a17::…`.
    static func address(in raw: String) -> IPAddress? {
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
