import HopTraceCore
import Testing

@testable import HopTraceAuth

/// The article's two Received-SPF fields, folded as printed.
let articleReceivedSPFFail = """
    Fail (protection.outlook.com: domain of m0noc.net does not
     designate 62.239.224.235 as permitted sender)
     receiver=protection.outlook.com; client-ip=62.239.224.235;
     helo=RDW083A006ED62.bt.com;
    """
let articleReceivedSPFPass = """
    Pass (RDW083A006ED62.bt.com: domain of REDACTED@m0noc.net
     designates 82.70.154.45 as permitted sender) receiver=RDW083A006ED62.bt.com;
     client-ip=82.70.154.45; helo=tbhext01.m0noc.net
    """

struct RSPFCase: Sendable, CustomTestStringConvertible {
    var name: String
    var value: String
    var result: SPFResult?
    var receiver: String?
    var clientIP: String?
    var helo: String?
    var domain: String?
    var identity: SPFIdentity = .mailFrom
    var envelopeFrom: String? = nil
    var testDescription: String { name }
}

@Suite("Received-SPF parser")
struct ReceivedSPFParserTests {
    static let cases: [RSPFCase] = [
        RSPFCase(
            name: "article: Exchange Online Fail", value: articleReceivedSPFFail, result: .fail,
            receiver: "protection.outlook.com", clientIP: "62.239.224.235", helo: "RDW083A006ED62.bt.com",
            domain: "m0noc.net"),
        RSPFCase(
            name: "article: BT Exchange 2010 Pass", value: articleReceivedSPFPass, result: .pass,
            receiver: "RDW083A006ED62.bt.com", clientIP: "82.70.154.45", helo: "tbhext01.m0noc.net", domain: "m0noc.net"
        ),
        RSPFCase(
            name: "RFC 7208 §9.1 example",
            value: """
                pass (mybox.example.org: domain of myname@example.com designates 192.0.2.1 as permitted sender) receiver=mybox.example.org; client-ip=192.0.2.1; envelope-from="myname@example.com"; helo=foo.example.com;
                """, result: .pass, receiver: "mybox.example.org", clientIP: "192.0.2.1", helo: "foo.example.com",
            domain: "example.com",
            envelopeFrom: "myname@example.com"),
        RSPFCase(
            name: "RFC 7208 §9.1 fail with problem",
            value: """
                fail (mybox.example.org: domain of myname@example.com does not designate 192.0.2.1 as permitted sender) identity=mailfrom; client-ip=192.0.2.1; envelope-from="myname@example.com"; receiver=mybox.example.org; mechanism="-all"; problem="over-limit"
                """, result: .fail, receiver: "mybox.example.org", clientIP: "192.0.2.1", helo: nil,
            domain: "example.com",
            envelopeFrom: "myname@example.com"),
        RSPFCase(
            name: "Gmail",
            value: """
                pass (google.com: domain of alice@example.com designates 209.85.220.41 as permitted sender) client-ip=209.85.220.41;
                """, result: .pass, receiver: "google.com", clientIP: "209.85.220.41", helo: nil, domain: "example.com"),
        RSPFCase(
            name: "Gmail softfail transitioning",
            value: """
                softfail (google.com: domain of transitioning bob@example.net does not designate 198.51.100.7 as permitted sender) client-ip=198.51.100.7;
                """, result: .softfail, receiver: "google.com", clientIP: "198.51.100.7", helo: nil,
            domain: "example.net"),
        RSPFCase(
            name: "Microsoft SoftFail, mixed case",
            value: """
                SoftFail (protection.outlook.com: domain of transitioning example.com discourages use of 203.0.113.4 as permitted sender)
                """, result: .softfail, receiver: "protection.outlook.com", clientIP: "203.0.113.4", helo: nil,
            domain: "example.com"),
        RSPFCase(
            name: "pypolicyd-spf mailfrom",
            value: """
                Pass (mailfrom) identity=mailfrom; client-ip=198.51.100.20; helo=mail.example.com; envelope-from=bounce@example.com; receiver=<UNKNOWN>
                """, result: .pass, receiver: nil, clientIP: "198.51.100.20", helo: "mail.example.com",
            domain: "example.com",
            envelopeFrom: "bounce@example.com"),
        RSPFCase(
            name: "pypolicyd-spf helo",
            value: """
                None (no SPF record) identity=helo; client-ip=198.51.100.20; helo=mail.example.com; envelope-from=bounce@example.com; receiver=mx.example.org
                """, result: SPFResult.none, receiver: "mx.example.org", clientIP: "198.51.100.20",
            helo: "mail.example.com", domain: "mail.example.com",
            identity: .helo, envelopeFrom: "bounce@example.com"),
        RSPFCase(
            name: "policyd-spf-perl / Mail::SPF",
            value: """
                pass (example.com: 192.0.2.5 is authorized to use 'alice@example.com' in 'mfrom' identity (mechanism 'ip4:192.0.2.0/24' matched)) receiver=mx.example.org; identity=mailfrom; envelope-from="alice@example.com"; helo=mail.example.com; client-ip=192.0.2.5
                """, result: .pass, receiver: "mx.example.org", clientIP: "192.0.2.5", helo: "mail.example.com",
            domain: "example.com",
            envelopeFrom: "alice@example.com"),
        RSPFCase(
            name: "Mail::SPF helo identity, no key=values",
            value: """
                neutral (mx.example.org: 192.0.2.9 is neither permitted nor denied by domain of relay.example.net in 'helo' identity)
                """, result: .neutral, receiver: "mx.example.org", clientIP: "192.0.2.9", helo: nil,
            domain: "relay.example.net", identity: .helo),
        RSPFCase(
            name: "missing semicolons, folded",
            value:
                "fail (mx.example.org: domain of a@example.com does not designate 192.0.2.77 as permitted sender)\r\n\treceiver=mx.example.org\r\n\tclient-ip=192.0.2.77\r\n\thelo=bad.example\r\n\tenvelope-from=<a@example.com>",
            result: .fail, receiver: "mx.example.org", clientIP: "192.0.2.77", helo: "bad.example",
            domain: "example.com",
            envelopeFrom: "a@example.com"),
        RSPFCase(
            name: "null sender",
            value:
                "pass (mx.example.org: domain of postmaster@mail.example.com designates 192.0.2.3 as permitted sender) client-ip=192.0.2.3; envelope-from=\"\"; helo=mail.example.com;",
            result: .pass, receiver: "mx.example.org", clientIP: "192.0.2.3", helo: "mail.example.com",
            domain: "mail.example.com",
            envelopeFrom: ""),
        RSPFCase(
            name: "RFC 4408 error word",
            value:
                "error (mx.example.org: error in processing during lookup of example.com: DNS timeout) client-ip=192.0.2.4;",
            result: .temperror, receiver: "mx.example.org", clientIP: "192.0.2.4", helo: nil, domain: nil),
        RSPFCase(
            name: "bracketed IPv6 client-ip",
            value:
                "PermError (mx.example.org: permanent error in processing) client-ip=[2001:db8::1]; envelope-from=x@example.org",
            result: .permerror, receiver: "mx.example.org", clientIP: "2001:db8::1", helo: nil, domain: "example.org",
            envelopeFrom: "x@example.org"),
    ]

