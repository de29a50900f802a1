import HopTraceDNS

/// Parsed SPF records by their exact bytes, shared by every evaluation of a process.
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
    /// The cache `SPFEvaluator` uses unless given another.
    public static let shared = SPFRecordCache()

    /// Most distinct record texts kept.
    public let capacity: Int
    private let entries = Locked<[Key: Result<SPFRecord, SPFSyntaxError>]>([:])

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
        let key = Key(bytes: bytes)
        if let hit = entries.withLock({ $0[key] }) { return try hit.get() }
        let parsed: Result<SPFRecord, SPFSyntaxError>
        do throws(SPFSyntaxError) { parsed = .success(try SPFParser.record(bytes)) } catch { parsed = .failure(error) }
        let capacity = self.capacity
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = parsed
        }
        return try parsed.get()
    }

    /// How many distinct texts are held.
    public var count: Int { entries.withLock { $0.count } }
}
