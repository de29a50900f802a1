import HopTraceCore
import Testing

@testable import HopTraceReceived

/// One realistic Received value of a dialect, what the parser must read from it (`digest`),
/// and what it must leave unread.
struct DialectCase: Sendable, CustomTestStringConvertible {
    /// The software that writes this form.
    let software: String
    let line: String
    let expect: String
    var unparsed: [String] = []
    var testDescription: String { "\(software): \(line.prefix(60))" }
}

/// Whose name the from-domain is. Exim and qmail write the receiver's verified reverse name
/// first (and leave the HELO out when it equals that name); it is recorded as `rdns`, and as
/// the HELO only when the line states one (`helo=`, `HELO x`, `claiming to be`).
let reverseNameCases: [DialectCase] = [
    // qmail (tcpserver's reverse name, then the address).
    DialectCase(
        software: "qmail",
        line: "from mail.example.org (198.51.100.20) by mx.example.com with SMTP; 21 Jan 2011 09:12:44 -0000",
        expect: "from rdns=mail.example.org ip=198.51.100.20 by name=mx.example.com with=SMTP time=2011-01-21T09:12:44Z"
    ),
    // qmail with an ident answer before the address.
    DialectCase(
        software: "qmail",
        line: "from mail.example.org (jdoe@198.51.100.20) by smtp.example.com with SMTP; 21 Jan 2011 09:12:44 -0000",
        expect:
            "from rdns=mail.example.org ip=198.51.100.20 ident=jdoe by name=smtp.example.com with=SMTP time=2011-01-21T09:12:44Z"
    ),
    // Exim 4 with port logging: `([IP]:port)`, no `helo=` (it equalled the reverse name).
    DialectCase(
        software: "Exim",
        line:
            "from lists.example.org ([203.0.113.80]:41872) by mx1.example.com with esmtps (TLSv1.3:TLS_AES_256_GCM_SHA384:256) (Exim 4.92) (envelope-from <lists-bounces@lists.example.org>) id 1lt5Ri-0002Aa-Qq for tom@example.com; Tue, 15 Jun 2021 09:27:42 +0000",
        expect:
            "from rdns=lists.example.org ip=203.0.113.80 port=41872 by name=mx1.example.com with=esmtps+S id=1lt5Ri-0002Aa-Qq for=tom@example.com env=lists-bounces@lists.example.org tls=TLSv1.3/TLS_AES_256_GCM_SHA384/256 sw=Exim 4.92 time=2021-06-15T09:27:42Z"
    ),
    // Exim 4 without port logging: `([IP])`, told from Sendmail's HELO form by the Exim comment.
    DialectCase(
        software: "Exim",
        line:
            "from mail.example.org ([198.51.100.7]) by smtp.example.net with esmtp (Exim 4.80) (envelope-from <a@example.org>) id 1Uabcd-0001Xy-7h; Mon, 06 May 2013 11:22:33 +0000",
        expect:
            "from rdns=mail.example.org ip=198.51.100.7 by name=smtp.example.net with=esmtp id=1Uabcd-0001Xy-7h env=a@example.org sw=Exim 4.80 time=2013-05-06T11:22:33Z"
    ),
    // Sendmail `([IP])`: the name is the HELO (no reverse name was found).
    DialectCase(
        software: "Sendmail",
        line:
            "from gandalf ([4.37.75.131]) by herald.cc.purdue.edu (8.12.5/8.12.5/herald) with ESMTP id g9JLefrm028228; Sat, 19 Oct 2002 16:40:41 -0500",
        expect:
            "from helo=gandalf ip=4.37.75.131 by name=herald.cc.purdue.edu with=ESMTP id=g9JLefrm028228 sw=8.12.5/8.12.5/herald time=2002-10-19T21:40:41Z"
    ),
    // TIS firewall toolkit smtpd: `name(ip)` is the reverse name, `claiming to be` the HELO.
    DialectCase(
        software: "TIS fwtk smtpd",
        line:
            "from 76-217-5-154.lightspeed.irvnca.sbcglobal.net(76.217.5.154), claiming to be \"localhost.localdomain\" via SMTP by m0.truegem.net, id smtpdII446j; Mon Aug  6 22:54:16 2018",
        expect:
            "from helo=localhost.localdomain rdns=76-217-5-154.lightspeed.irvnca.sbcglobal.net ip=76.217.5.154 by name=m0.truegem.net via=SMTP id=smtpdII446j time=2018-08-06T22:54:16Z"
    ),
    // TIS firewall toolkit smtpd with no HELO claim, the id after `by HOST,`.
    DialectCase(
        software: "TIS fwtk smtpd",
        line:
            "from eotheod.intranet.kiel.bmiag.de(10.130.2.1) via SMTP by bilbo.bmiag.de, id smtpdy8PxJZ; Wed Jan 10 19:33:30 2007",
        expect:
            "from rdns=eotheod.intranet.kiel.bmiag.de ip=10.130.2.1 by name=bilbo.bmiag.de via=SMTP id=smtpdy8PxJZ time=2007-01-10T19:33:30Z"
    ),
    // Exchange writes `from NAME (IP)` with the HELO name: it stays the HELO.
    DialectCase(
        software: "Microsoft Exchange",
        line:
            "from rico-code.amd.com (10.34.1.3) by SATLEXCHOV01.amd.com (10.181.40.71) with Microsoft SMTP Server id 14.3.389.1; Wed, 28 Aug 2019 06:00:29 -0500",
        expect:
            "from helo=rico-code.amd.com ip=10.34.1.3 by name=SATLEXCHOV01.amd.com byip=10.181.40.71 with=Microsoft SMTP Server build=14.3.389.1 time=2019-08-28T11:00:29Z"
    ),
]

