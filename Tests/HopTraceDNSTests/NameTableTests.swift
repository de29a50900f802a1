import Testing

@testable import HopTraceDNS

/// `NameTable` finds exactly what a `Dictionary` of the same names finds: random ASCII names
/// of every length (the hash reads eight bytes at a time, then the rest), names absent from
/// it, names that differ in one byte; a layout that would exceed its probe bound and a set
/// holding a non-ASCII name fall back to the `Dictionary`; a non-ASCII name asked of an ASCII
/// table is left to the caller (it may equal an ASCII name: U+037E is ";").
@Suite("Name table")
struct NameTableTests {
    static func randomName(_ rng: inout SystemRandomNumberGenerator) -> String {
        let letters = Array("abcdefghijklmnopqrstuvwxyz0123456789-._;".utf8)
        let count = Int.random(in: 0...40, using: &rng)
        return String(decoding: (0..<count).map { _ in letters.randomElement(using: &rng)! }, as: UTF8.self)
    }

    static func expectSame(_ table: NameTable<Int>, _ dictionary: [String: Int], _ name: String) {
        switch table.find(name) {
        case .value(let value): #expect(dictionary[name] == value, "\(name)")
        case .absent: #expect(dictionary[name] == nil, "\(name)")
        case .notASCII: Issue.record("ASCII name \(name) not looked up")
        }
    }

    @Test func findsWhatADictionaryFinds() {
        var rng = SystemRandomNumberGenerator()
        for size in [0, 1, 7, 100, 5000] {
            var dictionary: [String: Int] = [:]
            while dictionary.count < size { dictionary[Self.randomName(&rng)] = Int.random(in: 0...1000, using: &rng) }
            let table = NameTable(dictionary)
            #expect(!table.usesFallback)
            #expect(table.count == dictionary.count)
            for name in dictionary.keys { Self.expectSame(table, dictionary, name) }
            for name in dictionary.keys.prefix(200) {
                // One byte changed, one added, one removed.
                var bytes = Array(name.utf8)
                if !bytes.isEmpty {
                    bytes[Int.random(in: 0..<bytes.count, using: &rng)] ^= 1
                    Self.expectSame(table, dictionary, String(decoding: bytes, as: UTF8.self))
                    Self.expectSame(table, dictionary, String(name.dropLast()))
                }
                Self.expectSame(table, dictionary, name + "x")
            }
            for _ in 0..<500 { Self.expectSame(table, dictionary, Self.randomName(&rng)) }
        }
    }

    @Test func theSameSeedGivesTheSameHashAndNamesDiffer() {
        #expect(NameTable<Int>.hash("example.com", seed: 1) == NameTable<Int>.hash("example.com", seed: 1))
        #expect(NameTable<Int>.hash("example.com", seed: 1) != NameTable<Int>.hash("example.con", seed: 1))
        #expect(NameTable<Int>.hash("", seed: 1) != NameTable<Int>.hash("\u{0}", seed: 1))
        #expect(NameTable<Int>.hash("é.example", seed: 1) == nil)
    }

    @Test func aLayoutBeyondTheBoundFallsBack() {
        var dictionary: [String: Int] = [:]
        for n in 0..<2000 { dictionary["n\(n).example"] = n }
        let table = NameTable(dictionary, maxProbes: 1)
        #expect(table.usesFallback)
        for name in dictionary.keys { Self.expectSame(table, dictionary, name) }
        Self.expectSame(table, dictionary, "absent.example")
    }

    @Test func nonASCIINames() {
        let ascii = NameTable(["a;b.example": 1, "k.example": 2])
        #expect(!ascii.usesFallback)
        guard case .notASCII = ascii.find("a\u{37E}b.example") else {
            Issue.record("a non-ASCII name was answered by bytes")
            return
        }
        let mixed = NameTable(["x\u{E9}.example": 1, "k.example": 2])
        #expect(mixed.usesFallback)
        guard case .value(1) = mixed.find("xe\u{301}.example") else {
            Issue.record("a canonically equal name was not found")
            return
        }
    }
}
