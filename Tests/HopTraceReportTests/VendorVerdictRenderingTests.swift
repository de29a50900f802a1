import Foundation
import HopTraceCore
import HopTraceForensics
import HopTraceReport
import HopTraceTopology
import Testing

/// Vendor verdict values are attacker-written: the text report, the JSON and the diagram keep
/// them as escaped text.
@Suite struct VendorVerdictRenderingTests {
    static let hostile = """
        Received: from mx.example.com (mx.example.com [192.0.2.1])
        \tby mail.example.com (Postfix) with ESMTP id 1; Mon, 10 Mar 2025 10:00:02 +0000
        X-Forefront-Antispam-Report: CIP:192.0.2.1;CAT:<b>\u{1B}[31mX\u{202E};SFV:SPM\u{7};H:"a&b"
        X-Spam-Status: Yes, score=99 tests=<script>\u{1B}]0;title\u{7}</script>
        Received: from client.example.com (client.example.com [192.0.2.9])
        \tby mx.example.com (Postfix) with ESMTP id 0; Mon, 10 Mar 2025 10:00:01 +0000
        From: a@example.com
        Subject: x

        body

        """

    @Test func hostileValuesAreEscaped() async throws {
        let options = AnalysisOptions(now: 1_795_900_000, publicSuffixList: .bundled)
        let report = try await Analyzer.analyze(Array(Self.hostile.utf8), options: options)
        let text = TextRenderer(color: false).render(report, title: "hostile")
        #expect(text.contains("filter: Microsoft 365: spam"))
        #expect(!text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x202E })
        let json = JSONRenderer.render(report)
        #expect(json.contains("\\u001b"))
        #expect(json.contains("\"vendor_verdicts\""))
        let chain = try #require(report.chains.first)
        #expect(chain.annotations.contains { $0.label == "M365: spam" || $0.label == "SpamAssassin: spam" })
        let dot = DOTEncoder.encode(chain.topology, annotations: chain.annotations)
        #expect(!dot.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
        #expect(!dot.contains("<script>"))
    }
}
