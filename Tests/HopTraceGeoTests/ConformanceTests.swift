import Foundation
import HopTraceCore
import HopTraceTestSupport
import Testing

@testable import HopTraceGeo

/// MaxMind's own test databases (maxmind/MaxMind-DB, Apache-2.0 OR MIT) with the answer key in
/// `expected-lookups.json`, kept outside the package at `<package root>/../shared/conformance/mmdb`.
/// The suite carries `.requiresShared`.
enum Conformance {
    static func path(_ relative: String) -> String { SharedFolder.path("conformance/mmdb/" + relative) }

    /// A JSON scalar from the answer key.
    enum Scalar: Decodable, CustomStringConvertible {
        case bool(Bool), int(Int64), double(Double), string(String)

        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let b = try? c.decode(Bool.self) {
                self = .bool(b)
            } else if let i = try? c.decode(Int64.self) {
                self = .int(i)
            } else if let d = try? c.decode(Double.self) {
                self = .double(d)
            } else {
                self = .string(try c.decode(String.self))
            }
        }

        var description: String {
            switch self {
            case .bool(let b): return "\(b)"
            case .int(let i): return "\(i)"
            case .double(let d): return "\(d)"
            case .string(let s): return "\"\(s)\""
            }
        }

        func matches(_ v: MaxMindValue) -> Bool {
            switch (self, v) {
            case (.bool(let a), .bool(let b)): return a == b
            case (.string(let a), .string(let b)): return a == b
            // The key writes whole-number coordinates as integers (13 for 13.0).
            case (.int(let a), .double(let b)): return Double(a) == b
            case (.int(let a), .float(let b)): return Float(a) == b
            case (.int(let a), _): return v.intValue.map { Int64($0) == a } ?? false
            case (.double(let a), .double(let b)): return abs(a - b) < 1e-9
            case (.double(let a), .float(let b)): return abs(a - Double(b)) < 1e-5
            default: return false
            }
        }
    }

    struct Metadata: Decodable {
        let node_count: UInt32
        let record_size_bits: Int
        let ip_version: Int
        let build_epoch: UInt64
        let database_type: String
        let languages: [String]
    }

    struct Lookup: Decodable {
        let ip: String
        let found: Bool
        let network: String?
        let fields: [String: Scalar]?
    }

    struct Database: Decodable {
        let file: String
        let metadata: Metadata
        let lookups: [Lookup]
    }

    struct AnswerKey: Decodable {
        let databases: [String: Database]
    }

    static let answerKey: AnswerKey? = {
        guard let data = FileManager.default.contents(atPath: path("expected-lookups.json")) else { return nil }
        return try? JSONDecoder().decode(AnswerKey.self, from: data)
    }()

    static var databaseNames: [String] { answerKey.map { $0.databases.keys.sorted() } ?? [] }

    static var badDataFiles: [String] {
        let dir = path("bad-data/libmaxminddb")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter { $0.hasSuffix(".mmdb") }.sorted().map { "bad-data/libmaxminddb/" + $0 }
    }
}

private func ip(_ text: String) -> IPAddress {
    guard let a = IPAddress(text) else { fatalError("bad test address \(text)") }
    return a
}

@Suite(.requiresShared("conformance/mmdb/expected-lookups.json"))
struct ConformanceTests {
    @Test func answerKeyParses() throws {
        let key = try #require(Conformance.answerKey)
        #expect(key.databases.count >= 9)
    }

