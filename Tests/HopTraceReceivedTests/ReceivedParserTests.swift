import HopTraceCore
import Testing

@testable import HopTraceReceived

/// Every corpus line parses to exactly the expected fields, with nothing left unread.
@Test(arguments: receivedCorpus)
func corpusLineParses(_ c: CorpusLine) {
    let h = ReceivedParser.parse(c.line)
    #expect(digest(h) == c.expect)
    #expect(h.unparsed.isEmpty, "unparsed: \(h.unparsed)")
    #expect(h.raw == c.line)
}

@Test func corpusCoversEnoughDialects() {
    #expect(receivedCorpus.count >= 100)
    #expect(Set(receivedCorpus.map(\.mta)).count >= 14)
}

// MARK: - Specific dialect properties, asserted field by field

@Test func exchangeBuildIsNotAnAddressNorAMessageID() {
    let h = ReceivedParser.parse(
        "from EVMHT66-UKRD.domain1.systemhost.net (10.36.3.103) by RDW083A006ED62.bt.com (10.187.98.11) with Microsoft SMTP Server id 14.3.181.6"
    )
    #expect(h.serverBuild == "14.3.181.6")
    #expect(h.id == nil)
    #expect(h.with?.keyword == "Microsoft SMTP Server")
    #expect(h.from?.ip == IPAddress("10.36.3.103"))
    #expect(h.by?.ip == IPAddress("10.187.98.11"))
    #expect(h.timestamp == nil)
    #expect(h.unparsed.isEmpty)
}

@Test func exchangeZoneIDIsKeptApart() {
    let h = ReceivedParser.parse(
        "from CO1PR11MB5089.namprd11.prod.outlook.com ([fe80::5874:aaae:2f96:918a]) by CO1PR11MB5089.namprd11.prod.outlook.com ([fe80::5874:aaae:2f96:918a%9]) with mapi id 15.20.5546.023; Mon, 22 Aug 2022 17:09:35 +0000"
    )
    #expect(h.by?.ipText == "fe80::5874:aaae:2f96:918a")
    #expect(h.by?.zone == "9")
    #expect(h.from?.zone == nil)
    #expect(h.with == ProtocolInfo(keyword: "mapi", authenticated: false, tls: false))
    #expect(h.serverBuild == "15.20.5546.023")
    #expect(h.timestamp?.offsetSeconds == 0)
}

@Test func exchangeOnlineTLSAndVia() {
    let h = ReceivedParser.parse(
        "from SATLEXMB04.amd.com (165.204.84.17) by SJ1PEPF00001CDD.mail.protection.outlook.com (10.167.242.5) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256) id 15.20.7202.16 via Frontend Transport; Tue, 6 Feb 2024 15:59:35 +0000"
    )
    #expect(h.tls?.version == "TLS1_2")
    #expect(h.tls?.cipher == "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")
    #expect(h.tls?.raw == "version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")
    #expect(h.with?.tls == true)
    #expect(h.via == "Frontend Transport")
    #expect(h.serverBuild == "15.20.7202.16")
    #expect(h.id == nil)
}

@Test func gmailIDsFullOfDotsAreNotAddresses() {
    let h = ReceivedParser.parse(
        "by 2002:a05:6214:400e:b0:4b4:3f86:b38 with SMTP id kd14-20020a056214400e00b004b43f860b38mr914856qvb.17.1666985097119; Fri, 28 Oct 2022 12:24:57 -0700 (PDT)"
    )
    #expect(h.by?.name == nil)
    #expect(h.by?.ip == IPAddress("2002:a05:6214:400e:b0:4b4:3f86:b38"))
    #expect(h.from == nil)
    // The id ends in epoch milliseconds; the date agrees.
    #expect(h.timestamp?.utcSeconds == 1_666_985_097)
    #expect(h.timestamp?.offsetSeconds == -7 * 3600)
}

@Test func qmailCommentOnlyHasNoSides() {
    let h = ReceivedParser.parse(
        "(qmail 87263 messnum 771997 invoked from network[83.70.48.2/83-70-48-2.bas2.dbn.dublin.eircom.net]); 8 Mar 2004 23:59:05 -0000"
    )
    #expect(h.from == nil)
    #expect(h.by == nil)
    #expect(
        h.commentOnly
            == "qmail 87263 messnum 771997 invoked from network[83.70.48.2/83-70-48-2.bas2.dbn.dublin.eircom.net]")
    #expect(h.timestamp?.iso8601 == "2004-03-08T23:59:05Z")
}

