import Foundation
import HopTraceCore
import HopTraceDNS
import HopTraceTestSupport
import Testing

@testable import HopTraceAuth

/// `../shared/conformance/dmarc/` (see its README): there is no public data-form DMARC suite,
/// only the Public Suffix List and its test cases, the oracle for RFC 7489 §3.2's
/// organizational domain. This file reads the list with a minimal test-only PSL matcher,
/// checks the matcher against `test_psl.txt`, and then uses it as the injected
/// `organizationalDomain` function for DMARC discovery and alignment (`.requiresShared`).
enum DMARCConformance {
    /// The list and its test cases under `../shared`.
    static let list = "conformance/dmarc/psl/public_suffix_list.dat"
    static let tests = "conformance/dmarc/psl/test_psl.txt"
    static var listPath: String { SharedFolder.path(list) }
    static var testsPath: String { SharedFolder.path(tests) }
    static var available: Bool { SharedFolder.contains(list) && SharedFolder.contains(tests) }

    /// Test-only Public Suffix List matcher (the standard algorithm: exception rules first,
    /// then the longest normal or wildcard rule, else the implicit `*`).
    struct PSL: Sendable {
        var rules: Set<String> = []
        var wildcards: Set<String> = []
        var exceptions: Set<String> = []

        init(text: String) {
            for line in text.split(whereSeparator: \.isNewline) {
                let rule = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init) ?? ""
                if rule.isEmpty || rule.hasPrefix("//") { continue }
                let r = rule.lowercased()
                if r.hasPrefix("!") {
                    exceptions.insert(String(r.dropFirst()))
                } else if r.hasPrefix("*.") {
                    wildcards.insert(String(r.dropFirst(2)))
                } else {
                    rules.insert(r)
                }
            }
        }

        /// The registrable domain (public suffix plus one label), nil for a public suffix itself
        /// or an invalid name.
        func registrableDomain(_ name: String) -> String? {
            let d = name.lowercased()
            if d.isEmpty || d.hasPrefix(".") { return nil }
            let labels = d.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            if labels.contains(where: \.isEmpty) { return nil }
            var suffixCount = 1
            var exception = false
            for i in 0..<labels.count where exceptions.contains(labels[i...].joined(separator: ".")) {
                suffixCount = labels.count - i - 1
                exception = true
                break
            }
            if !exception {
                for i in 0..<labels.count {
                    let candidate = labels[i...].joined(separator: ".")
                    if rules.contains(candidate) { suffixCount = max(suffixCount, labels.count - i) }
                    if i + 1 < labels.count, wildcards.contains(labels[(i + 1)...].joined(separator: ".")) {
                        suffixCount = max(suffixCount, labels.count - i)
                    }
                }
            }
            guard labels.count > suffixCount else { return nil }
            return labels.suffix(suffixCount + 1).joined(separator: ".")
        }
    }

    static let psl: PSL? = available ? (try? String(contentsOfFile: listPath, encoding: .utf8)).map(PSL.init) : nil

    /// The organizational domain for `DMARCEvaluator`: the registrable domain, or the name itself.
    static let organizationalDomain: @Sendable (String) -> String = { name in
        psl?.registrableDomain(name) ?? name
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var input: String?
        var expected: String?
        var line: Int
        var testDescription: String { "line \(line): \(input ?? "null") → \(expected ?? "null")" }
    }

    /// `checkPublicSuffix('www.city.kobe.jp', 'kobe.jp');`, comment lines skipped.
    static let cases: [Case] = {
        guard available, let text = try? String(contentsOfFile: testsPath, encoding: .utf8) else { return [] }
        var out: [Case] = []
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard line.hasPrefix("checkPublicSuffix("), line.hasSuffix(");") else { continue }
            let inner = line.dropFirst("checkPublicSuffix(".count).dropLast(2)
            guard let comma = inner.range(of: ", ") else { continue }
            func arg(_ s: Substring) -> String? {
                let t = s.trimmingCharacters(in: .whitespaces)
                if t == "null" { return nil }
                return String(t.dropFirst().dropLast())
            }
            out.append(
                Case(input: arg(inner[..<comma.lowerBound]), expected: arg(inner[comma.upperBound...]), line: n + 1))
        }
        return out
    }()
}

