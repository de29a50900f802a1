/// A hash index over the lines of one compiled rule table (`CompiledRules`): it answers what
/// `CompiledRules.contains(_:_:)` answers with one hash of the key and, usually, one comparison,
/// where the bisection compares the key with ~14 lines. Each name asks the tables once per label
/// (its suffixes, longest first), and every hop's host names are asked: the index is built once,
/// at first use, from the static text.
struct CompiledLineIndex: Sendable {
    let table: StaticString
    /// Open addressing, linear probing; a power of two, at least twice the number of lines.
    /// Each slot holds a line's start offset in `table` (high 32 bits) and its length (low 32
    /// bits); 0 is an empty slot (no line starts at offset 0: the table opens with `\n`).
    let slots: [UInt64]
    let mask: Int

    init(_ table: StaticString) {
        self.table = table
        let base = table.utf8Start
        let count = table.utf8CodeUnitCount
        var lines: [(start: Int, length: Int)] = []
        var start = 0
        for i in 0..<count where base[i] == UInt8(ascii: "\n") {
            if i > start { lines.append((start, i - start)) }
            start = i + 1
        }
        if count > start { lines.append((start, count - start)) }
        var size = 16
        while size < 2 * lines.count { size <<= 1 }
        var slots = [UInt64](repeating: 0, count: size)
        for line in lines {
            var h =
                CompiledLineIndex.hash(UnsafeBufferPointer(start: base + line.start, count: line.length)) & (size - 1)
            while slots[h] != 0 { h = (h + 1) & (size - 1) }
            slots[h] = UInt64(line.start) << 32 | UInt64(line.length)
        }
        self.slots = slots
        self.mask = size - 1
    }

    /// FNV-1a over the bytes, folded to an `Int`.
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }

    /// Whether the table holds `key` as one of its lines.
    func contains(_ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let base = table.utf8Start
        var h = CompiledLineIndex.hash(key) & mask
        return slots.withUnsafeBufferPointer { slots in
            while true {
                let slot = slots[h]
                if slot == 0 { return false }
                if Int(slot & 0xFFFF_FFFF) == key.count {
                    let line = base + Int(slot >> 32)
                    var equal = true
                    for i in 0..<key.count where key[i] != line[i] {
                        equal = false
                        break
                    }
                    if equal { return true }
                }
                h = (h + 1) & mask
            }
        }
    }

    static let normal = CompiledLineIndex(PublicSuffixList.compiledNormal)
    static let wildcard = CompiledLineIndex(PublicSuffixList.compiledWildcard)
    static let exception = CompiledLineIndex(PublicSuffixList.compiledException)
}
