// A partial map (hoptrace map --partial, read by --merge): the input is its lines. What reads
// without error is replayed into a relay map; written out again as a partial map, it must read
// back into the same map, and the map's text holds no raw control character.
import FuzzSupport
import HopTraceReport
import HopTraceTopology

func check(_ bytes: [UInt8]) {
    var reader = PartialMapReader()
    var map = RelayMap()
    var writer = PartialMapWriter()
    var rewritten = PartialMap.header
    var unreadable = 0
    for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
        let entry: PartialMapReader.Entry?
        do {
            entry = try reader.read(line: line)
        } catch {
            return
        }
        switch entry {
        case .message(let chains)?:
            map.add(message: chains)
            rewritten += writer.lines(message: chains)
        case .end(_, let u)?: unreadable += u
        case nil: break
        }
    }
    guard (try? reader.finish()) != nil else { return }
    rewritten += writer.end(unreadable: unreadable)

    var again = PartialMapReader()
    var replayed = RelayMap()
    for line in rewritten.split(separator: 0x0A) {
        do {
            if case .message(let chains)? = try again.read(line: line) { replayed.add(message: chains) }
        } catch {
            FuzzCheck.fail("a partial map written from what was read does not read again: \(error)")
        }
    }
    FuzzCheck.require(
        replayed.jsonValue.serialized() == map.jsonValue.serialized(), "the rewritten partial map gives another map")
    FuzzCheck.noControlCharacters(MapTextRenderer.render(map, unreadable: unreadable), in: "the map's text")
}

FuzzDriver.run { data, size in
    check(FuzzDriver.bytes(data, size))
    return 0
}
