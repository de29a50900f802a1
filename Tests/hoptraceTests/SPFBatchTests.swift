import Foundation
import HopTraceTestSupport
import Testing

/// `hoptrace spf --batch FILE --dns-snapshot ZONE [--json]`, through the built binary: one
/// result per query line, the same results as one `hoptrace spf IP DOMAIN` per query, and the
/// usage rules (exactly one of the two modes). Files are written into temporary folders only.
@Suite struct SPFBatchTests {
    static let zone = """
        ; SPFBatchTests
        $TTL 300
        example.com.        IN TXT "v=spf1 ip4:192.0.2.0/24 include:_spf.provider.test -all"
        example.com.        IN TXT "site-verification=abc"
        _spf.provider.test. IN TXT "v=spf1 ip4:198.51.100.0/24 ip6:2001:db8:1::/48 ~all"
        soft.example.com.   IN TXT "v=spf1 ~all"
        helo.example.net.   IN TXT "v=spf1 a -all"
        helo.example.net.   IN A 203.0.113.9
        nospf.example.org.  IN A 192.0.2.1
        redir.example.com.  IN TXT "v=spf1 redirect=example.com"
        ;! timeout slow.example.com TXT

        """

    /// (line, expected result word); "" for lines the batch skips.
    static let lines: [(String, String)] = [
        ("# IP DOMAIN SENDER HELO", ""),
        ("192.0.2.5 example.com user@example.com mx.example.net", "pass"),
        ("198.51.100.7 example.com user@example.com mx.example.net", "pass"),
        ("2001:db8:1::25 example.com user@example.com mx.example.net", "pass"),
        ("203.0.113.1 example.com user@example.com mx.example.net", "fail"),
        ("", ""),
        ("203.0.113.1\tsoft.example.com\t-\tsoft.example.com", "softfail"),
        ("203.0.113.9 helo.example.net - helo.example.net", "pass"),
        ("203.0.113.10 helo.example.net - -", "fail"),
        ("2001:db8::1 nospf.example.org user@nospf.example.org mx.example.net", "none"),
        ("192.0.2.5 missing.example user@missing.example h.example", "none"),
        ("203.0.113.50 redir.example.com someone@redir.example.com h.example", "fail"),
        ("192.0.2.5 slow.example.com a@slow.example.com h.example", "temperror"),
    ]

    static var expected: [String] { lines.map(\.1).filter { !$0.isEmpty } }

    /// A folder with `zone.txt` and `queries.txt`.
    static func files(queries: String? = nil) throws -> (zone: URL, queries: URL) {
        let dir = try TestSupport.temporaryDirectory()
        let zone = dir.appendingPathComponent("zone.txt")
        let list = dir.appendingPathComponent("queries.txt")
        try Data(Self.zone.utf8).write(to: zone)
        try Data((queries ?? Self.lines.map(\.0).joined(separator: "\n") + "\n").utf8).write(to: list)
        return (zone, list)
    }

    @Test func printsOneResultWordPerQuery() throws {
        let (zone, queries) = try Self.files()
        defer { try? FileManager.default.removeItem(at: zone.deletingLastPathComponent()) }
        let run = try TestSupport.run(["spf", "--batch", queries.path, "--dns-snapshot", zone.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.isEmpty)
        #expect(
            run.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                == Self.expected + [""])
    }

