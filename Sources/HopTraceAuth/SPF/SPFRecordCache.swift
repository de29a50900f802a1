import HopTraceDNS

/// Parsed SPF records by their exact bytes, shared by the evaluations its owner hands it to
/// (`SPFEvaluator(recordCache:)`; `hoptrace spf --batch` makes one for the whole batch).
///
/// Parsing is a pure function of the record text (`SPFParser.record`), and so is the
/// evaluation layout made from the parse (`SPFPreparedRecord`), so a cached one is the very
/// value a new parse would give, syntax errors included: results and traces cannot change.
/// What is cached is only the text → model step, never a DNS answer: every evaluation
/// still asks its own questions (RFC 7208 counts lookups per check, and `hoptrace spf --batch`
/// shares no answers between queries).
///
/// Bounded: at `capacity` distinct texts the cache is emptied and refills with what is asked
/// next (the working set of real traffic, a few hundred provider and customer records, stays
/// far below; hostile input cannot grow it).
public final class SPFRecordCache: Sendable {
    /// Most distinct record texts kept.
    public let capacity: Int
    private let entries = Locked<Entries>(Entries())

    typealias Parse = Result<SPFPreparedRecord, SPFSyntaxError>

    struct Entries {
        var byText: [Key: Parse] = [:]
        /// The same parses by where the bytes are stored, for callers that hand in the very
        /// array they handed in before (an in-memory snapshot's TXT data): found without
        /// hashing the text. Each entry holds its array, so while it is here no other array
        /// can have that address, and a shared array's bytes never change (copy on write).
        var byStorage: [Storage: Held<UInt8>] = [:]
        /// The same for a record published as several strings, by where the list of strings
        /// is stored (each entry holds its list, as above): found without joining the strings.
        var byStrings: [Storage: Held<[UInt8]>] = [:]
        /// Entries of `byStorage` last found, one per slot chosen by address bits
        /// (`Storage.slot`): a look-up that meets its array here hashes nothing.
        var recent = [Held<UInt8>?](repeating: nil, count: SPFRecordCache.recentSlots)
    }

    /// Slots of `Entries.recent`.
    static let recentSlots = 64

    /// A parse with the array it was found by (which keeps that array's storage, and so its
    /// address, taken). A class: a look-up hands out one reference, not a copy of the pair.
    final class Held<Element: Sendable>: Sendable {
        let array: [Element]
        /// Where `array`'s elements are (0 for an empty array).
        let address: UInt
        let prepared: SPFPreparedRecord?
        let error: SPFSyntaxError?

        init(_ array: [Element], _ parsed: Parse) {
            self.array = array
            self.address = Storage(array)?.address ?? 0
            switch parsed {
            case .success(let prepared): (self.prepared, self.error) = (prepared, nil)
            case .failure(let error): (self.prepared, self.error) = (nil, error)
            }
        }

        /// The parse: the prepared record, or the syntax error.
        func get() throws(SPFSyntaxError) -> SPFPreparedRecord {
            if let prepared { return prepared }
            throw error!
        }
    }

    /// Where an array's elements are, and how many.
    struct Storage: Hashable {
        let address: UInt
        let count: Int

        init?<Element>(_ array: [Element]) {
            guard let base = array.withUnsafeBufferPointer({ $0.baseAddress }), !array.isEmpty else { return nil }
            address = UInt(bitPattern: base)
            count = array.count
        }

        /// The slot of `Entries.recent` for this array (heap blocks are 16-byte aligned, so the
        /// bits above those).
        var slot: Int { Int(truncatingIfNeeded: address >> 4) & (SPFRecordCache.recentSlots - 1) }

        /// Whether `held` holds this very array.
        func isHeld<Element>(by held: Held<Element>) -> Bool {
            held.address == address && held.array.count == count
        }

        /// The address alone: no two held arrays share one, so the count only confirms it.
        func hash(into hasher: inout Hasher) {
            hasher.combine(address)
        }
    }

    /// A record's bytes as a dictionary key, hashed as one block (an array of bytes on its own
    /// is hashed byte by byte, which costs more than the look-up saves).
    struct Key: Hashable {
        let bytes: [UInt8]

        func hash(into hasher: inout Hasher) {
            bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
        }
    }

    public init(capacity: Int = 4096) {
        self.capacity = max(1, capacity)
    }

    /// `SPFParser.record(bytes)`, parsed once per distinct text.
    public func record(_ bytes: [UInt8]) throws(SPFSyntaxError) -> SPFRecord {
        try prepared(bytes).record
    }

    /// The record of `bytes` parsed and prepared (`SPFPreparedRecord`), once per distinct text.
    func prepared(_ bytes: [UInt8]) throws(SPFSyntaxError) -> SPFPreparedRecord {
        let storage = Storage(bytes)
        let capacity = self.capacity
        let hit = entries.withLock { entries -> Held<UInt8>? in
            if let storage {
                if let held = entries.recent[storage.slot], storage.isHeld(by: held) { return held }
                if let held = entries.byStorage[storage] {
                    entries.recent[storage.slot] = held
                    return held
                }
            }
            guard let parsed = entries.byText[Key(bytes: bytes)] else { return nil }
            let held = Held(bytes, parsed)
            if let storage, entries.byStorage.count < capacity { entries.byStorage[storage] = held }
            return held
        }
        if let hit { return try hit.get() }
        let parsed = SPFRecordCache.parse(bytes)
        entries.withLock { entries in
            SPFRecordCache.makeRoom(&entries, capacity: capacity)
            entries.byText[Key(bytes: bytes)] = parsed
            if let storage { entries.byStorage[storage] = Held(bytes, parsed) }
        }
        return try parsed.get()
    }

    /// The record of a TXT record's strings joined (RFC 7208 §3.3), parsed and prepared once
    /// per distinct text; a list handed in before is found by where it is stored, without
    /// joining it again.
    func prepared(strings: [[UInt8]]) throws(SPFSyntaxError) -> SPFPreparedRecord {
        if strings.count == 1 { return try prepared(strings[0]) }
        let storage = Storage(strings)
        if let storage, let hit = entries.withLock({ $0.byStrings[storage] }) { return try hit.get() }
        let parsed: Parse
        do throws(SPFSyntaxError) { parsed = .success(try prepared(strings.flatMap { $0 })) } catch {
            parsed = .failure(error)
        }
        if let storage {
            let capacity = self.capacity
            entries.withLock { entries in
                if entries.byStrings.count >= capacity { entries.byStrings.removeAll(keepingCapacity: true) }
                entries.byStrings[storage] = Held(strings, parsed)
            }
        }
        return try parsed.get()
    }

    static func parse(_ bytes: [UInt8]) -> Parse {
        do throws(SPFSyntaxError) { return .success(SPFPreparedRecord(try SPFParser.record(bytes))) } catch {
            return .failure(error)
        }
    }

    /// Empties the cache when it holds `capacity` texts or arrays.
    static func makeRoom(_ entries: inout Entries, capacity: Int) {
        if entries.byText.count >= capacity || entries.byStorage.count >= capacity {
            entries.byText.removeAll(keepingCapacity: true)
            entries.byStorage.removeAll(keepingCapacity: true)
            entries.byStrings.removeAll(keepingCapacity: true)
            for slot in entries.recent.indices { entries.recent[slot] = nil }
        }
    }

    /// How many distinct texts are held.
    public var count: Int { entries.withLock { $0.byText.count } }
}
