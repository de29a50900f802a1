import Testing

@testable import HopTraceDNS

#if canImport(Glibc)
import Glibc
#endif

/// `DNSSetup`: the choices refused before anything is opened, and each zone-file problem as
/// the case its exit code follows (`DNSSetupError`).
@Suite struct DNSSetupTests {
    @Test(arguments: [
        (DNSSetup(offline: true, server: "192.0.2.1"), "--offline excludes"),
        (DNSSetup(snapshot: "x.zone", offline: true), "--offline excludes"),
        (DNSSetup(offline: true, record: true), "--offline excludes"),
        (DNSSetup(snapshot: "x.zone", server: "192.0.2.1"), "exclude each other"),
        (DNSSetup(server: "junk"), "is not IP or IP@PORT"),
        (DNSSetup(server: "192.0.2.1@0"), "is not IP or IP@PORT"),
        (DNSSetup(server: "192.0.2.1@65536"), "is not IP or IP@PORT"),
        (DNSSetup(server: "192.0.2.1@53@53"), "is not IP or IP@PORT"),
        (DNSSetup(server: "\u{1B}[31m"), "is not IP or IP@PORT"),
    ])
    func contradictoryOrMalformedChoicesAreInvalid(_ setup: DNSSetup, _ message: String) async {
        #expect { try setup.check() } throws: { Self.isInvalidChoice($0, saying: message) }
        await #expect { _ = try await setup.make() } throws: { Self.isInvalidChoice($0, saying: message) }
    }

    static func isInvalidChoice(_ error: any Error, saying message: String) -> Bool {
        guard case .invalidChoice(let text) = error as? DNSSetupError else { return false }
        return text.contains(message) && !text.contains("\u{1B}")
    }

    @Test(arguments: ["192.0.2.1", "192.0.2.1@5353", "2001:db8::1", "2001:db8::1@65535"])
    func serverAddressesThatAreAccepted(_ server: String) throws {
        try DNSSetup(server: server).check()
    }

    @Test func offlineHasNoResolverAndSaysWhy() async throws {
        let dns = try await DNSSetup(offline: true).make()
        #expect(dns.resolver == nil && dns.base == nil && dns.recorder == nil)
        #expect(dns.source == "none (--offline)")
        #expect(dns.notes.first?.hasPrefix("DNS: none (--offline);") == true)
    }

    @Test func aSnapshotIsTheBaseBehindARecorderAndACache() async throws {
        let path = "/tmp/hoptrace-dnssetup-\(getpid()).zone"
        try writeFile(path, Array("example.com. IN TXT \"v=spf1 -all\"\n".utf8))
        defer { removeFile(path) }
        let dns = try await DNSSetup(snapshot: path, record: true).make()
        #expect(dns.base is SnapshotResolver)
        #expect(dns.recorder != nil)
        #expect(dns.resolver is CachingResolver)
        #expect(dns.source == "snapshot \(path)")
        #expect(dns.notes == ["DNS: snapshot \(path)"])
    }

    /// A file that cannot be read is `snapshotUnreadable` (74), one that does not parse or is
    /// beyond the limits `snapshotInvalid` (65).
    @Test func zoneFileProblemsAreUnreadableOrInvalid() throws {
        let bad = "/tmp/hoptrace-dnssetup-bad-\(getpid()).zone"
        try writeFile(bad, Array("example.com. IN TXT \"v=spf1 -all\n".utf8))
        defer { removeFile(bad) }
        #expect {
            _ = try DNSSetup.snapshot("/nonexistent/hoptrace/x.zone")
        } throws: { error in
            guard case .snapshotUnreadable(let path, let zoneError) = error as? DNSSetupError else { return false }
            return path == "/nonexistent/hoptrace/x.zone" && zoneError.kind == .io
        }
        #expect {
            _ = try DNSSetup.snapshot("/tmp")
        } throws: { error in
            guard case .snapshotUnreadable = error as? DNSSetupError else { return false }
            return "\(error)".hasPrefix("cannot read DNS snapshot /tmp: cannot read /tmp: ")
        }
        #expect {
            _ = try DNSSetup.snapshot(bad)
        } throws: { error in
            guard case .snapshotInvalid(_, let zoneError) = error as? DNSSetupError else { return false }
            return zoneError.line == 1 && "\(error)".hasPrefix("cannot read DNS snapshot \(bad): line 1: ")
        }
    }
}
