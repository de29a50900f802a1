import Foundation
import HopTraceAuth
import HopTraceCore
import HopTraceDNS
import HopTraceForensics
import HopTraceMessage
import HopTraceReceived
import HopTraceReport
import HopTraceTopology
import Testing

/// Runs the authentication-forensics engine on the samples with their zone snapshots and checks
/// the conclusions the article (and issue 6's "Done when") ask for.
enum ForensicsHarness {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func input(fromBytes bytes: [UInt8], embedded: Bool, zone: String?, offline: Bool = false) throws
        -> ForensicsInput
    {
        let intake = try MessageIntake.read(bytes)
        let chain = try #require(embedded ? intake.chains.first { $0.source == .embedded } : intake.chains.first)
        let received = chain.headers.fields(named: "Received").map {
            (value: $0.value, location: Optional($0.location))
        }
        let hops = ChainBuilder.build(received).hops
        // As the pipeline does: software tied to hops, listed on the topology's hosts.
        let software = HopAttribution(hops: hops, publicSuffixList: .bundled).software(headers: chain.headers).perHop
        let names = zip(hops, software).map { HopSoftwareNames(hop: $0.index, software: $1) }
        let topology = Topology.build(hops: hops, software: names)
        var resolver: (any DNSResolver)? = nil
        var source = "none (offline)"
        if let zone, !offline {
            resolver = try SnapshotResolver(contentsOf: root.appendingPathComponent("samples/\(zone)").path)
            source = "snapshot samples/\(zone)"
        }
        let times = hops.compactMap { $0.received.timestamp?.utcSeconds }
        return ForensicsInput(
            chain: chain, hops: hops, topology: topology, software: software, resolver: resolver, dnsSource: source,
            publicSuffixList: .bundled, messageTime: times.max(), now: 1_795_900_000)
    }

    static func run(_ sample: String, embedded: Bool = false, zone: String?, offline: Bool = false) async throws
        -> ChainAuthentication
    {
        let bytes = try [UInt8](Data(contentsOf: root.appendingPathComponent("samples/\(sample)")))
        return await AuthForensics.analyze(
            try input(fromBytes: bytes, embedded: embedded, zone: zone, offline: offline))
    }

    static func finding(_ a: ChainAuthentication, _ kind: FindingKind) -> [Finding] {
        a.findings.map(FindingsText.finding).filter { $0.kind == kind }
    }
}

@Suite struct ForensicsSampleTests {
    @Test func btReceiptConcludesAsTheArticleDoes() async throws {
        let a = try await ForensicsHarness.run(
            "bt-delivery-receipt.eml", embedded: true, zone: "bt-delivery-receipt.zone")
        // SPF passed at hop 1 for 82.70.154.45: replayed now and recorded by BT's first receiver.
        let h1 = try #require(a.hop(1)?.spf)
        #expect(h1.clientIP.description == "82.70.154.45")
        #expect(h1.domain == "m0noc.net")
        #expect(h1.replayed == .pass)
        #expect(h1.recorded == .pass)
        #expect(h1.recordedBy == "RDW083A006ED62.bt.com")
        // protection.outlook.com checked 62.239.224.235 at hop 4 and recorded fail.
        let h4 = try #require(a.hop(4))
        #expect(h4.spf?.recorded == .fail)
        #expect(h4.spf?.recordedBy == "protection.outlook.com")
        #expect(h4.spf?.clientIP.description == "62.239.224.235")
        #expect(h4.spf?.replayed == .fail)
        #expect(h4.verdicts.contains { $0.method == .dmarc && $0.word == "fail" })
        #expect(h4.verdicts.filter { $0.method == .dkim }.count == 2)
        // Internal hops are not replayed against the public record.
        #expect(a.hop(2)?.spf?.skippedReason?.contains("private") == true)

        let spfF = ForensicsHarness.finding(a, .spfBrokenByForwarding)
        #expect(spfF.count == 1)
        let f = try #require(spfF.first)
        #expect(f.severity == .error)
        #expect(f.hops == [4])
        for phrase in [
            "protection.outlook.com", "62.239.224.235", "bt.com", "82.70.154.45", "hop 1", "SRS",
            "Enhanced Filtering for Connectors", "bt.com tenant",
        ] {
            #expect(f.summary.contains(phrase), "missing \(phrase): \(f.summary)")
        }
        #expect(
            a.annotations.contains {
                $0.hop == 4 && $0.severity == .error && $0.label.contains("62.239.224.235")
                    && $0.label.contains("bt.com")
            })

