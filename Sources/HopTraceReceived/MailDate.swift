import HopTraceCore

/// RFC 5322 §3.3 date-time, read leniently, plus the Go `time.Time` text SendGrid writes.
/// Pure arithmetic: no Foundation, no calendar, no locale.
public enum MailDateParser {
    /// Parses `text` (the part after a Received header's last `;`). Returns nil when no date
    /// could be read. `leftover` is text around a readable date that was not understood
    /// (kept for the `unparsed` list), nil when everything was read.
    public static func parse(_ text: String) -> (timestamp: MailTimestamp?, leftover: String?) {
        if let ts = text.withUTF8Bytes({ plainDate($0, raw: text) }) { return (ts, nil) }
        return parseByWords(text)
    }

    /// `parse` by its word list: every form it reads.
    static func parseByWords(_ text: String) -> (timestamp: MailTimestamp?, leftover: String?) {
        let trimmed = text.trimmedSpaces
        // Text with nothing to trim (as the Received parser hands it over) is kept, not copied.
        let raw = trimmed.utf8.count == text.utf8.count ? text : String(trimmed)
        if raw.isEmpty { return (nil, nil) }
        var words: [Substring] = []
        words.reserveCapacity(8)
        var comments: [Substring] = []
        var unclosed = false
        splitWords(raw, words: &words, comments: &comments, unclosed: &unclosed)
        if let (ts, used) = goDate(words, raw: raw) ?? dateTime(words, raw: raw) {
            // CFWS after the zone: `(CET)`, `(UTC)`, `(PDT)` are comments and fine.
            let rest = words[used...]
            if rest.isEmpty && !unclosed { return (ts, nil) }
            return (ts, rest.isEmpty ? raw : rest.joined(separator: " "))
        }
        return (nil, raw)
    }

    /// Splits on white space and commas; comments are set apart (nesting is a counter).
    static func splitWords(_ s: String, words: inout [Substring], comments: inout [Substring], unclosed: inout Bool) {
        // Byte by byte when the text is ASCII (every delimiter is, so each cut is a character
        // boundary); text with other characters goes by Character, where Unicode white space
        // also separates. Both views share String's indices.
        let ascii = s.withUTF8Bytes { b in
            guard b.allSatisfy({ $0 < 0x80 }) else { return false }
            splitASCII(s, b, words: &words, comments: &comments, unclosed: &unclosed)
            return true
        }
        if !ascii {
            split(
                s, s, isSpace: \.isWhitespace, comma: ",", open: "(", close: ")",
                words: &words, comments: &comments, unclosed: &unclosed)
        }
    }

    /// `split` over the UTF-8 bytes `b` of the ASCII text `s`, by offset: what `split(s, s.utf8, …)`
    /// gives, with no index arithmetic on the String's view.
    static func splitASCII(
        _ s: String, _ b: UnsafeBufferPointer<UInt8>, words: inout [Substring], comments: inout [Substring],
        unclosed: inout Bool
    ) {
        let u = s.utf8
        func piece(_ a: Int, _ z: Int) -> Substring {
            s[u.index(u.startIndex, offsetBy: a)..<u.index(u.startIndex, offsetBy: z)]
        }
        scanASCII(b) { range, isComment, closed in
            if isComment {
                if !closed { unclosed = true }
                comments.append(piece(range.lowerBound, range.upperBound))
            } else {
                words.append(piece(range.lowerBound, range.upperBound))
            }
            return true
        }
    }

    /// The pieces of ASCII bytes as `splitASCII` cuts them, in order: white space and commas
    /// separate words, a `(` opens a comment that runs to its matching `)` (nesting is a
    /// counter) or to the end. `visit` gets each piece's range, whether it is a comment and
    /// whether that comment closed; it answers false to stop.
    static func scanASCII(
        _ b: UnsafeBufferPointer<UInt8>, _ visit: (Range<Int>, _ isComment: Bool, _ closed: Bool) -> Bool
    ) {
        let n = b.count
        var i = 0
        while i < n {
            let c = b[i]
            if ASCIIFold.isSpace(c) || c == UInt8(ascii: ",") {
                i += 1
                continue
            }
            if c == UInt8(ascii: "(") {
                var depth = 0
                var j = i
                var closed = false
                while j < n {
                    if b[j] == UInt8(ascii: "(") {
                        depth += 1
                    } else if b[j] == UInt8(ascii: ")") {
                        depth -= 1
                        if depth == 0 {
                            j += 1
                            closed = true
                            break
                        }
                    }
                    j += 1
                }
                if !visit(i..<j, true, closed) { return }
                i = j
                continue
            }
            var j = i
            while j < n, !ASCIIFold.isSpace(b[j]), b[j] != UInt8(ascii: ","), b[j] != UInt8(ascii: "(") { j += 1 }
            if !visit(i..<j, false, true) { return }
            i = j
        }
    }

