import CMaxMindDB
import HopTraceCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Facts about a database, read from its metadata section when it was opened.
public struct MaxMindMetadata: Sendable, Hashable {
    /// `database_type`, e.g. `GeoLite2-City`, `GeoIP2-ISP`, `DBIP-ASN-Lite (compat=GeoLite2-ASN)`.
    public let databaseType: String
    /// `build_epoch`: seconds since 1970 (UTC) when the database was built.
    public let buildEpoch: UInt64
    /// 4 or 6: which search tree the file has. An IPv6 tree also answers IPv4 addresses.
    public let ipVersion: Int
    /// The languages the `names` maps are written in (`en`, `de`, `zh-CN`…).
    public let languages: [String]
    /// `description`, by language.
    public let descriptions: [String: String]
    public let nodeCount: UInt32
    public let recordSizeBits: Int
    /// `major.minor` of the binary format (2.0 for every database seen so far).
    public let binaryFormat: String

    /// The build date as `YYYY-MM-DD` (UTC), or nil when the epoch is past year 9999: a broken
    /// database can claim `UINT64_MAX` (MaxMind's bad-data set has one), and nothing should
    /// overflow over it.
    public var buildDate: String? { MaxMindMetadata.utcDate(epoch: buildEpoch) }

    static func utcDate(epoch: UInt64) -> String? {
        guard epoch < 253_402_300_800 else { return nil }  // 10000-01-01T00:00:00Z
        return UTCCalendar.isoDay(Int64(epoch))
    }
}

/// A full record as stored, with the network that matched (see `MaxMindDatabase.record(for:)`).
public struct MaxMindRecord: Sendable, Hashable {
    /// `address/prefix` in the family of the address looked up.
    public let network: String
    public let prefixLength: Int
    public let value: MaxMindValue
}

/// An open MaxMind DB file (`.mmdb`): GeoLite2/GeoIP2 City, Country, ASN, ISP, DB-IP lite, or
/// any other file in the MaxMind DB format.
///
/// The only owner of a libmaxminddb handle in hoptrace. The `MMDB_s` lives at a heap address
/// of its own for the object's lifetime, because every `MMDB_entry_s` libmaxminddb hands out
/// points back at it; it is closed and freed in `deinit`. No C pointer leaves a method: every
/// string is copied into a Swift `String` before the method returns.
///
/// `@unchecked Sendable` because the handle is read-only after `MMDB_open` returns: the file
/// is mapped read-only, `MMDB_open` also computes the IPv4 start node up front (so lookups
/// write nothing shared), and libmaxminddb(3) says under THREAD SAFETY: "This library is thread
/// safe when compiled and linked with a thread-safe malloc and free implementation" (glibc's
/// are). Opening happens in `init` and closing in `deinit`, when no other reference exists.
/// `GeoLookupTests.concurrentLookupsAgree` exercises it.
public final class MaxMindDatabase: @unchecked Sendable {
    /// The path the database was opened from, as given.
    public let path: String
    public let metadata: MaxMindMetadata
    private let mmdb: UnsafeMutablePointer<MMDB_s>
    private let mm: MaxMindLibrary

    public var databaseType: String { metadata.databaseType }
    public var buildEpoch: UInt64 { metadata.buildEpoch }
    public var ipVersion: Int { metadata.ipVersion }
    public var languages: [String] { metadata.languages }

