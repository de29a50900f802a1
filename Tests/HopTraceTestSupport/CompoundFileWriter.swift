/// Writes small Compound File Binary files (MS-CFB version 3: 512-byte sectors, streams under
/// 4096 bytes in the mini stream) for tests, and the byte positions a hostile test patches.
public enum CompoundFileWriter {
    public indirect enum Node: Sendable {
        case stream(String, [UInt8])
        case storage(String, [Node])
    }

    public struct Output: Sendable {
        public var bytes: [UInt8]
        /// Byte offset of each entry's 128-byte directory record, by path ("a/b/c"; root "").
        public var entryOffsets: [String: Int]
        /// The directory's first sector, and how many FAT sectors lead the file.
        public var directorySector: Int
        public var fatSectors: Int

        /// Byte offset of sector `n`.
        public static func sectorOffset(_ n: Int) -> Int { (n + 1) * 512 }
        /// Byte offset of FAT entry `n` (the FAT's sectors come first, in order).
        public static func fatEntryOffset(_ n: Int) -> Int { 512 + 4 * n }

        public func u32(at o: Int) -> UInt32 {
            UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16 | UInt32(bytes[o + 3]) << 24
        }

        public mutating func setU32(_ v: UInt32, at o: Int) {
            for k in 0..<4 { bytes[o + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt32(k))) }
        }
    }

    static let endOfChain: UInt32 = 0xFFFF_FFFE
    static let free: UInt32 = 0xFFFF_FFFF
    static let fatSect: UInt32 = 0xFFFF_FFFD

    private struct Entry {
        var name: String
        var type: UInt8
        var data: [UInt8] = []
        var start: UInt32 = 0xFFFF_FFFE
        var size: Int = 0
        var left: UInt32 = 0xFFFF_FFFF
        var right: UInt32 = 0xFFFF_FFFF
        var child: UInt32 = 0xFFFF_FFFF
        var path: String
    }

    public static func write(_ children: [Node]) -> Output {
        var entries = [Entry(name: "Root Entry", type: 5, path: "")]
        func add(_ nodes: [Node], parent: Int) {
            // Siblings as a chain of right links: a valid (unbalanced) binary tree.
            var previous: Int?
            for node in nodes {
                let id = entries.count
                switch node {
                case .stream(let name, let data):
                    entries.append(
                        Entry(
                            name: name, type: 2, data: data, size: data.count,
                            path: entries[parent].path.isEmpty ? name : entries[parent].path + "/" + name))
                case .storage(let name, let inner):
                    entries.append(
                        Entry(
                            name: name, type: 1,
                            path: entries[parent].path.isEmpty ? name : entries[parent].path + "/" + name))
                    add(inner, parent: id)
                }
                if let previous { entries[previous].right = UInt32(id) } else { entries[parent].child = UInt32(id) }
                previous = id
            }
        }
        add(children, parent: 0)

        // Small streams into the mini stream.
        var mini: [UInt8] = []
        var miniFAT: [UInt32] = []
        for k in entries.indices where entries[k].type == 2 && entries[k].size > 0 && entries[k].size < 4096 {
            let first = miniFAT.count
            let sectors = (entries[k].size + 63) / 64
            for s in 0..<sectors { miniFAT.append(s == sectors - 1 ? endOfChain : UInt32(first + s + 1)) }
            mini += entries[k].data + [UInt8](repeating: 0, count: sectors * 64 - entries[k].size)
            entries[k].start = UInt32(first)
        }

        // Regular sectors: FAT, directory, mini FAT, mini stream, large streams.
        var chunks: [(entry: Int?, bytes: [UInt8])] = []
        chunks.append((nil, []))  // directory, filled in below
        var miniFATBytes: [UInt8] = []
        for v in miniFAT { miniFATBytes += le32(v) }
        chunks.append((nil, miniFATBytes))
        chunks.append((0, mini))
        for k in entries.indices where entries[k].type == 2 && entries[k].size >= 4096 {
            chunks.append((k, entries[k].data))
        }
        let directorySectors = (entries.count * 128 + 511) / 512
        func sectors(_ n: Int) -> Int { (n + 511) / 512 }
        let dataSectors = directorySectors + chunks.dropFirst().reduce(0) { $0 + sectors($1.bytes.count) }
        // FAT sectors beyond the header's 109 are listed in DIFAT sectors (127 each).
        func difatSectors(_ fat: Int) -> Int { fat > 109 ? (fat - 109 + 126) / 127 : 0 }
        var fatSectors = 1
        while fatSectors * 128 < fatSectors + difatSectors(fatSectors) + dataSectors { fatSectors += 1 }
        let difatCount = difatSectors(fatSectors)

        var fat = [UInt32](repeating: free, count: fatSectors * 128)
        for k in 0..<fatSectors { fat[k] = fatSect }
        for k in 0..<difatCount { fat[fatSectors + k] = 0xFFFF_FFFC }
        var difat: [UInt8] = []
        for d in 0..<difatCount {
            for k in 0..<127 {
                let listed = 109 + 127 * d + k
                difat += le32(listed < fatSectors ? UInt32(listed) : free)
            }
            difat += le32(d + 1 < difatCount ? UInt32(fatSectors + d + 1) : endOfChain)
        }
        var next = fatSectors + difatCount
        var starts: [UInt32] = []
        for (n, chunk) in chunks.enumerated() {
            let count = n == 0 ? directorySectors : sectors(chunk.bytes.count)
            if count == 0 {
                starts.append(endOfChain)
                continue
            }
            starts.append(UInt32(next))
            for s in 0..<count { fat[next + s] = s == count - 1 ? endOfChain : UInt32(next + s + 1) }
            if let e = chunk.entry, e > 0 { entries[e].start = UInt32(next) }
            next += count
        }
        entries[0].start = starts[2]
        entries[0].size = mini.count

        var directory: [UInt8] = []
        var offsets: [String: Int] = [:]
        for (k, e) in entries.enumerated() {
            offsets[e.path] = Output.sectorOffset(Int(starts[0])) + 128 * k
            var record = [UInt8](repeating: 0, count: 128)
            let units = Array(e.name.utf16.prefix(31))
            for (i, u) in units.enumerated() {
                record[2 * i] = UInt8(u & 0xFF)
                record[2 * i + 1] = UInt8(u >> 8)
            }
            put16(&record, 0x40, UInt16((units.count + 1) * 2))
            record[0x42] = e.type
            record[0x43] = 1
            put32(&record, 0x44, e.left)
            put32(&record, 0x48, e.right)
            put32(&record, 0x4C, e.child)
            put32(&record, 0x74, e.type == 1 ? 0 : e.start)
            put32(&record, 0x78, UInt32(e.size))
            directory += record
        }
        chunks[0].bytes = directory

        var header = [UInt8](repeating: 0, count: 512)
        header.replaceSubrange(0..<8, with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
        put16(&header, 0x18, 0x3E)
        put16(&header, 0x1A, 3)
        put16(&header, 0x1C, 0xFFFE)
        put16(&header, 0x1E, 9)
        put16(&header, 0x20, 6)
        put32(&header, 0x2C, UInt32(fatSectors))
        put32(&header, 0x30, starts[0])
        put32(&header, 0x38, 4096)
        put32(&header, 0x3C, starts[1])
        put32(&header, 0x40, UInt32(sectors(miniFATBytes.count)))
        put32(&header, 0x44, difatCount > 0 ? UInt32(fatSectors) : endOfChain)
        put32(&header, 0x48, UInt32(difatCount))
        for k in 0..<109 { put32(&header, 0x4C + 4 * k, k < fatSectors ? UInt32(k) : free) }

        var file = header
        for v in fat { file += le32(v) }
        file += difat
        for chunk in chunks {
            file += chunk.bytes
            file += [UInt8](repeating: 0, count: sectors(chunk.bytes.count) * 512 - chunk.bytes.count)
        }
        return Output(bytes: file, entryOffsets: offsets, directorySector: Int(starts[0]), fatSectors: fatSectors)
    }

    static func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * UInt32($0))) } }

    static func put16(_ b: inout [UInt8], _ o: Int, _ v: UInt16) {
        b[o] = UInt8(v & 0xFF)
        b[o + 1] = UInt8(v >> 8)
    }

    static func put32(_ b: inout [UInt8], _ o: Int, _ v: UInt32) {
        b.replaceSubrange(o..<(o + 4), with: le32(v))
    }
}

