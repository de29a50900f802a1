import HopTraceCore
import HopTraceReceived
import HopTraceTestSupport
import Testing

@testable import HopTraceTopology

/// Partial maps: shards written apart and merged give exactly the map one run over all the
/// messages gives; anything that is not a whole partial map is refused with its line.
@Suite struct PartialMapTests {
    typealias Chain = RelayMap.Chain
    typealias Sighting = RelayMap.Sighting

    /// Random messages over a small pool of names and addresses, so that hosts share keys,
    /// bridge nodes made apart (names a, b, then a host named b and a), change case, and
    /// have neither name nor public address (one node per message each).
    static func messages(_ count: Int, seed: UInt64) -> [[Chain]] {
        var g = SplitMix64(state: seed)
        let names = [
            "mx1.example.com", "MX1.example.com", "relay.example.net", "a.test.org", "b.test.org", "edge.example",
        ]
        let addresses = ["8.8.8.8", "1.1.1.1", "2a00:1450:4009:81f::200e", "9.9.9.9", "8.8.4.4", "93.184.216.34"]
            .compactMap { IPAddress($0) }.map { HostAddress(ip: $0, scope: .public) }
        let organisations: [String?] = [nil, "example.com", "Microsoft"]
        func sighting() -> Sighting {
            let n = Int.random(in: 0...2, using: &g)
            let a = Int.random(in: 0...2, using: &g)
            return Sighting(
                names: (0..<n).map { _ in names.randomElement(using: &g)! },
                addresses: (0..<a).map { _ in addresses.randomElement(using: &g)! },
                organisation: organisations.randomElement(using: &g)!)
        }
        return (0..<count).map { _ in
            (0..<Int.random(in: 1...3, using: &g)).map { _ in
                let hosts = (0..<Int.random(in: 1...5, using: &g)).map { _ in sighting() }
                let steps = (0..<Int.random(in: 0...5, using: &g)).map { _ in
                    RelayMap.ChainStep(
                        from: Int.random(in: 0..<hosts.count, using: &g),
                        to: Int.random(in: 0..<hosts.count, using: &g),
                        time: Bool.random(using: &g) ? Int64.random(in: 1_000_000_000...1_800_000_000, using: &g) : nil)
                }
                return Chain(sightings: hosts, steps: steps)
            }
        }
    }

    static func oneRun(_ messages: [[Chain]]) -> RelayMap {
        var map = RelayMap()
        for m in messages { map.add(message: m) }
        return map
    }

    static func partial(_ messages: ArraySlice<[Chain]>, unreadable: Int = 0) -> [UInt8] {
        var writer = PartialMapWriter()
        var out = PartialMap.header
        for m in messages { out += writer.lines(message: m) }
        return out + writer.end(unreadable: unreadable)
    }

    /// Replays partial-map text into a map (and the unreadable messages it counts).
    static func merge(_ text: [UInt8]) throws -> (RelayMap, unreadable: Int) {
        var reader = PartialMapReader()
        var map = RelayMap()
        var unreadable = 0
        for line in text.split(separator: 0x0A, omittingEmptySubsequences: false) {
            switch try reader.read(line: line) {
            case .message(let chains)?: map.add(message: chains)
            case .end(_, let u)?: unreadable += u
            case nil: break
            }
        }
        try reader.finish()
        return (map, unreadable)
    }

    static func serialized(_ map: RelayMap) -> String { map.jsonValue.serialized() }

    @Test(arguments: [1, 2, 3, 7, 40])
    func shardsMergeIntoTheMapOfOneRun(_ shards: Int) throws {
        for seed in UInt64(1)...5 {
            let messages = Self.messages(120, seed: seed &* 31 &+ UInt64(shards))
            let whole = Self.oneRun(messages)
            var g = SplitMix64(state: seed)
            // Random cut points, so shards have different sizes (some empty).
            let cuts = ([0, messages.count] + (1..<shards).map { _ in Int.random(in: 0...messages.count, using: &g) })
                .sorted()
            var text: [UInt8] = []
            for (a, b) in zip(cuts, cuts.dropFirst()) { text += Self.partial(messages[a..<b], unreadable: 1) }
            let (merged, unreadable) = try Self.merge(text)
            #expect(Self.serialized(merged) == Self.serialized(whole), "seed \(seed), \(shards) shards")
            #expect(merged.nodes == whole.nodes)
            #expect(merged.steps == whole.steps)
            #expect(unreadable == shards)
        }
    }

