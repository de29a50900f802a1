import Testing

@testable import HopTraceAuth

struct DKIMParserTests {
    static func field(_ s: String) -> [UInt8] { Array(("DKIM-Signature: " + s).utf8) }

    static let good =
        "v=1; a=rsa-sha256; c=relaxed/simple; d=example.com; s=sel; t=100; x=200; l=42;\r\n h=From : To:\r\n\tSubject; i=joe@sub.example.com; bh=AAAA; b=AA\r\n AA; foo=bar"

    @Test("a full signature parses, unknown tags kept")
    func parsesAll() throws {
        let s = try DKIMSignatureParser.parse(field: Self.field(Self.good))
        #expect(s.algorithm == .rsaSHA256)
        #expect(s.headerCanonicalization == .relaxed && s.bodyCanonicalization == .simple)
        #expect(s.domain == "example.com" && s.selector == "sel")
        #expect(s.signedHeaders == ["From", "To", "Subject"])
        #expect(s.timestamp == 100 && s.expiration == 200 && s.bodyLength == 42)
        #expect(s.identity == "joe@sub.example.com")
        #expect(s.signature == [0, 0, 0])
        #expect(s.tags.last?.name == "foo")
        #expect(s.keyName == "sel._domainkey.example.com")
        // b= emptied keeps everything else byte for byte.
        let emptied = String(decoding: s.rawWithEmptySignature, as: UTF8.self)
        #expect(emptied.hasSuffix("bh=AAAA; b=; foo=bar"))
    }

    @Test("c= defaults: absent → simple/simple; one word → that/simple")
    func canonDefaults() throws {
        let none = try DKIMSignatureParser.parse(
            field: Self.field("v=1; a=rsa-sha256; d=a.b; s=s; h=from; bh=AAAA; b=AAAA"))
        #expect(none.headerCanonicalization == .simple && none.bodyCanonicalization == .simple)
        let one = try DKIMSignatureParser.parse(
            field: Self.field("v=1; a=rsa-sha256; c=relaxed; d=a.b; s=s; h=from; bh=AAAA; b=AAAA"))
        #expect(one.headerCanonicalization == .relaxed && one.bodyCanonicalization == .simple)
    }

    struct Bad: Sendable, CustomTestStringConvertible {
        var text: String
        var tag: String
        var kind: DKIMSyntaxError.Kind
        var testDescription: String { text }
    }

    static let bad: [Bad] = [
        Bad(text: "v=1; a=rsa-sha256; d=a.b; s=s; h=from; bh=AAAA", tag: "b", kind: .incomplete),
        Bad(text: "a=rsa-sha256; d=a.b; s=s; h=from; bh=AAAA; b=AAAA", tag: "v", kind: .incomplete),
        Bad(text: "v=2; a=rsa-sha256; d=a.b; s=s; h=from; bh=AAAA; b=AAAA", tag: "v", kind: .invalid),
        Bad(text: "v=1; v=1; a=rsa-sha256; d=a.b; s=s; h=from; bh=AAAA; b=AAAA", tag: "v", kind: .invalid),
        Bad(text: "v=1; a=rsa-sha256;; d=a.b; s=s; h=from; bh=AAAA; b=AAAA", tag: "", kind: .invalid),
        Bad(text: "v=1; a=rsa-sha256; d=a.b; s=s; h=from; bh=AAAA; b=AA*A", tag: "b", kind: .invalid),
        Bad(text: "v=1; a=rsa-sha256; d=a.b; s=s; h=to; bh=AAAA; b=AAAA", tag: "h", kind: .invalid),
        Bad(
            text: "v=1; a=rsa-sha256; d=a.b; s=s; h=from; bh=AAAA; b=AAAA; i=joe@other.example", tag: "i",
            kind: .invalid),
        Bad(text: "v=1; a=rsa-sha256; d=a.b; s=s; h=from; bh=AAAA; b=AAAA; t=20; x=10", tag: "x", kind: .invalid),
        Bad(text: "v=1; a=rsa-sha256; d=a.b; s=s; h=from; bh=AAAA; b=AAAA; t=12a", tag: "t", kind: .invalid),
        Bad(text: "v=1; a=rsa-sha256; c=fancy; d=a.b; s=s; h=from; bh=AAAA; b=AAAA", tag: "c", kind: .invalid),
        Bad(text: "v=1; a=rsa-sha256; d=a..b; s=s; h=from; bh=AAAA; b=AAAA", tag: "d", kind: .invalid),
        Bad(text: "v=1; a=rsa; d=a.b; s=s; h=from; bh=AAAA; b=AAAA", tag: "a", kind: .invalid),
        Bad(text: "v=1; 9a=x; a=rsa-sha256; d=a.b; s=s; h=from; bh=AAAA; b=AAAA", tag: "", kind: .invalid),
        Bad(
            text: "v=1; a=rsa-sha256; d=a.b; s=s; h=from; bh=AAAA; b=AAAA; q=http/well-known", tag: "q", kind: .invalid),
        Bad(text: "v=1; a", tag: "a", kind: .incomplete),
    ]

    @Test("syntax errors carry tag, kind and position", arguments: bad)
    func syntaxErrors(_ c: Bad) {
        do throws(DKIMSyntaxError) {
            _ = try DKIMSignatureParser.parse(field: Self.field(c.text))
            Issue.record("parsed: \(c.text)")
        } catch {
            #expect(error.tag == c.tag, "\(error)")
            #expect(error.kind == c.kind, "\(error)")
            #expect(error.offset >= 0 && error.offset <= Self.field(c.text).count)
        }
    }

