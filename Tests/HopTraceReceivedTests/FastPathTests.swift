import HopTraceCore
import HopTraceTestSupport
import Testing

@testable import HopTraceReceived

// The parse stage's byte answers against the text routines they stand in front of (kept as the
// reference, here or in the sources): address literals, the usual date, `for` recipients, the
// by-name's trailing comma, the envelope sender's rest and the continuity check's name match.
// Generated inputs mix the usual forms with control characters, unclosed comments, non-ASCII
// (combining marks, a prepend mark, a no-break space), invalid UTF-8 and very long text.

private enum Reference {
    static func recipients(_ w: String) -> [String] {
        var out: [String] = []
        for part in w.split(separator: ",") {
            var r = Substring(part)
            if r.hasPrefix("<") { r = r.dropFirst() }
            if r.hasSuffix(">") { r = r.dropLast() }
            if !r.isEmpty { out.append(String(r)) }
        }
        return out
    }

    static func nameMatches(_ a: String, _ b: String) -> Bool {
        if a.utf8.elementsEqual(b.utf8) { return a.utf8.contains { $0 != UInt8(ascii: ".") } }
        guard let x = DomainName(a), let y = DomainName(b) else { return false }
        return DomainName.likelySameMachine(x, y) { p, q in
            guard let o = p.organisationKey() else { return false }
            return o == q.organisationKey()
        }
    }
}

private func generated(_ pieces: [String], count: Int, maxPieces: Int, seed: UInt64) -> [String] {
    var rng = SplitMix64(state: seed)
    var out = pieces
    for _ in 0..<count {
        var s = ""
        for _ in 0..<Int.random(in: 1...maxPieces, using: &rng) { s += pieces.randomElement(using: &rng)! }
        out.append(s)
    }
    return out
}

/// Byte strings of up to `maxPieces` parts, each a piece's bytes or a byte that cannot stand
/// where it is in UTF-8 (a lone continuation, a lead byte without its continuation, 0xFF).
private func invalidUTF8(_ pieces: [String], count: Int, maxPieces: Int, seed: UInt64) -> [[UInt8]] {
    var rng = SplitMix64(state: seed)
    return (0..<count).map { _ in
        var b: [UInt8] = []
        for _ in 0..<Int.random(in: 0...maxPieces, using: &rng) {
            if Bool.random(using: &rng) {
                b += Array(pieces.randomElement(using: &rng)!.utf8)
            } else {
                b.append([0x80, 0xBF, 0xC3, 0xE2, 0xF0, 0xFF].randomElement(using: &rng)!)
            }
        }
        return b
    }
}

private let hostile = [
    "\0", "\u{1}", "\u{7F}", "\r\n", "\r", "\t", "\u{B}", "é", "\u{301}", "\u{0600}", "\u{A0}", "\u{FEFF}",
]

private let addressPieces =
    [
        "[", "]", "(", ")", "1", "0", "255", "256", "01", "192.168.4.101", "10.0.8.6.13219", ".", ":", "::", "::1",
        "fe80::1", "IPv6:", "ipv6:", "2001:db8::", "%", "%12", "%eth0", ":25", ":65536", "a", "f", "I", "P", "v",
        "x", "1.2.3.4", "999.1.1.1", "1.2.3", "1.2.3.4.5", "2a01:111:f400:7e06::204", "[IPv6:2001:db8::1]",
        "[ipv6:::1]", "ABCD", "::ffff:", "c000:207", "1:2:3:4:5:6:7:8", ":1", "12345",
    ] + hostile

@Test func addressLiteralsReadFromBytesAnswerAsTheTextRoutine() {
    var mismatches: [String] = []
    var inputs = generated(addressPieces, count: 40_000, maxPieces: 6, seed: 0xADD7)
    inputs += [String(repeating: "1.", count: 45) + "1", "[" + String(repeating: "0", count: 79) + "]", "", "[]"]
    for s in inputs {
        let reference = AddressLiteral.parse(Substring(s))
        if AddressLiteral.parse(s) != reference { mismatches.append("string \(s.debugDescription)") }
        let viaBytes = s.withUTF8Bytes { b in AddressLiteral.parse(bytes: b, text: { s }) }
        if viaBytes != reference { mismatches.append("bytes \(s.debugDescription)") }
    }
    // Invalid UTF-8: the bytes as written, the text as decoded (repaired).
    for b in invalidUTF8(addressPieces, count: 5000, maxPieces: 12, seed: 0xADD8) {
        let text = String(decoding: b, as: UTF8.self)
        let viaBytes = b.withUnsafeBufferPointer { p in AddressLiteral.parse(bytes: p, text: { text }) }
        if viaBytes != AddressLiteral.parse(Substring(text)) { mismatches.append("invalid \(b)") }
    }
    #expect(mismatches.isEmpty, "\(mismatches.prefix(20))")
    #expect(AddressLiteral.parse("[192.0.2.1]")?.text == "192.0.2.1")
    #expect(AddressLiteral.parse("[10.0.8.6.13219]")?.port == 13219)
}

