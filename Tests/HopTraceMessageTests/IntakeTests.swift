import HopTraceCore
import Testing

@testable import HopTraceMessage

/// Each way an original message hides inside another, as real software writes it.
@Suite struct IntakeTests {
    static let dsnRFC822Headers = """
        From: MAILER-DAEMON@mx.example.net (Mail Delivery System)
        Subject: Undelivered Mail Returned to Sender
        To: alice@example.org
        Content-Type: multipart/report; report-type=delivery-status;
        \tboundary="4F2A1.1471684442/mx.example.net"

        This is a MIME-encapsulated message.

        --4F2A1.1471684442/mx.example.net
        Content-Description: Notification
        Content-Type: text/plain; charset=us-ascii

        I'm sorry to have to inform you that your message could not
        be delivered to one or more recipients.

        --4F2A1.1471684442/mx.example.net
        Content-Description: Delivery report
        Content-Type: message/delivery-status

        Reporting-MTA: dns; mx.example.net
        Final-Recipient: rfc822; bob@example.net
        Action: failed
        Status: 5.1.1

        --4F2A1.1471684442/mx.example.net
        Content-Description: Undelivered Message Headers
        Content-Type: text/rfc822-headers

        \(originalHeaders)

        --4F2A1.1471684442/mx.example.net--

        """

    static let dsnMessageRFC822 = """
        From: Mail Delivery Subsystem <MAILER-DAEMON@relay.example.com>
        Subject: Returned mail: see transcript for details
        Content-Type: multipart/report; report-type="delivery-status"; boundary="RAA14128.773615765/relay.example.com"

        --RAA14128.773615765/relay.example.com
        Content-Type: text/plain

        The original message was received at Sat, 20 Aug 2016 09:14:02 +0000
        --RAA14128.773615765/relay.example.com
        Content-Type: message/delivery-status

        Reporting-MTA: dns; relay.example.com

        Final-Recipient: rfc822; bob@example.net
        Action: failed
        Status: 5.0.0
        --RAA14128.773615765/relay.example.com
        Content-Type: message/rfc822

        \(originalHeaders)

        Hello Bob.
        --RAA14128.773615765/relay.example.com--
        """

    static let mdn = """
        From: Bob <bob@example.net>
        To: alice@example.org
        Subject: Read: Quarterly numbers
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=disposition-notification; boundary="mdn-1"

        --mdn-1
        Content-Type: text/plain; charset=utf-8

        Your message was displayed.
        --mdn-1
        Content-Type: message/disposition-notification

        Reporting-UA: bob.example.net; Thunderbird
        Final-Recipient: rfc822;bob@example.net
        Original-Message-ID: <orig-1@example.org>
        Disposition: manual-action/MDN-sent-manually; displayed
        --mdn-1
        Content-Type: text/rfc822-headers

        \(originalHeaders)
        --mdn-1--
        """

    static let globalReport = """
        From: postmaster@example.net
        Subject: Delivery Status Notification (Failure)
        Content-Type: multipart/report; report-type=global-delivery-status; boundary=g

        --g
        Content-Type: text/plain

        failed
        --g
        Content-Type: message/global-delivery-status

        Reporting-MTA: dns; mx.example.net
        --g
        Content-Type: message/global

        Received: from mail.example.org by mx.example.net; Sat, 20 Aug 2016 09:14:02 +0000
        From: =?UTF-8?Q?J=C3=BCrgen?= <jürgen@bücher.example>
        Subject: Grüße

        body
        --g
        Content-Type: message/global-headers

        Received: from a.example by b.example; Sat, 20 Aug 2016 09:14:00 +0000
        Subject: Grüße
        --g--
        """

    // Exchange attaches the original as an octet-stream .eml, base64-encoded.
    static let exchangeNDR: String = {
        let original = TransferEncoding.encodeBase64ForTests(bytes(originalHeaders + "\n\nHello Bob.\n"))
        return """
            From: Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@contoso.com>
            To: alice@example.org
            Subject: Undeliverable: Quarterly numbers
            X-MS-Exchange-Message-Is-Ndr:
            Content-Type: multipart/mixed; boundary="_000_ndr_"

            --_000_ndr_
            Content-Type: text/plain; charset="us-ascii"

            Delivery has failed to these recipients or groups:
            --_000_ndr_
            Content-Type: application/octet-stream; name="Quarterly numbers.eml"
            Content-Disposition: attachment; filename="Quarterly numbers.eml"
            Content-Transfer-Encoding: base64

            \(original)
            --_000_ndr_--
            """
    }()

