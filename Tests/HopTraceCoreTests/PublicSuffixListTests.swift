import HopTraceTestSupport
import Testing

@testable import HopTraceCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

@Suite struct PublicSuffixListTests {
    static let rules = """
        // ===BEGIN ICANN DOMAINS===
        com
        uk
        co.uk
        *.ck
        !www.ck
        jp
        kobe.jp
        *.kobe.jp
        !city.kobe.jp
        公司.cn
        cn
        // ===END ICANN DOMAINS===
        // ===BEGIN PRIVATE DOMAINS===
        blogspot.com
        // ===END PRIVATE DOMAINS===
        """

    @Test(
        arguments: [
            ("example.com", "example.com"), ("WWW.Example.COM", "example.com"), ("com", nil),
            ("a.b.example.co.uk", "example.co.uk"), ("co.uk", nil), ("example.uk", "example.uk"),
            ("test.ck", nil), ("b.test.ck", "b.test.ck"), ("www.ck", "www.ck"), ("www.www.ck", "www.ck"),
            ("c.kobe.jp", nil), ("b.c.kobe.jp", "b.c.kobe.jp"), ("www.city.kobe.jp", "city.kobe.jp"),
            ("a.b.example.example", "example.example"), ("example", nil), (".example.com", nil), ("a..com", nil),
            ("", nil), ("mail-pj1-f45.google.com.", "google.com"),
            ("食狮.公司.cn", "食狮.公司.cn"), ("xn--85x722f.xn--55qx5d.cn", "xn--85x722f.xn--55qx5d.cn"),
            ("x.blogspot.com", "x.blogspot.com"),
        ] as [(String, String?)])
    func registrableDomain(_ input: String, _ expected: String?) {
        let list = PublicSuffixList(text: Self.rules)
        #expect(list.registrableDomain(of: input) == expected)
    }

    @Test func privateSectionCanBeLeftOut() {
        let list = PublicSuffixList(text: Self.rules, includePrivateSection: false)
        #expect(list.registrableDomain(of: "x.blogspot.com") == "blogspot.com")
    }

    @Test(arguments: [
        ("公司", "xn--55qx5d"), ("中国", "xn--fiqs8s"), ("食狮", "xn--85x722f"),
        ("bücher", "xn--bcher-kva"), ("example", "example"),
    ])
    func punycode(_ u: String, _ a: String) {
        #expect(Punycode.aLabel(u) == a)
    }

    @Test func bundledListMatchesDataFile() throws {
        let path = PSLFixtures.packageRoot.appendingPathComponent("data/public_suffix_list.dat").path
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let parsed = PublicSuffixList(text: String(decoding: data, as: UTF8.self))
        #expect(parsed.sameRules(as: .bundled), "run scripts/generate-psl --no-copy")
        #expect(parsed.ruleCount == PublicSuffixList.bundled.ruleCount)
        #expect(PublicSuffixList.bundled.ruleCount > 9000)
        // The data file's own bytes are recognised, and answered from the compiled tables.
        #expect(data.withUnsafeBytes { PublicSuffixList.isBundledSource($0) })
        let file = try #require(PublicSuffixList(contentsOfFile: path))
        #expect(file.source == .file(path))
        #expect(file.sameRules(as: .bundled))
        var changed = data
        changed[changed.count - 1] ^= 0x01
        #expect(!changed.withUnsafeBytes { PublicSuffixList.isBundledSource($0) })
    }

    /// The generated tables hold exactly the ASCII rules the rule text parses into.
    @Test(arguments: ["normal", "wildcard", "exception"])
    func compiledTablesMatchParsedRules(_ kind: String) {
        let compiled = PublicSuffixList.compiledLines(kind)
        #expect(compiled == PublicSuffixList.parsedASCIIRules(kind))
        #expect(compiled.count > (kind == "normal" ? 9000 : 2))
    }

    /// The compiled tables give every answer the parsed sets give, for names under, at and
    /// around every rule of the list.
    @Test func compiledAnswersMatchParsedAnswers() throws {
        let path = PSLFixtures.packageRoot.appendingPathComponent("data/public_suffix_list.dat").path
        let parsed = PublicSuffixList(
            text: String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self))
        var names: [String] = ["", ".", "..", "a..b", ".com", "com.", "x.Com.", "A.B.C.D.E.F", "bt.com"]
        for kind in ["normal", "wildcard", "exception"] {
            for rule in PublicSuffixList.compiledLines(kind) {
                names += [rule, "x." + rule, "y.x." + rule.uppercased(), rule + ".", "x" + rule]
            }
        }
        for name in names {
            #expect(
                PublicSuffixList.bundled.registrableDomain(of: name) == parsed.registrableDomain(of: name), "\(name)")
            #expect(PublicSuffixList.bundled.publicSuffix(of: name) == parsed.publicSuffix(of: name), "\(name)")
        }
    }

    @Test func standardListLoads() {
        let list = PublicSuffixList.standard
        #expect(list.ruleCount > 5000)
        #expect(list.registrableDomain(of: "RDW083A006ED62.bt.com") == "bt.com")
        #expect(list.registrableDomain(of: "amg1.gbse.gb.net") == "gbse.gb.net")
        #expect(list.registrableDomain(of: "VE1EUR02FT011.eop-EUR02.prod.protection.outlook.com") == "outlook.com")
        #expect(list.registrableDomain(of: "a.b.example.co.uk") == "example.co.uk")
    }

    /// publicsuffix.org's test_psl.txt (CC0), under `../shared`.
    static let conformanceFile = "conformance/dmarc/psl/test_psl.txt"

    static func conformanceCases() -> [(String, String?)] {
        guard let data = try? Data(contentsOf: SharedFolder.url(conformanceFile)) else { return [] }
        var cases: [(String, String?)] = []
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            guard line.hasPrefix("checkPublicSuffix("), line.hasSuffix(");") else { continue }
            let args = line.dropFirst("checkPublicSuffix(".count).dropLast(2)
            let parts = args.components(separatedBy: ", ")
            guard parts.count == 2 else { continue }
            func value(_ s: String) -> String? { s == "null" ? nil : String(s.dropFirst().dropLast()) }
            guard let input = value(parts[0]) else { continue }  // null input: no name to test
            cases.append((input, value(parts[1])))
        }
        return cases
    }

    @Test(.requiresShared(conformanceFile))
    func conformance() {
        let cases = Self.conformanceCases()
        #expect(cases.count >= 70)
        for list in [PublicSuffixList.standard, PublicSuffixList.bundled] {
            for (input, expected) in cases {
                #expect(list.registrableDomain(of: input) == expected, "\(input)")
            }
        }
    }
}

private enum PSLFixtures {
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}
