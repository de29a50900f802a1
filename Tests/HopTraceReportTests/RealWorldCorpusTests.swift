import Foundation
import HopTraceReport
import HopTraceTestSupport
import Testing

/// Reads every message of ../shared/corpus/real-world (52 real messages from public corpora,
/// not ours: read in place, never copied) through the whole pipeline (`.requiresShared`). Every Received header must be parsed; the ones that are not are listed
/// below with the reason.
@Suite struct RealWorldCorpusTests {
    static let corpus = SharedFolder.url("corpus/real-world")

    static var files: [String] {
        guard let e = FileManager.default.enumerator(atPath: corpus.path) else { return [] }
        return e.compactMap { $0 as? String }
            .filter { ($0.hasSuffix(".eml") || $0.hasSuffix(".mbox")) && !$0.hasPrefix("LICENSES") }
            .sorted()
    }

    /// Received headers that stay unparsed, by file, with why. Each is a header that is broken
    /// in the file itself, not a dialect hoptrace misses.
    static let knownUnparsed: [String: (count: Int, why: String)] = [:]

    struct Tally {
        var messages = 0
        var received = 0
        var unparsed = 0
    }

    static func tally(_ report: Report, into t: inout Tally) {
        t.messages += 1
        for chain in report.chains {
            t.received += chain.hops.count
            t.unparsed += chain.hops.filter { !$0.received.unparsed.isEmpty }.count
        }
    }

    @Test(.requiresShared("corpus/real-world"))
    func everyMessageIsReadAndEveryReceivedParsed() async throws {
        var total = Tally()
        var perFile: [String: Tally] = [:]
        #expect(Self.files.count >= 50)
        for file in Self.files {
            let bytes = try [UInt8](Data(contentsOf: Self.corpus.appendingPathComponent(file)))
            var t = Tally()
            if file.hasSuffix(".mbox") {
                for entry in await Analyzer.analyzeMailbox(bytes, options: .offline).entries {
                    if case .success(let r) = entry.result { Self.tally(r, into: &t) }
                }
            } else {
                Self.tally(try await Analyzer.analyze(bytes, options: .offline), into: &t)
            }
            perFile[file] = t
            total.messages += t.messages
            total.received += t.received
            total.unparsed += t.unparsed
        }
        print(
            "real-world corpus: \(Self.files.count) files, \(total.messages) messages, \(total.received) Received headers, \(total.unparsed) left unparsed"
        )
        for (file, t) in perFile.sorted(by: { $0.key < $1.key }) where t.unparsed > 0 {
            print("  unparsed in \(file): \(t.unparsed)")
            let known = Self.knownUnparsed[file]
            #expect(known?.count == t.unparsed, "\(file): \(t.unparsed) Received headers unparsed and not explained")
        }
        #expect(total.received > 250)
    }
}
