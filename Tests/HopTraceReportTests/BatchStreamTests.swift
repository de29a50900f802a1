import Foundation
import HopTraceMessage
import HopTraceReport
import HopTraceTestSupport
import Testing

/// A mailbox written message by message is byte for byte the JSON document the whole batch
/// renders to.
@Suite struct BatchStreamTests {
    static func entries() async throws -> [BatchReport.Entry] {
        let dir = TestSupport.packageRoot.appendingPathComponent("samples")
        var entries: [BatchReport.Entry] = []
        for name in ["bt-delivery-receipt.eml", "raynet-forwarded.eml"] {
            let bytes = Array(try Data(contentsOf: dir.appendingPathComponent(name)))
            entries.append(.init(label: name, result: .success(try await Analyzer.analyze(bytes, options: .offline))))
        }
        entries.append(.init(label: "empty", result: .failure(IntakeError("empty input", position: 0))))
        return entries
    }

    @Test(arguments: [0, 1, 3])
    func streamedEqualsWhole(count: Int) async throws {
        let entries = Array(try await Self.entries().prefix(count))
        var json: [UInt8] = []
        JSONRenderer.BatchStream.start(into: &json)
        for (i, e) in entries.enumerated() { JSONRenderer.BatchStream.append(e, index: i, into: &json) }
        JSONRenderer.BatchStream.finish(count: entries.count, into: &json)
        #expect(String(decoding: json, as: UTF8.self) == JSONRenderer.render(BatchReport(entries: entries)))
    }
}
