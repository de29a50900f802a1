import HopTraceCore
import Testing

@testable import HopTraceDNS

/// `SnapshotResolver.Held`, the per-name form the answers read, holds what the zone holds:
/// for every type exactly the name's records of that type in file order, the whole list, and
/// whether a CNAME is among them, on random lists of mixed and uniform types.
@Suite("Snapshot held names")
struct SnapshotHeldTests {
    static func randomRecord(_ rng: inout SystemRandomNumberGenerator) -> DNSRecord {
        let n = UInt32.random(in: 0...20, using: &rng)
        switch Int.random(in: 0..<6, using: &rng) {
        case 0: return .a(.v4(n))
        case 1: return .aaaa(.v6(1, UInt64(n)))
        case 2: return .txt([Array("t\(n)".utf8)])
        case 3: return .mx(preference: Int(n), exchange: "mx\(n).example")
        case 4: return .ptr("p\(n).example")
        default: return .cname("c\(n).example")
        }
    }

    @Test func heldRecordsAreTheZoneRecordsOfEachType() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let count = Int.random(in: 0...8, using: &rng)
            var records = (0..<count).map { _ in Self.randomRecord(&rng) }
            // Uniform lists too, which a random mix seldom gives.
            if Bool.random(using: &rng), let first = records.first {
                records = records.map { _ in first }
            }
            let held = SnapshotResolver.Held(records)
            #expect(held.all == records)
            for type in DNSRecordType.allCases {
                #expect(held.records(of: type) == records.filter { $0.type == type }, "\(records) \(type)")
            }
            #expect(held.hasCNAME == records.contains { $0.type == .cname })
        }
    }

    /// `ordinal` is the position in `allCases`.
    @Test func ordinalsArePositions() {
        for (index, type) in DNSRecordType.allCases.enumerated() { #expect(type.ordinal == index) }
    }
}

/// The snapshot answers a name as a `Dictionary` of its names does, also when the name is
/// not ASCII (a canonically equal spelling finds the held name), for every type.
@Suite("Snapshot non-ASCII names")
struct SnapshotNonASCIITests {
    @Test func canonicallyEqualNamesAreTheHeldName() throws {
        let zone = try ZoneFile(parsing: "x\u{E9}.example. IN A 192.0.2.1\nplain.example. IN TXT \"v=spf1 -all\"\n")
        let resolver = SnapshotResolver(zone: zone)
        for name in ["xe\u{301}.example", "x\u{E9}.example", "plain.example", "pla\u{301}in.example"] {
            for type in DNSRecordType.allCases {
                let question = DNSQuestion(name: name, type: type)
                let answer = resolver.answer(question)
                #expect(answer == resolver.followedAnswer(question), "\(question)")
                if let held = zone.names[question.name] {
                    let expected: DNSOutcome =
                        held.contains { $0.type == type } ? .answer(held.filter { $0.type == type }) : .nodata
                    #expect(answer.outcome == expected, "\(question)")
                }
            }
        }
    }
}
