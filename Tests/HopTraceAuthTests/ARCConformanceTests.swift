import Foundation
import HopTraceDNS
import HopTraceTestSupport
import Testing
import Yams

@testable import HopTraceAuth

/// Runs `../shared/conformance/arc`: the ValiMail validation suite (171 tests, expected `cv:`)
/// and the two Stalwart sealed messages. Needs the folder (`.requiresShared`).
struct ARCConformanceTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var scenario: String
        var id: String
        var message: String
        /// Pass, Fail or None. The three tests written `cv: |` + blank (newest seal says cv=fail)
        /// are read as Fail, per RFC 8617 §5.2 step 2 and the README.
        var cv: String
        var zone: [String: [DNSRecord]]
        var testDescription: String { "\(scenario): \(id)" }
    }

    static let validation: [Case] = {
        let path = "arc/valimail/arc-draft-validation-tests.yml"
        guard Conformance.exists(path), let text = try? String(contentsOf: Conformance.url(path), encoding: .utf8),
            !text.isEmpty
        else { return [] }
        var out: [Case] = []
        // One document at a time, and duplicate test ids dropped first: "Arc Seal Fields" repeats
        // four ids (as_fields_b_head_case…), which Yams refuses; PyYAML, which the suite was
        // written for, keeps the last one, and the README's 171 counts them once.
        for docText in text.components(separatedBy: "\n---") {
            guard let doc = try? Yams.load(yaml: keepLastDuplicateTests(docText)),
                let d = doc as? [String: Any], let tests = d["tests"] as? [String: Any]
            else { continue }
            let scenario = (d["description"] as? String) ?? "?"
            var zone: [String: [DNSRecord]] = [:]
            for (name, value) in (d["txt-records"] as? [String: Any]) ?? [:] {
                zone[name.lowercased()] = [InMemoryResolver.txt("\(value)")]
            }
            for id in tests.keys.sorted() {
                guard let t = tests[id] as? [String: Any] else { continue }
                var cv = "\(t["cv"] ?? "")".trimmingCharacters(in: .whitespacesAndNewlines)
                if cv.isEmpty { cv = "Fail" }
                out.append(
                    Case(scenario: scenario, id: id, message: (t["message"] as? String) ?? "", cv: cv, zone: zone))
            }
        }
        return out
    }()

    /// Removes all but the last block of each test id repeated under `tests:`.
    static func keepLastDuplicateTests(_ doc: String) -> String {
        let lines = doc.components(separatedBy: "\n")
        var blocks: [(id: String?, lines: [String])] = [(nil, [])]
        var inTests = false
        for line in lines {
            if line.hasPrefix("tests:") {
                inTests = true
                blocks[blocks.count - 1].lines.append(line)
                continue
            }
            let indent = line.prefix { $0 == " " }.count
            if inTests, indent == 2, line.hasSuffix(":"), !line.trimmingCharacters(in: .whitespaces).contains(" ") {
                blocks.append((String(line.dropFirst(2).dropLast()), [line]))
            } else if inTests, indent == 0, !line.isEmpty {
                inTests = false
                blocks.append((nil, [line]))
            } else {
                blocks[blocks.count - 1].lines.append(line)
            }
        }
        var lastIndex: [String: Int] = [:]
        for (i, b) in blocks.enumerated() { if let id = b.id { lastIndex[id] = i } }
        return blocks.enumerated().filter { i, b in b.id.map { lastIndex[$0] == i } ?? true }
            .flatMap { $0.1.lines }.joined(separator: "\n")
    }

    @Test(
        "ValiMail ARC validation suite", .requiresShared("conformance/arc/valimail/arc-draft-validation-tests.yml"),
        arguments: validation)
    func valimail(_ c: Case) async {
        let v = await ARCVerifier(resolver: InMemoryResolver(records: c.zone)).validate(message: Array(c.message.utf8))
        #expect(v.result.rawValue == c.cv.lowercased(), "\(c.id): \(String(describing: v.failure))")
    }

    @Test(
        "the suite is all there (171 tests)", .requiresShared("conformance/arc/valimail/arc-draft-validation-tests.yml")
    )
    func suiteSize() {
        #expect(Self.validation.count == 171)
    }

    @Test(
        "Stalwart 001: Google-sealed ietf.org list mail, ARC pass",
        .requiresShared("conformance/arc/stalwart-mail-auth/001.txt"))
    func stalwart001() async throws {
        let (zone, message) = try Conformance.combined("arc/stalwart-mail-auth/001.txt")
        let v = await ARCVerifier(resolver: InMemoryResolver(records: zone)).validate(message: message)
        #expect(v.result == .pass, "\(String(describing: v.failure))")
        #expect(v.instanceCount == 1)
        #expect(v.instances.first?.sealDomain == "google.com")
        #expect(v.instances.first?.claimedChainValidation == ARCChainStatus.none)
        #expect(v.instances.first?.authenticationResults.authservID == "mx.google.com")
    }

    @Test(
        "Stalwart 002: ed25519 seal at i=1 (accepted by policy), rsa at i=2, ARC pass",
        .requiresShared("conformance/arc/stalwart-mail-auth/002.txt"))
    func stalwart002() async throws {
        let (zone, message) = try Conformance.combined("arc/stalwart-mail-auth/002.txt")
        let v = await ARCVerifier(resolver: InMemoryResolver(records: zone)).validate(message: message)
        #expect(v.result == .pass, "\(String(describing: v.failure))")
        #expect(v.instances.map(\.sealDomain) == ["scamorza.org", "manchego.org"])
        #expect(v.instances.map(\.sealAlgorithm) == ["ed25519-sha256", "rsa-sha256"])
        #expect(v.instances.map(\.claimedChainValidation) == [.none, .pass])
        #expect(v.instances.map(\.messageSignatureResult) == [.pass, .pass])
        #expect(v.oldestPass == 1)
    }
}
