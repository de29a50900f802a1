import Foundation
import HopTraceCore
import Testing

@testable import HopTraceGeo

private func ip(_ text: String) -> IPAddress {
    guard let a = IPAddress(text) else { fatalError("bad test address \(text)") }
    return a
}

/// Lookups against databases generated from `TestDatabases`' fixtures.
@Suite(.enabled(if: TestDatabases.writerAvailable, TestDatabases.skipReason))
struct GeneratedDatabaseTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let address: String
        let expected: GeoRecord?
        var testDescription: String { address }
    }

    static let cityCases: [Case] = [
        // IPv4 in an IPv6 tree: the network comes back as an IPv4 prefix, not prefix+96.
        Case(
            address: "203.0.113.7",
            expected: GeoRecord(
                country: "BR", countryName: "Brazil", city: "São Paulo & <Sé> \"Centro\"", network: "203.0.113.0/24")),
        // IPv4-mapped text is read as IPv4 by IPAddress; the answer is the IPv4 one.
        Case(
            address: "::ffff:203.0.113.200",
            expected: GeoRecord(
                country: "BR", countryName: "Brazil", city: "São Paulo & <Sé> \"Centro\"", network: "203.0.113.0/24")),
        // Country only, non-Latin name.
        Case(
            address: "198.51.100.1",
            expected: GeoRecord(
                country: "JP", countryName: "日本 (Japan)", network: "198.51.100.0/25")),
        // A city named only in German (a metadata language): used rather than dropped.
        Case(
            address: "198.51.100.200",
            expected: GeoRecord(
                country: "DE", countryName: "Germany", city: "München", network: "198.51.100.128/25")),
        Case(
            address: "2001:db8:1:2::25",
            expected: GeoRecord(
                country: "CH", countryName: "Switzerland", city: "Zürich", network: "2001:db8:1::/48")),
        Case(address: "192.0.2.1", expected: nil),
        Case(address: "2001:db8:2::1", expected: nil),
    ]

    @Test(arguments: cityCases)
    func cityLookups(_ c: Case) throws {
        let db = try MaxMindDatabase(path: TestDatabases.shared("city"))
        #expect(try db.lookup(ip(c.address)) == c.expected)
    }

    static let asnCases: [Case] = [
        Case(
            address: "203.0.113.99",
            expected: GeoRecord(asn: 64500, org: "Example & Co <AS64500>", network: "203.0.113.0/24")),
        Case(
            address: "::ffff:203.0.113.99",
            expected: GeoRecord(asn: 64500, org: "Example & Co <AS64500>", network: "203.0.113.0/24")),
        Case(
            address: "2001:db8:ffff::1",
            expected: GeoRecord(asn: 64510, org: "Ünïcødé Netzwerke GmbH — ☎", network: "2001:db8::/32")),
        // GeoIP2-ISP shape: no AS organisation, so `organization` is the org.
        Case(address: "198.51.100.77", expected: GeoRecord(asn: 64501, org: "Example Org", network: "198.51.100.0/24")),
        Case(address: "8.8.8.8", expected: nil),
    ]

    @Test(arguments: asnCases)
    func asnLookups(_ c: Case) throws {
        let db = try MaxMindDatabase(path: TestDatabases.shared("asn"))
        #expect(try db.lookup(ip(c.address)) == c.expected)
    }

    @Test func ipv4MappedAddressBuiltAsRawIPv6IsLookedUpAsIPv4() throws {
        let db = try MaxMindDatabase(path: TestDatabases.shared("asn"))
        // ::ffff:203.0.113.99 constructed directly, bypassing IPAddress's text parser.
        let mapped = IPAddress.v6(0, 0xffff_cb00_7163)
        #expect(
            try db.lookup(mapped) == GeoRecord(asn: 64500, org: "Example & Co <AS64500>", network: "203.0.113.0/24"))
        // 6to4 (2002:cb00:7163::) reaches the IPv4 record through the writer's alias.
        let sixToFour = try #require(try db.lookup(ip("2002:cb00:7163::1")))
        #expect(sixToFour.asn == 64500)
    }

    @Test func metadataIsCopiedOut() throws {
        let city = try MaxMindDatabase(path: TestDatabases.shared("city"))
        #expect(city.databaseType == "hoptrace-Test-City")
        #expect(city.buildEpoch == UInt64(TestDatabases.buildEpoch))
        #expect(city.metadata.buildDate == "2023-11-14")
        #expect(city.ipVersion == 6)
        #expect(city.languages == ["en", "de"])
        #expect(city.metadata.descriptions == ["en": "hoptrace city fixture"])
        #expect(city.metadata.recordSizeBits == 28)
        #expect(city.metadata.binaryFormat == "2.0")
        let v4 = try MaxMindDatabase(path: TestDatabases.shared("asn4"))
        #expect(v4.ipVersion == 4)
        #expect(v4.metadata.recordSizeBits == 24)
    }

    @Test func ipv4OnlyDatabase() throws {
        let db = try MaxMindDatabase(path: TestDatabases.shared("asn4"))
        #expect(
            try db.lookup(ip("203.0.113.1")) == GeoRecord(asn: 64499, org: "IPv4 Only Ltd", network: "203.0.113.0/24"))
        #expect(throws: GeoError.ipv6LookupInIPv4Database(path: db.path, ip: "2001:db8::1")) {
            try db.lookup(ip("2001:db8::1"))
        }
        // The combined lookup treats that as "no answer", not as an error worth a warning.
        let geo = GeoLookup(asn: db)
        let (record, errors) = geo.lookupWithErrors(ip("2001:db8::1"), scope: .public)
        #expect(record == nil)
        #expect(errors.isEmpty)
    }

    @Test func fullRecordDecodes() throws {
        let db = try MaxMindDatabase(path: TestDatabases.shared("city"))
        let record = try #require(try db.record(for: ip("203.0.113.7")))
        #expect(record.network == "203.0.113.0/24")
        #expect(record.prefixLength == 24)
        let fields = record.value.flattened
        #expect(fields["city.geoname_id"] == .unsigned(3_448_439))
        #expect(fields["location.latitude"] == .double(-23.5475))
        #expect(fields["subdivisions.0.iso_code"] == .string("SP"))
        #expect(fields["country.names.de"] == .string("Brasilien"))
        #expect(record.value[["subdivisions", "0", "names", "en"]]?.stringValue == "São Paulo")
        #expect(try db.record(for: ip("192.0.2.1")) == nil)
    }

    @Test func recordsBeyondTheLimitsAreRefusedNotCut() throws {
        let depth = GeoLimits.maxValueDepth + 8  // as in TestDatabases.sharedFixtures
        let db = try MaxMindDatabase(path: TestDatabases.shared("limits"))
        // Too deep: the full decode refuses, the targeted field read is unaffected.
        #expect(try db.lookup(ip("203.0.113.1"))?.country == "NL")
        do {
            _ = try db.record(for: ip("203.0.113.1"))
            Issue.record("a record nested \(depth) deep was decoded")
        } catch {
            guard case .invalidRecord(_, let address, let reason) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(address == "203.0.113.1")
            #expect(reason.contains("nested deeper than \(GeoLimits.maxValueDepth)"))
        }
        // Too long: both readers refuse it.
        do {
            _ = try db.lookup(ip("203.0.113.200"))
            Issue.record("an oversized organisation name was returned")
        } catch {
            #expect("\(error)".contains("over the \(GeoLimits.maxStringBytes)-byte limit"))
        }
        #expect(throws: GeoError.self) { try db.record(for: ip("203.0.113.200")) }
    }

    @Test func truncatedDatabaseIsRefused() throws {
        let scratch = try ScratchDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let bytes = try TestDatabases.bytes(of: "city")
        let half = try scratch.write("half.mmdb", bytes: Array(bytes.prefix(bytes.count / 2)))
        do {
            _ = try MaxMindDatabase(path: half)
            Issue.record("a truncated database was opened")
        } catch {
            guard case .invalidDatabase(let path, let reason) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(path == half)
            #expect(!reason.isEmpty)
            #expect("\(error)".hasPrefix("\(half): not a valid MaxMind DB file: "))
        }
    }

    @Test func databaseWithItsSearchTreeCutOutFailsCleanly() throws {
        // Keep the metadata (the file's tail, after the \xAB\xCD\xEFMaxMind.com marker) but
        // drop most of the tree and data before it: the metadata now describes a tree that
        // does not fit the file. libmaxminddb must refuse it at open or at lookup; either way
        // it is an error value, never a crash.
        let scratch = try ScratchDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let bytes = try TestDatabases.bytes(of: "city")
        let marker: [UInt8] = [0xAB, 0xCD, 0xEF] + Array("MaxMind.com".utf8)
        let start = try #require(
            (0...(bytes.count - marker.count)).last { Array(bytes[$0..<($0 + marker.count)]) == marker })
        let spliced = Array(bytes.prefix(64)) + Array(bytes[start...])
        let path = try scratch.write("spliced.mmdb", bytes: spliced)
        do {
            let db = try MaxMindDatabase(path: path)
            for address in ["203.0.113.7", "2001:db8:1::1", "198.51.100.1"] {
                _ = try? db.lookup(ip(address))
                _ = try? db.record(for: ip(address))
            }
        } catch {
            #expect("\(error)".contains("not a valid MaxMind DB file"))
        }
    }
}

