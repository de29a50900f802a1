/// An IPv4 or IPv6 address as written in a header, parsed without any I/O.
///
/// IPv4-mapped IPv6 addresses (`::ffff:192.0.2.1`) are read as IPv4: a relay that logs its
/// IPv4 peers through a dual-stack socket writes them that way (Exim and Postfix on Linux do),
/// and the address it means is the IPv4 one.
public enum IPAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
    case v4(UInt32)
    /// The 128 bits as two halves, most significant first.
    case v6(UInt64, UInt64)

    public var isIPv4: Bool { if case .v4 = self { return true } else { return false } }

    /// Parses a dotted quad or an RFC 4291 text form (with `::`, an embedded IPv4 tail, and an
    /// optional `%zone` suffix, which is accepted and dropped: Exchange writes link-local peers
    /// as `fe80::…%12`). Returns nil for anything else. Never allocates more than the input.
    public init?<S: StringProtocol>(_ text: S) {
        var s = Substring(text)
        if s.count > 64 { return nil }
        if let pct = s.firstIndex(of: "%") {
            let zone = s[s.index(after: pct)...]
            guard !zone.isEmpty, zone.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-") }) else { return nil }
            s = s[..<pct]
        }
        if let v4 = IPAddress.parseIPv4(s) {
            self = .v4(v4)
            return
        }
        guard let (hi, lo) = IPAddress.parseIPv6(s) else { return nil }
        // ::ffff:a.b.c.d — IPv4-mapped: read as IPv4.
        if hi == 0 && (lo >> 32) == 0xffff {
            self = .v4(UInt32(truncatingIfNeeded: lo))
        } else {
            self = .v6(hi, lo)
        }
    }

    /// Strict dotted quad: four decimal parts of 1–3 digits, each at most 255.
    static func parseIPv4(_ s: Substring) -> UInt32? {
        var value: UInt32 = 0
        var parts = 0
        var current: UInt32 = 0
        var digits = 0
        for ch in s.utf8 {
            if ch == UInt8(ascii: ".") {
                guard digits > 0, parts < 3 else { return nil }
                value = value << 8 | current
                parts += 1
                current = 0
                digits = 0
            } else if ch >= UInt8(ascii: "0") && ch <= UInt8(ascii: "9") {
                digits += 1
                guard digits <= 3 else { return nil }
                current = current * 10 + UInt32(ch - UInt8(ascii: "0"))
                guard current <= 255 else { return nil }
            } else {
                return nil
            }
        }
        guard digits > 0, parts == 3 else { return nil }
        return value << 8 | current
    }

    static func parseIPv6(_ s: Substring) -> (UInt64, UInt64)? {
        guard s.contains(":") else { return nil }
        var head: [UInt16] = []
        var tail: [UInt16] = []
        var sawDoubleColon = false
        // Split on "::" at most once.
        let text = String(s)
        let halves = text.components(separatedByDoubleColon: ())
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String, allowIPv4Tail: Bool) -> [UInt16]? {
            if part.isEmpty { return [] }
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            var out: [UInt16] = []
            for (i, piece) in pieces.enumerated() {
                if i == pieces.count - 1, allowIPv4Tail, piece.contains(".") {
                    guard let v4 = parseIPv4(piece) else { return nil }
                    out.append(UInt16(v4 >> 16))
                    out.append(UInt16(v4 & 0xffff))
                    continue
                }
                guard !piece.isEmpty, piece.count <= 4, let v = UInt16(piece, radix: 16) else { return nil }
                out.append(v)
            }
            return out
        }
        if halves.count == 2 {
            sawDoubleColon = true
            guard let h = groups(halves[0], allowIPv4Tail: false),
                  let t = groups(halves[1], allowIPv4Tail: true) else { return nil }
            head = h
            tail = t
            guard head.count + tail.count <= 7 else { return nil }
        } else {
            guard let h = groups(halves[0], allowIPv4Tail: true) else { return nil }
            head = h
            guard head.count == 8 else { return nil }
        }
        var all = head
        if sawDoubleColon {
            all += Array(repeating: 0, count: 8 - head.count - tail.count)
            all += tail
        }
        var hi: UInt64 = 0
        var lo: UInt64 = 0
        for i in 0..<4 { hi = hi << 16 | UInt64(all[i]) }
        for i in 4..<8 { lo = lo << 16 | UInt64(all[i]) }
        return (hi, lo)
    }

    /// The eight 16-bit groups of an IPv6 address.
    public var groups: [UInt16]? {
        guard case let .v6(hi, lo) = self else { return nil }
        return (0..<4).map { UInt16(truncatingIfNeeded: hi >> (48 - 16 * UInt64($0))) }
            + (0..<4).map { UInt16(truncatingIfNeeded: lo >> (48 - 16 * UInt64($0))) }
    }

    /// Canonical text: dotted quad, or RFC 5952 for IPv6 (lower case, longest zero run as `::`).
    public var description: String {
        switch self {
        case let .v4(v):
            return "\(v >> 24).\(v >> 16 & 0xff).\(v >> 8 & 0xff).\(v & 0xff)"
        case .v6:
            let g = groups!
            var bestStart = -1, bestLen = 0, curStart = -1, curLen = 0
            for i in 0..<8 {
                if g[i] == 0 {
                    if curStart < 0 { curStart = i; curLen = 0 }
                    curLen += 1
                    if curLen > bestLen { bestStart = curStart; bestLen = curLen }
                } else {
                    curStart = -1
                }
            }
            if bestLen < 2 { bestStart = -1 }
            var out = ""
            var i = 0
            while i < 8 {
                if i == bestStart {
                    out += "::"
                    i += bestLen
                    continue
                }
                if !out.isEmpty && !out.hasSuffix(":") { out += ":" }
                out += String(g[i], radix: 16)
                i += 1
            }
            return out
        }
    }

    public static func < (a: IPAddress, b: IPAddress) -> Bool {
        switch (a, b) {
        case let (.v4(x), .v4(y)): return x < y
        case (.v4, .v6): return true
        case (.v6, .v4): return false
        case let (.v6(ah, al), .v6(bh, bl)): return (ah, al) < (bh, bl)
        }
    }
}

