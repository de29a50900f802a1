import HopTraceCore

/// Classifies addresses into the contract's scopes from the IANA special-purpose registries.
public enum AddressClassifier {
    /// The registry row an address falls in (most specific), if any.
    public static func entry(for ip: IPAddress) -> SpecialPurposeTable.Entry? {
        entryIndex(for: ip).map { SpecialPurposeTable.entries[$0] }
    }

    /// The index in `SpecialPurposeTable.entries` of the first row whose network holds `ip`:
    /// the rows of the address's family as integers and masks, compared in order (no entry,
    /// and none of its strings, is copied per row).
    static func entryIndex(for ip: IPAddress) -> Int? {
        switch ip {
        case .v4(let a):
            for r in rows.v4 where a & r.mask == r.net { return r.index }
        case .v6(let hi, let lo):
            for r in rows.v6 where hi & r.hiMask == r.hi && lo & r.loMask == r.lo { return r.index }
        }
        return nil
    }

    typealias V4Row = (net: UInt32, mask: UInt32, index: Int)
    typealias V6Row = (hi: UInt64, hiMask: UInt64, lo: UInt64, loMask: UInt64, index: Int)

    /// `SpecialPurposeTable.entries`' networks, masked, in table order: IPv4 and IPv6 apart.
    static let rows: (v4: [V4Row], v6: [V6Row]) = maskedRows(SpecialPurposeTable.entries)

    static func maskedRows(_ entries: [SpecialPurposeTable.Entry]) -> (v4: [V4Row], v6: [V6Row]) {
        var v4: [V4Row] = []
        var v6: [V6Row] = []
        for i in entries.indices {
            let p = entries[i].network.prefixLength
            switch entries[i].network.address {
            case .v4(let net):
                let mask: UInt32 = p == 0 ? 0 : p >= 32 ? .max : ~(UInt32.max >> UInt32(p))
                v4.append((net & mask, mask, i))
            case .v6(let hi, let lo):
                let hiMask: UInt64 = p == 0 ? 0 : p >= 64 ? .max : ~(UInt64.max >> UInt64(p))
                let loMask: UInt64 = p <= 64 ? 0 : p >= 128 ? .max : ~(UInt64.max >> UInt64(p - 64))
                v6.append((hi & hiMask, hiMask, lo & loMask, loMask, i))
            }
        }
        return (v4, v6)
    }

    /// The scope of an address. Addresses in no registry row are public, except IPv6 outside
    /// 2000::/3 (global unicast), which IANA has not allocated: reserved.
    public static func scope(of ip: IPAddress) -> AddressScope {
        if let i = entryIndex(for: ip) {
            if let scope = SpecialPurposeTable.entries[i].scope { return scope }
            if let inner = embeddedIPv4(ip) { return scope(of: inner) }
            return .reserved
        }
        if case .v6(let hi, _) = ip, hi >> 61 != 1 { return .reserved }
        return .public
    }

    /// The IPv4 address inside a NAT64 (64:ff9b::/96) or 6to4 (2002::/16) address.
    public static func embeddedIPv4(_ ip: IPAddress) -> IPAddress? {
        guard case .v6(let hi, let lo) = ip else { return nil }
        if hi >> 48 == 0x2002 { return .v4(UInt32(truncatingIfNeeded: hi >> 16)) }
        if hi == 0x0064_ff9b_0000_0000 && lo >> 32 == 0 { return .v4(UInt32(truncatingIfNeeded: lo)) }
        return nil
    }
}