/// Words a receiver writes about its lookup or the session are never names.
let statusWordCases: [DialectCase] = [
    // CommuniGate Pro: `verified` after the address.
    DialectCase(
        software: "CommuniGate Pro",
        line:
            "from imo-m01.mx.aol.com ([64.12.136.4] verified) by xxx.com (CommuniGate Pro SMTP 4.1.8) with ESMTP id 875522 for yyy@xxx.com; Tue, 03 Feb 2004 08:37:38 -0800",
        expect:
            "from helo=imo-m01.mx.aol.com ip=64.12.136.4 by name=xxx.com with=ESMTP id=875522 for=yyy@xxx.com sw=CommuniGate Pro SMTP 4.1.8 time=2004-02-03T16:37:38Z"
    ),
    // CommuniGate Pro: an authenticated account, then the verified address.
    DialectCase(
        software: "CommuniGate Pro",
        line:
            "from [10.10.10.178] (account jonathan [10.10.10.178] verified) by imiinc.com (CommuniGate Pro SMTP 4.3.4) with ESMTPA id 130117 for jonathan@imiinc.com; Wed, 27 Jul 2005 23:01:07 -0700",
        expect:
            "from helo=[10.10.10.178] ip=10.10.10.178 auth=jonathan by name=imiinc.com with=ESMTPA+A id=130117 for=jonathan@imiinc.com sw=CommuniGate Pro SMTP 4.3.4 time=2005-07-28T06:01:07Z"
    ),
    // Courier: `softdnserr` where the reverse name goes, then `(AUTH: method user)`.
    DialectCase(
        software: "Courier",
        line:
            "from [192.168.2.4] (softdnserr [::ffff:81.182.137.62]) (AUTH: CRAM-MD5 soyer@irl.hu, ) by irl.hu with ESMTPSA id 0000000000071446.000000006489DB14.003B4E84; Wed, 14 Jun 2023 17:21:56 +0200",
        expect:
            "from helo=[192.168.2.4] ip=81.182.137.62 auth=soyer@irl.hu (CRAM-MD5) by name=irl.hu with=ESMTPSA+A+S id=0000000000071446.000000006489DB14.003B4E84 time=2023-06-14T15:21:56Z"
    ),
    // qmail (tcpserver): `softdnserror` stands for both names when the lookups failed.
    DialectCase(
        software: "qmail",
        line: "from softdnserror (HELO two) (127.0.0.1) by softdnserror with SMTP; 24 Apr 2009 01:41:48 -0000",
        expect: "from helo=two ip=127.0.0.1 by with=SMTP time=2009-04-24T01:41:48Z"),
    // Yahoo (qmail): `(user@IP with login)`, an authenticated user and method.
    DialectCase(
        software: "Yahoo (qmail)",
        line:
            "from itrqtnlnq (lucilleskinner@93.124.107.183 with login) by smtp111.mail.ne1.yahoo.com with SMTP; 17 Jan 2011 08:23:27 -0800 PST",
        expect:
            "from helo=itrqtnlnq ip=93.124.107.183 auth=lucilleskinner (login) by name=smtp111.mail.ne1.yahoo.com with=SMTP time=2011-01-17T16:23:27Z"
    ),
    // Courier: `(AUTH: LOGIN user, TLS: …)`, and its queue id after the date.
    DialectCase(
        software: "Courier",
        line:
            "from mail.example.com (mail.example.com [192.0.2.30]) (AUTH: LOGIN alice@example.com, TLS: TLSv1/SSLv3,256bits,AES256-SHA) by mx.example.net with ESMTPSA; Wed, 20 Apr 2011 10:00:00 +0200 id 00000000005A0123.000000004DAE9F1A.00001234",
        expect:
            "from helo=mail.example.com rdns=mail.example.com ip=192.0.2.30 auth=alice@example.com (LOGIN) by name=mx.example.net with=ESMTPSA+A+S id=00000000005A0123.000000004DAE9F1A.00001234 tls=TLSv1/SSLv3/AES256-SHA/256 time=2011-04-20T08:00:00Z"
    ),
    // Sendmail: `may be forged` written without its own parentheses.
    DialectCase(
        software: "Sendmail",
        line:
            "from mail.example.com (host.example.net [192.0.2.5] may be forged) by relay.example.org (8.9.3/8.9.3) with ESMTP id KAA01234; Mon, 1 Mar 1999 10:00:00 -0500",
        expect:
            "from helo=mail.example.com rdns=host.example.net ip=192.0.2.5 forged by name=relay.example.org with=ESMTP id=KAA01234 sw=8.9.3/8.9.3 time=1999-03-01T15:00:00Z"
    ),
]