/// Writes Outlook items (MS-OXMSG) for tests, through `CompoundFileWriter`.
public enum OutlookMessageWriter {
    public struct Item: Sendable {
        /// PR_TRANSPORT_MESSAGE_HEADERS, or nil for a draft or sent item.
        public var transportHeaders: String?
        /// Whether strings are PT_UNICODE (0x001F) rather than PT_STRING8 (0x001E).
        public var unicode: Bool = true
        public var subject: String?
        public var senderName: String?
        public var senderEmail: String?
        public var displayTo: String?
        public var body: String?
        public var messageClass: String = "IPM.Note"
        /// PR_CLIENT_SUBMIT_TIME as UTC seconds.
        public var submitTime: Int64?
        public var attachments: [Attachment] = []

        public init(
            transportHeaders: String? = nil, unicode: Bool = true, subject: String? = nil,
            senderName: String? = nil, senderEmail: String? = nil, displayTo: String? = nil,
            body: String? = nil, submitTime: Int64? = nil, attachments: [Attachment] = []
        ) {
            self.transportHeaders = transportHeaders
            self.unicode = unicode
            self.subject = subject
            self.senderName = senderName
            self.senderEmail = senderEmail
            self.displayTo = displayTo
            self.body = body
            self.submitTime = submitTime
            self.attachments = attachments
        }
    }

