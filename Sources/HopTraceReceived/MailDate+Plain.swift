import HopTraceCore

/// The usual date of a Received header read on its bytes, with no word list:
/// `[day-of-week ","] day month year time [zone]` with comments anywhere, in ASCII with nothing
/// to trim. It answers only when the word-list reading (`parseByWords`) would read all of the
/// text to a timestamp, and then answers what that reading gives; any other text goes there.
extension MailDateParser {
    /// Most words `plainDate` reads: a weekday and five date words.
    static let plainDateMaxWords = 6

    static func plainDate(_ b: UnsafeBufferPointer<UInt8>, raw: String) -> MailTimestamp? {
        let n = b.count
        guard n > 0, n <= 256, !ASCIIFold.isSpace(b[0]), !ASCIIFold.isSpace(b[n - 1]) else { return nil }
        guard b.allSatisfy({ $0 < 0x80 }) else { return nil }
        // The words as `splitASCII` cuts them, at most `plainDateMaxWords`; an unclosed comment
        // is left to the word list.
        return withUnsafeTemporaryAllocation(of: Range<Int>.self, capacity: plainDateMaxWords) { w in
            var count = 0
            var plain = true
            scanASCII(b) { range, isComment, closed in
                if isComment {
                    plain = closed
                } else if count < plainDateMaxWords {
                    w[count] = range
                    count += 1
                } else {
                    plain = false
                }
                return plain
            }
            guard plain else { return nil }
            func word(_ k: Int) -> Slice<UnsafeBufferPointer<UInt8>> { b[w[k]] }

            var k = 0
            if count > 0, word(0).count <= 9, let key = WordKey(bytes: word(0)), weekdayKeys.contains(key) { k = 1 }
            // day month year time [zone], and nothing after.
            guard count == k + 4 || count == k + 5 else { return nil }
            // The day first: no month name and no `/` (the other orders `dateTime` reads), and
            // too short for Go's `YYYY-MM-DD`.
            guard let day = number(bytes: word(k), maxDigits: 2), word(k + 1).count <= 9,
                let monthKey = WordKey(bytes: word(k + 1)),
                let month = monthKeys.first(where: { $0.key == monthKey })?.month,
                let yearWritten = number(bytes: word(k + 2), maxDigits: 4),
                let (hour, minute, second) = timeOfDay(bytes: word(k + 3))
            else { return nil }
            let year: Int
            switch word(k + 2).count {
            case 1, 2: year = yearWritten < 50 ? 2000 + yearWritten : 1900 + yearWritten
            case 3: year = 1900 + yearWritten
            default: year = yearWritten
            }
            var offset: Int?
            if count == k + 5 {
                let z = word(k + 4)
                // `AM`/`PM` there is a 12-hour clock, which `dateTime` reads.
                if z.count == 2, ASCIIFold.lower(z[z.startIndex + 1]) == UInt8(ascii: "m") { return nil }
                guard let o = zone(bytes: z) else { return nil }
                offset = o
            }
            return timestamp(
                year: year, month: month, day: day, h: hour, m: minute, s: second, offset: offset, raw: raw)
        }
    }
}
