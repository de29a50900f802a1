import Foundation
import HopTraceAuth
import HopTraceCore
import HopTraceDNS
import HopTraceTestSupport
import Testing

extension RFC7208Suite.Case {
    /// The scenario's `zonedata` served the way the suite's harness serves it.
    var resolver: InMemoryResolver {
        InMemoryResolver(zone.mapValues { InMemoryResolver.Entry(records: $0.records, timeout: $0.timeout) })
    }
}

@Suite("RFC 7208 conformance suite")
struct SPFConformanceTests {
    @Test(.requiresShared(RFC7208Suite.file))
    func suiteHasAllTests() {
        #expect(RFC7208Suite.cases.count == 203)
    }

    @Test(.requiresShared(RFC7208Suite.file), arguments: RFC7208Suite.cases)
    func rfc7208(_ test: RFC7208Suite.Case) async throws {
        let ip = try #require(IPAddress(test.host), "host \(test.host)")
        let evaluator = SPFEvaluator(resolver: test.resolver, options: SPFOptions(defaultExplanation: "DEFAULT"))
        let evaluation = await evaluator.checkMailFrom(ip: ip, mailFrom: test.mailfrom, helo: test.helo)
        #expect(
            test.results.contains(evaluation.result.rawValue),
            "\(test.name): got \(evaluation.result.rawValue) (\(evaluation.error.map { "\($0)" } ?? "-")), want \(test.results)"
        )
        if let want = test.explanation, evaluation.result == .fail {
            // %{i} of an IPv6 address: RFC 7208 §7.4 writes the nibbles in lower case, as
            // hoptrace does; pyspf (which produced the suite's expectations) writes them in
            // upper case (test v-macro-ip6). Hex case is the only difference allowed.
            let got = evaluation.explanation ?? "<none>"
            #expect(
                got == want || got.lowercased() == want.lowercased(), "\(test.name): explanation \(got), want \(want)")
        }
    }

    /// The same suite through the snapshot format `--dns-snapshot` reads: each scenario's zone
    /// written as a master file (TIMEOUT as `;! timeout NAME *`), parsed back, and served by
    /// `SnapshotResolver` — the path `hoptrace spf --dns-snapshot` takes.
    @Test(.requiresShared(RFC7208Suite.file), arguments: RFC7208Suite.cases)
    func rfc7208ThroughSnapshot(_ test: RFC7208Suite.Case) async throws {
        let resolver = try test.snapshot()
        let ip = try #require(IPAddress(test.host))
        let evaluation = await SPFEvaluator(resolver: resolver, options: SPFOptions(defaultExplanation: "DEFAULT"))
            .checkMailFrom(ip: ip, mailFrom: test.mailfrom, helo: test.helo)
        #expect(
            test.results.contains(evaluation.result.rawValue),
            "\(test.name): got \(evaluation.result.rawValue) (\(evaluation.error.map { "\($0)" } ?? "-")), want \(test.results)"
        )
        if let want = test.explanation, evaluation.result == .fail {
            let got = evaluation.explanation ?? "<none>"
            #expect(got.lowercased() == want.lowercased(), "\(test.name): explanation \(got), want \(want)")
        }
    }
}

extension RFC7208Suite.Case {
    /// The scenario's zone as `--dns-snapshot` reads it: written as a master file (TIMEOUT as
    /// `;! timeout NAME *`), parsed back, and served by `SnapshotResolver`.
    func snapshot() throws -> SnapshotResolver {
        let text = zoneFile.text(header: ["RFC 7208 suite: \(scenario)"])
        return SnapshotResolver(zone: try ZoneFile(parsing: text))
    }
}
