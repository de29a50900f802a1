import Foundation
import HopTraceDNS
import HopTraceReport
import Testing

/// Pins the text and JSON output of every sample. Re-record after an intended change with
/// `HOPTRACE_RECORD_GOLDEN=1 swift test --filter GoldenTests`, then read the diff.
@Suite struct GoldenTests {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let goldenDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    static let recording = ProcessInfo.processInfo.environment["HOPTRACE_RECORD_GOLDEN"] == "1"

    static var samples: [String] {
        let dir = packageRoot.appendingPathComponent("samples")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { $0.hasSuffix(".eml") }.sorted()
    }

    @Test func thereAreSamples() {
        #expect(Self.samples.count >= 20)
    }

    @Test(arguments: samples)
    func sampleOutputMatchesGolden(name: String) async throws {
        let bytes = try [UInt8](Data(contentsOf: Self.packageRoot.appendingPathComponent("samples/\(name)")))
        // A sample with a `.zone` beside it is analysed with that DNS snapshot (as
        // `--dns-snapshot` does); the others offline. `now` is fixed so output is reproducible.
        let zone = Self.packageRoot.appendingPathComponent(
            "samples/" + name.replacingOccurrences(of: ".eml", with: ".zone"))
        // The bundled list, not the system's: the goldens do not depend on what is installed.
        var options = AnalysisOptions(now: 1_795_900_000, publicSuffixList: .bundled)
        if FileManager.default.fileExists(atPath: zone.path) {
            options.resolver = try SnapshotResolver(contentsOf: zone.path)
            options.dnsSource = "snapshot samples/" + zone.lastPathComponent
        }
        let report = try await Analyzer.analyze(bytes, options: options)
        let outputs = [
            ("json", JSONRenderer.render(report)),
            ("txt", TextRenderer(color: false).render(report, title: "samples/\(name)")),
        ]
        for (ext, text) in outputs { try Self.compare(text, golden: "\(name).\(ext)") }
        // The document written straight to bytes is the value tree's, pretty-printed.
        #expect(outputs[0].1 == JSONRenderer.document(report).serialized())
    }

    /// `text` against the golden file `fileName`, or written to it when recording; a difference
    /// is one issue naming the first line that differs.
    static func compare(_ text: String, golden fileName: String) throws {
        let golden = goldenDir.appendingPathComponent(fileName)
        if recording {
            try FileManager.default.createDirectory(at: goldenDir, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: golden)
            return
        }
        let expected = try? String(contentsOf: golden, encoding: .utf8)
        #expect(expected != nil, "no golden file \(fileName); record with HOPTRACE_RECORD_GOLDEN=1")
        if let expected, expected != text {
            let a = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let b = text.split(separator: "\n", omittingEmptySubsequences: false)
            let line = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, b.count)
            Issue.record(
                """
                \(fileName) differs from its golden file at line \(line + 1):
                  golden: \(line < a.count ? String(a[line]) : "<end>")
                  now:    \(line < b.count ? String(b[line]) : "<end>")
                """)
        }
    }
}

extension AnalysisOptions {
    /// No DNS, no GeoIP, the bundled Public Suffix List: what a test gets unless it says more.
    static var offline: AnalysisOptions { AnalysisOptions(publicSuffixList: .bundled) }
}
