import Foundation
import HopTraceTestSupport
import Testing

/// `map --partial` and `map --merge`: the samples split into shards, each written as a partial
/// map by its own process, merge into exactly the map (JSON and text) of one run over the
/// shards in the same order.
@Suite struct MapMergeTests {
    /// Three mbox shards of the samples (uneven sizes) and a file that is not mail.
    static func shards() throws -> [String] {
        let names = try MapCommandTests.sampleNames()
        let cuts = [0, 3, names.count - 5, names.count]
        var paths = try zip(cuts, cuts.dropFirst()).enumerated().map { i, range in
            try MapCommandTests.samplesMailbox(Array(names[range.0..<range.1]), file: "shard-\(i).mbox").path
        }
        paths.insert(try TestSupport.temporaryFile("not-mail.eml", Array("%PDF-1.4\n%\u{E2}\u{E3}\n".utf8)).path, at: 1)
        return paths
    }

    static func partials(_ shards: [String]) throws -> [String] {
        try shards.enumerated().map { i, shard in
            let run = try TestSupport.run(["map", shard, "--partial"])
            #expect(run.status == 0, "\(run.stderr)")
            return try TestSupport.temporaryFile("part-\(i).jsonl", Array(run.stdout.utf8)).path
        }
    }

    @Test func partialsMergeIntoTheMapOfOneRun() throws {
        let shards = try Self.shards()
        let parts = try Self.partials(shards)
        for format in [["--json"], []] {
            let one = try TestSupport.run(["map"] + shards + format)
            #expect(one.status == 0, "\(one.stderr)")
            let merged = try TestSupport.run(["map", "--merge"] + parts + format)
            #expect(merged.status == 0, "\(merged.stderr)")
            #expect(merged.stdout == one.stdout)
            #expect(!one.stdout.isEmpty)
        }
        let text = try TestSupport.run(["map", "--merge"] + parts)
        #expect(text.stdout.contains("(1 unreadable, skipped)"))
    }

    /// Concatenated partial maps on standard input, and a merge written out again as a partial
    /// map and merged once more (a tree of merges), give the same map.
    @Test func concatenatedAndRemergedPartialsGiveTheSameMap() throws {
        let shards = try Self.shards()
        let parts = try Self.partials(shards)
        let one = try TestSupport.run(["map"] + shards + ["--json"])
        let all = try parts.map { try Data(contentsOf: URL(fileURLWithPath: $0)) }.reduce(Data(), +)
        let piped = try TestSupport.run(["map", "--merge", "-", "--json"], stdin: all)
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(piped.stdout == one.stdout)

        let left = try TestSupport.run(["map", "--merge", parts[0], parts[1], "--partial"])
        let right = try TestSupport.run(["map", "--merge", parts[2], parts[3], "--partial"])
        #expect(left.status == 0 && right.status == 0)
        let l = try TestSupport.temporaryFile("left.jsonl", Array(left.stdout.utf8)).path
        let r = try TestSupport.temporaryFile("right.jsonl", Array(right.stdout.utf8)).path
        let tree = try TestSupport.run(["map", "--merge", l, r, "--json"])
        #expect(tree.stdout == one.stdout)
    }

    @Test func aCutShortPartialIsRefusedWithItsName() throws {
        let parts = try Self.partials(try Self.shards())
        let whole = try String(contentsOfFile: parts[0], encoding: .utf8)
        let cut = try TestSupport.temporaryFile("cut.jsonl", Array(whole.utf8.dropLast(40))).path
        let run = try TestSupport.run(["map", "--merge", parts[2], cut, "--json"])
        #expect(run.status == 65)
        #expect(run.stderr.contains("cut.jsonl"), "\(run.stderr)")
        #expect(run.stdout.isEmpty)

        let mail = try TestSupport.run(["map", "--merge", try Self.shards()[0]])
        #expect(mail.status == 65)
        #expect(mail.stderr.contains("not a partial map"), "\(mail.stderr)")
    }

    /// Messages parsed on several threads fold into the map of one thread.
    @Test func threadsGiveTheSameMap() throws {
        let shards = try Self.shards()
        for format in [["--json"], [], ["--partial"]] {
            let one = try TestSupport.run(["map"] + shards + format + ["-j1"])
            #expect(one.status == 0, "\(one.stderr)")
            for jobs in ["2", "5"] {
                let many = try TestSupport.run(["map"] + shards + format + ["--jobs", jobs])
                #expect(many.stdout == one.stdout, "--jobs \(jobs) \(format)")
            }
        }
        #expect(try TestSupport.run(["map", shards[0], "-j0"]).status == 64)
    }

