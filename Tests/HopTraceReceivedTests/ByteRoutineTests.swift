import HopTraceCore
import HopTraceTestSupport
import Testing

@testable import HopTraceReceived

// The parser's byte routines against the String and Character routines they stand for (kept
// here as the reference), on generated words: ASCII in both cases, digits and punctuation,
// and the non-ASCII that behaves differently by Character (a combining mark joining the byte
// before it, a prepend mark joining the byte after it, CR LF as one Character, the Kelvin
// sign, the Greek question mark, NUL).

private enum Reference {
    static func weekday(_ s: Substring) -> Bool {
        s.first?.isLetter == true && s.utf8.count <= 9 && MailDateParser.weekdays.contains(s.asciiLowered)
    }

    static func monthNumber(_ s: Substring) -> Int? {
        s.utf8.count <= 9 ? MailDateParser.months[s.asciiLowered] : nil
    }

    static func zone(_ s: Substring) -> Int? {
        if let f = s.first, f == "+" || f == "-", s.count == 5,
            let v = MailDateParser.number(s.dropFirst(), maxDigits: 4)
        {
            let hh = v / 100
            let mm = v % 100
            guard mm < 60 else { return nil }
            return (f == "-" ? -1 : 1) * (hh * 3600 + mm * 60)
        }
        switch s.asciiLowered {
        case "ut", "gmt", "z", "utc": return 0
        case "est": return -5 * 3600
        case "edt": return -4 * 3600
        case "cst": return -6 * 3600
        case "cdt": return -5 * 3600
        case "mst": return -7 * 3600
        case "mdt": return -6 * 3600
        case "pst": return -8 * 3600
        case "pdt": return -7 * 3600
        case "cet", "met", "bst", "wat": return 3600
        case "cest", "mest", "eet": return 2 * 3600
        case "eest": return 3 * 3600
        case "wet": return 0
        case "west": return 3600
        case "jst", "kst": return 9 * 3600
        default: break
        }
        if s.count == 1, let c = s.first, c.isASCII, c.isLetter, c != "j", c != "J" { return 0 }
        return nil
    }

    static func lettersOnly(_ s: Substring) -> Bool { s.allSatisfy { $0.isASCII && $0.isLetter } }

    static func withoutAngles(_ s: Substring) -> Substring {
        var r = s
        if r.hasPrefix("<") { r = r.dropFirst() }
        if r.hasSuffix(">") { r = r.dropLast() }
        return r
    }

    static func hasPrefixIgnoringCase(_ s: Substring, _ prefix: String) -> Bool {
        var mine = s.utf8.makeIterator()
        for y in prefix.utf8 {
            guard let x = mine.next() else { return false }
            if x != y && ASCIIFold.lower(x) != ASCIIFold.lower(y) { return false }
        }
        return true
    }

    static func nameMatches(_ a: String, _ b: String) -> Bool {
        guard let x = DomainName(a), let y = DomainName(b) else { return false }
        return DomainName.likelySameMachine(x, y) { p, q in
            guard let o = p.organisationKey() else { return false }
            return o == q.organisationKey()
        }
    }
}

private let pieces: [String] = [
    "a", "B", "j", "J", "z", "Z", "s", "S", "0", "1", "7", "9", "+", "-", ".", ":", "/", "<", ">", ",", " ",
    "\t", "\r\n", "\r", "\0", "é", "\u{301}", "\u{0600}", "\u{212A}", "\u{37E}", "\u{FEFF}", "\u{200D}",
    "mon", "Wed", "WEDNESDAY", "thurs", "Sept", "may", "DECEMBER", "gmt", "UT", "cest", "EEST", "kst",
    "+0100", "-0930", "+9999", "0100", "esmtp", "ESMTPSA", "utf8", "UTF8SMTPS", "smtp", "LMTPA", "s", "a", "sa",
    "/TLS", "-tls", " encrypted SMTP", "with", "mail.example.com", "MAIL.Example.COM", "...",
]

private func words(count: Int, seed: UInt64) -> [String] {
    var rng = SplitMix64(state: seed)
    var out = pieces
    for p in pieces { out.append(p + "\u{301}") }
    for _ in 0..<count {
        var w = ""
        for _ in 0..<Int.random(in: 1...4, using: &rng) { w += pieces.randomElement(using: &rng)! }
        out.append(w)
    }
    return out
}