    /// Opens and memory-maps a database, refusing anything that is not a regular, readable,
    /// valid MaxMind DB file.
    public init(path: String) throws(GeoError) {
        // stat first: for a clear "no such file" / "not a regular file", and because MMDB_open
        // would block forever on a FIFO.
        var st = stat()
        if stat(path, &st) != 0 {
            let err = errno
            if err == ENOENT || err == ENOTDIR { throw .fileNotFound(path: path) }
            throw .unreadable(path: path, reason: MaxMindDatabase.systemError(err))
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw .notARegularFile(path: path) }
        // MMDB_open cannot map an empty file and reports that as an open error with errno
        // EINVAL ("cannot be read: Invalid argument"), which would send the user looking at
        // permissions. Say what it is.
        guard st.st_size > 0 else { throw .invalidDatabase(path: path, reason: "the file is empty") }
        // libmaxminddb is loaded here, for the first file that may be a database (MaxMindLibrary).
        let mm: MaxMindLibrary
        do {
            mm = try MaxMindLibrary.shared.get()
        } catch {
            throw .libraryUnavailable(path: path, reason: error.description)
        }

        // Opened into a local pointer, assigned to the stored property only on success: a
        // throwing class init that throws after every stored property is set runs deinit, which
        // would close (and free) a handle that was never opened.
        let handle = UnsafeMutablePointer<MMDB_s>.allocate(capacity: 1)
        handle.initialize(to: MMDB_s())
        errno = 0
        let status = mm.MMDB_open(path, UInt32(MMDB_MODE_MMAP), handle)
        let openErrno = errno
        guard status == MMDB_SUCCESS else {
            // MMDB_open frees what it allocated before returning an error (its cleanup path
            // calls free_mmdb_struct, which unmaps the file), so only the struct itself is ours.
            handle.deinitialize(count: 1)
            handle.deallocate()
            let text = mm.errorText(status)
            switch status {
            case MMDB_FILE_OPEN_ERROR, MMDB_IO_ERROR:
                let reason = openErrno != 0 ? MaxMindDatabase.systemError(openErrno) : text
                throw .unreadable(path: path, reason: reason)
            default:
                throw .invalidDatabase(path: path, reason: text)
            }
        }
        let meta = MaxMindDatabase.readMetadata(handle.pointee.metadata)
        guard meta.ipVersion == 4 || meta.ipVersion == 6 else {
            mm.MMDB_close(handle)
            handle.deinitialize(count: 1)
            handle.deallocate()
            throw .invalidDatabase(path: path, reason: "unsupported ip_version \(meta.ipVersion)")
        }
        self.path = path
        self.metadata = meta
        self.mmdb = handle
        self.mm = mm
    }

    deinit {
        mm.MMDB_close(mmdb)
        mmdb.deinitialize(count: 1)
        mmdb.deallocate()
    }

    // MARK: Lookups

    /// The fields hoptrace shows for `ip`, or nil when the database has no entry for it (a
    /// normal answer, not an error). Throws when the database is corrupt where the lookup went,
    /// or for an IPv6 address in an IPv4-only database.
    public func lookup(_ ip: IPAddress) throws(GeoError) -> GeoRecord? {
        guard var match = try find(ip) else { return nil }
        let text = ip.description
        var record = GeoRecord(network: match.network)
        record.country = try string(&match.entry, ["country", "iso_code"], ip: text)
        record.countryName = try localizedName(&match.entry, ["country", "names"], ip: text)
        record.city = try localizedName(&match.entry, ["city", "names"], ip: text)
        // GeoLite2-ASN, GeoIP2-ISP and DB-IP ASN lite keep these at the top level; GeoIP2
        // Enterprise and Insights-shaped databases keep them under `traits`.
        record.asn = try integer(&match.entry, ["autonomous_system_number"], ip: text)
        if record.asn == nil {
            record.asn = try integer(&match.entry, ["traits", "autonomous_system_number"], ip: text)
        }
        for path in [
            ["autonomous_system_organization"], ["organization"], ["isp"],
            ["traits", "autonomous_system_organization"], ["traits", "organization"],
            ["traits", "isp"],
        ] {
            if let org = try string(&match.entry, path, ip: text), !org.isEmpty {
                record.org = org
                break
            }
        }
        return record
    }

    /// The whole record for `ip`, decoded into Swift values within `GeoLimits`, or nil when
    /// there is no entry.
    public func record(for ip: IPAddress) throws(GeoError) -> MaxMindRecord? {
        guard var match = try find(ip) else { return nil }
        var list: UnsafeMutablePointer<MMDB_entry_data_list_s>?
        let status = mm.MMDB_get_entry_data_list(&match.entry, &list)
        // Freed on every path; MMDB_free_entry_data_list accepts NULL, and on failure
        // MMDB_get_entry_data_list has already released its pool and set the list to NULL.
        defer { mm.MMDB_free_entry_data_list(list) }
        guard status == MMDB_SUCCESS else {
            throw .invalidRecord(path: path, ip: ip.description, reason: mm.errorText(status))
        }
        var decoder = EntryListDecoder(node: list)
        let value: MaxMindValue
        do throws(EntryListDecoder.Failure) {
            value = try decoder.decode(depth: 0)
        } catch {
            throw .invalidRecord(path: path, ip: ip.description, reason: error.reason)
        }
        return MaxMindRecord(network: match.network, prefixLength: match.prefixLength, value: value)
    }

    /// A search-tree match. `entry` points into this database's mapping, so a `Match` must
    /// never outlive the method that made it.
    private struct Match {
        var entry: MMDB_entry_s
        let prefixLength: Int
        let network: String
    }

