import HopTraceCore
import HopTraceMessage
import Testing

@testable import HopTraceAuth

@Suite("Recorded verdicts and vendor headers")
struct VendorVerdictTests {
    /// The article's Raynet headers, top first.
    static let raynet: [RecordedVerdicts.Header] = [
        (name: "Received", value: "from mail.raynet-uk.net (www.raynet-uk.net [88.208.249.159])", index: 0),
        (
            name: "Received", value: "from amg1.gbse.gb.net (amg1.gbse.gb.net [91.234.185.121]) by mail.raynet-uk.net",
            index: 1
        ),
        (
            name: "Received",
            value:
                "from tbhext01.m0noc.net ([82.70.154.45]:33182) by amg1.gbse.gb.net\r\n  with esmtp (Exim 4.82_1-5b7a7c0-XX)",
            index: 2
        ),
        (name: "Subject", value: "[SPAM] test", index: 3),
        (name: "X-hMailServer-Spam", value: "YES", index: 4),
        (name: "X-hMailServer-Reason-1", value: "Blocked by SPF () - (Score: 3)", index: 5),
        (name: "X-hMailServer-Reason-Score", value: "3", index: 6),
    ]

    @Test func raynetHMailServer() throws {
        let v = RecordedVerdicts.extract(from: Self.raynet)
        #expect(v.count == 2)
        let spam = try #require(v.first { $0.method == .spam })
        #expect(spam.word == "spam")
        #expect(spam.methodName == "hmailserver")
        #expect(spam.score == 3)
        #expect(spam.headerIndex == 4)
        let spf = try #require(v.first { $0.method == .spf })
        #expect(spf.word == "fail")
        #expect(spf.spfResult == .fail)
        #expect(spf.inferred)
        #expect(spf.identity == .mailfrom)
        #expect(spf.note == "hMailServer scored the message as spam because SPF failed")
        #expect(spf.score == 3)
        #expect(spf.header == "X-hMailServer-Reason-1")
        #expect(spf.headerIndex == 5)
        #expect(spf.raw == "Blocked by SPF () - (Score: 3)")
    }

    @Test func articleBTHeaders() throws {
        let headers: [RecordedVerdicts.Header] = [
            (name: "Received", value: "from HE1PR06CA0108.eurprd06.prod.outlook.com …", index: 0),
            (name: "Received", value: "from VE1EUR02FT011.eop-EUR02.prod.protection.outlook.com …", index: 1),
            (name: "Authentication-Results", value: articleBTAuthResults, index: 2),
            (name: "Received-SPF", value: articleReceivedSPFFail, index: 3),
            (name: "Received", value: "from RDW083A006ED62.bt.com (62.239.224.235) by …", index: 4),
            (name: "Received-SPF", value: articleReceivedSPFPass, index: 8),
        ]
        let v = RecordedVerdicts.extract(from: headers)
        #expect(v.map(\.method) == [.spf, .dkim, .dmarc, .dkim, .spf, .spf])
        let arSPF = v[0]
        #expect(arSPF.word == "fail")
        #expect(arSPF.identity == .mailfrom)
        #expect(arSPF.domain == "m0noc.net")
        #expect(arSPF.clientIP == IPAddress("62.239.224.235"))
        #expect(arSPF.receiver == nil)
        #expect(arSPF.receiverHints == ["btgroupcloud.mail.onmicrosoft.com", "bt.com"])
        #expect(arSPF.reason == "sender IP is 62.239.224.235")
        #expect(arSPF.headerIndex == 2)
        #expect(v[1].identity == .headerD && v[1].domain == "m0noc.net")
        #expect(v[2].identity == .headerFrom && v[2].domain == "m0noc.net")
        #expect(v[2].note?.contains("oreject") == true)
        let fail = v[4]
        #expect(fail.receiver == "protection.outlook.com")
        #expect(fail.clientIP == IPAddress("62.239.224.235"))
        #expect(fail.helo == "RDW083A006ED62.bt.com")
        #expect(fail.headerIndex == 3)
        let pass = v[5]
        #expect(pass.word == "pass")
        #expect(pass.receiver == "RDW083A006ED62.bt.com")
        #expect(pass.clientIP == IPAddress("82.70.154.45"))
        #expect(pass.helo == "tbhext01.m0noc.net")
        #expect(pass.domain == "m0noc.net")
    }

