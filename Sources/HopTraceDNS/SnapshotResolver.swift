/// Answers from a `ZoneFile`, for offline and reproducible analysis (`--dns-snapshot`).
///
/// - A name absent from the file is NXDOMAIN, even when a longer name below it is present:
///   the file lists exactly the names that exist (this is also how the RFC 7208 test suite's
///   zone data reads). A recording of a live "empty non-terminal" writes `;! nodata`.
/// - A name present without the asked type, and without a CNAME, is NODATA.
/// - A CNAME is followed (except when CNAME itself is asked) for at most `maxCNAMEChain` steps;
///   a loop or a longer chain is SERVFAIL with the reason.
/// - `;!` directives give timeouts, failures and forced NODATA/NXDOMAIN (see `ZoneFile`).
/// - Names compare case-insensitively (both sides are lower-cased).
public struct SnapshotResolver: SynchronousAnswers {
    /// Longest CNAME chain followed. Real resolvers stop near here too (unbound restarts a
    /// query at most 11 times); any real chain is far shorter.
    public static let maxCNAMEChain = 10

    public let zone: ZoneFile
    /// `zone.names` as the answers read them: each name's records, those of a name holding
    /// more than one type (a TXT beside an A, say) split by type once here, so that an answer
    /// is one look-up and no answer has to filter a name's list into a new array.
    private let held: NameTable<Held>

    /// A name's records.
    enum Held: Sendable {
        /// All of one type, or none.
        case uniform([DNSRecord])
        /// Of several types.
        case mixed(MixedRecords)

        /// Every record, in file order.
        var all: [DNSRecord] {
            switch self {
            case .uniform(let records): return records
            case .mixed(let mixed): return mixed.all
            }
        }

        /// The records of `type`, in file order.
        func records(of type: DNSRecordType) -> [DNSRecord] {
            switch self {
            case .uniform(let records):
                return SnapshotResolver.all(records, areOf: type) ? records : []
            case .mixed(let mixed):
                return mixed.byType[type.ordinal]
            }
        }

        /// Whether a CNAME is among the records.
        var hasCNAME: Bool {
            switch self {
            case .uniform(let records): return SnapshotResolver.any(records, isOf: .cname)
            case .mixed(let mixed): return !mixed.byType[DNSRecordType.cname.ordinal].isEmpty
            }
        }

        init(_ records: [DNSRecord]) {
            guard let first = records.first?.type, records.contains(where: { $0.type != first }) else {
                self = .uniform(records)
                return
            }
            self = .mixed(MixedRecords(records))
        }
    }

    /// The records of a name that holds several types: the whole list, and per type (indexed by
    /// `DNSRecordType.ordinal`) its records.
    final class MixedRecords: Sendable {
        let all: [DNSRecord]
        let byType: [[DNSRecord]]

        init(_ records: [DNSRecord]) {
            all = records
            var byType = [[DNSRecord]](repeating: [], count: DNSRecordType.allCases.count)
            for record in records { byType[record.type.ordinal].append(record) }
            self.byType = byType
        }
    }

    public init(zone: ZoneFile) {
        self.zone = zone
        self.held = NameTable(zone.names.mapValues(Held.init))
    }

    /// The records at a (normalised) name, nil when the zone does not hold it.
    private func records(at name: String) -> Held? {
        switch held.find(name) {
        case .value(let records): return records
        case .absent: return nil
        case .notASCII: return zone.names[name].map(Held.init)
        }
    }

    public init(contentsOf path: String, limits: ZoneFile.Limits = .default) throws(ZoneFileError) {
        self.init(zone: try ZoneFile(contentsOf: path, limits: limits))
    }

    public func resolve(_ question: DNSQuestion) async -> DNSAnswer {
        answer(question)
    }

    /// Always at hand: the snapshot is in memory.
    public func answerAtHand(_ question: DNSQuestion) -> DNSAnswer? {
        answer(question)
    }

    /// The same answer, synchronously (no I/O happens).
    public func answer(_ question: DNSQuestion) -> DNSAnswer {
        if let answer = heldAnswer(question) { return answer }
        return followedAnswer(question)
    }

    /// The answer to a name the zone holds, in a zone with no directives and no unaskable
    /// name, when no CNAME is to be followed (its records of the asked type, or NODATA): the
    /// usual question, answered with one look-up. nil for every other question, which
    /// `followedAnswer` answers (this is its reading of those cases).
    @inline(__always)
    private func heldAnswer(_ question: DNSQuestion) -> DNSAnswer? {
        guard zone.directives.isEmpty, zone.unaskableNameCount == 0, let held = records(at: question.name) else {
            return nil
        }
        let matching = held.records(of: question.type)
        if !matching.isEmpty {
            return DNSAnswer(question: question, outcome: .answer(matching))
        }
        if question.type == .cname || !held.hasCNAME {
            return DNSAnswer(question: question, outcome: .nodata)
        }
        return nil
    }