@Test func dateWordsReadAsBytesAnswerAsByCharacter() {
    var mismatches: [String] = []
    for w in words(count: 20_000, seed: 0xDA7E) {
        let s = Substring(w)
        if MailDateParser.weekday(s) != Reference.weekday(s) { mismatches.append("weekday \(w.debugDescription)") }
        if MailDateParser.monthNumber(s) != Reference.monthNumber(s) {
            mismatches.append("month \(w.debugDescription)")
        }
        if MailDateParser.zone(s) != Reference.zone(s) { mismatches.append("zone \(w.debugDescription)") }
        if s.utf8.allSatisfy(MailDateParser.isASCIILetter) != Reference.lettersOnly(s) {
            mismatches.append("letters \(w.debugDescription)")
        }
    }
    #expect(mismatches.isEmpty, "\(mismatches.prefix(20))")
}

@Test func wordKeysAreEqualExactlyWhenTheLowerCasedBytesAre() {
    let all = words(count: 3000, seed: 0x6E1)
    var mismatches: [String] = []
    for a in all.prefix(600) {
        for b in all.prefix(600) {
            let same = a.utf8.count <= 15 && a.asciiLowered.utf8.elementsEqual(b.asciiLowered.utf8)
            let keys = WordKey(Substring(a)).flatMap { k in WordKey(Substring(b)).map { $0 == k } } ?? false
            if same != keys && !a.isEmpty { mismatches.append("\(a.debugDescription) \(b.debugDescription)") }
        }
    }
    #expect(mismatches.isEmpty, "\(mismatches.prefix(20))")
    #expect(WordKey(Substring(String(repeating: "a", count: 16))) == nil)
    #expect(WordKey(Substring("")) == nil)
    #expect(WordKey(Substring("mon\0")) != WordKey(Substring("mon")))
}

@Test func protocolFlagsReadAsBytesAnswerAsByCharacter() {
    var mismatches: [String] = []
    for w in words(count: 20_000, seed: 0x5EED) {
        if StampState.protocolInfo(w) != StampState.protocolInfoByCharacters(w) {
            mismatches.append(w.debugDescription)
        }
    }
    #expect(mismatches.isEmpty, "\(mismatches.prefix(20))")
}

@Test func anglesStrippedAsBytesAnswerAsByCharacter() {
    var mismatches: [String] = []
    var rng = SplitMix64(state: 0xA17)
    for w in words(count: 10_000, seed: 0xA16) {
        let wrapped =
            ["<", "", "<\u{301}", "\u{0600}<"].randomElement(using: &rng)! + w
            + [">", "", "\u{0600}>", "é>", "\r\n>"].randomElement(using: &rng)!
        for s in [w, wrapped] where StampState.withoutAngles(Substring(s)) != Reference.withoutAngles(Substring(s)) {
            mismatches.append(s.debugDescription)
        }
    }
    #expect(mismatches.isEmpty, "\(mismatches.prefix(20))")
}

@Test func prefixesComparedAsBytesAnswerAsBefore() {
    var mismatches: [String] = []
    let prefixes: [(StaticString, String)] = [
        ("envelope-from", "envelope-from"), ("qmail", "qmail"), ("exim", "exim"), ("ipv6:", "ipv6:"),
        ("authenticated sender:", "authenticated sender:"), ("client cn", "client cn"),
    ]
    for w in words(count: 5000, seed: 0x9F1) {
        for (p, q) in prefixes {
            for s in [w, q + w, q.uppercased() + w, String(q.dropLast()) + w] {
                if Substring(s).hasPrefixIgnoringCase(p) != Reference.hasPrefixIgnoringCase(Substring(s), q) {
                    mismatches.append("\(q) \(s.debugDescription)")
                }
            }
        }
    }
    #expect(mismatches.isEmpty, "\(mismatches.prefix(20))")
}

@Test func sameNamesMatchAsTheirDomainNamesDo() {
    var mismatches: [String] = []
    let names = words(count: 2000, seed: 0xD0) + ["", ".", "...", "a.", "A.", "mx.example.com", "MX.example.com."]
    var rng = SplitMix64(state: 0xD1)
    for a in names {
        let b = Bool.random(using: &rng) ? a : names.randomElement(using: &rng)!
        if ChainBuilder.nameMatches(a, b) != Reference.nameMatches(a, b) {
            mismatches.append("\(a.debugDescription) \(b.debugDescription)")
        }
    }
    #expect(mismatches.isEmpty, "\(mismatches.prefix(20))")
}

