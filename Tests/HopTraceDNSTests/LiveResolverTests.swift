import Foundation
import HopTraceCore
import HopTraceTestSupport
import Testing

@testable import HopTraceDNS

/// The plain test zone. Names are under `example.` (not one of libunbound's built-in local
/// zones, so no `transparentZones` is needed); the reverse zone is for 1.2.3.0/24, which is
/// not a special-purpose range either.
private let plainZone = """
    $ORIGIN zone.example.
    $TTL 300
    @       IN SOA ns hostmaster ( 1 3600 600 86400 300 )
            IN NS  ns
    ns      IN A   127.0.0.1
    @       IN TXT "v=spf1 ip4:192.0.2.0/24 " "include:_spf.zone.example -all"
    @       IN MX  10 mail
    @       IN MX  20 backup.other.example.
    mail    IN A    192.0.2.10
            IN A    192.0.2.11
            IN AAAA 2001:db8::10
    www     IN CNAME web
    web     IN CNAME mail
    dangling IN CNAME nowhere
    quote   IN TXT "a\\"b\\\\c\\255;"
    big     IN TXT ( \((0..<8).map { _ in "\"" + String(repeating: "z", count: 200) + "\"" }.joined(separator: " ")) )
    """

private let reverseZone = """
    $ORIGIN 3.2.1.in-addr.arpa.
    $TTL 300
    @   IN SOA ns.zone.example. hostmaster.zone.example. ( 1 3600 600 86400 300 )
        IN NS  ns.zone.example.
    4   IN PTR mail.zone.example.
    """

struct LiveCase: Sendable, CustomTestStringConvertible {
    var name: String
    var type: DNSRecordType
    var outcome: DNSOutcome
    var cnames: [String] = []
    var testDescription: String { "\(name) \(type.rawValue)" }
}

private func ip(_ s: String) -> IPAddress { IPAddress(s)! }

@Suite(.enabled(if: NSDServer.available, "nsd is not installed"))
struct LiveResolverIntegrationTests {
    static let cases: [LiveCase] = [
        .init(
            name: "zone.example", type: .txt,
            outcome: .answer([
                .txt([Array("v=spf1 ip4:192.0.2.0/24 ".utf8), Array("include:_spf.zone.example -all".utf8)])
            ])),
        .init(
            name: "zone.example", type: .mx,
            outcome: .answer([
                .mx(preference: 10, exchange: "mail.zone.example"),
                .mx(preference: 20, exchange: "backup.other.example"),
            ])),
        .init(name: "mail.zone.example", type: .a, outcome: .answer([.a(ip("192.0.2.10")), .a(ip("192.0.2.11"))])),
        .init(name: "MAIL.Zone.Example.", type: .aaaa, outcome: .answer([.aaaa(ip("2001:db8::10"))])),
        .init(name: "4.3.2.1.in-addr.arpa", type: .ptr, outcome: .answer([.ptr("mail.zone.example")])),
        .init(
            name: "www.zone.example", type: .a, outcome: .answer([.a(ip("192.0.2.10")), .a(ip("192.0.2.11"))]),
            cnames: ["web.zone.example", "mail.zone.example"]),
        .init(name: "www.zone.example", type: .cname, outcome: .answer([.cname("web.zone.example")])),
        .init(name: "dangling.zone.example", type: .a, outcome: .nxdomain, cnames: ["nowhere.zone.example"]),
        .init(name: "nope.zone.example", type: .txt, outcome: .nxdomain),
        .init(name: "mail.zone.example", type: .txt, outcome: .nodata),
        .init(name: "quote.zone.example", type: .txt, outcome: .answer([.txt([Array("a\"b\\c".utf8) + [255, 59]])])),
        .init(
            name: "big.zone.example", type: .txt,
            outcome: .answer([.txt(Array(repeating: Array(repeating: UInt8(ascii: "z"), count: 200), count: 8))])),
    ]