/// Text that is no host name is never taken as `from.name`: it is kept in `unparsed`.
let notANameCases: [DialectCase] = [
    // An envelope address where the HELO goes (Postfix receiving).
    DialectCase(
        software: "Postfix",
        line:
            "from <alice@example.org> (unknown [192.0.2.7]) by mx.example.net (Postfix) with SMTP id 4F1A2B3C4D; Sat, 21 Apr 2018 03:01:04 +0000",
        expect: "from ip=192.0.2.7 by name=mx.example.net with=SMTP id=4F1A2B3C4D sw=Postfix time=2018-04-21T03:01:04Z",
        unparsed: ["<alice@example.org>"]),
    // A date where the name goes (qmail receiving).
    DialectCase(
        software: "qmail",
        line: "from Sat, 21 Apr 2018 03:01:04 +0000 by mx.example.net with SMTP; 21 Apr 2018 03:01:05 -0000",
        expect: "from by name=mx.example.net with=SMTP time=2018-04-21T03:01:05Z",
        unparsed: ["Sat, 21 Apr 2018 03:01:04 +0000"]),
    // A question where the name goes (Sendmail receiving).
    DialectCase(
        software: "Sendmail",
        line:
            "from mail.example.com or is it mail2.example.com ([192.0.2.8]) by relay.example.org (8.14.4/8.14.4) with SMTP id q8KFHkxR012345; Thu, 20 Sep 2012 10:17:46 -0500",
        expect:
            "from ip=192.0.2.8 by name=relay.example.org with=SMTP id=q8KFHkxR012345 sw=8.14.4/8.14.4 time=2012-09-20T15:17:46Z",
        unparsed: ["mail.example.com or is it mail2.example.com"]),
    // A queue message where the name goes (Postfix receiving).
    DialectCase(
        software: "Postfix",
        line:
            "from deferred queue, retry 3 by mx.example.net (Postfix) with ESMTP id 4F1A2B3C4D; Sat, 21 Apr 2018 03:01:04 +0000",
        expect: "from by name=mx.example.net with=ESMTP id=4F1A2B3C4D sw=Postfix time=2018-04-21T03:01:04Z",
        unparsed: ["deferred queue, retry 3"]),
]

