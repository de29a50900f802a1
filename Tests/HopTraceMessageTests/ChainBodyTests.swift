import HopTraceMessage
import Testing

/// DKIM needs each chain's body: intake keeps it for the outer message and for an original that
/// came whole, and none for header-only forms.
@Suite struct ChainBodyTests {
    static let bounce = Array(
        """
        From: MAILER-DAEMON@example.net
        Content-Type: multipart/report; report-type=delivery-status; boundary="b"

        --b
        Content-Type: text/plain

        It bounced.
        --b
        Content-Type: message/rfc822

        Received: from a.example.org (a.example.org [192.0.2.1]) by mx.example.net; Mon, 3 Feb 2025 10:00:00 +0000
        From: someone@example.org
        Subject: original

        the original body
        --b--

        """.utf8)

    @Test func theEmbeddedOriginalsBodyIsFound() throws {
        let intake = try MessageIntake.read(Self.bounce)
        let chain = try #require(intake.chains.first { $0.source == .embedded })
        let body = String(decoding: try #require(chain.body), as: UTF8.self)
        #expect(body.contains("the original body"))
        #expect(!body.contains("It bounced"))
    }

    @Test func theOuterMessagesBodyIsEverythingAfterItsHeader() throws {
        let intake = try MessageIntake.read(Self.bounce)
        let outer = try #require(intake.chains.first { $0.source == .message })
        let body = String(decoding: try #require(outer.body), as: UTF8.self)
        #expect(body.hasPrefix("--b\n"))
        #expect(body.contains("It bounced") && body.contains("the original body"))
    }

    @Test func headerOnlyFormsHaveNoBody() throws {
        let receipt = Array(
            """
            From: MAILER-DAEMON@example.net
            Content-Type: multipart/report; report-type=delivery-status; boundary="b"

            --b
            Content-Type: text/rfc822-headers

            Received: from a.example.org (a.example.org [192.0.2.1]) by mx.example.net; Mon, 3 Feb 2025 10:00:00 +0000
            From: someone@example.org
            --b--

            """.utf8)
        let intake = try MessageIntake.read(receipt)
        let chain = try #require(intake.chains.first { $0.source == .embedded })
        #expect(chain.body == nil)
    }
}
