#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The Public Suffix List (https://publicsuffix.org/list/) and its algorithm: which part of a
/// name is a public suffix (`co.uk`, `s3.amazonaws.com`) and which is the registrable domain
/// an organisation owns (`example.co.uk`).
///
/// List format, as the list's own header describes it:
///
///     rule      = normal / wildcard / exception
///     normal    = label *("." label)          ; com, co.uk
///     wildcard  = "*." normal                 ; *.ck — every label under ck is a suffix
///     exception = "!" normal                  ; !www.ck — except this one
///
/// one rule a line, the first whitespace-separated word; `//` starts a comment line. Rules are
/// written in Unicode (U-labels); each is also stored in its A-label (`xn--`) form, because mail
/// headers carry A-labels. Input is matched as given (lowercased): an A-label name matches the
/// A-label rules, a Unicode name the Unicode ones; the answer keeps the input's form.
public struct PublicSuffixList: Sendable, Hashable {
    /// Where a list came from.
    public enum Source: Sendable, Hashable {
        /// Read from a file (the system's `publicsuffix` package, or one the caller named).
        case file(String)
        /// The copy compiled into the binary (`data/public_suffix_list.dat`, via `scripts/generate-psl`).
        case bundled
        /// Text the caller passed in.
        case text
    }

    public let source: Source
    private let rules: Rules

    /// Number of rules read (A-label duplicates not counted).
    public var ruleCount: Int {
        switch rules {
        case .compiled: return PublicSuffixList.bundledRuleCount
        case .parsed(let sets): return sets.count
        }
    }

    /// Where Debian's `publicsuffix` package installs the list.
    public static let systemPath = "/usr/share/publicsuffix/public_suffix_list.dat"

    /// Parses list text. Unreadable lines are skipped (the list is data, not code).
    public init(text: String, source: Source = .text, includePrivateSection: Bool = true) {
        self.source = source
        self.rules = .parsed(RuleSets(text: text, includePrivateSection: includePrivateSection))
    }

    private init(source: Source, rules: Rules) {
        self.source = source
        self.rules = rules
    }

    /// The list compiled into the binary: its rules are static tables built by
    /// `scripts/generate-psl`, so it costs nothing to load.
    public static let bundled = PublicSuffixList(source: .bundled, rules: .compiled)

    /// Reads a list file; nil when it cannot be read or holds no rules. A file whose bytes are
    /// those of the bundled list (its size and FNV-1a hash) is answered from the compiled tables
    /// without parsing; any other file is parsed.
    public init?(contentsOfFile path: String, includePrivateSection: Bool = true) {
        guard let fd = FileDescriptor.openForReading(path) else { return nil }
        defer { close(fd) }
        // The bundled list's size first: only a file of that size is mapped and hashed (its
        // pages come from the page cache, with no copy), every other file is read and parsed.
        if includePrivateSection, FileInput.regularFileSize(fd) == PublicSuffixList.bundledSourceByteCount,
            let mapped = try? MappedFile(fd: fd, count: PublicSuffixList.bundledSourceByteCount, name: path),
            PublicSuffixList.isBundledSource(UnsafeRawBufferPointer(mapped.buffer))
        {
            self.init(source: .file(path), rules: .compiled)
            return
        }
        guard let bytes = try? FileInput.readBounded(fd, name: path, limit: PublicSuffixList.maxFileBytes),
            !bytes.isEmpty
        else { return nil }
        let list = PublicSuffixList(
            text: String(decoding: bytes, as: UTF8.self), source: .file(path),
            includePrivateSection: includePrivateSection)
        guard list.ruleCount > 0 else { return nil }
        self = list
    }

    /// A list file larger than this is not read (the list is ~250 KB).
    static let maxFileBytes = 16 << 20

    /// Whether `bytes` are the bytes the compiled tables were generated from (size and FNV-1a).
    static func isBundledSource(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count == bundledSourceByteCount else { return false }
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return h == bundledSourceFNV1a
    }

    /// The system's list when it is installed and readable, else the bundled copy. Loaded once,
    /// at first use; the system list is parsed only when it differs from the bundled one.
    public static let standard: PublicSuffixList =
        PublicSuffixList(contentsOfFile: systemPath) ?? bundled

    /// The public suffix of `domain` (lowercased, one trailing dot ignored), by the list's
    /// algorithm: an exception rule wins; else the matching rule with the most labels; else the
    /// implicit `*` rule (the last label). Nil for empty input, a leading dot or an empty label.
    public func publicSuffix(of domain: String) -> String? {
        if case .compiled = rules, let bytes = PublicSuffixList.asciiName(domain) {
            guard let starts = PublicSuffixList.labelStarts(bytes) else { return nil }
            let start = CompiledRules.suffixStart(bytes, starts)
            return String(decoding: bytes[starts[start]...], as: UTF8.self)
        }
        guard let (name, labels) = PublicSuffixList.labels(of: domain) else { return nil }
        return String(name[labels[rules.sets.suffixStart(name, labels)].startIndex...])
    }

