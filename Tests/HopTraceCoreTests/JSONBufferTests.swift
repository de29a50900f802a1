import HopTraceCore
import HopTraceTestSupport
import Testing

/// `JSONBuffer` grows past its first capacity without losing a byte, writes numbers as
/// `String(value)` does, and every copy of a writer appends to the same bytes.
@Suite struct JSONBufferTests {
    @Test func growsFromTheSmallestCapacityKeepingEveryByte() {
        var g = SplitMix64(state: 11)
        let buffer = JSONBuffer(capacity: 1)
        var expected: [UInt8] = []
        for _ in 0..<5_000 {
            switch Int.random(in: 0...3, using: &g) {
            case 0:
                let b = UInt8.random(in: 0...255, using: &g)
                buffer.append(b)
                expected.append(b)
            case 1:
                let run = (0..<Int.random(in: 0...300, using: &g)).map { _ in UInt8.random(in: 0...255, using: &g) }
                buffer.append(run)
                expected += run
            case 2:
                let depth = Int.random(in: 0...40, using: &g)
                buffer.newline(depth)
                expected += [0x0A] + [UInt8](repeating: 0x20, count: 2 * depth)
            default:
                buffer.append("literal")
                expected += Array("literal".utf8)
            }
        }
        #expect(buffer.count == expected.count)
        #expect(buffer.bytes == expected)
        var copied: [UInt8] = [1, 2]
        buffer.copy(to: &copied)
        #expect(copied == [1, 2] + expected)
        buffer.removeAll()
        #expect(buffer.count == 0 && buffer.bytes.isEmpty)
    }

    /// A time field written in place is the JSON string of `UTCCalendar.iso8601`, in all three
    /// writers, for four-digit years and for the years written another way (before year 0,
    /// after 9999), and null when there is no time; the buffer grows for it from any fill.
    @Test func timesWrittenInPlaceAreTheISO8601Strings() {
        var g = SplitMix64(state: 5)
        var times: [Int64?] = [
            nil, 0, -1, 951_782_400, 253_402_300_799, 253_402_300_800, -62_167_219_200, -62_167_219_201,
        ]
        times += (0..<500).map { _ in Int64.random(in: -70_000_000_000...300_000_000_000, using: &g) }
        for t in times {
            let expected = JSONValue.string(t.map(UTCCalendar.iso8601))
            var list = JSONFieldList()
            list.field("time", iso8601: t)
            #expect(list.value == .object([("time", expected)]))
            for capacity in [1, 21, 22, 4096] {
                var bytes = JSONByteFields(JSONBuffer(capacity: capacity))
                bytes.begin()
                bytes.field("time", iso8601: t)
                bytes.end()
                #expect(bytes.bytes == Array(JSONValue.object([("time", expected)]).serialized(pretty: false).utf8))
            }
            var pretty = JSONPrettyFields(JSONBuffer(capacity: 1), level: 0)
            pretty.begin()
            pretty.field("time", iso8601: t)
            pretty.end()
            var prettyExpected: [UInt8] = []
            JSONValue.object([("time", expected)]).append(to: &prettyExpected, prettyAtLevel: 0)
            #expect(pretty.bytes == prettyExpected)
        }
    }

    /// A buffer grown past the size where its memory is advised for huge pages keeps every byte.
    @Test func aBufferGrownIntoHugePagesKeepsEveryByte() {
        let buffer = JSONBuffer(capacity: 1000)
        var expected: [UInt8] = []
        for k in 0..<2300 {
            let chunk = [UInt8](repeating: UInt8(truncatingIfNeeded: k), count: 4096)
            buffer.append(chunk)
            expected += chunk
        }
        #expect(buffer.capacityInBytes >= 9 << 20)
        #expect(buffer.bytes == expected)
    }

    @Test func decimalsAreWhatStringWrites() {
        var g = SplitMix64(state: 12)
        var values = [0, 9, 10, -1, -9, -10, 99, 100, Int.max, Int.min, Int.max - 1, Int.min + 1]
        values += (0..<2_000).map { _ in Int.random(in: Int.min...Int.max, using: &g) }
        values += (0..<2_000).map { _ in Int.random(in: -100_000...100_000, using: &g) }
        for value in values {
            let buffer = JSONBuffer(capacity: 1)
            buffer.appendDecimal(value)
            #expect(String(decoding: buffer.bytes, as: UTF8.self) == String(value))
        }
    }

    @Test func copiesOfAWriterAppendToTheSameBytes() {
        var a = JSONByteFields(JSONBuffer(capacity: 1))
        a.begin()
        a.field("x", 1)
        var b = a
        b.field("y", "z")
        a.field("w", true)
        a.end()
        // The same buffer: b's field stands between a's, nothing is overwritten.
        #expect(String(decoding: a.bytes, as: UTF8.self) == #"{"x":1,"y":"z","w":true}"#)
        #expect(b.bytes == a.bytes)
    }
}