@Test func eximTLSCommentSetsProtocolTLS() {
    let h = ReceivedParser.parse(
        "from x.example ([192.0.2.1]:25 helo=x.example) by y.example with esmtp (TLSv1.3:TLS_AES_256_GCM_SHA384:256) (Exim 4.96) id 1abcde-000123-AB; Mon, 01 Jan 2024 00:00:00 +0000"
    )
    // `esmtp` alone does not claim TLS; the TLS comment does.
    #expect(h.with == ProtocolInfo(keyword: "esmtp", authenticated: false, tls: true))
    #expect(
        h.tls
            == TLSInfo(
                version: "TLSv1.3", cipher: "TLS_AES_256_GCM_SHA384", bits: "256",
                raw: "TLSv1.3:TLS_AES_256_GCM_SHA384:256"))
    #expect(h.software == ["Exim 4.96"])
    #expect(h.from?.port == 25)
}

@Test(arguments: [
    ("ESMTP", false, false), ("ESMTPA", true, false), ("ESMTPS", false, true), ("ESMTPSA", true, true),
    ("esmtpsa", true, true), ("LMTP", false, false), ("LMTPA", true, false), ("LMTPS", false, true),
    ("LMTPSA", true, true), ("UTF8SMTPS", false, true), ("UTF8SMTPSA", true, true), ("UTF8LMTPA", true, false),
    ("SMTP", false, false), ("SMTPS", false, true), ("HTTP", false, false), ("ESMTP-TLS", false, true),
    ("ESMTP/TLS/AES256-SHA", false, true), ("local", false, false),
])
func rfc3848Keywords(_ kw: String, _ auth: Bool, _ tls: Bool) {
    let h = ReceivedParser.parse("by mx.example with \(kw) id 1; Mon, 1 Jan 2024 00:00:00 +0000")
    #expect(h.with == ProtocolInfo(keyword: kw, authenticated: auth, tls: tls))
    #expect(h.unparsed.isEmpty)
}

@Test func severalRecipients() {
    let h = ReceivedParser.parse(
        "from a.example (a.example [192.0.2.1]) by b.example (Postfix) with ESMTP id ABC for <x@example.org>, <y@example.org>; Mon, 1 Jan 2024 00:00:00 +0000"
    )
    #expect(h.recipients == ["x@example.org", "y@example.org"])
}

@Test func unknownCommentsAreKeptNotDropped() {
    let h = ReceivedParser.parse(
        "from a8-97.smtp-out.amazonses.com ([54.240.8.97]:54849 \"EHLO a8-97.smtp-out.amazonses.com\" rhost-flags-OK-OK-OK-OK) by vger.kernel.org with ESMTP id S239720AbhJHKYk (ORCPT <rfc822;linux-kselftest@vger.kernel.org>); Fri, 8 Oct 2021 06:24:40 -0400"
    )
    #expect(h.comments == ["rhost-flags-OK-OK-OK-OK", "ORCPT <rfc822;linux-kselftest@vger.kernel.org>"])
    #expect(h.timestamp?.iso8601 == "2021-10-08T10:24:40Z")
}

@Test func unreadableWordsGoToUnparsedInOrder() {
    let h = ReceivedParser.parse(
        "from a.example (a.example [192.0.2.1]) by b.example frobnicate with ESMTP id X Y; Mon, 1 Jan 2024 00:00:00 +0000"
    )
    #expect(h.unparsed == ["frobnicate", "Y"])
    #expect(h.by?.name == "b.example")
    #expect(h.id == "X")
}

@Test func sendmailMayBeForgedAndIdent() {
    let h = ReceivedParser.parse(
        "from trna.ximian.com (IDENT:nobody@localhost [127.0.0.1]) by trna.ximian.com (8.11.6/8.11.6) with ESMTP id g8GHM2u03442; Mon, 16 Sep 2002 13:22:02 -0400"
    )
    #expect(h.from?.ident == "nobody")
    #expect(h.from?.mayBeForged == false)
    let f = ReceivedParser.parse(
        "from mail1.insuranceiq.com (host66.insuranceiq.com [65.217.159.66] (may be forged)) by dogma.slashnull.org (8.11.6/8.11.6) with ESMTP id h2F0c2x31856; Sat, 15 Mar 2003 00:38:03 GMT"
    )
    #expect(f.from?.mayBeForged == true)
    #expect(f.from?.rdns == "host66.insuranceiq.com")
}

@Test func postfixUnknownRDNSIsNil() {
    let h = ReceivedParser.parse(
        "from mail.example.com (unknown [203.0.113.9]) by mx.example.net (Postfix) with ESMTP id 4B2F61C0A5; Wed,  1 Mar 2017 10:00:00 +0000 (UTC)"
    )
    #expect(h.from?.helo == "mail.example.com")
    #expect(h.from?.rdns == nil)
    #expect(h.from?.ipText == "203.0.113.9")
}

@Test func postfixIPv6LiteralText() {
    let h = ReceivedParser.parse(
        "from mx.example.org (mx.example.org [IPv6:2001:db8::1]) by mail.example.net (Postfix) with ESMTPS id 1; Mon, 10 Dec 2018 08:15:30 +0100"
    )
    #expect(h.from?.ipText == "2001:db8::1")
    #expect(h.from?.ip == IPAddress("2001:db8::1"))
}