    @Test(arguments: Conformance.databaseNames)
    func expectedLookups(_ name: String) throws {
        let entry = try #require(Conformance.answerKey?.databases[name])
        let db = try MaxMindDatabase(path: Conformance.path(entry.file))
        let m = entry.metadata
        #expect(db.databaseType == m.database_type)
        #expect(db.buildEpoch == m.build_epoch)
        #expect(db.ipVersion == m.ip_version)
        #expect(db.languages == m.languages)
        #expect(db.metadata.nodeCount == m.node_count)
        #expect(db.metadata.recordSizeBits == m.record_size_bits)

        for lookup in entry.lookups {
            let address = ip(lookup.ip)
            let record = try db.record(for: address)
            let geo = try db.lookup(address)
            guard lookup.found else {
                #expect(record == nil, "\(lookup.ip) should not be found")
                #expect(geo == nil)
                continue
            }
            let r = try #require(record, "\(lookup.ip) not found")
            #expect(r.network == lookup.network, "\(lookup.ip)")
            #expect(geo?.network == lookup.network)
            let actual = r.value.flattened
            let expected = lookup.fields ?? [:]
            for (field, value) in expected {
                guard let got = actual[field] else {
                    Issue.record("\(name) \(lookup.ip): \(field) missing, expected \(value)")
                    continue
                }
                #expect(value.matches(got), "\(name) \(lookup.ip): \(field) = \(got), expected \(value)")
            }
            // The summary record agrees with the full one.
            func text(_ key: String) -> String? {
                if case .string(let s)? = expected[key] { return s }
                return nil
            }
            func number(_ key: String) -> Int? {
                if case .int(let i)? = expected[key] { return Int(i) }
                return nil
            }
            #expect(geo?.country == text("country.iso_code"), "\(lookup.ip)")
            #expect(geo?.countryName == text("country.names.en"), "\(lookup.ip)")
            #expect(geo?.city == text("city.names.en"), "\(lookup.ip)")
            #expect(geo?.asn == number("autonomous_system_number"), "\(lookup.ip)")
            let org = text("autonomous_system_organization") ?? text("organization") ?? text("isp")
            #expect(geo?.org == org, "\(lookup.ip)")
        }
    }

    /// Cases the README lists that the answer key does not carry.
    @Test func aliasesAndIPv4OnlyTrees() throws {
        let city = try MaxMindDatabase(path: Conformance.path("test-data/GeoIP2-City-Test.mmdb"))
        #expect(try city.lookup(ip("2002:5102:458e::"))?.city == "London")
        #expect(try city.lookup(.v6(0, 0xffff_5102_458e))?.city == "London")
        #expect(try city.lookup(ip("::ffff:81.2.69.142"))?.network == "81.2.69.142/31")
        #expect(
            try city.lookup(ip("2a02:cf40::1"))
                == GeoRecord(country: "NO", countryName: "Norway", network: "2a02:cf40::/29"))

