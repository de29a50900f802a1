import HopTraceCore
import HopTraceDNS
import Testing

@testable import HopTraceAuth

/// `SPFPreparedRecord` lays out what the record says, and nothing else: each step agrees with
/// its term, each literal with the expansion and checks the evaluator would make, the redirect
/// with `SPFRecord.redirect` and `hasAll`. A TXT record of several strings is selected and
/// cached as its joined text.
@Suite("SPF prepared records")
struct SPFPreparedRecordTests {
    static let records: [String] = [
        "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 include:_spf.example.com ~all",
        "V=SPF1 a:%{d}.x.example/24//64 mx -all exp=why.%{d}",
        "v=spf1 a mx/24 ptr ptr:example.org exists:%{ir}.%{v}._spf.%{d} -include:a.example.",
        "v=spf1 redirect=_spf.example.net",
        "v=spf1 ip4:198.51.100.1 redirect=_spf.example.net ?all",
        "v=spf1 include:a..example include:" + String(repeating: "a", count: 64) + ".example -all",
        "v=spf1 exists:" + (0..<5).map { _ in String(repeating: "b", count: 60) }.joined(separator: ".") + " -all",
        "v=spf1 foo=bar:%{d} a:example.com. +all",
        "v=spf1",
    ]

    @Test(arguments: records)
    func stepsFollowTheTerms(_ text: String) throws {
        let record = try SPFParser.parse(text)
        let prepared = SPFPreparedRecord(record)
        #expect(prepared.record == record)
        #expect(prepared.steps.count == record.terms.count)
        for (index, term) in record.terms.enumerated() {
            let step = prepared.steps[index]
            var spec: SPFMacroString? = nil
            switch term {
            case .directive(let directive):
                #expect(step.result == directive.qualifier.result)
                #expect(prepared.directive(index) == directive)
                switch directive.mechanism {
                case .all:
                    #expect(step.kind == .all)
                case .ip4(let network, let length), .ip6(let network, let length):
                    #expect(step.kind == .network)
                    #expect(step.network == network && step.length == length)
                case .include(let s), .exists(let s):
                    #expect(step.kind == .dns)
                    spec = s
                case .a(let s, _), .mx(let s, _), .ptr(let s):
                    #expect(step.kind == .dns)
                    spec = s
                }
            case .modifier(let modifier):
                #expect(step.kind == .modifier)
                if case .redirect(let s) = modifier.modifier { spec = s }
            }
            let literal = spec.flatMap(SPFMacroExpansion.literalDomain)
            #expect((step.literal >= 0) == (literal != nil), "\(term.raw)")
            if let literal, step.literal >= 0 {
                #expect(prepared.literals[step.literal] == literal)
                #expect(step.literalIsWellFormed == (SPFEvaluator.malformedDomainReason(literal) == nil))
                #expect(step.literalIsQueryable == (SPFEvaluator.unqueryableReason(literal) == nil))
            }
        }
        let redirect = prepared.redirect.map { record.terms[$0] }
        #expect(redirect == (record.hasAll ? nil : record.redirect.map(SPFTerm.modifier)))
    }

    /// Every way of cutting a text into strings reads as the text joined.
    @Test func isSPFRecordReadsAcrossStrings() {
        let texts = [
            "v=spf1", "v=spf1 -all", "V=SpF1 a", "v=spf1-all", "v=spf10 a", "v=spf", "", "x=spf1 a", "v=spf1\t",
        ]
        for text in texts {
            let bytes = Array(text.utf8)
            let expected = SPFParser.isSPFRecord(bytes)
            for cut in 0...bytes.count {
                for second in cut...bytes.count {
                    let strings = [Array(bytes[..<cut]), Array(bytes[cut..<second]), Array(bytes[second...])]
                    #expect(SPFParser.isSPFRecord(strings: strings) == expected, "\(text) cut at \(cut), \(second)")
                }
            }
            #expect(SPFParser.isSPFRecord(strings: [bytes]) == expected)
        }
        #expect(SPFParser.isSPFRecord(strings: []) == false)
    }

    /// A list of strings is parsed as its joined text, found again by its storage, and a
    /// changed list (moved by copy on write) is parsed afresh.
    @Test func cacheTakesTheStringsJoined() throws {
        let cache = SPFRecordCache()
        var strings = [Array("v=spf1 ip4:192.0.2.1 ip4:192.0.2".utf8), Array(".2 -all".utf8)]
        let joined = strings.flatMap { $0 }
        let first = try cache.prepared(strings: strings)
        #expect(first.record == (try SPFParser.record(joined)))
        #expect(try cache.prepared(strings: strings) === first)
        strings[1] = Array(".3 ~all".utf8)
        let changed = try cache.prepared(strings: strings)
        #expect(changed.record == (try SPFParser.record(strings.flatMap { $0 })))
        #expect(changed.record != first.record)
        // The joined text of the first list, handed in as one string: the same parse.
        #expect(try cache.record(joined) == first.record)
        // A syntax error is the parse's error, from the cache too.
        let broken = [Array("v=spf1 include".utf8), Array(":".utf8)]
        let fresh = Result { () throws(SPFSyntaxError) in try SPFParser.record(broken.flatMap { $0 }) }
        for _ in 0..<2 {
            let cached = Result { () throws(SPFSyntaxError) in try cache.prepared(strings: broken).record }
            #expect(cached == fresh)
        }
    }

    /// An evaluation over a record published as several strings, in any cut, is the
    /// evaluation over the record in one string (trace included), with the cache and without.
    @Test func recordInSeveralStringsEvaluatesAsOne() async throws {
        let text = "v=spf1 ip4:198.51.100.0/24 include:_spf.example.net -all"
        let one = try ZoneFile(
            parsing: """
                example.com. IN TXT "\(text)"
                _spf.example.net. IN TXT "v=spf1 ip4:192.0.2.0/24 ~all"
                """)
        let split = try ZoneFile(
            parsing: """
                example.com. IN TXT "v=spf1 ip4:198.51" ".100.0/24 inclu" "de:_spf.example.net -all"
                _spf.example.net. IN TXT "v" "=spf1 ip4:192.0.2.0/24 ~all"
                """)
        let options = SPFOptions(timestamp: 1_700_000_000, maxElapsed: nil)
        for ip in ["198.51.100.7", "192.0.2.9", "203.0.113.1"] {
            let client = try #require(IPAddress(ip))
            let reference = await SPFEvaluator(resolver: SnapshotResolver(zone: one), options: options)
                .checkHost(ip: client, domain: "example.com", sender: "a@example.com", helo: "mx.example.com")
            for cache in [nil, SPFRecordCache()] {
                for _ in 0..<2 {
                    let got = await SPFEvaluator(
                        resolver: SnapshotResolver(zone: split), options: options, recordCache: cache
                    )
                    .checkHost(ip: client, domain: "example.com", sender: "a@example.com", helo: "mx.example.com")
                    #expect(got.result == reference.result && got.matched == reference.matched, "\(ip)")
                    #expect(got.trace.map(\.record) == reference.trace.map(\.record), "\(ip)")
                    #expect(got.trace.map(\.outcome) == reference.trace.map(\.outcome), "\(ip)")
                }
            }
        }
    }
}
