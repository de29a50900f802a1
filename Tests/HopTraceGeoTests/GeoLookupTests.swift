import Foundation
import HopTraceCore
import Testing

@testable import HopTraceGeo

private func ip(_ text: String) -> IPAddress {
    guard let a = IPAddress(text) else { fatalError("bad test address \(text)") }
    return a
}

@Suite(.enabled(if: TestDatabases.writerAvailable, TestDatabases.skipReason))
struct GeoLookupTests {
    @Test func cityAndASNAreCombined() throws {
        let geo = GeoLookup(
            city: try MaxMindDatabase(path: TestDatabases.shared("city")),
            asn: try MaxMindDatabase(path: TestDatabases.shared("asn")))
        #expect(
            geo.lookup(ip("203.0.113.7"), scope: .public)
                == GeoRecord(
                    country: "BR", countryName: "Brazil", city: "São Paulo & <Sé> \"Centro\"",
                    asn: 64500, org: "Example & Co <AS64500>", network: "203.0.113.0/24"))
        // The ASN database's network wins: /32 routed block over the city's /48.
        #expect(
            geo.lookup(ip("2001:db8:1::9"), scope: .public)
                == GeoRecord(
                    country: "CH", countryName: "Switzerland", city: "Zürich",
                    asn: 64510, org: "Ünïcødé Netzwerke GmbH — ☎", network: "2001:db8::/32"))
        // Only one database knows the address.
        #expect(
            geo.lookup(ip("2001:db8:7::1"), scope: .public)
                == GeoRecord(
                    asn: 64510, org: "Ünïcødé Netzwerke GmbH — ☎", network: "2001:db8::/32"))
        #expect(geo.lookup(ip("8.8.8.8"), scope: .public) == nil)
    }

    static let internalScopes = AddressScope.allCases.filter { $0 != .public }

    /// The city fixture maps 10.0.0.0/8, so an answer here could only come from a lookup that
    /// should not have happened.
    @Test(arguments: internalScopes)
    func nonPublicScopesAreNeverLookedUp(_ scope: AddressScope) throws {
        let db = try MaxMindDatabase(path: TestDatabases.shared("city"))
        #expect(try db.lookup(ip("10.1.2.3"))?.country == "XX")  // the entry is there
        let geo = GeoLookup(city: db)
        #expect(geo.lookup(ip("10.1.2.3"), scope: scope) == nil)
        #expect(geo.lookup(ip("203.0.113.7"), scope: scope) == nil)
        #expect(geo.lookupWithErrors(ip("203.0.113.7"), scope: scope).errors.isEmpty)
    }

    /// One database shared by many tasks at once, as the report pipeline may do: libmaxminddb
    /// documents lookups on one MMDB_s as thread-safe, and every answer must match the
    /// single-threaded one.
    @Test func concurrentLookupsAgree() async throws {
        let geo = GeoLookup(
            city: try MaxMindDatabase(path: TestDatabases.shared("city")),
            asn: try MaxMindDatabase(path: TestDatabases.shared("asn")))
        let addresses = ["203.0.113.7", "198.51.100.1", "198.51.100.200", "2001:db8:1::1", "2001:db8:9::1", "8.8.8.8"]
            .map { ip($0) }
        let expected = addresses.map { geo.lookup($0, scope: .public) }
        let mismatches = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    var bad = 0
                    for round in 0..<500 {
                        let i = round % addresses.count
                        if geo.lookup(addresses[i], scope: .public) != expected[i] { bad += 1 }
                    }
                    return bad
                }
            }
            return await group.reduce(0, +)
        }
        #expect(mismatches == 0)
    }

    // MARK: Discovery

    /// Two search directories standing for `$HOPTRACE_GEOIP_DIR` and a system directory.
    private func layout(env envFiles: [String: String], system systemFiles: [String: String])
        throws -> (scratch: ScratchDirectory, env: String, system: String)
    {
        let scratch = try ScratchDirectory()
        let env = try scratch.directory("env")
        let system = try scratch.directory("system")
        for (name, source) in envFiles { try TestDatabases.copy(source, to: env + "/" + name) }
        for (name, source) in systemFiles { try TestDatabases.copy(source, to: system + "/" + name) }
        return (scratch, env, system)
    }

    @Test func environmentDirectoryComesBeforeSystemDirectories() throws {
        let (scratch, env, system) = try layout(
            env: ["GeoLite2-Country.mmdb": "city", "GeoLite2-ASN.mmdb": "asn"],
            system: ["GeoIP2-City.mmdb": "city", "GeoIP2-ISP.mmdb": "asn4"])
        defer { withExtendedLifetime(scratch) {} }
        let (geo, notes, warnings) = GeoLookup.discover(
            environment: [:], explicitCity: nil, explicitASN: nil, searchDirectories: [env, system])
        #expect(warnings.isEmpty)
        #expect(geo.cityDatabase?.path == env + "/GeoLite2-Country.mmdb")
        #expect(geo.asnDatabase?.path == env + "/GeoLite2-ASN.mmdb")
        #expect(
            notes == [
                "GeoIP city/country database: \(env)/GeoLite2-Country.mmdb (hoptrace-Test-City, built 2023-11-14)",
                "GeoIP ASN database: \(env)/GeoLite2-ASN.mmdb (hoptrace-Test-ASN, built 2023-11-14)",
            ])
    }

    @Test func environmentVariableIsHonouredByTheStandardDiscovery() throws {
        let (scratch, env, _) = try layout(
            env: ["GeoLite2-City.mmdb": "city", "GeoLite2-ASN.mmdb": "asn"], system: [:])
        defer { withExtendedLifetime(scratch) {} }
        let (geo, _, warnings) = GeoLookup.discover(
            environment: ["HOPTRACE_GEOIP_DIR": env], explicitCity: nil, explicitASN: nil)
        #expect(warnings.isEmpty)
        #expect(geo.cityDatabase?.path == env + "/GeoLite2-City.mmdb")
        #expect(geo.asnDatabase?.path == env + "/GeoLite2-ASN.mmdb")
        #expect(geo.lookup(ip("203.0.113.7"), scope: .public)?.asn == 64500)
    }

    @Test func explicitPathsWin() throws {
        let (scratch, env, system) = try layout(
            env: ["GeoIP2-City.mmdb": "city", "GeoIP2-ISP.mmdb": "asn"], system: [:])
        defer { withExtendedLifetime(scratch) {} }
        let (geo, notes, warnings) = GeoLookup.discover(
            environment: [:], explicitCity: try TestDatabases.shared("city"),
            explicitASN: try TestDatabases.shared("asn4"),
            searchDirectories: [env, system])
        #expect(warnings.isEmpty)
        #expect(try geo.cityDatabase?.path == TestDatabases.shared("city"))
        #expect(try geo.asnDatabase?.path == TestDatabases.shared("asn4"))
        #expect(notes.count == 2)
        #expect(geo.lookup(ip("203.0.113.7"), scope: .public)?.org == "IPv4 Only Ltd")
    }

    @Test func namePreferenceWithinADirectory() throws {
        let (scratch, env, _) = try layout(
            env: [
                "GeoLite2-City.mmdb": "city", "GeoIP2-City.mmdb": "city", "GeoLite2-Country.mmdb": "city",
                "dbip-asn-lite-2026-10.mmdb": "asn", "dbip-asn-lite-2026-11.mmdb": "asn",
            ], system: [:])
        defer { withExtendedLifetime(scratch) {} }
        let (geo, _, _) = GeoLookup.discover(
            environment: [:], explicitCity: nil, explicitASN: nil, searchDirectories: [env])
        #expect(geo.cityDatabase?.path == env + "/GeoIP2-City.mmdb")
        #expect(geo.asnDatabase?.path == env + "/dbip-asn-lite-2026-11.mmdb")
    }

    @Test func dbipCountryIsFoundWhenThereIsNothingBetter() throws {
        let (scratch, env, _) = try layout(env: ["dbip-country-lite-2026-11.mmdb": "city"], system: [:])
        defer { withExtendedLifetime(scratch) {} }
        let (geo, notes, warnings) = GeoLookup.discover(
            environment: [:], explicitCity: nil, explicitASN: nil, searchDirectories: [env])
        #expect(warnings.isEmpty)
        #expect(geo.cityDatabase?.path == env + "/dbip-country-lite-2026-11.mmdb")
        #expect(geo.asnDatabase == nil)
        #expect(notes.last == "GeoIP: no ASN database found in \(env)")
    }

    @Test func corruptDiscoveredDatabaseIsAWarningAndTheSearchGoesOn() throws {
        let (scratch, env, system) = try layout(env: [:], system: ["GeoLite2-City.mmdb": "city"])
        defer { withExtendedLifetime(scratch) {} }
        _ = try scratch.write("env/GeoIP2-City.mmdb", bytes: Array("garbage, not a database".utf8))
        let (geo, _, warnings) = GeoLookup.discover(
            environment: [:], explicitCity: nil, explicitASN: nil, searchDirectories: [env, system])
        #expect(geo.cityDatabase?.path == system + "/GeoLite2-City.mmdb")
        #expect(warnings.count == 1)
        #expect(
            warnings.first?.hasPrefix(
                "GeoIP city/country database not used: \(env)/GeoIP2-City.mmdb: not a valid MaxMind DB file: ") == true)
    }
}

