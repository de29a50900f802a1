import HopTraceAuth
import HopTraceCore
import HopTraceDNS
import Testing

@Suite("SPF rendering")
struct SPFRenderingTests {
    static let zone: [String: [DNSRecord]] = [
        "example.com": [txt("v=spf1 a:nx.example.com include:_spf.example.net -all exp=why.example.com")],
        "_spf.example.net": [txt("v=spf1 ip4:198.51.100.0/24")],
        "why.example.com": [txt("\u{1B}[31mnot %{i}\u{202E}")],
    ]

    @Test func jsonHasTheContractFields() async throws {
        let e = await spf(Self.zone, ip: "192.0.2.1", sender: "joe@example.com", helo: "mx.example.org")
        guard case .object(let pairs) = e.jsonValue else {
            Issue.record("not an object")
            return
        }
        let keys = pairs.map(\.0)
        #expect(Array(keys.prefix(7)) == ["result", "explanation", "ip", "domain", "sender", "helo", "identity"])
        for key in ["matched", "trace", "dns_mechanisms", "void_lookups"] { #expect(keys.contains(key)) }
        let dict = Dictionary(uniqueKeysWithValues: pairs)
        #expect(dict["result"] == .string("fail"))
        #expect(dict["sender"] == .string("joe@example.com"))
        guard case .array(let trace)? = dict["trace"], case .object(let step)? = trace.dropFirst().first else {
            Issue.record("trace")
            return
        }
        let stepKeys = step.map(\.0)
        for key in [
            "depth", "action", "domain", "record", "term", "lookups", "dns_mechanisms", "void_lookups", "outcome",
        ] {
            #expect(stepKeys.contains(key), "\(key)")
        }
        let text = e.jsonValue.serialized()
        #expect(text.contains("\"outcome\": \"nxdomain\""))
        #expect(!text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x202E })
        #expect(text.contains("\\u001b[31mnot %{i}\\u202e"))
    }

    @Test func textIsSanitised() async {
        let e = await spf(Self.zone, ip: "192.0.2.1", sender: "joe@example.com", helo: "mx.example.org")
        let text = e.renderText()
        #expect(text.hasPrefix("SPF fail for 192.0.2.1 at example.com\n"))
        // The hostile exp text is refused (control and non-ASCII characters) and shown escaped.
        #expect(text.contains("explanation: DEFAULT"))
        #expect(text.contains("answer \"\\x1B[31mnot %{i}\\u{202E}\""))
        #expect(text.contains("include:_spf.example.net"))
        #expect(text.contains("? nx.example.com A: nxdomain"))
        #expect(!text.unicodeScalars.contains { TerminalText.isUnsafe($0) && $0 != "\n" })
    }

    @Test func hostileRecordTextIsSanitisedInTrace() async {
        let e = await spf(
            ["example.com": [.txt([Array("v=spf1 a:x.example.com\u{1B}]0;pwned\u{7} -all".utf8)])]], ip: "192.0.2.1",
            sender: "u@example.com")
        #expect(e.result == .permerror)
        let text = e.renderText()
        #expect(!text.unicodeScalars.contains { TerminalText.isUnsafe($0) && $0 != "\n" })
        #expect(text.contains("\\x1B]0;pwned\\x07"))
    }

    @Test func noExplanationKeyWhenNone() async {
        let e = await spf(
            ["example.com": [txt("v=spf1 +all")]], ip: "192.0.2.1", sender: "u@example.com", options: SPFOptions())
        guard case .object(let pairs) = e.jsonValue else { return }
        #expect(!pairs.contains { $0.0 == "explanation" })
        #expect(pairs.first { $0.0 == "matched" }?.1 != .null)
    }
}