    @Test func partialTakesNeitherJSONNorDot() throws {
        let run = try TestSupport.run(["map", "x.mbox", "--partial", "--json"])
        #expect(run.status == 64)
        #expect(run.stderr.contains("--partial"))
    }
}

/// Whether GNU parallel is installed; under CI (`CI=true`) its absence is a failure.
enum GNUParallel {
    static var available: Bool {
        get throws {
            if FileManager.default.isExecutableFile(atPath: "/usr/bin/parallel") { return true }
            if ProcessInfo.processInfo.environment["CI"] == "true" { throw Missing() }
            return false
        }
    }
    struct Missing: Error, CustomStringConvertible {
        var description: String { "GNU parallel is not installed (scripts/setup installs it); CI needs it" }
    }
}

/// The README's recipes for sharded archives, run as written with `hoptrace` on the PATH: GNU
/// parallel on one host (with `--will-cite`, which silences its citation notice), and the command a cluster engine's pipe runs per partition (Spark's
/// `RDD.pipe` writes a partition's elements, here shard paths, one per line to its standard
/// input). Their merge is the map of one run.
@Suite(.enabled("needs GNU parallel (CI=true fails without it)") { try GNUParallel.available })
struct ShardRecipeTests {
    /// `sh -c SCRIPT` in `dir` with the built `hoptrace` first on the PATH.
    static func shell(_ script: String, in dir: URL, stdin: Data? = nil) throws -> TestSupport.Run {
        let path =
            TestSupport.binary.deletingLastPathComponent().path + ":"
            + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        return try TestSupport.runProcess(
            URL(fileURLWithPath: "/bin/sh"), ["-c", "cd \"$0\" && " + script, dir.path], stdin: stdin,
            environment: ["PATH": path, "HOME": dir.path], timeout: 300)
    }

    static func shardFolder() throws -> URL {
        let dir = try TestSupport.temporaryDirectory()
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("shards"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("parts"), withIntermediateDirectories: true)
        for (i, shard) in try MapMergeTests.shards().enumerated() {
            try FileManager.default.copyItem(
                atPath: shard, toPath: dir.appendingPathComponent("shards/shard-\(i).mbox").path)
        }
        return dir
    }

    @Test func gnuParallelShardsMergeIntoTheMapOfOneRun() throws {
        let dir = try Self.shardFolder()
        let one = try Self.shell("hoptrace map shards/*.mbox --json", in: dir)
        #expect(one.status == 0, "\(one.stderr)")
        let parallel = try Self.shell(
            "parallel --will-cite 'hoptrace map {} --partial > parts/{/.}.jsonl' ::: shards/*.mbox"
                + " && hoptrace map --merge parts/*.jsonl --json", in: dir)
        #expect(parallel.status == 0, "\(parallel.stderr)")
        #expect(parallel.stdout == one.stdout)
        // --keep-order: one stream of partial maps in shard order, merged from standard input.
        let stream = try Self.shell(
            "ls shards/*.mbox | parallel --will-cite --keep-order hoptrace map {} --partial | hoptrace map --merge - --json",
            in: dir)
        #expect(stream.status == 0, "\(stream.stderr)")
        #expect(stream.stdout == one.stdout)
    }

    @Test func thePipeStepOfAClusterEngineMergesIntoTheMapOfOneRun() throws {
        let dir = try Self.shardFolder()
        let one = try Self.shell("hoptrace map shards/*.mbox --json", in: dir)
        let shards = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("shards").path)
            .sorted().map { "shards/" + $0 }
        // Two partitions, as RDD.pipe would feed them; their outputs saved in partition order.
        let halves = [Array(shards.prefix(2)), Array(shards.dropFirst(2))]
        for (i, half) in halves.enumerated() {
            let run = try Self.shell(
                "xargs -r hoptrace map --partial > parts/part-0000\(i)", in: dir,
                stdin: Data((half.joined(separator: "\n") + "\n").utf8))
            #expect(run.status == 0, "\(run.stderr)")
        }
        let merged = try Self.shell("hoptrace map --merge parts/part-* --json", in: dir)
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(merged.stdout == one.stdout)
    }
}
