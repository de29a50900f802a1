import HopTraceCore
import Testing

@testable import HopTraceMessage

/// Every form in which a bounce carries the original message's header, one realistic bounce
/// each (written for these tests, after what each MTA sends), and the forms that remain unread.
@Suite struct BounceFormTests {
    /// A bounce whose text body holds `text`.
    static func plainBounce(_ text: String, from: String = "MAILER-DAEMON@mx.example.net") -> [UInt8] {
        bytes(
            """
            Return-Path: <>
            Received: from localhost by mx.example.net; Sat, 20 Aug 2016 09:20:00 +0000
            From: \(from)
            To: alice@example.org
            Subject: Undelivered mail returned to sender
            Date: Sat, 20 Aug 2016 09:20:00 +0000

            \(text)
            """)
    }

    /// The separator lines of the table, as each MTA writes them, with its surroundings.
    @Test(arguments: [
        // DragonFly Mail Agent (dma): the error, then the original's header.
        (
            "This is the DragonFly Mail Agent at mx.example.net.\n\nThere was an error delivering your mail to <bob@example.net>.\n\nmx.example.net [203.0.113.9] said: 550 5.1.1 unknown user\n\nMessage headers follow.\n\n",
            "DragonFly"
        ),
        // sendmail 8.6-era bounces.
        (
            "   ----- Transcript of session follows -----\n550 bob@example.net... User unknown\n\n   ----- Unsent message follows -----\n",
            "old sendmail"
        ),
        // OpenSMTPD.
        (
            "Hi!\n\nThis is the MAILER-DAEMON, please DO NOT REPLY to this email.\n\nAn error has occurred while attempting to deliver a message for\nthe following list of recipients:\n\nbob@example.net: 550 5.1.1 unknown user\n\nBelow is a copy of the original message:\n\n",
            "OpenSMTPD"
        ),
        // GMX.
        (
            "Delivery to the following recipient failed permanently:\n\n    bob@example.net\n\n--- The header of the original message is following. ---\n\n",
            "GMX"
        ),
        // Lotus Notes / Domino.
        (
            "Your message\n\n  Subject: Quarterly numbers\n\nwas not delivered to:\n\n  bob@example.net\n\nbecause:\n\n  User bob (bob@example.net) not listed in Domino Directory\n\n------- Returned Message --------\n",
            "Lotus Notes"
        ),
        // An unknown separator: the general rule.
        ("Delivery failed.\n\n=== Kopie der Kopfzeilen ===\n", "unknown separator"),
        // No separator at all: the header block right after the explanation.
        ("Delivery failed for bob@example.net: mailbox full.\n", "no separator"),
    ])
    func afterASeparatorLine(_ text: String, _ form: String) throws {
        let r = try MessageIntake.read(Self.plainBounce(text + originalHeaders + "\n\nHello Bob,\nthe numbers.\n"))
        #expect(r.embedded == ["1 pasted-in-body"], "\(form)")
        #expect(r.chains[1].headers.first("Message-ID")?.value == "<orig-1@example.org>", "\(form)")
        #expect(r.chains[1].headers.fields(named: "Received").count == 2, "\(form)")
        #expect(r.reportKind == MessageIntake.pastedBounce, "\(form)")
    }

    /// An original inside a quoted-printable text part (Exchange and many webmail bounces) and a
    /// base64 one.
    @Test(arguments: ["quoted-printable", "base64"])
    func insideATransferEncodedTextPart(_ encoding: String) throws {
        let text =
            "Your message could not be delivered.\n\n"
            + originalHeaders.replacingOccurrences(
                of: "Subject: Quarterly numbers", with: "Subject: =?utf-8?q?Quartalszahlen_f=C3=BCr_Q3?=")
            + "\n\nbody\n"
        let encoded: String
        if encoding == "base64" {
            encoded = base64(Array(text.utf8))
        } else {
            // "=" written as "=3D", long Received lines broken with soft line breaks.
            encoded = text.replacingOccurrences(of: "=", with: "=3D")
                .replacingOccurrences(of: "with ESMTPS id 4F2A1;", with: "with ESMTPS =\nid 4F2A1;")
        }
        let input = bytes(
            """
            From: postmaster@example.net
            To: alice@example.org
            Subject: Undeliverable: Quarterly numbers
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="b1"

            --b1
            Content-Type: text/plain; charset=utf-8
            Content-Transfer-Encoding: \(encoding)

            \(encoded)
            --b1--

            """)
        let r = try MessageIntake.read(input)
        #expect(r.embedded == ["1 pasted-in-body"])
        #expect(r.chains[1].headers.fields(named: "Received").count == 2)
        #expect(r.chains[1].headers.first("Received")?.value.contains("id 4F2A1;") == true)
    }

