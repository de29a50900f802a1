import Foundation
import HopTraceDNS
import Testing

@testable import HopTraceAuth

/// ARC sets sealed in the test (ARCTestSealer), then validated.
struct ARCVerifierTests {
    static let key = DKIMTestKeys.rsa2048
    static var zone: [String: [DNSRecord]] { dkimKeyZone(key, name: "arc._domainkey.example.org") }

    func validate(_ m: String) async -> ARCValidation {
        await ARCVerifier(resolver: InMemoryResolver(records: Self.zone)).validate(message: Array(m.utf8))
    }

    @Test("no ARC headers → none")
    func none() async {
        #expect(await validate(dkimBaseMessage).result == .none)
    }

    @Test("one, two and three sealed instances pass", arguments: [1, 2, 3])
    func passes(_ n: Int) async {
        var m = dkimBaseMessage
        for i in 1...n { m = ARCTestSealer.seal(m, key: Self.key, instance: i, cv: i == 1 ? "none" : "pass") }
        let v = await validate(m)
        #expect(v.result == .pass, "\(String(describing: v.failure))")
        #expect(v.instanceCount == n)
        #expect(v.instances.map(\.instance) == Array(1...n))
        #expect(v.instances.allSatisfy { $0.sealResult == .pass && $0.messageSignatureResult == .pass })
        #expect(v.instances.first?.authenticationResults.authservID == "mx.example.org")
    }

    @Test("a body change after the last seal breaks the newest AMS")
    func bodyChanged() async {
        let m = ARCTestSealer.seal(dkimBaseMessage, key: Self.key, instance: 1, cv: "none") + "footer\r\n"
        let v = await validate(m)
        #expect(v.result == .fail)
        #expect(v.brokenAt == 1)
        if case .messageSignatureFailed(1, .bodyHashMismatch)? = v.failure {
        } else {
            Issue.record("\(String(describing: v.failure))")
        }
    }

    @Test("a change between seals: older AMS fails, chain still passes, oldest-pass says where")
    func changeBetweenSeals() async {
        var m = ARCTestSealer.seal(dkimBaseMessage, key: Self.key, instance: 1, cv: "none")
        m = m.replacingOccurrences(of: "Subject: Quarterly", with: "Subject: [list] Quarterly")
        m = ARCTestSealer.seal(m, key: Self.key, instance: 2, cv: "pass")
        let v = await validate(m)
        #expect(v.result == .pass)
        #expect(v.instances.map(\.messageSignatureResult) == [.fail, .pass])
        #expect(v.oldestPass == 2)
    }

    @Test("wrong cv= at i=2 fails with the reason")
    func wrongCV() async {
        var m = ARCTestSealer.seal(dkimBaseMessage, key: Self.key, instance: 1, cv: "none")
        m = ARCTestSealer.seal(m, key: Self.key, instance: 2, cv: "none")
        let v = await validate(m)
        #expect(v.failure == .wrongChainValidation(instance: 2, expected: .pass, found: .none))
    }

    @Test("a tampered older seal fails the chain at that instance")
    func tamperedSeal() async {
        var m = ARCTestSealer.seal(dkimBaseMessage, key: Self.key, instance: 1, cv: "none")
        m = ARCTestSealer.seal(m, key: Self.key, instance: 2, cv: "pass")
        m = m.replacingOccurrences(
            of: "ARC-Authentication-Results: i=1; mx.example.org; spf=pass",
            with: "ARC-Authentication-Results: i=1; mx.example.org; spf=fail")
        let v = await validate(m)
        #expect(v.result == .fail)
        if case .sealFailed(let i, .signatureMismatch)? = v.failure {
            #expect(i == 2 || i == 1)
        } else {
            Issue.record("\(String(describing: v.failure))")
        }
    }

    @Test("missing key → fail with the key failure")
    func missingKey() async {
        let m = ARCTestSealer.seal(dkimBaseMessage, key: Self.key, instance: 1, cv: "none")
        let v = await ARCVerifier(resolver: InMemoryResolver()).validate(message: Array(m.utf8))
        #expect(v.result == .fail)
        if case .messageSignatureFailed(1, .keyUnavailable(_, .nxdomain))? = v.failure {
        } else {
            Issue.record("\(String(describing: v.failure))")
        }
    }

    @Test(
        "ARC-Authentication-Results parse",
        arguments: [
            ("ARC-Authentication-Results: i=3; mx.example.org; dkim=pass", 3, "mx.example.org"),
            ("ARC-Authentication-Results:  i = 12 ;\r\n\tmx.example.org;\r\n\tspf=pass", 12, "mx.example.org"),
        ])
    func aar(_ raw: String, _ i: Int, _ id: String) throws {
        let a = try ARCParser.authenticationResults(field: Array(raw.utf8))
        #expect(a.instance == i && a.authservID == id)
    }

    @Test(
        "ARC-Authentication-Results without i= first is an error",
        arguments: [
            "ARC-Authentication-Results: mx.example.org; i=1; dkim=pass",
            "ARC-Authentication-Results: i=1 mx.example.org; dkim=pass",
            "ARC-Authentication-Results: i=0; mx.example.org",
        ])
    func aarBad(_ raw: String) {
        #expect(throws: DKIMSyntaxError.self) { try ARCParser.authenticationResults(field: Array(raw.utf8)) }
    }
}