    /// The case that makes a finished map unmergeable: a host that bridges two nodes made apart.
    @Test func aBridgingHostJoinsAsInOneRun() throws {
        func host(_ names: String...) -> Sighting { Sighting(names: names, addresses: [], organisation: nil) }
        let messages: [[Chain]] = [
            [Chain(sightings: [host("a.example"), host("x.example")], steps: [.init(from: 0, to: 1, time: 10)])],
            [Chain(sightings: [host("b.example"), host("x.example")], steps: [.init(from: 0, to: 1, time: 20)])],
            [
                Chain(
                    sightings: [host("b.example", "a.example"), host("x.example")],
                    steps: [.init(from: 0, to: 1, time: 5)])
            ],
        ]
        let whole = Self.oneRun(messages)
        // In one run the bridging host joins b's node (its first name), and a's stays apart.
        #expect(whole.nodes.map(\.names) == [["a.example"], ["x.example"], ["b.example", "a.example"]])
        let text = Self.partial(messages[0..<1]) + Self.partial(messages[1..<2]) + Self.partial(messages[2..<3])
        #expect(Self.serialized(try Self.merge(text).0) == Self.serialized(whole))
    }

    /// A merged partial map written out again (a merge of merges) is the same map.
    @Test func aMergeOfMergesIsTheSameMap() throws {
        let messages = Self.messages(60, seed: 99)
        var reader = PartialMapReader()
        var writer = PartialMapWriter()
        var rewritten = PartialMap.header
        let text = Self.partial(messages[0..<25]) + Self.partial(messages[25..<60])
        for line in text.split(separator: 0x0A) {
            if case .message(let chains)? = try reader.read(line: line) { rewritten += writer.lines(message: chains) }
        }
        rewritten += writer.end(unreadable: 0)
        #expect(Self.serialized(try Self.merge(rewritten).0) == Self.serialized(Self.oneRun(messages)))
    }

    /// Names with quotes, backslashes, control characters and non-ASCII text survive the trip.
    @Test func hostileNamesSurviveTheTrip() throws {
        let names = [
            "q\"uote.example", "back\\slash.example", "tab\there", "nul\u{0}.example", "bücher.example",
            "\u{1F600}.example", "\u{202E}rtl",
        ]
        let message = [
            Chain(sightings: names.map { Sighting(names: [$0], addresses: [], organisation: $0) }, steps: [])
        ]
        let text = Self.partial([message][...])
        #expect(!text.contains(0x00))
        let (merged, _) = try Self.merge(text)
        #expect(merged.nodes.map(\.names) == names.map { [$0] })
        #expect(merged.nodes.map(\.organisation) == names)
    }

    static let good = String(decoding: partial(messages(3, seed: 7)[...], unreadable: 2), as: UTF8.self)

    @Test(arguments: [
        ("", "no partial map in it"),
        ("{\"hoptrace_partial_map\":1}\n", "ends inside a part"),
        ("{\"hoptrace_partial_map\":2}\n{\"end\":{\"messages\":0,\"unreadable\":0}}\n", "version 2"),
        ("{\"end\":{\"messages\":0,\"unreadable\":0}}\n", "no {\"hoptrace_partial_map\":1} line"),
        (
            "{\"hoptrace_partial_map\":1}\n{\"end\":{\"messages\":1,\"unreadable\":0}}\n",
            "counts 1 messages, the part has 0"
        ),
        ("{\"hoptrace_partial_map\":1}\n{\"message\":[{\"hosts\":[1],\"steps\":[]}]}\n", "not defined"),
        ("{\"hoptrace_partial_map\":1}\n{\"host\":2,\"names\":[],\"addresses\":[]}\n", "numbered 1, 2"),
        (
            "{\"hoptrace_partial_map\":1}\n{\"host\":1,\"names\":[],\"addresses\":[\"10.0.0.1\"]}\n",
            "not a public address"
        ),
        (
            "{\"hoptrace_partial_map\":1}\n{\"host\":1,\"names\":[],\"addresses\":[\"999.1.1.1\"]}\n",
            "not an IP address"
        ),
        (
            "{\"hoptrace_partial_map\":1}\n{\"host\":1,\"names\":[\"a\"],\"addresses\":[]}\n{\"message\":[{\"hosts\":[1],\"steps\":[[0,1,null]]}]}\n",
            "positions among"
        ),
        (
            "{\"hoptrace_partial_map\":1}\n{\"host\":1,\"names\":[\"a\"],\"addresses\":[]}\n{\"message\":[{\"hosts\":[1],\"steps\":[[0,0,1.5]]}]}\n",
            "only integers"
        ),
        ("{\"hoptrace_partial_map\":1}\n{\"message\":[{\"hosts\":[99999999999999999999]}]}\n", "out of range"),
        (
            "{\"hoptrace_partial_map\":1}\n{\"host\":1,\"names\":[\"a\"],\"addresses\":[]}\n{\"host\":2,\"names\":[\"b\"],\"addresses\":[]}\n{\"message\":[{\"hosts\":[1,2],\"steps\":[[0,1,9223372036854775807]]}]}\n",
            "not a date"
        ),
        ("{\"hoptrace_partial_map\":1}\n{\"oops\":1}\n", "unknown line"),
        ("{\"hoptrace_partial_map\":1}\nnot json\n", "not JSON"),
        ("{\"hoptrace_partial_map\":1}\n[1]\n", "a JSON object is expected"),
        ("{\"hoptrace_partial_map\":1}\n{\"hoptrace_partial_map\":1}\n", "before the previous one's end"),
    ])
    func refusesWhatIsNotAWholePartialMap(_ text: String, _ reason: String) {
        do {
            _ = try Self.merge(Array(text.utf8))
            Issue.record("accepted: \(text)")
        } catch {
            #expect("\(error)".contains(reason), "\(error)")
        }
    }

