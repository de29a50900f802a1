import Foundation
import HopTraceTestSupport
import Testing

/// Every JSON document the tests see validates against `docs/hoptrace.schema.json`: the analyze
/// goldens, and what the built binary writes for every sample (`--json`, with its `.zone` when
/// there is one), for a mailbox, for `map --json`, each line of `hops --jsonl` and of
/// `spf --json` / `spf --batch --json`. Validation is `Tests/validate_json.py` (python3 with the
/// `jsonschema` package, Draft 2020-12, format checking off). Where python3 or the package is
/// absent the tests are skipped with the reason, or fail when the environment has `CI=true`.
@Suite(.requiresJSONSchemaValidator) struct JSONSchemaTests {
    static let schema = TestSupport.packageRoot.appendingPathComponent("docs/hoptrace.schema.json").path
    static let script = TestSupport.packageRoot.appendingPathComponent("Tests/validate_json.py").path
    static let samplesDir = TestSupport.packageRoot.appendingPathComponent("samples")

    struct Validation {
        var status: Int32
        var output: String
    }

    /// Runs the validator on `files`: against the schema's root, or `$defs/definition`; with
    /// `lines`, each non-empty line is one document.
    static func validate(_ files: [String], definition: String? = nil, lines: Bool = false) throws -> Validation {
        var arguments = [script, schema]
        if let definition { arguments += ["--def", definition] }
        if lines { arguments.append("--lines") }
        return try python(arguments + files)
    }