    /// The registrable domain: the public suffix plus one label (`mail.example.co.uk` →
    /// `example.co.uk`). Nil when the name is itself a public suffix, or is not a name.
    public func registrableDomain(of domain: String) -> String? {
        if case .compiled = rules, let bytes = PublicSuffixList.asciiName(domain) {
            guard let starts = PublicSuffixList.labelStarts(bytes) else { return nil }
            let start = CompiledRules.suffixStart(bytes, starts)
            guard start > 0 else { return nil }
            return String(decoding: bytes[starts[start - 1]...], as: UTF8.self)
        }
        guard let (name, labels) = PublicSuffixList.labels(of: domain) else { return nil }
        let start = rules.sets.suffixStart(name, labels)
        guard start > 0 else { return nil }
        return String(name[labels[start - 1].startIndex...])
    }

    /// An all-ASCII name lower-cased without its trailing dot, as bytes; nil when the name has
    /// other characters (those take the rule sets, which compare as Swift strings do).
    private static func asciiName(_ domain: String) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(domain.utf8.count)
        for byte in domain.utf8 {
            guard byte < 0x80 else { return nil }
            out.append(byte &+ (byte >= 0x41 && byte <= 0x5A ? 0x20 : 0))
        }
        if out.last == UInt8(ascii: ".") { out.removeLast() }
        return out
    }

    /// The start of each label of a lower-cased ASCII name; nil for an empty name, one over
    /// 1,024 bytes, or one with an empty label.
    private static func labelStarts(_ name: [UInt8]) -> [Int]? {
        guard !name.isEmpty, name.count <= 1024 else { return nil }
        var starts = [0]
        for i in name.indices where name[i] == UInt8(ascii: ".") {
            guard i + 1 < name.count, i > starts[starts.count - 1] else { return nil }
            starts.append(i + 1)
        }
        return starts
    }

    /// The name lower-cased without its trailing dot, and its labels (slices of that name).
    private static func labels(of domain: String) -> (Substring, [Substring])? {
        var name = Substring(domain.lowercased())
        if name.hasSuffix(".") { name = name.dropLast() }
        guard !name.isEmpty, name.utf8.count <= 1024 else { return nil }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        guard !labels.contains(where: \.isEmpty) else { return nil }
        return (name, labels)
    }

    public static func == (a: PublicSuffixList, b: PublicSuffixList) -> Bool {
        a.source == b.source && a.sameRules(as: b)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(source)
        hasher.combine(ruleCount)
    }
}

extension PublicSuffixList {
    /// A list's rules: the compiled tables of the bundled list, or sets parsed from a list's text.
    private enum Rules: Sendable {
        case compiled
        case parsed(RuleSets)

        /// The rules as sets (the compiled list's parsed from its rule text, once, when first
        /// asked: only for names with non-ASCII characters, and for comparisons).
        var sets: RuleSets {
            switch self {
            case .compiled: return RuleSets.bundled
            case .parsed(let sets): return sets
            }
        }
    }

    /// Same rules, wherever each list came from.
    func sameRules(as other: PublicSuffixList) -> Bool {
        if case .compiled = rules, case .compiled = other.rules { return true }
        return rules.sets == other.rules.sets
    }

    /// The compiled tables' lines of one kind (`normal`, `wildcard`, `exception`), for tests.
    static func compiledLines(_ kind: String) -> [String] {
        let table: StaticString
        switch kind {
        case "wildcard": table = compiledWildcard
        case "exception": table = compiledException
        default: table = compiledNormal
        }
        return table.withUTF8Buffer { String(decoding: $0, as: UTF8.self) }.split(separator: "\n").map(String.init)
    }

    /// The ASCII rules of one kind of the sets parsed from the bundled rule text, for tests.
    static func parsedASCIIRules(_ kind: String) -> [String] {
        let sets = RuleSets.bundled
        let set: Set<String>
        switch kind {
        case "wildcard": set = sets.wildcard
        case "exception": set = sets.exception
        default: set = sets.normal
        }
        return set.filter { $0.utf8.allSatisfy { $0 < 0x80 } }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}

/// Rules parsed from a list's text into sets of strings (compared as Swift strings compare).
private struct RuleSets: Sendable, Equatable {
    var normal: Set<String> = []
    /// `*.ck` is stored as `ck`.
    var wildcard: Set<String> = []
    /// `!www.ck` is stored as `www.ck`.
    var exception: Set<String> = []
    /// Number of rules read (A-label duplicates not counted).
    var count = 0

