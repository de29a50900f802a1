import HopTraceCore

/// What the GeoIP/ASN databases say about one address. Every field is optional: a database
/// answers only what it holds (a Country database has no city, an ASN database no country, a
/// GeoIP2-ISP record may carry an organisation without a number).
///
/// Strings are copied out of the database; they are attacker-reachable text only in the sense
/// that the database is a downloaded file, and renderers escape them like any other name.
public struct GeoRecord: Sendable, Hashable {
    /// ISO 3166-1 alpha-2 code of the country the address is located in (`country.iso_code`).
    public var country: String?
    /// English name of that country (`country.names.en`).
    public var countryName: String?
    /// English name of the city (`city.names.en`).
    public var city: String?
    /// Autonomous system number (`autonomous_system_number`).
    public var asn: Int?
    /// Organisation: `autonomous_system_organization`, else GeoIP2-ISP's `organization`, else
    /// its `isp` (the name that goes with the ASN comes first).
    public var org: String?
    /// The network of the database entry that matched, as `address/prefix` in the family of
    /// the address looked up (an IPv4 address in an IPv6 database gives an IPv4 prefix). When
    /// two databases answered, `GeoLookup` keeps the ASN database's network: that is the routed
    /// prefix, the more telling one in a report.
    public var network: String?

    public init(
        country: String? = nil, countryName: String? = nil, city: String? = nil,
        asn: Int? = nil, org: String? = nil, network: String? = nil
    ) {
        self.country = country
        self.countryName = countryName
        self.city = city
        self.asn = asn
        self.org = org
        self.network = network
    }

    /// True when no field but `network` is set: the database matched but holds nothing hoptrace
    /// shows (GeoIP2-City's anycast-only entries are like this).
    public var isEmpty: Bool {
        country == nil && countryName == nil && city == nil && asn == nil && org == nil
    }
}