    /// A bounce forwarded by the user to the help desk: the outer message attaches the bounce,
    /// whose text pastes the original.
    @Test func aBounceForwardedInsideAnotherMessage() throws {
        let bounce = String(
            decoding: Self.plainBounce(
                "Below this line is a copy of the message.\n\n" + originalHeaders + "\n\nbody\n"), as: UTF8.self)
        let input = bytes(
            """
            From: Alice <alice@example.org>
            To: helpdesk@example.org
            Subject: Fwd: Undelivered mail returned to sender
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="fw"

            --fw
            Content-Type: text/plain

            Why did this bounce?

            --fw
            Content-Type: message/rfc822

            \(bounce)
            --fw--

            """)
        let r = try MessageIntake.read(input)
        // The bounce itself, then the original pasted in its text.
        #expect(r.embedded == ["2 message/rfc822", "2 pasted-in-body"])
        #expect(r.chains[2].headers.first("Message-ID")?.value == "<orig-1@example.org>")
        // The outer message is a forward, not a bounce.
        #expect(r.reportKind == nil)
    }

    /// RFC 2046 §5.2.2: the first fragment of a message/partial holds the original's header.
    @Test(arguments: [false, true])
    func inAMessagePartialFragment(_ whole: Bool) throws {
        let input: [UInt8]
        if whole {
            input = bytes(
                """
                From: MAILER-DAEMON@mx.example.net
                To: alice@example.org
                Subject: Returned mail (part 1 of 2)
                MIME-Version: 1.0
                Content-Type: message/partial; id="frag-7@mx.example.net"; number=1; total=2

                \(originalHeaders)
                MIME-Version: 1.0

                first half of the body

                """)
        } else {
            input = bytes(
                """
                From: MAILER-DAEMON@mx.example.net
                To: alice@example.org
                Subject: Returned mail
                MIME-Version: 1.0
                Content-Type: multipart/mixed; boundary="p"

                --p
                Content-Type: text/plain

                The message was too large; its first fragment is attached.

                --p
                Content-Type: message/partial; id="frag-7@mx.example.net"; number=1; total=2

                \(originalHeaders)

                first half
                --p--

                """)
        }
        let r = try MessageIntake.read(input)
        #expect(r.embedded == [whole ? "1 message/partial" : "2 message/partial"])
        #expect(r.chains[1].headers.first("Message-ID")?.value == "<orig-1@example.org>")
    }

    /// A multipart bounce whose Content-Type lost its boundary parameter (or never declared
    /// multipart): the boundary lines and the part header stand in the text, the original
    /// after them.
    @Test func afterABareBoundary() throws {
        let input = bytes(
            """
            From: MAILER-DAEMON@mx.example.net
            To: alice@example.org
            Subject: failure notice
            Content-Type: text/plain

            --0016e6d99a2c
            Content-Type: text/plain

            Delivery to bob@example.net failed.

            --0016e6d99a2c
            Content-Type: message/rfc822

            \(originalHeaders)

            body
            --0016e6d99a2c--

            """)
        let r = try MessageIntake.read(input)
        #expect(r.embedded == ["1 pasted-in-body"])
        #expect(r.chains[1].headers.first("Message-ID")?.value == "<orig-1@example.org>")
        #expect(r.chains[1].headers.fields(named: "Received").count == 2)
    }

    /// A DSN that attaches the header and also quotes it in its text gives one chain, not two.
    @Test func aHeaderBothAttachedAndQuotedIsOneChain() throws {
        let text = IntakeTests.dsnRFC822Headers.replacingOccurrences(
            of: "be delivered to one or more recipients.\n",
            with: "be delivered to one or more recipients.\n\n" + originalHeaders + "\n")
        let r = try MessageIntake.read(bytes(text))
        #expect(r.embedded == ["3 text/rfc822-headers"])
    }

