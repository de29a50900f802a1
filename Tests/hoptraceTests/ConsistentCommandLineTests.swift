import Foundation
import HopTraceTestSupport
import Testing

/// The command line as a new user meets it: inputs that fail do not stop the others, errors
/// name the file and say what it looks like, the report survives a diagram that cannot be
/// written, flags are spelled alike across commands, and every error line has one form.
@Suite struct ConsistentCommandLineTests {
    static let message = CommandLineTests.simpleMessage

    @Test func hopsGoesOnPastAMissingInputAndCountsTheFailures() throws {
        let file = try TestSupport.temporaryFile("a.eml", Self.message)
        let missing = file.deletingLastPathComponent().appendingPathComponent("nosuch.eml").path
        let run = try TestSupport.run(["hops", missing, file.path, "--jsonl"])
        #expect(run.status == 74)
        let records = try HopsCommandTests.lines(run.stdout)
        #expect(records.map { $0["message"] as? String } == [file.path])
        let errors = run.stderr.split(separator: "\n")
        #expect(errors.count == 2, "\(run.stderr)")
        #expect(errors.first == "hoptrace: error: \(missing): no such file"[...])
        #expect(errors.last == "hoptrace: error: 1 input of 2 could not be read")
    }

    @Test func hopsWithEveryInputReadIsExit0() throws {
        let file = try TestSupport.temporaryFile("a.eml", Self.message)
        let run = try TestSupport.run(["hops", file.path, file.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.isEmpty)
    }

    @Test(arguments: [
        ("doc.pdf", Array("%PDF-1.7\n%\u{E2}\u{E3}\n1 0 obj\n".utf8), "a PDF document"),
        (
            "mail.zip", [0x50, 0x4B, 0x03, 0x04, 0x14, 0, 0, 0, 8, 0] + [UInt8](repeating: 7, count: 64),
            "a ZIP archive"
        ),
        ("random.bin", (0..<600).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }, "binary data"),
    ])
    func aFileThatIsNotMailIsNamedWithWhatItLooksLike(name: String, bytes: [UInt8], kind: String) throws {
        let file = try TestSupport.temporaryFile(name, bytes)
        let run = try CommandLineTests.run([file.path])
        #expect(run.status == 65)
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(run.stderr)")
        #expect(run.stderr.hasPrefix("hoptrace: error: \(file.path) looks like \(kind), not a mail message: "))
    }

    @Test func anEmptyFileIsNamed() throws {
        let file = try TestSupport.temporaryFile("empty.eml", [])
        let run = try CommandLineTests.run([file.path])
        #expect(run.status == 65)
        #expect(run.stderr.hasPrefix("hoptrace: error: \(file.path): empty input"))
        #expect(run.stderr.split(separator: "\n").count == 1)
    }

    @Test func aFolderThatIsNotAMaildirGetsOneMessage() throws {
        let dir = try TestSupport.temporaryDirectory()
        let run = try CommandLineTests.run([dir.path])
        #expect(run.status == 74)
        #expect(run.stderr.hasPrefix("hoptrace: error: \(dir.path): not a Maildir (no cur/ or new/ folder in it)"))
        #expect(run.stderr.components(separatedBy: "Maildir (").count == 2, "\(run.stderr)")
        #expect(run.stderr.components(separatedBy: dir.path).count == 2, "\(run.stderr)")
    }

