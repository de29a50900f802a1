import HopTraceCore

/// A DNS snapshot: the records of an RFC 1035 master file ("zone file") held in memory, plus
/// hoptrace's directives for outcomes a master file cannot express.
///
/// File format (RFC 1035 §5.1): `$TTL`, `$ORIGIN`, relative and absolute names, `@`, a blank
/// owner repeating the previous one, parentheses spanning lines, `;` comments, optional TTL
/// and class (only `IN`) in either order. Types A, AAAA, TXT, MX, PTR and CNAME are read; SOA
/// and NS are accepted and ignored; other types are skipped with a `Note`, not an error, so a
/// real (even DNSSEC-signed) zone loads. The owner name of any record, even a skipped one,
/// exists: asking it another type is NODATA, not NXDOMAIN.
///
/// Extensions are comment lines, so the file stays loadable by standard tools:
///
///     ;! timeout  NAME TYPE ["reason"]   the question times out
///     ;! servfail NAME TYPE ["reason"]   the server fails
///     ;! nodata   NAME TYPE              the name exists without that type (even with no records;
///                                        `;! nodata NAME *` says just "NAME exists")
///     ;! nxdomain NAME TYPE              the name does not exist for that type (a recording of
///                                        inconsistent live data; real DNS never mixes them)
///
/// TYPE `*` means every type the name has no records (and no CNAME) of. A directive naming one
/// type wins over records of that type. NAME follows the same rules as owner names.
///
/// No wildcard expansion, no DNSSEC records, no zone cuts: a `*` label is an ordinary label,
/// and the file is one flat set of names (a snapshot, not an authoritative server).
///
/// Memory: a million names load in a few hundred MB; per record only its data is kept (no TTL,
/// no line), which is all a resolver needs.
public struct ZoneFile: Sendable, Hashable {
    /// One `;!` line.
    public struct Directive: Sendable, Hashable {
        public enum Kind: String, Sendable, Hashable, CaseIterable {
            case timeout, servfail, nodata, nxdomain
        }
        public var kind: Kind
        /// Normalised like `DNSQuestion.name`.
        public var name: String
        /// nil for `*`: every type the name has no records of.
        public var type: DNSRecordType?
        public var reason: String?
        /// Where it was read; nil when built in memory.
        public var line: Int?

        public init(_ kind: Kind, name: String, type: DNSRecordType?, reason: String? = nil, line: Int? = nil) {
            self.kind = kind
            self.name = DNSQuestion.normalize(name)
            self.type = type
            self.reason = reason
            self.line = line
        }
    }

    /// Something read but not used (an unsupported type or class), with where it was.
    public struct Note: Sendable, Hashable, CustomStringConvertible {
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    /// Input bounds. Defaults fit any real zone; every one is tested.
    public struct Limits: Sendable, Hashable {
        /// Largest file read at all (the program-wide input bound).
        public var maxFileBytes = HopTraceCore.Limits.maxInputBytes
        /// Longest physical line.
        public var maxLineBytes = 64 * 1024
        /// Longest entry, parentheses included (a TXT RRset is at most 64 KiB of data, 4x escaped).
        public var maxEntryBytes = 512 * 1024
        /// Most owner names.
        public var maxNames = 5_000_000
        /// Most records kept.
        public var maxRecords = 10_000_000
        /// Most notes kept (a signed zone has one per RRSIG); the rest are only counted.
        public var maxNotes = 100

        public init() {}
        public static let `default` = Limits()
    }

    /// Every owner name (normalised) → its supported records, in file order. An empty array
    /// means the name exists without records hoptrace reads.
    public private(set) var names: [String: [DNSRecord]] = [:]
    /// Directives by name.
    public private(set) var directives: [String: [Directive]] = [:]
    public private(set) var notes: [Note] = []
    /// Notes beyond `Limits.maxNotes`, counted only.
    public private(set) var notesNotKept = 0
    public private(set) var recordCount = 0
    /// Names held (with records or without) that DNS cannot ask (`DNSName.problem`): only
    /// ever from `add` in memory, as the master-file parser refuses them. While there are none,
    /// a held name needs no check before it is answered.
    public private(set) var unaskableNameCount = 0
    /// TTL written by `text()`.
    public var defaultTTL: UInt32 = 300

