import HopTraceCore

/// Small, allocation-light scanning over header text. Product tags are ASCII and matched without regard
/// to case (`(Exim 4.82)`, `(exim 4.82)`); Foundation and `Regex` are avoided because `Regex` is not
/// `Sendable` (it cannot live in a static table under strict concurrency) and recompiling patterns per
/// header would dominate batch runs over a mailbox.
enum TextScan {
    /// The first range of `needle` in `text` at or after `start`, ASCII case-insensitively.
    /// On the contiguous UTF-8 bytes of both (this runs for every product tag on every header of
    /// a mailbox); offsets are turned back into indices only for a match.
    static func find(_ needle: String, in text: Substring, from start: String.Index? = nil) -> Range<String.Index>? {
        let u = text.utf8
        let from = start.map { u.distance(from: u.startIndex, to: $0) } ?? 0
        var needle = needle
        let found: Range<Int>? = needle.withUTF8 { n in
            text.withUTF8Bytes { ASCIIFold.firstRange(of: n, in: $0, from: from) }
        }
        guard let found else { return nil }
        let lower = u.index(u.startIndex, offsetBy: found.lowerBound)
        return lower..<u.index(lower, offsetBy: found.count)
    }

    static func contains(_ needle: String, in text: Substring) -> Bool { find(needle, in: text) != nil }

    /// `text` from `open` (a `(`) to its matching `)`, nesting respected (`(ecelerity 2.1.1.3 r(11743))`).
    /// Returns the inside, without the brackets; to the end of the text when unbalanced, but never
    /// more than `maxComment` characters: product comments are short, and callers scan every `(`
    /// of a header, so an attacker's 50,000 unclosed `(` must not make that quadratic.
    static let maxComment = 256

    static func parenthesized(at open: String.Index, in text: Substring) -> Substring {
        var depth = 0
        var i = open
        let start = text.index(after: open)
        var steps = 0
        while i < text.endIndex {
            steps += 1
            if steps > maxComment { return text[start..<i] }
            let c = text[i]
            if c == "(" {
                depth += 1
            } else if c == ")" {
                depth -= 1
                if depth == 0 { return text[start..<i] }
            }
            i = text.index(after: i)
        }
        return text[start...]
    }

    /// The inside of the first comment that starts with `prefix` (`tag("Postfix", …)` finds `(Postfix)` and
    /// `(Postfix, from userid 0)`). The character after the prefix must not continue a word, so
    /// `(PostfixAdmin)` is not `(Postfix`.
    static func tag(_ prefix: String, in text: Substring, wordEnd: Bool = true) -> Substring? {
        let needle = "(" + prefix
        guard let first = find(needle, in: text) else { return nil }
        return tag(needle, firstAt: first, in: text, wordEnd: wordEnd)
    }

    /// `tag` for `needle` (the bracket and the prefix) whose first range in `text` is `first`.
    static func tag(_ needle: String, firstAt first: Range<String.Index>, in text: Substring, wordEnd: Bool)
        -> Substring?
    {
        var r = first
        while wordEnd && r.upperBound != text.endIndex && isWordCharacter(text[r.upperBound]) {
            guard let next = find(needle, in: text, from: r.upperBound) else { return nil }
            r = next
        }
        return parenthesized(at: r.lowerBound, in: text)
    }

    static func isWordCharacter(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }

    /// A version at the start of `text`: optional spaces and `v`, then digits and dots, plus any
    /// characters in `extra` (`FP` suffixes for Domino: "8.5.3FP6"). Trailing dots are dropped.
    static func version(at text: Substring, extra: (Character) -> Bool = { _ in false }) -> String? {
        var s = text.drop { $0 == " " }
        if let c = s.first, c == "v" || c == "V", let d = s.dropFirst().first, d.isASCII, d.isNumber {
            s = s.dropFirst()
        }
        guard let c = s.first, c.isASCII, c.isNumber else { return nil }
        var v = String(s.prefix { ($0.isASCII && ($0.isNumber || $0 == ".")) || extra($0) })
        while v.hasSuffix(".") { v.removeLast() }
        return v.isEmpty ? nil : v
    }