    static func split<V: BidirectionalCollection>(
        _ s: String, _ v: V, isSpace: (V.Element) -> Bool, comma: V.Element, open: V.Element, close: V.Element,
        words: inout [Substring], comments: inout [Substring], unclosed: inout Bool
    ) where V.Index == String.Index, V.Element: Equatable {
        var i = v.startIndex
        while i < v.endIndex {
            let c = v[i]
            if isSpace(c) || c == comma {
                i = v.index(after: i)
                continue
            }
            if c == open {
                var depth = 0
                var j = i
                var closed = false
                while j < v.endIndex {
                    if v[j] == open {
                        depth += 1
                    } else if v[j] == close {
                        depth -= 1
                        if depth == 0 {
                            j = v.index(after: j)
                            closed = true
                            break
                        }
                    }
                    j = v.index(after: j)
                }
                if !closed { unclosed = true }
                comments.append(s[i..<j])
                i = j
                continue
            }
            var j = i
            while j < v.endIndex, !isSpace(v[j]), v[j] != comma, v[j] != open { j = v.index(after: j) }
            words.append(s[i..<j])
            i = j
        }
    }

    // date-time   = [ day-of-week "," ] date time [CFWS]
    // date        = day month year
    // time        = time-of-day zone
    // time-of-day = hour ":" minute [ ":" second ]
    // Leniencies: weekday missing (qmail, IronPort, MessageLabs); full weekday/month names;
    // 2- and 3-digit years (RFC 5322 §4.3 obs-year); fractional seconds (SendGrid);
    // obsolete and military zones (§4.3); zone missing (treated as UTC, offset unknown).
    // Also read, each written by real software:
    //   month first, `Apr 21 2018 03:01:04 +0000`;
    //   asctime order, `Mon Aug  6 22:54:16 2018` (the TIS firewall toolkit's smtpd);
    //   numeric, `4/20/2018 11:01:16 PM -0400` (month/day/year);
    //   a 12-hour clock, `11:01:16 PM`;
    //   a zone abbreviation after the numeric zone, `-0800 PST` (Yahoo);
    //   a zone name, `Pacific Standard Time`.
    static func dateTime(_ w: [Substring], raw: String) -> (MailTimestamp, Int)? {
        var k = 0
        if k < w.count, weekday(w[k]) { k += 1 }
        guard k + 3 < w.count || (k + 1 < w.count && w[k].utf8.contains(UInt8(ascii: "/"))) else { return nil }
        var day: Int
        var month: Int
        var yearWord: Substring
        var clock: (Int, Int, Int)
        if let mo = monthNumber(w[k]) {
            guard let d = number(w[k + 1], maxDigits: 2) else { return nil }
            month = mo
            day = d
            if w[k + 2].utf8.count == 4, number(w[k + 2], maxDigits: 4) != nil, let t = timeOfDay(w[k + 3]) {
                yearWord = w[k + 2]
                clock = t
            } else if let t = timeOfDay(w[k + 2]), number(w[k + 3], maxDigits: 4) != nil {
                clock = t
                yearWord = w[k + 3]
            } else {
                return nil
            }
            k += 4
        } else if w[k].utf8.contains(UInt8(ascii: "/")) {
            let p = w[k].split(separator: "/", omittingEmptySubsequences: false)
            guard p.count == 3, let mo = number(p[0], maxDigits: 2), let d = number(p[1], maxDigits: 2),
                number(p[2], maxDigits: 4) != nil, let t = timeOfDay(w[k + 1])
            else { return nil }
            // Month first as written in the US; a first number over 12 can only be the day.
            (month, day) = mo > 12 && d <= 12 ? (d, mo) : (mo, d)
            yearWord = p[2]
            clock = t
            k += 2
        } else {
            guard let d = number(w[k], maxDigits: 2), let mo = monthNumber(w[k + 1]),
                number(w[k + 2], maxDigits: 4) != nil, let t = timeOfDay(w[k + 3])
            else { return nil }
            day = d
            month = mo
            yearWord = w[k + 2]
            clock = t
            k += 4
        }
        guard let yearWritten = number(yearWord, maxDigits: 4) else { return nil }
        let year: Int
        switch yearWord.utf8.count {
        case 1, 2: year = yearWritten < 50 ? 2000 + yearWritten : 1900 + yearWritten
        case 3: year = 1900 + yearWritten
        default: year = yearWritten
        }
        var (h, m, s) = clock
        if k < w.count, let adjusted = meridiem(w[k], hour: h) {
            h = adjusted
            k += 1
        } else if k < w.count, w[k].equalsIgnoringCase("am") || w[k].equalsIgnoringCase("pm") {
            return nil  // `13:00 PM`: no such time
        }
        var offset: Int?
        if let (z, used) = namedZone(w, at: k) {
            offset = z
            k += used
        } else if k < w.count, let z = zone(w[k]) {
            offset = z
            k += 1
            // Yahoo: `-0800 PST`, the abbreviation after the number (the number rules).
            if w[k - 1].utf8.count == 5, k < w.count, w[k].utf8.count <= 5, zone(w[k]) != nil,
                w[k].utf8.allSatisfy(isASCIILetter)
            {
                k += 1
            }
        }
        guard let ts = timestamp(year: year, month: month, day: day, h: h, m: m, s: s, offset: offset, raw: raw) else {
            return nil
        }
        return (ts, k)
    }