/// Discovery cases that need no generated database.
struct DiscoveryWithoutDatabasesTests {
    @Test func noDatabasesMeansNoAnswers() {
        #expect(!GeoLookup.none.isEnabled)
        #expect(GeoLookup.none.lookup(ip("203.0.113.7"), scope: .public) == nil)
    }

    @Test func searchDirectoriesFollowTheEnvironment() {
        #expect(GeoLookup.searchDirectories(environment: [:]) == ["/usr/share/GeoIP", "/var/lib/GeoIP"])
        #expect(
            GeoLookup.searchDirectories(environment: ["HOPTRACE_GEOIP_DIR": ""]) == [
                "/usr/share/GeoIP", "/var/lib/GeoIP",
            ])
        #expect(
            GeoLookup.searchDirectories(environment: ["HOPTRACE_GEOIP_DIR": "/opt/geo"])
                == ["/opt/geo", "/usr/share/GeoIP", "/var/lib/GeoIP"])
    }

    @Test func missingExplicitFileIsAWarningNotAnError() throws {
        let scratch = try ScratchDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let env = try scratch.directory("env")
        let (geo, notes, warnings) = GeoLookup.discover(
            environment: [:], explicitCity: "/nonexistent/City.mmdb", explicitASN: "",
            searchDirectories: [env])
        #expect(geo.cityDatabase == nil)
        #expect(geo.asnDatabase == nil)
        #expect(warnings == ["GeoIP city/country database not used: /nonexistent/City.mmdb: no such file"])
        #expect(notes == ["GeoIP: no ASN database found in \(env)"])
        #expect(geo.lookup(IPAddress("203.0.113.7")!, scope: .public) == nil)
    }

    @Test func explicitFileThatFailsIsNotReplacedByADiscoveredOne() throws {
        // Even with a (garbage) database in the search path, a broken explicit path is not
        // silently swapped for another file.
        let scratch = try ScratchDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let env = try scratch.directory("env")
        _ = try scratch.write("env/GeoLite2-City.mmdb", bytes: [0, 1, 2])
        let (geo, notes, warnings) = GeoLookup.discover(
            environment: [:], explicitCity: "/nonexistent/City.mmdb", explicitASN: nil, searchDirectories: [env])
        #expect(geo.cityDatabase == nil)
        #expect(warnings == ["GeoIP city/country database not used: /nonexistent/City.mmdb: no such file"])
        #expect(notes == ["GeoIP: no ASN database found in \(env)"])
    }

    @Test func nothingAnywhere() {
        let (geo, notes, warnings) = GeoLookup.discover(
            environment: [:], explicitCity: nil, explicitASN: nil,
            searchDirectories: ["/nonexistent/a", "/nonexistent/b"])
        #expect(!geo.isEnabled)
        #expect(warnings.isEmpty)
        #expect(
            notes == [
                "GeoIP: no city/country database found in /nonexistent/a, /nonexistent/b",
                "GeoIP: no ASN database found in /nonexistent/a, /nonexistent/b",
            ])
    }
}
