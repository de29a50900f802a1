import HopTraceCore
import HopTraceTestSupport
import Testing

/// `JSONPrettyFields` writes the bytes `JSONFieldList`'s value gives pretty-printed at the same
/// level, and `JSONByteFields` those it gives compact, for every kind of field, empty lists and
/// objects included.
@Suite struct JSONPrettyFieldsTests {
    /// Writes a random object (fields of every kind, nested to `depth`) against either writer.
    static func fields<W: JSONFieldWriter>(_ w: inout W, _ g: inout SplitMix64, depth: Int) {
        let keys: [StaticString] = ["a", "names", "x_y", "messages", "first_seen"]
        for _ in 0..<Int.random(in: 0...5, using: &g) {
            let key = keys.randomElement(using: &g)!
            switch Int.random(in: 0...(depth > 0 ? 8 : 6), using: &g) {
            case 0: w.field(key, Bool.random(using: &g) ? "te\"xt\u{1}é" : nil as String?)
            case 1: w.field(key, Bool.random(using: &g) ? Int.random(in: -1000...1000, using: &g) : nil as Int?)
            case 2: w.field(key, Bool.random(using: &g))
            case 3:
                if Bool.random(using: &g) {
                    w.field(key, strings: (0..<Int.random(in: 0...3, using: &g)).map { "s\($0)\n" })
                } else {
                    w.field(key, ints: (0..<Int.random(in: 0...3, using: &g)).map { $0 * 7 - 9 })
                }
            case 4: w.field(key, value: .array([.int(1), .object([("k", .null)]), .array([])]))
            case 5: w.field(key, value: .object([]))
            case 6:
                if Bool.random(using: &g) {
                    w.field(key, value: .string("v"))
                } else {
                    w.field(named: "na\"me\u{7}", Bool.random(using: &g) ? "x\u{7f}" : nil)
                }
            case 7:
                if Bool.random(using: &g) {
                    w.object(key) { inner in fields(&inner, &g, depth: depth - 1) }
                } else {
                    let present: Int? = Bool.random(using: &g) ? 1 : nil
                    w.object(key, present) { inner, _ in fields(&inner, &g, depth: depth - 1) }
                }
            default:
                w.objects(key, 0..<Int.random(in: 0...3, using: &g)) { inner, _ in fields(&inner, &g, depth: depth - 1)
                }
            }
        }
    }

    @Test(arguments: [0, 1, 2, 5])
    func prettyBytesAreThePrettyValue(_ level: Int) {
        for seed in UInt64(1)...300 {
            var g1 = SplitMix64(state: seed)
            var list = JSONFieldList()
            Self.fields(&list, &g1, depth: 3)
            var expected: [UInt8] = []
            list.value.append(to: &expected, prettyAtLevel: level)

            var g2 = SplitMix64(state: seed)
            var pretty = JSONPrettyFields(level: level)
            pretty.begin()
            Self.fields(&pretty, &g2, depth: 3)
            pretty.end()
            var g3 = SplitMix64(state: seed)
            var compact = JSONByteFields()
            compact.begin()
            Self.fields(&compact, &g3, depth: 3)
            compact.end()
            var expectedCompact: [UInt8] = []
            list.value.append(to: &expectedCompact)
            #expect(compact.bytes == expectedCompact, "seed \(seed)")
            #expect(
                pretty.bytes == expected,
                "seed \(seed): \(String(decoding: pretty.bytes, as: UTF8.self)) vs \(String(decoding: expected, as: UTF8.self))"
            )
        }
    }
}