    public init() {}

    public var nameCount: Int { names.count }

    /// The name's records, or nil when the file does not have the name.
    public func records(at name: String) -> [DNSRecord]? { names[DNSQuestion.normalize(name)] }

    /// Adds a record at `name` (normalised). Duplicates are kept once, as DNS does.
    public mutating func add(_ record: DNSRecord, at name: String) {
        add(record, atNormalized: DNSQuestion.normalize(name))
    }

    /// Makes `name` exist without adding a record (an owner of only skipped types).
    public mutating func addName(_ name: String) {
        addName(normalized: DNSQuestion.normalize(name))
    }

    @discardableResult
    mutating func add(_ record: DNSRecord, atNormalized key: String) -> Bool {
        insert(record, atNormalized: key).newRecord
    }

    /// Adds with one hash lookup, mutating the name's array in place (a copy per record
    /// would make a big file quadratic in its largest RRset).
    mutating func insert(_ record: DNSRecord, atNormalized key: String) -> (newName: Bool, newRecord: Bool) {
        var newName = false
        let newRecord = ZoneFile.appendIfNew(
            record,
            to: &names[
                key,
                default: {
                    newName = true
                    return []
                }()])
        if newRecord { recordCount += 1 }
        if newName { countIfUnaskable(key) }
        return (newName, newRecord)
    }

    private static func appendIfNew(_ record: DNSRecord, to list: inout [DNSRecord]) -> Bool {
        if list.contains(record) { return false }
        list.append(record)
        return true
    }

    /// Returns whether the name was new.
    @discardableResult
    mutating func addName(normalized key: String) -> Bool {
        if names[key] != nil { return false }
        names[key] = []
        countIfUnaskable(key)
        return true
    }

    private mutating func countIfUnaskable(_ key: String) {
        if DNSName.problem(key) != nil { unaskableNameCount += 1 }
    }

    public mutating func add(_ directive: Directive) {
        directives[directive.name, default: []].append(directive)
    }

    mutating func addNote(_ line: Int, _ message: String, limit: Int) {
        if notes.count < limit { notes.append(Note(line: line, message: message)) } else { notesNotKept += 1 }
    }

    // MARK: Reading

    /// Parses master-file bytes. Throws the first error, with its line and a hint.
    public init(parsing bytes: [UInt8], limits: Limits = .default) throws(ZoneFileError) {
        guard bytes.count <= limits.maxFileBytes else {
            throw ZoneFileError(
                .limit, line: 0, "file is \(bytes.count) bytes, more than the \(limits.maxFileBytes) accepted",
                hint: "split the snapshot or raise ZoneFile.Limits.maxFileBytes")
        }
        let result: Result<ZoneFile, ZoneFileError> = bytes.withUnsafeBufferPointer { buffer in
            var parser = ZoneFileParser(bytes: buffer, limits: limits)
            do throws(ZoneFileError) {
                return .success(try parser.parse())
            } catch {
                return .failure(error)
            }
        }
        self = try result.get()
    }

    public init(parsing text: String, limits: Limits = .default) throws(ZoneFileError) {
        try self.init(parsing: Array(text.utf8), limits: limits)
    }

    /// Reads and parses a file. I/O problems are `ZoneFileError`s of kind `.io`.
    public init(contentsOf path: String, limits: Limits = .default) throws(ZoneFileError) {
        let bytes = try FileBytes.read(path, maxBytes: limits.maxFileBytes)
        try self.init(parsing: bytes, limits: limits)
    }

    // MARK: Writing

