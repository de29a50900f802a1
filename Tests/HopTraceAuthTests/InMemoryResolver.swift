import HopTraceCore
import HopTraceDNS

/// A test resolver: a dictionary of owner name → records, with CNAME following (loops are
/// SERVFAIL), and names marked TIMEOUT (every type without records times out), the way the
/// RFC 7208 suite's harness (pyspf `test/testspf.py`) serves its `zonedata`.
struct InMemoryResolver: DNSResolver {
    struct Entry: Sendable, Hashable {
        var records: [DNSRecord] = []
        var timeout = false
        var servfail = false
    }

    var zone: [String: Entry] = [:]

    init(_ zone: [String: Entry] = [:]) { self.zone = zone }

    /// Builds from `name: [record]`; TXT values may be given as plain strings.
    init(records: [String: [DNSRecord]], timeouts: Set<String> = [], servfails: Set<String> = []) {
        for (name, list) in records { zone[DNSQuestion.normalize(name), default: Entry()].records += list }
        for name in timeouts { zone[DNSQuestion.normalize(name), default: Entry()].timeout = true }
        for name in servfails { zone[DNSQuestion.normalize(name), default: Entry()].servfail = true }
    }

    static func txt(_ s: String) -> DNSRecord { .txt([Array(s.utf8)]) }

    func resolve(_ question: DNSQuestion) async -> DNSAnswer {
        var name = question.name
        var cnames: [String] = []
        for _ in 0..<16 {
            guard let entry = zone[name] else {
                return DNSAnswer(question: question, outcome: .nxdomain, cnames: cnames)
            }
            if entry.servfail {
                return DNSAnswer(question: question, outcome: .servfail, cnames: cnames, reason: "test SERVFAIL")
            }
            let matching = entry.records.filter { InMemoryResolver.type(of: $0) == question.type }
            if !matching.isEmpty {
                return DNSAnswer(question: question, outcome: .answer(matching), cnames: cnames)
            }
            if question.type != .cname,
                let target = entry.records.lazy.compactMap({ r -> String? in
                    if case .cname(let t) = r { return t } else { return nil }
                }).first
            {
                let next = DNSQuestion.normalize(target)
                if cnames.contains(next) || next == question.name {
                    return DNSAnswer(question: question, outcome: .servfail, cnames: cnames, reason: "CNAME loop")
                }
                cnames.append(next)
                name = next
                continue
            }
            if entry.timeout {
                return DNSAnswer(question: question, outcome: .timeout, cnames: cnames, reason: "test TIMEOUT")
            }
            return DNSAnswer(question: question, outcome: .nodata, cnames: cnames)
        }
        return DNSAnswer(question: question, outcome: .servfail, cnames: cnames, reason: "CNAME chain too long")
    }

    static func type(of record: DNSRecord) -> DNSRecordType {
        switch record {
        case .a: return .a
        case .aaaa: return .aaaa
        case .txt: return .txt
        case .mx: return .mx
        case .ptr: return .ptr
        case .cname: return .cname
        }
    }
}