    static let base64MessageRFC822: String = {
        let original = TransferEncoding.encodeBase64ForTests(bytes(originalHeaders + "\n\nHello.\n"))
        return """
            From: forwarder@example.com
            Subject: Fwd: Quarterly numbers
            Content-Type: multipart/mixed; boundary=fw

            --fw
            Content-Type: text/plain

            see attached
            --fw
            Content-Type: message/rfc822
            Content-Transfer-Encoding: base64

            \(original)
            --fw--
            """
    }()

    static let qmail = """
        Return-Path: <>
        Received: (qmail 1234 invoked for bounce); 20 Aug 2016 09:14:05 -0000
        Date: 20 Aug 2016 09:14:05 -0000
        From: MAILER-DAEMON@mx.example.net
        To: alice@example.org
        Subject: failure notice

        Hi. This is the qmail-send program at mx.example.net.
        I'm afraid I wasn't able to deliver your message to the following addresses.
        This is a permanent error; I've given up. Sorry it didn't work out.

        <bob@example.net>:
        Sorry, no mailbox here by that name. (#5.1.1)

        --- Below this line is a copy of the message.

        \(originalHeaders)

        Hello Bob.
        """

    static let exim = """
        From: Mail Delivery System <Mailer-Daemon@mx.example.net>
        To: alice@example.org
        Subject: Mail delivery failed: returning message to sender
        Auto-Submitted: auto-replied

        This message was created automatically by mail delivery software.

        A message that you sent could not be delivered to one or more of its
        recipients. This is a permanent error. The following address(es) failed:

          bob@example.net
            retry timeout exceeded

        ------ This is a copy of the message, including all the headers. ------

        \(originalHeaders)

        Hello Bob.
        """

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var input: [UInt8]
        var embedded: [String]
        var reportKind: String?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "DSN with text/rfc822-headers (Postfix)", input: bytes(dsnRFC822Headers),
            embedded: ["3 text/rfc822-headers"], reportKind: "delivery-status report"),
        Case(
            name: "DSN with text/rfc822-headers, CRLF", input: crlf(dsnRFC822Headers),
            embedded: ["3 text/rfc822-headers"], reportKind: "delivery-status report"),
        Case(
            name: "DSN with message/rfc822 (sendmail)", input: crlf(dsnMessageRFC822),
            embedded: ["3 message/rfc822"], reportKind: "delivery-status report"),
        Case(
            name: "MDN read receipt", input: bytes(mdn),
            embedded: ["3 text/rfc822-headers"], reportKind: "disposition notification (read receipt)"),
        Case(
            name: "message/global and global-headers", input: bytes(globalReport),
            embedded: ["3 message/global", "4 message/global-headers"], reportKind: "delivery-status report"),
        Case(
            name: "Exchange NDR with base64 .eml attachment", input: crlf(exchangeNDR),
            embedded: ["2 attached-eml"], reportKind: "Exchange NDR"),
        Case(
            name: "base64 message/rfc822 (forwarder)", input: bytes(base64MessageRFC822),
            embedded: ["2 message/rfc822"], reportKind: nil),
        Case(
            name: "qmail bounce", input: bytes(qmail),
            embedded: ["1 pasted-in-body"], reportKind: "bounce with pasted headers"),
        Case(
            name: "Exim bounce", input: crlf(exim),
            embedded: ["1 pasted-in-body"], reportKind: "bounce with pasted headers"),
    ]

    @Test(arguments: cases)
    func findsEmbeddedOriginal(_ c: Case) throws {
        let r = try MessageIntake.read(c.input)
        #expect(r.chains[0].source == .message)
        #expect(r.chains[0].part == "")
        #expect(r.chains[0].container == "message")
        #expect(r.embedded == c.embedded)
        #expect(r.reportKind == c.reportKind)
        #expect(r.findings.isEmpty)
        for chain in r.chains.dropFirst() {
            #expect(chain.source == .embedded)
            #expect(!chain.headers.fields.isEmpty)
        }
    }

    @Test(arguments: [dsnRFC822Headers, dsnMessageRFC822, mdn, exchangeNDR, base64MessageRFC822, qmail, exim])
    func embeddedOriginalHeadersAreIntact(_ fixture: String) throws {
        let r = try MessageIntake.read(crlf(fixture))
        let original = try #require(r.chains.last?.headers)
        #expect(
            original.fields.map(\.name) == [
                "Return-Path", "Received", "Received", "From", "To", "Subject", "Message-ID", "Date",
            ])
        #expect(
            original.fields(named: "received")[0].value
                == "from mail.example.org (mail.example.org [192.0.2.10])\tby mx.example.net (Postfix) with ESMTPS id 4F2A1;\tSat, 20 Aug 2016 09:14:02 +0000"
        )
        #expect(original.first("Message-ID")?.value == "<orig-1@example.org>")
    }

    @Test func globalMessageKeepsUTF8() throws {
        let r = try MessageIntake.read(bytes(Self.globalReport))
        #expect(r.chains[1].headers.first("Subject")?.value == "Grüße")
        #expect(EncodedWords.decode(r.chains[1].headers.first("From")!.value) == "Jürgen <jürgen@bücher.example>")
    }

    @Test func pastedBlockLocationsPointIntoTheInput() throws {
        let input = bytes(Self.qmail)
        let r = try MessageIntake.read(input)
        let field = try #require(r.chains[1].headers.first("Message-ID"))
        #expect(Array(input[field.location.byteRange]) == bytes("Message-ID: <orig-1@example.org>"))
    }

    /// A bounce of a report: the DSN is attached as message/rfc822 at part 2 and holds the
    /// original at its part 3, so the original's path is "2.3".
    @Test func nestedEmbeddedMessagesUseNestedPaths() throws {
        let outer = """
            From: postmaster@outer.example
            Subject: Fwd: bounce
            Content-Type: multipart/mixed; boundary=outer

            --outer
            Content-Type: text/plain

            forwarding the bounce I got
            --outer
            Content-Type: message/rfc822

            \(Self.dsnMessageRFC822)
            --outer--
            """
        let r = try MessageIntake.read(bytes(outer))
        #expect(r.embedded == ["2 message/rfc822", "2.3 message/rfc822"])
        #expect(r.chains[1].headers.first("Subject")?.value == "Returned mail: see transcript for details")
        #expect(r.chains[2].headers.first("Message-ID")?.value == "<orig-1@example.org>")
        // The outer message is no report; the embedded DSN does not make it one.
        #expect(r.reportKind == nil)
    }

    @Test(arguments: [
        ("----- Original message follows -----", "sendmail"),
        ("------ Original Message Headers ------", "Exchange"),
        ("Original message headers:", "Outlook"),
        ("----- Original message -----", "generic"),
    ])
    func otherPastedMarkers(_ marker: String, _ software: String) throws {
        let input = bytes(
            """
            From: MAILER-DAEMON@mx.example.net
            Subject: Undelivered mail

            Could not deliver.

            \(marker)

            \(originalHeaders)

            body
            """)
        let r = try MessageIntake.read(input)
        #expect(r.embedded == ["1 pasted-in-body"], "\(software)")
        #expect(r.chains[1].headers.fields.count == 8)
    }

    @Test func sendmailTranscriptIsSkippedForTheOriginal() throws {
        let input = bytes(
            """
            From: MAILER-DAEMON@relay.example.com
            Subject: Returned mail

               ----- Transcript of session follows -----
            ... while talking to mx.example.net.:
            >>> RCPT To:<bob@example.net>
            <<< 550 5.1.1 unknown user

               ----- Original message follows -----

            \(originalHeaders)

            body
            """)
        let r = try MessageIntake.read(input)
        #expect(r.embedded == ["1 pasted-in-body"])
        #expect(r.chains[1].headers.first("Subject")?.value == "Quarterly numbers")
        #expect(r.findings.isEmpty)
    }

    @Test func indentedPastedHeaderIsUnindented() throws {
        let indented = originalHeaders.split(separator: "\n", omittingEmptySubsequences: false)
            .map { "    " + $0 }.joined(separator: "\n")
        let input = bytes(
            "From: postmaster@example.net\nSubject: failure\n\n--- Below this line is a copy of the message.\n\n\(indented)\n\n    body\n"
        )
        let r = try MessageIntake.read(input)
        #expect(r.embedded == ["1 pasted-in-body"])
        let h = r.chains[1].headers
        #expect(h.fields.count == 8)
        #expect(h.fields(named: "Received")[1].value.hasPrefix("from [10.0.0.5] (unknown [198.51.100.7])"))
    }

    /// Outlook's reply quote uses the same words as some bounces; without a Received field it is
    /// not taken for an original.
    @Test func outlookReplyQuoteIsNotAnOriginal() throws {
        let input = bytes(
            """
            From: bob@example.net
            Subject: RE: Quarterly numbers

            Thanks!

            -----Original Message-----
            From: Alice <alice@example.org>
            Sent: Saturday, August 20, 2016 10:14 AM
            To: bob@example.net
            Subject: Quarterly numbers

            Here they are.
            """)
        let r = try MessageIntake.read(input)
        #expect(r.chains.count == 1)
        #expect(r.reportKind == nil)
        #expect(r.findings.isEmpty)
    }

    @Test func quotedPrintableBounceBodyIsDecoded() throws {
        let input = bytes(
            """
            From: MAILER-DAEMON@mx.example.net
            Subject: failure notice
            Content-Type: text/plain; charset=utf-8
            Content-Transfer-Encoding: quoted-printable

            --- Below this line is a copy of the message.

            Received: from a.example (a.example [192.0.2.1]) by b.example with SMTP; Sat, 2=
            0 Aug 2016 09:14:02 +0000
            Subject: caf=C3=A9

            """)
        let r = try MessageIntake.read(input)
        #expect(
            r.chains[1].headers.first("Received")?.value
                == "from a.example (a.example [192.0.2.1]) by b.example with SMTP; Sat, 20 Aug 2016 09:14:02 +0000")
        #expect(r.chains[1].headers.first("Subject")?.value == "café")
    }

    struct Unreadable: Sendable, CustomTestStringConvertible {
        var name: String
        var part: String
        var testDescription: String { name }
    }

    @Test(arguments: [
        Unreadable(
            name: "message/rfc822 without header", part: "Content-Type: message/rfc822\n\njust some text, no header\n"),
        Unreadable(name: "text/rfc822-headers empty", part: "Content-Type: text/rfc822-headers\n\n\n"),
        Unreadable(
            name: ".eml attachment that is not mail",
            part: "Content-Type: application/octet-stream; name=x.eml\nContent-Transfer-Encoding: base64\n\nAAECAwQF\n"),
    ])
    func claimedMessageWithoutHeaderIsAFinding(_ c: Unreadable) throws {
        let input = bytes("From: a@example.org\nContent-Type: multipart/mixed; boundary=b\n\n--b\n\(c.part)--b--\n")
        let r = try MessageIntake.read(input)
        #expect(r.chains.count == 1)
        #expect(r.findings.map(\.kind) == [.unreadablePart])
        #expect(r.findings[0].severity == .warning)
        #expect(r.findings[0].summary.hasPrefix("part 1 ("))
    }

    @Test func qmailMarkerWithoutHeaderIsAFinding() throws {
        let r = try MessageIntake.read(
            bytes("From: a@example.org\n\n--- Below this line is a copy of the message.\n\nnot a header\n"))
        #expect(r.chains.count == 1)
        #expect(r.findings.map(\.kind) == [.unreadablePart])
    }

    @Test func embeddedChainLimitIsAFinding() throws {
        var s = "From: a@example.org\nContent-Type: multipart/mixed; boundary=b\n\n"
        for n in 0..<(Limits.maxEmbeddedChains + 5) {
            s +=
                "--b\nContent-Type: text/rfc822-headers\n\nReceived: from h\(n) by x; Sat, 20 Aug 2016 09:14:02 +0000\n"
        }
        s += "--b--\n"
        let r = try MessageIntake.read(bytes(s))
        #expect(r.chains.count == 1 + Limits.maxEmbeddedChains)
        #expect(r.chains.last?.part == "\(Limits.maxEmbeddedChains)")
        #expect(r.findings.map(\.kind) == [.limitReached])
    }

    @Test func plainMessageHasOneChainAndItsTree() throws {
        let input = bytes("Received: from a by b; Sat, 20 Aug 2016 09:14:02 +0000\nFrom: a@example.org\n\nhello\n")
        let r = try MessageIntake.read(input)
        #expect(r.chains.count == 1)
        #expect(r.reportKind == nil)
        #expect(r.mime?.rawBody == ArraySlice(bytes("hello\n")))
    }
}

extension TransferEncoding {
    /// Base64 with 76-character lines, to build fixtures.
    static func encodeBase64ForTests(_ data: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var out = ""
        var line = 0
        var i = 0
        while i < data.count {
            let b0 = Int(data[i])
            let b1 = i + 1 < data.count ? Int(data[i + 1]) : 0
            let b2 = i + 2 < data.count ? Int(data[i + 2]) : 0
            let n = b0 << 16 | b1 << 8 | b2
            out.append(alphabet[n >> 18 & 63])
            out.append(alphabet[n >> 12 & 63])
            out.append(i + 1 < data.count ? alphabet[n >> 6 & 63] : "=")
            out.append(i + 2 < data.count ? alphabet[n & 63] : "=")
            i += 3
            line += 4
            if line >= 76, i < data.count {
                out += "\n"
                line = 0
            }
        }
        return out
    }
}