    @Test func arcVerdictsCarryInstance() {
        let v = RecordedVerdicts.extract(from: [
            (
                name: "ARC-Authentication-Results",
                value:
                    "i=2; mx.google.com; spf=pass (google.com: domain of a@lists.example.org designates 192.0.2.8 as permitted sender) smtp.mailfrom=a@lists.example.org; dkim=pass header.d=lists.example.org",
                index: 0
            ),
            (
                name: "ARC-Authentication-Results",
                value: "i=1; lists.example.org; spf=pass smtp.mailfrom=example.com; dkim=pass header.i=@example.com",
                index: 5
            ),
        ])
        #expect(v.map(\.instance) == [2, 2, 1, 1])
        #expect(v[0].receiver == "mx.google.com")
        #expect(v[0].clientIP == IPAddress("192.0.2.8"))
        #expect(v[0].domain == "lists.example.org")
        #expect(v[3].identity == .headerI)
        #expect(v[3].domain == "example.com")
        #expect(v[2].headerIndex == 5)
    }

    @Test func spamAssassinStatus() throws {
        let v = RecordedVerdicts.extract(from: [
            (
                name: "X-Spam-Status",
                value:
                    "Yes, score=7.1 required=5.0 tests=BAYES_50,DKIM_INVALID,\r\n\tDKIM_SIGNED,SPF_FAIL,SPF_HELO_NONE,T_DMARC_REJECT autolearn=no\r\n\tautolearn_force=no version=3.4.6",
                index: 3
            ),
            (name: "X-Spam-Flag", value: "YES", index: 4),
        ])
        let spam = try #require(v.first { $0.method == .spam && $0.header == "X-Spam-Status" })
        #expect(spam.word == "spam")
        #expect(spam.score == 7.1)
        let spf = v.filter { $0.method == .spf }
        #expect(spf.map(\.word) == ["fail", "none"])
        #expect(spf.map(\.identity) == [.mailfrom, .helo])
        #expect(v.contains { $0.method == .dkim && $0.word == "fail" })
        #expect(v.contains { $0.method == .dmarc && $0.word == "fail" && $0.reason == "T_DMARC_REJECT" })
        #expect(!v.contains { $0.method == .dkim && $0.reason == "DKIM_SIGNED" })
        #expect(v.contains { $0.header == "X-Spam-Flag" && $0.word == "spam" })
    }

    @Test func amavisBracketedTests() {
        let v = VendorVerdicts.read(
            name: "X-Spam-Status",
            value:
                "No, score=-1.2 tagged_above=-999 required=6.2 tests=[BAYES_00=-1.9, DKIM_SIGNED=0.1, DKIM_VALID=-0.1, DKIM_VALID_AU=-0.1, SPF_PASS=-0.001, SPF_HELO_PASS=-0.001, DMARC_PASS=-0.1] autolearn=ham",
            index: 1)
        #expect(v.first?.word == "ham")
        #expect(v.first?.score == -1.2)
        #expect(v.filter { $0.method == .spf }.map(\.word) == ["pass", "pass"])
        #expect(v.filter { $0.method == .dkim }.count == 2)
        #expect(v.contains { $0.method == .dmarc && $0.word == "pass" })
    }

    struct VendorCase: Sendable, CustomTestStringConvertible {
        var header: String
        var value: String
        var method: AuthMethod
        var result: String
        var clientIP: String? = nil
        var helo: String? = nil
        var score: Double? = nil
        var testDescription: String { "\(header): \(value.prefix(40))" }
    }