    /// Two bounces pasted in one text (a digest of failures): both originals.
    @Test func everyBlockOfAPartIsRead() throws {
        let second = originalHeaders.replacingOccurrences(of: "orig-1@", with: "orig-2@")
            .replacingOccurrences(of: "id 4F2A1", with: "id 4F2A2")
        let r = try MessageIntake.read(
            Self.plainBounce("First failure:\n\n" + originalHeaders + "\n\nSecond failure:\n\n" + second + "\n"))
        #expect(
            r.chains.dropFirst().compactMap { $0.headers.first("Message-ID")?.value } == [
                "<orig-1@example.org>", "<orig-2@example.org>",
            ])
    }

    /// The forms that remain unread, and why:
    /// - a header quoted with "> " (a bounce pasted into a reply): the quoted lines are the
    ///   sender's text, and taking them would read every quoted conversation as a message;
    /// - a block with no Received field (a bounce that copies only From/To/Subject): it carries
    ///   no hop, so there is no chain to read;
    /// - a header in a text/html part only: the lines are markup, not header lines;
    /// - an ordinary message whose text mentions header fields (an inline forward's
    ///   From/Sent/To/Subject) is not a bounce.
    @Test(arguments: [
        originalHeaders.split(separator: "\n", omittingEmptySubsequences: false).map { "> " + $0 }.joined(
            separator: "\n"),
        "From: Alice <alice@example.org>\nTo: bob@example.net\nSubject: Quarterly numbers\nMessage-ID: <orig-1@example.org>",
        "---------- Forwarded message ---------\nFrom: Alice <alice@example.org>\nDate: Sat, 20 Aug 2016\nSubject: Quarterly numbers\nTo: bob@example.net",
    ])
    func formsThatRemain(_ text: String) throws {
        let r = try MessageIntake.read(Self.plainBounce("Delivery failed.\n\n" + text + "\n\nbody\n"))
        #expect(r.embedded.isEmpty)
    }

    @Test func htmlOnlyBounceRemainsUnread() throws {
        let input = bytes(
            """
            From: MAILER-DAEMON@mx.example.net
            Subject: Undeliverable
            Content-Type: text/html

            <p>Delivery failed.</p><pre>
            \(originalHeaders)
            </pre>

            """)
        #expect(try MessageIntake.read(input).embedded.isEmpty)
    }

    /// Hostile text parts: many blocks, one huge block, binary; each line is read once.
    @Test func hostileTextPartsAreBounded() throws {
        // 100,000 two-line header blocks with Received: at most `maxEmbeddedChains` are taken.
        var many = ""
        for n in 0..<100_000 {
            many += "Received: from h\(n) by mx; Sat, 20 Aug 2016 09:14:02 +0000\nSubject: \(n)\n\n"
        }
        let r = try MessageIntake.read(Self.plainBounce(many))
        #expect(r.chains.count == 1 + Limits.maxEmbeddedChains)
        // 200,000 field lines that never make an original.
        let fields = String(repeating: "X-Noise: 1\n", count: 200_000)
        #expect(try MessageIntake.read(Self.plainBounce(fields)).embedded.isEmpty)
        // Binary.
        var garbage: [UInt8] = []
        var seed: UInt32 = 7
        for _ in 0..<1_000_000 {
            seed = seed &* 1_103_515_245 &+ 12_345
            garbage.append(UInt8(truncatingIfNeeded: seed >> 16))
        }
        _ = try MessageIntake.read(Self.plainBounce("x") + garbage)
    }

    private func base64(_ data: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var out = ""
        var i = 0
        while i < data.count {
            let b0 = Int(data[i])
            let b1 = i + 1 < data.count ? Int(data[i + 1]) : 0
            let b2 = i + 2 < data.count ? Int(data[i + 2]) : 0
            out.append(alphabet[b0 >> 2])
            out.append(alphabet[(b0 & 3) << 4 | b1 >> 4])
            out.append(i + 1 < data.count ? alphabet[(b1 & 15) << 2 | b2 >> 6] : "=")
            out.append(i + 2 < data.count ? alphabet[b2 & 63] : "=")
            i += 3
            if i % 57 == 0 { out.append("\n") }
        }
        return out
    }
}

/// Files saved on classic Mac OS end their lines in CR alone; files edited on several systems
/// mix CR, LF and CRLF. Both are read as lines.
@Suite struct LineBreakTests {
    static let message = """
        Received: from mx.example.net (mx.example.net [203.0.113.9])
        \tby inbound.example.org with ESMTP id AA1;
        \tSat, 20 Aug 2016 09:14:03 +0000
        \(originalHeaders)

        body
        """

    @Test func crOnlyLinesGiveEveryHop() throws {
        let r = try MessageIntake.read(bytes(Self.message.replacingOccurrences(of: "\n", with: "\r")))
        #expect(r.chains[0].headers.fields(named: "Received").count == 3)
        #expect(r.chains[0].headers.first("Subject")?.value == "Quarterly numbers")
        #expect(r.chains[0].body.map { Array($0) } == bytes("body"))
    }

    @Test func mixedLineBreaksAreLines() throws {
        var text = ""
        for (n, line) in Self.message.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            text += line + ["\r", "\n", "\r\n"][n % 3]
        }
        let r = try MessageIntake.read(bytes(text))
        #expect(r.chains[0].headers.fields(named: "Received").count == 3)
        #expect(r.chains[0].headers.first("Message-ID")?.value == "<orig-1@example.org>")
    }

    /// CR runs before an LF ("\r\r\n", a CRLF conversion applied twice) stay one line break.
    @Test func doubledCRBeforeLFStaysOneLineBreak() {
        #expect(LineBreaks.normalised(bytes("a: 1\r\r\nb: 2\r\n\r\n")) == bytes("a: 1\r\r\nb: 2\r\n\r\n"))
        #expect(LineBreaks.normalised(bytes("a: 1\rb: 2\r\rbody\r")) == bytes("a: 1\nb: 2\n\nbody\n"))
    }
}