    private func find(_ address: IPAddress) throws(GeoError) -> Match? {
        // An IPv4-mapped address that reached us as raw IPv6 is looked up as IPv4: that is the
        // address it means (IPAddress's parser already does this for text).
        var ip = address
        if case .v6(let hi, let lo) = address, hi == 0, lo >> 32 == 0xffff {
            ip = .v4(UInt32(truncatingIfNeeded: lo))
        }
        var mmdbError: Int32 = MMDB_SUCCESS
        // Looked up from a sockaddr built in memory: MMDB_lookup_string would go through
        // getaddrinfo, and nothing in an analysis may touch the resolver behind our back.
        let result: MMDB_lookup_result_s
        switch ip {
        case .v4(let v):
            var sin = sockaddr_in()
            sin.sin_family = sa_family_t(AF_INET)
            sin.sin_addr.s_addr = v.bigEndian
            result = withUnsafePointer(to: &sin) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    mm.MMDB_lookup_sockaddr(mmdb, $0, &mmdbError)
                }
            }
        case .v6(let hi, let lo):
            if metadata.ipVersion == 4 {
                throw .ipv6LookupInIPv4Database(path: path, ip: ip.description)
            }
            var sin6 = sockaddr_in6()
            sin6.sin6_family = sa_family_t(AF_INET6)
            withUnsafeMutableBytes(of: &sin6.sin6_addr) { raw in
                withUnsafeBytes(of: hi.bigEndian) { raw.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: 8) }
                withUnsafeBytes(of: lo.bigEndian) {
                    (raw.baseAddress! + 8).copyMemory(from: $0.baseAddress!, byteCount: 8)
                }
            }
            result = withUnsafePointer(to: &sin6) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    mm.MMDB_lookup_sockaddr(mmdb, $0, &mmdbError)
                }
            }
        }
        switch mmdbError {
        case MMDB_SUCCESS:
            break
        case MMDB_IPV6_LOOKUP_IN_IPV4_DATABASE_ERROR:
            throw .ipv6LookupInIPv4Database(path: path, ip: ip.description)
        default:
            throw .lookupFailed(path: path, ip: ip.description, reason: mm.errorText(mmdbError))
        }
        guard result.found_entry else { return nil }
        // For an IPv4 address in an IPv6 tree, libmaxminddb counts the netmask from the root of
        // the IPv6 tree: the IPv4 subtree sits at ::/96, so 81.2.69.142/31 comes back as 127.
        var prefix = Int(result.netmask)
        let width: Int
        switch ip {
        case .v4:
            width = 32
            if metadata.ipVersion == 6 { prefix -= 96 }
        case .v6:
            width = 128
        }
        prefix = min(max(prefix, 0), width)  // a corrupt tree cannot push it out of range
        return Match(
            entry: result.entry, prefixLength: prefix,
            network: "\(MaxMindDatabase.masked(ip, prefix))/\(prefix)")
    }

    static func masked(_ ip: IPAddress, _ prefix: Int) -> IPAddress {
        switch ip {
        case .v4(let v):
            let mask: UInt32 = prefix == 0 ? 0 : ~0 << UInt32(32 - prefix)
            return .v4(v & mask)
        case .v6(let hi, let lo):
            let hiMask: UInt64 = prefix >= 64 ? ~0 : (prefix == 0 ? 0 : ~0 << UInt64(64 - prefix))
            let loMask: UInt64 = prefix <= 64 ? 0 : (prefix == 128 ? ~0 : ~0 << UInt64(128 - prefix))
            return .v6(hi & hiMask, lo & loMask)
        }
    }

    // MARK: Field access through MMDB_aget_value

    /// The entry data at `path`, or nil when the record has nothing there. A path that runs
    /// into a value of another shape (a record that is a bare string, as in MaxMind's
    /// `no-ipv4-search-tree` test database) is "nothing there" too; only corruption throws.
    private func value(_ entry: inout MMDB_entry_s, _ path: [String], ip: String) throws(GeoError) -> MMDB_entry_data_s?
    {
        var data = MMDB_entry_data_s()
        let status = MaxMindDatabase.withCStringArray(path) { mm.MMDB_aget_value(&entry, &data, $0) }
        switch status {
        case MMDB_SUCCESS:
            return data.has_data ? data : nil
        case MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR, MMDB_INVALID_LOOKUP_PATH_ERROR:
            return nil
        default:
            throw .invalidRecord(path: self.path, ip: ip, reason: mm.errorText(status))
        }
    }

    private func string(_ entry: inout MMDB_entry_s, _ path: [String], ip: String) throws(GeoError) -> String? {
        guard let data = try value(&entry, path, ip: ip) else { return nil }
        guard data.type == UInt32(MMDB_DATA_TYPE_UTF8_STRING) else { return nil }
        guard Int(data.data_size) <= GeoLimits.maxStringBytes else {
            throw .invalidRecord(
                path: self.path, ip: ip,
                reason:
                    "\(path.joined(separator: ".")) is \(data.data_size) bytes long, over the \(GeoLimits.maxStringBytes)-byte limit"
            )
        }
        return MaxMindDatabase.copyString(data)
    }

    private func integer(_ entry: inout MMDB_entry_s, _ path: [String], ip: String) throws(GeoError) -> Int? {
        guard let data = try value(&entry, path, ip: ip) else { return nil }
        switch Int32(bitPattern: data.type) {
        case MMDB_DATA_TYPE_UINT16: return Int(data.uint16)
        case MMDB_DATA_TYPE_UINT32: return Int(data.uint32)
        case MMDB_DATA_TYPE_UINT64: return Int(exactly: data.uint64)
        case MMDB_DATA_TYPE_INT32: return Int(data.int32)
        default: return nil
        }
    }

    /// `names.en`, else the name in the first metadata language that has one: a database
    /// built without English (a DB-IP or in-house file) still gives a name.
    private func localizedName(_ entry: inout MMDB_entry_s, _ names: [String], ip: String) throws(GeoError) -> String? {
        if let en = try string(&entry, names + ["en"], ip: ip) { return en }
        for language in metadata.languages where language != "en" {
            if let name = try string(&entry, names + [language], ip: ip) { return name }
        }
        return nil
    }

    // MARK: C helpers

    /// `utf8_string` is a pointer into the mapping with a length, not NUL-terminated: copy
    /// exactly `data_size` bytes. Invalid UTF-8 becomes U+FFFD rather than failing.
    static func copyString(_ data: MMDB_entry_data_s) -> String {
        guard data.data_size > 0, let p = data.utf8_string else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: p, count: Int(data.data_size)), as: UTF8.self)
    }

    static func copyBytes(_ data: MMDB_entry_data_s) -> [UInt8] {
        guard data.data_size > 0, let p = data.bytes else { return [] }
        return Array(UnsafeBufferPointer(start: p, count: Int(data.data_size)))
    }

    /// Calls `body` with a NULL-terminated array of C strings, as `MMDB_aget_value` takes
    /// (the variadic `MMDB_get_value` cannot be called from Swift). All strings live in one
    /// buffer that outlives the call and no longer.
    static func withCStringArray<R>(_ parts: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
        var buffer: [CChar] = []
        var offsets: [Int] = []
        for part in parts {
            offsets.append(buffer.count)
            buffer.append(contentsOf: part.utf8.map { CChar(bitPattern: $0) })
            buffer.append(0)
        }
        return buffer.withUnsafeBufferPointer { chars in
            var pointers: [UnsafePointer<CChar>?] = offsets.map { chars.baseAddress! + $0 }
            pointers.append(nil)
            return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
        }
    }

    static func systemError(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }

    /// Copies the metadata out of the `MMDB_s` (its strings belong to the handle).
    static func readMetadata(_ m: MMDB_metadata_s) -> MaxMindMetadata {
        func text(_ p: UnsafePointer<CChar>?) -> String { p.map { String(cString: $0) } ?? "" }
        var languages: [String] = []
        if let names = m.languages.names {
            // Bounded by the count libmaxminddb parsed; capped again because it is file data.
            for i in 0..<min(Int(m.languages.count), 1_000) { languages.append(text(names[i])) }
        }
        var descriptions: [String: String] = [:]
        if let list = m.description.descriptions {
            for i in 0..<min(Int(m.description.count), 1_000) {
                guard let d = list[i] else { continue }
                descriptions[text(d.pointee.language)] = text(d.pointee.description)
            }
        }
        return MaxMindMetadata(
            databaseType: text(m.database_type),
            buildEpoch: m.build_epoch,
            ipVersion: Int(m.ip_version),
            languages: languages,
            descriptions: descriptions,
            nodeCount: m.node_count,
            recordSizeBits: Int(m.record_size),
            binaryFormat: "\(m.binary_format_major_version).\(m.binary_format_minor_version)")
    }
}

