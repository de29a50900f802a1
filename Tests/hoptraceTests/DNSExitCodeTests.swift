import Foundation
import HopTraceTestSupport
import Testing

/// One exit code per DNS problem, whichever command and whichever form named it
/// (`DNSSetupError`): a malformed `--resolver` is a usage error (64), a zone file that cannot
/// be read an I/O error (74), a zone file that does not parse input unreadable (65) — through
/// `analyze --dns-snapshot`, `spf --dns-snapshot` and an `spf --batch` `@snapshot` line alike.
@Suite struct DNSExitCodeTests {
    enum Form: String, CaseIterable, Sendable {
        case analyze, spf, spfBatch
    }

    /// A folder with a message, a batch of one query, a zone file that does not parse
    /// (an unclosed quote) and none at `missing.zone`.
    static func files() throws -> URL {
        let dir = try TestSupport.temporaryDirectory()
        try Data(CommandLineTests.simpleMessage).write(to: dir.appendingPathComponent("m.eml"))
        try Data("192.0.2.5 example.com user@example.com h.example\n".utf8).write(
            to: dir.appendingPathComponent("queries.txt"))
        try Data("example.com. IN TXT \"v=spf1 -all\n".utf8).write(to: dir.appendingPathComponent("bad.zone"))
        return dir
    }

    /// The command line that takes `zone` as its snapshot in `form`.
    static func arguments(_ form: Form, zone: String, in dir: URL) throws -> [String] {
        switch form {
        case .analyze:
            return [dir.appendingPathComponent("m.eml").path, "--dns-snapshot", zone]
        case .spf:
            return ["spf", "192.0.2.5", "example.com", "--dns-snapshot", zone]
        case .spfBatch:
            let batch = dir.appendingPathComponent("batch.txt")
            try Data("@snapshot \(zone)\n192.0.2.5 example.com user@example.com h.example\n".utf8).write(to: batch)
            return ["spf", "--batch", batch.path]
        }
    }

    @Test(arguments: Form.allCases)
    func aMissingZoneFileIsAnIOError(_ form: Form) throws {
        let dir = try Self.files()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try TestSupport.run(
            try Self.arguments(form, zone: dir.appendingPathComponent("missing.zone").path, in: dir))
        #expect(run.status == 74, "\(form): \(run.stderr)")
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains("cannot read DNS snapshot"), "\(form): \(run.stderr)")
        #expect(run.stderr.split(separator: "\n").count == 1)
    }

    @Test(arguments: Form.allCases)
    func aZoneFileThatDoesNotParseIsUnreadableInput(_ form: Form) throws {
        let dir = try Self.files()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try TestSupport.run(
            try Self.arguments(form, zone: dir.appendingPathComponent("bad.zone").path, in: dir))
        #expect(run.status == 65, "\(form): \(run.stderr)")
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains("cannot read DNS snapshot"), "\(form): \(run.stderr)")
        #expect(run.stderr.contains("line 1: "), "\(form): \(run.stderr)")
        #expect(run.stderr.split(separator: "\n").count == 1)
    }

    /// Refused before any DNS is set up: no libunbound, no query.
    @Test(arguments: [
        ["ANALYZE", "--resolver", "junk"],
        ["ANALYZE", "--resolver", "192.0.2.1@0"],
        ["ANALYZE", "--resolver", "192.0.2.1@65536"],
        ["spf", "192.0.2.5", "example.com", "--resolver", "junk"],
        ["spf", "192.0.2.5", "example.com", "--resolver", "192.0.2.1@x"],
        ["spf", "--batch", "QUERIES", "--resolver", "junk"],
    ])
    func aMalformedResolverIsAUsageError(_ template: [String]) throws {
        let dir = try Self.files()
        defer { try? FileManager.default.removeItem(at: dir) }
        let arguments = template.map {
            [
                "ANALYZE": dir.appendingPathComponent("m.eml").path,
                "QUERIES": dir.appendingPathComponent("queries.txt").path,
            ][$0] ?? $0
        }
        let run = try TestSupport.run(arguments)
        #expect(run.status == 64, "\(arguments): \(run.stderr)")
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains("is not IP or IP@PORT"), "\(arguments): \(run.stderr)")
    }
}