    public indirect enum Attachment: Sendable {
        /// An attached Outlook item (ATTACH_EMBEDDED_MSG, method 5).
        case item(Item)
        /// A file attached by value (method 1).
        case file(name: String, mimeTag: String?, bytes: [UInt8])
    }

    public static func write(_ item: Item) -> CompoundFileWriter.Output {
        CompoundFileWriter.write(nodes(item, headerSize: 32))
    }

    /// The nodes of a message storage: property stream, string streams, attachments.
    public static func nodes(_ item: Item, headerSize: Int) -> [CompoundFileWriter.Node] {
        var strings: [(UInt16, String)] = []
        if let v = item.transportHeaders { strings.append((0x007D, v)) }
        if let v = item.subject { strings.append((0x0037, v)) }
        if let v = item.senderName { strings.append((0x0C1A, v)) }
        if let v = item.senderEmail { strings.append((0x0C1F, v)) }
        if let v = item.displayTo { strings.append((0x0E04, v)) }
        if let v = item.body { strings.append((0x1000, v)) }
        strings.append((0x001A, item.messageClass))
        let type: UInt16 = item.unicode ? 0x001F : 0x001E
        var nodes: [CompoundFileWriter.Node] = []
        var properties = [UInt8](repeating: 0, count: headerSize)
        if headerSize >= 24 {
            CompoundFileWriter.put32(&properties, 12, UInt32(item.attachments.count))
            CompoundFileWriter.put32(&properties, 20, UInt32(item.attachments.count))
        }
        for (id, value) in strings {
            let data = item.unicode ? value.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] } : Array(value.utf8)
            nodes.append(.stream(streamName(id, type), data))
            properties +=
                CompoundFileWriter.le32(UInt32(id) << 16 | UInt32(type)) + CompoundFileWriter.le32(6)
                + CompoundFileWriter.le32(UInt32(data.count + (item.unicode ? 2 : 1))) + CompoundFileWriter.le32(0)
        }
        if let t = item.submitTime {
            let ft = UInt64(t + 11_644_473_600) * 10_000_000
            properties +=
                CompoundFileWriter.le32(0x0039_0040) + CompoundFileWriter.le32(6)
                + CompoundFileWriter.le32(UInt32(ft & 0xFFFF_FFFF)) + CompoundFileWriter.le32(UInt32(ft >> 32))
        }
        nodes.insert(.stream("__properties_version1.0", properties), at: 0)
        for (n, attachment) in item.attachments.enumerated() {
            let name = "__attach_version1.0_#" + String(format8(n))
            var inner: [CompoundFileWriter.Node] = []
            var props = [UInt8](repeating: 0, count: 8)
            switch attachment {
            case .item(let item):
                props +=
                    CompoundFileWriter.le32(0x3705_0003) + CompoundFileWriter.le32(6) + CompoundFileWriter.le32(5)
                    + CompoundFileWriter.le32(0)
                inner.append(.storage("__substg1.0_3701000D", Self.nodes(item, headerSize: 24)))
            case .file(let filename, let mimeTag, let bytes):
                props +=
                    CompoundFileWriter.le32(0x3705_0003) + CompoundFileWriter.le32(6) + CompoundFileWriter.le32(1)
                    + CompoundFileWriter.le32(0)
                inner.append(.stream("__substg1.0_37010102", bytes))
                inner.append(
                    .stream("__substg1.0_3707001F", filename.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }))
                if let mimeTag {
                    inner.append(
                        .stream("__substg1.0_370E001F", mimeTag.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }))
                }
            }
            inner.insert(.stream("__properties_version1.0", props), at: 0)
            nodes.append(.storage(name, inner))
        }
        return nodes
    }

    public static func streamName(_ id: UInt16, _ type: UInt16) -> String {
        "__substg1.0_" + hex(UInt32(id) << 16 | UInt32(type), digits: 8)
    }

    static func format8(_ n: Int) -> String { hex(UInt32(n), digits: 8) }

    static func hex(_ v: UInt32, digits: Int) -> String {
        let s = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - s.count)) + s
    }
}