/// Dates in the forms real software writes besides RFC 5322's.
let dateCases: [DialectCase] = [
    // Postfix: the date with no `;` before it.
    DialectCase(
        software: "Postfix",
        line:
            "from mail.example.org (mail.example.org [192.0.2.25]) by mx.example.net (Postfix) with ESMTP id 4F1A2B3C4D for <bob@example.net> Sat, 21 Apr 2018 03:01:04 +0000 (UTC)",
        expect:
            "from helo=mail.example.org rdns=mail.example.org ip=192.0.2.25 by name=mx.example.net with=ESMTP id=4F1A2B3C4D for=bob@example.net sw=Postfix time=2018-04-21T03:01:04Z"
    ),
    // GMX webmail: no `;` before the date.
    DialectCase(
        software: "GMX",
        line: "from [136.0.0.139] by 3capp-gmx-bs45.server.lan (via HTTP) Tue, 20 Sep 2016 20:45:28 +0200",
        expect:
            "from helo=[136.0.0.139] ip=136.0.0.139 by name=3capp-gmx-bs45.server.lan sw=via HTTP time=2016-09-20T18:45:28Z"
    ),
    // Netscape Messaging Server: no `;` before the date.
    DialectCase(
        software: "Netscape Messaging Server",
        line:
            "from [192.0.2.9] by nsmail.example.com (Netscape Messaging Server 4.15) with ESMTP id GA1B2C00.ABC Sat, 21 Apr 2018 03:01:04 -0700",
        expect:
            "from helo=[192.0.2.9] ip=192.0.2.9 by name=nsmail.example.com with=ESMTP id=GA1B2C00.ABC sw=Netscape Messaging Server 4.15 time=2018-04-21T10:01:04Z"
    ),
    // Month first.
    DialectCase(
        software: "unidentified MTA",
        line:
            "from mail.example.org (mail.example.org [192.0.2.25]) by mx.example.net with ESMTP id 1a2b3c; Apr 21 2018 03:01:04 +0000",
        expect:
            "from helo=mail.example.org rdns=mail.example.org ip=192.0.2.25 by name=mx.example.net with=ESMTP id=1a2b3c time=2018-04-21T03:01:04Z"
    ),
    // Numeric month/day/year with a 12-hour clock.
    DialectCase(
        software: "unidentified Windows MTA",
        line: "from mail.example.org ([192.0.2.25]) by mx.example.net with SMTP; 4/20/2018 11:01:16 PM -0400",
        expect: "from helo=mail.example.org ip=192.0.2.25 by name=mx.example.net with=SMTP time=2018-04-21T03:01:16Z"),
    // A zone written out.
    DialectCase(
        software: "unidentified Windows MTA",
        line:
            "from mail.example.org ([192.0.2.25]) by mx.example.net with SMTP; Sat, 21 Apr 2018 03:01:04 Pacific Standard Time",
        expect: "from helo=mail.example.org ip=192.0.2.25 by name=mx.example.net with=SMTP time=2018-04-21T11:01:04Z"),
    // SendGrid's Go date with a 12-hour clock.
    DialectCase(
        software: "SendGrid",
        line:
            "by filter0123p1las1.sendgrid.net with SMTP id filter0123p1las1-1234-5ADA9B7C-2; 2018-4-20 11:01:08 PM +0000 UTC",
        expect:
            "by name=filter0123p1las1.sendgrid.net with=SMTP id=filter0123p1las1-1234-5ADA9B7C-2 time=2018-04-20T23:01:08Z"
    ),
]