private let datePieces =
    [
        "Sat, ", "Wed,", "wednesday ", "Thurs ", "Mon", "21 ", "7 ", "07 ", "0 ", "31 ", "32 ", "123 ", "Apr ",
        "apr ", "SEPT ", "Feb ", "May", "Foo ", "2018 ", "18 ", "49 ", "999 ", "20188 ", "03:01:04 ", "3:1 ",
        "24:00:00 ", "23:59:60 ", "03:01:04.123 ", "03:01 ", "03:01:", "+0000", "-0800", "+0960", "+00:00", "GMT",
        "utc", "PST", "Z", "J", "am", "PM", "CEST", " (UTC)", "(", ")", "(a(b)c)", " -0800 PST", " id 123", ",",
        ",,", " ", "  ", "\t", "\r\n ", "Pacific Standard Time", "2018-04-21 ", "4/21/2018 ", "m=+0.1",
    ] + hostile

@Test func plainDatesReadFromBytesAnswerAsTheWordList() {
    var mismatches: [String] = []
    var inputs = generated(datePieces, count: 60_000, maxPieces: 9, seed: 0xDA7E5)
    // The usual shapes, with a piece changed.
    var rng = SplitMix64(state: 0xDA7E6)
    let usual = ["Sat, 21 Apr 2018 03:01:04 +0000", "21 Apr 2018 03:01:04 -0700 (PDT)", "Wed, 1 Jan 20 0:0:0 GMT"]
    for u in usual {
        inputs.append(u)
        for _ in 0..<5000 {
            var words = u.split(separator: " ").map(String.init)
            let i = Int.random(in: 0..<words.count, using: &rng)
            words[i] = datePieces.randomElement(using: &rng)!
            inputs.append(words.joined(separator: [" ", "  ", ",", "\t"].randomElement(using: &rng)!))
        }
    }
    inputs.append("Sat, 21 Apr 2018 03:01:04 +0000 " + String(repeating: "(x)", count: 200))
    inputs.append(" Sat, 21 Apr 2018 03:01:04 +0000")
    inputs.append("Sat, 21 Apr 2018 03:01:04 +0000\u{A0}")
    for s in inputs {
        let (ts, leftover) = MailDateParser.parse(s)
        let (refTS, refLeftover) = MailDateParser.parseByWords(s)
        if ts != refTS || ts?.raw != refTS?.raw || leftover != refLeftover { mismatches.append(s.debugDescription) }
    }
    #expect(mismatches.isEmpty, "\(mismatches.prefix(20))")
    let (ts, leftover) = MailDateParser.parse("Sat, 21 Apr 2018 03:01:04 +0000 (UTC)")
    #expect(ts?.utcSeconds == 1_524_279_664 && leftover == nil)
}

private let wordPieces =
    ["<", ">", ",", "a@b.example", "x", "<user@example.com>", "@", "mail.example", "\u{301},", ",\u{301}"] + hostile

@Test func recipientsAndCommasCutOnBytesAnswerAsByCharacter() {
    var mismatches: [String] = []
    for w in generated(wordPieces, count: 30_000, maxPieces: 6, seed: 0x4C97) {
        var got: [String] = []
        StampState.appendRecipients(w, to: &got)
        if got != Reference.recipients(w) { mismatches.append("for \(w.debugDescription)") }
        if StampState.endsWithComma(w) != w.hasSuffix(",") { mismatches.append("comma \(w.debugDescription)") }
        let s = Substring("envelope-from" + w)
        if StampState.fromFirstSpaceOrAngle(s) != s.drop(while: { !$0.isWhitespace && $0 != "<" }) {
            mismatches.append("rest \(s.debugDescription)")
        }
    }
    #expect(mismatches.isEmpty, "\(mismatches.prefix(20))")
}

