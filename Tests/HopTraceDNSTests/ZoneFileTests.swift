import HopTraceCore
import Testing

@testable import HopTraceDNS

/// Table-driven: each row is a file and what a name must hold after reading it.
struct ZoneSyntaxCase: Sendable, CustomTestStringConvertible {
    var label: String
    var text: String
    var name: String
    var expected: [DNSRecord]
    var testDescription: String { label }
}

private func ip(_ s: String) -> IPAddress { IPAddress(s)! }
private func txt(_ strings: String...) -> DNSRecord { .txt(strings.map { Array($0.utf8) }) }

@Suite struct ZoneFileSyntaxTests {
    static let cases: [ZoneSyntaxCase] = [
        .init(
            label: "absolute name, class and TTL", text: "example.com. 300 IN A 192.0.2.1\n",
            name: "example.com", expected: [.a(ip("192.0.2.1"))]),
        .init(
            label: "class before TTL", text: "example.com. IN 300 A 192.0.2.1\n",
            name: "example.com", expected: [.a(ip("192.0.2.1"))]),
        .init(
            label: "no TTL, no class", text: "example.com. A 192.0.2.1\n",
            name: "example.com", expected: [.a(ip("192.0.2.1"))]),
        .init(
            label: "BIND TTL units", text: "example.com. 1h30m IN A 192.0.2.1\n",
            name: "example.com", expected: [.a(ip("192.0.2.1"))]),
        .init(
            label: "$ORIGIN and relative name", text: "$ORIGIN example.com.\nmail A 192.0.2.2\n",
            name: "mail.example.com", expected: [.a(ip("192.0.2.2"))]),
        .init(
            label: "@ is the origin", text: "$ORIGIN example.com.\n@ TXT \"v=spf1 -all\"\n",
            name: "example.com", expected: [txt("v=spf1 -all")]),
        .init(
            label: "relative $ORIGIN appends", text: "$ORIGIN com.\n$ORIGIN example\nwww A 192.0.2.3\n",
            name: "www.example.com", expected: [.a(ip("192.0.2.3"))]),
        .init(
            label: "no $ORIGIN: names are from the root", text: "example.org A 192.0.2.4\n",
            name: "example.org", expected: [.a(ip("192.0.2.4"))]),
        .init(
            label: "blank owner repeats the previous", text: "example.com. A 192.0.2.1\n   A 192.0.2.5\n\tTXT x\n",
            name: "example.com", expected: [.a(ip("192.0.2.1")), .a(ip("192.0.2.5")), txt("x")]),
        .init(
            label: "blank owner after a comment line", text: "example.com. A 192.0.2.1\n; note\n A 192.0.2.6\n",
            name: "example.com", expected: [.a(ip("192.0.2.1")), .a(ip("192.0.2.6"))]),
        .init(
            label: "parentheses across lines with comments",
            text: "example.com. IN TXT ( \"v=spf1 \" ; first\n  \"ip4:192.0.2.0/24\" ; second\n  \" -all\" )\n",
            name: "example.com", expected: [txt("v=spf1 ", "ip4:192.0.2.0/24", " -all")]),
        .init(
            label: "comments and blank lines", text: "; header\n\n   \nexample.com. A 192.0.2.1 ; trailing\n",
            name: "example.com", expected: [.a(ip("192.0.2.1"))]),
        .init(
            label: "TXT unquoted words are separate strings", text: "example.com. TXT v=spf1 -all\n",
            name: "example.com", expected: [txt("v=spf1", "-all")]),
        .init(
            label: "TXT escapes", text: #"example.com. TXT "a\"b" "c\\d" "\065\066" "semi;colon" "paren(s)""# + "\n",
            name: "example.com", expected: [txt("a\"b", "c\\d", "AB", "semi;colon", "paren(s)")]),
        .init(
            label: "TXT empty string", text: "example.com. TXT \"\"\n",
            name: "example.com", expected: [.txt([[]])]),
        .init(
            label: "TXT raw non-UTF-8 bytes via \\DDD", text: "example.com. TXT \"\\255\\128x\"\n",
            name: "example.com", expected: [.txt([[255, 128, 120]])]),
        .init(
            label: "AAAA", text: "example.com. AAAA 2001:DB8::1\n",
            name: "example.com", expected: [.aaaa(ip("2001:db8::1"))]),
        .init(
            label: "AAAA IPv4-mapped stays IPv6", text: "example.com. AAAA ::ffff:192.0.2.1\n",
            name: "example.com", expected: [.aaaa(.v6(0, 0xffff_c000_0201))]),
        .init(
            label: "MX relative exchange", text: "$ORIGIN example.com.\n@ MX 10 mail\n",
            name: "example.com", expected: [.mx(preference: 10, exchange: "mail.example.com")]),
        .init(
            label: "PTR", text: "1.2.0.192.in-addr.arpa. PTR host.example.com.\n",
            name: "1.2.0.192.in-addr.arpa", expected: [.ptr("host.example.com")]),
        .init(
            label: "CNAME", text: "www.example.com. CNAME Example.COM.\n",
            name: "www.example.com", expected: [.cname("example.com")]),
        .init(
            label: "names are case-insensitive", text: "EXAMPLE.Com. A 192.0.2.1\n",
            name: "example.com", expected: [.a(ip("192.0.2.1"))]),
        .init(
            label: "SOA and NS are ignored but the name exists",
            text: "$ORIGIN example.com.\n@ IN SOA ns hostmaster ( 1 3600 600 86400 300 )\n@ NS ns\n",
            name: "example.com", expected: []),
        .init(
            label: "unsupported type is skipped, name exists", text: "example.com. CAA 0 issue \"ca.example\"\n",
            name: "example.com", expected: []),
        .init(
            label: "duplicate records kept once", text: "example.com. A 192.0.2.1\nexample.com. A 192.0.2.1\n",
            name: "example.com", expected: [.a(ip("192.0.2.1"))]),
        .init(
            label: "escaped characters in a name", text: "a\\032b.example. A 192.0.2.1\n",
            name: "a b.example", expected: [.a(ip("192.0.2.1"))]),
        .init(
            label: "CRLF line ends", text: "example.com. A 192.0.2.1\r\n A 192.0.2.2\r\n",
            name: "example.com", expected: [.a(ip("192.0.2.1")), .a(ip("192.0.2.2"))]),
        .init(
            label: "no final newline", text: "example.com. A 192.0.2.1",
            name: "example.com", expected: [.a(ip("192.0.2.1"))]),
    ]

