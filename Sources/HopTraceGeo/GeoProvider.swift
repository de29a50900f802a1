import HopTraceCore

/// Where an analysis gets the country, city, ASN and organisation of an address. `GeoLookup`
/// answers from MaxMind databases; any other source (a web service, a fixed table) can take
/// its place through this protocol, as every DNS source does through `DNSResolver`.
public protocol GeoProvider: Sendable {
    /// Whether any lookup can answer at all; false lets a caller skip the work.
    var isEnabled: Bool { get }

    /// What is known about `ip`, whose address scope is `scope`; nil when nothing is.
    /// Only `.public` addresses have a true answer: for every other scope an implementation
    /// answers nil, whatever its data holds, so that no hop that stayed inside a network is
    /// given a country.
    func lookup(_ ip: IPAddress, scope: AddressScope) -> GeoRecord?

    /// Where the answers come from, one line each (for `GeoLookup`, each database's path,
    /// type and build date), so that a report can say where a country came from.
    var sources: [String] { get }
}