@Test func machineNamesMatchAsTheirDomainNamesDo() {
    let pieces =
        [
            "HE1PR06CA0108", "he1pr06ca0108", "VE1EUR02FT011", "mail01", "MAIL01", "mx", ".", "..", "outlook.com",
            "office365.com", "eurprd06.prod", "example.com", "Example.COM", "co.uk", "localhost", "-", "1",
        ] + hostile
    let names = generated(pieces, count: 3000, maxPieces: 5, seed: 0x4A3E)
    var rng = SplitMix64(state: 0x4A3F)
    var mismatches: [String] = []
    for a in names {
        for _ in 0..<4 {
            let b = names.randomElement(using: &rng)!
            if ChainBuilder.nameMatches(a, b) != Reference.nameMatches(a, b) {
                mismatches.append("\(a.debugDescription) \(b.debugDescription)")
            }
        }
    }
    #expect(mismatches.isEmpty, "\(mismatches.prefix(20))")
    #expect(ChainBuilder.nameMatches("HE1PR06CA0108.outlook.office365.com", "HE1PR06CA0108.eurprd06.prod.outlook.com"))
}

@Test func quotedNamesAnswerAsTheQuoteWithoutItsMarks() {
    let pieces = ["mail.example.com", "\"", " ", "~", "x"] + hostile
    var mismatches: [String] = []
    var inputs = generated(pieces, count: 20_000, maxPieces: 5, seed: 0x9707)
    inputs += [String(repeating: "a", count: 80), String(repeating: "a", count: 81), ""]
    for s in inputs where ChainBuilder.quoteName(s) != String(ChainBuilder.quote(s).dropFirst().dropLast()) {
        mismatches.append(s.debugDescription)
    }
    #expect(mismatches.isEmpty, "\(mismatches.prefix(20))")
}

/// A word's end as the lexer reads it, one test per byte in order.
private func referenceWordEnd(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
    var j = start
    var brackets = 0
    while j < b.count {
        let d = b[j]
        if ReceivedLexer.isSpace(d) { break }
        if brackets == 0 && (d == UInt8(ascii: "(") || d == UInt8(ascii: ")") || d == UInt8(ascii: ";")) { break }
        if d == UInt8(ascii: "[") { brackets += 1 }
        if d == UInt8(ascii: "]") && brackets > 0 { brackets -= 1 }
        j += 1
    }
    return j
}

@Test func wordEndsFoundWithTheQuickTestAnswerAsByteByByte() {
    let pieces =
        ["a", "mail.example.com", "[", "]", "(", ")", ";", " ", "\t", "\r\n", "1.2.3.4", "-", ":", "*"] + hostile
    var mismatches: [String] = []
    for s in generated(pieces, count: 20_000, maxPieces: 8, seed: 0x3E7D) {
        s.withUTF8Bytes { b in
            for start in 0..<b.count where ReceivedLexer.wordEnd(b, from: start) != referenceWordEnd(b, from: start) {
                mismatches.append("\(s.debugDescription) at \(start)")
            }
        }
    }
    #expect(mismatches.isEmpty, "\(mismatches.prefix(20))")
}

private let commentPieces =
    [
        "using TLSv1.2 with cipher AECDH-AES256-SHA (256/256 bits)", "Using TLS", "version=TLS1_2 cipher=ECDHE",
        " bits=128", "TLSv1.3:TLS_AES_256_GCM_SHA384:256", "TLS1.3", "TLS", "tls", "Google Transport Security",
        "not using TLS", "Postfix", "Exim 4.92", "envelope-from <a@b.example>", "envelope sender: <x>",
        "Authenticated sender: x", "authenticated bits=0", "client CN x", "10.0.0.1", "[10.0.0.1]", "2001:db8::1",
        "encrypted", "ssl", "cipher", "8.15.2/8.15.2", "HELO x", "may be forged", "(", ")", " ", "  ", "\t",
    ] + hostile

/// The reading state a comment meets: the clause and what earlier words left.
private struct CommentSetup {
    var clause: Clause
    var sawFrom = false
    var withWords: [String] = []
    var withClosedByComment = false
    var productWords: [String]?
    var byAddress: AddressLiteral?
    var tls: TLSInfo?

