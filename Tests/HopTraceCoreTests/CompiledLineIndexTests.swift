import HopTraceTestSupport
import Testing

@testable import HopTraceCore

/// `CompiledLineIndex` answers as the bisection (`CompiledRules.contains`) does: for every
/// line of each compiled table, for keys made from them (prefixes, suffixes, one byte changed,
/// case changed, doubled) and for random bytes, hostile ones (newlines, NUL, high bytes) included.
@Suite struct CompiledLineIndexTests {
    static let tables: [(String, StaticString, CompiledLineIndex)] = [
        ("normal", PublicSuffixList.compiledNormal, CompiledLineIndex.normal),
        ("wildcard", PublicSuffixList.compiledWildcard, CompiledLineIndex.wildcard),
        ("exception", PublicSuffixList.compiledException, CompiledLineIndex.exception),
    ]

    static func agree(_ key: [UInt8], _ table: StaticString, _ index: CompiledLineIndex) -> Bool {
        key.withUnsafeBufferPointer { CompiledRules.contains(table, $0) == index.contains($0) }
    }

    @Test(arguments: 0..<3)
    func everyLineAndItsNeighbours(_ t: Int) {
        let (kind, table, index) = Self.tables[t]
        var g = SplitMix64(state: UInt64(t) + 11)
        for line in PublicSuffixList.compiledLines(kind) {
            let bytes = Array(line.utf8)
            #expect(bytes.withUnsafeBufferPointer { index.contains($0) }, "\(line)")
            var keys: [[UInt8]] = [
                Array(bytes.dropFirst()), Array(bytes.dropLast()), bytes + bytes, Array("x.".utf8) + bytes,
                bytes + [0x0A], [0x0A] + bytes, Array(line.uppercased().utf8),
            ]
            var changed = bytes
            changed[Int.random(in: 0..<changed.count, using: &g)] = UInt8.random(in: 0...255, using: &g)
            keys.append(changed)
            for key in keys { #expect(Self.agree(key, table, index), "\(kind): \(key)") }
        }
    }

    @Test func randomKeys() {
        var g = SplitMix64(state: 29)
        let alphabet = Array("abcgkmoruz.-0\n\u{0}".utf8) + [0x80, 0xFF, 0xC3]
        for _ in 0..<20_000 {
            let key = (0..<Int.random(in: 0...12, using: &g)).map { _ in alphabet.randomElement(using: &g)! }
            for (kind, table, index) in Self.tables { #expect(Self.agree(key, table, index), "\(kind): \(key)") }
        }
    }
}
