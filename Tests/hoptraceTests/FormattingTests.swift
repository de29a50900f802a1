import Foundation
import HopTraceCore
import Testing

@testable import hoptrace

/// The executable's own replacements for full-Foundation formatters: the `--stats` seconds
/// against written values, the DNS source's day against `ISO8601DateFormatter` (available
/// here: the tests link full Foundation, the executable does not).
@Suite struct FormattingTests {
    /// `--stats` seconds: four decimals of the duration, rounded half up.
    @Test(arguments: [
        (Duration.zero, "0.0000"), (.milliseconds(38), "0.0380"), (.microseconds(38_149), "0.0381"),
        (.microseconds(38_150), "0.0382"), (.nanoseconds(49_999), "0.0000"), (.nanoseconds(50_000), "0.0001"),
        (.seconds(12) + .nanoseconds(999_950_000), "13.0000"), (.seconds(9_999) + .microseconds(99), "9999.0001"),
        (.seconds(-1), "0.0000"),
    ])
    func statsSecondsHaveFourDecimals(_ duration: Duration, _ text: String) {
        #expect(duration.fourDecimalSeconds == text)
    }

    /// The UTC day in the live DNS source line, as `ISO8601DateFormatter` with `.withFullDate`
    /// wrote it.
    @Test(arguments: [
        0, -1, 86_399, 86_400, 951_782_400, 1_764_403_199, 1_764_403_200, 1_780_000_000.5, 253_402_300_799,
    ])
    func dayIsTheISO8601FullDate(_ seconds: Double) {
        let date = Date(timeIntervalSince1970: seconds)
        let expected = ISO8601DateFormatter.string(
            from: date, timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
        #expect(DNSOptions.day(date) == expected)
    }
}
