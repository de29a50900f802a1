import HopTraceTestSupport
import Testing

@testable import HopTraceFingerprint

/// `ExchangeBuilds.parseBuild` reads bytes; its answers are those of the routine over
/// characters (`parseBuildByCharacters`), hostile texts included.
@Suite struct ExchangeParseBuildTests {
    @Test(arguments: [
        "", ".", "..", "1.2.3", "1.2.3.", ".1.2.3", "1.2.3.4", "1.2.3.4.5", "000000.0.0", "0000000.0.0", "1.2.3\u{301}",
        "1.\u{301}2.3", "١.٢.٣", "1.2.3\r\n", "15.20.5546.023", "+1.2.3", "1.2.3 ", "999999.999999.999999.999999",
    ])
    func examples(_ s: String) {
        #expect(ExchangeBuilds.parseBuild(s) == ExchangeBuilds.parseBuildByCharacters(s), "\(s.debugDescription)")
    }

    @Test func randomTexts() {
        var g = SplitMix64(state: 15)
        let pieces = ["0", "1", "9", "15", "0181", ".", "..", "x", "-", "\u{301}", "٣", "\r\n", " ", "1234567"]
        for _ in 0..<30_000 {
            let s = (0..<Int.random(in: 0...9, using: &g)).map { _ in pieces.randomElement(using: &g)! }.joined()
            #expect(ExchangeBuilds.parseBuild(s) == ExchangeBuilds.parseBuildByCharacters(s), "\(s.debugDescription)")
        }
    }
}
