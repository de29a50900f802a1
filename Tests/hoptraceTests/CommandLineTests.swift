import Foundation
import HopTraceTestSupport
import Testing

/// Runs the built `hoptrace` binary as a user would, on inputs written into a temporary
/// folder. Asserts exit codes, that errors are one line, and that nothing crashes or hangs on
/// hostile input.
@Suite struct CommandLineTests {
    /// No test sends DNS beyond loopback: analyses here run `--offline`.
    static func run(_ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:]) throws
        -> TestSupport.Run
    {
        try TestSupport.run(arguments + ["--offline"], stdin: stdin, environment: environment)
    }

    static func temporaryFile(_ name: String, _ bytes: [UInt8]) throws -> URL {
        try TestSupport.temporaryFile(name, bytes)
    }

    static let simpleMessage = Array(
        """
        Received: from a.example.net (a.example.net [198.51.100.7]) by mx.example.org (Postfix) with ESMTPS id 1234; Mon, 3 Feb 2025 10:00:05 +0000\r
        Received: from client (unknown [10.1.2.3]) by a.example.net (Postfix) with ESMTPSA id 99; Mon, 3 Feb 2025 10:00:01 +0000\r
        From: a@example.net\r
        Subject: hello\r
        \r
        body\r

        """.utf8)

    @Test func analyzesAFileAsJSON() throws {
        let file = try Self.temporaryFile("m.eml", Self.simpleMessage)
        let run = try Self.run([file.path, "--json"])
        #expect(run.status == 0)
        #expect(run.stdout.hasPrefix("{\n  \"version\": 1,"))
        #expect(run.stdout.contains("\"ip\": \"198.51.100.7\""))
        #expect(run.stdout.contains("\"scope\": \"private\""))
        #expect(run.stderr.isEmpty)
    }

    @Test func analyzeIsTheDefaultSubcommand() throws {
        let file = try Self.temporaryFile("m.eml", Self.simpleMessage)
        let a = try Self.run(["analyze", file.path, "--json"])
        let b = try Self.run([file.path, "--json"])
        #expect(a.status == 0)
        #expect(a.stdout == b.stdout)
    }

    @Test func readsStandardInput() throws {
        let run = try Self.run(["-", "--json"], stdin: Data(Self.simpleMessage))
        #expect(run.status == 0)
        #expect(run.stdout.contains("\"ip\": \"10.1.2.3\""))
    }

    @Test func textReportHasNoColourWhenNotATerminal() throws {
        let file = try Self.temporaryFile("m.eml", Self.simpleMessage)
        let run = try Self.run([file.path])
        #expect(run.status == 0)
        #expect(run.stdout.contains("→"))
        #expect(!run.stdout.contains("\u{1B}"))
    }

    @Test func missingFileIsAnIOError() throws {
        let run = try Self.run(["/nonexistent/hoptrace/x.eml"])
        #expect(run.status == 74)
        #expect(run.stderr.split(separator: "\n").count == 1)
        #expect(run.stdout.isEmpty)
    }

    @Test func unknownOptionIsAUsageError() throws {
        let run = try Self.run(["--no-such-flag", "x.eml"])
        #expect(run.status == 64)
    }

    static func nestedMIME(depth: Int) -> [UInt8] {
        var s = "From: a@example.com\nContent-Type: multipart/mixed; boundary=\"b0\"\n\n"
        for i in 1...depth {
            s += "--b\(i - 1)\nContent-Type: multipart/mixed; boundary=\"b\(i)\"\n\n"
        }
        s += "--b\(depth)\nContent-Type: text/plain\n\nhi\n"
        return Array(s.utf8)
    }

    /// Every hostile input either analyses (exit 0, bounded) or fails with one line and exit 65,
    /// with `analyze` and with `hops` (same intake and parser, its own output).
    @Test(arguments: [
        "empty", "binary", "nul-bytes", "huge-header-block", "10000-received", "long-line",
        "deep-mime", "unclosed-boundary", "control-characters",
    ])
    func hostileInput(kind: String) throws {
        let bytes: [UInt8]
        var mustFail = false
        switch kind {
        case "empty":
            bytes = []
            mustFail = true
        case "binary":
            var g = SystemRandomNumberGenerator()
            bytes = [0xFF, 0xD8, 0x00, 0x13] + (0..<100_000).map { _ in UInt8.random(in: 0...255, using: &g) }
            mustFail = true
        case "nul-bytes":
            bytes = Array(
                "Received: from a\u{0}b (x [192.0.2.1]) by c; Mon, 3 Feb 2025 10:00:00 +0000\nSubject: \u{0}\u{0}\n\n\u{0}"
                    .utf8)
        case "huge-header-block":
            let line = Array("X-Filler: \(String(repeating: "a", count: 990))\n".utf8)
            var b: [UInt8] = []
            b.reserveCapacity(50 * 1024 * 1024 + 1024)
            while b.count < 50 * 1024 * 1024 { b += line }
            bytes = b + Array("\nbody\n".utf8)
        case "10000-received":
            var s = ""
            for i in 0..<10_000 {
                s +=
                    "Received: from h\(i + 1).example.net ([192.0.2.\(i % 250 + 1)]) by h\(i).example.net with ESMTP id \(i); Mon, 3 Feb 2025 10:00:00 +0000\n"
            }
            bytes = Array((s + "Subject: many\n\nbody\n").utf8)
        case "long-line":
            bytes = Array(("Received: from " + String(repeating: "x(", count: 50_000) + "\nSubject: s\n\n").utf8)
        case "deep-mime":
            bytes = Self.nestedMIME(depth: 10_000)
        case "unclosed-boundary":
            bytes = Array(
                "From: a@example.com\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"zz\"\n\n--zz\nContent-Type: text/rfc822-headers\n\nReceived: from a (a [192.0.2.1]) by b; Mon, 3 Feb 2025 10:00:00 +0000\n"
                    .utf8)
        case "control-characters":
            bytes = Array(
                "Received: from evil\u{1B}[2J\u{1B}]0;pwned\u{7} ([192.0.2.66]) by mx.example.org; Mon, 3 Feb 2025 10:00:00 +0000\nSubject: \u{1B}[31mred\u{202E}\n\nbody\n"
                    .utf8)
        default:
            Issue.record("unknown case \(kind)")
            return
        }
        let file = try Self.temporaryFile("\(kind).eml", bytes)
        let runs = [
            try Self.run([file.path]), try Self.run([file.path, "--json"]),
            try TestSupport.run(["hops", file.path]), try TestSupport.run(["hops", file.path, "--jsonl"]),
        ]
        for run in runs {
            if mustFail {
                #expect(run.status == 65, "\(kind): \(run.stderr)")
            } else {
                #expect(run.status == 0 || run.status == 65, "\(kind) exited \(run.status): \(run.stderr)")
            }
            if run.status == 65 {
                #expect(run.stderr.split(separator: "\n").count == 1, "\(kind): \(run.stderr)")
                #expect(run.stderr.hasPrefix("hoptrace: error: "))
            }
            // No raw control characters reach the terminal or the JSON text.
            #expect(!run.stdout.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "\(kind)")
            #expect(!run.stdout.contains("\u{202E}"))
        }
    }

    @Test func inputOverTheSizeLimitIsRefused() throws {
        let run = try Self.run(["-"], stdin: Data(count: 64 * 1024 * 1024 + 10))
        #expect(run.status == 65)
        #expect(run.stderr.contains("larger than 64 MiB"))
    }
}

