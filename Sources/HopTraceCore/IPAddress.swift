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
    /// (Inlinable and thin, so a caller in another module converts its text and calls the
    /// concrete parser instead of making a generic call per address.)
    @inlinable
    public init?<S: StringProtocol>(_ text: S) {
        self.init(parsing: Substring(text))
    }

    @usableFromInline
    init?(parsing text: Substring) {
        var s = text
        if s.utf8.count > 64 { return nil }
        if let pct = s.utf8.firstIndex(of: UInt8(ascii: "%")) {
            let zone = s[s.utf8.index(after: pct)...]
            guard !zone.isEmpty,
                zone.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-") })
            else { return nil }
            s = s[..<pct]
        }
        guard let address = IPAddress(unzoned: s.utf8) else { return nil }
        self = address
    }

    /// `init?(_:)` over UTF-8 bytes, for parsers that hold a header's bytes: the same answer
    /// as for the same text, with no String made.
    public init?(utf8 b: UnsafeBufferPointer<UInt8>) {
        if b.count > 64 { return nil }
        var end = b.count
        if let pct = b.firstIndex(of: UInt8(ascii: "%")) {
            // A zone id of ASCII letters, digits, `.`, `_` and `-` (as `init?(_:)` accepts).
            let zone = b[(pct + 1)...]
            guard !zone.isEmpty,
                zone.allSatisfy({
                    ($0 >= 0x30 && $0 <= 0x39) || (ASCIIFold.lower($0) >= 0x61 && ASCIIFold.lower($0) <= 0x7A)
                        || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
                })
            else { return nil }
            end = pct
        }
        guard let address = IPAddress(unzoned: UnsafeBufferPointer(rebasing: b[..<end])) else { return nil }
        self = address
    }

    /// A dotted quad or an IPv6 text form without a zone.
    @inline(__always)
    init?<C: Collection<UInt8>>(unzoned u: C) {
        if let v4 = IPAddress.dottedQuad(u) {
            self = .v4(v4)
            return
        }
        guard let (hi, lo) = IPAddress.parseIPv6(u) else { return nil }
        // ::ffff:a.b.c.d — IPv4-mapped: read as IPv4.
        if hi == 0 && (lo >> 32) == 0xffff {
            self = .v4(UInt32(truncatingIfNeeded: lo))
        } else {
            self = .v6(hi, lo)
        }
    }

    /// Strict dotted quad: four decimal parts of 1–3 digits, each at most 255; the address as
    /// a number, nil for anything else.
    @inlinable
    public static func dottedQuad<S: Sequence<UInt8>>(_ bytes: S) -> UInt32? {
        var value: UInt32 = 0
        var parts = 0
        var current: UInt32 = 0
        var digits = 0
        for ch in bytes {
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

    /// Strict dotted quad (`dottedQuad`).
    static func parseIPv4(_ s: Substring) -> UInt32? { dottedQuad(s.utf8) }

    // IPv6address (RFC 4291 §2.2): eight groups of 1–4 hex digits separated by `:`, one `::`
    // standing for a run of zero groups, and an optional dotted-quad IPv4 tail in place of the
    // last two groups. One pass over the bytes, no allocation.
    static func parseIPv6(_ s: Substring) -> (UInt64, UInt64)? { parseIPv6(s.utf8) }

    static func parseIPv6<C: Collection<UInt8>>(_ u: C) -> (UInt64, UInt64)? {
        guard !u.isEmpty, u.count <= 64 else { return nil }
        return withUnsafeTemporaryAllocation(of: UInt16.self, capacity: 8) { g -> (UInt64, UInt64)? in
            var count = 0  // groups read
            var gap = -1  // groups read before the `::`, -1 when there is none
            var i = u.startIndex
            let end = u.endIndex
            let colon = UInt8(ascii: ":")
            if u[i] == colon {
                i = u.index(after: i)
                guard i < end, u[i] == colon else { return nil }
                gap = 0
                i = u.index(after: i)
            }
            while i < end {
                let pieceStart = i
                var value: UInt16 = 0
                var digits = 0
                var dotted = false
                while i < end, u[i] != colon {
                    let c = u[i]
                    if c == UInt8(ascii: ".") {
                        dotted = true
                    } else if !dotted {
                        guard let h = hexValue(c), digits < 4 else { return nil }
                        value = value << 4 | UInt16(h)
                        digits += 1
                    }
                    i = u.index(after: i)
                }
                if dotted {
                    // The IPv4 tail: only as the very last piece.
                    guard i == end, count <= 6, let v4 = dottedQuad(u[pieceStart..<i]) else { return nil }
                    g[count] = UInt16(truncatingIfNeeded: v4 >> 16)
                    g[count + 1] = UInt16(truncatingIfNeeded: v4)
                    count += 2
                    break
                }
                guard digits > 0, count < 8 else { return nil }
                g[count] = value
                count += 1
                if i == end { break }
                i = u.index(after: i)  // past `:`
                if i < end, u[i] == colon {
                    guard gap < 0 else { return nil }  // a second `::`
                    gap = count
                    i = u.index(after: i)
                } else if i == end {
                    return nil  // a trailing single `:`
                }
            }
            if gap >= 0 { guard count <= 7 else { return nil } } else { guard count == 8 else { return nil } }
            var hi: UInt64 = 0
            var lo: UInt64 = 0
            let zeros = 8 - count
            for k in 0..<8 {
                let v: UInt16
                if gap < 0 || k < gap { v = g[k] } else if k < gap + zeros { v = 0 } else { v = g[k - zeros] }
                if k < 4 { hi = hi << 16 | UInt64(v) } else { lo = lo << 16 | UInt64(v) }
            }
            return (hi, lo)
        }
    }

    @inline(__always) static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// The eight 16-bit groups of an IPv6 address.
    public var groups: [UInt16]? {
        guard case .v6(let hi, let lo) = self else { return nil }
        return (0..<4).map { UInt16(truncatingIfNeeded: hi >> (48 - 16 * UInt64($0))) }
            + (0..<4).map { UInt16(truncatingIfNeeded: lo >> (48 - 16 * UInt64($0))) }
    }

    /// Canonical text: dotted quad, or RFC 5952 for IPv6 (lower case, longest zero run as `::`).
    public var description: String {
        switch self {
        case .v4(let v):
            // Dotted decimal written in place (at most 15 bytes: a small string, no allocation).
            return String(unsafeUninitializedCapacity: 15) { b in
                var n = 0
                for shift in stride(from: UInt32(24), through: 0, by: -8) {
                    if shift != 24 {
                        b[n] = UInt8(ascii: ".")
                        n += 1
                    }
                    let octet = (v >> shift) & 0xff
                    if octet >= 100 {
                        b[n] = UInt8(ascii: "0") + UInt8(octet / 100)
                        n += 1
                    }
                    if octet >= 10 {
                        b[n] = UInt8(ascii: "0") + UInt8(octet / 10 % 10)
                        n += 1
                    }
                    b[n] = UInt8(ascii: "0") + UInt8(octet % 10)
                    n += 1
                }
                return n
            }
        case .v6(let hi, let lo):
            @inline(__always) func group(_ i: Int) -> UInt16 {
                UInt16(truncatingIfNeeded: (i < 4 ? hi : lo) >> UInt64(48 - 16 * (i & 3)))
            }
            // The longest run of two or more zero groups (the first of equal ones) becomes `::`.
            var bestStart = -1
            var bestLen = 1
            var curLen = 0
            for i in 0..<8 {
                if group(i) == 0 {
                    curLen += 1
                    if curLen > bestLen {
                        bestStart = i - curLen + 1
                        bestLen = curLen
                    }
                } else {
                    curLen = 0
                }
            }
            // Written in place: at most 39 bytes (eight groups of four hex digits and seven colons).
            return String(unsafeUninitializedCapacity: 39) { b in
                let hex: StaticString = "0123456789abcdef"
                var n = 0
                var i = 0
                while i < 8 {
                    if i == bestStart {
                        b[n] = UInt8(ascii: ":")
                        b[n + 1] = UInt8(ascii: ":")
                        n += 2
                        i += bestLen
                        continue
                    }
                    if n > 0 && b[n - 1] != UInt8(ascii: ":") {
                        b[n] = UInt8(ascii: ":")
                        n += 1
                    }
                    let g = group(i)
                    var shift = 12
                    while shift > 0 && (g >> UInt16(shift)) == 0 { shift -= 4 }
                    while shift >= 0 {
                        b[n] = hex.utf8Start[Int((g >> UInt16(shift)) & 0xF)]
                        n += 1
                        shift -= 4
                    }
                    i += 1
                }
                return n
            }
        }
    }

    public static func < (a: IPAddress, b: IPAddress) -> Bool {
        switch (a, b) {
        case (.v4(let x), .v4(let y)): return x < y
        case (.v4, .v6): return true
        case (.v6, .v4): return false
        case (.v6(let ah, let al), .v6(let bh, let bl)): return (ah, al) < (bh, bl)
        }
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
        case (.v4(let net), .v4(let a)):
            if prefixLength == 0 { return true }
            let mask: UInt32 = prefixLength >= 32 ? .max : ~(UInt32.max >> UInt32(prefixLength))
            return net & mask == a & mask
        case (.v6(let nh, let nl), .v6(let ah, let al)):
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