    /// The 24-hour hour for `hour` followed by `AM`/`PM`, or nil when `word` is neither or the
    /// hour is not 1–12.
    static func meridiem(_ word: Substring, hour: Int) -> Int? {
        guard (1...12).contains(hour) else { return nil }
        if word.equalsIgnoringCase("am") { return hour == 12 ? 0 : hour }
        if word.equalsIgnoringCase("pm") { return hour == 12 ? 12 : hour + 12 }
        return nil
    }

    /// Zone names written out, as Windows names its zones (`Pacific Standard Time`). The name is
    /// read as written: `Standard` is the standard offset, `Daylight`/`Summer` the daylight one.
    static let zoneNames: [String: Int] = [
        "pacific standard time": -8 * 3600, "pacific daylight time": -7 * 3600,
        "mountain standard time": -7 * 3600, "mountain daylight time": -6 * 3600,
        "central standard time": -6 * 3600, "central daylight time": -5 * 3600,
        "eastern standard time": -5 * 3600, "eastern daylight time": -4 * 3600,
        "atlantic standard time": -4 * 3600, "atlantic daylight time": -3 * 3600,
        "alaskan standard time": -9 * 3600, "alaskan daylight time": -8 * 3600,
        "hawaiian standard time": -10 * 3600,
        "gmt standard time": 0, "gmt daylight time": 3600, "greenwich standard time": 0,
        "british summer time": 3600,
        "w. europe standard time": 3600, "w. europe daylight time": 2 * 3600,
        "central europe standard time": 3600, "central europe daylight time": 2 * 3600,
        "central european standard time": 3600, "central european summer time": 2 * 3600,
        "romance standard time": 3600, "romance daylight time": 2 * 3600,
        "e. europe standard time": 2 * 3600, "e. europe daylight time": 3 * 3600,
        "tokyo standard time": 9 * 3600, "china standard time": 8 * 3600, "india standard time": 19800,
    ]

    /// A written-out zone name starting at `w[k]` (two to four words, the last `Time`): its
    /// offset and the number of words it took.
    static func namedZone(_ w: [Substring], at k: Int) -> (Int, Int)? {
        for n in 2...4 where k + n <= w.count && w[k + n - 1].equalsIgnoringCase("time") {
            guard w[k..<(k + n)].allSatisfy({ $0.utf8.count <= 12 }) else { return nil }
            if let z = zoneNames[w[k..<(k + n)].map { $0.asciiLowered }.joined(separator: " ")] { return (z, n) }
        }
        return nil
    }

    // Go's time.Time.String(): `2006-01-02 15:04:05.999999999 -0700 MST m=+0.000000001`.
    // SendGrid's filter hops write it with no `;` before it.
    static func goDate(_ w: [Substring], raw: String) -> (MailTimestamp, Int)? {
        // `YYYY-MM-DD` starts with four digits and a dash (the usual RFC 5322 date does not).
        guard w.count >= 2, w[0].utf8.count >= 8, w[0].utf8.dropFirst(4).first == UInt8(ascii: "-") else { return nil }
        let d = w[0].split(separator: "-", omittingEmptySubsequences: false)
        guard d.count == 3, d[0].count == 4, let year = number(d[0], maxDigits: 4),
            let month = number(d[1], maxDigits: 2), (1...12).contains(month),
            let day = number(d[2], maxDigits: 2),
            let (hour, m, s) = timeOfDay(w[1])
        else { return nil }
        var h = hour
        var k = 2
        // `2018-4-20 11:01:08 PM`: a 12-hour clock.
        if k < w.count, let adjusted = meridiem(w[k], hour: h) {
            h = adjusted
            k += 1
        }
        var offset: Int?
        if k < w.count, let z = zone(w[k]) {
            offset = z
            k += 1
        }
        // Zone abbreviation after the numeric zone, then the monotonic clock reading.
        if offset != nil, k < w.count, w[k].utf8.allSatisfy(isASCIILetter), w[k].utf8.count <= 5 { k += 1 }
        if k < w.count, w[k].hasPrefix("m=") { k += 1 }
        guard let ts = timestamp(year: year, month: month, day: day, h: h, m: m, s: s, offset: offset, raw: raw) else {
            return nil
        }
        return (ts, k)
    }