    @Test(arguments: cases)
    func reads(_ c: ZoneSyntaxCase) throws {
        let zone = try ZoneFile(parsing: c.text)
        #expect(zone.records(at: c.name) == c.expected)
    }

    @Test func skippedTypesLeaveNotesWithLines() throws {
        let zone = try ZoneFile(
            parsing: "a.example. A 192.0.2.1\na.example. SRV 0 0 25 mx.example.\nb.example. CH TXT \"x\"\n")
        #expect(zone.notes.map(\.line) == [2, 3])
        #expect(zone.notes[0].message.contains("SRV"))
        #expect(zone.records(at: "b.example") == nil, "a class CH record does not make an IN name")
    }

    @Test func writtenTextReadsBackTheSame() throws {
        let zone = try ZoneFile(parsing: snapshotFixture)
        let again = try ZoneFile(parsing: zone.text())
        #expect(again.names.mapValues(Set.init) == zone.names.mapValues(Set.init))
        let strip = { (z: ZoneFile) in
            z.directives.mapValues {
                Set(
                    $0.map { d -> ZoneFile.Directive in
                        var d = d
                        d.line = nil
                        return d
                    })
            }
        }
        #expect(strip(again) == strip(zone))
        #expect(try ZoneFile(parsing: again.text()).text() == again.text(), "writing is deterministic")
    }

