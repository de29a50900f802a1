import HopTraceCore
import Testing

@testable import HopTraceMessage

@Suite struct MIMETests {
    @Test(arguments: [
        ("text/plain", "text/plain", [String: String]()),
        (
            "Multipart/Report; report-type=\"delivery-status\";\n\tboundary=\"=_abc 1\"", "multipart/report",
            ["report-type": "delivery-status", "boundary": "=_abc 1"]
        ),
        ("multipart/mixed; BOUNDARY=simple (a comment)", "multipart/mixed", ["boundary": "simple"]),
        ("application/octet-stream; name=\"a \\\"q\\\".eml\"", "application/octet-stream", ["name": "a \"q\".eml"]),
        // RFC 2231 continuations and charset.
        (
            "application/x-stuff; title*0*=us-ascii'en'This%20is%20even%20more%20; title*1*=%2A%2A%2Afun%2A%2A%2A%20; title*2=\"isn't it!\"",
            "application/x-stuff", ["title": "This is even more ***fun*** isn't it!"]
        ),
        ("message/rfc822; name*=UTF-8''R%C3%BCckl%C3%A4ufer.eml", "message/rfc822", ["name": "Rückläufer.eml"]),
        // Outlook writes unquoted names with spaces.
        ("application/octet-stream; name=My Original.eml", "application/octet-stream", ["name": "My Original.eml"]),
    ])
    func parsesContentType(_ text: String, _ media: String, _ params: [String: String]) throws {
        let t = try #require(MIMEContentType.parse(text))
        #expect(t.mediaType == media)
        #expect(t.parameters == params)
    }

    @Test(arguments: ["", "text", "/plain", "; charset=x"])
    func brokenContentTypeIsNil(_ text: String) {
        #expect(MIMEContentType.parse(text) == nil)
    }

    @Test(arguments: [
        ("SGVsbG8sIHdvcmxkIQ==", "Hello, world!"),
        ("SGVs\r\nbG8s IHdv\ncmxk IQ", "Hello, world!"),  // line breaks, spaces, missing padding
        ("SGk=SGk=", "HiHi"),  // concatenated padded chunks
    ])
    func decodesBase64(_ input: String, _ expected: String) {
        #expect(TransferEncoding.decodeBase64(ArraySlice(bytes(input))) == bytes(expected))
    }

    @Test(arguments: [
        ("caf=C3=A9", "café"),
        ("soft=\r\nbreak and=\nbare", "softbreak andbare"),
        ("trailing space soft = \r\nbreak", "trailing space soft break"),
        ("bad =ZZ and =4", "bad =ZZ and =4"),
        ("lower =c3=a9", "lower é"),
    ])
    func decodesQuotedPrintable(_ input: String, _ expected: String) {
        #expect(TransferEncoding.decodeQuotedPrintable(ArraySlice(bytes(input))) == bytes(expected))
    }

    static let nested = """
        From: a@example.org
        Content-Type: multipart/mixed; boundary="outer"

        preamble is ignored
        --outer
        Content-Type: multipart/alternative; boundary="outer-inner"

        --outer-inner
        Content-Type: text/plain

        plain
        --outer-inner
        Content-Type: text/html

        <p>html</p>
        --outer-inner--
        --outer
        Content-Type: message/rfc822

        From: b@example.net
        Content-Type: multipart/mixed; boundary=deep

        --deep
        Content-Type: text/plain

        inner text
        --deep
        Content-Type: image/png
        Content-Transfer-Encoding: base64

        iVBORw0KGgo=
        --deep--
        --outer
        Content-Type: text/plain

        last
        --outer--
        epilogue is ignored
        """

    @Test func partPathsFollowIMAP() throws {
        let (root, findings) = MIMEParser.parse(bytes(Self.nested))
        #expect(findings.isEmpty)
        var paths: [String] = []
        func visit(_ p: MIMEPart) {
            paths.append("\(p.path)\(p.isMessage ? "(msg)" : "") \(p.contentType.mediaType)")
            p.children.forEach(visit)
        }
        visit(root)
        #expect(
            paths == [
                "(msg) multipart/mixed",
                "1 multipart/alternative",
                "1.1 text/plain",
                "1.2 text/html",
                "2 message/rfc822",
                "2(msg) multipart/mixed",
                "2.1 text/plain",
                "2.2 image/png",
                "3 text/plain",
            ])
        let plain = root.children[0].children[0]
        #expect(plain.rawBody == ArraySlice(bytes("plain")))
        let html = root.children[0].children[1]
        #expect(html.rawBody == ArraySlice(bytes("<p>html</p>")))
        let png = root.children[1].children[0].children[1]
        #expect(png.decodedBody == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(root.children[2].rawBody == ArraySlice(bytes("last")))
    }

    @Test func boundaryThatNeverClosesRunsToEnd() {
        let input = bytes(
            "Content-Type: multipart/mixed; boundary=b\n\n--b\n\none\n--b\nContent-Type: text/plain\n\ntwo\nand more")
        let (root, _) = MIMEParser.parse(input)
        #expect(root.children.count == 2)
        #expect(root.children[0].rawBody == ArraySlice(bytes("one")))
        #expect(root.children[1].rawBody == ArraySlice(bytes("two\nand more")))
    }

    @Test func partWithoutHeaderOrEmptyLine() {
        let input = bytes(
            "Content-Type: multipart/mixed; boundary=b\n\n--b\nstraight into the body\nline two\n--b\n\nnormal\n--b--\n"
        )
        let (root, _) = MIMEParser.parse(input)
        #expect(
            root.children.map { Array($0.rawBody) } == [bytes("straight into the body\nline two"), bytes("normal")])
        #expect(root.children[0].headers.fields.isEmpty)
        #expect(root.children[0].contentType.mediaType == "text/plain")
    }

    @Test func crlfBoundariesAndDigestDefault() {
        let input = crlf(
            "Content-Type: multipart/digest; boundary=\"d\"\n\n--d\n\nFrom: x@example.org\nSubject: one\n\nbody\n--d--\n"
        )
        let (root, _) = MIMEParser.parse(input)
        #expect(root.children.count == 1)
        let part = root.children[0]
        // RFC 2046 §5.1.5: parts of a digest default to message/rfc822.
        #expect(part.contentType.mediaType == "message/rfc822")
        #expect(!part.hasContentType)
        #expect(part.encapsulatesMessage)
        #expect(part.children[0].headers.first("Subject")?.value == "one")
        #expect(part.children[0].rawBody == ArraySlice(bytes("body")))
    }

    @Test func mimePartLimitIsAFinding() {
        var s = "Content-Type: multipart/mixed; boundary=b\n\n"
        for _ in 0..<(Limits.maxMIMEParts + 100) { s += "--b\n\nx\n" }
        s += "--b--\n"
        let (root, findings) = MIMEParser.parse(bytes(s))
        #expect(root.children.count == Limits.maxMIMEParts - 1)
        #expect(findings.map(\.kind) == [.limitReached])
    }
}