    static let vendorCases: [VendorCase] = [
        VendorCase(
            header: "X-MS-Exchange-Organization-AuthAs", value: "Anonymous", method: .other, result: "anonymous"),
        VendorCase(header: "X-MS-Exchange-Organization-AuthAs", value: "Internal", method: .other, result: "internal"),
        VendorCase(header: "X-MS-Exchange-Organization-AuthAs", value: "Partner", method: .other, result: "partner"),
        VendorCase(header: "X-MS-Exchange-Organization-SCL", value: "5", method: .spam, result: "spam", score: 5),
        VendorCase(header: "X-MS-Exchange-Organization-SCL", value: "-1", method: .spam, result: "bypassed", score: -1),
        VendorCase(header: "X-MS-Exchange-Organization-SCL", value: "1", method: .spam, result: "ham", score: 1),
        VendorCase(
            header: "X-Forefront-Antispam-Report",
            value:
                "CIP:62.239.224.235;CTRY:GB;LANG:en;SCL:5;SRV:;IPV:NLI;SFV:SPM;H:RDW083A006ED62.bt.com;PTR:smtpe1.intersmtp.com;CAT:SPM;SFS:(13230031)(4636009)(376002);DIR:INB;",
            method: .spam, result: "spam", clientIP: "62.239.224.235", helo: "RDW083A006ED62.bt.com", score: 5),
        VendorCase(
            header: "X-Forefront-Antispam-Report",
            value:
                "CIP:203.0.113.5;IPV:NLI;CTRY:US;EFV:NLI;SFV:NSPM;SFS:(10019020);DIR:INB;SFP:;SCL:1;SRVR:AM5PR0101MB2034;H:mail.example.com;FPR:;SPF:None;",
            method: .spam, result: "ham", clientIP: "203.0.113.5", helo: "mail.example.com", score: 1),
        VendorCase(
            header: "X-Forefront-Antispam-Report-Untrusted", value: "CIP:2a01:111:f400:7e06::204;SFV:SKI;SCL:-1",
            method: .spam, result: "skipped",
            clientIP: "2a01:111:f400:7e06::204", score: -1),
        VendorCase(header: "X-Microsoft-Antispam", value: "BCL:0;", method: .spam, result: "not-bulk", score: 0),
        VendorCase(
            header: "X-Microsoft-Antispam", value: "UriScan:;BCL:8;PCL:0;RULEID:(2390118)", method: .spam,
            result: "bulk", score: 8),
        VendorCase(header: "X-Mimecast-Spam-Score", value: "12", method: .spam, result: "scored", score: 12),
        VendorCase(header: "X-Spam-Flag", value: "NO", method: .spam, result: "ham"),
        VendorCase(header: "X-hMailServer-Spam", value: "NO", method: .spam, result: "ham"),
        VendorCase(
            header: "X-hMailServer-Reason-2", value: "Blocked by DKIM () - (Score: 5)", method: .dkim, result: "fail",
            score: 5),
        VendorCase(
            header: "X-hMailServer-Reason-1", value: "Blocked by DNSBL - zen.spamhaus.org - (Score: 5)", method: .spam,
            result: "spam", score: 5),
        VendorCase(
            header: "X-hMailServer-Reason-3",
            value: "The host name specified in HELO does not match IP address. - (Score: 2)", method: .spam,
            result: "spam", score: 2),
    ]

    @Test(arguments: vendorCases)
    func vendorHeaders(_ c: VendorCase) throws {
        let v = RecordedVerdicts.extract(from: [(name: c.header, value: c.value, index: 7)])
        let first = try #require(v.first)
        #expect(first.method == c.method)
        #expect(first.word == c.result)
        #expect(first.clientIP == c.clientIP.flatMap { IPAddress($0) })
        #expect(first.helo == c.helo)
        #expect(first.score == c.score)
        #expect(first.headerIndex == 7)
        #expect(first.header == c.header)
        #expect(first.raw == c.value)
    }

    @Test func headerBlockAndOriginal() {
        func field(_ name: String, _ value: String, _ index: Int) -> HeaderField {
            HeaderField(
                name: name, value: value, raw: Array("\(name): \(value)".utf8),
                location: SourceLocation(headerIndex: index, byteRange: 0..<1))
        }
        let block = HeaderBlock(fields: [
            field(
                "Authentication-Results-Original", "spf=pass (sender IP is 198.51.100.30) smtp.mailfrom=example.com;", 0
            ),
            field("X-Other", "x", 1),
            field("authentication-results", "mx.example.net; dkim=pass header.d=example.com", 2),
        ])
        let v = RecordedVerdicts.extract(from: block)
        #expect(v.map(\.header) == ["Authentication-Results-Original", "authentication-results"])
        #expect(v.map(\.headerIndex) == [0, 2])
        #expect(v[0].clientIP == IPAddress("198.51.100.30"))
        #expect(v[1].receiver == "mx.example.net")
    }