    @Test func directives() throws {
        let zone = try ZoneFile(
            parsing: """
                $ORIGIN example.net.
                ;! timeout slow TXT
                  ;! servfail broken * "upstream said no"
                ;! nodata empty A
                ;! NXDOMAIN gone.example.org. MX
                """)
        #expect(zone.directives["slow.example.net"] == [.init(.timeout, name: "slow.example.net", type: .txt, line: 2)])
        #expect(zone.directives["broken.example.net"]?.first?.type == nil)
        #expect(zone.directives["broken.example.net"]?.first?.reason == "upstream said no")
        #expect(zone.directives["empty.example.net"]?.first?.kind == .nodata)
        #expect(zone.directives["gone.example.org"]?.first?.kind == .nxdomain)
        #expect(zone.nameCount == 0, "directives alone add no names")
        let exists = try ZoneFile(parsing: ";! nodata ent.example. *\n")
        #expect(exists.records(at: "ent.example") == [], "`nodata *` is a present name")
        #expect(exists.directives.isEmpty)
    }
}

/// Every error, with the line it must name.
struct ZoneErrorCase: Sendable, CustomTestStringConvertible {
    var label: String
    var text: String
    var kind: ZoneFileError.Kind
    var line: Int
    var testDescription: String { label }
}

@Suite struct ZoneFileErrorTests {
    static let cases: [ZoneErrorCase] = [
        .init(
            label: "unclosed parenthesis (truncated)", text: "a.example. A 192.0.2.1\nb.example. TXT ( \"x\"\n \"y\"\n",
            kind: .incomplete, line: 2),
        .init(label: "unclosed quote at end of file", text: "a.example. TXT \"abc", kind: .incomplete, line: 1),
        .init(
            label: "quote not closed on its line", text: "a.example. A 192.0.2.1\na.example. TXT \"abc\n",
            kind: .invalid, line: 2),
        .init(label: "backslash at end of file", text: "a.example. TXT abc\\", kind: .incomplete, line: 1),
        .init(label: "stray close parenthesis", text: "\na.example. A 192.0.2.1 )\n", kind: .invalid, line: 2),
        .init(label: "nested parentheses", text: "a.example. TXT ( ( \"x\" ) )\n", kind: .invalid, line: 1),
        .init(label: "IPv6 with a zone", text: "a.example. AAAA fe80::1%eth0\n", kind: .invalid, line: 1),
        .init(label: "bad IPv4", text: "a.example. A 192.0.2.256\n", kind: .invalid, line: 1),
        .init(label: "IPv6 in an A record", text: "a.example. A 2001:db8::1\n", kind: .invalid, line: 1),
        .init(label: "IPv4 in an AAAA record", text: "\n\na.example. AAAA 192.0.2.1\n", kind: .invalid, line: 3),
        .init(label: "A with two addresses", text: "a.example. A 192.0.2.1 192.0.2.2\n", kind: .invalid, line: 1),
        .init(label: "MX without exchange", text: "a.example. MX 10\n", kind: .invalid, line: 1),
        .init(label: "MX preference too large", text: "a.example. MX 70000 mx.example.\n", kind: .invalid, line: 1),
        .init(label: "TXT without data", text: "a.example. TXT\n", kind: .invalid, line: 1),
        .init(
            label: "TXT string over 255 octets", text: "a.example. TXT \"\(String(repeating: "x", count: 256))\"\n",
            kind: .invalid, line: 1),
        .init(label: "bad escape: too few digits", text: "a.example. TXT \"\\12x\"\n", kind: .invalid, line: 1),
        .init(label: "bad escape: over 255", text: "a.example. TXT \"\\256\"\n", kind: .invalid, line: 1),
        .init(
            label: "label over 63 octets", text: "\(String(repeating: "a", count: 64)).example. A 192.0.2.1\n",
            kind: .invalid, line: 1),
        .init(
            label: "name over 255 octets",
            text: String(repeating: "\(String(repeating: "a", count: 60)).", count: 5) + " A 192.0.2.1\n",
            kind: .invalid, line: 1),
        .init(
            label: "relative name too long with the origin",
            text:
                "$ORIGIN \(String(repeating: "b", count: 60)).\(String(repeating: "c", count: 60)).\(String(repeating: "d", count: 60)).\n\(String(repeating: "a", count: 63)).\(String(repeating: "e", count: 10)) A 192.0.2.1\n",
            kind: .invalid, line: 2),
        .init(label: "empty label", text: "a..example. A 192.0.2.1\n", kind: .invalid, line: 1),
        .init(label: "blank owner on the first record", text: "  A 192.0.2.1\n", kind: .invalid, line: 1),
        .init(label: "missing type", text: "a.example. 300 IN\n", kind: .invalid, line: 1),
        .init(label: "garbage type", text: "a.example. 300 IN +++ x\n", kind: .invalid, line: 1),
        .init(label: "bad TTL", text: "$TTL 1x\n", kind: .invalid, line: 1),
        .init(label: "TTL out of range", text: "a.example. 99999999999 A 192.0.2.1\n", kind: .invalid, line: 1),
        .init(label: "$INCLUDE refused", text: "$INCLUDE /etc/passwd\n", kind: .invalid, line: 1),
        .init(label: "unknown control entry", text: "$GENERATE 1-10 a$ A 192.0.2.$\n", kind: .invalid, line: 1),
        .init(
            label: "unknown directive", text: "a.example. A 192.0.2.1\n;! slow a.example. A\n", kind: .invalid, line: 2),
        .init(label: "directive without type", text: ";! timeout a.example.\n", kind: .invalid, line: 1),
        .init(label: "directive with unknown type", text: ";! timeout a.example. SRV\n", kind: .invalid, line: 1),
        .init(label: "quoted name", text: "\"a.example.\" A 192.0.2.1\n", kind: .invalid, line: 1),
    ]