/// Products whose lines were misread.
let productCases: [DialectCase] = [
    // Microsoft SMTPSVC: `over TLS secured channel` is TLS.
    DialectCase(
        software: "Microsoft SMTPSVC",
        line:
            "from dd1.caveonetworks.com ([64.2.3.195]) by caexch01.caveonetworks.com over TLS secured channel with Microsoft SMTPSVC(6.0.3790.4675); Fri, 2 Mar 2012 10:03:59 -0800",
        expect:
            "from helo=dd1.caveonetworks.com ip=64.2.3.195 by name=caexch01.caveonetworks.com with=Microsoft SMTPSVC+S tls=// sw=Microsoft SMTPSVC(6.0.3790.4675) time=2012-03-02T18:03:59Z"
    ),
    // Oracle Communications Messaging Server: nested product comment, id in angle brackets.
    DialectCase(
        software: "Oracle Communications Messaging Server",
        line:
            "from uscpsbgm2.samsung.com (u115.gpu85.samsung.co.kr [203.254.195.115]) by usmailout4.samsung.com (Oracle Communications Messaging Server 7u4-24.01(7.0.4.24.0) 64bit (built Nov 17 2011)) with ESMTP id <0MYJ00DJUUH7CQ60@usmailout4.samsung.com> for linux-media@vger.kernel.org; Sat, 28 Dec 2013 22:46:19 -0500 (EST)",
        expect:
            "from helo=uscpsbgm2.samsung.com rdns=u115.gpu85.samsung.co.kr ip=203.254.195.115 by name=usmailout4.samsung.com with=ESMTP id=0MYJ00DJUUH7CQ60@usmailout4.samsung.com for=linux-media@vger.kernel.org sw=Oracle Communications Messaging Server 7u4-24.01(7.0.4.24.0) 64bit (built Nov 17 2011) time=2013-12-29T03:46:19Z"
    ),
    // Oracle Communications Messaging Server: the milter re-injection hop.
    DialectCase(
        software: "Oracle Communications Messaging Server",
        line:
            "from process_milters-daemon.nwk-mmpp-sz13.apple.com by nwk-mmpp-sz13.apple.com (Oracle Communications Messaging Server 8.0.2.4.20190507 64bit (built May  7 2019)) id <0Q4H00F00H8UUU00@nwk-mmpp-sz13.apple.com>; Tue, 21 Jan 2020 16:56:46 -0800 (PST)",
        expect:
            "from helo=process_milters-daemon.nwk-mmpp-sz13.apple.com by name=nwk-mmpp-sz13.apple.com id=0Q4H00F00H8UUU00@nwk-mmpp-sz13.apple.com sw=Oracle Communications Messaging Server 8.0.2.4.20190507 64bit (built May  7 2019) time=2020-01-22T00:56:46Z"
    ),
    // Websense SurfControl E-mail Filter: `by HOST - PRODUCT (version)`.
    DialectCase(
        software: "SurfControl E-mail Filter",
        line:
            "from totalrepair.co.uk [10.0.100.85] by mail.totalrepair.co.uk - SurfControl E-mail Filter (6.0.1); Thu, 26 Mar 2009 13:28:11 +0000",
        expect:
            "from helo=totalrepair.co.uk ip=10.0.100.85 by name=mail.totalrepair.co.uk sw=SurfControl E-mail Filter (6.0.1) time=2009-03-26T13:28:11Z"
    ),
    // DragonFly Mail Agent: a local user and uid, the id before `by`.
    DialectCase(
        software: "DragonFly Mail Agent",
        line:
            "from rob (uid 1000) (envelope-from rob@rob-hp-laptop) id 2219a3 by rob-hp-laptop (DragonFly Mail Agent v0.11); Sat, 04 Jan 2020 14:55:31 -0700",
        expect:
            "from ident=rob by name=rob-hp-laptop id=2219a3 env=rob@rob-hp-laptop sw=DragonFly Mail Agent v0.11 time=2020-01-04T21:55:31Z"
    ),
    // qpsmtpd (qmail family) with the cipher before the keyword.
    DialectCase(
        software: "qpsmtpd",
        line:
            "from sigill.intra.peff.net (HELO sigill.intra.peff.net) (10.0.0.7) by peff.net (qpsmtpd/0.94) with (ECDHE-RSA-AES256-GCM-SHA384 encrypted) SMTP; Wed, 09 May 2018 03:56:38 -0400",
        expect:
            "from helo=sigill.intra.peff.net rdns=sigill.intra.peff.net ip=10.0.0.7 by name=peff.net with=SMTP+S tls=/ECDHE-RSA-AES256-GCM-SHA384/ sw=qpsmtpd/0.94 time=2018-05-09T07:56:38Z"
    ),
    // QUALITIA Active!Hunter: `(envelope sender: <x>)` and `(not using TLS)`.
    DialectCase(
        software: "Active!Hunter",
        line:
            "from mail.d.activegate-ss.jp (unknown [10.16.39.39]) (envelope sender: <contact@studioz.co.jp>) (not using TLS) by ah11-smtp.activegate-ss.jp (Active!Hunter) with ESMTP id QK6C17243A; Thu, 16 Jun 2022 10:58:04 +0900",
        expect:
            "from helo=mail.d.activegate-ss.jp ip=10.16.39.39 by name=ah11-smtp.activegate-ss.jp with=ESMTP id=QK6C17243A env=contact@studioz.co.jp sw=Active!Hunter time=2022-06-16T01:58:04Z"
    ),
    // Mimecast: a second `with` naming STARTTLS.
    DialectCase(
        software: "Mimecast",
        line:
            "from mimecast-mx02.redhat.com (mimecast-mx02.redhat.com [66.187.233.88]) by relay.mimecast.com with ESMTP with STARTTLS (version=TLSv1.2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id us-mta-313-LCgE1iHHN0Sld-p2j_gtEw-1; Fri, 27 Jan 2023 12:24:24 -0500",
        expect:
            "from helo=mimecast-mx02.redhat.com rdns=mimecast-mx02.redhat.com ip=66.187.233.88 by name=relay.mimecast.com with=ESMTP+S id=us-mta-313-LCgE1iHHN0Sld-p2j_gtEw-1 tls=TLSv1.2/TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384/ time=2023-01-27T17:24:24Z"
    ),
    // Norton AntiVirus Gateway: the from-side as a comment, `(from HELO [IP])`.
    DialectCase(
        software: "NAVGW",
        line:
            "(from KRYPTIK [70.20.57.51]) by host.name (NAVGW 2.5.2.12) with SMTP id M2006040415284308595 for <user@domain.co.uk>; Tue, 04 Apr 2006 15:28:45 +0100",
        expect:
            "from helo=KRYPTIK ip=70.20.57.51 by name=host.name with=SMTP id=M2006040415284308595 for=user@domain.co.uk sw=NAVGW 2.5.2.12 time=2006-04-04T14:28:45Z"
    ),
]