        let v4 = try MaxMindDatabase(path: Conformance.path("test-data/MaxMind-DB-test-ipv4-24.mmdb"))
        #expect(v4.ipVersion == 4)
        let r = try #require(try v4.record(for: ip("1.1.1.3")))
        #expect(r.network == "1.1.1.2/31")
        #expect(r.value == .map(["ip": .string("1.1.1.2")]))
        #expect(try v4.record(for: ip("1.1.1.33")) == nil)
        #expect(throws: GeoError.ipv6LookupInIPv4Database(path: v4.path, ip: "2001:db8::1")) {
            try v4.lookup(ip("2001:db8::1"))
        }

        let mixed = try MaxMindDatabase(path: Conformance.path("test-data/MaxMind-DB-test-mixed-24.mmdb"))
        for address in ["1.1.1.1", "::ffff:1.1.1.1", "2002:101:101::", "2001:0:101:101::"] {
            #expect(try mixed.record(for: ip(address))?.value == .map(["ip": .string("::1.1.1.1")]), "\(address)")
        }
        #expect(try mixed.record(for: ip("::2:0:40"))?.value == .map(["ip": .string("::2:0:40")]))

        let v6 = try MaxMindDatabase(path: Conformance.path("test-data/MaxMind-DB-test-ipv6-24.mmdb"))
        #expect(try v6.record(for: ip("1.1.1.1")) == nil)
        #expect(try v6.record(for: ip("::2:0:0"))?.value == .map(["ip": .string("::2:0:0")]))

        // Records that are a bare string, not a map: the summary has nothing to say, no error.
        let bare = try MaxMindDatabase(path: Conformance.path("test-data/MaxMind-DB-no-ipv4-search-tree.mmdb"))
        #expect(try bare.record(for: ip("1.1.1.1"))?.value == .string("::/64"))
        let summary = try #require(try bare.lookup(ip("1.1.1.33")))
        #expect(summary.isEmpty)
        #expect(summary.network == "0.0.0.0/0")
        #expect(try bare.lookup(ip("2002:101:101::")) == nil)
    }

    @Test func everyDataType() throws {
        let db = try MaxMindDatabase(path: Conformance.path("test-data/MaxMind-DB-test-decoder.mmdb"))
        let value = try #require(try db.record(for: ip("1.1.1.1"))?.value)
        #expect(value[["array"]] == .array([.unsigned(1), .unsigned(2), .unsigned(3)]))
        #expect(value[["boolean"]] == .bool(true))
        #expect(value[["bytes"]] == .bytes([0, 0, 0, 0x2A]))
        #expect(value[["double"]] == .double(42.123456))
        #expect(value[["float"]] == .float(1.1))
        #expect(value[["int32"]] == .signed(-268_435_456))
        #expect(value[["map", "mapX", "arrayX"]] == .array([.unsigned(7), .unsigned(8), .unsigned(9)]))
        #expect(value[["map", "mapX", "utf8_stringX"]] == .string("hello"))
        #expect(value[["uint128"]] == .uint128(high: 0x0100_0000_0000_0000, low: 0))
        #expect(value[["uint16"]] == .unsigned(100))
        #expect(value[["uint32"]] == .unsigned(268_435_456))
        #expect(value[["uint64"]] == .unsigned(1_152_921_504_606_846_976))
        #expect(value[["utf8_string"]] == .string("unicode! ☯ - ♫"))
    }

    @Test func invalidNodeCountIsRefused() {
        let path = Conformance.path("test-data/GeoIP2-City-Test-Invalid-Node-Count.mmdb")
        do {
            _ = try MaxMindDatabase(path: path)
            Issue.record("opened")
        } catch {
            guard case .invalidDatabase(let p, let reason) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(p == path)
            #expect(reason.lowercased().contains("metadata"))
        }
    }

    @Test func brokenPointersFailPerLookup() throws {
        let db = try MaxMindDatabase(path: Conformance.path("test-data/MaxMind-DB-test-broken-pointers-24.mmdb"))
        for last in 1...8 {
            #expect(try db.record(for: ip("1.1.1.\(last)")) != nil)
        }
        #expect(throws: GeoError.self) { try db.record(for: ip("1.1.1.16")) }
        do {
            _ = try db.lookup(ip("1.1.1.32"))
            Issue.record("a corrupt search tree answered")
        } catch {
            guard case .lookupFailed(_, let address, let reason) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(address == "1.1.1.32")
            #expect(!reason.isEmpty)
        }
        // The combined lookup carries on and reports it.
        let (record, errors) = GeoLookup(city: db).lookupWithErrors(ip("1.1.1.32"), scope: .public)
        #expect(record == nil)
        #expect(errors.count == 1)
    }

    static let probes = ["1.1.1.1", "1.1.1.2", "1.1.1.16", "1.1.1.32", "81.2.69.142", "::1.1.1.1", "2001:db8::1", "::"]

    /// Upstream's bad-data: each must be refused at open or answer with values or errors,
    /// never crash (a crash takes the whole test process down with it).
    @Test(
        arguments: Conformance.badDataFiles + [
            "test-data/MaxMind-DB-test-broken-search-tree-24.mmdb",
            "test-data/MaxMind-DB-test-broken-pointers-24.mmdb",
        ])
    func badDataFailsCleanly(_ file: String) {
        let db: MaxMindDatabase
        do {
            db = try MaxMindDatabase(path: Conformance.path(file))
        } catch {
            #expect(!"\(error)".isEmpty)
            return
        }
        let geo = GeoLookup(city: db, asn: db)
        for probe in Self.probes {
            _ = try? db.lookup(ip(probe))
            _ = try? db.record(for: ip(probe))
            _ = geo.lookupWithErrors(ip(probe), scope: .public)
        }
    }

    /// What libmaxminddb 1.7.1 does with them, per the README (newer versions may fail
    /// earlier, which these expectations allow).
    @Test func badDataKnownOutcomes() throws {
        for file in ["libmaxminddb-offset-integer-overflow.mmdb", "libmaxminddb-metadata-marker-only.mmdb"] {
            let path = Conformance.path("bad-data/libmaxminddb/" + file)
            guard FileManager.default.fileExists(atPath: path) else { continue }
            #expect(throws: GeoError.self, "\(file)") { try MaxMindDatabase(path: path) }
        }
        let deep = Conformance.path("bad-data/libmaxminddb/libmaxminddb-deep-nesting.mmdb")
        if FileManager.default.fileExists(atPath: deep), let db = try? MaxMindDatabase(path: deep) {
            #expect(throws: GeoError.self) { try db.record(for: ip("1.1.1.1")) }
        }
    }
}