    @Test(arguments: cases)
    func rejects(_ c: ZoneErrorCase) {
        #expect {
            _ = try ZoneFile(parsing: c.text)
        } throws: { error in
            guard let e = error as? ZoneFileError else { return false }
            return e.kind == c.kind && e.line == c.line && !e.message.isEmpty
        }
    }

    @Test func errorsSayLineAndHint() {
        do {
            _ = try ZoneFile(parsing: "a.example. A 192.0.2.1\nb.example. TXT ( \"x\"\n")
            Issue.record("no error")
        } catch {
            #expect(error.description.hasPrefix("line 2: file ends inside the parenthesis"))
            #expect(error.hint?.contains("truncated") == true)
        }
    }
}

@Suite struct ZoneFileHostileInputTests {
    /// A file that ends with a backslash inside an open quoted string once spun forever (the
    /// escape left the `switch`, not the loop): found by fuzzing.
    @Test(arguments: ["\"\\", "example.com. IN TXT \"v=spf1 -all\\", "a. TXT \"x\\\\\\"])
    func aBackslashAtTheEndOfAnOpenStringIsAnIncompleteFile(_ text: String) {
        do {
            _ = try ZoneFile(parsing: text)
            Issue.record("parsed: \(text)")
        } catch {
            #expect(error.kind == .incomplete)
            #expect(error.description.contains("quoted string"))
        }
    }

    @Test func millionNamesLoad() throws {
        // About 25 MB of text; asserts completion and counts, not time.
        var text = "$ORIGIN big.example.\n$TTL 60\n"
        text.reserveCapacity(26_000_000)
        for i in 0..<1_000_000 {
            text += "h\(i) A 192.0.\(i >> 8 & 0xff).\(i & 0xff)\n"
        }
        let zone = try ZoneFile(parsing: text)
        #expect(zone.nameCount == 1_000_000)
        #expect(zone.recordCount == 1_000_000)
        #expect(zone.records(at: "h999999.big.example") == [.a(ip("192.0.66.63"))])
    }

