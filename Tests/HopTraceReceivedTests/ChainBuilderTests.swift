import HopTraceCore
import Testing

@testable import HopTraceReceived

/// Builds a chain from values given top first (header order), with no locations.
private func chain(_ topFirst: [String]) -> HopChain {
    ChainBuilder.build(topFirst.map { (value: $0, location: nil) })
}

/// The bt.com delivery receipt from the seed article, top first, as it appears there.
let btComChain = [
    "from HE1PR06CA0108.eurprd06.prod.outlook.com (10.169.114.34) by DB5PR06MB1495.eurprd06.prod.outlook.com (10.164.40.141) with Microsoft SMTP Server id 15.1.557.21",
    "from VE1EUR02FT011.eop-EUR02.prod.protection.outlook.com (2a01:111:f400:7e06::204) by HE1PR06CA0108.outlook.office365.com (2a01:111:e400:7a1b::34) with Microsoft SMTP Server id 15.1.587.13 via Frontend Transport",
    "from RDW083A006ED62.bt.com (62.239.224.235) by VE1EUR02FT011.mail.protection.outlook.com (10.152.12.150) with Microsoft SMTP Server id 15.1.587.6 via Frontend Transport",
    "from EVMHT66-UKRD.domain1.systemhost.net (10.36.3.103) by RDW083A006ED62.bt.com (10.187.98.11) with Microsoft SMTP Server id 14.3.181.6",
    "from smtpe1.intersmtp.com (10.187.98.11) by EVMHT66-UKRD.domain1.systemhost.net (10.36.3.103) with Microsoft SMTP Server id 8.3.342.0",
    "from tbhext01.m0noc.net (82.70.154.45) by smtpe1.intersmtp.com (62.239.224.235) with Microsoft SMTP Server id 14.3.181.6",
]

@Test func btComChainIsSixHopsOldestFirstWithoutGaps() {
    let loc = HopTraceCore.SourceLocation(headerIndex: 0, byteRange: 0..<10)
    let c = ChainBuilder.build(
        btComChain.enumerated().map { (value: $0.element, location: $0.offset == 0 ? loc : nil) })
    #expect(c.hops.map(\.index) == [1, 2, 3, 4, 5, 6])
    #expect(
        c.hops.map { $0.received.from?.helo ?? "" } == [
            "tbhext01.m0noc.net", "smtpe1.intersmtp.com", "EVMHT66-UKRD.domain1.systemhost.net",
            "RDW083A006ED62.bt.com", "VE1EUR02FT011.eop-EUR02.prod.protection.outlook.com",
            "HE1PR06CA0108.eurprd06.prod.outlook.com",
        ])
    #expect(
        c.hops.map { $0.received.by?.name ?? "" } == [
            "smtpe1.intersmtp.com", "EVMHT66-UKRD.domain1.systemhost.net", "RDW083A006ED62.bt.com",
            "VE1EUR02FT011.mail.protection.outlook.com", "HE1PR06CA0108.outlook.office365.com",
            "DB5PR06MB1495.eurprd06.prod.outlook.com",
        ])
    #expect(
        c.hops.map { $0.received.serverBuild ?? "" } == [
            "14.3.181.6", "8.3.342.0", "14.3.181.6", "15.1.587.6", "15.1.587.13", "15.1.557.21",
        ])
    #expect(c.hops[0].received.from?.ip == IPAddress("82.70.154.45"))
    #expect(c.hops[0].received.by?.ip == IPAddress("62.239.224.235"))
    #expect(c.hops.allSatisfy { $0.delaySeconds == nil })
    // The location travels with its header: the top header is the newest hop.
    #expect(c.hops[5].location == loc)
    #expect(c.hops[0].location == nil)
    #expect(c.findings == [])
}

private func stamp(_ from: String, _ by: String, _ date: String) -> String {
    "from \(from) (\(from) [192.0.2.\(from.count)]) by \(by) (Postfix) with ESMTP id Q\(from.count); \(date)"
}

