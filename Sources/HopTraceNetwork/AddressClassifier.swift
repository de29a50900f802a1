import HopTraceCore

/// Classifies addresses into the contract's scopes from the IANA special-purpose registries.
public enum AddressClassifier {
    /// The registry row an address falls in (most specific), if any.
    public static func entry(for ip: IPAddress) -> SpecialPurposeTable.Entry? {
        SpecialPurposeTable.entries.first { $0.network.contains(ip) }
    }

    /// The scope of an address. Addresses in no registry row are public, except IPv6 outside
    /// 2000::/3 (global unicast), which IANA has not allocated: reserved.
    public static func scope(of ip: IPAddress) -> AddressScope {
        if let e = entry(for: ip) {
            if let scope = e.scope { return scope }
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