@Suite("DMARC conformance data (Public Suffix List)")
struct DMARCConformanceTests {
    @Test(.requiresShared(DMARCConformance.list), .requiresShared(DMARCConformance.tests))
    func hasAllCases() {
        #expect(DMARCConformance.cases.count == 78)
    }

    /// Punycode inputs need IDNA conversion to match the list's Unicode rules; the topology
    /// module's PSL owns that, so they are skipped here.
    @Test(
        .requiresShared(DMARCConformance.list), .requiresShared(DMARCConformance.tests),
        arguments: DMARCConformance.cases.filter { !($0.input ?? "").contains("xn--") })
    func organizationalDomainOracle(_ c: DMARCConformance.Case) throws {
        let psl = try #require(DMARCConformance.psl)
        let got = c.input.flatMap { psl.registrableDomain($0) }
        #expect(got == c.expected)
    }

    @Test(
        .requiresShared(DMARCConformance.list), .requiresShared(DMARCConformance.tests),
        arguments: [
            ("mail.example.co.uk", "example.co.uk", DMARCAlignmentMode.relaxed, true),
            ("a.foo.com", "b.foo.com", .relaxed, true),
            ("a.foo.com", "b.foo.com", .strict, false),
            ("example.co.uk", "other.co.uk", .relaxed, false),
            ("a.alice.blogspot.com", "alice.blogspot.com", .relaxed, true),
            ("alice.blogspot.com", "bob.blogspot.com", .relaxed, false),
            ("www.city.kobe.jp", "mail.city.kobe.jp", .relaxed, true),
            ("a.c.kobe.jp", "b.c.kobe.jp", .relaxed, false),
        ])
    func alignmentWithPSL(_ a: String, _ from: String, _ mode: DMARCAlignmentMode, _ expected: Bool) {
        #expect(
            DMARCAlignment.aligned(
                a, with: from, mode: mode, organizationalDomain: DMARCConformance.organizationalDomain) == expected)
    }

    @Test(.requiresShared(DMARCConformance.list), .requiresShared(DMARCConformance.tests))
    func discoveryFallsBackToRegistrableDomain() async {
        let zone = InMemoryResolver(records: [
            "_dmarc.example.co.uk": [InMemoryResolver.txt("v=DMARC1; p=reject; sp=quarantine")],
            "_dmarc.alice.blogspot.com": [InMemoryResolver.txt("v=DMARC1; p=none")],
        ])
        let evaluator = DMARCEvaluator(resolver: zone, organizationalDomain: DMARCConformance.organizationalDomain)
        let uk = await evaluator.evaluate(
            fromDomain: "news.mail.example.co.uk", spf: (result: .pass, domain: "bounce.example.co.uk"), dkim: [])
        #expect(uk.organizationalDomain == "example.co.uk")
        #expect(uk.recordDomain == "example.co.uk")
        #expect(uk.result == .pass)
        #expect(uk.policy == .quarantine && uk.policySource == .sp)
        // A private-section suffix: bob.blogspot.com is its own organization, not alice's.
        let bob = await evaluator.evaluate(
            fromDomain: "bob.blogspot.com", spf: (result: .pass, domain: "alice.blogspot.com"), dkim: [])
        #expect(bob.organizationalDomain == "bob.blogspot.com")
        #expect(bob.result == .none)
        let alice = await evaluator.evaluate(
            fromDomain: "x.alice.blogspot.com", spf: (result: .pass, domain: "bob.blogspot.com"), dkim: [])
        #expect(alice.recordDomain == "alice.blogspot.com")
        #expect(alice.result == .fail)
    }
}
