/// Names → values, built once and then only read: the snapshot's per-name records, asked
/// several times per SPF check.
///
/// An open-addressing table over the name's bytes, hashed eight bytes at a time with a
/// multiply-and-fold hash seeded per table (`Hasher` costs a seed and a finalisation round per
/// look-up, more than the look-up itself for a short name). Each slot keeps 32 bits of the hash,
/// so a name is compared only with the names whose hash shares them.
///
/// Bytes stand for characters only in ASCII: two ASCII names are equal Strings exactly when
/// their bytes are equal, while a non-ASCII String may equal another with other bytes
/// (canonical equivalence, even to an ASCII one: U+037E is ";"). So the table holds ASCII
/// names only, and `find` answers a non-ASCII name with `.notASCII` for the caller to look up
/// as a `Dictionary` does.
///
/// Bounded: every name lies at most `maxProbes` slots past its home slot. A set of names that
/// cannot be laid out so (names chosen to collide under the seed), or that holds a non-ASCII
/// name, is kept in a `Dictionary` instead, which then answers every name.
struct NameTable<Value: Sendable>: Sendable {
    /// Most slots a look-up reads.
    static var maxProbes: Int { 32 }

    /// The names and their values.
    private let entries: [(name: String, value: Value)]
    /// Per slot: the index into `entries` plus one in the low 32 bits (0: empty), the hash's
    /// high 32 bits above.
    private let slots: [UInt64]
    private let mask: Int
    private let seed: UInt64
    /// The names and values when they could not be laid out within `maxProbes`.
    private let fallback: [String: Value]?

    /// What `find` found.
    enum Found {
        case value(Value)
        case absent
        /// A name with a non-ASCII byte, which the table cannot compare by its bytes.
        case notASCII
    }

    /// Whether the names are held in the fallback `Dictionary`.
    var usesFallback: Bool { fallback != nil }

    var count: Int { fallback?.count ?? entries.count }

    init(_ dictionary: [String: Value], seed: UInt64 = UInt64.random(in: 0...UInt64.max), maxProbes: Int? = nil) {
        let limit = maxProbes ?? NameTable.maxProbes
        self.seed = seed
        var entries: [(name: String, value: Value)] = []
        entries.reserveCapacity(dictionary.count)
        var capacity = 16
        while capacity < dictionary.count * 2 { capacity *= 2 }
        let mask = capacity - 1
        var slots = [UInt64](repeating: 0, count: capacity)
        var fits = dictionary.count < Int(UInt32.max)
        if fits {
            for (name, value) in dictionary {
                guard let hash = NameTable.hash(name, seed: seed) else {
                    fits = false
                    break
                }
                var slot = Int(truncatingIfNeeded: hash) & mask
                var probes = 0
                while slots[slot] != 0 {
                    probes += 1
                    slot = (slot + 1) & mask
                }
                if probes >= limit {
                    fits = false
                    break
                }
                entries.append((name, value))
                slots[slot] = UInt64(entries.count) | (hash >> 32) << 32
            }
        }
        if fits {
            self.entries = entries
            self.slots = slots
            self.mask = mask
            self.fallback = nil
        } else {
            self.entries = []
            self.slots = [0]
            self.mask = 0
            self.fallback = dictionary
        }
    }

    func find(_ name: String) -> Found {
        if let fallback { return fallback[name].map(Found.value) ?? .absent }
        guard let hash = NameTable.hash(name, seed: seed) else { return .notASCII }
        let tag = hash >> 32
        var slot = Int(truncatingIfNeeded: hash) & mask
        // Laid out within `maxProbes` of home, so an absent name meets an empty slot or the
        // bound first.
        return slots.withUnsafeBufferPointer { slots -> Found in
            for _ in 0..<NameTable.maxProbes {
                let held = slots[slot]
                if held == 0 { return .absent }
                if held >> 32 == tag {
                    let index = Int(truncatingIfNeeded: held & 0xFFFF_FFFF) - 1
                    if entries[index].name == name { return .value(entries[index].value) }
                }
                slot = (slot + 1) & mask
            }
            return .absent
        }
    }

    /// A 64-bit hash of an ASCII name's bytes (nil when a byte is not ASCII): each eight-byte
    /// word (the last one padded with zeros, the length mixed in first) is multiplied into the
    /// state and folded.
    static func hash(_ name: String, seed: UInt64) -> UInt64? {
        // A native String hands its bytes without a copy of itself; any other is made native.
        if let hash = name.utf8.withContiguousStorageIfAvailable({ hash($0, seed: seed) }) { return hash }
        var text = name
        return text.withUTF8 { hash($0, seed: seed) }
    }

    static func hash(_ bytes: UnsafeBufferPointer<UInt8>, seed: UInt64) -> UInt64? {
        let count = bytes.count
        var state = seed ^ (UInt64(count) &* 0x9E37_79B9_7F4A_7C15)
        var high: UInt64 = 0
        var offset = 0
        if let base = UnsafeRawPointer(bytes.baseAddress) {
            while offset + 8 <= count {
                let word = base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                high |= word
                state = mix(state ^ word)
                offset += 8
            }
        }
        if offset < count {
            var word: UInt64 = 0
            var shift: UInt64 = 0
            while offset < count {
                word |= UInt64(bytes[offset]) << shift
                shift += 8
                offset += 1
            }
            high |= word
            state = mix(state ^ word)
        }
        if high & 0x8080_8080_8080_8080 != 0 { return nil }
        return mix(state)
    }

    /// One round: a 64×64→128-bit multiply by an odd constant, its halves folded together.
    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        let product = value.multipliedFullWidth(by: 0xA076_1D64_78BD_642F)
        return product.high ^ product.low
    }
}