    @Test func jsonLinesMatchSingleQueryMode() throws {
        let (zone, queries) = try Self.files()
        defer { try? FileManager.default.removeItem(at: zone.deletingLastPathComponent()) }
        let run = try TestSupport.run(["spf", "--batch", queries.path, "--dns-snapshot", zone.path, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let objects = try run.stdout.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(objects.map { $0["result"] as? String ?? "?" } == Self.expected)
        // The same query through single-query mode gives the same JSON object, trace included.
        let queryLines = Self.lines.map(\.0).filter { !$0.isEmpty && !$0.hasPrefix("#") }
        #expect(queryLines.count == objects.count)
        for (line, object) in zip(queryLines, objects) {
            let f = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            let single = try TestSupport.run([
                "spf", f[0], f[1], "--sender", f[2] == "-" ? "" : f[2],
                "--helo", f[3] == "-" ? f[1] : f[3],
                "--dns-snapshot", zone.path, "--json",
            ])
            #expect(single.status == 0, "\(line): \(single.stderr)")
            let one = try #require(try JSONSerialization.jsonObject(with: Data(single.stdout.utf8)) as? [String: Any])
            #expect(NSDictionary(dictionary: one) == NSDictionary(dictionary: object), "\(line)")
        }
    }

    @Test func readsQueriesFromStandardInput() throws {
        let (zone, _) = try Self.files()
        defer { try? FileManager.default.removeItem(at: zone.deletingLastPathComponent()) }
        let input = Self.lines.map(\.0).joined(separator: "\n")  // no final newline
        let run = try TestSupport.run(["spf", "--batch", "-", "--dns-snapshot", zone.path], stdin: Data(input.utf8))
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == Self.expected.joined(separator: "\n") + "\n")
    }

    @Test func emptyBatchPrintsNothing() throws {
        let (zone, queries) = try Self.files(queries: "# nothing\n\n")
        defer { try? FileManager.default.removeItem(at: zone.deletingLastPathComponent()) }
        let run = try TestSupport.run(["spf", "--batch", queries.path, "--dns-snapshot", zone.path])
        #expect(run.status == 0)
        #expect(run.stdout.isEmpty)
    }

    /// Exactly one mode: IP DOMAIN, or --batch FILE; per-query options are refused with --batch.
    @Test(arguments: [
        ["spf", "--batch", "QUERIES", "192.0.2.1", "example.com", "--dns-snapshot", "ZONE"],
        ["spf", "--batch", "QUERIES", "192.0.2.1", "--dns-snapshot", "ZONE"],
        ["spf", "--dns-snapshot", "ZONE"],
        ["spf", "192.0.2.1", "--dns-snapshot", "ZONE"],
        ["spf", "--batch", "QUERIES", "--sender", "a@example.com", "--dns-snapshot", "ZONE"],
        ["spf", "--batch", "QUERIES", "--helo", "h.example", "--dns-snapshot", "ZONE"],
        ["spf", "--batch", "QUERIES", "--save-dns", "OUT", "--dns-snapshot", "ZONE"],
        ["spf", "--batch", "QUERIES", "--dns-snapshot", "ZONE", "--resolver", "127.0.0.1"],
        ["spf", "--batch"],
    ])
    func usageErrors(_ template: [String]) throws {
        let (zone, queries) = try Self.files()
        defer { try? FileManager.default.removeItem(at: zone.deletingLastPathComponent()) }
        let out = zone.deletingLastPathComponent().appendingPathComponent("saved.txt")
        let arguments = template.map { ["QUERIES": queries.path, "ZONE": zone.path, "OUT": out.path][$0] ?? $0 }
        let run = try TestSupport.run(arguments)
        #expect(run.status == 64, "\(arguments): \(run.status) \(run.stderr)")
        #expect(run.stdout.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test(arguments: [
        ("192.0.2.1 example.com a@example.com", "line 2: want 4 fields"),
        ("192.0.2.1 example.com a@example.com h.example extra", "line 2: want 4 fields"),
        ("192.0.2.999 example.com a@example.com h.example", "line 2: \"192.0.2.999\" is not an IPv4 or IPv6 address"),
        ("192.0.2.1 \u{7F}bad a@example.com h.example", "line 2: "),
    ])
    func badLineFailsTheBatchBeforeAnyOutput(_ bad: String, _ message: String) throws {
        let (zone, queries) = try Self.files(queries: "192.0.2.5 example.com user@example.com h.example\n\(bad)\n")
        defer { try? FileManager.default.removeItem(at: zone.deletingLastPathComponent()) }
        let run = try TestSupport.run(["spf", "--batch", queries.path, "--dns-snapshot", zone.path])
        #expect(run.status == 65, "\(run.stderr)")
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains(message), "\(run.stderr)")
        #expect(run.stderr.split(separator: "\n").count == 1)
    }

    /// The batch file's own shapes: CRLF line ends, a last line without a newline, tabs,
    /// a UTF-8 (non-ASCII) sender, and a line whose bytes are not UTF-8 (refused, named).
    @Test func lineShapesAndEncodings() throws {
        let (zone, queries) = try Self.files()
        defer { try? FileManager.default.removeItem(at: zone.deletingLastPathComponent()) }
        let good = Array(
            "# comment\r\n192.0.2.5\texample.com  jürgen@example.com h.example\r\n\r\n203.0.113.1 example.com - -".utf8)
        try Data(good).write(to: queries)
        let run = try TestSupport.run(["spf", "--batch", queries.path, "--dns-snapshot", zone.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "pass\nfail\n")

        let bad =
            Array("192.0.2.5 example.com user@example.com h.example\n192.0.2.5 example.com u".utf8) + [0xFF, 0xFE]
            + Array("@example.com h.example\n".utf8)
        try Data(bad).write(to: queries)
        let refused = try TestSupport.run(["spf", "--batch", queries.path, "--dns-snapshot", zone.path])
        #expect(refused.status == 65)
        #expect(refused.stdout.isEmpty)
        #expect(refused.stderr.contains("line 2: not UTF-8"), "\(refused.stderr)")
    }

    /// Attacker-written batch files through standard input: binary bytes (NUL, controls, bytes
    /// that are not UTF-8), one 2 MB line, a line of 200,000 fields, a directive made of
    /// control characters. Each is refused (65) with one error line and no control character
    /// printed, before any output.
    @Test(
        arguments: [
            (
                "binary",
                { () -> [UInt8] in
                    var state: UInt64 = 0x2545_F491_4F6C_DD1D
                    return (0..<100_000).map { _ in
                        state ^= state << 13
                        state ^= state >> 7
                        state ^= state << 17
                        return UInt8(truncatingIfNeeded: state)
                    }
                }()
            ),
            ("long line", Array(repeating: UInt8(ascii: "a"), count: 2 << 20) + [0x0A]),
            ("many fields", Array(String(repeating: "x ", count: 200_000).utf8) + [0x0A]),
            ("control directive", Array("@\u{1B}[31m\u{07}\u{00}evil 1.2.3.4\n".utf8)),
        ] as [(String, [UInt8])])
    func hostileBatchIsRefusedCleanly(_ label: String, _ bytes: [UInt8]) throws {
        let (zone, _) = try Self.files()
        defer { try? FileManager.default.removeItem(at: zone.deletingLastPathComponent()) }
        let run = try TestSupport.run(["spf", "--batch", "-", "--dns-snapshot", zone.path], stdin: Data(bytes))
        #expect(run.status == 65, "\(label): \(run.status) \(run.stderr.prefix(300))")
        #expect(run.stdout.isEmpty, "\(label)")
        #expect(run.stderr.split(separator: "\n").count == 1, "\(label)")
        #expect(!run.stderr.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" || $0.value == 0x7F }, "\(label)")
        #expect(run.stderr.utf8.count < 2_000, "\(label): the error line stays short")
    }

    @Test func missingBatchFileIsAnIOError() throws {
        let (zone, _) = try Self.files()
        defer { try? FileManager.default.removeItem(at: zone.deletingLastPathComponent()) }
        let run = try TestSupport.run([
            "spf", "--batch", "/nonexistent/hoptrace/queries.txt", "--dns-snapshot", zone.path,
        ])
        #expect(run.status == 74)
        #expect(run.stdout.isEmpty)
    }

    /// `@snapshot ZONEFILE` lines: the queries after one are answered from that zone file (a
    /// relative path from the batch file's folder), those before the first from --dns-snapshot.
    @Test func snapshotLinesSwitchTheDNSSource() throws {
        let (zone, _) = try Self.files()
        let dir = zone.deletingLastPathComponent()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("zones"), withIntermediateDirectories: true)
        try Data("example.com. IN TXT \"v=spf1 -all\"\n".utf8).write(
            to: dir.appendingPathComponent("zones/other zone.txt"))
        let query = "192.0.2.5 example.com user@example.com h.example"
        let batch = dir.appendingPathComponent("batch.txt")
        try Data(
            """
            \(query)
            @snapshot zones/other zone.txt
            \(query)
            @snapshot \t\(zone.path) \r
            \(query)
            @snapshot zones/other zone.txt
            # the same file again
            \(query)

            """.utf8
        ).write(to: batch)
        let run = try TestSupport.run(["spf", "--batch", batch.path, "--dns-snapshot", zone.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "pass\nfail\npass\nfail\n")

        // With every query after an @snapshot line the command's own DNS is never asked (the
        // --resolver given is a closed local port: asking it would fail with 69).
        try Data("@snapshot zone.txt\n\(query)\n@snapshot zones/other zone.txt\n\(query)\n".utf8).write(to: batch)
        let only = try TestSupport.run(["spf", "--batch", batch.path, "--resolver", "127.0.0.1@9"])
        #expect(only.status == 0, "\(only.stderr)")
        #expect(only.stdout == "pass\nfail\n")
    }

    /// Every snapshot is read before the first query runs: a bad one fails the batch with no
    /// output, naming its line (74 when the file cannot be read, 65 for its contents or a bad
    /// directive line).
    @Test(arguments: [
        ("@snapshot missing.zone", 74, "line 2: cannot read DNS snapshot"),
        ("@snapshot bad.zone", 65, "line 2: cannot read DNS snapshot"),
        ("@snapshot", 65, "line 2: @snapshot needs a zone file path"),
        ("@include other.zone", 65, "line 2: unknown directive \"@include\""),
    ])
    func badSnapshotLineFailsTheBatchBeforeAnyOutput(_ line: String, _ status: Int32, _ message: String) throws {
        let (zone, queries) = try Self.files(
            queries: "192.0.2.5 example.com user@example.com h.example\n\(line)\n"
                + "192.0.2.5 example.com user@example.com h.example\n")
        let dir = zone.deletingLastPathComponent()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("example.com. IN TXT \"v=spf1 -all\n".utf8).write(to: dir.appendingPathComponent("bad.zone"))
        let run = try TestSupport.run(["spf", "--batch", queries.path, "--dns-snapshot", zone.path])
        #expect(run.status == status, "\(run.stderr)")
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains(message), "\(run.stderr)")
    }

    /// `--stats`: one line on standard error with the query count and the loop's seconds (the
    /// format only; the value is whatever the machine took).
    @Test func statsLineGivesQueriesAndSeconds() throws {
        let (zone, queries) = try Self.files()
        defer { try? FileManager.default.removeItem(at: zone.deletingLastPathComponent()) }
        let run = try TestSupport.run(["spf", "--batch", queries.path, "--dns-snapshot", zone.path, "--stats"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == Self.expected.joined(separator: "\n") + "\n")
        let line = run.stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(line.count == 2 && line[1].isEmpty, "\(run.stderr)")
        #expect(
            line[0].wholeMatch(of: /queries=(\d+) seconds=\d+\.\d{4}/)?.1 == "\(Self.expected.count)", "\(run.stderr)")

        let single = try TestSupport.run(["spf", "192.0.2.5", "example.com", "--dns-snapshot", zone.path, "--stats"])
        #expect(single.status == 64, "--stats goes with --batch")
    }

    @Test func singleQueryModeIsUnchanged() throws {
        let (zone, _) = try Self.files()
        defer { try? FileManager.default.removeItem(at: zone.deletingLastPathComponent()) }
        let run = try TestSupport.run(["spf", "192.0.2.5", "example.com", "--dns-snapshot", zone.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("SPF pass for 192.0.2.5 at example.com\n"))
        let bad = try TestSupport.run(["spf", "not-an-ip", "example.com", "--dns-snapshot", zone.path])
        #expect(bad.status == 64)
    }
}
