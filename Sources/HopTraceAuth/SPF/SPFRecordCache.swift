import HopTraceDNS

/// Parsed SPF records by their exact bytes, shared by the evaluations its owner hands it to
/// (`SPFEvaluator(recordCache:)`; `hoptrace spf --batch` makes one for the whole batch).
///
/// Parsing is a pure function of the record text (`SPFParser.record`), so a cached parse is
/// the very value a new parse would give, syntax errors included: results and traces cannot
/// change. What is cached is only the text → model step, never a DNS answer: every evaluation
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

    struct Entries {
        var byText: [Key: Result<SPFRecord, SPFSyntaxError>] = [:]
        /// The same parses by where the bytes are stored, for callers that hand in the very
        /// array they handed in before (an in-memory snapshot's TXT data): found without
        /// hashing the text. Each entry holds its array, so while it is here no other array
        /// can have that address, and a shared array's bytes never change (copy on write).
        var byStorage: [Storage: (bytes: [UInt8], parsed: Result<SPFRecord, SPFSyntaxError>)] = [:]
    }

    /// Where an array's bytes are, and how many.
    struct Storage: Hashable {
        let address: UInt
        let count: Int

        init?(_ bytes: [UInt8]) {
            guard let base = bytes.withUnsafeBufferPointer({ $0.baseAddress }), !bytes.isEmpty else { return nil }
            address = UInt(bitPattern: base)
            count = bytes.count
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
        let storage = Storage(bytes)
        let key = Key(bytes: bytes)
        let capacity = self.capacity
        let hit = entries.withLock { entries -> Result<SPFRecord, SPFSyntaxError>? in
            if let storage, let held = entries.byStorage[storage] { return held.parsed }
            guard let parsed = entries.byText[key] else { return nil }
            if let storage, entries.byStorage.count < capacity { entries.byStorage[storage] = (bytes, parsed) }
            return parsed
        }
        if let hit { return try hit.get() }
        let parsed: Result<SPFRecord, SPFSyntaxError>
        do throws(SPFSyntaxError) { parsed = .success(try SPFParser.record(bytes)) } catch { parsed = .failure(error) }
        entries.withLock { entries in
            if entries.byText.count >= capacity || entries.byStorage.count >= capacity {
                entries.byText.removeAll(keepingCapacity: true)
                entries.byStorage.removeAll(keepingCapacity: true)
            }
            entries.byText[key] = parsed
            if let storage { entries.byStorage[storage] = (bytes, parsed) }
        }
        return try parsed.get()
    }

    /// How many distinct texts are held.
    public var count: Int { entries.withLock { $0.byText.count } }
}