@Test func delaysIncludingNegativeAndClockSkew() {
    let c = chain([
        stamp("c.example", "d.example", "Mon, 1 Jan 2024 09:00:30 +0000"),  // hop 4: 3570 s before hop 3
        stamp("b.example", "c.example", "Mon, 1 Jan 2024 10:00:00 +0000"),  // hop 3: +3630 (zones differ)
        stamp("a.example", "b.example", "Mon, 1 Jan 2024 07:59:30 -0100"),  // hop 2: -30 s, within tolerance
        stamp("origin.example", "a.example", "Mon, 1 Jan 2024 09:00:00 +0000"),  // hop 1
    ])
    #expect(c.hops.map(\.delaySeconds) == [nil, -30, 3630, -3570])
    #expect(
        c.findings == [
            Finding(
                kind: .clockSkew, severity: .warning, hops: [3, 4],
                summary: "hop 4 is stamped 3570 s before hop 3 (clocks disagree)")
        ])
}

@Test func delayIsNilWhenATimestampIsMissing() {
    let c = chain([
        stamp("b.example", "c.example", "Mon, 1 Jan 2024 10:00:00 +0000"),
        "from a.example (a.example [192.0.2.9]) by b.example with ESMTP id 1",
        stamp("o.example", "a.example", "Mon, 1 Jan 2024 09:00:00 +0000"),
    ])
    #expect(c.hops.map(\.delaySeconds) == [nil, nil, nil])
}

@Test func commentOnlyQmailHopsTakePartInTiming() {
    let c = chain([
        "from unknown (HELO coredump.intra.peff.net) (10.0.0.2) by 0 with SMTP; 24 May 2006 13:23:17 -0000",
        "(qmail 10681 invoked by uid 404); 24 May 2006 13:23:10 -0000",
    ])
    #expect(c.hops.map(\.delaySeconds) == [nil, 7])
    // Comment-only hop: nothing to compare, no gap.
    #expect(c.findings == [])
}

@Test func chainGapIsReported() {
    let c = chain([
        stamp("mallory.example", "mx.example", "Mon, 1 Jan 2024 10:00:05 +0000"),
        stamp("origin.example", "relay.example", "Mon, 1 Jan 2024 10:00:00 +0000"),
    ])
    #expect(
        c.findings == [
            Finding(
                kind: .chainGap, severity: .warning, hops: [1, 2],
                summary:
                    "hop 2's sender mallory.example (192.0.2.15) does not match hop 1's receiver relay.example (a Received header may be missing or forged)"
            )
        ])
}

@Test(arguments: [
    // Name equal modulo case and a trailing dot (Google writes `host.`), against the rdns.
    (
        "from helo.example (RELAY.example. [192.0.2.1]) by mx.example with ESMTP id 1; Mon, 1 Jan 2024 10:00:00 +0000",
        "from o.example (o.example [192.0.2.7]) by relay.example with ESMTP id 2; Mon, 1 Jan 2024 10:00:00 +0000"
    ),
    // Equal by address only (Exchange: one server, two names).
    (
        "from internal-name.corp (10.0.0.5) by mx.example (10.0.0.6) with Microsoft SMTP Server id 15.1.1.1",
        "from o.example (192.0.2.7) by public-name.example (10.0.0.5) with Microsoft SMTP Server id 15.1.1.1"
    ),
    // Microsoft's two names of one machine: specific first label.
    (
        "from VE1EUR02FT011.eop-EUR02.prod.protection.outlook.com (2a01:111:f400:7e06::204) by HE1PR06CA0108.outlook.office365.com with Microsoft SMTP Server id 15.1.587.13",
        "from a.example (192.0.2.7) by VE1EUR02FT011.mail.protection.outlook.com with Microsoft SMTP Server id 15.1.587.6"
    ),
    // Loopback: the host handed the message to itself; its by matches the previous by.
    (
        "from localhost (localhost [127.0.0.1]) by zimbra.thomas-krenn.com (Postfix) with ESMTP id 7CCCA6FC14F; Mon,  5 Nov 2012 15:08:10 +0100",
        "from mail.example (mail.example [192.0.2.1]) by zimbra.thomas-krenn.com (Postfix) with ESMTP id 7CC; Mon,  5 Nov 2012 15:08:09 +0100"
    ),
    // Local pickup: the newer hop has no from.
    (
        "by test-smtp-server (Postfix, from userid 0) id 7F33439539; Tue, 23 Jun 2015 15:51:56 -0400",
        "from a.example (a.example [192.0.2.1]) by elsewhere.example (Postfix) with ESMTP id 1; Tue, 23 Jun 2015 15:51:55 -0400"
    ),
    // Comment-only qmail before: nothing to compare against.
    (
        "from unknown (HELO x.example) (192.0.2.3) by y.example with SMTP; 24 May 2006 13:23:17 -0000",
        "(qmail 1 invoked by uid 2); 24 May 2006 13:23:17 -0000"
    ),
    // A previous hop with no by at all.
    (
        "from x.example (x.example [192.0.2.3]) by y.example with SMTP; 24 May 2006 13:23:17 -0000",
        "from o.example (o.example [192.0.2.9]) with SMTP; 24 May 2006 13:23:17 -0000"
    ),
    // A from-side with nothing in it (Courier's `from (AUTH: x)`).
    (
        "from (AUTH: e40a9cea) by vqx.net with esmtp (courier-0.40); Mon, 03 Mar 2003 14:49:28 +0000",
        "from o.example (o.example [192.0.2.9]) by other.example with SMTP; Mon, 03 Mar 2003 14:49:27 +0000"
    ),
])
func continuityLeniencies(_ newer: String, _ older: String) {
    let c = chain([newer, older])
    #expect(c.hops.count == 2)
    #expect(c.findings.filter { $0.kind == .chainGap } == [])
}