    @Test func answersFromARealServer() async throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try plainZone.write(to: dir.appendingPathComponent("zone.example.zone"), atomically: true, encoding: .utf8)
        try reverseZone.write(to: dir.appendingPathComponent("reverse.zone"), atomically: true, encoding: .utf8)
        let nsd = try NSDServer.start(
            in: dir,
            zones: [
                .init(name: "zone.example", file: "zone.example.zone"),
                .init(name: "3.2.1.in-addr.arpa", file: "reverse.zone"),
            ])
        defer { nsd.stop() }
        let resolver = try LiveResolver(options: .init(forwarder: nsd.forwarder, useSystemTrustAnchor: false))
        #expect(await resolver.probe() == .reachable(server: nsd.forwarder))
        for c in LiveResolverIntegrationTests.cases {
            let answer = await resolver.resolve(c.name, c.type)
            #expect(sorted(answer.outcome) == sorted(c.outcome), "\(c.testDescription): \(answer)")
            #expect(answer.cnames == c.cnames, "\(c.testDescription)")
            #expect(answer.dnssec == .insecure, "\(c.testDescription): no trust anchor covers it")
        }
        // Concurrent queries all come back (the poll thread serves them together).
        let answers = await withTaskGroup(of: DNSAnswer.self) { group in
            for c in LiveResolverIntegrationTests.cases { group.addTask { await resolver.resolve(c.name, c.type) } }
            return await group.reduce(into: [DNSAnswer]()) { $0.append($1) }
        }
        #expect(answers.count == LiveResolverIntegrationTests.cases.count)
        #expect(answers.allSatisfy { $0.outcome != .timeout && $0.outcome != .servfail })

        // The live answers recorded and replayed from a snapshot give the same outcomes.
        let recorder = RecordingResolver(wrapping: CachingResolver(wrapping: resolver))
        for c in LiveResolverIntegrationTests.cases { _ = await recorder.resolve(c.name, c.type) }
        let replay = SnapshotResolver(zone: try ZoneFile(parsing: recorder.zoneFileText()))
        for a in recorder.answers {
            let b = await replay.resolve(a.question)
            #expect(sorted(a.outcome) == sorted(b.outcome) && a.cnames == b.cnames, "\(a.question)")
        }
    }

    @Test(
        .enabled(
            if: ["ldns-keygen", "ldns-signzone", "ldns-key2ds"].allSatisfy {
                FileManager.default.isExecutableFile(atPath: "/usr/bin/\($0)")
            }, "ldnsutils is not installed"))
    func dnssecSecureAndBogus() async throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var anchors: [String] = []
        var zones: [NSDServer.Zone] = []
        for zone in ["good.test", "bad.test"] {
            let text = """
                $ORIGIN \(zone).
                $TTL 300
                @   IN SOA ns hostmaster ( 1 3600 600 86400 300 )
                    IN NS  ns
                ns  IN A   127.0.0.1
                @   IN TXT "v=spf1 -all"
                @   IN A   192.0.2.1
                """
            try text.write(to: dir.appendingPathComponent("\(zone).zone"), atomically: true, encoding: .utf8)
            let key = try run("/usr/bin/ldns-keygen", ["-a", "ECDSAP256SHA256", "-k", zone], in: dir)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            try run("/usr/bin/ldns-signzone", ["-n", "-o", zone, "\(zone).zone", key], in: dir)
            try run("/usr/bin/ldns-key2ds", ["-n", "-2", "\(key).key"], in: dir)
                .split(separator: "\n").forEach { anchors.append(String($0)) }
            zones.append(.init(name: zone, file: "\(zone).zone.signed"))
        }
        // Tamper with bad.test after signing: its TXT no longer matches its RRSIG.
        let signed = dir.appendingPathComponent("bad.test.zone.signed")
        let original = try String(contentsOf: signed, encoding: .utf8)
        let tampered = original.replacingOccurrences(of: "\"v=spf1 -all\"", with: "\"v=spf1 +all\"")
        #expect(tampered != original)
        try tampered.write(to: signed, atomically: true, encoding: .utf8)

        let nsd = try NSDServer.start(in: dir, zones: zones)
        defer { nsd.stop() }
        let resolver = try LiveResolver(
            options: .init(
                forwarder: nsd.forwarder, trustAnchors: anchors,
                useSystemTrustAnchor: false, transparentZones: ["test"]))
        let good = await resolver.resolve("good.test", .txt)
        #expect(good.outcome == .answer([.txt([Array("v=spf1 -all".utf8)])]))
        #expect(good.dnssec == .secure)
        let goodA = await resolver.resolve("good.test", .a)
        #expect(goodA.dnssec == .secure)
        let missing = await resolver.resolve("nope.good.test", .txt)
        #expect(missing.outcome == .nxdomain)
        #expect(missing.dnssec == .secure)
        let bad = await resolver.resolve("bad.test", .txt)
        #expect(bad.outcome == .servfail)
        #expect(bad.dnssec == .bogus)
        #expect(bad.reason?.isEmpty == false, "why_bogus is the reason")
    }

    @Test func badTrustAnchorIsAnInitError() {
        #expect(throws: LiveResolverError.self) {
            _ = try LiveResolver(
                options: .init(
                    forwarder: "127.0.0.1@53", trustAnchors: ["this is not a DS record"], useSystemTrustAnchor: false))
        }
    }
}