@Test(arguments: reverseNameCases + statusWordCases + notANameCases + dateCases + productCases)
func dialectLineParses(_ c: DialectCase) {
    let h = ReceivedParser.parse(c.line)
    #expect(digest(h) == c.expect)
    #expect(h.unparsed == c.unparsed)
    #expect(h.raw == c.line)
}

/// Every text-as-name case raises `unparsed-received` on its hop, quoting the text.
@Test(arguments: notANameCases)
func textAsNameRaisesUnparsedReceived(_ c: DialectCase) {
    let chain = ChainBuilder.build([(value: c.line, location: nil)])
    let found = chain.findings.filter { $0.kind == .unparsedReceived }
    #expect(found.count == 1)
    #expect(found.first?.hops == [1])
    #expect(found.first?.summary.contains(c.unparsed.first ?? "?") == true)
    #expect(chain.hops.first?.received.from?.helo == nil)
    #expect(chain.hops.first?.received.from?.rdns == nil)
}

@Test func statusWordsAreKeptAsComments() {
    #expect(ReceivedParser.parse(statusWordCases[0].line).comments == ["verified"])
    #expect(ReceivedParser.parse(statusWordCases[2].line).comments == ["softdnserr"])
    #expect(ReceivedParser.parse(statusWordCases[3].line).comments == ["softdnserror", "softdnserror"])
    #expect(ReceivedParser.parse(productCases[4].line).comments == ["uid 1000"])
    #expect(ReceivedParser.parse(productCases[6].line).comments == ["not using TLS"])
}

@Test func idKeepsItsAngleBracketsOnlyInTheRawText() {
    let line = productCases[1].line
    let h = ReceivedParser.parse(line)
    #expect(h.id == "0MYJ00DJUUH7CQ60@usmailout4.samsung.com")
    #expect(h.raw.contains("id <0MYJ00DJUUH7CQ60@usmailout4.samsung.com>"))
}

@Test func tlsSecuredChannelKeepsThePhrase() {
    let h = ReceivedParser.parse(productCases[0].line)
    #expect(h.tls?.raw == "over TLS secured channel")
    #expect(h.with?.tls == true)
}