@Test func mdaemonWithoutLeadingFrom() {
    let h = ReceivedParser.parse(
        "smtp510.aspkunden.de [(134.97.4.21)] by mail.aspemail.de (134.97.4.24) (MDaemon PRO v19.0.2)  with ESMTP id md50018233933.msg; Tue, 16 Jul 2019 11:39:22 +0200"
    )
    #expect(h.from?.helo == "smtp510.aspkunden.de")
    #expect(h.from?.ip == IPAddress("134.97.4.21"))
    #expect(h.by?.ip == IPAddress("134.97.4.24"))
    #expect(h.software == ["MDaemon PRO v19.0.2"])
}

@Test func repeatedClausesDoNotOverwrite() {
    let h = ReceivedParser.parse(
        "from a.example from b.example by c.example by d.example with ESMTP with LMTP id 1 id 2; Mon, 1 Jan 2024 00:00:00 +0000"
    )
    #expect(h.from?.helo == "a.example")
    #expect(h.by?.name == "c.example")
    #expect(h.with?.keyword == "ESMTP")
    #expect(h.id == "1")
    #expect(h.unparsed == ["b.example", "d.example", "LMTP", "2"])
}

@Test func lookupNotesAreKeptAsComments() {
    let h = ReceivedParser.parse(
        "from 0 ([61.31.138.57] RDNS failed) by nccdi.com with Microsoft SMTPSVC(6.0.3790.0); Thu, 23 Sep 2004 08:51:06 -0700"
    )
    #expect(h.comments == ["RDNS failed"])
    #expect(h.software == ["Microsoft SMTPSVC(6.0.3790.0)"])
    #expect(h.serverBuild == nil)
}

@Test func exim3FromSide() {
    let h = ReceivedParser.parse(
        "from helene8.i.pinwand.net (helene.cats.ms) [10.0.8.6.13219] (mail) by lisbeth.i.pinwand.net with esmtp (Exim 3.35 #1 (Debian)) id 1CO5y7-0001vC-00; Sun, 31 Oct 2004 04:01:23 +0100"
    )
    #expect(
        h.from
            == ReceivedFrom(
                helo: "helene.cats.ms", rdns: "helene8.i.pinwand.net", ip: IPAddress("10.0.8.6"),
                ipText: "10.0.8.6", port: 13219, ident: "mail"))
}

@Test func qmailUnknownHeloForm() {
    let h = ReceivedParser.parse(
        "from unknown (HELO coredump.intra.peff.net) (10.0.0.2) by 0 with SMTP; 24 May 2006 13:23:17 -0000")
    #expect(
        h.from
            == ReceivedFrom(helo: "coredump.intra.peff.net", rdns: nil, ip: IPAddress("10.0.0.2"), ipText: "10.0.0.2"))
    #expect(h.id == nil)
    #expect(
        h.timestamp == MailTimestamp(utcSeconds: 1_148_476_997, offsetSeconds: 0, raw: "24 May 2006 13:23:17 -0000"))
}

/// The byte-level string helpers the parser runs on every word: the same answers as the
/// Character-level definitions they replace.
@Suite struct ByteHelperTests {
    @Test(arguments: [
        "", " ", "  x  ", "\t\r\nabc\r\n", "\u{A0}x\u{A0}", " é ", "x \u{301}", " \u{2003}y", "a b", "\u{85}z",
    ])
    func trimmedSpacesMatchesCharacterWhitespace(text: String) {
        let reference: Substring = {
            guard let a = text.firstIndex(where: { !$0.isWhitespace }),
                let z = text.lastIndex(where: { !$0.isWhitespace })
            else { return "" }
            return text[a...z]
        }()
        #expect(text.trimmedSpaces == reference)
    }

    @Test func caseInsensitiveSearchAndPrefix() {
        #expect("version=TLS1_2, CIPHER=x".containsIgnoringCase("cipher="))
        #expect(!"ciphe".containsIgnoringCase("cipher"))
        #expect("Using TLS".containsIgnoringCase("tls"))
        #expect("".containsIgnoringCase(""))
        #expect("Authenticated sender: x".hasPrefixIgnoringCase("authenticated sender:"))
        #expect(!"Auth".hasPrefixIgnoringCase("authenticated"))
        #expect("ÉSMTP".asciiLowered == "Ésmtp")
        #expect("ESMTPSA".asciiLowered == "esmtpsa")
    }
}

/// TLS comments in their key=value form, with empty and repeated parts.
@Suite struct TLSCommentFormTests {
    @Test func keyValuePartsNeedAKeyAndAValue() {
        let h = ReceivedParser.parse(
            "from a.example (a.example [192.0.2.1]) by b.example (version=, cipher=X=Y, =z bits=256, VERSION=TLSv1.3) with ESMTPS id 1; Mon, 3 Feb 2025 10:00:05 +0000"
        )
        #expect(h.tls?.version == "TLSv1.3")
        #expect(h.tls?.cipher == "X=Y")
        #expect(h.tls?.bits == "256")
    }
}
