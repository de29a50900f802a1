import Foundation
import HopTraceGeo
import Testing

/// Test databases are written at test time by `scripts/make-test-mmdb` (Perl,
/// MaxMind::DB::Writer::Tree) from the JSON fixtures below: no third-party GeoIP data is
/// committed, and the fixtures say exactly what each database holds.
enum TestDatabases {
    /// `<package root>`, from this file's path (Tests/HopTraceGeoTests/…).
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let writerScript = packageRoot.appendingPathComponent("scripts/make-test-mmdb").path

    /// Whether the Perl writer is installed (Debian: libmaxmind-db-writer-perl). Tests that
    /// need generated databases are skipped without it.
    static let writerAvailable: Bool = {
        (try? run(["perl", "-MMaxMind::DB::Writer::Tree", "-e", "1"]))?.status == 0
    }()

    static let skipReason: Comment = "MaxMind::DB::Writer::Tree (libmaxmind-db-writer-perl) is not installed"

    struct ToolFailure: Error, CustomStringConvertible {
        let description: String
    }

    static func run(_ arguments: [String]) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let errPipe = Pipe()
        process.standardError = errPipe
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let err = errPipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: err, as: UTF8.self))
    }

    /// Every fixture below, generated once per test process (one run of the writer, about a
    /// second, instead of one per test) into `$TMPDIR/hoptrace-geo-tests-<pid>`. Tests only
    /// read these; a test that alters a database copies it into its own `ScratchDirectory`.
    /// A static can have no teardown, so each process removes the directories of earlier test
    /// processes that are no longer running: at most one is ever left behind.
    static let sharedDirectory: Result<String, ToolFailure> = {
        let tmp = FileManager.default.temporaryDirectory
        let prefix = "hoptrace-geo-tests-"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: tmp.path)) ?? [] where name.hasPrefix(prefix)
        {
            guard let pid = Int32(name.dropFirst(prefix.count)), pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                try? FileManager.default.removeItem(at: tmp.appendingPathComponent(name))
            }
        }
        let dir = tmp.appendingPathComponent(prefix + "\(getpid())", isDirectory: true)
        do {
            try? FileManager.default.removeItem(at: dir)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            var arguments = ["perl", writerScript]
            for (name, json) in sharedFixtures.sorted(by: { $0.key < $1.key }) {
                let fixture = dir.appendingPathComponent("\(name).json")
                try Data(json.utf8).write(to: fixture)
                arguments += [fixture.path, dir.appendingPathComponent("\(name).mmdb").path]
            }
            let result = try run(arguments)
            guard result.status == 0 else {
                return .failure(ToolFailure(description: "make-test-mmdb failed (\(result.status)): \(result.stderr)"))
            }
            return .success(dir.path)
        } catch {
            return .failure(ToolFailure(description: "cannot generate the test databases: \(error)"))
        }
    }()

    /// The path of a shared generated database (`city`, `asn`, `asn4`, `limits`).
    static func shared(_ name: String) throws -> String {
        precondition(sharedFixtures[name] != nil, "no fixture \(name)")
        return try sharedDirectory.get() + "/\(name).mmdb"
    }

    static func bytes(of name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: try shared(name))))
    }

    static func copy(_ name: String, to destination: String) throws {
        try FileManager.default.copyItem(atPath: try shared(name), toPath: destination)
    }

    static var sharedFixtures: [String: String] {
        [
            "city": city, "asn": asn, "asn4": asnIPv4Only,
            "limits": limits(depth: GeoLimits.maxValueDepth + 8, longString: GeoLimits.maxStringBytes + 1),
        ]
    }

    // MARK: Fixtures

    static let buildEpoch = 1_700_000_000  // 2023-11-14T22:13:20Z

    /// City-shaped (GeoIP2 layout), IPv6 tree with the IPv4 aliases, English and German names.
    static let city = """
        { "database_type": "hoptrace-Test-City", "build_epoch": \(buildEpoch), "languages": ["en", "de"],
          "description": { "en": "hoptrace city fixture" },
          "networks": [
            { "network": "203.0.113.0/24", "data": {
                "city": { "geoname_id": 3448439, "names": { "en": "São Paulo & <Sé> \\"Centro\\"", "de": "São Paulo" } },
                "country": { "geoname_id": 3469034, "iso_code": "BR", "names": { "en": "Brazil", "de": "Brasilien" } },
                "location": { "latitude": -23.5475, "longitude": -46.63611, "time_zone": "America/Sao_Paulo" },
                "subdivisions": [ { "iso_code": "SP", "names": { "en": "São Paulo" } } ] } },
            { "network": "198.51.100.0/25", "data": {
                "country": { "iso_code": "JP", "names": { "en": "日本 (Japan)" } } } },
            { "network": "198.51.100.128/25", "data": {
                "city": { "names": { "de": "München" } },
                "country": { "iso_code": "DE", "names": { "en": "Germany" } } } },
            { "network": "2001:db8:1::/48", "data": {
                "city": { "names": { "en": "Zürich" } },
                "country": { "iso_code": "CH", "names": { "en": "Switzerland", "de": "Schweiz" } } } },
            { "network": "10.0.0.0/8", "data": {
                "country": { "iso_code": "XX", "names": { "en": "Nowhere (private space)" } } } }
          ] }
        """

    /// ASN-shaped (GeoLite2-ASN layout, plus one GeoIP2-ISP-shaped record).
    static let asn = """
        { "database_type": "hoptrace-Test-ASN", "build_epoch": \(buildEpoch),
          "networks": [
            { "network": "203.0.113.0/24", "data": {
                "autonomous_system_number": 64500, "autonomous_system_organization": "Example & Co <AS64500>" } },
            { "network": "2001:db8::/32", "data": {
                "autonomous_system_number": 64510, "autonomous_system_organization": "Ünïcødé Netzwerke GmbH — ☎" } },
            { "network": "198.51.100.0/24", "data": {
                "autonomous_system_number": 64501, "isp": "Example ISP", "organization": "Example Org" } }
          ] }
        """

    /// An IPv4-only tree (record size 24), like MaxMind's `-ipv4-24` test database.
    static let asnIPv4Only = """
        { "database_type": "hoptrace-Test-ASN-IPv4", "ip_version": 4, "record_size": 24, "build_epoch": \(buildEpoch),
          "networks": [
            { "network": "203.0.113.0/24", "data": {
                "autonomous_system_number": 64499, "autonomous_system_organization": "IPv4 Only Ltd" } }
          ] }
        """

    /// Records that break `GeoLimits`: a map nested deeper than `maxValueDepth`, and an
    /// organisation name longer than `maxStringBytes`.
    static func limits(depth: Int, longString: Int) -> String {
        var nested = "{ \"leaf\": \"bottom\" }"
        for _ in 0..<depth { nested = "{ \"n\": \(nested) }" }
        let long = String(repeating: "x", count: longString)
        return """
            { "database_type": "hoptrace-Test-Limits", "build_epoch": \(buildEpoch),
              "networks": [
                { "network": "203.0.113.0/25", "data": {
                    "country": { "iso_code": "NL" }, "n": \(nested) } },
                { "network": "203.0.113.128/25", "data": {
                    "autonomous_system_number": 64502, "autonomous_system_organization": "\(long)" } }
              ] }
            """
    }
}

/// A directory under the system temporary directory, removed when the last reference goes.
/// Tests that use only paths from it keep it with `defer { withExtendedLifetime(scratch) {} }`:
/// Swift may release a local after its last use, which would delete the directory mid-test.
final class ScratchDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("hoptrace-geo-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Creates a subdirectory and returns its path.
    func directory(_ name: String) throws -> String {
        let p = path(name)
        try FileManager.default.createDirectory(atPath: p, withIntermediateDirectories: true)
        return p
    }

    func write(_ name: String, bytes: [UInt8]) throws -> String {
        let p = path(name)
        try Data(bytes).write(to: URL(fileURLWithPath: p))
        return p
    }

}
