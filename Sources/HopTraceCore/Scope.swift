/// Where an address can be reached from: the contract's `scope` values.
public enum AddressScope: String, Sendable, Hashable, CaseIterable, Codable {
    case `public`
    case `private`
    case shared
    case loopback
    case linkLocal = "link-local"
    case documentation
    case reserved

    /// True for addresses that cannot appear on the open internet.
    public var isInternal: Bool { self != .public }
}