@Suite struct LiveResolverOfflineTests {
    @Test func nothingListeningFailsFastWithAReason() async throws {
        let port = try NSDServer.freePort()
        let resolver = try LiveResolver(options: .init(forwarder: "127.0.0.1@\(port)", useSystemTrustAnchor: false))
        let answer = await resolver.resolve("zone.example", .txt)
        #expect(answer.outcome == .timeout || answer.outcome == .servfail)
        #expect(answer.reason?.contains("no DNS server reachable") == true, "\(answer)")
        // Later questions do not wait again.
        let clock = ContinuousClock()
        let start = clock.now
        let again = await resolver.resolve("other.example", .a)
        #expect(again.outcome == .timeout)
        #expect(clock.now - start < .seconds(1))
        guard case .unreachable(let reason) = await resolver.probe() else {
            Issue.record("probe says reachable")
            return
        }
        #expect(reason.contains("127.0.0.1@\(port)"))
    }

    @Test func silentServerTimesOut() async throws {
        let silent = try SilentUDPServer()
        let resolver = try LiveResolver(
            options: .init(
                forwarder: "127.0.0.1@\(silent.port)", useSystemTrustAnchor: false,
                timeout: .milliseconds(500)))
        let answer = await resolver.resolve("zone.example", .txt)
        #expect(answer.outcome == .timeout, "\(answer)")
        #expect(answer.reason != nil)
        withExtendedLifetime(silent) {}
    }

    @Test func ownTimeoutIsEnforced() async throws {
        // Checked directly on the engine, without the reachability probe on top.
        let silent = try SilentUDPServer()
        let server = ServerAddress(ip: .v4(0x7f00_0001), port: silent.port)
        var options = LiveResolver.Options(forwarder: server.description, useSystemTrustAnchor: false)
        // libunbound gives up on a silent server after about 0.8 s (toolchain.md §5), so a
        // 0.3 s deadline is normally what ends the query.
        options.timeout = .milliseconds(300)
        let engine = try UnboundEngine(options: options, servers: [server])
        defer { engine.stop() }
        let answer = await engine.resolve(DNSQuestion(name: "zone.example", type: .a), timeout: .milliseconds(300))
        #expect(answer.outcome == .timeout || answer.outcome == .servfail, "\(answer)")
        if answer.outcome == .timeout { #expect(answer.reason == "no answer within 0.3 s") }
        withExtendedLifetime(silent) {}
    }

    @Test func systemModeReadsResolvConf() async throws {
        // A resolv.conf naming only loopback (nothing listens on port 53 here), so no packet
        // leaves the machine.
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let conf = dir.appendingPathComponent("resolv.conf")
        try "# test\nsearch example\nnameserver 127.0.0.1\nnameserver fe80::1%eth0\n".write(
            to: conf, atomically: true, encoding: .utf8)
        var options = LiveResolver.Options(useSystemTrustAnchor: false)
        options.resolvConf = conf.path
        let resolver = try LiveResolver(options: options)
        #expect(resolver.servers == ["127.0.0.1@53"])
        let answer = await resolver.resolve("zone.example", .txt)
        #expect(answer.outcome == .timeout || answer.outcome == .servfail)
        #expect(answer.reason?.contains("no DNS server reachable") == true, "\(answer)")
    }

    @Test(arguments: ["", "example.com", "1.2.3.4@", "1.2.3.4@0", "1.2.3.4@70000", "1.2.3.4@53@53"])
    func badForwarderIsRefused(_ text: String) {
        #expect(throws: LiveResolverError.self) { _ = try LiveResolver(options: .init(forwarder: text)) }
    }

    @Test func invalidNamesAreRefusedWithoutAQuery() async throws {
        let resolver = try LiveResolver(options: .init(forwarder: "127.0.0.1@9", useSystemTrustAnchor: false))
        let answer = await resolver.resolve(String(repeating: "a", count: 64) + ".example", .txt)
        #expect(answer.outcome == .servfail)
        #expect(answer.reason?.contains("not a valid DNS name") == true)
    }
}

@Suite struct DNSWireTests {
    @Test func records() throws {
        #expect(try DNSWire.record(type: .a, rdata: [192, 0, 2, 1]) == .a(IPAddress("192.0.2.1")!))
        #expect(
            try DNSWire.record(type: .aaaa, rdata: [0x20, 0x01, 0x0d, 0xb8] + Array(repeating: 0, count: 11) + [1])
                == .aaaa(IPAddress("2001:db8::1")!))
        #expect(
            try DNSWire.record(type: .txt, rdata: [2, 0x61, 0x62, 0, 1, 0xff]) == .txt([[0x61, 0x62], [], [0xff]]))
        #expect(
            try DNSWire.record(type: .mx, rdata: [0, 10, 2, 0x6d, 0x78, 7] + Array("EXAMPLE".utf8) + [0])
                == .mx(preference: 10, exchange: "mx.example"))
        #expect(try DNSWire.record(type: .ptr, rdata: [0]) == .ptr("."))
    }

    @Test(arguments: [
        (DNSRecordType.a, [UInt8]([1, 2, 3])),
        (.txt, [5, 0x61]),
        (.mx, [0, 10]),
        (.cname, [3, 0x61, 0x62]),
        (.ptr, [0xc0, 0x0c]),
        (.ptr, [64] + Array(repeating: 0x61, count: 64) + [0]),
        (.cname, [1, 0x61, 0, 0]),
    ])
    func malformedIsAnError(_ type: DNSRecordType, _ rdata: [UInt8]) {
        #expect(throws: DNSWire.Malformed.self) { try DNSWire.record(type: type, rdata: rdata) }
    }

    @Test func cnameChainWithCompressionAndLoops() {
        // Header: 1 question, 2 answers. Question www.ex A; answers www.ex CNAME mail.ex (compressed), mail.ex CNAME www.ex.
        var p: [UInt8] = [0, 1, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0]
        p += [3] + Array("www".utf8) + [2] + Array("ex".utf8) + [0, 0, 1, 0, 1]
        p += [0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, 7, 4] + Array("mail".utf8) + [0xc0, 16]
        p += [0xc0, 43, 0, 5, 0, 1, 0, 0, 0, 60, 0, 2, 0xc0, 12]
        #expect(DNSWire.cnameChain(packet: p, from: "www.ex") == ["mail.ex"])
        // A pointer to itself ends.
        let loop: [UInt8] = [0, 1, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12]
        #expect(DNSWire.cnameChain(packet: loop, from: "x") == [])
    }
}