@Suite struct DiagramAndGeoOptionTests {
    static let sample = TestSupport.packageRoot.appendingPathComponent("samples/bt-delivery-receipt.eml").path

    @Test(arguments: ["svg", "png", "pdf", "dot"])
    func dotWritesTheDiagramInTheFormatOfItsExtension(format: String) throws {
        let out = try TestSupport.temporaryDirectory().appendingPathComponent("bt.\(format)")
        let run = try TestSupport.run([Self.sample, "--dot", out.path, "--json", "--offline"])
        #expect(run.status == 0, "\(run.stderr)")
        let bytes = try [UInt8](Data(contentsOf: out))
        let head = String(decoding: bytes.prefix(64), as: UTF8.self)
        switch format {
        case "svg": #expect(head.contains("<?xml") || head.contains("<svg"))
        case "png": #expect(Array(bytes.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
        case "pdf": #expect(head.hasPrefix("%PDF"))
        default: #expect(head.contains("digraph"))
        }
        // The diagram is the embedded original's path: BT's relay with both names is on it.
        if format == "dot" || format == "svg" {
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(text.contains("RDW083A006ED62.bt.com"))
        }
    }

    @Test func unknownDiagramFormatIsAUsageError() throws {
        let run = try TestSupport.run([Self.sample, "--dot", "/tmp/x.gif", "--offline"])
        #expect(run.status == 64)
    }