/// Redacted addresses are reported as such: no address, nothing unparsed.
@Test(
    arguments: [
        // Postfix, address masked by whoever shared the header.
        (
            "from mail.example.com (mail.example.com [x.x.x.x]) by mx.example.net (Postfix) with ESMTP id 4F1A2B3C4D; Sat, 21 Apr 2018 03:01:04 +0000",
            "mail.example.com"
        ),
        // Postfix, address removed.
        (
            "from mail.example.com (unknown []) by mx.example.net (Postfix) with ESMTP id 4F1A2B3C4D; Sat, 21 Apr 2018 03:01:04 +0000",
            "mail.example.com"
        ),
        // Exim, address replaced by a word.
        (
            "from mail.example.com ([here-redacted]:41872 helo=mail.example.com) by mx.example.net with esmtp (Exim 4.92) id 1lt5Ri-0002Aa-Qq; Tue, 15 Jun 2021 09:27:42 +0000",
            "mail.example.com"
        ),
        // Sendmail, masked with stars and the HELO masked too.
        (
            "from [*.*.*.*] (host.example.net [*.*.*.*]) by relay.example.org (8.14.4/8.14.4) with ESMTP id q8KFHkxR012345; Thu, 20 Sep 2012 10:17:46 -0500",
            nil
        ),
    ] as [(String, String?)])
func redactedAddressesAreReportedAsRedacted(_ line: String, _ helo: String?) {
    let h = ReceivedParser.parse(line)
    #expect(h.from?.redacted == true)
    #expect(h.from?.ip == nil)
    #expect(h.from?.helo == helo)
    #expect(h.unparsed.isEmpty)
    #expect(ChainBuilder.build([(value: line, location: nil)]).findings.isEmpty)
}

@Test func redactedReceivingAddress() {
    // Microsoft SMTPSVC with the receiver's address masked.
    let h = ReceivedParser.parse(
        "from mail.example.com ([192.0.2.1]) by [xxx.xxx.xxx.xxx] with Microsoft SMTPSVC(6.0.3790.3959); Thu, 15 Jan 2009 09:44:20 -0800"
    )
    #expect(h.by?.redacted == true)
    #expect(h.by?.name == nil)
    #expect(h.unparsed.isEmpty)
    #expect(h.from?.redacted == false)
}

/// Where a dialect writes the envelope sender in place of a name, with no connection details
/// after it, it is the envelope sender.
@Test(arguments: [
    // AOL's outbound relay.
    (
        "from user@aol.com by imo-d20.mx.aol.com (mail_out_v36_r4.14.) id o.23.3af50667 (4262) for <user@example.com>; Wed, 18 Feb 2004 13:42:23 -0500 (EST)",
        "user@aol.com"
    ),
    // qmail-scanner.
    (
        "from orders@amazon.co.uk by mail.example.org by uid 502 with qmail-scanner-1.12 (F-PROT: 3.12. Clear:. Processed in 0.342757 secs); 03 Jun 2002 13:35:25 -0000",
        "orders@amazon.co.uk"
    ),
])
func envelopeSenderInPlaceOfAName(_ line: String, _ sender: String) {
    let h = ReceivedParser.parse(line)
    #expect(h.envelopeFrom == sender)
    #expect(h.from?.helo == nil)
    #expect(h.unparsed.isEmpty)
}

/// indimail (a qmail descendant) writes comment-only lines: `(indimail-mta PID invoked …)`
/// from its queue, `(indimail PID invoked by uid N)` from its delivery agent, the latter with an
/// asctime date and no zone. The comment is kept whole, nothing is unparsed, the date is read.
@Test(arguments: [
    (
        "(indimail-mta 1395324 invoked from 127.0.0.1 by host pricom.com.au by uid 555); Wed, 4 May 2022 13:42:14 +1000",
        "indimail-mta 1395324 invoked from 127.0.0.1 by host pricom.com.au by uid 555", "2022-05-04T03:42:14Z"
    ),
    (
        "(indimail-mta 555 invoked by uid 0); Thu, 25 Jun 2020 08:00:09 +0000",
        "indimail-mta 555 invoked by uid 0", "2020-06-25T08:00:09Z"
    ),
    (
        "(indimail 557 invoked by uid 555); Thu Jun 25 08:00:09 2020",
        "indimail 557 invoked by uid 555", "2020-06-25T08:00:09Z"
    ),
])
func indimailCommentOnlyLines(_ line: String, _ comment: String, _ time: String) {
    let h = ReceivedParser.parse(line)
    #expect(h.commentOnly == comment)
    #expect(h.unparsed.isEmpty)
    #expect(h.from == nil && h.by == nil)
    #expect(h.timestamp?.iso8601 == time)
}
