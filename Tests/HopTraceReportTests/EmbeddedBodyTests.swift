import HopTraceMessage
@testable import HopTraceReport
import Testing

/// DKIM of an embedded original needs its body: the pipeline finds it by the chain's part path.
@Suite struct EmbeddedBodyTests {
    static let bounce = Array("""
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
        let body = try #require(Analyzer.embeddedBody(intake.mime, path: chain.part))
        #expect(String(decoding: body, as: UTF8.self).contains("the original body"))
        #expect(!String(decoding: body, as: UTF8.self).contains("It bounced"))
    }

    @Test func headerOnlyFormsHaveNoBody() throws {
        let intake = try MessageIntake.read(Self.bounce)
        #expect(Analyzer.embeddedBody(intake.mime, path: "") == nil)
        #expect(Analyzer.embeddedBody(intake.mime, path: "9") == nil)
    }
}
