import HopTraceCore

/// The record types the analysis asks for.
public enum DNSRecordType: String, Sendable, Hashable, CaseIterable {
    case a = "A"
    case aaaa = "AAAA"
    case txt = "TXT"
    case mx = "MX"
    case ptr = "PTR"
    case cname = "CNAME"
}

/// One resource record's data.
public enum DNSRecord: Sendable, Hashable {
    case a(IPAddress)
    case aaaa(IPAddress)
    /// The record's character-strings, as bytes (TXT data need not be UTF-8).
    case txt([[UInt8]])
    case mx(preference: Int, exchange: String)
    case ptr(String)
    case cname(String)

    /// A TXT record's strings joined without separator (RFC 7208 §3.3), bytes that are not
    /// UTF-8 kept as their Latin-1 characters.
    public var joinedText: String? {
        guard case .txt(let strings) = self else { return nil }
        let bytes = strings.flatMap { $0 }
        if let s = String(validating: bytes, as: UTF8.self) { return s }
        return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    }
}

/// DNSSEC validation state of an answer (live resolver only; nil from a snapshot).
public enum DNSSECStatus: String, Sendable, Hashable {
    case secure
    case insecure
    case bogus
}

/// The outcomes RFC 7208 tells apart.
public enum DNSOutcome: Sendable, Hashable {
    /// One or more records of the asked type (after following CNAMEs).
    case answer([DNSRecord])
    /// The name exists but has no record of that type.
    case nodata
    /// The name does not exist.
    case nxdomain
    /// No answer in time.
    case timeout
    /// The server failed (SERVFAIL, refused, a bogus DNSSEC answer, a CNAME loop).
    case servfail
}

public struct DNSQuestion: Sendable, Hashable, CustomStringConvertible {
    /// Lower case, no trailing dot.
    public var name: String
    public var type: DNSRecordType

    public init(name: String, type: DNSRecordType) {
        self.name = DNSQuestion.normalize(name)
        self.type = type
    }

    /// A question about a name that is normal already (`normalize(name) == name`: a name read
    /// from a snapshot, or normalised before), taken as it is without reading it again.
    public init(normalName name: String, type: DNSRecordType) {
        assert(DNSQuestion.normalize(name) == name, "not a normal name")
        self.name = name
        self.type = type
    }

    public static func normalize(_ name: String) -> String {
        // Already normal (ASCII, no upper case, no trailing dot: the usual case): kept as it is.
        let isNormal = name.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            if bytes.last == UInt8(ascii: ".") { return false }
            for byte in bytes where byte >= 0x80 || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) {
                return false
            }
            return true
        }
        if isNormal == true { return name }
        // The root keeps its one dot.
        let n = DomainName.normalized(name)
        return n.isEmpty && !name.isEmpty ? "." : n
    }

    public var description: String { "\(name) \(type.rawValue)" }
}

public struct DNSAnswer: Sendable, Hashable {
    public var question: DNSQuestion
    public var outcome: DNSOutcome
    /// CNAMEs followed to reach the answer, in order: the target of each, so the last one is
    /// the name the outcome is about (empty when the asked name answered itself).
    public var cnames: [String]
    public var dnssec: DNSSECStatus?
    /// Why it failed, when it did (a timeout's cause, a bogus answer's reason, "no network").
    public var reason: String?

    public init(
        question: DNSQuestion, outcome: DNSOutcome, cnames: [String] = [], dnssec: DNSSECStatus? = nil,
        reason: String? = nil
    ) {
        self.question = question
        self.outcome = outcome
        self.cnames = cnames
        self.dnssec = dnssec
        self.reason = reason
    }

    public var records: [DNSRecord] {
        if case .answer(let r) = outcome { return r }
        return []
    }
}

/// The one way hoptrace reaches DNS. Implementations: live (libunbound), snapshot (a zone
/// file), and the recording and caching decorators.
public protocol DNSResolver: Sendable {
    func resolve(_ question: DNSQuestion) async -> DNSAnswer
}

/// A resolver that may have an answer at hand, without waiting: an in-memory snapshot, or a
/// decorator around one (the decorators forward). Lets a caller that asks many questions
/// (SPF) skip an asynchronous call per question; a resolver that must always be awaited (live
/// DNS) does not adopt it.
public protocol SynchronousAnswers: DNSResolver {
    /// The answer `resolve` would give, when it is at hand; nil when it must be awaited. Never
    /// a different answer, and a decorator does with it what it does with a resolved one.
    func answerAtHand(_ question: DNSQuestion) -> DNSAnswer?
}

extension DNSResolver {
    /// `self` when it can answer without waiting; found once by whoever asks many questions,
    /// as the check is a runtime conformance look-up.
    public var synchronousAnswers: (any SynchronousAnswers)? { self as? any SynchronousAnswers }

    public func resolve(_ name: String, _ type: DNSRecordType) async -> DNSAnswer {
        await resolve(DNSQuestion(name: name, type: type))
    }
}
