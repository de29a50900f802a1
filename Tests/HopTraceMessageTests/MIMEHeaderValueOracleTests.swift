import HopTraceCore
import HopTraceTestSupport
import Testing

@testable import HopTraceMessage

/// The byte parsers of MIME header values (`MIMEHeaderValue.parse`, `.token`,
/// `MIMEContentType.parse`) checked against `Reference`, a parser over a copied `[UInt8]` that
/// lower-cases with `lowercased()` and splits Strings by Character: the same grammar written
/// the plain way. Every case must give the same value and parameters.
@Suite struct MIMEHeaderValueOracleTests {
    /// Real-world and hostile values: RFC 2231 continuations and charsets, quoted-pairs, comments,
    /// unclosed quotes and comments, upper case, non-ASCII, empty parts.
    static let table: [String] = [
        "", " ", ";", "text/plain", "TEXT/PLAIN", "Text/Plain; Charset=\"UTF-8\"",
        "multipart/alternative; boundary=\"----=_Part_123_456.789\"",
        "Multipart/Report; report-type=\"delivery-status\";\n\tboundary=\"=_abc 1\"",
        "multipart/mixed; BOUNDARY=simple (a comment)", "multipart/mixed; boundary=\"simple\" (a comment)",
        "(comment) text/html ; charset = us-ascii (trailing)", "text/plain;charset=utf-8;format=flowed;delsp=yes",
        "application/octet-stream; name=\"a \\\"q\\\".eml\"", "application/octet-stream; name=\"back\\\\slash\"",
        "application/octet-stream; name=\"unclosed", "application/octet-stream; name=\"ends in backslash\\",
        "application/octet-stream; name=\"ends in \\\\\"", "text/plain; (unclosed comment", "(\\", "(a\\",
        "text/plain (\\", "text/plain; a=(\\", "((nested) comment) text/plain", "text/plain; a=b c (d) ; e=f",
        "application/octet-stream; name=Report (1).eml", "application/octet-stream; name=My Original.eml",
        "application/x-stuff; title*0*=us-ascii'en'This%20is%20even%20more%20; title*1*=%2A%2A%2Afun%2A%2A%2A%20; title*2=\"isn't it!\"",
        "message/rfc822; name*=UTF-8''R%C3%BCckl%C3%A4ufer.eml", "attachment; filename*=iso-8859-1''caf%E9.txt",
        "attachment; FILENAME*0=\"a\"; filename*1=\"b\"; Filename*2*=%41", "attachment; filename*=''%ZZ%4",
        "attachment; filename*=x", "attachment; filename*1=late; filename*0=early", "attachment; filename*x*=y",
        "attachment; filename=\"a.eml\"; filename=\"b.eml\"", "attachment; filename=; name=x", "attachment;;;=x",
        "inline; =value; novalue; other=1", "ATTACHMENT; FileName=\"Ünïcödé.eml\"", "TEXT/PLÄIN; Chärset=ÜTF-8",
        "téxt/plain", "text/ΣΑΣ", "İMAGE/PNG", "text/\u{212A}elvin", "text\u{0301}/plain", "text/\u{0301}plain",
        "text/plain\u{0301}; a=b", "/plain", "text/", "text", "text//plain", "a/b/c; x=y",
        "text/plain; charset=\"utf-8\"\r\n", "\ttext/plain;\r\n\tcharset=us-ascii", "base64", " Quoted-Printable ",
        "7BIT (comment)", "text/plain; name=\"\u{0}\u{1}\"; x=\u{7F}", "text/plain; a*=\"utf-8''%E2%82%AC\"",
        "text/plain; a*0*=utf-8'en'%E2%82; a*1*=%AC", "text/plain; a*=unknown-charset''%FF",
    ]

    @Test(arguments: table)
    func tableMatchesReference(_ text: String) {
        Self.check(text)
    }