/// Failures that need no generated database.
struct OpenFailureTests {
    @Test func missingFile() {
        let path = "/nonexistent/hoptrace/GeoLite2-City.mmdb"
        #expect(throws: GeoError.fileNotFound(path: path)) { try MaxMindDatabase(path: path) }
        #expect(GeoError.fileNotFound(path: path).description == "\(path): no such file")
    }

    @Test func directoryIsNotADatabase() throws {
        let scratch = try ScratchDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let dir = try scratch.directory("GeoLite2-City.mmdb")
        #expect(throws: GeoError.notARegularFile(path: dir)) { try MaxMindDatabase(path: dir) }
    }

    @Test func fifoIsRefusedWithoutBlocking() throws {
        let scratch = try ScratchDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let path = scratch.path("fifo.mmdb")
        try #require(mkfifo(path, 0o600) == 0)
        #expect(throws: GeoError.notARegularFile(path: path)) { try MaxMindDatabase(path: path) }
    }

    @Test(.enabled(if: geteuid() != 0, "root reads any file"))
    func unreadableFile() throws {
        let scratch = try ScratchDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let path = try scratch.write("locked.mmdb", bytes: [1, 2, 3])
        try #require(chmod(path, 0) == 0)
        do {
            _ = try MaxMindDatabase(path: path)
            Issue.record("opened an unreadable file")
        } catch {
            guard case .unreadable(let p, let reason) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(p == path)
            #expect(reason.contains("ermission"))
        }
    }

