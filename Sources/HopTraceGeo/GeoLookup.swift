import HopTraceCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The MaxMind `GeoProvider`: an optional city/country database and an optional ASN/ISP
/// database, either of which may be missing. A value type the pipeline can copy into any task;
/// the databases themselves are shared, immutable and thread-safe.
public struct GeoLookup: GeoProvider {
    /// GeoLite2/GeoIP2 City or Country, DB-IP city/country lite.
    public let cityDatabase: MaxMindDatabase?
    /// GeoLite2-ASN, GeoIP2-ISP, DB-IP ASN lite.
    public let asnDatabase: MaxMindDatabase?

    public init(city: MaxMindDatabase? = nil, asn: MaxMindDatabase? = nil) {
        self.cityDatabase = city
        self.asnDatabase = asn
    }

    /// No databases: every lookup answers nil without work.
    public static let none = GeoLookup()

    public var isEnabled: Bool { cityDatabase != nil || asnDatabase != nil }

    /// One line per database in use: its slot, path, type and build date.
    public var sources: [String] {
        [cityDatabase.map { GeoLookup.note(.city, $0) }, asnDatabase.map { GeoLookup.note(.asn, $0) }].compactMap { $0 }
    }

    /// Country, city, ASN and organisation of a public address, or nil when the databases know
    /// nothing about it. Errors from a corrupt database count as "nothing known" here; use
    /// `lookupWithErrors` to report them.
    public func lookup(_ ip: IPAddress, scope: AddressScope) -> GeoRecord? {
        lookupWithErrors(ip, scope: scope).record
    }

    /// Like `lookup`, and also the errors the databases raised (at most one per database).
    ///
    /// Only `.public` addresses are looked up. Private, shared, loopback, link-local,
    /// documentation and reserved addresses are not queried at all: no database has a true
    /// answer for them, and one that claims one (a test or in-house database mapping
    /// 10.0.0.0/8) would put a country on a hop that never left the building.
    public func lookupWithErrors(_ ip: IPAddress, scope: AddressScope) -> (record: GeoRecord?, errors: [GeoError]) {
        guard scope == .public, isEnabled else { return (nil, []) }
        var errors: [GeoError] = []
        func ask(_ db: MaxMindDatabase?) -> GeoRecord? {
            guard let db else { return nil }
            do {
                return try db.lookup(ip)
            } catch .ipv6LookupInIPv4Database {
                // An IPv4-only database simply has no IPv6 answers; not worth a warning.
                return nil
            } catch {
                errors.append(error)
                return nil
            }
        }
        let city = ask(cityDatabase)
        let asn = ask(asnDatabase)
        guard city != nil || asn != nil else { return (nil, errors) }
        // Each field from the database meant for it, else from the other one: GeoIP2
        // Enterprise-shaped city databases carry ASNs, GeoIP2-ISP carries no countries.
        let record = GeoRecord(
            country: city?.country ?? asn?.country,
            countryName: city?.countryName ?? asn?.countryName,
            city: city?.city ?? asn?.city,
            asn: asn?.asn ?? city?.asn,
            org: asn?.org ?? city?.org,
            network: asn?.network ?? city?.network)
        return (record, errors)
    }

    // MARK: Discovery

    /// The environment variable naming a directory searched before the system ones.
    public static let directoryEnvironmentVariable = "HOPTRACE_GEOIP_DIR"
    /// Where geoipupdate (Debian's `geoipupdate` package and MaxMind's default) and the
    /// distribution packages put databases.
    public static let systemDirectories = ["/usr/share/GeoIP", "/var/lib/GeoIP"]

    /// File names a city/country database is found under, best first: commercial before free,
    /// city before country. `*` stands for any text (DB-IP dates its files,
    /// `dbip-city-lite-2026-11.mmdb`; the newest name wins).
    public static let cityFileNames = [
        "GeoIP2-City.mmdb", "GeoLite2-City.mmdb", "dbip-city-lite*.mmdb",
        "GeoIP2-Country.mmdb", "GeoLite2-Country.mmdb", "dbip-country-lite*.mmdb",
    ]
    /// File names an ASN database is found under, best first (GeoIP2-ISP has ASNs and more).
    public static let asnFileNames = ["GeoIP2-ISP.mmdb", "GeoLite2-ASN.mmdb", "dbip-asn-lite*.mmdb"]

    /// `$HOPTRACE_GEOIP_DIR` (when set and not empty), then the system directories.
    public static func searchDirectories(environment: [String: String]) -> [String] {
        var dirs: [String] = []
        if let dir = environment[directoryEnvironmentVariable], !dir.isEmpty { dirs.append(dir) }
        for dir in systemDirectories where !dirs.contains(dir) { dirs.append(dir) }
        return dirs
    }

