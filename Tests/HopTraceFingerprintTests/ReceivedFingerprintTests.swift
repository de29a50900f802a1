import HopTraceCore
import HopTraceReceived
import Testing

@testable import HopTraceFingerprint

/// A Received header as the parser would fill it (the parser is built separately, so the tests construct
/// the model directly), and every identification the fingerprinter must return for it.
struct ReceivedCase: Sendable, CustomTestStringConvertible {
    var name: String
    var header: ReceivedHeader
    /// (product, version, side) of every identification, in order.
    var expected: [Expect]

    struct Expect: Sendable {
        var product: String
        var version: String? = nil
        var release: String? = nil
        var exact: Bool
        var role: String? = nil
        var evidence: String
        var side: SoftwareIdentification.Side = .by
        var note: String? = nil
    }

    var testDescription: String { name }
}

/// Builds a ReceivedHeader with the fields a parser fills.
func received(
    _ raw: String, helo: String? = nil, rdns: String? = nil, by: String? = nil, byIP: String? = nil,
    with keyword: String? = nil, id: String? = nil, via: String? = nil, software: [String] = [],
    serverBuild: String? = nil, commentOnly: String? = nil
) -> ReceivedHeader {
    var r = ReceivedHeader(raw: raw)
    if helo != nil || rdns != nil { r.from = ReceivedFrom(helo: helo, rdns: rdns) }
    if by != nil || byIP != nil { r.by = ReceivedBy(name: by, ipText: byIP) }
    if let keyword {
        r.with = ProtocolInfo(
            keyword: keyword, authenticated: keyword.uppercased().hasSuffix("A"),
            tls: keyword.uppercased().contains("S") && keyword.uppercased() != "SMTP")
    }
    r.id = id
    r.via = via
    r.software = software
    r.serverBuild = serverBuild
    r.commentOnly = commentOnly
    return r
}

typealias X = ReceivedCase.Expect