    static func timestamp(year: Int, month: Int, day: Int, h: Int, m: Int, s: Int, offset: Int?, raw: String)
        -> MailTimestamp?
    {
        guard (1000...9999).contains(year), (1...12).contains(month),
            day >= 1, day <= UTCCalendar.daysInMonth(year: year, month: month),
            (0...23).contains(h), (0...59).contains(m), (0...60).contains(s)
        else { return nil }
        let days = UTCCalendar.daysFromCivil(year: Int64(year), month: Int64(month), day: Int64(day))
        let local = days * 86400 + Int64(h * 3600 + m * 60 + s)
        return MailTimestamp(utcSeconds: local - Int64(offset ?? 0), offsetSeconds: offset, raw: raw)
    }

    static func isASCIILetter(_ c: UInt8) -> Bool {
        let l = ASCIIFold.lower(c)
        return l >= UInt8(ascii: "a") && l <= UInt8(ascii: "z")
    }

    static func number<S: StringProtocol>(_ s: S, maxDigits: Int) -> Int? {
        number(bytes: s.utf8, maxDigits: maxDigits)
    }

    /// `number` on the text's UTF-8 bytes (an empty text has no bytes).
    static func number<C: Collection<UInt8>>(bytes u: C, maxDigits: Int) -> Int? {
        guard !u.isEmpty, u.count <= maxDigits else { return nil }
        var v = 0
        for c in u {
            guard c >= 0x30 && c <= 0x39 else { return nil }
            v = v * 10 + Int(c - 0x30)
        }
        return v
    }

    /// `hh:mm`, `hh:mm:ss`, `hh:mm:ss.fraction` (fraction dropped; SendGrid writes milliseconds,
    /// Go nanoseconds).
    static func timeOfDay(_ s: Substring) -> (Int, Int, Int)? {
        timeOfDay(bytes: s.utf8)
    }

    /// `timeOfDay` on the text's UTF-8 bytes.
    static func timeOfDay<C: Collection<UInt8>>(bytes u: C) -> (Int, Int, Int)? {
        // Byte by byte: `hh:mm[:ss][.fraction]`, every part ASCII digits; the parts are kept
        // in three variables (this runs for many words of every date).
        var parts = (0, 0, 0)
        var count = 0
        var value = 0
        var digits = 0
        var fraction = -1  // digits after `.`, -1 before any `.`
        for c in u {
            if fraction >= 0 {
                guard c >= 0x30 && c <= 0x39, fraction < 9 else { return nil }
                fraction += 1
            } else if c >= 0x30 && c <= 0x39 {
                guard digits < 2 else { return nil }
                value = value * 10 + Int(c - 0x30)
                digits += 1
            } else if c == UInt8(ascii: ":") || c == UInt8(ascii: ".") {
                guard digits > 0, count < 3 else { return nil }
                Self.set(&parts, count, value)
                count += 1
                value = 0
                digits = 0
                if c == UInt8(ascii: ".") { fraction = 0 }
            } else {
                return nil
            }
        }
        if fraction == 0 { return nil }
        if fraction < 0 {
            guard digits > 0, count < 3 else { return nil }
            Self.set(&parts, count, value)
            count += 1
        }
        guard count == 2 || count == 3 else { return nil }
        return (parts.0, parts.1, count == 3 ? parts.2 : 0)
    }

    private static func set(_ parts: inout (Int, Int, Int), _ index: Int, _ value: Int) {
        switch index {
        case 0: parts.0 = value
        case 1: parts.1 = value
        default: parts.2 = value
        }
    }

