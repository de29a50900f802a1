/// Byte helpers for ASCII keywords and field names, for code that compares, searches and trims
/// on UTF-8 bytes instead of Characters. Case is folded for ASCII letters only: a non-ASCII
/// look-alike (the Kelvin sign for "K") never matches a keyword.
public enum ASCIIFold {
    /// `A`–`Z` to `a`–`z`; every other byte as it is.
    @inlinable @inline(__always) public static func lower(_ c: UInt8) -> UInt8 {
        (c >= 0x41 && c <= 0x5A) ? c + 0x20 : c
    }
    /// The ASCII characters `Character.isWhitespace` accepts: TAB, LF, VT, FF, CR, space.
    @inlinable @inline(__always) public static func isSpace(_ c: UInt8) -> Bool {
        c == 0x20 || (c >= 0x09 && c <= 0x0D)
    }

    /// The same bytes, ASCII case ignored. Inlinable, as the helpers here are: callers in
    /// other modules get them specialised for their sequence types, not a generic call.
    @inlinable
    public static func equal<A: Sequence<UInt8>, B: Sequence<UInt8>>(_ a: A, _ b: B) -> Bool {
        equalSequences(a, b)
    }

    /// `equal` for two Strings' bytes, the usual case (field names, keywords): unequal lengths
    /// answer at once (a native String knows its UTF-8 count), equal ones are compared over
    /// contiguous bytes.
    @inlinable
    public static func equal(_ a: String.UTF8View, _ b: String.UTF8View) -> Bool {
        guard a.count == b.count else { return false }
        let contiguous = a.withContiguousStorageIfAvailable { x in
            b.withContiguousStorageIfAvailable { y in equalBytes(x, y) }
        }
        if let contiguous, let answer = contiguous { return answer }
        return equalSequences(a, b)
    }

    /// Two runs of bytes of the same length, ASCII case ignored.
    @inlinable
    static func equalBytes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        for i in 0..<a.count where a[i] != b[i] && lower(a[i]) != lower(b[i]) { return false }
        return true
    }

    @inlinable
    static func equalSequences<A: Sequence<UInt8>, B: Sequence<UInt8>>(_ a: A, _ b: B) -> Bool {
        var x = a.makeIterator()
        var y = b.makeIterator()
        while true {
            switch (x.next(), y.next()) {
            case (nil, nil): return true
            case (let p?, let q?): if p != q && lower(p) != lower(q) { return false }
            default: return false
            }
        }
    }

    /// Offsets of the first occurrence of `needle` in `hay` at or after `from`, ASCII case
    /// ignored; nil when there is none or `needle` is empty.
    @inlinable
    public static func firstRange(
        of needle: UnsafeBufferPointer<UInt8>, in hay: UnsafeBufferPointer<UInt8>,
        from: Int = 0
    ) -> Range<Int>? {
        guard let head = needle.first, hay.count >= needle.count, from >= 0, from <= hay.count - needle.count else {
            return nil
        }
        let first = lower(head)
        let last = hay.count - needle.count
        var i = from
        // Sixteen start positions at a time: a block is skipped when no byte in it can begin
        // a match (nor, for a longer needle, be followed by the needle's second byte). With
        // bit 5 set on both sides an ASCII letter matches either case; a non-letter is
        // compared exactly. The filter only rejects; candidates are checked byte by byte.
        let foldFirst: UInt8 = first >= 0x61 && first <= 0x7A ? 0x20 : 0
        let firstKey = SIMD16<UInt8>(repeating: first)
        let firstFold = SIMD16<UInt8>(repeating: foldFirst)
        let second = needle.count > 1 ? lower(needle[1]) : 0
        let secondKey = SIMD16<UInt8>(repeating: second)
        let secondFold = SIMD16<UInt8>(repeating: second >= 0x61 && second <= 0x7A ? 0x20 : 0)
        let base = UnsafeRawPointer(hay.baseAddress)
        while i <= last {
            // Positions i..<i+16 are all starts (≤ last), and with a second byte i+1..<i+17 lie
            // inside the text (last + 1 + 1 ≤ count when the needle has two bytes or more).
            if let base, i + 16 <= last + 1 {
                var candidates = (base + i).loadUnaligned(as: SIMD16<UInt8>.self) | firstFold .== firstKey
                if needle.count > 1 {
                    candidates .&= (base + i + 1).loadUnaligned(as: SIMD16<UInt8>.self) | secondFold .== secondKey
                }
                if !any(candidates) {
                    i += 16
                    continue
                }
            }
            let stop = min(i + 16, last + 1)
            while i < stop {
                if lower(hay[i]) == first {
                    var k = 1
                    while k < needle.count && lower(hay[i + k]) == lower(needle[k]) { k += 1 }
                    if k == needle.count { return i..<(i + needle.count) }
                }
                i += 1
            }
        }
        return nil
    }

    /// Whether `text` contains `needle`: `text.contains(needle)`, or with `ignoringCase`
    /// `text.lowercased().contains(needle.lowercased())`, with the same answer. When both are
    /// ASCII and `needle` is non-empty with no CR or LF (so no match can split a CR LF
    /// character), the answer is a byte search with no lower-cased copies; otherwise it is
    /// that Unicode expression itself.
    public static func contains(_ text: String, _ needle: String, ignoringCase: Bool) -> Bool {
        let fast = text.withUTF8Bytes { hay in
            needle.withUTF8Bytes { n -> Bool? in
                guard !n.isEmpty, hay.allSatisfy({ $0 < 0x80 }),
                    n.allSatisfy({ $0 < 0x80 && $0 != 0x0A && $0 != 0x0D })
                else { return nil }
                if ignoringCase { return firstRange(of: n, in: hay) != nil }
                guard hay.count >= n.count else { return false }
                let first = n[0]
                for i in 0...(hay.count - n.count) where hay[i] == first {
                    var k = 1
                    while k < n.count && hay[i + k] == n[k] { k += 1 }
                    if k == n.count { return true }
                }
                return false
            }
        }
        if let fast { return fast }
        return ignoringCase ? text.lowercased().contains(needle.lowercased()) : text.contains(needle)
    }

    /// `firstRange(of:in:)` on Strings, as indices of `text`: what Foundation's
    /// `range(of:options: .caseInsensitive)` gives for an ASCII keyword, without Foundation
    /// (full Foundation only on Linux) and without a non-ASCII look-alike matching. An ASCII
    /// `needle` starts and ends on Unicode scalar boundaries of `text`.
    public static func firstRange(of needle: String, in text: String) -> Range<String.Index>? {
        let found = text.withUTF8Bytes { hay in needle.withUTF8Bytes { firstRange(of: $0, in: hay) } }
        guard let found else { return nil }
        let start = text.utf8.index(text.utf8.startIndex, offsetBy: found.lowerBound)
        return start..<text.utf8.index(start, offsetBy: found.count)
    }
}

extension StringProtocol {
    /// The text's UTF-8 bytes as a buffer (no copy for native strings). Inlinable, so that
    /// callers in other modules get it specialised instead of a generic call (which would
    /// instantiate type metadata on each call).
    @inlinable
    public func withUTF8Bytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let r = self.utf8.withContiguousStorageIfAvailable(body) { return r }
        return Array(self.utf8).withUnsafeBufferPointer(body)
    }
}