    @Test func refusesDeepNestingAndRawControlCharacters() {
        let deep = "{\"hoptrace_partial_map\":1}\n{\"message\":" + String(repeating: "[", count: 10_000) + "\n"
        #expect(throws: PartialMapError.self) { try Self.merge(Array(deep.utf8)) }
        let raw = "{\"hoptrace_partial_map\":1}\n{\"host\":1,\"names\":[\"a\u{7}b\"],\"addresses\":[]}\n"
        #expect(throws: PartialMapError.self) { try Self.merge(Array(raw.utf8)) }
        // A cut line (the last line of a part, half written) is refused, not half read.
        let cut = Array(Self.good.utf8.dropLast(10))
        #expect(throws: PartialMapError.self) { try Self.merge(cut) }
    }

    /// The first and last times a partial map may carry are written as dates.
    @Test func theExtremeTimesAreWrittenAsDates() throws {
        let text = [
            "{\"hoptrace_partial_map\":1}", "{\"host\":1,\"names\":[\"a\"],\"addresses\":[],\"organisation\":null}",
            "{\"host\":2,\"names\":[\"b\"],\"addresses\":[],\"organisation\":null}",
            "{\"message\":[{\"hosts\":[1,2],\"steps\":[[0,1,-62135596800],[0,1,253402300799]]}]}",
            "{\"end\":{\"messages\":1,\"unreadable\":0}}",
        ].joined(separator: "\n")
        let json = Self.serialized(try Self.merge(Array(text.utf8)).0)
        #expect(json.contains("\"0001-01-01T00:00:00Z\"") && json.contains("\"9999-12-31T23:59:59Z\""), "\(json)")
    }

    @Test func aWellFormedPartialReadsBack() throws {
        let (map, unreadable) = try Self.merge(Array(Self.good.utf8))
        #expect(unreadable == 2)
        #expect(map.messages == 3)
        #expect(Self.serialized(map) == Self.serialized(Self.oneRun(Self.messages(3, seed: 7))))
    }

    /// Real topologies (the article's two cases) through the chain values: the same map as
    /// folding the topologies in directly.
    @Test func topologiesReduceToTheSameMap() throws {
        let input: [[(Topology, [Int: Int64])]] = [
            [(Topology.build(hops: Fixtures.btHops), [1: 1_700_000_000, 4: 1_700_000_100])],
            [(Topology.build(hops: Fixtures.raynetHops), [2: 1_690_000_000])],
            [(Topology.build(hops: Fixtures.btHops), [1: 1_600_000_000])],
        ]
        var direct = RelayMap()
        for m in input { direct.add(message: m) }
        let chains = input.map { $0.map { Chain(topology: $0.0, times: $0.1) } }
        #expect(Self.serialized(try Self.merge(Self.partial(chains[...])).0) == Self.serialized(direct))
        #expect(direct.nodes.contains { $0.names.contains("tbhext01.m0noc.net") && $0.messages == 3 })
    }
}