    @Test func authAsMeaning() {
        let v = VendorVerdicts.read(name: "X-MS-Exchange-Organization-AuthAs", value: "Anonymous", index: nil)
        #expect(v.first?.note?.contains("anonymous") == true)
    }

    @Test func forefrontOldSPFField() {
        let v = VendorVerdicts.read(
            name: "X-Forefront-Antispam-Report", value: "CIP:62.239.224.235;SFV:SPM;H:RDW083A006ED62.bt.com;SPF:Fail;",
            index: 2)
        #expect(v.contains { $0.method == .spf && $0.word == "fail" && $0.clientIP == IPAddress("62.239.224.235") })
    }

    @Test func unrelatedHeadersIgnored() {
        let v = RecordedVerdicts.extract(from: [
            (name: "Subject", value: "spf=fail", index: 0), (name: "X-Spam-Level", value: "****", index: 1),
            (name: "X-MS-Exchange-Organization-SCL", value: "not a number", index: 2),
        ])
        #expect(v.isEmpty)
    }

    @Test func hostileVendorValues() {
        let huge = String(repeating: "A:B;", count: 50_000)
        _ = VendorVerdicts.read(name: "X-Forefront-Antispam-Report", value: huge, index: 0)
        let tests =
            "Yes, score=1 tests=" + (0..<20_000).map { "SPF_FAIL\($0 % 2 == 0 ? "" : "X")" }.joined(separator: ",")
        let v = VendorVerdicts.read(name: "X-Spam-Status", value: tests, index: 0)
        #expect(v.count <= VendorVerdicts.maxTests + 1)
        _ = VendorVerdicts.read(
            name: "X-hMailServer-Reason-1", value: "(Score:" + String(repeating: "9", count: 10_000), index: 0)
        _ = VendorVerdicts.read(name: "X-Spam-Status", value: "\0\u{1}score=tests=[", index: 0)
    }
}

/// Recorded verdicts carry their result typed by method, and the parsed value they came from.
@Suite struct TypedVerdictTests {
    @Test func resultsAreTheMethodsEnums() {
        let v = RecordedVerdicts.extract(from: [
            (
                name: "Authentication-Results",
                value:
                    "mx.example.net; spf=hardfail smtp.mailfrom=a@example.com; dkim=permerror header.d=example.com; dmarc=fail action=oreject header.from=example.com; x-foo=bar",
                index: 0
            ),
            (
                name: "Received-SPF",
                value:
                    "Softfail (mx.example.net: domain of a@example.com does not designate 192.0.2.1 as permitted sender) envelope-from=\"a@example.com\"",
                index: 1
            ),
            (name: "X-Spam-Flag", value: "YES", index: 2),
        ])
        #expect(
            v.map(\.result) == [
                .spf(.fail), .dkim(.permerror), .dmarc(.fail), .other("bar"), .spf(.softfail), .other("spam"),
            ])
        #expect(v[0].word == "hardfail")
        #expect(v[0].envelopeSender == "a@example.com")
        #expect(v[2].extensionValue("action") == "oreject")
        #expect(v[4].envelopeSender == "a@example.com")
        #expect(v[5].envelopeSender == nil)
        #expect(v.map(\.result.isFailure) == [true, true, true, false, true, false])
    }
}

/// RFC 8601 property values may be quoted strings: the envelope sender a verdict names is the
/// value without its quotes (an SRS address quoted by its writer once ran the replay for
/// `alumni.example"`).
@Suite struct QuotedPropertyValueTests {
    @Test func aQuotedMailfromIsReadWithoutItsQuotes() throws {
        let v = RecordedVerdicts.extract(from: [
            (
                name: "Authentication-Results",
                value: #"mx.example.net; spf=pass smtp.mailfrom="SRS0=AbCd=VB=alumni.example=bob@forwarder.example""#,
                index: 0
            )
        ])
        let spf = try #require(v.first)
        #expect(spf.envelopeSender == "SRS0=AbCd=VB=alumni.example=bob@forwarder.example")
        #expect(spf.domain == "forwarder.example")
    }
}