    /// The snapshot as a master file: `$TTL`, then names in DNS canonical order (RFC 4034 §6.1:
    /// by reversed labels, so a zone's names stay together), each name's records by type and
    /// data, then its directives. Deterministic: the same content gives the same bytes.
    public func text(header: [String] = []) -> String {
        var out = ""
        for line in header {
            // Header lines are comments; a newline in one must not start a record.
            out += "; " + line.map { $0.isNewline ? " " : String($0) }.joined() + "\n"
        }
        out += "$TTL \(defaultTTL)\n"
        let allNames = Set(names.keys).union(directives.keys)
        var leftOut = 0
        for name in allNames.sorted(by: ZoneFile.canonicalOrder) {
            // A name DNS cannot carry (a label that grew past 63 octets when non-UTF-8 bytes
            // became characters, say) would make the whole file unreadable: leave it out.
            guard DNSName.problem(name) == nil else {
                leftOut += (names[name]?.count ?? 0) + (directives[name]?.count ?? 0)
                continue
            }
            let owner = DNSName.masterFileText(name)
            let writable = (names[name] ?? []).filter { $0.targetName.map { DNSName.problem($0) == nil } ?? true }
            leftOut += (names[name]?.count ?? 0) - writable.count
            let records = writable.map { ($0.type, $0.masterFileRData) }
                .sorted { ($0.0.sortKey, $0.1) < ($1.0.sortKey, $1.1) }
            for (type, rdata) in records {
                out += "\(owner) IN \(type.rawValue) \(ZoneFile.wrapped(rdata))\n"
            }
            if let r = names[name], r.isEmpty {
                // Present without records hoptrace reads (an owner of only NS, SOA or other
                // types): a master file has no plain way to say "exists".
                out += ";! nodata \(owner) *\n"
            }
            let lines = (directives[name] ?? []).map { d -> String in
                var s = ";! \(d.kind.rawValue) \(owner) \(d.type?.rawValue ?? "*")"
                if let reason = d.reason { s += " " + DNSRecord.quotedCharacterString(Array(reason.utf8.prefix(255))) }
                return s
            }
            for line in Set(lines).sorted() { out += line + "\n" }
        }
        if leftOut > 0 {
            out += "; \(leftOut) record(s) or directive(s) left out: they name something DNS cannot carry\n"
        }
        return out
    }

    /// Long TXT data (up to 64 KiB, 4x when escaped) one string per line in parentheses, so a
    /// recorded file stays within `Limits.maxLineBytes` whatever a live server sent.
    static func wrapped(_ rdata: String) -> String {
        guard rdata.utf8.count > 1000, rdata.hasPrefix("\"") else { return rdata }
        var lines: [Substring] = []
        var start = rdata.startIndex
        var inQuote = false
        var escaped = false
        for i in rdata.indices {
            let c = rdata[i]
            if escaped {
                escaped = false
                continue
            }
            if c == "\\" {
                escaped = true
                continue
            }
            if c == "\"" {
                if inQuote { lines.append(rdata[start...i]) } else { start = i }
                inQuote.toggle()
            }
        }
        return "(\n    " + lines.joined(separator: "\n    ") + " )"
    }

    static func canonicalOrder(_ a: String, _ b: String) -> Bool {
        let la = a.split(separator: ".").reversed()
        let lb = b.split(separator: ".").reversed()
        for (x, y) in zip(la, lb) where x != y { return x < y }
        return la.count != lb.count ? la.count < lb.count : a < b
    }
}

/// A zone-file problem: where, what, and what to do about it.
public struct ZoneFileError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// The file ends inside a construct (an open parenthesis or quote): truncated.
        case incomplete
        /// Something is wrong where it stands.
        case invalid
        /// A bound in `ZoneFile.Limits` was reached.
        case limit
        /// The file could not be read.
        case io
    }
    public var kind: Kind
    /// 1-based; 0 when the problem is the file as a whole.
    public var line: Int
    public var message: String
    public var hint: String?

    public init(_ kind: Kind, line: Int, _ message: String, hint: String? = nil) {
        self.kind = kind
        self.line = line
        self.message = message
        self.hint = hint
    }

    public var description: String {
        var s = line > 0 ? "line \(line): \(message)" : message
        if let hint { s += " (\(hint))" }
        return s
    }
}
