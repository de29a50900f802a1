import Foundation
import HopTraceNetwork
import Testing

/// The binary carries data/ as generated Swift; this fails when the two drift apart
/// (run scripts/generate-data after editing data/).
@Suite struct DataDriftTests {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func specialPurposeTableMatchesDataFile() throws {
        let text = try String(
            contentsOf: Self.packageRoot.appendingPathComponent("data/special-purpose-addresses.tsv"), encoding: .utf8)
        let rows = text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.hasPrefix("prefix\t") }
            .map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        #expect(rows.count == SpecialPurposeTable.rows.count)
        for (fileRow, built) in zip(rows, SpecialPurposeTable.rows) {
            #expect(fileRow == [built.prefix, built.scope, built.name, built.rfc])
        }
    }
}
