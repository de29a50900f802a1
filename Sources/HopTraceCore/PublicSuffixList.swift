#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
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
    private var normal: Set<String> = []
    /// `*.ck` is stored as `ck`.
    private var wildcard: Set<String> = []
    /// `!www.ck` is stored as `www.ck`.
    private var exception: Set<String> = []

    /// Number of rules read (A-label duplicates not counted).
    public private(set) var ruleCount = 0

    /// Where Debian's `publicsuffix` package installs the list.
    public static let systemPath = "/usr/share/publicsuffix/public_suffix_list.dat"

    /// Parses list text. Unreadable lines are skipped (the list is data, not code).
    public init(text: String, source: Source = .text, includePrivateSection: Bool = true) {
        self.source = source
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

    private init(bundledIncludingPrivate includePrivate: Bool) {
        self.source = .bundled
        for line in PublicSuffixList.bundledICANNRules.split(separator: "\n") { add(rule: String(line)) }
        if includePrivate {
            for line in PublicSuffixList.bundledPrivateRules.split(separator: "\n") { add(rule: String(line)) }
        }
    }

    private mutating func add(rule raw: String) {
        var rule = raw.lowercased()
        var target = \PublicSuffixList.normal
        if rule.hasPrefix("!") {
            rule.removeFirst()
            target = \PublicSuffixList.exception
        } else if rule.hasPrefix("*.") {
            rule.removeFirst(2)
            target = \PublicSuffixList.wildcard
        }
        guard !rule.isEmpty else { return }
        ruleCount += 1
        self[keyPath: target].insert(rule)
        if let a = Punycode.aLabels(ofDomain: rule), a != rule { self[keyPath: target].insert(a) }
    }

    /// The list compiled into the binary.
    public static let bundled = PublicSuffixList(bundledIncludingPrivate: true)

    /// Reads a list file; nil when it cannot be read or holds no rules.
    public init?(contentsOfFile path: String, includePrivateSection: Bool = true) {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: path)), !data.isEmpty else { return nil }
        let list = PublicSuffixList(
            text: String(decoding: data, as: UTF8.self), source: .file(path),
            includePrivateSection: includePrivateSection)
        guard list.ruleCount > 0 else { return nil }
        self = list
    }

    /// The system's list when it is installed and readable, else the bundled copy. Loaded once.
    public static let standard: PublicSuffixList =
        PublicSuffixList(contentsOfFile: systemPath) ?? bundled

    /// The public suffix of `domain` (lowercased, one trailing dot ignored), by the list's
    /// algorithm: an exception rule wins; else the matching rule with the most labels; else the
    /// implicit `*` rule (the last label). Nil for empty input, a leading dot or an empty label.
    public func publicSuffix(of domain: String) -> String? {
        guard let (name, labels) = PublicSuffixList.labels(of: domain) else { return nil }
        return String(name[labels[suffixStart(name, labels)].startIndex...])
    }

    /// The registrable domain: the public suffix plus one label (`mail.example.co.uk` →
    /// `example.co.uk`). Nil when the name is itself a public suffix, or is not a name.
    public func registrableDomain(of domain: String) -> String? {
        guard let (name, labels) = PublicSuffixList.labels(of: domain) else { return nil }
        let start = suffixStart(name, labels)
        guard start > 0 else { return nil }
        return String(name[labels[start - 1].startIndex...])
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

    /// Index of the first label of the public suffix.
    private func suffixStart(_ name: Substring, _ labels: [Substring]) -> Int {
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

extension PublicSuffixList {
    /// Same rules, wherever each list came from.
    func sameRules(as other: PublicSuffixList) -> Bool {
        normal == other.normal && wildcard == other.wildcard && exception == other.exception
    }
}