        let dkimF = ForensicsHarness.finding(a, .dkimBrokenInTransit)
        #expect(dkimF.count == 1)
        #expect(dkimF.first?.summary.contains("m0noc.net") == true)
        #expect(dkimF.first?.summary.contains("signature did not verify") == true)
        #expect(dkimF.first?.summary.contains("bt.com") == true)

        let dmarcF = try #require(ForensicsHarness.finding(a, .dmarcFail).first)
        #expect(dmarcF.hops.contains(4))
        for phrase in ["p=reject", "oreject", "SPF fail", "DKIM fail", "Forwarding caused it"] {
            #expect(dmarcF.summary.contains(phrase), "missing \(phrase): \(dmarcF.summary)")
        }
        // DMARC at the origin passes (SPF aligned); at hop 4 it fails.
        #expect(a.dmarcChecks.first { $0.hop == nil }?.evaluation.result == .pass)
        #expect(a.dmarcChecks.first { $0.hop == 4 }?.evaluation.result == .fail)
        #expect(a.dmarcChecks.first { $0.hop == 4 }?.recordedAction == "oreject")
        // Notes: DNS source, header-only DKIM, the age caveat.
        #expect(a.noteTexts.contains { $0.contains("snapshot samples/bt-delivery-receipt.zone") })
        #expect(a.noteTexts.contains { $0.contains("2016") && $0.contains("not proof") })
        #expect(a.noteTexts.contains { $0.contains("headers only") })
        // Exchange's AuthAs header sits below every Received and names no host: as a recorded verdict it
        // is not attributed, but decoded as Microsoft 365's it belongs to the front door (hop 4), so no
        // "not attributed" note is left about it.
        #expect(a.unattributed.contains { $0.header == "X-MS-Exchange-Organization-AuthAs" })
        #expect(a.hop(4)?.vendorVerdicts.contains { $0.decoded.header == "X-MS-Exchange-Organization-AuthAs" } == true)
        #expect(!a.noteTexts.contains { $0.contains("X-MS-Exchange-Organization-AuthAs") })
        #expect(a.hop(4)?.attributionNotes.isEmpty == true)
        // The contract's JSON object.
        let json = JSONRenderer.hopSPF(h1).serialized(pretty: false)
        #expect(
            json.hasPrefix(
                #"{"client_ip":"82.70.154.45","domain":"m0noc.net","result":"pass","recorded":"pass","recorded_by":"RDW083A006ED62.bt.com""#
            ))
    }

    @Test func raynetHMailServerCheckedItsOwnRelay() async throws {
        let a = try await ForensicsHarness.run("raynet-forwarded.eml", zone: "raynet-forwarded.zone")
        let h2 = try #require(a.hop(2))
        #expect(h2.verdicts.contains { $0.header == "X-hMailServer-Reason-1" && $0.method == .spf })
        #expect(h2.verdicts.contains { $0.header == "X-hMailServer-Spam" })
        #expect(h2.attributionTexts.contains { $0.contains("hMailServer") })
        #expect(h2.spf?.recordedClientIP?.description == "91.234.185.121")
        #expect(h2.spf?.recordedInferred == true)
        #expect(a.hop(1)?.spf?.replayed == .pass)
        #expect(a.hop(1)?.spf?.sender?.address == "REDACTED@m0noc.net")

        let spfF = ForensicsHarness.finding(a, .spfBrokenByForwarding)
        let f2 = try #require(spfF.first { $0.hops == [2] })
        for phrase in [
            "mail.raynet-uk.net", "91.234.185.121", "amg1.gbse.gb.net", "raynet-uk.net", "82.70.154.45", "[SPAM]",
            "Incoming relays", "own inbound relay", "hop 1 (amg1.gbse.gb.net)",
        ] {
            #expect(f2.summary.contains(phrase), "missing \(phrase): \(f2.summary)")
        }
        // The final hop: m0noc.net's own server checked Raynet's outbound address (plain forward, no SRS).
        #expect(spfF.contains { $0.hops == [3] && $0.summary.contains("88.208.249.159") })
        #expect(
            a.annotations.contains {
                $0.hop == 2 && $0.label == "SPF fail: checked 91.234.185.121 (raynet-uk.net relay)"
            })
        #expect(a.noteTexts.contains { $0.contains("[SPAM]") && $0.contains("mail.raynet-uk.net") })
    }

    @Test func srsForwarderRaisesNoAlarm() async throws {
        let a = try await ForensicsHarness.run("forward-srs.eml", zone: "forward-srs.zone")
        #expect(ForensicsHarness.finding(a, .spfBrokenByForwarding).isEmpty)
        #expect(ForensicsHarness.finding(a, .dkimBrokenInTransit).isEmpty)
        #expect(ForensicsHarness.finding(a, .dmarcFail).isEmpty)
        #expect(a.hop(1)?.spf?.replayed == .pass)
        #expect(a.hop(1)?.spf?.domain == "origin.example")
        #expect(a.hop(2)?.spf?.replayed == .pass)
        #expect(a.hop(2)?.spf?.domain == "forwarder.example")
        #expect(a.hop(2)?.spf?.recorded == .pass)
        #expect(a.hop(2)?.spf?.sender?.address == "SRS0=x3Fq=VB=origin.example=alice@forwarder.example")
        #expect(a.hop(1)?.spf?.sender?.address == "alice@origin.example")
        #expect(a.dkim.count == 1)
        #expect(a.dkim.first?.result == .pass)
        #expect(a.dmarcChecks.allSatisfy { $0.evaluation.result == .pass })
    }

    @Test func plainForwardToGmailSoftfails() async throws {
        let a = try await ForensicsHarness.run("forward-plain-gmail.eml", zone: "forward-plain-gmail.zone")
        let h2 = try #require(a.hop(2))
        #expect(h2.spf?.recorded == .softfail)
        #expect(h2.spf?.recordedBy == "google.com")
        #expect(h2.spf?.clientIP.description == "198.51.100.25")
        // Gmail writes its verdicts below its own Received: position disagrees, the rest wins.
        #expect(h2.attributionTexts.contains { $0.contains("just above hop 1") })
        #expect(a.hop(1)?.verdicts.isEmpty == true)
        let f = try #require(ForensicsHarness.finding(a, .spfBrokenByForwarding).first)
        #expect(f.hops == [2])
        for phrase in ["softfail", "198.51.100.25", "forward.example", "192.0.2.10", "SRS"] {
            #expect(f.summary.contains(phrase), "missing \(phrase): \(f.summary)")
        }
        let d = try #require(ForensicsHarness.finding(a, .dmarcFail).first)
        #expect(d.summary.contains("p=quarantine"))
        #expect(d.summary.contains("Forwarding caused it"))
    }

    @Test func listBreaksDKIMWithTagAndFooter() async throws {
        let a = try await ForensicsHarness.run("list-dkim-broken.eml", zone: "list-dkim-broken.zone")
        let v = try #require(a.dkim.first)
        #expect(v.result == .fail)
        if case .bodyHashMismatch? = v.failure {
        } else {
            Issue.record("expected a body hash mismatch, got \(String(describing: v.failure))")
        }
        let f = try #require(ForensicsHarness.finding(a, .dkimBrokenInTransit).first)
        #expect(f.severity == .error)
        #expect(f.hops == [1])
        for phrase in ["[dev]", "footer", "lists.listhost.example", "body hash"] {
            #expect(f.summary.contains(phrase), "missing \(phrase): \(f.summary)")
        }
        // The list rewrote the envelope sender: SPF passes for its own domain, no forwarding alarm.
        #expect(ForensicsHarness.finding(a, .spfBrokenByForwarding).isEmpty)
        #expect(a.hop(2)?.spf?.replayed == .pass)
        let d = try #require(ForensicsHarness.finding(a, .dmarcFail).first)
        #expect(d.summary.contains("p=none"))
        #expect(d.summary.contains("The mailing list caused it"))
    }

    @Test func arcForwardIsReadAsALedger() async throws {
        let a = try await ForensicsHarness.run("forward-arc.eml", zone: "forward-arc.zone")
        let arc = try #require(a.arc)
        #expect(arc.result == .pass, "\(String(describing: arc.failure))")  // a genuine seal (see samples/README.md)
        #expect(arc.instanceCount == 1)
        let entry = try #require(a.arcLedger.first)
        #expect(entry.instance == 1)
        #expect(entry.hop == 1)
        #expect(entry.sealDomain == "fwd.example")
        #expect(entry.verdicts.contains { $0.method == .spf && $0.word == "pass" })
        // The origin's DKIM signature survives the forward; SPF at the destination breaks.
        #expect(a.dkim.first?.result == .pass)
        #expect(ForensicsHarness.finding(a, .spfBrokenByForwarding).first?.hops == [2])
        #expect(ForensicsHarness.finding(a, .dmarcFail).isEmpty)
        // A changed message breaks the seal's message signature: fail, with the instance.
        let url = ForensicsHarness.root.appendingPathComponent("samples/forward-arc.eml")
        let text = try String(contentsOf: url, encoding: .utf8).replacingOccurrences(
            of: "Subject: Contract draft v3", with: "Subject: [EXT] Contract draft v3")
        var input = try ForensicsHarness.input(fromBytes: Array(text.utf8), embedded: false, zone: "forward-arc.zone")
        input.now = 1_795_900_001
        let broken = await AuthForensics.analyze(input)
        #expect(broken.arc?.result == .fail)
        #expect(broken.arc?.brokenAt == 1)
        #expect(broken.arcLedger.first?.hop == 1)
    }

    @Test func offlineStillShowsRecordedVerdicts() async throws {
        let a = try await ForensicsHarness.run(
            "bt-delivery-receipt.eml", embedded: true, zone: "bt-delivery-receipt.zone", offline: true)
        #expect(a.hop(1)?.spf?.recorded == .pass)
        #expect(a.hop(1)?.spf?.replayed == nil)
        #expect(a.hop(1)?.spf?.skippedReason?.contains("offline") == true)
        #expect(a.hop(4)?.spf?.recorded == .fail)
        #expect(a.noteTexts.contains { $0.contains("Offline") })
        #expect(a.noteTexts.contains { $0.contains("none (offline)") })
        // With the origin's recorded pass, the forwarding conclusion still holds offline.
        #expect(ForensicsHarness.finding(a, .spfBrokenByForwarding).first?.hops == [4])
        #expect(ForensicsHarness.finding(a, .dmarcFail).first?.summary.contains("oreject") == true)
        #expect(a.dmarcChecks.isEmpty)
        let json = JSONRenderer.hopSPF(try #require(a.hop(1)?.spf)).serialized(pretty: false)
        #expect(json.contains(#""result":null,"recorded":"pass""#))
        #expect(json.contains(#""skipped":"offline"#))

        let r = try await ForensicsHarness.run("raynet-forwarded.eml", zone: nil)
        #expect(r.hop(2)?.spf?.recorded == .fail)
        #expect(r.hop(1)?.spf?.skippedReason != nil)
        // No origin result offline: a note, not a finding.
        #expect(ForensicsHarness.finding(r, .spfBrokenByForwarding).isEmpty)
        #expect(r.noteTexts.contains { $0.contains("91.234.185.121") && $0.contains("could not be checked") })
    }
}

/// The typed results as the report words them, for assertions on what a reader sees.
extension ChainAuthentication {
    var noteTexts: [String] { notes.map(FindingsText.text) }
    var annotations: [EdgeAnnotation] { marks.map(FindingsText.annotation) }
}

extension HopAuthentication {
    var attributionTexts: [String] { attributionNotes.map(FindingsText.text) }
}

extension HopSPF {
    var skippedReason: String? { skipped.map(FindingsText.text) }
}