    /// Any question: directives, names DNS cannot ask, CNAME chains.
    func followedAnswer(_ question: DNSQuestion) -> DNSAnswer {
        var name = question.name
        var cnames: [String] = []
        var records = self.records(at: name)
        // A name DNS cannot ask is refused before anything else. A held name is askable when
        // the zone holds no unaskable one, so only the others are checked.
        if records == nil || zone.unaskableNameCount > 0, let problem = DNSName.problem(name) {
            return DNSAnswer(question: question, outcome: .servfail, reason: "not a valid DNS name: \(problem)")
        }
        while true {
            let directives = zone.directives.isEmpty ? [] : zone.directives[name] ?? []
            if let d = directives.first(where: { $0.type == question.type }) {
                return answer(question, d, cnames)
            }
            guard let held = records else {
                if let d = directives.first(where: { $0.type == nil }) { return answer(question, d, cnames) }
                return DNSAnswer(question: question, outcome: .nxdomain, cnames: cnames)
            }
            let matching = held.records(of: question.type)
            if !matching.isEmpty {
                return DNSAnswer(question: question, outcome: .answer(matching), cnames: cnames)
            }
            if question.type != .cname, let target = held.all.lazy.compactMap(\.cnameTarget).first {
                if target == question.name || cnames.contains(target) {
                    let loop = ([question.name] + cnames + [target]).joined(separator: " → ")
                    return DNSAnswer(
                        question: question, outcome: .servfail, cnames: cnames, reason: "CNAME loop: \(loop)")
                }
                guard cnames.count < SnapshotResolver.maxCNAMEChain else {
                    return DNSAnswer(
                        question: question, outcome: .servfail, cnames: cnames,
                        reason: "CNAME chain longer than \(SnapshotResolver.maxCNAMEChain)")
                }
                cnames.append(target)
                name = target
                records = self.records(at: name)
                continue
            }
            if let d = directives.first(where: { $0.type == nil }) { return answer(question, d, cnames) }
            return DNSAnswer(question: question, outcome: .nodata, cnames: cnames)
        }
    }

    /// Whether every record is of `type` (true for none). Reads each record's type in place
    /// (no copy of its data, as iterating would make).
    static func all(_ records: [DNSRecord], areOf type: DNSRecordType) -> Bool {
        records.withUnsafeBufferPointer { buffer in
            for index in buffer.indices where buffer[index].type != type { return false }
            return true
        }
    }

    /// Whether any record is of `type`, read in place as `all(_:areOf:)` does.
    static func any(_ records: [DNSRecord], isOf type: DNSRecordType) -> Bool {
        records.withUnsafeBufferPointer { buffer in
            for index in buffer.indices where buffer[index].type == type { return true }
            return false
        }
    }

    private func answer(_ q: DNSQuestion, _ d: ZoneFile.Directive, _ cnames: [String]) -> DNSAnswer {
        let at = d.line.map { " (snapshot line \($0))" } ?? ""
        switch d.kind {
        case .timeout:
            return DNSAnswer(
                question: q, outcome: .timeout, cnames: cnames, reason: d.reason ?? "timeout directive\(at)")
        case .servfail:
            return DNSAnswer(
                question: q, outcome: .servfail, cnames: cnames, reason: d.reason ?? "servfail directive\(at)")
        case .nodata:
            return DNSAnswer(question: q, outcome: .nodata, cnames: cnames)
        case .nxdomain:
            return DNSAnswer(question: q, outcome: .nxdomain, cnames: cnames)
        }
    }
}

extension DNSRecordType {
    /// The type's position in `allCases` (0 to 5), to index a per-type list.
    var ordinal: Int {
        switch self {
        case .a: return 0
        case .aaaa: return 1
        case .txt: return 2
        case .mx: return 3
        case .ptr: return 4
        case .cname: return 5
        }
    }
}

extension DNSRecord {
    /// The name in the record's data, for the types that have one.
    var targetName: String? {
        switch self {
        case .mx(_, let name), .ptr(let name), .cname(let name): return name
        case .a, .aaaa, .txt: return nil
        }
    }

    var cnameTarget: String? {
        if case .cname(let target) = self { return target }
        return nil
    }
}