    static func python(_ arguments: [String]) throws -> Validation {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Validation(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }

    /// Expects every document valid, naming the errors the validator printed.
    static func expectValid(
        _ files: [String], definition: String? = nil, lines: Bool = false,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let result = try validate(files, definition: definition, lines: lines)
        #expect(result.status == 0, "\(result.output)", sourceLocation: sourceLocation)
    }

    static var samples: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: samplesDir.path)) ?? []
        return names.filter { $0.hasSuffix(".eml") }.sorted()
    }

    /// Writes `text` into `dir/name`, returning the path.
    static func write(_ text: String, _ name: String, in dir: URL) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// An mbox of two samples and one message that is not mail (its entry is an error).
    static func smallMailbox(in dir: URL) throws -> String {
        var mbox = ""
        for name in ["bt-delivery-receipt.eml", "raynet-forwarded.eml"] {
            let text = try String(contentsOf: samplesDir.appendingPathComponent(name), encoding: .utf8)
            mbox +=
                "From sample@example.com Mon Jan  1 00:00:00 2024\n" + text.replacingOccurrences(of: "\r\n", with: "\n")
                + "\n"
        }
        mbox += "From sample@example.com Mon Jan  1 00:00:00 2024\n\nnot a mail header\n"
        return try write(mbox, "two.mbox", in: dir)
    }

    @Test func everyGoldenDocumentValidates() throws {
        let tests = TestSupport.packageRoot.appendingPathComponent("Tests")
        var goldens: [String] = []
        for target in try FileManager.default.contentsOfDirectory(atPath: tests.path).sorted() {
            let dir = tests.appendingPathComponent(target).appendingPathComponent("Golden")
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            goldens += names.filter { $0.hasSuffix(".json") }.sorted().map { dir.appendingPathComponent($0).path }
        }
        #expect(goldens.count >= 20)
        try Self.expectValid(goldens)
    }

    @Test func everySampleAnalysedByTheBinaryValidates() throws {
        let dir = try TestSupport.temporaryDirectory()
        var files: [String] = []
        for name in Self.samples {
            var arguments = [Self.samplesDir.appendingPathComponent(name).path, "--json"]
            let zone = Self.samplesDir.appendingPathComponent(name.replacingOccurrences(of: ".eml", with: ".zone"))
            if FileManager.default.fileExists(atPath: zone.path) { arguments += ["--dns-snapshot", zone.path] }
            let run = try TestSupport.run(arguments)
            #expect(run.status == 0, "\(name): \(run.stderr)")
            files.append(try Self.write(run.stdout, name + ".json", in: dir))
        }
        #expect(files.count >= 20)
        try Self.expectValid(files)
    }

    @Test func aMailboxDocumentValidates() throws {
        let dir = try TestSupport.temporaryDirectory()
        let run = try TestSupport.run([try Self.smallMailbox(in: dir), "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let messages = try #require(doc["messages"] as? [[String: Any]])
        #expect(messages.count == 3)
        #expect(messages.filter { $0["error"] != nil }.count == 1)
        try Self.expectValid([try Self.write(run.stdout, "mbox.json", in: dir)])
    }

    @Test func theMapOfTheSamplesValidates() throws {
        let dir = try TestSupport.temporaryDirectory()
        let inputs = Self.samples.map { Self.samplesDir.appendingPathComponent($0).path }
        let run = try TestSupport.run(["map"] + inputs + [try Self.smallMailbox(in: dir), "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        try Self.expectValid([try Self.write(run.stdout, "map.json", in: dir)])
    }

    @Test func everyPartialMapLineValidates() throws {
        let dir = try TestSupport.temporaryDirectory()
        let inputs = Self.samples.map { Self.samplesDir.appendingPathComponent($0).path }
        let run = try TestSupport.run(["map"] + inputs + [try Self.smallMailbox(in: dir), "--partial"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("{\"host\":1,") && run.stdout.contains("{\"message\":[{"))
        let file = try Self.write(run.stdout, "part.jsonl", in: dir)
        try Self.expectValid([file], definition: "partialMapLine", lines: true)
        // A line of another kind is refused.
        let hops = try Self.write("{\"message\":[{\"hosts\":[0],\"steps\":[]}]}\n", "bad.jsonl", in: dir)
        #expect(try Self.validate([hops], definition: "partialMapLine", lines: true).status == 1)
    }

    @Test func everyHopsLineValidates() throws {
        let dir = try TestSupport.temporaryDirectory()
        let notMail = try Self.write("%PDF-1.7\n", "not-mail.pdf", in: dir)
        let inputs = Self.samples.map { Self.samplesDir.appendingPathComponent($0).path }
        let run = try TestSupport.run(["hops"] + inputs + [try Self.smallMailbox(in: dir), notMail, "--jsonl"])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n")
        // Every sample, the mailbox's three messages, the file that is not mail.
        #expect(lines.count == Self.samples.count + 4)
        #expect(lines.filter { $0.contains("\"error\":") }.count == 2)
        try Self.expectValid([try Self.write(run.stdout, "hops.jsonl", in: dir)], definition: "hopsLine", lines: true)
    }

    @Test func spfOutputValidates() throws {
        let dir = try TestSupport.temporaryDirectory()
        let bt = Self.samplesDir.appendingPathComponent("bt-delivery-receipt.zone").path
        let single = try TestSupport.run(["spf", "82.70.154.45", "m0noc.net", "--dns-snapshot", bt, "--json"])
        #expect(single.status == 0, "\(single.stderr)")
        let zone = try Self.write(SPFBatchTests.zone, "batch.zone", in: dir)
        let batchFile = try Self.write(
            SPFBatchTests.lines.map(\.0).joined(separator: "\n") + "\n", "batch.txt", in: dir)
        let batch = try TestSupport.run(["spf", "--batch", batchFile, "--dns-snapshot", zone, "--json"])
        #expect(batch.status == 0, "\(batch.stderr)")
        #expect(batch.stdout.split(separator: "\n").count == SPFBatchTests.lines.filter { !$0.1.isEmpty }.count)
        try Self.expectValid([try Self.write(single.stdout, "spf.json", in: dir)], definition: "spfDocument")
        try Self.expectValid(
            [try Self.write(batch.stdout, "batch.jsonl", in: dir)], definition: "spfDocument", lines: true)
    }

    /// The schema is not vacuous: a golden with an unknown scope, and a hops line carrying a key
    /// of the later stages, are refused.
    @Test func theSchemaRefusesWhatTheContractRules() throws {
        let dir = try TestSupport.temporaryDirectory()
        let golden = try String(
            contentsOf: TestSupport.packageRoot.appendingPathComponent(
                "Tests/HopTraceReportTests/Golden/bt-delivery-receipt.eml.json"),
            encoding: .utf8)
        #expect(golden.contains("\"scope\": \"public\""))
        let badScope = golden.replacingOccurrences(of: "\"scope\": \"public\"", with: "\"scope\": \"galactic\"")
        let refused = try Self.validate([try Self.write(badScope, "bad-scope.json", in: dir)])
        #expect(refused.status == 1, "\(refused.output)")
        #expect(refused.output.contains("galactic"), "\(refused.output)")

        let sample = Self.samplesDir.appendingPathComponent("bt-delivery-receipt.eml").path
        let run = try TestSupport.run(["hops", sample, "--jsonl"])
        #expect(run.status == 0 && run.stdout.contains("\"raw\":"), "\(run.stderr)")
        let withSoftware = run.stdout.replacingOccurrences(of: "\"raw\":", with: "\"software\":[],\"raw\":")
        let refusedLine = try Self.validate(
            [try Self.write(withSoftware, "software.jsonl", in: dir)], definition: "hopsLine", lines: true)
        #expect(refusedLine.status == 1, "\(refusedLine.output)")
    }
}

/// Whether `python3` with the `jsonschema` package runs here: nil when it does, else why not.
private let jsonSchemaValidatorMissing: String? = {
    guard let check = try? JSONSchemaTests.python(["-c", "import jsonschema"]) else {
        return "/usr/bin/env could not be run to look for python3"
    }
    switch check.status {
    case 0: return nil
    case 127: return "python3 is not installed: docs/hoptrace.schema.json was not checked"
    default:
        return "the Python package jsonschema is not installed (pip install jsonschema): "
            + "docs/hoptrace.schema.json was not checked (\(check.output.split(separator: "\n").last ?? ""))"
    }
}()

struct JSONSchemaValidatorMissing: Error, CustomStringConvertible {
    var description: String
}

extension Trait where Self == ConditionTrait {
    /// Runs the tests only where python3 and its `jsonschema` package are installed; otherwise
    /// skips them with a printed note, or fails them when `CI=true` (CI's image has both).
    static var requiresJSONSchemaValidator: Self {
        .enabled("python3 with jsonschema is absent: skipped (CI=true fails instead)") {
            guard let reason = jsonSchemaValidatorMissing else { return true }
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                throw JSONSchemaValidatorMissing(description: reason)
            }
            print("JSONSchemaTests skipped: \(reason)")
            return false
        }
    }
}
