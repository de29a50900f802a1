import HopTraceAuth
import HopTraceCore
import HopTraceDNS
import HopTraceForensics
import Testing

/// SPF applies at the sender organisation's outbound MTA: an authenticated submission client or
/// a client inside the sender's own organisation is not an SPF-checked hop.
@Suite struct SPFOriginTests {
    static let zone = """
        $TTL 3600
        invoice-portal.example. IN TXT "v=spf1 ip4:203.0.113.80 -all"
        corp.example. IN TXT "v=spf1 ip4:203.0.113.9 -all"
        """

    static func analyze(_ text: String) async throws -> ChainAuthentication {
        var input = try ForensicsHarness.input(fromBytes: Array(text.utf8), embedded: false, zone: nil)
        input.resolver = SnapshotResolver(zone: try ZoneFile(parsing: zone))
        input.dnsSource = "snapshot (test)"
        return await AuthForensics.analyze(input)
    }

    /// A phishing message sent through the attacker's own Postfix: hop 1 is the attacker's
    /// authenticated submission, hop 2 the outbound MTA's delivery to the victim.
    static let phishing = """
        Authentication-Results: mx.victim.example; spf=pass smtp.mailfrom=billing@invoice-portal.example
        Received: from mail.invoice-portal.example (mail.invoice-portal.example [203.0.113.80])
        \tby mx.victim.example (Postfix) with ESMTPS id 4QxY1; Mon, 10 Mar 2025 10:00:03 +0000
        Received: from [10.8.0.14] (unknown [185.220.101.45])
        \tby mail.invoice-portal.example (Postfix) with ESMTPSA id 9AB12
        \tfor <victim@victim.example>; Mon, 10 Mar 2025 10:00:01 +0000
        Return-Path: <billing@invoice-portal.example>
        From: Billing <billing@invoice-portal.example>
        To: victim@victim.example
        Subject: Invoice overdue
        Date: Mon, 10 Mar 2025 10:00:00 +0000

        Pay now.

        """

    @Test func authenticatedSubmissionIsNotReplayed() async throws {
        let a = try await Self.analyze(Self.phishing)
        let h1 = try #require(a.hop(1)?.spf)
        #expect(h1.replayed == nil)
        #expect(h1.skipped == .notChecked(.authenticatedSubmission("ESMTPSA"), originHop: 2))
        #expect(h1.skippedReason?.contains("authenticated submission (ESMTPSA)") == true)
        #expect(h1.skippedReason?.contains("hop 2") == true)
        let h2 = try #require(a.hop(2)?.spf)
        #expect(h2.replayed == .pass)
        #expect(h2.recorded == .pass)
        // The receiver checked the outbound MTA itself: nothing suggests a relay was checked.
        #expect(!a.notes.contains { if case .spfNotAtOrigin = $0 { return true } else { return false } })
        #expect(a.findings.isEmpty)
        #expect(
            a.dmarcChecks.first { $0.hop == nil }?.basis
                == .origin(hop: 2, clientIP: IPAddress("203.0.113.80")!, bodyPresent: true))
    }

    @Test func aClientInsideTheSendersOrganisationIsNotReplayed() async throws {
        let text = """
            Received: from mail.corp.example (mail.corp.example [203.0.113.9])
            \tby mx.dest.example (Postfix) with ESMTPS id 2; Mon, 10 Mar 2025 10:00:03 +0000
            Received: from ws1.corp.example (ws1.corp.example [198.51.100.20])
            \tby mail.corp.example (Postfix) with ESMTP id 1; Mon, 10 Mar 2025 10:00:01 +0000
            Return-Path: <a@corp.example>
            From: a@corp.example
            To: b@dest.example
            Subject: x
            Date: Mon, 10 Mar 2025 10:00:00 +0000

            body

            """
        let a = try await Self.analyze(text)
        let h1 = try #require(a.hop(1)?.spf)
        #expect(h1.replayed == nil)
        guard case .notChecked(.insideSenderOrganisation(let org), let originHop)? = h1.skipped else {
            Issue.record("hop 1 was not skipped as internal: \(String(describing: h1.skipped))")
            return
        }
        #expect(org == "corp.example")
        #expect(originHop == 2)
        #expect(a.hop(2)?.spf?.replayed == .pass)
    }

    /// A receiver that did record SPF for a submission hop is still replayed: its verdict is evidence.
    @Test func aRecordedVerdictAtASubmissionHopIsStillReplayed() async throws {
        let text =
            "Received-SPF: pass (mail.invoice-portal.example: 185.220.101.45 is permitted) client-ip=185.220.101.45; envelope-from=billing@invoice-portal.example\n"
            + Self.phishing
        let a = try await Self.analyze(text)
        #expect(a.hop(1)?.spf?.recorded == .pass)
        #expect(a.hop(1)?.spf?.replayed == .fail)
    }
}

/// The envelope sender a receiver wrote as a quoted `smtp.mailfrom` is replayed without quotes.
@Suite struct QuotedSenderReplayTests {
    @Test func aQuotedSRSSenderIsReplayedForItsDomain() async throws {
        let text = """
            Authentication-Results: mx.dest.example; spf=pass smtp.mailfrom="SRS0=AbCd=VB=alumni.example=bob@forwarder.example"
            Received: from mx.forwarder.example (mx.forwarder.example [203.0.113.9])
            \tby mx.dest.example (Postfix) with ESMTPS id 2; Mon, 10 Mar 2025 10:00:03 +0000
            From: bob@alumni.example
            To: b@dest.example
            Subject: x
            Date: Mon, 10 Mar 2025 10:00:00 +0000

            body

            """
        var input = try ForensicsHarness.input(fromBytes: Array(text.utf8), embedded: false, zone: nil)
        input.resolver = SnapshotResolver(
            zone: try ZoneFile(parsing: "forwarder.example. IN TXT \"v=spf1 ip4:203.0.113.9 -all\"\n"))
        input.dnsSource = "snapshot (test)"
        let a = await AuthForensics.analyze(input)
        let spf = try #require(a.hop(1)?.spf)
        #expect(spf.sender?.address == "SRS0=AbCd=VB=alumni.example=bob@forwarder.example")
        #expect(spf.domain == "forwarder.example")
        #expect(spf.replayed == .pass)
    }
}
