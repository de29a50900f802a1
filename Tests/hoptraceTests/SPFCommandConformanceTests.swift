import Foundation
import HopTraceDNS
import HopTraceTestSupport
import Testing

/// The RFC 7208 suite once more, through the command line as a user runs it: each scenario
/// written as a snapshot zone file, then `hoptrace spf IP DOMAIN --helo … --sender … --dns-snapshot
/// FILE --json`. Proves the snapshot format carries everything the suite needs.
@Suite("RFC 7208 suite through hoptrace spf")
struct SPFCommandConformanceTests {
    @Test(.requiresShared(RFC7208Suite.file), arguments: RFC7208Suite.cases)
    func rfc7208ThroughTheCommandLine(_ test: RFC7208Suite.Case) throws {
        let file = try TestSupport.temporaryFile(
            "zone.txt", Array(test.zoneFile.text(header: ["RFC 7208 suite: \(test.scenario)"]).utf8))
        // check_host's <domain> is the MAIL FROM's domain, or the HELO name for the null sender.
        let domain: String
        if let at = test.mailfrom.lastIndex(of: "@") {
            domain = String(test.mailfrom[test.mailfrom.index(after: at)...])
        } else {
            domain = test.mailfrom.isEmpty ? test.helo : test.mailfrom
        }
        let run = try TestSupport.run([
            "spf", test.host, domain, "--helo", test.helo, "--sender", test.mailfrom,
            "--dns-snapshot", file.path, "--json",
        ])
        try? FileManager.default.removeItem(at: file.deletingLastPathComponent())
        #expect(run.status == 0, "\(test.name): exit \(run.status): \(run.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        let result = object?["result"] as? String ?? "<none>"
        #expect(test.results.contains(result), "\(test.name): got \(result), want \(test.results)")
    }
}