    @Test func leadingBlankLinesBeforeTheHeadersAreAccepted() throws {
        let file = try TestSupport.temporaryFile("pasted.eml", Array("\n\r\n".utf8) + Self.message)
        let run = try CommandLineTests.run([file.path, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("\"ip\": \"198.51.100.7\""))
    }

    @Test func aDiagramThatCannotBeWrittenKeepsTheReport() throws {
        let file = try TestSupport.temporaryFile("m.eml", Self.message)
        let out = file.deletingLastPathComponent().appendingPathComponent("no/such/folder/m.svg").path
        let run = try CommandLineTests.run([file.path, "--dot", out])
        #expect(run.status == 74)
        #expect(run.stdout.contains("198.51.100.7"))
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(run.stderr)")
        #expect(run.stderr.hasPrefix("hoptrace: error: "))
        #expect(run.stderr.components(separatedBy: out).count == 2, "the path once: \(run.stderr)")
    }

    @Test func aMapDiagramThatCannotBeWrittenKeepsTheMap() throws {
        let file = try TestSupport.temporaryFile("m.eml", Self.message)
        let out = file.deletingLastPathComponent().appendingPathComponent("no/such/folder/map.svg").path
        let run = try TestSupport.run(["map", file.path, "--json", "--dot", out])
        #expect(run.status == 74)
        #expect(run.stdout.contains("\"version\""))
        #expect(run.stderr.split(separator: "\n").count == 1, "\(run.stderr)")
        #expect(run.stderr.components(separatedBy: out).count == 2, "the path once: \(run.stderr)")
    }

    @Test func hopsTakesJSONAndAShortJobsFlag() throws {
        let file = try TestSupport.temporaryFile("m.eml", Self.message)
        let jsonl = try TestSupport.run(["hops", file.path, "--jsonl", "--jobs", "1"])
        let json = try TestSupport.run(["hops", file.path, "--json", "-j1"])
        let spaced = try TestSupport.run(["hops", file.path, "--json", "-j", "2"])
        #expect(jsonl.status == 0 && json.status == 0 && spaced.status == 0, "\(json.stderr)\(spaced.stderr)")
        #expect(json.stdout == jsonl.stdout)
        #expect(spaced.stdout == jsonl.stdout)
    }

    @Test(arguments: [
        ["--no-such-flag", "x.eml"], ["hops"], ["hops", "x.eml", "-j", "0"], ["map", "--dot", "x.gif", "y"],
    ])
    func argumentErrorsHaveTheToolsErrorLine(arguments: [String]) throws {
        let run = try TestSupport.run(arguments)
        #expect(run.status == 64)
        #expect(run.stderr.hasPrefix("hoptrace: error: "), "\(run.stderr)")
        #expect(!run.stderr.contains("Error: "))
        #expect(run.stdout.isEmpty)
    }

    @Test func helpStillGoesToStandardOutput() throws {
        let run = try TestSupport.run(["hops", "--help"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("--jsonl"))
        #expect(run.stdout.contains("-j, --jobs"))
    }

    @Test(
        arguments: [
            ("always", [:], true), ("never", [:], false), ("auto", [:], false),
            ("always", ["NO_COLOR": "1"], true),
        ] as [(String, [String: String], Bool)])
    func colourFollowsTheColorFlag(when: String, environment: [String: String], coloured: Bool) throws {
        let file = try TestSupport.temporaryFile("m.eml", Self.message)
        let run = try CommandLineTests.run([file.path, "--color=\(when)"], environment: environment)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("\u{1B}[") == coloured)
    }

    @Test func anUnknownColourChoiceIsAUsageError() throws {
        let run = try CommandLineTests.run(["m.eml", "--color=sometimes"])
        #expect(run.status == 64)
        #expect(run.stderr.hasPrefix("hoptrace: error: "))
    }

    @Test func anMboxMessageIsNamedFileColonNInEveryOutput() throws {
        let from = Array("From a@example.net Mon Feb  3 10:00:00 2025\n".utf8)
        let mbox = try TestSupport.temporaryFile("all.mbox", from + Self.message + from + Self.message)
        let label = "\(mbox.path):1"
        let text = try CommandLineTests.run([mbox.path])
        let json = try CommandLineTests.run([mbox.path, "--json"])
        let hops = try TestSupport.run(["hops", mbox.path])
        let jsonl = try TestSupport.run(["hops", mbox.path, "--jsonl"])
        #expect(text.stdout.hasPrefix("hoptrace: message \(label)\n"), "\(text.stdout.prefix(200))")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect((doc["messages"] as? [[String: Any]])?.first?["message"] as? String == label)
        #expect(hops.stdout.hasPrefix("message \(label)\n"), "\(hops.stdout.prefix(200))")
        #expect(try HopsCommandTests.lines(jsonl.stdout).first?["message"] as? String == label)
    }

    @Test func mapHelpHasNoStrayBackslashes() throws {
        let run = try TestSupport.run(["map", "--help"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("relay topology"))
        #expect(!run.stdout.contains("\\"))
    }

    @Test func mapTextShowsStepsByNameMostFirstAndSaysWhatAnUnnamedHostIs() throws {
        let mbox = try MapCommandTests.samplesMailbox()
        let run = try TestSupport.run(["map", mbox.path])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        let steps = try #require(lines.firstIndex(of: "Steps (messages, first and last seen):"))
        let stepLines = lines[(steps + 1)...]
        #expect(!stepLines.isEmpty)
        // No step is an id pair; each starts with its count, most first.
        #expect(!run.stdout.contains("] → ["))
        let counts = stepLines.map { Int($0.split(separator: " ").first ?? "") ?? -1 }
        #expect(counts.allSatisfy { $0 >= 1 })
        #expect(counts == counts.sorted(by: >))
        #expect(stepLines.contains { $0.contains("tbhext01.m0noc.net") })
        // A host with neither a name nor a public address says so.
        let unnamed = lines.filter { $0.contains("unnamed host #") && $0.contains("(no name and no public address)") }
        #expect(!unnamed.isEmpty)
        let hosts = lines[(try #require(lines.firstIndex(of: "Hosts (messages):")) + 1)..<steps]
        let hostCounts = hosts.map { Int($0.split(separator: " ").first ?? "") ?? -1 }
        #expect(hostCounts == hostCounts.sorted(by: >))
    }
}
