/// Why a MaxMind database could not be opened or could not answer a lookup.
///
/// Every case carries text fit to show a user as is: the path or address concerned and the
/// reason, in libmaxminddb's own words (`MMDB_strerror`) where it gave one. A GeoIP problem is
/// never fatal to an analysis: `GeoLookup.discover` turns these into warnings.
public enum GeoError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Nothing exists at the path.
    case fileNotFound(path: String)
    /// The path exists but is not a regular file (a directory, a FIFO, a device). Refused before
    /// `MMDB_open`, which would block on a FIFO.
    case notARegularFile(path: String)
    /// The file exists but could not be read (permissions, I/O error).
    case unreadable(path: String, reason: String)
    /// libmaxminddb itself could not be loaded (not installed, or another version), so no
    /// database can be opened; `reason` names the library and the loader's error.
    case libraryUnavailable(path: String, reason: String)
    /// The file was read but is not a usable MaxMind DB: bad or missing metadata, a search tree
    /// that does not fit the file, an unknown format version.
    case invalidDatabase(path: String, reason: String)
    /// An IPv6 address was asked of a database that only has an IPv4 search tree.
    /// (`MMDB_IPV6_LOOKUP_IN_IPV4_DATABASE_ERROR`; an expected gap, not corruption.)
    case ipv6LookupInIPv4Database(path: String, ip: String)
    /// The search tree or the data section was corrupt where this lookup went.
    case lookupFailed(path: String, ip: String, reason: String)
    /// The record found for the address broke one of `GeoLimits` (too deep, too many values,
    /// an oversized string) or had a shape the reader does not accept.
    case invalidRecord(path: String, ip: String, reason: String)

    public var description: String {
        switch self {
        case .fileNotFound(let path):
            return "\(path): no such file"
        case .notARegularFile(let path):
            return "\(path): not a regular file"
        case .unreadable(let path, let reason):
            return "\(path): cannot be read: \(reason)"
        case .libraryUnavailable(let path, let reason):
            return "\(path): cannot be opened: \(reason)"
        case .invalidDatabase(let path, let reason):
            return "\(path): not a valid MaxMind DB file: \(reason)"
        case .ipv6LookupInIPv4Database(let path, let ip):
            return "\(path): cannot look up \(ip): the database holds IPv4 networks only"
        case .lookupFailed(let path, let ip, let reason):
            return "\(path): lookup of \(ip) failed: \(reason)"
        case .invalidRecord(let path, let ip, let reason):
            return "\(path): the record for \(ip) is invalid: \(reason)"
        }
    }
}
