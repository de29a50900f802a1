import Testing

@testable import HopTraceAuth

/// The slots of `SPFRecordCache` found by address bits (`Entries.recent`) hand out only the
/// parse of the very array asked about: many arrays sharing slots, asked in random order,
/// changed in place (copy on write moves them) and dropped while the cache refills, always get
/// the parse of their current bytes.
@Suite("SPF record cache slots")
struct SPFRecordCacheSlotTests {
    @Test func slotsServeOnlyTheArrayAsked() throws {
        var rng = SystemRandomNumberGenerator()
        for capacity in [4096, 50] {
            let cache = SPFRecordCache(capacity: capacity)
            var arrays = (0..<300).map { Array("v=spf1 ip4:192.0.\($0 / 256).\($0 % 256) -all".utf8) }
            for _ in 0..<5000 {
                let index = Int.random(in: 0..<arrays.count, using: &rng)
                switch Int.random(in: 0..<10, using: &rng) {
                case 0:
                    // Changed in place: a new text (a qualifier or a syntax error).
                    arrays[index][7] = [UInt8(ascii: "i"), UInt8(ascii: "~"), UInt8(ascii: "?")].randomElement()!
                case 1:
                    // A new array with other bytes, the old one dropped.
                    arrays[index] = Array("v=spf1 a:x\(Int.random(in: 0..<1000, using: &rng)).example -all".utf8)
                default:
                    break
                }
                let bytes = arrays[index]
                let cached = Result { () throws(SPFSyntaxError) in try cache.record(bytes) }
                let fresh = Result { () throws(SPFSyntaxError) in try SPFParser.record(bytes) }
                #expect(cached == fresh, "\(String(decoding: bytes, as: UTF8.self))")
            }
        }
    }

    @Test func slotIsWithinTheSlots() {
        for _ in 0..<1000 {
            let bytes = [UInt8](repeating: 1, count: Int.random(in: 1...100))
            let slot = SPFRecordCache.Storage(bytes)!.slot
            #expect(slot >= 0 && slot < SPFRecordCache.recentSlots)
        }
    }
}