    @Test(arguments: cases)
    func variants(_ c: RSPFCase) {
        let spf = ReceivedSPFParser.parse(c.value)
        #expect(spf.result == c.result)
        #expect(spf.receiver == c.receiver)
        #expect(spf.clientIP == c.clientIP.flatMap { IPAddress($0) })
        #expect(spf.helo == c.helo)
        #expect(spf.domain == c.domain)
        #expect(spf.identity == c.identity)
        if let e = c.envelopeFrom { #expect(spf.envelopeFrom == e) }
        #expect(spf.raw == c.value)
    }

    @Test func articleFailDetails() {
        let spf = ReceivedSPFParser.parse(articleReceivedSPFFail)
        #expect(spf.resultWord == "Fail")
        #expect(
            spf.comment
                == "protection.outlook.com: domain of m0noc.net does not designate 62.239.224.235 as permitted sender")
        #expect(spf.commentFacts.identity == "m0noc.net")
        #expect(spf.pairs.map(\.key) == ["receiver", "client-ip", "helo"])
        #expect(spf.deviations.isEmpty)
    }

    @Test func problemAndMechanism() {
        let spf = ReceivedSPFParser.parse(Self.cases[3].value)
        #expect(spf.problem == "over-limit")
        #expect(spf.mechanism == "-all")
    }

    @Test func missingSemicolonsNoted() {
        let spf = ReceivedSPFParser.parse(Self.cases[11].value)
        #expect(spf.deviations.contains { $0.message.contains("not separated") })
    }

    @Test(arguments: [
        "", ";;;;", "(((", "\"", "Pass (unterminated", "bogus client-ip=1.2.3.4",
        String(repeating: "x=y; ", count: 20_000),
        "pass\0\u{1}client-ip=192.0.2.1", "=====", String(repeating: "(", count: 50_000),
    ])
    func hostile(_ s: String) {
        let spf = ReceivedSPFParser.parse(s)
        #expect(spf.raw == s)
        #expect(spf.pairs.count <= AuthResultsLimits.maxPropertiesPerResult)
        #expect(spf.deviations.count <= AuthResultsLimits.maxDeviations)
    }

    @Test func unknownResultWord() {
        let spf = ReceivedSPFParser.parse("bogus client-ip=1.2.3.4")
        #expect(spf.result == nil)
        #expect(spf.deviations.contains { $0.message.contains("not an SPF result") })
        #expect(spf.clientIP == IPAddress("1.2.3.4"))
    }
}