    static let all: [CommentSetup] = [
        CommentSetup(clause: .start), CommentSetup(clause: .start, sawFrom: true),
        CommentSetup(clause: .from, sawFrom: true), CommentSetup(clause: .by),
        CommentSetup(clause: .by, productWords: []),
        CommentSetup(clause: .by, byAddress: AddressLiteral.parse("192.0.2.1")), CommentSetup(clause: .with),
        CommentSetup(clause: .with, withWords: ["esmtp"]),
        CommentSetup(clause: .with, withWords: ["ESMTPS"], withClosedByComment: true),
        CommentSetup(clause: .with, withWords: ["Microsoft", "SMTPSVC"]),
        CommentSetup(clause: .with, withWords: ["Internet", "Mail", "Service"], tls: TLSInfo(raw: "TLS")),
        CommentSetup(clause: .id), CommentSetup(clause: .recipients), CommentSetup(clause: .via),
        CommentSetup(clause: .envelopeFrom, tls: TLSInfo(raw: "TLS")),
    ]

    /// Reads the comment token over all of `b` (parentheses included) with `commentToken`, or
    /// with `comment` on its text when `reference`: the header and the state afterwards.
    func read(_ b: UnsafeBufferPointer<UInt8>, reference: Bool) -> String {
        var state = StampState(bytes: b)
        state.clause = clause
        state.sawFrom = sawFrom
        state.withList = WordList(withWords)
        state.withClosedByComment = withClosedByComment
        state.productWords = productWords
        state.byAddress = byAddress
        var h = ReceivedHeader(raw: "")
        h.tls = tls
        let z = max(1, b.count - 1)
        if reference {
            state.comment(state.text(1, z), 1..<z, into: &h)
        } else {
            state.commentToken(ReceivedToken(kind: .comment, start: 0, end: b.count), into: &h)
        }
        return
            "\(h) \(state.from) \(String(describing: state.byAddress)) \(state.tlsFromComment) "
            + "\(state.withClosedByComment) \(String(describing: state.productWords)) \(state.sawFrom)"
    }
}

@Test func commentsReadFromBytesAnswerAsTheCommentRoutine() {
    var mismatches: [String] = []
    var inputs = generated(commentPieces, count: 6000, maxPieces: 4, seed: 0xC033)
    inputs += ["", " ", "tls " + String(repeating: "x", count: 600), String(repeating: "(Postfix) ", count: 200)]
    var bodies = inputs.map { Array($0.utf8) }
    // Invalid UTF-8 among the usual comments' bytes.
    bodies += invalidUTF8(commentPieces, count: 3000, maxPieces: 5, seed: 0xC034)
    for body in bodies {
        let bytes = [UInt8(ascii: "(")] + body + [UInt8(ascii: ")")]
        bytes.withUnsafeBufferPointer { b in
            for setup in CommentSetup.all where setup.read(b, reference: false) != setup.read(b, reference: true) {
                mismatches.append("\(setup.clause) \(String(decoding: body, as: UTF8.self).debugDescription)")
            }
        }
    }
    #expect(mismatches.isEmpty, "\(mismatches.prefix(20))")
}

@Test func anglesStrippedOnBytesAnswerAsByCharacter() {
    let pieces =
        ["<", ">", "<>", "a@b.example", "id123", " ", "\t", "\u{B}", "\u{C}", "<\u{301}", ">\u{301}"] + hostile
    var inputs = generated(pieces, count: 30_000, maxPieces: 6, seed: 0xA791)
    inputs += ["", "<", ">", "<>", " < x > ", String(repeating: "<a>", count: 2000)]
    let state = StampState(bytes: UnsafeBufferPointer(start: nil, count: 0))
    var mismatches: [String] = []
    for s in inputs {
        let reference = String(StampState.withoutAngles(s.trimmedSpaces))
        if state.stripAngles(s) != reference { mismatches.append("string \(s.debugDescription)") }
        // A part of a larger text, cut at a character boundary.
        let whole = "x " + s
        let part = whole[whole.index(whole.startIndex, offsetBy: 2)...]
        if state.stripAngles(part) != String(StampState.withoutAngles(String(part).trimmedSpaces)) {
            mismatches.append("part \(s.debugDescription)")
        }
    }
    #expect(mismatches.isEmpty, "\(mismatches.prefix(20))")
    #expect(state.stripAngles(" <a@b.example> ") == "a@b.example")
}
