import Foundation
import HopTraceTestSupport
import Testing

/// `hoptrace hops`: the parse stage over many messages, JSON Lines or text, in input order
/// whatever the number of threads.
@Suite struct HopsCommandTests {
    static func lines(_ stdout: String) throws -> [[String: Any]] {
        try stdout.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    @Test func listsTheHopsOfTheBTReceiptAsJSONLines() throws {
        let sample = TestSupport.packageRoot.appendingPathComponent("samples/bt-delivery-receipt.eml").path
        let run = try TestSupport.run(["hops", sample, "--jsonl"])
        #expect(run.status == 0, "\(run.stderr)")
        let records = try Self.lines(run.stdout)
        #expect(records.count == 1)
        let record = try #require(records.first)
        #expect(record["version"] as? Int == 1)
        #expect(record["message"] as? String == sample)
        let chains = try #require(record["chains"] as? [[String: Any]])
        let embedded = try #require(chains.first { $0["source"] as? String == "embedded" })
        let hops = try #require(embedded["hops"] as? [[String: Any]])
        #expect(hops.count == 6)
        let first = try #require(hops.first)
        let from = try #require(first["from"] as? [String: Any])
        #expect(from["ip"] as? String == "82.70.154.45")
        #expect(from["scope"] as? String == "public")
        // Only the parse stage ran: the later stages' keys are absent, not empty.
        for key in ["software", "spf", "verdicts", "attribution_notes"] { #expect(first[key] == nil, "\(key)") }
        #expect(from["geo"] == nil)
        #expect(first["raw"] is String && first["protocol"] is String)
    }

    @Test func aMailboxComesOutInOrderWhateverTheNumberOfThreads() throws {
        let mbox = try MapCommandTests.samplesMailbox()
        let one = try TestSupport.run(["hops", mbox.path, "--jsonl", "--jobs", "1"])
        let many = try TestSupport.run(["hops", mbox.path, "--jsonl", "--jobs", "7"])
        #expect(one.status == 0 && many.status == 0, "\(one.stderr)\(many.stderr)")
        #expect(one.stdout == many.stdout)
        let records = try Self.lines(one.stdout)
        #expect(records.map { $0["message"] as? String } == (1...records.count).map { "\(mbox.path):\($0)" })
        #expect(records.count > 10)
    }

    /// More messages than three windows of the batch (512 each): each window is written while
    /// the next one is parsed, into buffers reused from window to window; the lines still come
    /// out complete and in input order, the same on one thread and on several.
    @Test func aMailboxOfSeveralWindowsComesOutInOrder() throws {
        let names = try MapCommandTests.sampleNames()
        let mbox = try MapCommandTests.samplesMailbox(
            Array(repeating: names, count: 1_300 / names.count + 1).flatMap { $0 }, file: "windows.mbox")
        let one = try TestSupport.run(["hops", mbox.path, "--jsonl", "-j1"])
        let many = try TestSupport.run(["hops", mbox.path, "--jsonl", "-j3"])
        #expect(one.status == 0 && many.status == 0, "\(one.stderr)\(many.stderr)")
        #expect(one.stdout == many.stdout)
        let records = try Self.lines(one.stdout)
        #expect(records.count > 1_300)
        #expect(records.map { $0["message"] as? String } == (1...records.count).map { "\(mbox.path):\($0)" })
    }

    @Test func textShowsEachMessageAndItsHops() throws {
        let sample = TestSupport.packageRoot.appendingPathComponent("samples/raynet-forwarded.eml").path
        let run = try TestSupport.run(["hops", sample])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("message \(sample)\n"))
        #expect(run.stdout.contains("Chain 1: the message itself;"))
        #expect(run.stdout.contains(" → "))
    }

    @Test func aMaildirAndStandardInputAreRead() throws {
        let dir = try TestSupport.temporaryDirectory().appendingPathComponent("Maildir")
        for sub in ["cur", "new", "tmp"] {
            try FileManager.default.createDirectory(
                at: dir.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        try Data(CommandLineTests.simpleMessage).write(to: dir.appendingPathComponent("new/1.eml"))
        try Data("not mail at all".utf8).write(to: dir.appendingPathComponent("cur/2.eml"))
        let run = try TestSupport.run(["hops", dir.path, "-", "--jsonl"], stdin: Data(CommandLineTests.simpleMessage))
        #expect(run.status == 0, "\(run.stderr)")
        let records = try Self.lines(run.stdout)
        #expect(records.count == 3)
        #expect(records.last?["message"] as? String == "standard input")
        let hopCounts = records.compactMap { ($0["chains"] as? [[String: Any]])?.first?["hops"] as? [Any] }.map(\.count)
        #expect(hopCounts.filter { $0 == 2 }.count == 2)
    }

    @Test func nothingReadableIsExit65WithAnErrorLinePerMessage() throws {
        let file = try TestSupport.temporaryFile("empty.eml", [])
        let run = try TestSupport.run(["hops", file.path, "--jsonl"])
        #expect(run.status == 65)
        let records = try Self.lines(run.stdout)
        #expect(records.count == 1)
        #expect(records.first?["error"] is String)
        #expect(run.stderr.contains("no message could be read"))
    }

    @Test func hostileTextIsSanitisedInTheTextListing() throws {
        let message = Array(
            "Received: from evil\u{1B}[31m.example (x [198.51.100.9]) by mx.example.org with SMTP; Mon, 3 Feb 2025 10:00:05 +0000\r\nSubject: x\r\n\r\nbody\r\n"
                .utf8)
        let file = try TestSupport.temporaryFile("evil.eml", message)
        let run = try TestSupport.run(["hops", file.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!run.stdout.contains("\u{1B}"))
        let json = try TestSupport.run(["hops", file.path, "--jsonl"])
        #expect(!json.stdout.contains("\u{1B}"))
        #expect(json.stdout.contains("\\u001b"))
    }

    @Test(arguments: [["hops"], ["hops", "x.eml", "--jobs", "0"], ["hops", "x.eml", "--jobs", "999"]])
    func badArgumentsAreUsageErrors(arguments: [String]) throws {
        let run = try TestSupport.run(arguments)
        #expect(run.status == 64)
    }
}