@Test func loopbackHopOnAnotherReceiverIsAGap() {
    let c = chain([
        "from localhost (localhost [127.0.0.1]) by other.example (Postfix) with ESMTP id 1; Mon,  5 Nov 2012 15:08:10 +0100",
        "from mail.example (mail.example [192.0.2.1]) by zimbra.example (Postfix) with ESMTP id 2; Mon,  5 Nov 2012 15:08:09 +0100",
    ])
    #expect(c.findings.map(\.kind) == [.chainGap])
    #expect(c.findings.first?.hops == [1, 2])
    #expect(
        c.findings.first?.summary.hasPrefix(
            "hop 2's sender other.example (itself, over loopback) does not match hop 1's receiver zimbra.example")
            == true)
}

@Test func forgedSenderWithTheReceiversFirstLabelInAnotherDomainIsAGap() {
    // `mail01` under another organisation's domain is another machine, however the label is written.
    let c = chain([
        "from mail01.attacker.example (mail01.attacker.example [198.51.100.7]) by mx.example.org (Postfix) with ESMTP id 2; Mon, 3 Feb 2025 10:00:02 +0000",
        "from origin.example.net (origin.example.net [192.0.2.9]) by mail01.victim.example (Postfix) with ESMTP id 1; Mon, 3 Feb 2025 10:00:01 +0000",
    ])
    #expect(
        c.findings == [
            Finding(
                kind: .chainGap, severity: .warning, hops: [1, 2],
                summary:
                    "hop 2's sender mail01.attacker.example (198.51.100.7) does not match hop 1's receiver mail01.victim.example (a Received header may be missing or forged)"
            )
        ])
    #expect(
        ChainBuilder.nameMatches("VE1EUR02FT011.attacker.example", "VE1EUR02FT011.mail.protection.outlook.com") == false
    )
}

@Test(arguments: [
    ("MAIL01", "mail01.corp.example", true),  // a NetBIOS name and its full name
    ("mail01.corp.example.", "MAIL01.corp.example", true),
    ("HE1PR06CA0108.outlook.office365.com", "HE1PR06CA0108.eurprd06.prod.outlook.com", true),  // one operator
    ("mail01.attacker.example", "mail01.victim.example", false),
    ("srv123abc.attacker.example", "srv123abc.victim.example", false),  // specific label, two organisations
    ("mail01", "mail02.corp.example", false),
    ("mail01", "MAIL01", true),
])
func sameMachineByFirstLabel(_ a: String, _ b: String, _ same: Bool) {
    #expect(ChainBuilder.nameMatches(a, b) == same)
    #expect(ChainBuilder.nameMatches(b, a) == same)
}

@Test func genericFirstLabelsDoNotMatch() {
    #expect(ChainBuilder.nameMatches("mail.a.example", "mail.b.example") == false)
    #expect(ChainBuilder.nameMatches("server1.a.example", "server1.b.example") == false)  // two organisations
    #expect(ChainBuilder.nameMatches("srv123abc.a.example", "srv123abc.mx.a.example") == true)
    #expect(ChainBuilder.nameMatches("mx01.a.example", "mx01.b.example") == false)  // too short
    #expect(ChainBuilder.nameMatches("mailhost.a.example", "mailhost.b.example") == false)  // no digit
    #expect(
        ChainBuilder.nameMatches("HE1PR06CA0108.eurprd06.prod.outlook.com", "HE1PR06CA0108.outlook.office365.com")
            == true)
    #expect(ChainBuilder.nameMatches("Host.Example.", "host.example") == true)
}