    /// Values put together at random from the pieces the grammar cares about.
    @Test func generatedValuesMatchReference() {
        let pieces = [
            "text", "/", "plain", "TEXT", "Multipart", ";", " ", "\t", "\r\n\t", "=", "\"", "\\", "(", ")", "*", "0",
            "1", "*0*", "*1", "'", "%41", "%C3%BC", "%Z", "utf-8", "iso-8859-1", "charset", "name", "Name",
            "boundary", "é", "Σ", "\u{0301}", "\u{212A}", "İ", "ß", "x-ms-", ".eml", "\u{0}",
        ]
        var random = SplitMix64(state: 2231)
        for _ in 0..<20_000 {
            var text = ""
            for _ in 0..<Int(random.next() % 14) { text += pieces[Int(random.next() % UInt64(pieces.count))] }
            Self.check(text)
        }
    }

    static func check(_ text: String) {
        let expected = Reference.parse(text)
        let parsed = MIMEHeaderValue.parse(text)
        #expect(parsed.value == expected.value, "value of \(text.debugDescription)")
        #expect(parsed.parameters == expected.parameters, "parameters of \(text.debugDescription)")
        #expect(MIMEHeaderValue.token(text) == expected.value, "token of \(text.debugDescription)")
        let type = MIMEContentType.parse(text)
        let expectedType = Reference.contentType(text)
        #expect(type == expectedType, "content type of \(text.debugDescription)")
        if let type {
            #expect(type.mediaType == "\(type.type)/\(type.subtype)")
            #expect(type.is(type.type, type.subtype))
        }
    }

    @Test(arguments: [
        ("Undeliverable: hello", true), ("UNDELIVERABLE:x", true), ("undeliverable:", true),
        ("Undeliverable", false), ("Undeliverable :", false), (" Undeliverable:", false), ("", false),
        ("UNDELİVERABLE: x", false), ("Undeliverable:\u{0301}", false), ("Ündeliverable:", false),
    ])
    func undeliverablePrefix(_ subject: String, _ expected: Bool) {
        // The byte test may pass where the exact one does not (a combining mark after the colon),
        // never the other way round.
        let exact = subject.lowercased().hasPrefix("undeliverable:")
        #expect(exact == expected)
        if exact { #expect(MessageIntake.startsUndeliverable(subject)) }
    }

    @Test(arguments: [
        ("Subject: Undeliverable: x\nX-MS-Has-Attach: yes\n", MessageIntake.exchangeNDR),
        ("Subject: UNDELIVERABLE: x\nx-ms-exchange-foo: 1\n", MessageIntake.exchangeNDR),
        ("Subject: Undeliverable:\u{0301} x\nX-MS-Has-Attach: yes\n", nil),
        ("Subject: Undeliverable: x\nX-Other: yes\n", nil), ("Subject: Delivered\nX-MS-Has-Attach: yes\n", nil),
    ])
    func exchangeSubjectRule(_ header: String, _ kind: String?) {
        let head = HeaderParser.parseBlock(bytes("From: a@example.org\n" + header + "\n"), in: 0..<4096)
        #expect(MessageIntake.reportKind(head.block, reportType: nil, pasted: false) == kind)
    }

    @Test func contentTypeEndingInCommentBackslashIsRead() throws {
        let r = try MessageIntake.read(bytes("From: a@example.org\nContent-Type: (\\\n\nbody\n"))
        #expect(r.mime?.hasContentType == false)
        #expect(r.mime?.contentType == .textPlain)
    }
}

/// The plain parser the byte parsers are checked against.
private enum Reference {
    static func contentType(_ text: String) -> MIMEContentType? {
        let v = parse(text)
        guard let slash = v.value.firstIndex(of: "/") else { return nil }
        let type = String(v.value[..<slash])
        let subtype = String(v.value[v.value.index(after: slash)...])
        guard !type.isEmpty, !subtype.isEmpty else { return nil }
        return MIMEContentType(type: type, subtype: subtype, parameters: v.parameters)
    }

