import HopTraceCore
import HopTraceReceived
import Testing

@testable import HopTraceTopology

/// `RelayMap.writeJSON` streams the document `jsonValue.serialized()` gives, byte for byte,
/// whatever the size of the pieces.
@Suite struct RelayMapJSONTests {
    static func streamed(_ map: RelayMap, chunk: Int) -> (bytes: [UInt8], pieces: Int) {
        var bytes: [UInt8] = []
        var pieces = 0
        map.writeJSON(chunk: chunk) { piece in
            bytes += piece
            pieces += 1
        }
        return (bytes, pieces)
    }

    @Test(arguments: [1, 64, 1 << 16])
    func streamedDocumentIsTheSerialisedValue(_ chunk: Int) {
        var map = RelayMap()
        map.add(message: [(Topology.build(hops: Fixtures.btHops), [1: 1_700_000_000, 4: 1_700_000_100])])
        map.add(message: [(Topology.build(hops: Fixtures.raynetHops), [2: 1_690_000_000])])
        map.add(message: [(Topology.build(hops: Fixtures.btHops), [1: 1_600_000_000])])
        let whole = Array(map.jsonValue.serialized().utf8)
        let (bytes, pieces) = Self.streamed(map, chunk: chunk)
        #expect(bytes == whole)
        #expect(pieces >= (chunk == 1 ? map.nodes.count + map.steps.count : 1))
    }

    @Test func anEmptyMapStreamsTheEmptyDocument() {
        let map = RelayMap()
        #expect(Self.streamed(map, chunk: 16).bytes == Array(map.jsonValue.serialized().utf8))
    }
}