@Test func unparsedHopsAreReportedAndFindingsAreOrdered() {
    let c = chain([
        stamp("evil.example", "mx.example", "Mon, 1 Jan 2024 08:00:00 +0000") + " junk",  // hop 3: gap, skew, unparsed
        "from a.example (a.example [192.0.2.1]) by b.example with ESMTP id 1 \u{1}odd; Mon, 1 Jan 2024 10:00:00 +0000",  // hop 2
        stamp("o.example", "a.example", "Mon, 1 Jan 2024 09:59:00 +0000"),  // hop 1
    ])
    #expect(c.findings.map(\.kind) == [.unparsedReceived, .chainGap, .clockSkew, .unparsedReceived])
    #expect(c.findings.map(\.hops) == [[2], [2, 3], [2, 3], [3]])
    #expect(c.findings[0].summary == "hop 2: could not read \"\\u{1}odd\"")
    #expect(c.findings[3].summary == "hop 3: could not read \"junk\"")
    #expect(c.findings[2].summary == "hop 3 is stamped 7200 s before hop 2 (clocks disagree)")
}

@Test func longUnparsedTextIsTruncatedInTheSummary() {
    let junk = String(repeating: "x", count: 500)
    let c = chain(["by b.example with ESMTP id 1 \(junk); Mon, 1 Jan 2024 10:00:00 +0000"])
    #expect(c.findings.count == 1)
    #expect(c.findings[0].summary == "hop 1: could not read \"" + String(repeating: "x", count: 80) + "…\"")
    #expect(c.hops[0].received.unparsed == [junk])
}

@Test func hopLimitKeepsTheNewest() {
    let extra = 5
    let total = Limits.maxHopsPerChain + extra
    // Top first: header k (0 = top) is from host k+1 to host k.
    let values = (0..<total).map { k in
        "from h\(k + 1).example (h\(k + 1).example [192.0.2.1]) by h\(k).example with ESMTP id \(k); Mon, 1 Jan 2024 10:00:00 +0000"
    }
    let c = chain(values)
    #expect(c.hops.count == Limits.maxHopsPerChain)
    #expect(c.hops.last?.received.id == "0")
    #expect(c.hops.first?.received.id == "\(Limits.maxHopsPerChain - 1)")
    #expect(c.hops.map(\.index) == Array(1...Limits.maxHopsPerChain))
    #expect(
        c.findings == [
            Finding(
                kind: .limitReached, severity: .warning, hops: [],
                summary:
                    "\(total) Received headers; only the newest \(Limits.maxHopsPerChain) were read, \(extra) older ones were dropped"
            )
        ])
}

@Test func emptyChain() {
    let c = chain([])
    #expect(c.hops.isEmpty)
    #expect(c.findings.isEmpty)
}

@Test func gmailInternalAddressOnlyStampIsNotAGap() {
    let c = chain([
        "by 2002:a05:6a10:9c8f:b0:5e1:7d2a:4b0c with SMTP id ab15csp1830427pxb; Tue, 14 Jan 2025 09:31:55 -0800 (PST)",
        "from mail-pj1-f45.google.com (mail-pj1-f45.google.com. [209.85.216.45]) by mx.google.com with ESMTPS id 98e67ed59e1d1-2f72c1a3e0bsi1182351a91.104.2025.01.14.09.31.54 for <bob@example.com>; Tue, 14 Jan 2025 09:31:54 -0800 (PST)",
        "by 2002:a17:902:e5c3:b0:21a:8d4b:2f90 with SMTP id d9443c01a7336-21a8d4b30f1mr221564735ad.23.1736875913116; Tue, 14 Jan 2025 09:31:53 -0800 (PST)",
    ])
    #expect(c.hops.count == 3)
    #expect(!c.findings.contains { $0.kind == .chainGap })
}

@Test func namedReceiverWithoutFromSideStillChecksTheNextSender() {
    // Postfix local pickup names its host; the next hop must come from it.
    let c = chain([
        "from other.example.net (other.example.net [192.0.2.9]) by mx.example.org (Postfix) with ESMTP id 2; Mon, 3 Feb 2025 10:00:02 +0000",
        "by app.example.net (Postfix, from userid 1000) id 1; Mon, 3 Feb 2025 10:00:01 +0000",
    ])
    #expect(c.findings.contains { $0.kind == .chainGap && $0.hops == [1, 2] })
}
