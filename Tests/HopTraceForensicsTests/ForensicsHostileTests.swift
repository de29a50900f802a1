import Foundation
import HopTraceAuth
import HopTraceCore
import HopTraceDNS
import HopTraceForensics
import HopTraceReport
import Testing

/// Hostile headers: the engine gives clear results and never crashes.
@Suite struct ForensicsHostileTests {
    static let zone = """
        $TTL 3600
        origin.example. IN TXT "v=spf1 ip4:192.0.2.10 -all"
        _dmarc.origin.example. IN TXT "v=DMARC1; p=reject"
        bogus._domainkey.origin.example. IN TXT "v=DKIM1; k=rsa; p=AAAAnotakey!!"
        """

    static func analyze(_ text: String, offline: Bool = false) async throws -> ChainAuthentication {
        let bytes = Array(text.utf8)
        var input = try ForensicsHarness.input(fromBytes: bytes, embedded: false, zone: nil)
        if !offline {
            input.resolver = SnapshotResolver(zone: try ZoneFile(parsing: zone))
            input.dnsSource = "snapshot (test)"
        }
        return await AuthForensics.analyze(input)
    }

    static let received = """
        Received: from relay.example.net (relay.example.net [198.51.100.7])
        \tby mx.example.com (Postfix) with ESMTP id 1; Mon, 10 Mar 2025 10:00:02 +0000
        Received: from mail.origin.example (mail.origin.example [192.0.2.10])
        \tby relay.example.net (Postfix) with ESMTP id 2; Mon, 10 Mar 2025 10:00:01 +0000

        """

    static let tail = """
        From: a@origin.example
        To: b@example.com
        Subject: x
        Date: Mon, 10 Mar 2025 10:00:00 +0000

        body

        """

    @Test func malformedAuthenticationResults() async throws {
        let junk = [
            "Authentication-Results: ;;;;; spf= (((( smtp.mailfrom=; dkim",
            "Authentication-Results: " + String(repeating: "x=y; ", count: 5000),
            "Authentication-Results: mx.example.com; spf=fail (unclosed comment smtp.mailfrom=origin.example",
            "Received-SPF: \u{0}\u{1}fail client-ip=999.1.1.1; receiver=",
            "X-hMailServer-Reason-1: Blocked by SPF" + String(repeating: "()", count: 10000),
        ]
        // A property inside an unclosed comment is not a property: the sender comes from the
        // Return-Path, and the junk changes nothing else.
        let text = "Return-Path: <a@origin.example>\n" + junk.joined(separator: "\n") + "\n" + Self.received + Self.tail
        let a = try await Self.analyze(text)
        #expect(a.hops.count == 2)
        #expect(a.hop(1)?.spf?.sender?.source == .laterHop)
        #expect(a.hop(1)?.spf?.replayed == .pass)
    }

    @Test func giantDKIMTagListAndBogusKey() async throws {
        let tags = (0..<20_000).map { "x\($0)=v" }.joined(separator: "; ")
        let text =
            "DKIM-Signature: v=1; a=rsa-sha256; d=origin.example; s=bogus; h=from; bh=AAAA; b=AAAA; \(tags)\n"
            + "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=origin.example; s=bogus; h=from:subject; bh=AAAA; b=AAAA\n"
            + "DKIM-Signature: " + String(repeating: ";", count: 50_000) + "\n"
            + Self.received + Self.tail
        let a = try await Self.analyze(text)
        #expect(a.dkim.count == 3)
        #expect(a.dkim.allSatisfy { $0.result != .pass })
        #expect(a.dkim.contains { $0.result == .permerror })
    }

    @Test func fiftyARCInstancesAndMore() async throws {
        var arc = ""
        for i in (1...55).reversed() {
            arc +=
                "ARC-Seal: i=\(i); a=rsa-sha256; t=1; cv=\(i == 1 ? "none" : "pass"); d=fwd\(i).example; s=s; b=AAAA\n"
            arc +=
                "ARC-Message-Signature: i=\(i); a=rsa-sha256; c=relaxed/relaxed; d=fwd\(i).example; s=s; h=from; bh=AAAA; b=AAAA\n"
            arc += "ARC-Authentication-Results: i=\(i); mx\(i).example; spf=pass smtp.mailfrom=origin.example\n"
        }
        let a = try await Self.analyze(arc + Self.received + Self.tail)
        #expect(a.arc?.result == .fail)
        #expect(a.arcLedger.count <= 50)
        let offline = try await Self.analyze(arc + Self.received + Self.tail, offline: true)
        #expect(offline.arc == nil)
        #expect(offline.noteTexts.contains { $0.contains("ARC not validated") })
    }

    @Test func noReceivedAtAll() async throws {
        let a = try await Self.analyze(
            "Authentication-Results: mx.example.com; spf=fail smtp.mailfrom=origin.example\n" + Self.tail)
        #expect(a.hops.isEmpty)
        #expect(a.unattributed.count == 1)
        #expect(a.findings.filter { $0.kind == .spfBrokenByForwarding }.isEmpty)
    }

    @Test func failForTheOriginAddressIsNotForwarding() async throws {
        // A forged SPF fail at hop 2 for the origin's own address is a real failure, not forwarding.
        let text =
            "Received-SPF: Fail (mx.example.com) client-ip=192.0.2.10; receiver=mx.example.com; envelope-from=a@origin.example\n"
            + Self.received + Self.tail
        let a = try await Self.analyze(text)
        #expect(a.findings.filter { $0.kind == .spfBrokenByForwarding }.isEmpty)
    }
}