@Suite struct ReceivedFingerprintTests {
    static let cases: [ReceivedCase] = [
        // The article's Raynet case: amg1.gbse.gb.net ran Exim 4.82.
        ReceivedCase(
            name: "Exim (Raynet)",
            header: received(
                "from tbhext01.m0noc.net ([82.70.154.45]:33182) by amg1.gbse.gb.net with esmtp (Exim 4.82_1-5b7a7c0-XX)",
                helo: "tbhext01.m0noc.net", by: "amg1.gbse.gb.net", with: "esmtp", software: ["Exim 4.82_1-5b7a7c0-XX"]),
            expected: [
                X(
                    product: "Exim", version: "4.82", exact: true, evidence: "Exim 4.82_1-5b7a7c0-XX",
                    note: "version as written: 4.82_1-5b7a7c0-XX")
            ]),
        ReceivedCase(
            name: "Exim 4.91",
            header: received(
                "from localhost ([127.0.0.1]:49019 helo=hummus.csx.cam.ac.uk) by hummus.csx.cam.ac.uk with esmtp (Exim 4.91-pdpfix1) (envelope-from <exim-dev-bounces@exim.org>) id 1fZ55o-0006DP-3H for <x@example.org>; Sat, 30 Jun 2018 02:54:28 +0100",
                helo: "hummus.csx.cam.ac.uk", by: "hummus.csx.cam.ac.uk", with: "esmtp", id: "1fZ55o-0006DP-3H"),
            expected: [X(product: "Exim", version: "4.91", exact: true, evidence: "Exim 4.91-pdpfix1")]),
        ReceivedCase(
            name: "Exim 3",
            header: received(
                "from helene8.i.pinwand.net (helene.cats.ms) [10.0.8.6.13219] (mail) by lisbeth.i.pinwand.net with esmtp (Exim 3.35 #1 (Debian)) id 1CO5y7-0001vC-00; Sun, 31 Oct 2004 04:01:23 +0100",
                by: "lisbeth.i.pinwand.net", with: "esmtp", id: "1CO5y7-0001vC-00"),
            expected: [X(product: "Exim", version: "3.35", exact: true, evidence: "Exim 3.35 #1 (Debian)")]),
        ReceivedCase(
            name: "Exim by message id only",
            header: received(
                "from a.example.net ([192.0.2.1]) by mx.example.org with esmtps id 1fZ55o-0006DP-3H; Sat, 30 Jun 2018 02:54:28 +0100",
                by: "mx.example.org", with: "esmtps", id: "1fZ55o-0006DP-3H"),
            expected: [X(product: "Exim", exact: false, evidence: "1fZ55o-0006DP-3H")]),
        ReceivedCase(
            name: "Postfix",
            header: received(
                "from asterix.laurier.org (lns-p19-8-82-65-66-244.adsl.proxad.net [82.65.66.244]) by postfix3-2.free.fr (Postfix) with ESMTP id 7BACDC372 for <somelist@example.net>; Fri, 14 Nov 2003 09:05:49 +0100 (CET)",
                helo: "asterix.laurier.org", rdns: "lns-p19-8-82-65-66-244.adsl.proxad.net", by: "postfix3-2.free.fr",
                with: "ESMTP",
                id: "7BACDC372", software: ["Postfix"]),
            expected: [X(product: "Postfix", exact: true, evidence: "Postfix")]),
        ReceivedCase(
            name: "Postfix pickup",
            header: received(
                "by test-smtp-server (Postfix, from userid 0) id 7F33439539; Tue, 23 Jun 2015 15:51:56 -0400 (EDT)",
                by: "test-smtp-server", id: "7F33439539"),
            expected: [
                X(
                    product: "Postfix", exact: true, role: "local submission (pickup)",
                    evidence: "Postfix, from userid 0")
            ]),
        ReceivedCase(
            name: "Sendmail",
            header: received(
                "from mout.web.de (mout.web.de [212.227.15.3]) by isis.lip6.fr (8.15.2/8.15.2) with ESMTPS id 02UAGEK9008524 (version=TLSv1.2 cipher=DHE-RSA-AES256-GCM-SHA384 bits=256 verify=NO) for <cocci@systeme.lip6.fr>; Mon, 30 Mar 2020 12:16:14 +0200 (CEST)",
                helo: "mout.web.de", rdns: "mout.web.de", by: "isis.lip6.fr", with: "ESMTPS", id: "02UAGEK9008524",
                software: ["8.15.2/8.15.2"]),
            expected: [X(product: "Sendmail", version: "8.15.2", exact: true, evidence: "8.15.2/8.15.2")]),
        ReceivedCase(
            name: "Sendmail with site tag",
            header: received(
                "from gandalf ([4.37.75.131]) (authenticated bits=0) by herald.cc.purdue.edu (8.12.5/8.12.5/herald) with ESMTP id g9JLefrm028228 for <x@example.edu>; Sat, 19 Oct 2002 16:40:41 -0500 (EST)",
                helo: "gandalf", by: "herald.cc.purdue.edu", with: "ESMTP", id: "g9JLefrm028228"),
            expected: [X(product: "Sendmail", version: "8.12.5", exact: true, evidence: "8.12.5/8.12.5/herald")]),
        ReceivedCase(
            name: "Sendmail vendor build",
            header: received(
                "from x.example.com (x.example.com [192.0.2.9]) by sgi.example.com (SGI-8.9.3/8.8.7) with ESMTP id AAA1234; Mon, 1 Mar 1999 10:00:00 -0800",
                by: "sgi.example.com", with: "ESMTP", id: "AAA1234"),
            expected: [
                X(
                    product: "Sendmail", version: "8.9.3", exact: true, evidence: "SGI-8.9.3/8.8.7",
                    note: "vendor build SGI")
            ]),
        ReceivedCase(
            name: "Sendmail submit",
            header: received(
                "(from user@localhost) by host.example.org (8.15.2/8.15.2/Submit) id 02UAGEK9008524; Mon, 30 Mar 2020 12:16:14 +0200",
                by: "host.example.org", id: "02UAGEK9008524"),
            expected: [
                X(
                    product: "Sendmail", version: "8.15.2", exact: true, role: "local submission (submit.cf)",
                    evidence: "8.15.2/8.15.2/Submit")
            ]),
        ReceivedCase(
            name: "Proofpoint internal hop (Sendmail 8.16.0.x)",
            header: received(
                "from pps.filterd (m0098399.ppops.net [127.0.0.1]) by mx0a-001b2d01.pphosted.com (8.16.0.42/8.16.0.42) with SMTP id 03MEX8c6114188 for <linux-kernel@vger.kernel.org>; Wed, 22 Apr 2020 10:42:22 -0400",
                helo: "pps.filterd", rdns: "m0098399.ppops.net", by: "mx0a-001b2d01.pphosted.com", with: "SMTP",
                id: "03MEX8c6114188"),
            expected: [
                X(
                    product: "Sendmail", version: "8.16.0.42", exact: true, evidence: "8.16.0.42/8.16.0.42",
                    note: "8.16.0.x is the Sendmail build Proofpoint ships"),
                X(
                    product: "Proofpoint", exact: false, role: "filter re-injection",
                    evidence: "mx0a-001b2d01.pphosted.com"),
            ]),
        ReceivedCase(
            name: "Proofpoint hosted, from Exchange Online Protection",
            header: received(
                "from nam10-dm6-obe.outbound.protection.outlook.com (mail-dm6nam10lp2109.outbound.protection.outlook.com [104.47.58.109]) by mx0a-0064b401.pphosted.com with ESMTP id 3934d9r653-1 (version=TLSv1.2 cipher=ECDHE-RSA-AES256-GCM-SHA384 bits=256 verify=NOT); Thu, 10 Jun 2021 01:49:21 +0000",
                helo: "nam10-dm6-obe.outbound.protection.outlook.com",
                rdns: "mail-dm6nam10lp2109.outbound.protection.outlook.com",
                by: "mx0a-0064b401.pphosted.com", with: "ESMTP", id: "3934d9r653-1"),
            expected: [
                X(product: "Proofpoint", exact: false, evidence: "mx0a-0064b401.pphosted.com"),
                X(
                    product: "Exchange Online Protection", exact: false, role: "outbound",
                    evidence: "mail-dm6nam10lp2109.outbound.protection.outlook.com", side: .from),
            ]),
        ReceivedCase(
            name: "qmail from uid",
            header: received(
                "(qmail 10681 invoked by uid 404); 14 Nov 2003 08:05:52 -0000",
                commentOnly: "(qmail 10681 invoked by uid 404)"),
            expected: [
                X(
                    product: "qmail", exact: true, role: "local injection (qmail-inject)",
                    evidence: "qmail 10681 invoked by uid 404")
            ]),
        ReceivedCase(
            name: "qmail from network (comment without brackets)",
            header: received(
                "(qmail 87263 messnum 771997 invoked from network[83.70.48.2/83-70-48-2.bas2.dbn.dublin.eircom.net]); 8 Mar 2004 23:59:05 -0000",
                commentOnly:
                    "qmail 87263 messnum 771997 invoked from network[83.70.48.2/83-70-48-2.bas2.dbn.dublin.eircom.net]"),
            expected: [
                X(
                    product: "qmail", exact: true, role: "network (qmail-smtpd)",
                    evidence:
                        "qmail 87263 messnum 771997 invoked from network[83.70.48.2/83-70-48-2.bas2.dbn.dublin.eircom.net]"
                )
            ]),
        ReceivedCase(
            name: "qmail-ldap",
            header: received(
                "from unknown (HELO [81.64.159.45]) ([81.64.159.45]) (envelope-sender <xyz@example.org>) by 212.198.2.120 (qmail-ldap-1.03) with SMTP for <zyx@somewhere.net>; 28 Nov 2003 20:44:45 -0000",
                helo: "[81.64.159.45]", rdns: "unknown", byIP: "212.198.2.120", with: "SMTP"),
            expected: [X(product: "qmail-ldap", version: "1.03", exact: true, evidence: "qmail-ldap-1.03")]),
        ReceivedCase(
            name: "MDaemon",
            header: received(
                "smtp510.aspkunden.de [(134.97.4.21)] by mail.aspemail.de (134.97.4.24) (MDaemon PRO v19.0.2)  with ESMTP id md50018233933.msg; Tue, 16 Jul 2019 11:39:22 +0200",
                by: "mail.aspemail.de", with: "ESMTP", id: "md50018233933.msg", software: ["MDaemon PRO v19.0.2"]),
            expected: [
                X(
                    product: "MDaemon", version: "19.0.2", exact: true, evidence: "MDaemon PRO v19.0.2",
                    note: "PRO edition")
            ]),
        ReceivedCase(
            name: "MDaemon old form",
            header: received(
                "from acecomms [202.83.84.95] by mailscan.acenet.net.au [202.83.84.27] with SMTP (MDaemon.PRO.v5.0.6.R) for <x@example.au>; Fri, 21 Feb 2003 09:32:27 +1000",
                helo: "acecomms", by: "mailscan.acenet.net.au", with: "SMTP"),
            expected: [
                X(
                    product: "MDaemon", version: "5.0.6", exact: true, evidence: "MDaemon.PRO.v5.0.6.R",
                    note: "PRO edition")
            ]),
        ReceivedCase(
            name: "Lotus Domino",
            header: received(
                "from fox-host8.localdomain ([10.74.120.8]) by szsmtp06.zte.com.cn (Lotus Domino Release 8.5.3FP6) with ESMTP id 2019050615032991-10027949 ; Mon, 6 May 2019 15:03:29 +0800",
                helo: "fox-host8.localdomain", by: "szsmtp06.zte.com.cn", with: "ESMTP",
                id: "2019050615032991-10027949",
                software: ["Lotus Domino Release 8.5.3FP6"]),
            expected: [
                X(product: "Lotus Domino", version: "8.5.3FP6", exact: true, evidence: "Lotus Domino Release 8.5.3FP6")
            ]),
        ReceivedCase(
            name: "HCL Domino",
            header: received(
                "from a.example.com ([192.0.2.4]) by b.example.com (HCL Domino Release 12.0.2FP1) with ESMTP id 2023010112000000-1 ; Sun, 1 Jan 2023 12:00:00 +0100",
                by: "b.example.com", with: "ESMTP"),
            expected: [
                X(product: "HCL Domino", version: "12.0.2FP1", exact: true, evidence: "HCL Domino Release 12.0.2FP1")
            ]),
        ReceivedCase(
            name: "CommuniGate Pro",
            header: received(
                "from [212.73.124.190] (account user@dom HELO host) by relay2.tomsk.ru (CommuniGate Pro SMTP 5.1.13) with ESMTPSA id 9830625 for x@example.ru; Fri, 1 Jun 2007 10:00:00 +0700",
                by: "relay2.tomsk.ru", with: "ESMTPSA", id: "9830625"),
            expected: [
                X(
                    product: "CommuniGate Pro", version: "5.1.13", exact: true, role: "SMTP",
                    evidence: "CommuniGate Pro SMTP 5.1.13")
            ]),
        ReceivedCase(
            name: "Zimbra mailbox store",
            header: received(
                "from zimbra.thomas-krenn.com (LHLO zimbra.thomas-krenn.com) (127.0.1.1) by zimbra.thomas-krenn.com with LMTP; Mon, 5 Nov 2012 15:08:10 +0100 (CET)",
                helo: "zimbra.thomas-krenn.com", by: "zimbra.thomas-krenn.com", with: "LMTP"),
            expected: [
                X(
                    product: "Zimbra", exact: false, role: "mailbox store (LMTP)",
                    evidence: "LHLO zimbra.thomas-krenn.com")
            ]),
        ReceivedCase(
            name: "Zimbra MTA (Postfix)",
            header: received(
                "from localhost (localhost [127.0.0.1]) by zimbra.thomas-krenn.com (Postfix) with ESMTP id 7CCCA6FC14F for <x@example.com>; Mon,  5 Nov 2012 15:08:10 +0100 (CET)",
                helo: "localhost", rdns: "localhost", by: "zimbra.thomas-krenn.com", with: "ESMTP", id: "7CCCA6FC14F"),
            expected: [
                X(product: "Postfix", exact: true, evidence: "Postfix"),
                X(product: "Zimbra", exact: false, evidence: "zimbra.thomas-krenn.com"),
            ]),
        ReceivedCase(
            name: "IIS SMTP on Windows 2000",
            header: received(
                "from inet-vrs-05.redmond.corp.microsoft.com ([157.54.6.157]) by INET-IMC-05.redmond.corp.microsoft.com with Microsoft SMTPSVC(5.0.2195.6624); Thu, 6 Mar 2003 12:02:35 -0800",
                helo: "inet-vrs-05.redmond.corp.microsoft.com", by: "INET-IMC-05.redmond.corp.microsoft.com",
                with: "Microsoft SMTPSVC(5.0.2195.6624)"),
            expected: [
                X(
                    product: "Microsoft IIS SMTP Service", version: "5.0.2195.6624", release: "Windows 2000",
                    exact: true,
                    evidence: "Microsoft SMTPSVC(5.0.2195.6624)")
            ]),
        ReceivedCase(
            name: "IIS SMTP on Windows Server 2003",
            header: received(
                "from sncexbr1.corp.nai.org ([161.69.5.246]) by dalexbr1.corp.nai.org with Microsoft SMTPSVC(6.0.3790.3959);  Wed, 8 Sep 2010 00:50:57 -0500",
                helo: "sncexbr1.corp.nai.org", by: "dalexbr1.corp.nai.org", with: "Microsoft SMTPSVC(6.0.3790.3959)"),
            expected: [
                X(
                    product: "Microsoft IIS SMTP Service", version: "6.0.3790.3959", release: "Windows Server 2003",
                    exact: true,
                    evidence: "Microsoft SMTPSVC(6.0.3790.3959)")
            ]),
        ReceivedCase(
            name: "Hotmail pickup",
            header: received(
                "from mail pickup service by hotmail.com with Microsoft SMTPSVC; Tue, 16 Mar 2004 18:12:31 -0800",
                helo: "mail pickup service", by: "hotmail.com", with: "Microsoft SMTPSVC"),
            expected: [
                X(
                    product: "Microsoft IIS SMTP Service", exact: true, role: "mail pickup service (local submission)",
                    evidence: "Microsoft SMTPSVC"),
                X(product: "Outlook.com (Hotmail)", exact: false, evidence: "hotmail.com"),
            ]),
        // The article's bt.com case, bottom (oldest) to top.
        ReceivedCase(
            name: "bt.com hop 1: Exchange 2010 SP3 RU5",
            header: received(
                "from tbhext01.m0noc.net (82.70.154.45) by smtpe1.intersmtp.com (62.239.224.235) with Microsoft SMTP Server id 14.3.181.6",
                helo: "tbhext01.m0noc.net", by: "smtpe1.intersmtp.com", with: "Microsoft SMTP Server",
                serverBuild: "14.3.181.6"),
            expected: [
                X(
                    product: "Microsoft Exchange Server 2010", version: "14.3.181.6",
                    release: "Exchange Server 2010 SP3 Update Rollup 5", exact: true,
                    evidence: "Microsoft SMTP Server id 14.3.181.6")
            ]),
        ReceivedCase(
            name: "bt.com hop 2: Exchange 2007 SP3 RU12, revision differs",
            header: received(
                "from smtpe1.intersmtp.com (10.187.98.11) by EVMHT66-UKRD.domain1.systemhost.net (10.36.3.103) with Microsoft SMTP Server id 8.3.342.0",
                helo: "smtpe1.intersmtp.com", by: "EVMHT66-UKRD.domain1.systemhost.net", with: "Microsoft SMTP Server",
                serverBuild: "8.3.342.0"),
            expected: [
                X(
                    product: "Microsoft Exchange Server 2007", version: "8.3.342.0",
                    release: "Exchange Server 2007 SP3 Update Rollup 12", exact: false,
                    evidence: "Microsoft SMTP Server id 8.3.342.0", note: "revision differs")
            ]),
        ReceivedCase(
            name: "bt.com hop 4: EOP front door, Exchange Online",
            header: received(
                "from RDW083A006ED62.bt.com (62.239.224.235) by VE1EUR02FT011.mail.protection.outlook.com (10.152.12.150) with Microsoft SMTP Server id 15.1.587.6 via Frontend Transport",
                helo: "RDW083A006ED62.bt.com", by: "VE1EUR02FT011.mail.protection.outlook.com",
                with: "Microsoft SMTP Server",
                via: "Frontend Transport", serverBuild: "15.1.587.6"),
            expected: [
                X(
                    product: "Exchange Online", version: "15.1.587.6", exact: false, role: "Frontend Transport",
                    evidence: "Microsoft SMTP Server id 15.1.587.6", note: "Exchange 2016 code line"),
                X(
                    product: "Exchange Online Protection", exact: false, role: "inbound front door",
                    evidence: "VE1EUR02FT011.mail.protection.outlook.com"),
            ]),
        ReceivedCase(
            name: "bt.com hop 5: Exchange Online frontend",
            header: received(
                "from VE1EUR02FT011.eop-EUR02.prod.protection.outlook.com (2a01:111:f400:7e06::204) by HE1PR06CA0108.outlook.office365.com (2a01:111:e400:7a1b::34) with Microsoft SMTP Server id 15.1.587.13 via Frontend Transport",
                helo: "VE1EUR02FT011.eop-EUR02.prod.protection.outlook.com", by: "HE1PR06CA0108.outlook.office365.com",
                with: "Microsoft SMTP Server", serverBuild: "15.1.587.13"),
            expected: [
                X(
                    product: "Exchange Online", version: "15.1.587.13", exact: false, role: "Frontend Transport",
                    evidence: "Microsoft SMTP Server id 15.1.587.13", note: "Exchange 2016 code line")
            ]),
        ReceivedCase(
            name: "bt.com hop 6: Exchange Online mailbox",
            header: received(
                "from HE1PR06CA0108.eurprd06.prod.outlook.com (10.169.114.34) by DB5PR06MB1495.eurprd06.prod.outlook.com (10.164.40.141) with Microsoft SMTP Server id 15.1.557.21",
                helo: "HE1PR06CA0108.eurprd06.prod.outlook.com", by: "DB5PR06MB1495.eurprd06.prod.outlook.com",
                with: "Microsoft SMTP Server", serverBuild: "15.1.557.21"),
            expected: [
                X(
                    product: "Exchange Online", version: "15.1.557.21", exact: false,
                    evidence: "Microsoft SMTP Server id 15.1.557.21", note: "Exchange 2016 code line")
            ]),
        ReceivedCase(
            name: "Exchange Online MAPI, long-form revision",
            header: received(
                "from CO1PR11MB5089.namprd11.prod.outlook.com ([fe80::5874:aaae:2f96:918a]) by CO1PR11MB5089.namprd11.prod.outlook.com ([fe80::5874:aaae:2f96:918a%9]) with mapi id 15.20.5546.023; Mon, 22 Aug 2022 17:09:35 +0000",
                helo: "CO1PR11MB5089.namprd11.prod.outlook.com", by: "CO1PR11MB5089.namprd11.prod.outlook.com",
                with: "mapi"),
            expected: [
                X(
                    product: "Exchange Online", version: "15.20.5546.23", exact: false, role: "MAPI (mailbox server)",
                    evidence: "mapi id 15.20.5546.023", note: "never shipped on-premises")
            ]),
        ReceivedCase(
            name: "Exchange Online 15.20 with TLS details",
            header: received(
                "from SATLEXMB04.amd.com (165.204.84.17) by SJ1PEPF00001CDD.mail.protection.outlook.com (10.167.242.5) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256) id 15.20.7202.16 via Frontend Transport; Tue, 6 Feb 2024 15:59:35 +0000",
                helo: "SATLEXMB04.amd.com", by: "SJ1PEPF00001CDD.mail.protection.outlook.com",
                with: "Microsoft SMTP Server",
                via: "Frontend Transport", serverBuild: "15.20.7202.16"),
            expected: [
                X(
                    product: "Exchange Online", version: "15.20.7202.16", exact: false, role: "Frontend Transport",
                    evidence:
                        "Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256) id 15.20.7202.16"
                ),
                X(
                    product: "Exchange Online Protection", exact: false, role: "inbound front door",
                    evidence: "SJ1PEPF00001CDD.mail.protection.outlook.com"),
            ]),
        ReceivedCase(
            name: "Exchange 2010 on-premises (AMD)",
            header: received(
                "from rico-code.amd.com (10.34.1.3) by SATLEXCHOV01.amd.com (10.181.40.71) with Microsoft SMTP Server id 14.3.389.1; Wed, 28 Aug 2019 06:00:29 -0500",
                helo: "rico-code.amd.com", by: "SATLEXCHOV01.amd.com", with: "Microsoft SMTP Server"),
            expected: [
                X(
                    product: "Microsoft Exchange Server 2010", version: "14.3.389.1",
                    release: "Exchange Server 2010 SP3 Update Rollup 20", exact: true,
                    evidence: "Microsoft SMTP Server id 14.3.389.1")
            ]),
        ReceivedCase(
            name: "Exchange 2016 on-premises frontend (Microchip)",
            header: received(
                "from chn-vm-ex02.mchp-main.com (10.10.85.144) by chn-vm-ex02.mchp-main.com (10.10.85.144) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.1.2375.17 via Frontend Transport; Thu, 2 Jun 2022 10:00:00 -0700",
                helo: "chn-vm-ex02.mchp-main.com", by: "chn-vm-ex02.mchp-main.com", with: "Microsoft SMTP Server",
                via: "Frontend Transport", serverBuild: "15.1.2375.17"),
            expected: [
                X(
                    product: "Microsoft Exchange Server 2016", version: "15.1.2375.17",
                    release: "Exchange Server 2016 CU22 Nov21SU", exact: true, role: "Frontend Transport",
                    evidence:
                        "Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.1.2375.17"
                )
            ]),
        ReceivedCase(
            name: "Exchange 2016 mailbox transport",
            header: received(
                "from ex1.example.com (10.0.0.1) by ex2.example.com (10.0.0.2) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P256) id 15.1.2507.34 via Mailbox Transport; Tue, 7 Nov 2023 10:00:00 +0100",
                by: "ex2.example.com", with: "Microsoft SMTP Server", serverBuild: "15.1.2507.34"),
            expected: [
                X(
                    product: "Microsoft Exchange Server 2016", version: "15.1.2507.34",
                    release: "Exchange Server 2016 CU23 Oct23SU", exact: true, role: "Mailbox Transport",
                    evidence:
                        "Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P256) id 15.1.2507.34"
                )
            ]),
        ReceivedCase(
            name: "Exchange 5.5 Internet Mail Service",
            header: received(
                "by SPIDERMAN with Internet Mail Service (5.5.2653.19) id <19AF8VY2>; Tue, 25 Mar 2003 11:58:27 -0500",
                by: "SPIDERMAN", with: "Internet Mail Service", id: "<19AF8VY2>", serverBuild: "5.5.2653.19"),
            expected: [
                X(
                    product: "Microsoft Exchange Server 5.5", version: "5.5.2653.19",
                    release: "Exchange Server 5.5 SP4",
                    exact: false, role: "Internet Mail Service", evidence: "Internet Mail Service (5.5.2653.19)",
                    note: "revision differs")
            ]),
        ReceivedCase(
            name: "Gmail inbound MX",
            header: received(
                "from mga07.intel.com (mga07.intel.com. [134.134.136.100]) by mx.google.com with ESMTPS id n9si146219pll.307.2017.09.27.16.56.22 for <linux-mm@kvack.org> (version=TLS1_2 cipher=ECDHE-RSA-AES128-GCM-SHA256 bits=128/128); Wed, 27 Sep 2017 16:56:23 -0700 (PDT)",
                helo: "mga07.intel.com", rdns: "mga07.intel.com.", by: "mx.google.com", with: "ESMTPS",
                id: "n9si146219pll.307.2017.09.27.16.56.22"),
            expected: [X(product: "Gmail", exact: false, role: "inbound MX", evidence: "mx.google.com")]),
        ReceivedCase(
            name: "Gmail submission",
            header: received(
                "from localhost ([122.172.59.240]) by smtp.gmail.com with ESMTPSA id k141sm1520411pfd.9.2021.01.20.20.14.19 (version=TLS1_2 cipher=ECDHE-ECDSA-AES128-GCM-SHA256 bits=128/128); Wed, 20 Jan 2021 20:14:20 -0800 (PST)",
                helo: "localhost", by: "smtp.gmail.com", with: "ESMTPSA", id: "k141sm1520411pfd.9.2021.01.20.20.14.19"),
            expected: [X(product: "Gmail", exact: false, role: "authenticated submission", evidence: "smtp.gmail.com")]),
        ReceivedCase(
            name: "Gmail internal hop",
            header: received(
                "by 2002:a05:6214:400e:b0:4b4:3f86:b38 with SMTP id kd14-20020a056214400e00b004b43f860b38mr914856qvb.17.1666985097119; Fri, 28 Oct 2022 12:24:57 -0700 (PDT)",
                byIP: "2002:a05:6214:400e:b0:4b4:3f86:b38", with: "SMTP",
                id: "kd14-20020a056214400e00b004b43f860b38mr914856qvb.17.1666985097119"),
            expected: [
                X(
                    product: "Gmail", exact: false, role: "internal hop",
                    evidence: "kd14-20020a056214400e00b004b43f860b38mr914856qvb.17.1666985097119")
            ]),
        ReceivedCase(
            name: "Yahoo Hermes",
            header: received(
                "by hermes--production-gq1-5d95dc458-dxlpk (Yahoo Inc. Hermes SMTP Server) with ESMTPA ID cc2d6a8057ac7b246e10bf9aa95792e4; Fri, 30 Aug 2024 00:40:41 +0000 (UTC)",
                by: "hermes--production-gq1-5d95dc458-dxlpk", with: "ESMTPA", id: "cc2d6a8057ac7b246e10bf9aa95792e4"),
            expected: [
                X(
                    product: "Yahoo Mail", exact: true, role: "Hermes SMTP Server",
                    evidence: "Yahoo Inc. Hermes SMTP Server")
            ]),
        ReceivedCase(
            name: "Yahoo webmail",
            header: received(
                "from sonic.gate.mail.ne1.yahoo.com by sonic305.consmr.mail.ne1.yahoo.com with HTTP; Fri, 30 Aug 2024 00:40:45 +0000",
                helo: "sonic.gate.mail.ne1.yahoo.com", by: "sonic305.consmr.mail.ne1.yahoo.com", with: "HTTP"),
            expected: [
                X(
                    product: "Yahoo Mail", exact: false, role: "webmail (HTTP)",
                    evidence: "sonic305.consmr.mail.ne1.yahoo.com")
            ]),
        ReceivedCase(
            name: "Amazon SES injection",
            header: received(
                "from unit-962 (gw.intellij.net [81.3.129.2]) by email-smtp.amazonaws.com with SMTP (SimpleEmailService-2411284699) id m5EzpqQHGIcybKZokdSr for bounce@simulator.amazonses.com; Mon, 30 Oct 2017 13:42:10 +0000 (UTC)",
                helo: "unit-962", rdns: "gw.intellij.net", by: "email-smtp.amazonaws.com", with: "SMTP",
                id: "m5EzpqQHGIcybKZokdSr"),
            expected: [
                X(product: "Amazon SES", exact: true, role: "SMTP injection", evidence: "SimpleEmailService-2411284699")
            ]),
        ReceivedCase(
            name: "Amazon SES egress into Gmail",
            header: received(
                "from a9-54.smtp-out.amazonses.com (a9-54.smtp-out.amazonses.com. [54.240.9.54]) by mx.google.com with ESMTPS id s7si1058198qtk.82.2019.02.26.07.16.44 for <linux-mm@kvack.org> (version=TLS1_2 cipher=ECDHE-RSA-AES128-SHA bits=128/128); Tue, 26 Feb 2019 07:16:45 -0800 (PST)",
                helo: "a9-54.smtp-out.amazonses.com", rdns: "a9-54.smtp-out.amazonses.com.", by: "mx.google.com",
                with: "ESMTPS"),
            expected: [
                X(product: "Gmail", exact: false, role: "inbound MX", evidence: "mx.google.com"),
                X(
                    product: "Amazon SES", exact: false, role: "egress", evidence: "a9-54.smtp-out.amazonses.com.",
                    side: .from,
                    note: "the sending host's reverse DNS name"),
            ]),
        ReceivedCase(
            name: "SendGrid",
            header: received(
                "from mail.com (unknown) by ismtpd0007p1las1.sendgrid.net (SG) with ESMTP id bJq-2YXIQgaiBIOsj0JVQw for <linux1394-devel@lists.sourceforge.net>; Thu, 27 Aug 2020 00:57:28.016 +0000 (UTC)",
                helo: "mail.com", rdns: "unknown", by: "ismtpd0007p1las1.sendgrid.net", with: "ESMTP",
                id: "bJq-2YXIQgaiBIOsj0JVQw"),
            expected: [
                X(product: "SendGrid", exact: true, role: "SMTP injection", evidence: "ismtpd0007p1las1.sendgrid.net")
            ]),
        ReceivedCase(
            name: "Mailgun API",
            header: received(
                "by luna.mailgun.net with HTTP; Tue, 26 Nov 2013 17:59:11 +0000", by: "luna.mailgun.net", with: "HTTP"),
            expected: [X(product: "Mailgun", exact: false, role: "API injection", evidence: "luna.mailgun.net")]),
        ReceivedCase(
            name: "Postmark on KumoMTA",
            header: received(
                "from ip-172-26-13-170.us-east-2.compute.internal (172.26.13.170) by production-pmta-useast2.internal.postmarkapp.com (KumoMTA 10.97.243.36) with ESMTP id 4447b7cba49711f193a1029a3bbaa975 for <git@vger.kernel.org>; Sun, 30 Aug 2026 17:21:41 +0000",
                helo: "ip-172-26-13-170.us-east-2.compute.internal",
                by: "production-pmta-useast2.internal.postmarkapp.com",
                with: "ESMTP", id: "4447b7cba49711f193a1029a3bbaa975"),
            expected: [
                X(
                    product: "KumoMTA", exact: true, evidence: "KumoMTA 10.97.243.36",
                    note: "the value after KumoMTA (10.97.243.36) is an internal address, not a version"),
                X(
                    product: "Postmark", exact: false, role: "outbound",
                    evidence: "production-pmta-useast2.internal.postmarkapp.com"),
            ]),
        ReceivedCase(
            name: "Mimecast from Gmail",
            header: received(
                "from mail-wr1-f70.google.com (mail-wr1-f70.google.com [209.85.221.70]) (Using TLS) by relay.mimecast.com with ESMTP id us-mta-70-QoC7Zm2TNeKz8FeXi2vldA-1; Tue, 06 Apr 2021 06:03:02 -0400",
                helo: "mail-wr1-f70.google.com", rdns: "mail-wr1-f70.google.com", by: "relay.mimecast.com",
                with: "ESMTP",
                id: "us-mta-70-QoC7Zm2TNeKz8FeXi2vldA-1"),
            expected: [
                X(product: "Mimecast", exact: false, role: "inbound relay", evidence: "relay.mimecast.com"),
                X(product: "Gmail", exact: false, role: "outbound", evidence: "mail-wr1-f70.google.com", side: .from),
            ]),
        ReceivedCase(
            name: "Barracuda Spam Firewall",
            header: received(
                "from sceptre.pobox.com (sceptre.pobox.com [207.106.133.20]) by spam.laptop.org (Spam Firewall) with ESMTP id 13D76D6F9 for <sugar@laptop.org>; Fri,  9 Feb 2007 13:20:24 -0500 (EST)",
                helo: "sceptre.pobox.com", rdns: "sceptre.pobox.com", by: "spam.laptop.org", with: "ESMTP",
                id: "13D76D6F9"),
            expected: [X(product: "Barracuda Email Security Gateway", exact: false, evidence: "Spam Firewall")]),
        ReceivedCase(
            name: "Cisco IronPort cloud",
            header: received(
                "from unknown (HELO email.microchip.com) ([170.129.1.10]) by esa5.microchip.iphmx.com with ESMTP/TLS/ECDHE-RSA-AES128-GCM-SHA256; 07 May 2026 01:48:58 -0700",
                helo: "email.microchip.com", rdns: "unknown", by: "esa5.microchip.iphmx.com",
                with: "ESMTP/TLS/ECDHE-RSA-AES128-GCM-SHA256"),
            expected: [X(product: "Cisco Secure Email (IronPort)", exact: false, evidence: "esa5.microchip.iphmx.com")]),
        ReceivedCase(
            name: "Cisco IronPort on-premises",
            header: received(
                "from ironport.example.com (10.1.1.5) by gw.example.com with ESMTP/TLS/DHE-RSA-AES256-SHA; 01 Apr 2013 12:00:51 -0800",
                by: "gw.example.com", with: "ESMTP/TLS/DHE-RSA-AES256-SHA"),
            expected: [
                X(product: "Cisco Secure Email (IronPort)", exact: false, evidence: "ESMTP/TLS/DHE-RSA-AES256-SHA")
            ]),
        ReceivedCase(
            name: "Symantec MessageLabs",
            header: received(
                "from unknown (HELO lenovo.com) (103.30.234.5) by server-8.tower-406.messagelabs.com with ECDHE-RSA-AES256-GCM-SHA384 encrypted SMTP; 15 Apr 2020 21:51:22 -0000",
                helo: "lenovo.com", rdns: "unknown", by: "server-8.tower-406.messagelabs.com",
                with: "ECDHE-RSA-AES256-GCM-SHA384 encrypted SMTP"),
            expected: [X(product: "Symantec MessageLabs", exact: false, evidence: "server-8.tower-406.messagelabs.com")]
        ),
        ReceivedCase(
            name: "Haraka",
            header: received(
                "from aaa.cn ([1.1.1.1]) by localhost.localdomain (Haraka/2.8.18) with ESMTPA id 349C9C2B-491A-4925-A687-3EF14038C344.1 envelope-from <a@aaa.cn> (authenticated bits=0); Tue, 03 Jul 2018 14:40:19 +0200",
                helo: "aaa.cn", by: "localhost.localdomain", with: "ESMTPA",
                id: "349C9C2B-491A-4925-A687-3EF14038C344.1"),
            expected: [X(product: "Haraka", version: "2.8.18", exact: true, evidence: "Haraka/2.8.18")]),
        ReceivedCase(
            name: "OpenSMTPD",
            header: received(
                "from localhost (example.com [local]) by example.com (OpenSMTPD) with ESMTPA id 5db34e0d for <x@example.com>; Tue, 3 Jul 2018 14:40:19 +0200",
                helo: "localhost", rdns: "example.com", by: "example.com", with: "ESMTPA", id: "5db34e0d"),
            expected: [X(product: "OpenSMTPD", exact: true, evidence: "OpenSMTPD")]),
        ReceivedCase(
            name: "Courier",
            header: received(
                "from (AUTH: e40a9cea) by vqx.net with esmtp (courier-0.40) for <asrg@ietf.org>; Sat, 15 Mar 2003 10:00:00 -0500",
                by: "vqx.net", with: "esmtp"),
            expected: [X(product: "Courier", version: "0.40", exact: true, evidence: "courier-0.40")]),
        ReceivedCase(
            name: "Cyrus",
            header: received(
                "from leonov ([unix socket]) by leonov (Cyrus v2.1.18-IPv6-Debian-2.1.18-1) with LMTPA; Sun, 31 Oct 2004 04:01:23 +0100",
                helo: "leonov", by: "leonov", with: "LMTPA"),
            expected: [
                X(
                    product: "Cyrus IMAP", version: "2.1.18", exact: true, role: "mailbox delivery (LMTP)",
                    evidence: "Cyrus v2.1.18-IPv6-Debian-2.1.18-1")
            ]),
        ReceivedCase(
            name: "Halon, from Proton Mail",
            header: received(
                "from mail-10629.protonmail.ch (mail-10629.protonmail.ch [79.135.106.29]) by se1-gles-flk1.inumbo.com (Halon) with ESMTPS id bf3b71f5-0e84-11f0-9ffb-bf95429c2676; Tue, 1 Apr 2025 10:00:00 +0200",
                helo: "mail-10629.protonmail.ch", rdns: "mail-10629.protonmail.ch", by: "se1-gles-flk1.inumbo.com",
                with: "ESMTPS",
                id: "bf3b71f5-0e84-11f0-9ffb-bf95429c2676"),
            expected: [
                X(product: "Halon", exact: true, evidence: "Halon"),
                X(
                    product: "Proton Mail", exact: false, role: "outbound", evidence: "mail-10629.protonmail.ch",
                    side: .from),
            ]),
        ReceivedCase(
            name: "Coremail, from SES (HELO only)",
            header: received(
                "from a27-38.smtp-out.us-west-2.amazonses.com (unknown [54.240.27.38]) by mx19 (Coremail) with SMTP id x8mowAAX4tcS6zReRf_REg--.49102S3; Sat, 1 Feb 2020 10:00:00 +0800 (CST)",
                helo: "a27-38.smtp-out.us-west-2.amazonses.com", rdns: "unknown", by: "mx19", with: "SMTP",
                id: "x8mowAAX4tcS6zReRf_REg--.49102S3"),
            expected: [
                X(product: "Coremail", exact: true, evidence: "Coremail"),
                X(
                    product: "Amazon SES", exact: false, role: "egress",
                    evidence: "a27-38.smtp-out.us-west-2.amazonses.com",
                    side: .from, note: "the sending host's HELO name (the client's claim)"),
            ]),
        ReceivedCase(
            name: "qpsmtpd",
            header: received(
                "from x (HELO niels) (69.96.3.15) by la.mx.develooper.com (qpsmtpd/0.27-dev) with SMTP; Sat, 15 Mar 2003 10:00:00 -0800",
                helo: "niels", by: "la.mx.develooper.com", with: "SMTP"),
            expected: [X(product: "qpsmtpd", version: "0.27", exact: true, evidence: "qpsmtpd/0.27-dev")]),
        ReceivedCase(
            name: "Kopano",
            header: received(
                "from kopano.local (10.0.0.13:51400) by kopano.local (kopano-dagent) with LMTP; Mon, 1 Jun 2020 10:00:00 +0200",
                helo: "kopano.local", by: "kopano.local", with: "LMTP"),
            expected: [X(product: "Kopano", exact: true, role: "delivery agent (LMTP)", evidence: "kopano-dagent")]),
        ReceivedCase(
            name: "Merak",
            header: received(
                "by dns03.treehousei.com (Merak 8.0.3) with SMTP id ACM38534 for <x@example.com>; Mon, 1 Jun 2005 10:00:00 +0200",
                by: "dns03.treehousei.com", with: "SMTP", id: "ACM38534"),
            expected: [X(product: "IceWarp Merak", version: "8.0.3", exact: true, evidence: "Merak 8.0.3")]),
        ReceivedCase(
            name: "MailEnable",
            header: received(
                "from ([89.79.20.16]) by pop3.m80.net with MailEnable ESMTP; Mon, 1 Jun 2005 10:00:00 +0200",
                by: "pop3.m80.net", with: "MailEnable ESMTP"),
            expected: [X(product: "MailEnable", exact: true, evidence: "MailEnable")]),
        ReceivedCase(
            name: "Sun Java System Messaging Server",
            header: received(
                "by d1-sfbay-01.sun.com (Sun Java System Messaging Server 6.2-4.02 (built Sep  9 2005)) id <0IZO00I01@d1-sfbay-01.sun.com>; Mon, 1 Jun 2007 10:00:00 -0700",
                by: "d1-sfbay-01.sun.com"),
            expected: [
                X(
                    product: "Sun Java System Messaging Server", version: "6.2-4.02", exact: true,
                    evidence: "Sun Java System Messaging Server 6.2-4.02 (built Sep  9 2005)")
            ]),
        ReceivedCase(
            name: "Novell GroupWise",
            header: received(
                "from GWGC6-MTA by gc6.jefferson.co.us with Novell_GroupWise; Mon, 1 Jun 2005 10:00:00 -0600",
                helo: "GWGC6-MTA", by: "gc6.jefferson.co.us", with: "Novell_GroupWise"),
            expected: [X(product: "Novell GroupWise", exact: true, evidence: "Novell_GroupWise")]),
        ReceivedCase(
            name: "Clearswift",
            header: received(
                "from mail.example.com (unverified [192.0.2.8]) by gw.example.com (Clearswift SMTPRS 5.1.7) with ESMTP id <T78926b35f2c0a80003da8@gw.example.com>; Mon, 1 Jun 2005 10:00:00 +0100",
                by: "gw.example.com", with: "ESMTP"),
            expected: [
                X(product: "Clearswift SMTPRS", version: "5.1.7", exact: true, evidence: "Clearswift SMTPRS 5.1.7")
            ]),
        ReceivedCase(
            name: "Ecelerity",
            header: received(
                "from [192.0.2.7] ([192.0.2.7]:55311) by m12.prod.democracyinaction.com (ecelerity 2.1.1.3 r(11743)) with ESMTP id 52/92-02454-89FBA054; Mon, 1 Jun 2008 10:00:00 -0400",
                by: "m12.prod.democracyinaction.com", with: "ESMTP", id: "52/92-02454-89FBA054"),
            expected: [X(product: "Ecelerity", version: "2.1.1.3", exact: true, evidence: "ecelerity 2.1.1.3 r(11743)")]
        ),
        ReceivedCase(
            name: "Forcepoint",
            header: received(
                "from mail.example.com (unknown [192.0.2.3]) by Forcepoint Email with ESMTP id E8759EA64E1B4E4E2FBD; Mon, 1 Jun 2020 10:00:00 +0800",
                by: "Forcepoint", with: "ESMTP", id: "E8759EA64E1B4E4E2FBD"),
            expected: [X(product: "Forcepoint Email Security", exact: true, evidence: "Forcepoint Email")]),
    ]