/// Walks the flat list `MMDB_get_entry_data_list` returns (a map is one node holding its pair
/// count, followed by key, value, key, value…; an array likewise) and builds a `MaxMindValue`,
/// enforcing `GeoLimits`. A list that ends early, a non-string key or a type the format does
/// not define is an error, never a crash.
struct EntryListDecoder {
    struct Failure: Error { let reason: String }

    var node: UnsafeMutablePointer<MMDB_entry_data_list_s>?
    var count = 0

    mutating func decode(depth: Int) throws(Failure) -> MaxMindValue {
        guard let current = node else { throw Failure(reason: "the record ends early") }
        count += 1
        guard count <= GeoLimits.maxValueCount else {
            throw Failure(reason: "more than \(GeoLimits.maxValueCount) values")
        }
        let data = current.pointee.entry_data
        node = current.pointee.next
        switch Int32(bitPattern: data.type) {
        case MMDB_DATA_TYPE_MAP:
            guard depth < GeoLimits.maxValueDepth else {
                throw Failure(reason: "nested deeper than \(GeoLimits.maxValueDepth) levels")
            }
            var map: [String: MaxMindValue] = [:]
            for _ in 0..<Int(data.data_size) {
                guard case .string(let key) = try decode(depth: depth + 1) else {
                    throw Failure(reason: "a map key is not a string")
                }
                map[key] = try decode(depth: depth + 1)
            }
            return .map(map)
        case MMDB_DATA_TYPE_ARRAY:
            guard depth < GeoLimits.maxValueDepth else {
                throw Failure(reason: "nested deeper than \(GeoLimits.maxValueDepth) levels")
            }
            var array: [MaxMindValue] = []
            for _ in 0..<Int(data.data_size) { array.append(try decode(depth: depth + 1)) }
            return .array(array)
        case MMDB_DATA_TYPE_UTF8_STRING:
            try checkSize(data)
            return .string(MaxMindDatabase.copyString(data))
        case MMDB_DATA_TYPE_BYTES:
            try checkSize(data)
            return .bytes(MaxMindDatabase.copyBytes(data))
        case MMDB_DATA_TYPE_DOUBLE: return .double(data.double_value)
        case MMDB_DATA_TYPE_FLOAT: return .float(data.float_value)
        case MMDB_DATA_TYPE_UINT16: return .unsigned(UInt64(data.uint16))
        case MMDB_DATA_TYPE_UINT32: return .unsigned(UInt64(data.uint32))
        case MMDB_DATA_TYPE_UINT64: return .unsigned(data.uint64)
        case MMDB_DATA_TYPE_INT32: return .signed(Int64(data.int32))
        case MMDB_DATA_TYPE_BOOLEAN: return .bool(data.boolean)
        case MMDB_DATA_TYPE_UINT128:
            let (high, low) = try Self.uint128(data)
            return .uint128(high: high, low: low)
        default:
            throw Failure(reason: "unknown data type \(data.type)")
        }
    }