extension String {
    /// Splits on the literal "::"; the argument only disambiguates the overload.
    fileprivate func components(separatedByDoubleColon _: ()) -> [String] {
        var result: [String] = []
        var current = ""
        var it = self.makeIterator()
        var pendingColon = false
        while let c = it.next() {
            if c == ":" {
                if pendingColon {
                    result.append(current)
                    current = ""
                    pendingColon = false
                } else {
                    pendingColon = true
                }
            } else {
                if pendingColon { current.append(":"); pendingColon = false }
                current.append(c)
            }
        }
        if pendingColon { current.append(":") }
        result.append(current)
        return result
    }
}

/// An address prefix (`10.0.0.0/8`, `fc00::/7`).
public struct IPNetwork: Hashable, Sendable, CustomStringConvertible {
    public let address: IPAddress
    public let prefixLength: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1)
        guard parts.count == 2, let len = Int(parts[1]), let raw = IPAddress.parseRaw(parts[0]) else { return nil }
        let max = raw.isIPv4 ? 32 : 128
        guard len >= 0 && len <= max else { return nil }
        self.address = raw
        self.prefixLength = len
    }

    public func contains(_ ip: IPAddress) -> Bool {
        switch (address, ip) {
        case let (.v4(net), .v4(a)):
            if prefixLength == 0 { return true }
            let mask: UInt32 = prefixLength >= 32 ? .max : ~(UInt32.max >> UInt32(prefixLength))
            return net & mask == a & mask
        case let (.v6(nh, nl), .v6(ah, al)):
            if prefixLength <= 64 {
                if prefixLength == 0 { return true }
                let mask: UInt64 = prefixLength == 64 ? .max : ~(UInt64.max >> UInt64(prefixLength))
                return nh & mask == ah & mask
            }
            let mask: UInt64 = prefixLength == 128 ? .max : ~(UInt64.max >> UInt64(prefixLength - 64))
            return nh == ah && nl & mask == al & mask
        default:
            return false
        }
    }

    public var description: String { "\(address)/\(prefixLength)" }
}

extension IPAddress {
    /// Like `init?`, but keeps `::ffff:0:0/96` as IPv6 (needed to describe that prefix itself).
    static func parseRaw<S: StringProtocol>(_ text: S) -> IPAddress? {
        let s = Substring(text)
        if let v4 = parseIPv4(s) { return .v4(v4) }
        guard let (hi, lo) = parseIPv6(s) else { return nil }
        return .v6(hi, lo)
    }
}