    static let garbage: [(String, [UInt8])] = [
        ("empty", []),
        ("text", Array("this is not a MaxMind database\n".utf8)),
        // A deterministic pseudo-random 4 KiB.
        ("noise", (0..<4096).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 13) }),
        // The metadata marker and nothing after it.
        ("marker-only", [0xAB, 0xCD, 0xEF] + Array("MaxMind.com".utf8)),
    ]

    @Test(arguments: garbage.map(\.0))
    func garbageIsRefusedWithAClearMessage(_ name: String) throws {
        let bytes = Self.garbage.first { $0.0 == name }!.1
        let scratch = try ScratchDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let path = try scratch.write("\(name).mmdb", bytes: bytes)
        do {
            _ = try MaxMindDatabase(path: path)
            Issue.record("garbage was opened as a database")
        } catch {
            guard case .invalidDatabase(let p, let reason) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(p == path)
            // libmaxminddb's own words (MMDB_strerror), e.g. "The MaxMind DB file contains
            // invalid metadata", or ours for an empty file.
            #expect(
                reason.contains("MaxMind DB") || reason.contains("metadata") || reason.contains("lookup path")
                    || reason == "the file is empty", "\(reason)")
        }
    }

    @Test(arguments: [
        (UInt64(0), "1970-01-01"), (UInt64(951_782_400), "2000-02-29"),
        (UInt64(1_770_245_369), "2026-02-04"), (UInt64(253_402_300_799), "9999-12-31"),
    ])
    func buildDates(_ epoch: UInt64, _ date: String) {
        #expect(MaxMindMetadata.utcDate(epoch: epoch) == date)
    }

    @Test func absurdBuildEpochHasNoDate() {
        #expect(MaxMindMetadata.utcDate(epoch: .max) == nil)
        #expect(MaxMindMetadata.utcDate(epoch: 253_402_300_800) == nil)
    }

    @Test(arguments: [
        ("203.0.113.77", 24, "203.0.113.0"), ("203.0.113.77", 0, "0.0.0.0"), ("203.0.113.77", 32, "203.0.113.77"),
        ("2001:db8:1:2::25", 48, "2001:db8:1::"), ("2001:db8:1:2::25", 128, "2001:db8:1:2::25"),
        ("2001:db8:1:2::25", 0, "::"), ("2001:db8:1:2:3:4:5:6", 80, "2001:db8:1:2:3::"),
    ])
    func networkMasking(_ address: String, _ prefix: Int, _ network: String) {
        #expect(MaxMindDatabase.masked(ip(address), prefix).description == network)
    }
}