    /// Opens the databases an analysis should use. Never fails: a database that cannot be used
    /// becomes a warning and the analysis goes on without it.
    ///
    /// - An explicit path (`--geoip-db`, `--asn-db`) wins. If it cannot be opened, that is a
    ///   warning and nothing else is searched for that slot: silently using another file than
    ///   the one the user named would make the report lie about its source.
    /// - Otherwise the directories of `searchDirectories(environment:)` are searched in order,
    ///   and within each directory the names of `cityFileNames`/`asnFileNames` in order. The
    ///   first file that opens is used; one that exists but cannot be opened is a warning and
    ///   the search goes on.
    ///
    /// `notes` name every database used (path, type, build date) or say that none was found;
    /// reports print them so that a reader knows where a country came from.
    public static func discover(
        environment: [String: String], explicitCity: String?,
        explicitASN: String?
    ) -> (GeoLookup, notes: [String], warnings: [String]) {
        discover(
            environment: environment, explicitCity: explicitCity, explicitASN: explicitASN,
            searchDirectories: searchDirectories(environment: environment))
    }

    /// `discover(environment:explicitCity:explicitASN:)` with the directories given instead of
    /// the standard ones (`environment` is then unused); tests use it to stay off the machine's
    /// own GeoIP directories.
    public static func discover(
        environment: [String: String], explicitCity: String?,
        explicitASN: String?,
        searchDirectories: [String]
    ) -> (GeoLookup, notes: [String], warnings: [String]) {
        var notes: [String] = []
        var warnings: [String] = []
        func slot(_ kind: Slot, explicit: String?, names: [String]) -> MaxMindDatabase? {
            let label = kind.rawValue
            if let explicit, !explicit.isEmpty {
                do {
                    let db = try MaxMindDatabase(path: explicit)
                    notes.append(note(kind, db))
                    return db
                } catch {
                    warnings.append("GeoIP \(label) database not used: \(error)")
                    return nil
                }
            }
            for dir in searchDirectories {
                for path in candidates(in: dir, names: names) {
                    do {
                        let db = try MaxMindDatabase(path: path)
                        notes.append(note(kind, db))
                        return db
                    } catch {
                        warnings.append("GeoIP \(label) database not used: \(error)")
                    }
                }
            }
            let places = searchDirectories.isEmpty ? "" : " in " + searchDirectories.joined(separator: ", ")
            notes.append("GeoIP: no \(label) database found\(places)")
            return nil
        }
        let city = slot(.city, explicit: explicitCity, names: cityFileNames)
        let asn = slot(.asn, explicit: explicitASN, names: asnFileNames)
        return (GeoLookup(city: city, asn: asn), notes: notes, warnings: warnings)
    }

    /// The two kinds of database, as notes and warnings name them.
    enum Slot: String {
        case city = "city/country"
        case asn = "ASN"
    }

    /// The note naming a database in use.
    static func note(_ slot: Slot, _ db: MaxMindDatabase) -> String {
        "GeoIP \(slot.rawValue) database: \(describe(db))"
    }

    static func describe(_ db: MaxMindDatabase) -> String {
        var facts = [db.databaseType.isEmpty ? "unnamed type" : db.databaseType]
        if let date = db.metadata.buildDate { facts.append("built \(date)") }
        return "\(db.path) (\(facts.joined(separator: ", ")))"
    }

    /// The paths in `dir` matching `names`, in the order of `names`. Only names are matched
    /// here; whether a file opens is `MaxMindDatabase`'s business. A missing or unreadable
    /// directory has no candidates (the usual case: most machines have no GeoIP directory).
    static func candidates(in dir: String, names: [String]) -> [String] {
        let entries = directoryEntries(dir)
        guard !entries.isEmpty else { return [] }
        let base = dir.hasSuffix("/") ? dir : dir + "/"
        var out: [String] = []
        for pattern in names {
            if let star = pattern.firstIndex(of: "*") {
                let prefix = pattern[..<star]
                let suffix = pattern[pattern.index(after: star)...]
                let matches = entries.filter {
                    $0.count >= prefix.count + suffix.count && $0.hasPrefix(prefix) && $0.hasSuffix(suffix)
                }
                out += matches.sorted(by: >).map { base + $0 }
            } else if entries.contains(pattern) {
                out.append(base + pattern)
            }
        }
        return out
    }

    /// File names in a directory (not recursive), at most 10,000 of them: a GeoIP directory
    /// holds a handful, and a huge one is not worth reading through.
    static func directoryEntries(_ dir: String) -> Set<String> {
        guard let handle = opendir(dir) else { return [] }
        defer { closedir(handle) }
        var names: Set<String> = []
        while names.count < 10_000, let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.insert(name) }
        }
        return names
    }
}
