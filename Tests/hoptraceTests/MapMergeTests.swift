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

    @Test func partialTakesNeitherJSONNorDot() throws {
        let run = try TestSupport.run(["map", "x.mbox", "--partial", "--json"])
        #expect(run.status == 64)
        #expect(run.stderr.contains("--partial"))
    }
}