/// A loopback DNS "server" that answers NXDOMAIN to every query, like the stub resolvers of
/// sandboxed and air-gapped machines.
final class NXDomainEverythingServer: @unchecked Sendable {
    // @unchecked: `fd` and `port` are immutable; the thread only reads and writes the socket.
    let socket: SilentUDPServer
    var port: UInt16 { socket.port }

    init() throws {
        socket = try SilentUDPServer()
        let fd = socket.fd
        Thread.detachNewThread {
            var buffer = [UInt8](repeating: 0, count: 512)
            var from = sockaddr_storage()
            var fromLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
            // Answers at most 20 queries, then stops (bounded; the socket closes with the test).
            for _ in 0..<20 {
                let n = withUnsafeMutablePointer(to: &from) { p in
                    p.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        recvfrom(fd, &buffer, buffer.count, 0, $0, &fromLength)
                    }
                }
                guard n >= 12 else { return }
                var reply = Array(buffer[0..<n])
                reply[2] |= 0x80  // QR
                reply[3] = (reply[3] & 0xF0) | 3  // RCODE NXDOMAIN
                _ = withUnsafePointer(to: &from) { p in
                    p.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        sendto(fd, reply, reply.count, 0, $0, fromLength)
                    }
                }
            }
        }
    }
}

@Suite struct StubResolverTests {
    @Test func aResolverThatDeniesTheRootIsNotReachable() async throws {
        let stub = try NXDomainEverythingServer()
        let resolver = try LiveResolver(
            options: .init(
                forwarder: "127.0.0.1@\(stub.port)", useSystemTrustAnchor: false,
                timeout: .milliseconds(800)))
        guard case .unreachable(let reason) = await resolver.probe() else {
            Issue.record("a server answering NXDOMAIN for the root was taken as a working resolver")
            return
        }
        #expect(reason.contains("NXDOMAIN even for the root zone"))
        withExtendedLifetime(stub) {}
    }
}
