import HopTraceCore

/// A Compound File Binary file (MS-CFB), the container of Outlook `.msg` items: a small FAT file
/// system of storages (folders) and streams (files) in fixed-size sectors.
///
/// Read whole at `init`, with every walk bounded: a sector chain is at most as long as the file
/// has sectors (a longer one is a cycle), every sector number is checked against the file, a
/// stream's declared size against the file's size, the directory against
/// `maxDirectoryEntries`, and each directory entry may belong to one storage only (a shared or
/// cyclic directory tree is an error). Storages deeper than `maxStorageDepth` are not listed
/// (`depthLimitReached`).
public struct CompoundFile: Sendable {
    /// The first eight bytes of every compound file.
    public static let signature: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]
    /// Most directory entries (storages and streams) read. An Outlook item holds one stream per
    /// property, a few hundred for a message with many recipients and attachments.
    public static let maxDirectoryEntries = 65_536
    /// Deepest storage nesting listed (root = 0). Each attached Outlook item adds two levels
    /// (the attachment's storage and the item's), so 32 allows 15 nested items.
    public static let maxStorageDepth = 32

    public struct Entry: Sendable, Hashable {
        /// `unused`: an unallocated directory slot.
        public enum Kind: Sendable, Hashable { case storage, stream, root, unused }
        /// Index in the directory (the root is 0).
        public var id: Int
        public var name: String
        public var kind: Kind
        /// The stream's size in bytes (the mini stream's for the root).
        public var size: Int
        /// Depth below the root (root = 0).
        public var depth: Int
        var start: UInt32
        var left: UInt32
        var right: UInt32
        var child: UInt32
    }

    static let maxRegularSector: UInt32 = 0xFFFF_FFFA
    static let endOfChain: UInt32 = 0xFFFF_FFFE
    static let freeSector: UInt32 = 0xFFFF_FFFF
    static let noStream: UInt32 = 0xFFFF_FFFF

    private let bytes: [UInt8]
    private let sectorSize: Int
    /// Sectors present in the file after the header (a last partial sector counts).
    private let sectorCount: Int
    private let miniStreamCutoff: Int
    private let fat: [UInt32]
    private let miniFAT: [UInt32]
    private let miniStream: [UInt8]
    /// The directory; entries no storage lists are kept but unreachable.
    public let entries: [Entry]
    /// Each storage's children (entry ids), in directory-tree order.
    private let childIDs: [Int: [Int]]
    /// Whether some storage was deeper than `maxStorageDepth` and was not listed.
    public let depthLimitReached: Bool

    public var root: Entry { entries[0] }

    /// Whether the bytes start with the compound file signature.
    public static func isCompoundFile(_ bytes: [UInt8]) -> Bool {
        bytes.count >= signature.count && bytes[0..<signature.count].elementsEqual(signature)
    }

    public init(_ bytes: [UInt8]) throws(CompoundFileError) {
        guard Self.isCompoundFile(bytes) else { throw CompoundFileError("no compound file signature") }
        guard bytes.count >= 512 else {
            throw CompoundFileError("file ends inside the 512-byte header", position: bytes.count)
        }
        self.bytes = bytes
        let major = Self.u16(bytes, 0x1A)
        let shift = Int(Self.u16(bytes, 0x1E))
        guard (major == 3 && shift == 9) || (major == 4 && shift == 12) else {
            throw CompoundFileError("unsupported version \(major) with sector shift \(shift)", position: 0x1A)
        }
        guard Self.u16(bytes, 0x20) == 6 else { throw CompoundFileError("mini sector shift is not 6", position: 0x20) }
        let sectorSize = 1 << shift
        let sectorCount = bytes.count > sectorSize ? (bytes.count - sectorSize + sectorSize - 1) / sectorSize : 0
        self.sectorSize = sectorSize
        self.sectorCount = sectorCount
        miniStreamCutoff = Int(Self.u32(bytes, 0x38))
        guard miniStreamCutoff == 4096 else {
            throw CompoundFileError("mini stream cutoff is not 4096", position: 0x38)
        }

        // The FAT: its sector numbers are the DIFAT, 109 in the header and the rest in a chain
        // of DIFAT sectors whose last entry names the next.
        let fatSectors = Int(Self.u32(bytes, 0x2C))
        guard fatSectors <= sectorCount else {
            throw CompoundFileError(
                "header declares \(fatSectors) FAT sectors; the file has \(sectorCount) sectors", position: 0x2C)
        }
        var difat: [UInt32] = []
        for k in 0..<109 where difat.count < fatSectors { difat.append(Self.u32(bytes, 0x4C + 4 * k)) }
        var next = Self.u32(bytes, 0x44)
        var difatSteps = 0
        let perDIFAT = sectorSize / 4 - 1
        while difat.count < fatSectors, next != Self.endOfChain, next != Self.freeSector {
            difatSteps += 1
            guard difatSteps <= sectorCount else {
                throw CompoundFileError("the DIFAT chain is longer than the file (a cycle)")
            }
            let base = try Self.sectorOffset(next, sectorSize: sectorSize, count: sectorCount, bytes: bytes)
            for k in 0..<perDIFAT where difat.count < fatSectors {
                difat.append(Self.u32(bytes, base + 4 * k))
            }
            next = Self.u32(bytes, base + 4 * perDIFAT)
        }
        guard difat.count == fatSectors else {
            throw CompoundFileError("the DIFAT lists \(difat.count) of \(fatSectors) FAT sectors")
        }
        var fat: [UInt32] = []
        fat.reserveCapacity(fatSectors * sectorSize / 4)
        for sector in difat {
            let base = try Self.sectorOffset(sector, sectorSize: sectorSize, count: sectorCount, bytes: bytes)
            for k in 0..<(sectorSize / 4) { fat.append(Self.u32(bytes, base + 4 * k)) }
        }
        self.fat = fat

        // The directory: 128-byte entries in the chain that starts at the header's sector.
        let sector = { (s: UInt32) throws(CompoundFileError) -> ArraySlice<UInt8> in
            let base = try Self.sectorOffset(s, sectorSize: sectorSize, count: sectorCount, bytes: bytes)
            return bytes[base..<min(base + sectorSize, bytes.count)]
        }
        let directory = try Self.chainBytes(
            start: Self.u32(bytes, 0x30), size: nil, table: fat, sectorSize: sectorSize,
            limit: sectorCount, what: "directory", sector: sector)
        guard directory.count / 128 <= Self.maxDirectoryEntries else {
            throw CompoundFileError("more than \(Self.maxDirectoryEntries) directory entries")
        }
        var entries: [Entry] = []
        entries.reserveCapacity(directory.count / 128)
        for k in 0..<(directory.count / 128) {
            entries.append(Self.entry(directory, at: 128 * k, id: k, major: major))
        }
        guard let root = entries.first, root.kind == .root else {
            throw CompoundFileError("the first directory entry is not the root storage")
        }

        // Each storage's children, read once from the root down; an entry listed twice makes the
        // tree a graph, which no writer produces.
        var claimed = [Bool](repeating: false, count: entries.count)
        claimed[0] = true
        var childIDs: [Int: [Int]] = [:]
        var deep = false
        var queue = [0]
        var head = 0
        while head < queue.count {
            let storage = queue[head]
            head += 1
            guard entries[storage].depth < Self.maxStorageDepth else {
                if entries[storage].child != Self.noStream { deep = true }
                continue
            }
            var list: [Int] = []
            var stack: [UInt32] = [entries[storage].child]
            while let id = stack.popLast() {
                if id == Self.noStream { continue }
                guard Int(id) < entries.count else {
                    throw CompoundFileError(
                        "directory entry \(entries[storage].id) links to entry \(id), outside the directory")
                }
                let k = Int(id)
                guard !claimed[k] else {
                    throw CompoundFileError("directory entry \(k) is linked twice (the directory tree has a cycle)")
                }
                claimed[k] = true
                guard entries[k].kind == .storage || entries[k].kind == .stream else { continue }
                stack.append(entries[k].right)
                stack.append(entries[k].left)
                entries[k].depth = entries[storage].depth + 1
                list.append(k)
                if entries[k].kind == .storage { queue.append(k) }
            }
            childIDs[storage] = list
        }
        self.childIDs = childIDs
        self.depthLimitReached = deep

        // The mini stream (the root's stream) and its allocation table hold the small streams.
        let miniStream = try Self.chainBytes(
            start: root.start, size: root.size, table: fat, sectorSize: sectorSize,
            limit: sectorCount, what: "mini stream", sector: sector)
        let miniFATBytes = try Self.chainBytes(
            start: Self.u32(bytes, 0x3C), size: nil, table: fat, sectorSize: sectorSize,
            limit: sectorCount, what: "mini FAT", sector: sector)
        self.miniStream = miniStream
        self.miniFAT = (0..<(miniFATBytes.count / 4)).map { Self.u32(miniFATBytes, 4 * $0) }
        self.entries = entries
    }

    /// The storages and streams directly inside a storage.
    public func children(of storage: Entry) -> [Entry] {
        (childIDs[storage.id] ?? []).map { entries[$0] }
    }

    /// The child with this name (compound file names compare without case).
    public func child(_ name: String, of storage: Entry) -> Entry? {
        let wanted = name.uppercased()
        return children(of: storage).first { $0.name.uppercased() == wanted }
    }

    /// A stream's bytes: from the mini stream when smaller than the cutoff, else from sectors.
    public func read(_ stream: Entry) throws(CompoundFileError) -> [UInt8] {
        guard stream.kind == .stream else { throw CompoundFileError("\(stream.name) is not a stream") }
        guard stream.size <= bytes.count else {
            throw CompoundFileError("stream \(stream.name) declares \(stream.size) bytes; the file has \(bytes.count)")
        }
        if stream.size == 0 { return [] }
        if stream.size < miniStreamCutoff {
            let mini = miniStream
            return try Self.chainBytes(
                start: stream.start, size: stream.size, table: miniFAT, sectorSize: 64,
                limit: miniFAT.count, what: "stream \(stream.name)"
            ) { s throws(CompoundFileError) in
                let base = Int(s) * 64
                guard base < mini.count else {
                    throw CompoundFileError("mini sector \(s) is outside the mini stream")
                }
                return mini[base..<min(base + 64, mini.count)]
            }
        }
        let (bytes, sectorSize, sectorCount) = (self.bytes, self.sectorSize, self.sectorCount)
        return try Self.chainBytes(
            start: stream.start, size: stream.size, table: fat, sectorSize: sectorSize,
            limit: sectorCount, what: "stream \(stream.name)"
        ) { s throws(CompoundFileError) in
            let base = try Self.sectorOffset(s, sectorSize: sectorSize, count: sectorCount, bytes: bytes)
            return bytes[base..<min(base + sectorSize, bytes.count)]
        }
    }

    // MARK: Reading

    /// Follows a chain through an allocation table, concatenating its sectors until `size`
    /// bytes (or the chain's end when `size` is nil). At most `limit` sectors: a longer chain
    /// loops.
    private static func chainBytes(
        start: UInt32, size: Int?, table: [UInt32], sectorSize: Int, limit: Int, what: String,
        sector: (UInt32) throws(CompoundFileError) -> ArraySlice<UInt8>
    ) throws(CompoundFileError) -> [UInt8] {
        if let size, size > limit * sectorSize {
            throw CompoundFileError("\(what) declares \(size) bytes, more than \(limit) sectors can hold")
        }
        var out: [UInt8] = []
        if let size { out.reserveCapacity(size) }
        var current = start
        var steps = 0
        while current != endOfChain {
            if let size, out.count >= size { break }
            guard current <= maxRegularSector, Int(current) < table.count else {
                throw CompoundFileError("\(what): sector \(current) is outside the allocation table")
            }
            steps += 1
            guard steps <= limit else {
                throw CompoundFileError("\(what): sector chain longer than the file (a cycle)")
            }
            out.append(contentsOf: try sector(current))
            current = table[Int(current)]
        }
        if let size {
            guard out.count >= size else {
                throw CompoundFileError("\(what): sector chain ends after \(out.count) of \(size) bytes")
            }
            out.removeLast(out.count - size)
        }
        return out
    }

    private static func sectorOffset(_ sector: UInt32, sectorSize: Int, count: Int, bytes: [UInt8])
        throws(CompoundFileError) -> Int
    {
        guard sector <= maxRegularSector, Int(sector) < count else {
            throw CompoundFileError("sector \(sector) is outside the file (\(count) sectors)")
        }
        return (Int(sector) + 1) * sectorSize
    }

    private static func entry(_ d: [UInt8], at o: Int, id: Int, major: UInt16) -> Entry {
        let nameBytes = min(Int(u16(d, o + 0x40)), 64)
        var units: [UInt16] = []
        for k in 0..<max(0, nameBytes / 2 - 1) { units.append(u16(d, o + 2 * k)) }
        let kind: Entry.Kind =
            switch d[o + 0x42] {
            case 1: .storage
            case 2: .stream
            case 5: .root
            default: .unused
            }
        // Version 3 files may leave garbage in the size's high half (MS-CFB 2.6.3).
        let low = UInt64(u32(d, o + 0x78))
        let high = UInt64(u32(d, o + 0x7C))
        let size = major == 3 ? low : high << 32 | low
        return Entry(
            id: id, name: String(decoding: units, as: UTF16.self), kind: kind,
            size: size > UInt64(Int.max) ? Int.max : Int(size), depth: 0,
            start: u32(d, o + 0x74), left: u32(d, o + 0x44), right: u32(d, o + 0x48),
            child: kind == .storage || kind == .root ? u32(d, o + 0x4C) : noStream)
    }

    static func u16(_ b: [UInt8], _ o: Int) -> UInt16 {
        o + 2 <= b.count ? UInt16(b[o]) | UInt16(b[o + 1]) << 8 : 0
    }

    static func u32(_ b: [UInt8], _ o: Int) -> UInt32 {
        o + 4 <= b.count ? UInt32(b[o]) | UInt32(b[o + 1]) << 8 | UInt32(b[o + 2]) << 16 | UInt32(b[o + 3]) << 24 : 0
    }
}

/// A compound file that cannot be read: what is wrong and, when known, the byte offset.
public struct CompoundFileError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var position: Int?
    public init(_ message: String, position: Int? = nil) {
        self.message = message
        self.position = position
    }
    public var description: String { message }
}
