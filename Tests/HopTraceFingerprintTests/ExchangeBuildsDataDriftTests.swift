import Foundation
import HopTraceFingerprint
import Testing

/// The binary carries data/exchange-builds.tsv as generated Swift (ExchangeBuilds+Generated.swift); this fails
/// when the two drift apart. Run scripts/generate-exchange-builds after editing the TSV.
@Suite struct ExchangeBuildsDataDriftTests {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func generatedTableMatchesDataFile() throws {
        let url = Self.packageRoot.appendingPathComponent("data/exchange-builds.tsv")
        let text = try String(contentsOf: url, encoding: .utf8)
        let lines = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(lines.first == "build\tproduct\trelease\tdate\tend_of_support\tsource")
        let rows = lines.dropFirst().map {
            $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        }
        #expect(rows.count == ExchangeBuilds.table.count)
        for (fileRow, built) in zip(rows, ExchangeBuilds.table) {
            #expect(
                fileRow == [
                    built.buildText, built.product, built.release, built.date, built.endOfSupport, built.source,
                ])
        }
    }
}