    @Test func missingGeoDatabaseIsAWarningAndTheAnalysisGoesOn() throws {
        let run = try TestSupport.run([
            Self.sample, "--geoip-db", "/nonexistent/GeoLite2-City.mmdb", "--json", "--offline",
        ])
        #expect(run.status == 0)
        #expect(run.stderr.contains("warning"))
        #expect(run.stdout.contains("\"chains\""))
    }
}

@Suite struct DNSOptionTests {
    static let sample = TestSupport.packageRoot.appendingPathComponent("samples/bt-delivery-receipt.eml").path
    static let zone = TestSupport.packageRoot.appendingPathComponent("samples/bt-delivery-receipt.zone").path

    @Test func snapshotReplaysAndSavedAnswersReplayToTheSameReport() throws {
        let saved = try TestSupport.temporaryDirectory().appendingPathComponent("saved.zone")
        let first = try TestSupport.run([Self.sample, "--dns-snapshot", Self.zone, "--save-dns", saved.path, "--json"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("spf-broken-by-forwarding"))
        let again = try TestSupport.run([Self.sample, "--dns-snapshot", saved.path, "--json"])
        #expect(again.status == 0)
        // Same analysis; only the note naming the snapshot file differs.
        func withoutSource(_ s: String) -> String {
            s.replacingOccurrences(of: Self.zone, with: "Z").replacingOccurrences(of: saved.path, with: "Z")
        }
        #expect(withoutSource(first.stdout) == withoutSource(again.stdout))
    }

    @Test func offlineShowsRecordedVerdictsAndSaysWhatWasSkipped() throws {
        let run = try TestSupport.run([Self.sample, "--offline"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("recorded fail by protection.outlook.com"))
        #expect(run.stdout.contains("--offline"))
    }

    @Test func offlineExcludesASnapshot() throws {
        let run = try TestSupport.run([Self.sample, "--offline", "--dns-snapshot", Self.zone])
        #expect(run.status == 64)
    }

    @Test func anExplicitResolverThatDoesNotAnswerIsExit69() throws {
        // 127.0.0.1 port 9: nothing listens (loopback only).
        let run = try TestSupport.run([Self.sample, "--resolver", "127.0.0.1@9"])
        #expect(run.status == 69, "\(run.stderr)")
        #expect(run.stderr.contains("live DNS unavailable"))
    }

    @Test func unreadableSnapshotIsAnIOError() throws {
        let run = try TestSupport.run([Self.sample, "--dns-snapshot", "/nonexistent/x.zone"])
        #expect(run.status == 74)
    }
}

@Suite struct MapCommandTests {
    /// The names of the bundled samples (.eml), sorted.
    static func sampleNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(
            atPath: TestSupport.packageRoot.appendingPathComponent("samples").path
        )
        .filter { $0.hasSuffix(".eml") }.sorted()
    }

    /// An mbox of these samples (default: every one), written into a temporary folder.
    static func samplesMailbox(_ names: [String]? = nil, file: String = "samples.mbox") throws -> URL {
        let dir = TestSupport.packageRoot.appendingPathComponent("samples")
        var mbox = ""
        for name in try names ?? sampleNames() {
            let text = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
            mbox +=
                "From sample@example.com Mon Jan  1 00:00:00 2024\n" + text.replacingOccurrences(of: "\r\n", with: "\n")
                + "\n"
        }
        return try TestSupport.temporaryFile(file, Array(mbox.utf8))
    }

    @Test func mergesAMailboxIntoOneRelayMap() throws {
        let mbox = try Self.samplesMailbox()
        let run = try TestSupport.run(["map", mbox.path, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let samples = try FileManager.default.contentsOfDirectory(
            atPath: TestSupport.packageRoot.appendingPathComponent("samples").path
        )
        .filter { $0.hasSuffix(".eml") }.count
        #expect(doc["messages"] as? Int == samples)
        let nodes = try #require(doc["nodes"] as? [[String: Any]])
        let edges = try #require(doc["edges"] as? [[String: Any]])
        // tbhext01.m0noc.net appears in both article samples: one node, seen in several messages.
        let tbhext = nodes.filter { ($0["names"] as? [String] ?? []).contains("tbhext01.m0noc.net") }
        #expect(tbhext.count == 1)
        #expect((tbhext.first?["messages"] as? Int ?? 0) >= 2)
        #expect(edges.allSatisfy { ($0["messages"] as? Int ?? 0) >= 1 })
    }

    @Test func drawsTheMapAndAddsUpSeveralInputs() throws {
        let mbox = try Self.samplesMailbox()
        let out = try TestSupport.temporaryDirectory().appendingPathComponent("map.svg")
        let extra = TestSupport.packageRoot.appendingPathComponent("samples/raynet-forwarded.eml").path
        let run = try TestSupport.run(["map", mbox.path, extra, "--dot", out.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("hoptrace map: "))
        let svg = try String(contentsOf: out, encoding: .utf8)
        #expect(svg.contains("<svg"))
        #expect(svg.contains("amg1.gbse.gb.net"))
    }
}

/// `analyze` on a mailbox and a Maildir: one entry per message, written as each is analysed.
@Suite struct MailboxAnalysisTests {
    @Test func aMailboxIsOneDocumentWithAnEntryPerMessage() throws {
        let mbox = try MapCommandTests.samplesMailbox()
        let run = try CommandLineTests.run([mbox.path, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let messages = try #require(doc["messages"] as? [[String: Any]])
        let samples = try FileManager.default.contentsOfDirectory(
            atPath: TestSupport.packageRoot.appendingPathComponent("samples").path
        )
        .filter { $0.hasSuffix(".eml") }.count
        #expect(messages.count == samples)
        // An mbox message is FILE:N in every output (as in `hops`).
        #expect(messages.map { $0["message"] as? String } == (1...samples).map { "\(mbox.path):\($0)" })
        #expect(messages.allSatisfy { ($0["chains"] as? [Any])?.isEmpty == false })
        let text = try CommandLineTests.run([mbox.path])
        #expect(text.status == 0)
        #expect(text.stdout.hasPrefix("hoptrace: message \(mbox.path):1\n"))
        #expect(text.stdout.components(separatedBy: "hoptrace: message ").count == samples + 1)
    }

    @Test func aMaildirKeepsGoingPastAnUnreadableMessage() throws {
        let dir = try TestSupport.temporaryDirectory().appendingPathComponent("Maildir")
        for sub in ["cur", "new", "tmp"] {
            try FileManager.default.createDirectory(
                at: dir.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        try Data(CommandLineTests.simpleMessage).write(to: dir.appendingPathComponent("cur/1.eml"))
        try Data().write(to: dir.appendingPathComponent("new/2.eml"))
        let run = try CommandLineTests.run([dir.path, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let messages = try #require(doc["messages"] as? [[String: Any]])
        #expect(messages.count == 2)
        #expect(messages.filter { $0["error"] is String }.count == 1)
        #expect(messages.filter { $0["chains"] is [Any] }.count == 1)
    }
}