    @Test("an error's offset points into the field")
    func offsets() {
        let text = "v=1; a=rsa-sha256; d=a.b; s=s; h=from; bh=AAAA; b=AA*A"
        do throws(DKIMSyntaxError) {
            _ = try DKIMSignatureParser.parse(field: Self.field(text))
        } catch {
            let f = Self.field(text)
            #expect(String(decoding: f[error.offset...], as: UTF8.self).hasPrefix("AA*A"))
        }
    }

    @Test("z= decodes DKIM-Quoted-Printable")
    func zTag() throws {
        let s = try DKIMSignatureParser.parse(
            field: Self.field(
                "v=1; a=rsa-sha256; d=a.b; s=s; h=from; bh=AAAA; b=AAAA; z=From:foo@eng.example.net|To:joe@example.com|\r\n Subject:demo=20run|Date:July=205,=202005=203:44:08=20PM=20-0700"
            ))
        #expect(s.copiedHeaders?.map(\.name) == ["From", "To", "Subject", "Date"])
        #expect(s.copiedHeaders?[2].value == "demo run")
        #expect(s.copiedHeaders?[3].value == "July 5, 2005 3:44:08 PM -0700")
    }

    struct KeyCase: Sendable, CustomTestStringConvertible {
        var text: String
        var ok: Bool
        var testDescription: String { text }
    }

    @Test(
        "key records",
        arguments: [
            KeyCase(text: "v=DKIM1; k=rsa; p=AAAA", ok: true),
            KeyCase(text: "p=AAAA", ok: true),
            KeyCase(text: "v=DKIM1; p=", ok: true),
            KeyCase(text: "v=DKIM1; k=ed25519; t=y:s; h=sha256; s=email; p=AA AA", ok: true),
            KeyCase(text: "k=rsa; v=DKIM1; p=AAAA", ok: false),
            KeyCase(text: "v=DKIM2; p=AAAA", ok: false),
            KeyCase(text: "v=DKIM1; k=rsa", ok: false),
            KeyCase(text: "v=DKIM1; k=rsa; p=@@@", ok: false),
            KeyCase(text: "v=DKIM1; k=rsa; omgwhatsgoingon", ok: false),
        ])
    func keyRecords(_ c: KeyCase) {
        let r = try? DKIMKeyRecordParser.parse(c.text)
        #expect((r != nil) == c.ok)
    }

    @Test("key record flags")
    func keyFlags() throws {
        let r = try DKIMKeyRecordParser.parse("v=DKIM1; k=ed25519; t=y:s; h=sha256; p=")
        #expect(r.isRevoked && r.isTesting && r.isStrict && r.keyType == "ed25519" && r.hashAlgorithms == ["sha256"])
    }
}

struct DKIMCanonicalizationTests {
    static func b(_ s: String) -> [UInt8] { Array(s.utf8) }

    @Test(
        "header canonicalisation",
        arguments: [
            ("Subject:  Hello \r\n\t World  ", DKIMCanonicalization.relaxed, "subject:Hello World\r\n"),
            ("SUBJECT \t:x", .relaxed, "subject:x\r\n"),
            ("Subject:  Hello \r\n\t World  ", .simple, "Subject:  Hello \r\n\t World  \r\n"),
            ("Subject:", .relaxed, "subject:\r\n"),
        ])
    func header(_ raw: String, _ c: DKIMCanonicalization, _ expected: String) {
        #expect(String(decoding: DKIMCanonicalizer.header(Self.b(raw), c), as: UTF8.self) == expected)
    }

    @Test(
        "body canonicalisation",
        arguments: [
            ("", DKIMCanonicalization.simple, "\r\n"),
            ("", .relaxed, ""),
            ("\r\n\r\n", .simple, "\r\n"),
            ("\r\n\r\n", .relaxed, ""),
            ("a  b \t\r\n\r\n\r\n", .relaxed, "a b\r\n"),
            ("a  b \t\r\n\r\n\r\n", .simple, "a  b \t\r\n"),
            ("line", .simple, "line\r\n"),
            ("line", .relaxed, "line\r\n"),
            (" C \r\nD \t E\r\n\r\n\r\n", .relaxed, " C\r\nD E\r\n"),
            ("a\n\nb\n", .simple, "a\r\n\r\nb\r\n"),
            ("a\r\n \r\nb", .relaxed, "a\r\n\r\nb\r\n"),
        ])
    func body(_ raw: String, _ c: DKIMCanonicalization, _ expected: String) {
        #expect(String(decoding: DKIMCanonicalizer.body(Self.b(raw), c), as: UTF8.self) == expected)
    }

    @Test("bare LF becomes CRLF; CRLF is left alone")
    func crlf() {
        #expect(DKIMCanonicalizer.crlf(Self.b("a\nb\r\nc\n")) == Self.b("a\r\nb\r\nc\r\n"))
    }

    @Test(
        "base64 with FWS",
        arguments: [
            ("AA\r\n AA", [UInt8]([0, 0, 0])), ("AAA=", [0, 0]), ("AA==", [0]), ("AAA", nil), ("A=AA", nil),
            ("AA*A", nil),
        ])
    func base64(_ s: String, _ expected: [UInt8]?) {
        #expect(DKIMBase64.decode(s) == expected)
    }
}
