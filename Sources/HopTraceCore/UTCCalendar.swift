/// Proleptic Gregorian dates ↔ days since 1970-01-01 (Howard Hinnant's `days_from_civil` and
/// `civil_from_days`), and the UTC text forms hoptrace writes, without Foundation's calendar.
public enum UTCCalendar {
    /// Days since 1970-01-01 of a proleptic Gregorian date. `month` is 1…12; `day` is not
    /// checked against the month (31 February counts on into March).
    public static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The proleptic Gregorian date `days` after 1970-01-01 (negative: before).
    public static func civilFromDays(_ days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// Days in `month` of `year` (1…12), leap years by the Gregorian rule.
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// The day holding `utcSeconds` (seconds since 1970-01-01T00:00:00Z) and the seconds into it.
    public static func split(_ utcSeconds: Int64) -> (days: Int64, seconds: Int64) {
        let days = utcSeconds >= 0 ? utcSeconds / 86_400 : (utcSeconds - 86_399) / 86_400
        return (days, utcSeconds - days * 86_400)
    }

    /// `YYYY-MM-DD` of the UTC day holding `utcSeconds`.
    public static func isoDay(_ utcSeconds: Int64) -> String {
        let (y, m, d) = civilFromDays(split(utcSeconds).days)
        return "\(year(y))-\(two(m))-\(two(d))"
    }

    /// ISO 8601 `YYYY-MM-DDTHH:MM:SSZ` of `utcSeconds`.
    public static func iso8601(_ utcSeconds: Int64) -> String {
        let (days, secs) = split(utcSeconds)
        let (y, m, d) = civilFromDays(days)
        guard y >= 0 && y < 10_000 else {
            return "\(year(y))-\(two(m))-\(two(d))T\(two(secs / 3600)):\(two(secs / 60 % 60)):\(two(secs % 60))Z"
        }
        // The usual four-digit year: the 20 bytes written in place, no String per part.
        return String(unsafeUninitializedCapacity: iso8601Length) { b in
            writeISO8601(utcSeconds, to: b.baseAddress!)
            return iso8601Length
        }
    }

    /// The length of `iso8601` for the years 0…9999.
    public static let iso8601Length = 20

    /// Writes `iso8601(utcSeconds)` at `b` (`iso8601Length` bytes) when its year is one of
    /// 0…9999 and returns true; writes nothing and returns false for other years.
    @discardableResult
    public static func writeISO8601(_ utcSeconds: Int64, to b: UnsafeMutablePointer<UInt8>) -> Bool {
        let (days, secs) = split(utcSeconds)
        let (y, m, d) = civilFromDays(days)
        guard y >= 0 && y < 10_000 else { return false }
        func digits(_ v: Int64, _ at: Int, _ count: Int) {
            var v = v
            for k in stride(from: at + count - 1, through: at, by: -1) {
                b[k] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
            }
        }
        digits(y, 0, 4)
        b[4] = UInt8(ascii: "-")
        digits(m, 5, 2)
        b[7] = UInt8(ascii: "-")
        digits(d, 8, 2)
        b[10] = UInt8(ascii: "T")
        digits(secs / 3600, 11, 2)
        b[13] = UInt8(ascii: ":")
        digits(secs / 60 % 60, 14, 2)
        b[16] = UInt8(ascii: ":")
        digits(secs % 60, 17, 2)
        b[19] = UInt8(ascii: "Z")
        return true
    }

    /// Four digits for years 0…9999; other years as the number is written.
    static func year(_ y: Int64) -> String {
        guard y >= 0 && y < 10_000 else { return String(y) }
        let s = String(y)
        return String(repeating: "0", count: 4 - s.count) + s
    }

    static func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
}