    static func parse(_ text: String) -> MIMEHeaderValue {
        let b = Array(text.utf8)
        var i = 0
        skipCFWS(b, &i)
        let valueStart = i
        while i < b.count, b[i] != UInt8(ascii: ";"), !isSpace(b[i]), b[i] != UInt8(ascii: "(") { i += 1 }
        let value = String(decoding: b[valueStart..<i], as: UTF8.self).lowercased()
        var simple: [String: String] = [:]
        var extended: [String: [(Int, Bool, String)]] = [:]
        while i < b.count {
            skipCFWS(b, &i)
            while i < b.count, b[i] == UInt8(ascii: ";") || isSpace(b[i]) { i += 1 }
            skipCFWS(b, &i)
            guard i < b.count else { break }
            let nameStart = i
            while i < b.count, b[i] != UInt8(ascii: "="), b[i] != UInt8(ascii: ";"), !isSpace(b[i]) { i += 1 }
            let name = String(decoding: b[nameStart..<i], as: UTF8.self).lowercased()
            skipCFWS(b, &i)
            guard i < b.count, b[i] == UInt8(ascii: "=") else {
                while i < b.count, b[i] != UInt8(ascii: ";") { i += 1 }
                continue
            }
            i += 1
            skipCFWS(b, &i)
            var raw = ""
            if i < b.count, b[i] == UInt8(ascii: "\"") {
                i += 1
                var bytes: [UInt8] = []
                while i < b.count, b[i] != UInt8(ascii: "\"") {
                    if b[i] == UInt8(ascii: "\\"), i + 1 < b.count { i += 1 }
                    bytes.append(b[i])
                    i += 1
                }
                if i < b.count { i += 1 }
                raw = String(decoding: bytes, as: UTF8.self)
            } else {
                let s = i
                while i < b.count, b[i] != UInt8(ascii: ";") { i += 1 }
                var e = i
                while e > s, isSpace(b[e - 1]) { e -= 1 }
                if e > s, b[e - 1] == UInt8(ascii: ")"),
                    let open = b[s..<e].lastIndex(of: UInt8(ascii: "(")), open > s, isSpace(b[open - 1])
                {
                    e = open
                    while e > s, isSpace(b[e - 1]) { e -= 1 }
                }
                raw = String(decoding: b[s..<e], as: UTF8.self)
            }
            if name.isEmpty { continue }
            if let star = name.firstIndex(of: "*") {
                let base = String(name[..<star])
                var rest = name[name.index(after: star)...]
                let isExtended = rest.hasSuffix("*") || rest.isEmpty
                if rest.hasSuffix("*") { rest = rest.dropLast() }
                extended[base, default: []].append((Int(rest) ?? 0, isExtended, raw))
            } else if simple[name] == nil {
                simple[name] = raw
            }
        }
        for (name, sections) in extended {
            simple[name] = joinRFC2231(sections.sorted { $0.0 < $1.0 })
        }
        return MIMEHeaderValue(value: value, parameters: simple)
    }

    static func joinRFC2231(_ sections: [(Int, Bool, String)]) -> String {
        var bytes: [UInt8] = []
        var charset = "utf-8"
        for (index, (_, isExtended, raw)) in sections.enumerated() {
            var text = Substring(raw)
            if isExtended {
                if index == 0 {
                    let parts = text.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
                    if parts.count == 3 {
                        if !parts[0].isEmpty { charset = String(parts[0]) }
                        text = parts[2]
                    }
                }
                let p = Array(text.utf8)
                var k = 0
                while k < p.count {
                    if p[k] == UInt8(ascii: "%"), k + 2 < p.count,
                        let hi = TransferEncoding.hexValue(p[k + 1]), let lo = TransferEncoding.hexValue(p[k + 2])
                    {
                        bytes.append(hi << 4 | lo)
                        k += 3
                    } else {
                        bytes.append(p[k])
                        k += 1
                    }
                }
            } else {
                bytes += Array(text.utf8)
            }
        }
        return TextDecoding.decode(bytes, charset: charset) ?? TextDecoding.lenientUTF8(bytes)
    }

    static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A }

    /// RFC 5322 comments, nested, with quoted-pairs; a backslash at the very end ends the text.
    static func skipCFWS(_ b: [UInt8], _ i: inout Int) {
        while i < b.count {
            if isSpace(b[i]) {
                i += 1
            } else if b[i] == UInt8(ascii: "(") {
                var depth = 0
                while i < b.count {
                    if b[i] == UInt8(ascii: "\\") {
                        i = min(i + 2, b.count)
                        continue
                    }
                    if b[i] == UInt8(ascii: "(") { depth += 1 }
                    if b[i] == UInt8(ascii: ")") {
                        depth -= 1
                        if depth == 0 {
                            i += 1
                            break
                        }
                    }
                    i += 1
                }
            } else {
                return
            }
        }
    }
}