    static let weekdays: Set<String> = [
        "mon", "tue", "wed", "thu", "fri", "sat", "sun",
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
        "tues", "thur", "thurs",
    ]
    static let months: [String: Int] = [
        "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11,
        "dec": 12,
        "january": 1, "february": 2, "march": 3, "april": 4, "june": 6, "july": 7, "august": 8,
        "september": 9, "october": 10, "november": 11, "december": 12, "sept": 9,
    ]
    /// `weekdays` and `months` as `WordKey`s, for lookups with no lower-cased copy or hashing.
    static let weekdayKeys: [WordKey] = weekdays.compactMap { WordKey($0[...]) }
    static let monthKeys: [(key: WordKey, month: Int)] = months.compactMap { k, v in WordKey(k[...]).map { ($0, v) } }

    static func weekday(_ s: Substring) -> Bool {
        guard s.utf8.count <= 9, let key = WordKey(s) else { return false }
        return weekdayKeys.contains(key)
    }

    static func monthNumber(_ s: Substring) -> Int? {
        guard s.utf8.count <= 9, let key = WordKey(s) else { return nil }
        for m in monthKeys where m.key == key { return m.month }
        return nil
    }

    // zone     = (FWS ( "+" / "-" ) 4DIGIT) / obs-zone
    // obs-zone = "UT" / "GMT" / "EST" / "EDT" / "CST" / "CDT" / "MST" / "MDT" / "PST" / "PDT" /
    //            %d65-73 / %d75-90 / %d97-105 / %d107-122          (military, RFC 5322 §4.3)
    /// Seconds east of UTC, or nil when `s` is not a zone.
    static func zone(_ s: Substring) -> Int? {
        zone(bytes: s.utf8)
    }

    /// `zone` on the text's UTF-8 bytes.
    static func zone<C: Collection<UInt8>>(bytes u: C) -> Int? {
        // Bytes: after an ASCII sign, four ASCII digits are four characters.
        if let f = u.first, f == UInt8(ascii: "+") || f == UInt8(ascii: "-"), u.count == 5,
            let v = number(bytes: u.dropFirst(), maxDigits: 4)
        {
            let hh = v / 100
            let mm = v % 100
            guard mm < 60 else { return nil }
            return (f == UInt8(ascii: "-") ? -1 : 1) * (hh * 3600 + mm * 60)
        }
        if let key = WordKey(bytes: u) {
            for z in zoneKeys where z.key == key { return z.offset }
        }
        // Military single letters: RFC 5322 §4.3 says their signs were defined backwards in
        // RFC 822 and they SHOULD be read as -0000, i.e. UTC with no known local offset.
        if u.count == 1, let c = u.first, isASCIILetter(c), ASCIIFold.lower(c) != UInt8(ascii: "j") {
            return 0
        }
        return nil
    }

    /// Zone abbreviations and their offsets east of UTC.
    static let zones: [(name: String, offset: Int)] = [
        ("ut", 0), ("gmt", 0), ("z", 0), ("utc", 0),
        ("est", -5 * 3600), ("edt", -4 * 3600), ("cst", -6 * 3600), ("cdt", -5 * 3600),
        ("mst", -7 * 3600), ("mdt", -6 * 3600), ("pst", -8 * 3600), ("pdt", -7 * 3600),
        // Not in RFC 5322, but European servers write them bare (seen from older Exim and
        // Sendmail configurations); unambiguous, so accepted.
        ("cet", 3600), ("met", 3600), ("bst", 3600), ("wat", 3600),
        ("cest", 2 * 3600), ("mest", 2 * 3600), ("eet", 2 * 3600),
        ("eest", 3 * 3600), ("wet", 0), ("west", 3600), ("jst", 9 * 3600), ("kst", 9 * 3600),
    ]
    static let zoneKeys: [(key: WordKey, offset: Int)] = zones.compactMap { z in
        WordKey(z.name[...]).map { ($0, z.offset) }
    }
}

/// A short word's bytes, ASCII letters lower-cased, packed with its length into two integers:
/// keyword tables compare it with two integer compares instead of a lower-cased copy and a
/// String hash. Only words of 1 to 15 bytes have a key. Two words have equal keys exactly when
/// their `asciiLowered` bytes are equal.
struct WordKey: Equatable {
    var low: UInt64
    var high: UInt64

    init?(_ s: Substring) {
        self.init(bytes: s.utf8)
    }

    /// The key of the word whose UTF-8 bytes are `u`.
    init?<C: Collection<UInt8>>(bytes u: C) {
        let n = u.count
        guard n >= 1, n <= 15 else { return nil }
        var low: UInt64 = 0
        var high = UInt64(n) << 56
        var i = 0
        for c in u {
            let v = UInt64(ASCIIFold.lower(c))
            if i < 8 { low |= v << (8 * UInt64(i)) } else { high |= v << (8 * UInt64(i - 8)) }
            i += 1
        }
        self.low = low
        self.high = high
    }
}