    @Test func enormousTXTWithinLimitLoadsAndBeyondIsRefused() throws {
        // 250 strings of 255 octets: 64,000 octets of data, just under the 65,535 a record can carry.
        let chunk = "\"" + String(repeating: "y", count: 255) + "\""
        let body = (0..<250).map { _ in chunk }.joined(separator: "\n ")
        let zone = try ZoneFile(parsing: "big.example. TXT ( \(body) )\n")
        guard case .txt(let strings)? = zone.records(at: "big.example")?.first else {
            Issue.record("no TXT")
            return
        }
        #expect(strings.count == 250)
        let tooMany = (0..<260).map { _ in chunk }.joined(separator: "\n ")
        #expect(throws: ZoneFileError.self) { try ZoneFile(parsing: "big.example. TXT ( \(tooMany) )\n") }
    }

    @Test func longLineIsRefused() {
        let line = "a.example. TXT " + String(repeating: "\"x\" ", count: 20_000) + "\n"
        #expect {
            _ = try ZoneFile(parsing: line)
        } throws: { ($0 as? ZoneFileError)?.kind == .limit }
    }

    @Test func oversizedFileIsRefusedBeforeParsing() {
        var limits = ZoneFile.Limits()
        limits.maxFileBytes = 100
        #expect {
            _ = try ZoneFile(parsing: String(repeating: "; comment\n", count: 20), limits: limits)
        } throws: { ($0 as? ZoneFileError)?.kind == .limit }
    }

    @Test func nameAndRecordLimits() {
        var limits = ZoneFile.Limits()
        limits.maxNames = 3
        #expect {
            _ = try ZoneFile(
                parsing: (0..<5).map { "n\($0).example. A 192.0.2.1" }.joined(separator: "\n"), limits: limits)
        } throws: { ($0 as? ZoneFileError)?.kind == .limit && ($0 as? ZoneFileError)?.line == 4 }
    }

    @Test func unclosedParenthesisOverWholeFileIsBounded() {
        // A '(' that is never closed swallows the file until the entry limit.
        let text = "a.example. TXT (\n" + String(repeating: "\"x\"\n", count: 200_000)
        #expect {
            _ = try ZoneFile(parsing: text)
        } throws: { ($0 as? ZoneFileError)?.kind == .limit && ($0 as? ZoneFileError)?.line == 1 }
    }

    @Test func invalidUTF8IsKeptAsBytes() throws {
        var bytes = Array("bin.example. TXT \"".utf8)
        bytes += [0xff, 0xfe, 0xc3, 0x28]
        bytes += Array("\" raw\u{80}\n".utf8)
        let zone = try ZoneFile(parsing: bytes)
        #expect(zone.records(at: "bin.example") == [.txt([[0xff, 0xfe, 0xc3, 0x28], Array("raw\u{80}".utf8)])])
    }

    @Test func invalidUTF8InANameDoesNotCrash() throws {
        var bytes: [UInt8] = [0xff, 0x41]
        bytes += Array(".example. A 192.0.2.1\n".utf8)
        let zone = try ZoneFile(parsing: bytes)
        #expect(zone.nameCount == 1)
    }

    @Test func controlCharactersAndNULsDoNotCrash() {
        let bytes: [UInt8] = [0, 1, 2, 0x0b, 0x0c, 0x7f, 0x0a, 0x22, 0x0a] + Array(repeating: 0x28, count: 3)
        #expect(throws: ZoneFileError.self) { try ZoneFile(parsing: bytes) }
    }

    @Test func missingFileIsAnIOError() {
        #expect {
            _ = try ZoneFile(contentsOf: "/nonexistent/zone")
        } throws: { ($0 as? ZoneFileError)?.kind == .io }
    }
}
