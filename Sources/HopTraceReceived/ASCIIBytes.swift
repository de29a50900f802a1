import HopTraceCore

/// Byte tests against lower-case ASCII patterns, ASCII case ignored, on a header's bytes. Each
/// answers as the same test on the `asciiLowered` text would, for the bytes given.
enum ASCIIBytes {
    @inline(__always) static func matches(_ b: UnsafeBufferPointer<UInt8>, at i: Int, _ p: UnsafeBufferPointer<UInt8>)
        -> Bool
    {
        guard i >= 0, b.count - i >= p.count else { return false }
        for k in 0..<p.count where ASCIIFold.lower(b[i + k]) != p[k] { return false }
        return true
    }

    static func hasPrefix(_ b: UnsafeBufferPointer<UInt8>, _ pattern: StaticString) -> Bool {
        pattern.withUTF8Buffer { matches(b, at: 0, $0) }
    }

    static func hasSuffix(_ b: UnsafeBufferPointer<UInt8>, _ pattern: StaticString) -> Bool {
        pattern.withUTF8Buffer { matches(b, at: b.count - $0.count, $0) }
    }

    static func equal(_ b: UnsafeBufferPointer<UInt8>, _ pattern: StaticString) -> Bool {
        pattern.withUTF8Buffer { b.count == $0.count && matches(b, at: 0, $0) }
    }

    static func contains(_ b: UnsafeBufferPointer<UInt8>, _ pattern: StaticString) -> Bool {
        pattern.withUTF8Buffer { $0.isEmpty || ASCIIFold.firstRange(of: $0, in: b) != nil }
    }
}

extension ASCIIBytes {
    /// `text.asciiLowered.hasPrefix(pattern)`, where `b` holds the bytes of `text`: the
    /// comparison is by Character, so a byte after the pattern that could join its last
    /// character (a non-ASCII combining mark) sends the question to the String routine.
    static func startsAsCharacters(_ text: Substring, _ b: UnsafeBufferPointer<UInt8>, _ pattern: StaticString)
        -> Bool
    {
        guard hasPrefix(b, pattern) else { return false }
        let n = pattern.utf8CodeUnitCount
        if b.count == n || b[n] < 0x80 { return true }
        return text.asciiLowered.hasPrefix(pattern.description)
    }
}

extension ASCIIBytes {
    /// `startsAsCharacters` on a String's bytes.
    static func startsAsCharacters(_ text: String, _ pattern: StaticString) -> Bool {
        text.withUTF8Bytes { startsAsCharacters(text[...], $0, pattern) }
    }
}
