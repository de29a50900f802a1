import Foundation
import HopTraceDNS
import HopTraceTestSupport
import Testing

@testable import HopTraceAuth

/// Runs `../shared/conformance/dkim` (Stalwart mail-auth and dkimpy vectors) per its README and
/// expected.json: each case verified at its `verify_at_unix_time`, keys served from the file.
/// Needs the folder (`.requiresShared`).
struct DKIMConformanceTests {
    struct Expected: Sendable, CustomTestStringConvertible {
        var path: String
        var time: Int64
        var signatures: [(d: String, s: String, a: String, expected: String)]
        var testDescription: String { path }
    }

    static func load(_ file: String) -> [Expected] {
        guard Conformance.exists(file),
            let data = try? Data(contentsOf: Conformance.url(file)),
            let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let cases = json["cases"] as? [String: Any]
        else { return [] }
        return cases.keys.sorted().compactMap { path in
            guard let c = cases[path] as? [String: Any], let t = c["verify_at_unix_time"] as? Int,
                let sigs = c["dkim_signatures_in_header_order"] as? [[String: Any]]
            else { return nil }
            return Expected(
                path: path, time: Int64(t),
                signatures: sigs.map {
                    (
                        ($0["d"] as? String) ?? "", ($0["s"] as? String) ?? "", ($0["a"] as? String) ?? "",
                        ($0["expected"] as? String) ?? ""
                    )
                })
        }
    }

    static let dkimCases = load("dkim/expected.json")
    static let arcDKIMCases = load("arc/expected-stalwart.json")

    static func message(_ dir: String, _ path: String) throws -> (zone: [String: [DNSRecord]], message: [UInt8]) {
        path.hasPrefix("dkimpy/")
            ? try Conformance.sidecar("\(dir)/\(path)") : try Conformance.combined("\(dir)/\(path)")
    }

    @Test("DKIM vectors (dkim/expected.json)", .requiresShared("conformance/dkim/expected.json"), arguments: dkimCases)
    func dkimVector(_ c: Expected) async throws {
        try await run(c, dir: "dkim")
    }

    @Test(
        "DKIM signatures of the ARC vectors (arc/expected-stalwart.json)",
        .requiresShared("conformance/arc/expected-stalwart.json"),
        arguments: arcDKIMCases)
    func arcVectorSignatures(_ c: Expected) async throws {
        try await run(c, dir: "arc")
    }

    func run(_ c: Expected, dir: String) async throws {
        let (zone, message) = try Self.message(dir, c.path)
        let results = await DKIMVerifier(resolver: InMemoryResolver(records: zone), now: c.time).verify(
            message: message)
        try #require(results.count == c.signatures.count)
        for (r, e) in zip(results, c.signatures) {
            #expect(r.domain == e.d)
            #expect(r.selector == e.s)
            #expect(r.algorithm == e.a)
            if e.expected == "pass" {
                #expect(r.result == .pass, "\(c.path) d=\(e.d): \(String(describing: r.failure))")
            } else {
                #expect(r.result == .fail, "\(c.path) d=\(e.d)")
                if case .bodyHashMismatch = r.failure {
                } else {
                    Issue.record("expected a body hash mismatch, got \(String(describing: r.failure))")
                }
            }
        }
    }

    @Test(
        "005 (x= expiry): passes at its own time, not at today's",
        .requiresShared("conformance/dkim/stalwart-mail-auth/005.txt"))
    func expiryAgainstToday() async throws {
        let (zone, message) = try Conformance.combined("dkim/stalwart-mail-auth/005.txt")
        let resolver = InMemoryResolver(records: zone)
        #expect(
            await DKIMVerifier(resolver: resolver, now: 1_667_900_000).verify(message: message).first?.result == .pass)
        let today = Int64(Date().timeIntervalSince1970)
        let late = await DKIMVerifier(resolver: resolver, now: today).verify(message: message)
        #expect(late.first?.result == .permerror)
        if case .expired? = late.first?.failure {} else { Issue.record("\(String(describing: late.first?.failure))") }
    }

    @Test(
        "a t= far after the verification time does not pass",
        .requiresShared("conformance/dkim/stalwart-mail-auth/004.txt"))
    func futureTimestamp() async throws {
        let (zone, message) = try Conformance.combined("dkim/stalwart-mail-auth/004.txt")
        // 004 has t=1667862801; judge it a day before that.
        let early = await DKIMVerifier(resolver: InMemoryResolver(records: zone), now: 1_667_862_801 - 86_400).verify(
            message: message)
        if case .future? = early.first?.failure {} else { Issue.record("\(String(describing: early.first?.failure))") }
    }

    struct Mutation: Sendable, CustomTestStringConvertible {
        var name: String
        var apply: @Sendable (String) -> String
        var expected: DKIMResult
        var testDescription: String { name }
    }

    /// Negative vectors derived from 002 (RFC 6376 App. A, simple/simple), as the README asks.
    static let mutations: [Mutation] = [
        Mutation(
            name: "body altered", apply: { $0.replacingOccurrences(of: "We lost the game.", with: "We won the game.") },
            expected: .fail),
        Mutation(
            name: "signed header altered",
            apply: {
                $0.replacingOccurrences(of: "Subject: Is dinner ready?", with: "Subject: [SPAM] Is dinner ready?")
            }, expected: .fail),
        Mutation(
            name: "simple header canon: one extra space",
            apply: { $0.replacingOccurrences(of: "To: Suzie Q", with: "To:  Suzie Q") }, expected: .fail),
        Mutation(
            name: "wrong key (another selector's key)",
            apply: { $0.replacingOccurrences(of: "s=newengland", with: "s=other") }, expected: .fail),
        Mutation(
            name: "unknown k= in the key",
            apply: { $0.replacingOccurrences(of: "example.com v=DKIM1; p=", with: "example.com v=DKIM1; k=dsa; p=") },
            expected: .permerror),
        Mutation(
            name: "key removed",
            apply: { $0.replacingOccurrences(of: "newengland._domainkey", with: "gone._domainkey") },
            expected: .permerror),
    ]

    @Test("mutations of 002 fail", .requiresShared("conformance/dkim/stalwart-mail-auth/002.txt"), arguments: mutations)
    func mutated(_ m: Mutation) async throws {
        var text = try String(contentsOf: Conformance.url("dkim/stalwart-mail-auth/002.txt"), encoding: .utf8)
        if m.name.hasPrefix("wrong key") {
            // Serve another valid key under the new selector.
            let other =
                "other._domainkey.example.com v=DKIM1; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB\n"
            text = other + text
        }
        text = m.apply(text)
        let r = text.range(of: "\n\n")!
        let zone = Conformance.zone(text[..<r.lowerBound])
        let results = await DKIMVerifier(resolver: InMemoryResolver(records: zone), now: 1_667_900_000)
            .verify(message: Array(String(text[r.upperBound...]).utf8))
        #expect(results.first?.result == m.expected, "\(String(describing: results.first?.failure))")
    }
}