private let datePieces: [String] = [
    "Mon,", "Tue", " ", "  ", "\t", "\r\n", ",", "(", ")", "((", "(UTC)", "(CET", "12", "1", "Jan", "sept", "2024",
    "10:00:05", "10:00", ":", ".5", "+0000", "-0800", "PST", "GMT", "AM", "pm", "2020-08-27", "m=+1.5", "\u{B}",
    "\u{C}",
]

@Test func asciiDatesSplitByOffsetAsByIndex() {
    var rng = SplitMix64(state: 0x5917)
    var mismatches: [String] = []
    for _ in 0..<20_000 {
        var s = ""
        for _ in 0..<Int.random(in: 0...10, using: &rng) { s += datePieces.randomElement(using: &rng)! }
        var words: [Substring] = []
        var comments: [Substring] = []
        var unclosed = false
        MailDateParser.splitWords(s, words: &words, comments: &comments, unclosed: &unclosed)
        var refWords: [Substring] = []
        var refComments: [Substring] = []
        var refUnclosed = false
        MailDateParser.split(
            s, s.utf8, isSpace: ASCIIFold.isSpace, comma: UInt8(ascii: ","), open: UInt8(ascii: "("),
            close: UInt8(ascii: ")"), words: &refWords, comments: &refComments, unclosed: &refUnclosed)
        if words != refWords || comments != refComments || unclosed != refUnclosed {
            mismatches.append(s.debugDescription)
        }
    }
    #expect(mismatches.isEmpty, "\(mismatches.prefix(20))")
}

@Test func dateTextTrimmedAsTheDateParserTrims() {
    var rng = SplitMix64(state: 0xD47E)
    let edges = ["", " ", "\t", "\r\n", "\u{A0}", " \u{301}", "\u{2003} ", "é", "\u{B}"]
    var mismatches: [String] = []
    for _ in 0..<20_000 {
        var s = edges.randomElement(using: &rng)!
        for _ in 0..<Int.random(in: 0...8, using: &rng) { s += datePieces.randomElement(using: &rng)! }
        s += edges.randomElement(using: &rng)!
        let b = Array(("x;" + s).utf8)
        let text = b.withUnsafeBufferPointer { StampState.dateText($0, from: 2) }
        let whole = String(decoding: b[2...], as: UTF8.self)
        let (ts, leftover) = MailDateParser.parse(text)
        let (refTS, refLeftover) = MailDateParser.parse(whole)
        if ts != refTS || leftover != refLeftover || text.trimmedSpaces != whole.trimmedSpaces {
            mismatches.append(s.debugDescription)
        }
    }
    #expect(mismatches.isEmpty, "\(mismatches.prefix(20))")
}

@Test func commentKeywordsComparedAsBytesAnswerAsTheLowerCasedCopy() {
    let equalities: [(StaticString, String)] = [
        ("may", "may"), ("uid", "uid"), ("tls:", "tls:"), ("account", "account"), ("auth:", "auth:"),
        ("rdns", "rdns"), ("[unix socket]", "[unix socket]"), ("[local]", "[local]"), ("unknown", "unknown"),
    ]
    let prefixes: [(StaticString, String)] = [
        ("helo=", "helo="), ("ident=", "ident="), ("port=", "port="), ("ident:", "ident:"),
        ("rhost-flags-", "rhost-flags-"), ("using tls", "using tls"), ("tls1", "tls1"), ("tlsv1", "tlsv1"),
    ]
    var mismatches: [String] = []
    var rng = SplitMix64(state: 0xC0DE)
    for w in words(count: 5000, seed: 0xC0DF) {
        for (p, q) in equalities {
            for s in [w, q, q.uppercased(), q + w] where s.equalsIgnoringCase(p) != (s.asciiLowered == q) {
                mismatches.append("\(q) \(s.debugDescription)")
            }
        }
        for (p, q) in prefixes {
            let tail = [w, "", "\u{301}", "\u{0600}", "x"].randomElement(using: &rng)!
            for s in [w, q + tail, q.uppercased() + tail, String(q.dropLast()) + tail]
            where ASCIIBytes.startsAsCharacters(s, p) != s.asciiLowered.hasPrefix(q) {
                mismatches.append("\(q) \(s.debugDescription)")
            }
        }
        if StampState.isHelloVerb(ignoringCase: w) != ["helo", "ehlo", "lhlo"].contains(w.asciiLowered) {
            mismatches.append("hello \(w.debugDescription)")
        }
    }
    #expect(mismatches.isEmpty, "\(mismatches.prefix(20))")
}