    /// The bundled list's rules parsed from its rule text, at first use.
    static let bundled: RuleSets = {
        var sets = RuleSets()
        for line in PublicSuffixList.bundledICANNRules.split(separator: "\n") { sets.add(rule: String(line)) }
        for line in PublicSuffixList.bundledPrivateRules.split(separator: "\n") { sets.add(rule: String(line)) }
        return sets
    }()

    init() {}

    init(text: String, includePrivateSection: Bool) {
        var inPrivate = false
        for rawLine in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let line = rawLine.drop(while: { $0 == " " || $0 == "\t" })
            if line.hasPrefix("//") {
                if line.hasPrefix("// ===BEGIN PRIVATE DOMAINS===") { inPrivate = true }
                if line.hasPrefix("// ===END PRIVATE DOMAINS===") { inPrivate = false }
                continue
            }
            if inPrivate && !includePrivateSection { continue }
            guard let word = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).first else { continue }
            add(rule: String(word))
        }
    }

    static func == (a: RuleSets, b: RuleSets) -> Bool {
        a.normal == b.normal && a.wildcard == b.wildcard && a.exception == b.exception
    }

    private mutating func add(rule raw: String) {
        var rule = raw.lowercased()
        var target = \RuleSets.normal
        if rule.hasPrefix("!") {
            rule.removeFirst()
            target = \RuleSets.exception
        } else if rule.hasPrefix("*.") {
            rule.removeFirst(2)
            target = \RuleSets.wildcard
        }
        guard !rule.isEmpty else { return }
        count += 1
        self[keyPath: target].insert(rule)
        if let a = Punycode.aLabels(ofDomain: rule), a != rule { self[keyPath: target].insert(a) }
    }

    /// Index of the first label of the public suffix.
    func suffixStart(_ name: Substring, _ labels: [Substring]) -> Int {
        let n = labels.count
        // The suffix from label i on is the tail of the name itself: one copy, no join.
        func suffix(_ i: Int) -> String { String(name[labels[i].startIndex...]) }
        // Exception rules prevail: the public suffix is the exception minus its first label.
        for i in 0..<n where exception.contains(suffix(i)) { return min(i + 1, n - 1) }
        // Longest matching rule first: a normal rule at i, or a wildcard whose base starts at i + 1.
        for i in 0..<n {
            if normal.contains(suffix(i)) { return i }
            if i + 1 < n && wildcard.contains(suffix(i + 1)) { return i }
        }
        return n - 1
    }
}

/// Look-ups in the compiled tables (`PublicSuffix+Generated.swift`): each is one static string
/// of lines sorted by bytes, `\n` before the first and after the last, searched by bisection
/// over byte offsets (a probe steps back and forward to the newlines around it).
enum CompiledRules {
    /// Index of the first label of the public suffix of a lower-cased ASCII name whose labels
    /// start at `starts`; the same algorithm as `RuleSets.suffixStart`. The tables are asked
    /// through their hash indexes (`CompiledLineIndex`), which answer as `contains` does.
    static func suffixStart(_ name: [UInt8], _ starts: [Int]) -> Int {
        let n = starts.count
        return name.withUnsafeBufferPointer { buffer -> Int in
            func suffix(_ i: Int) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: buffer[starts[i]...]) }
            let (exception, normal, wildcard) = (
                CompiledLineIndex.exception, CompiledLineIndex.normal, CompiledLineIndex.wildcard
            )
            for i in 0..<n where exception.contains(suffix(i)) { return min(i + 1, n - 1) }
            for i in 0..<n {
                if normal.contains(suffix(i)) { return i }
                if i + 1 < n && wildcard.contains(suffix(i + 1)) { return i }
            }
            return n - 1
        }
    }

    /// Whether the table holds `key` as one of its lines, by bisection.
    static func contains(_ table: StaticString, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let base = table.utf8Start
        // Lines strictly between the newlines at `low` and `high` are the candidates.
        var low = 0
        var high = table.utf8CodeUnitCount - 1
        let newline = UInt8(ascii: "\n")
        while low < high - 1 {
            let mid = (low + high) / 2
            var start = mid
            while base[start] != newline { start -= 1 }
            start += 1
            var end = max(start, mid)
            while base[end] != newline { end += 1 }
            switch compare(key, base + start, end - start) {
            case 0: return true
            case ..<0: high = start - 1
            default: low = end
            }
        }
        return false
    }

    /// Byte-wise order of `key` against the `count` bytes at `line` (a shorter prefix first).
    @inline(__always)
    private static func compare(_ key: UnsafeBufferPointer<UInt8>, _ line: UnsafePointer<UInt8>, _ count: Int) -> Int {
        let common = min(key.count, count)
        for i in 0..<common where key[i] != line[i] { return key[i] < line[i] ? -1 : 1 }
        return key.count - count
    }
}
