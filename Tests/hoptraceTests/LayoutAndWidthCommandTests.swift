import Foundation
import HopTraceTestSupport
import Testing

/// `--layout`, `.dot` without Graphviz, and the text report's width (`--wide`, `$COLUMNS`).
@Suite struct LayoutAndWidthCommandTests {
    static let sample = TestSupport.packageRoot.appendingPathComponent("samples/bt-delivery-receipt.eml").path
    static let zone = TestSupport.packageRoot.appendingPathComponent("samples/bt-delivery-receipt.zone").path

    @Test(arguments: [("tb", "TB"), ("lr", "LR")])
    func layoutSetsTheDiagramsDirection(flag: String, rankdir: String) throws {
        let out = try TestSupport.temporaryDirectory().appendingPathComponent("bt.dot")
        let run = try TestSupport.run([Self.sample, "--offline", "--json", "--layout", flag, "--dot", out.path])
        #expect(run.status == 0, "\(run.stderr)")
        let dot = try String(contentsOf: out, encoding: .utf8)
        #expect(dot.contains("graph [rankdir=\(rankdir),"))
    }

    @Test func withoutLayoutTheDiagramHasADirection() throws {
        let out = try TestSupport.temporaryDirectory().appendingPathComponent("bt.dot")
        let run = try TestSupport.run([Self.sample, "--offline", "--json", "--dot", out.path])
        #expect(run.status == 0, "\(run.stderr)")
        let dot = try String(contentsOf: out, encoding: .utf8)
        #expect(dot.contains("graph [rankdir=TB,") || dot.contains("graph [rankdir=LR,"))
    }

    @Test func anUnknownLayoutIsAUsageError() throws {
        let run = try TestSupport.run([Self.sample, "--offline", "--layout", "diagonal"])
        #expect(run.status == 64)
        #expect(run.stderr.hasPrefix("hoptrace: error: "))
    }

    @Test func writingDOTNeedsNoGraphviz() throws {
        let out = try TestSupport.temporaryDirectory().appendingPathComponent("bt.dot")
        let run = try LazyLibraryTests.withBrokenLibraries([Self.sample, "--offline", "--dot", out.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.isEmpty)
        #expect(run.stdout.contains("Chain 2"))
        #expect(try String(contentsOf: out, encoding: .utf8).hasPrefix("digraph"))
        // Nor is it loaded when it is there.
        let again = try TestSupport.temporaryDirectory().appendingPathComponent("bt.dot")
        let (traced, names) = try LazyLibraryTests.traced([Self.sample, "--offline", "--dot", again.path])
        #expect(traced.status == 0)
        #expect(!LazyLibraryTests.isLoaded("libgvc", names))
    }

    @Test func aDOTFileThatCannotBeWrittenKeepsTheReport() throws {
        let out = try TestSupport.temporaryDirectory().appendingPathComponent("no/such/folder/bt.dot").path
        let run = try TestSupport.run([Self.sample, "--offline", "--dot", out])
        #expect(run.status == 74)
        #expect(run.stdout.contains("Chain 2"))
        #expect(run.stderr.split(separator: "\n").count == 1, "\(run.stderr)")
        #expect(run.stderr.hasPrefix("hoptrace: error: "))
        #expect(run.stderr.components(separatedBy: out).count == 2, "the path once: \(run.stderr)")
    }

    /// Lines wider than `columns`, other than one word too long for any line.
    static func overlong(_ text: String, _ columns: Int) -> [Substring] {
        text.split(separator: "\n").filter { $0.count > columns && $0.split(separator: " ").count > 1 }
    }

    @Test func inAPipeTheReportWrapsAtColumnsElseAt100() throws {
        let narrow = try TestSupport.run(
            [Self.sample, "--dns-snapshot", Self.zone], environment: ["COLUMNS": "60"])
        #expect(narrow.status == 0, "\(narrow.stderr)")
        #expect(Self.overlong(narrow.stdout, 60).isEmpty, "\(Self.overlong(narrow.stdout, 60))")
        let standard = try TestSupport.run([Self.sample, "--dns-snapshot", Self.zone], environment: ["COLUMNS": ""])
        #expect(Self.overlong(standard.stdout, 100).isEmpty)
        #expect(standard.stdout.split(separator: "\n").contains { $0.count > 90 })
    }

    @Test func wideWrapsAndCutsNothing() throws {
        let wide = try TestSupport.run(
            [Self.sample, "--dns-snapshot", Self.zone, "--wide"], environment: ["COLUMNS": "60"])
        #expect(wide.status == 0, "\(wide.stderr)")
        let lines = wide.stdout.split(separator: "\n")
        #expect(lines.contains { $0.count > 200 })
        #expect(!wide.stdout.contains("…"))
        // A finding is one line, whole.
        #expect(lines.contains { $0.hasPrefix("    error spf-broken-by-forwarding (hop 4): ") && $0.hasSuffix(".") })
        let hops = try TestSupport.run(["hops", Self.sample, "--wide"], environment: ["COLUMNS": "60"])
        #expect(hops.status == 0)
        #expect(hops.stdout.split(separator: "\n").contains { $0.count > 60 })
    }
}