    /// The text after `range` up to the next space, `;`, `)` or end.
    static func token(after index: String.Index, in text: Substring) -> Substring {
        let rest = text[index...].drop { $0 == " " }
        return rest.prefix { $0 != " " && $0 != ";" && $0 != ")" && $0 != "(" }
    }

    /// Host-name suffix test on a DNS name: equal to `suffix` or ending in `.suffix`; case and a trailing
    /// dot (Google writes `mga07.intel.com.`) ignored.
    static func host(_ name: String?, endsWith suffixes: [String]) -> Bool {
        host(normalized: name.map(DomainName.normalized), endsWith: suffixes)
    }

    /// The same for a name already normalised (`DomainName.normalized`): a header's receiving
    /// host is tested against many products' suffixes, and normalised once. ASCII names are
    /// compared as bytes (the suffixes are ASCII, and no other character is canonically
    /// equivalent to an ASCII one after lower-casing); others as Strings.
    static func host(normalized n: String?, endsWith suffixes: [String]) -> Bool {
        guard let n, !n.isEmpty else { return false }
        let ascii: Bool? = n.withUTF8Bytes { name in
            guard name.allSatisfy({ $0 < 0x80 }) else { return nil }
            return suffixes.contains { suffix in
                suffix.withUTF8Bytes { s in
                    if name.count == s.count { return name.elementsEqual(s) }
                    guard name.count > s.count, name[name.count - s.count - 1] == UInt8(ascii: ".") else {
                        return false
                    }
                    return name[(name.count - s.count)...].elementsEqual(s)
                }
            }
        }
        return ascii ?? suffixes.contains { n == $0 || n.hasSuffix("." + $0) }
    }

    /// The bytes of a normalised name (`DomainName.normalized`) for `host(asciiName:endsWith:)`:
    /// nil for nil, an empty name or one with a non-ASCII byte (those take `host(normalized:endsWith:)`).
    static func asciiName(_ n: String?) -> [UInt8]? {
        guard let n, !n.isEmpty, !n.utf8.contains(where: { $0 >= 0x80 }) else { return nil }
        return Array(n.utf8)
    }

    /// `host(normalized:endsWith:)` for a name given as `asciiName(_:)`'s bytes. A suffix is
    /// compared only when its length puts it at the whole name or just after a dot.
    static func host(asciiName name: [UInt8], endsWith suffixes: [String]) -> Bool {
        let n = name.count
        for suffix in suffixes {
            let l = suffix.utf8.count
            guard l <= n, l == n || name[n - l - 1] == UInt8(ascii: ".") else { continue }
            if name[(n - l)...].elementsEqual(suffix.utf8) { return true }
        }
        return false
    }
}

extension TextScan {
    /// `s.lowercased().hasPrefix(prefix)` for a `prefix` of ASCII lower-case letters, digits and
    /// punctuation. By bytes when the prefix's length in bytes and the byte after them are ASCII:
    /// then they are as many characters, lower-cased as ASCII (no other character lower-cases
    /// to an ASCII one but the Kelvin sign and `İ`, which are not ASCII). Otherwise by that
    /// expression.
    static func lowercasedHasPrefix(_ s: String, _ prefix: String) -> Bool {
        var bytes = s.utf8.makeIterator()
        for expected in prefix.utf8 {
            guard let b = bytes.next() else { return false }
            if b >= 0x80 { return s.lowercased().hasPrefix(prefix) }
            if ASCIIFold.lower(b) != expected { return false }
        }
        if let next = bytes.next(), next >= 0x80 { return s.lowercased().hasPrefix(prefix) }
        return true
    }

    /// The role paired with the first of `prefixes` (ASCII lower-case) that `name` starts with,
    /// case ignored as `lowercasedHasPrefix` ignores it; nil when none does.
    static func role(of name: String, byPrefix prefixes: KeyValuePairs<String, String>) -> String? {
        prefixes.first { lowercasedHasPrefix(name, $0.key) }?.value
    }
}
