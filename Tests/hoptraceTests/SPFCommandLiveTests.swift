import Foundation
import HopTraceTestSupport
import Testing

/// `hoptrace spf` as a user runs it, live against a real DNS server started on 127.0.0.1 by the
/// test (nsd), then replayed offline from what it saved: same result, same trace (the DNSSEC
/// status aside, which only a live answer has).
@Suite(.enabled(if: NSDServer.available, "nsd is not installed"))
struct SPFCommandLiveTests {
    static let zone = """
        $ORIGIN spf.example.
        $TTL 300
        @       IN SOA ns hostmaster ( 1 3600 600 86400 300 )
                IN NS  ns
        ns      IN A   127.0.0.1
        @       IN TXT "v=spf1 mx include:_relays.spf.example -all"
        @       IN MX  10 mail
        mail    IN A   192.0.2.10
        _relays IN TXT "v=spf1 ip4:198.51.100.0/24 ~all"
        """

    /// The JSON without DNSSEC statuses (live answers carry one, snapshot answers none), and
    /// without the commas that separated them from the field before.
    static func withoutDNSSEC(_ json: String) -> String {
        json.split(separator: "\n").filter { !$0.contains("\"dnssec\"") }
            .map { $0.hasSuffix(",") ? String($0.dropLast()) : String($0) }.joined(separator: "\n")
    }

    @Test(arguments: [("192.0.2.10", "pass"), ("198.51.100.7", "pass"), ("203.0.113.1", "fail")])
    func liveThenReplayedFromTheSavedSnapshot(ip: String, expected: String) throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.zone.write(to: dir.appendingPathComponent("spf.example.zone"), atomically: true, encoding: .utf8)
        let nsd = try NSDServer.start(in: dir, zones: [.init(name: "spf.example", file: "spf.example.zone")])
        defer { nsd.stop() }
        let saved = dir.appendingPathComponent("saved.zone").path
        let live = try TestSupport.run([
            "spf", ip, "spf.example", "--sender", "a@spf.example", "--resolver", nsd.forwarder,
            "--save-dns", saved, "--json",
        ])
        #expect(live.status == 0, "\(live.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(live.stdout.utf8)) as? [String: Any]
        // 198.51.100.7 passes through the include; 203.0.113.1 meets its ~all, no match, so -all decides.
        #expect(object?["result"] as? String == expected)
        #expect(live.stdout.contains("\"dnssec\""))
        let replay = try TestSupport.run([
            "spf", ip, "spf.example", "--sender", "a@spf.example", "--dns-snapshot", saved, "--json",
        ])
        #expect(replay.status == 0, "\(replay.stderr)")
        #expect(Self.withoutDNSSEC(replay.stdout) == Self.withoutDNSSEC(live.stdout))
    }
}