    @Test(arguments: cases)
    func identifies(_ c: ReceivedCase) {
        let found = SoftwareFingerprinter.identify(c.header, headerIndex: 7)
        #expect(found.map(\.product) == c.expected.map(\.product))
        for (id, x) in zip(found, c.expected) {
            #expect(id.version == x.version, "\(x.product) version")
            #expect(id.exact == x.exact, "\(x.product) exact")
            #expect(id.role == x.role, "\(x.product) role")
            #expect(id.side == x.side, "\(x.product) side")
            #expect(id.evidence == .init(header: "Received", headerIndex: 7, text: x.evidence), "\(x.product) evidence")
            if let release = x.release { #expect(id.release == release) }
            if let note = x.note { #expect(id.note?.contains(note) == true, "\(x.product) note: \(id.note ?? "nil")") }
        }
    }

    @Test func productTagsInTheFromCommentsAreIgnored() {
        // The client chose its HELO name; only what follows `by` is the receiver's.
        let r = received(
            "from x.example (HELO (Postfix)) ([192.0.2.1]) by mx.example.org with SMTP; Mon, 1 Jun 2020 10:00:00 +0000",
            helo: "(Postfix)", by: "mx.example.org", with: "SMTP")
        #expect(SoftwareFingerprinter.identify(r).isEmpty)
    }

    @Test func nothingForAPlainLine() {
        let r = received(
            "from a.example (a.example [192.0.2.1]) by b.example with ESMTP id 12345; Mon, 1 Jun 2020 10:00:00 +0000",
            helo: "a.example", rdns: "a.example", by: "b.example", with: "ESMTP", id: "12345")
        #expect(SoftwareFingerprinter.identify(r).isEmpty)
    }
}

@Suite struct TextScanBoundsTests {
    /// Every `(` of a header is scanned for a product comment; an unclosed one must not make
    /// each scan run to the end of a 100,000-character header.
    @Test func anUnclosedCommentIsCutAtTheBound() {
        let text = Substring(String(repeating: "x(", count: 50_000))
        let inside = TextScan.parenthesized(at: text.index(after: text.startIndex), in: text)
        #expect(inside.count < TextScan.maxComment)
    }

    @Test func aClosedNestedCommentIsReadWhole() {
        let text: Substring = "by m12 (ecelerity 2.1.1.3 r(11743)) with ESMTP"
        let open = text.firstIndex(of: "(")!
        #expect(TextScan.parenthesized(at: open, in: text) == "ecelerity 2.1.1.3 r(11743)")
    }
}

/// The byte-level search and trim against plain Character-level statements of the same rules.
@Suite struct TextScanByteTests {
    @Test func findMatchesACaseFoldedSearch() {
        let text: Substring = "by Mail.Example.ORG (Postfix) with ESMTPS (ünï) id X; (POSTFIX)"[...]
        let r = TextScan.find("(postfix", in: text)
        #expect(r.map { String(text[$0]) } == "(Postfix")
        let again = TextScan.find("(postfix", in: text, from: r!.upperBound)
        #expect(again.map { String(text[$0]) } == "(POSTFIX")
        #expect(TextScan.find("(ünï)", in: text).map { String(text[$0]) } == "(ünï)")
        #expect(TextScan.find("absent", in: text) == nil)
        #expect(TextScan.find("", in: text) == nil)
        #expect(TextScan.find("ORG (Postfix) with ESMTPS (ünï) id X; (POSTFIX) and more", in: text) == nil)
        // A slice of a larger string: offsets are the slice's own.
        let whole = "xx (Exim 4.97) yy"
        let slice = whole[whole.index(whole.startIndex, offsetBy: 3)...]
        #expect(TextScan.find("exim", in: slice).map { String(slice[$0]) } == "Exim")
    }

    @Test(arguments: ["", " ", "\t a b \t", "x", " \u{301}x ", "ü ", " \tü", "a\u{301} "])
    func trimmingSpacesMatchesTheCharacterDefinition(text: String) {
        let reference = String(
            text.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
        #expect(text.trimmingSpaces == reference)
    }
}
