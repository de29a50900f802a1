import Foundation
import HopTraceVerdicts
import Testing

/// The binary carries data/vendor-verdict-codes.tsv as generated Swift (VendorCodes+Generated.swift); this
/// fails when the two drift apart. Run scripts/generate-vendor-codes after editing the TSV.
@Suite struct VendorCodesDataDriftTests {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func generatedTableMatchesDataFile() throws {
        let url = Self.packageRoot.appendingPathComponent("data/vendor-verdict-codes.tsv")
        let text = try String(contentsOf: url, encoding: .utf8)
        let lines = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(lines.first == "vendor\theader\tfield\tcode\tmeaning\tsource\tsource_date")
        let rows = lines.dropFirst().map {
            $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        }
        #expect(rows.count == VendorCodes.table.count)
        for (fileRow, built) in zip(rows, VendorCodes.table) {
            #expect(
                fileRow == [
                    built.vendor.rawValue, built.header, built.field, built.code, built.meaning, built.source,
                    built.sourceDate,
                ])
        }
    }

    /// Every documented meaning names its source and the date it was read or stated.
    @Test func everyMeaningHasASource() {
        for row in VendorCodes.table where !row.meaning.isEmpty {
            #expect(row.source.hasPrefix("https://"), "\(row.header) \(row.field) \(row.code)")
            #expect(!row.sourceDate.isEmpty, "\(row.header) \(row.field) \(row.code)")
        }
    }
}