/// `TextDecoding.lenientUTF8` against the rule it follows, worked out another way: where a whole
/// UTF-8 scalar starts (one to four bytes that are valid UTF-8 on their own) it is taken, any
/// other byte stands for its Latin-1 character.
@Suite struct LenientUTF8OracleTests {
    static func reference(_ bytes: [UInt8]) -> String {
        var out = ""
        var i = 0
        while i < bytes.count {
            let scalar = (1...4).lazy.compactMap { k -> (String, Int)? in
                guard i + k <= bytes.count, let s = String(validating: bytes[i..<(i + k)], as: UTF8.self),
                    s.unicodeScalars.count == 1
                else { return nil }
                return (s, k)
            }.first
            if let (s, k) = scalar {
                out += s
                i += k
            } else {
                out.unicodeScalars.append(Unicode.Scalar(bytes[i]))
                i += 1
            }
        }
        return out
    }

    @Test(arguments: [
        [], bytes("plain ascii"), bytes("Grüße €"), [0xE9, 0x74, 0xE9], [0xED, 0xA0, 0x80], [0xC0, 0xAF],
        [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0xF0, 0x9F, 0x98, 0x80], [0xFF, 0xFE, 0x41], [0x00, 0x7F, 0x80],
    ])
    func knownBytes(_ input: [UInt8]) {
        #expect(TextDecoding.lenientUTF8(input) == Self.reference(input))
        #expect(Array(TextDecoding.lenientUTF8(input).utf8) == Array(Self.reference(input).utf8))
    }

    @Test func generatedBytes() {
        // Bytes drawn mostly from the lead and continuation ranges, so that valid and broken
        // sequences of every length occur.
        let pool: [UInt8] = [
            0x41, 0x20, 0x7F, 0x80, 0x8F, 0xA0, 0xBF, 0xC2, 0xC0, 0xDF, 0xE0, 0xE2, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF,
        ]
        var random = SplitMix64(state: 3629)
        for _ in 0..<20_000 {
            let input = (0..<Int(random.next() % 12)).map { _ in pool[Int(random.next() % UInt64(pool.count))] }
            #expect(Array(TextDecoding.lenientUTF8(input).utf8) == Array(Self.reference(input).utf8), "\(input)")
        }
    }
}

/// The bounce marker test against its plain form: the stripped line lower-cased as a String
/// and compared with each marker text.
@Suite struct BounceMarkerOracleTests {
    static func reference(_ line: [UInt8]) -> String? {
        func strippable(_ b: UInt8) -> Bool {
            b == 0x20 || b == 0x09 || b == 0x0D || b == UInt8(ascii: "-") || b == UInt8(ascii: ":")
                || b == UInt8(ascii: ".")
        }
        var s = 0
        var e = line.count
        while s < e, strippable(line[s]) { s += 1 }
        while e > s, strippable(line[e - 1]) { e -= 1 }
        guard e - s >= 16, e - s <= 100 else { return nil }
        let text = String(decoding: line[s..<e].map { ASCIIFold.lower($0) }, as: UTF8.self)
        return EmbeddedCollector.markers.first { $0.text == text }?.text
    }

    static var lines: [String] {
        var lines = EmbeddedCollector.markers.flatMap { m in
            [
                m.text, m.text.uppercased(), "----- \(m.text.prefix(1).uppercased() + m.text.dropFirst()) -----",
                " \t:\(m.text).\r", m.text + " x",
                String(m.text.dropLast()), m.text.replacingOccurrences(of: "e", with: "é"),
                m.text.replacingOccurrences(of: "o", with: "o\u{0301}"), m.text + "\u{0301}",
                m.text.replacingOccurrences(of: " ", with: "\u{00A0}"),
            ]
        }
        lines += [
            "", "short", "-----Original Message-----", "This is a copy of the message, including all the headers.",
        ]
        lines.append(String(repeating: "original message ", count: 10))
        return lines
    }

    @Test func markersMatchReference() {
        for line in Self.lines {
            let b = bytes(line)
            let found = b.withUnsafeBufferPointer { EmbeddedCollector.marker($0, from: 0, to: $0.count) }
            #expect(found?.text == Self.reference(b), "\(line.debugDescription)")
        }
    }
}