    private func checkSize(_ data: MMDB_entry_data_s) throws(Failure) {
        guard Int(data.data_size) <= GeoLimits.maxStringBytes else {
            throw Failure(reason: "a \(data.data_size)-byte value, over the \(GeoLimits.maxStringBytes)-byte limit")
        }
    }

    /// The uint128 member of the entry's union. Swift does not import `unsigned __int128`, so
    /// the union's bytes are read in place: the union is 16 bytes (its widest member) and ends
    /// where the `offset` field begins. The first 8 bytes are checked against the imported
    /// `uint64` member, so a header with another layout is an error, never a wrong number.
    static func uint128(_ data: MMDB_entry_data_s) throws(Failure) -> (UInt64, UInt64) {
        guard let fieldAfter = MemoryLayout<MMDB_entry_data_s>.offset(of: \MMDB_entry_data_s.offset),
            fieldAfter >= 16
        else {
            throw Failure(reason: "uint128 values cannot be read with this libmaxminddb header")
        }
        let start = fieldAfter - 16
        var copy = data
        let (a, b) = withUnsafeBytes(of: &copy) { raw in
            (
                raw.loadUnaligned(fromByteOffset: start, as: UInt64.self),
                raw.loadUnaligned(fromByteOffset: start + 8, as: UInt64.self)
            )
        }
        guard a == data.uint64 else {
            throw Failure(reason: "uint128 values cannot be read with this libmaxminddb header")
        }
        if MMDB_UINT128_IS_BYTE_ARRAY != 0 {
            // 16 bytes, most significant first.
            return (UInt64(bigEndian: a), UInt64(bigEndian: b))
        }
        // A native 128-bit integer in host order.
        #if _endian(little)
        return (b, a)
        #else
        return (a, b)
        #endif
    }
}
