/// The bytes a JSON writer appends to, written through a pointer: one capacity test per write,
/// then stores, with none of an array's per-append uniqueness test, retain and release (a
/// report document is ~30 KB written a few bytes at a time, and those costs were most of its
/// writing time).
///
/// A reference type on purpose: every copy of a writer holding it appends to the same bytes,
/// so a copied writer can never write over memory another copy owns. Not `Sendable`: one
/// writer, one thread.
public final class JSONBuffer {
    // Exclusivity is not checked dynamically on these three: every access is a load or a store
    // of a plain value inside one non-reentrant method, and the object never crosses threads.
    @usableFromInline @exclusivity(unchecked) var base: UnsafeMutablePointer<UInt8>
    @usableFromInline @exclusivity(unchecked) var used: Int
    @usableFromInline @exclusivity(unchecked) var capacity: Int

    /// An empty buffer with room for `capacity` bytes before it first grows.
    public init(capacity: Int = 4096) {
        self.capacity = max(16, capacity)
        base = UnsafeMutablePointer<UInt8>.allocate(capacity: self.capacity)
        used = 0
    }

    /// A buffer holding `bytes`.
    public convenience init(_ bytes: [UInt8]) {
        self.init(capacity: bytes.count + 4096)
        append(bytes)
    }

    deinit { base.deallocate() }

    /// The number of bytes written.
    @inlinable public var count: Int { used }

    /// A copy of the bytes written.
    public var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: used)) }

    /// The bytes it can hold before it grows.
    public var capacityInBytes: Int { capacity }

    /// Forgets the bytes written, keeping the memory.
    public func removeAll() { used = 0 }

    /// The bytes written, for the duration of `body`.
    @inlinable public func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: base, count: used))
    }

    /// Appends the bytes written to `out`.
    @inlinable public func copy(to out: inout [UInt8]) {
        withBytes { out.append(contentsOf: $0) }
    }

    /// Makes room for `n` more bytes; the caller then stores them at `base + used`.
    @inlinable @inline(__always) func reserve(_ n: Int) {
        if _slowPath(used &+ n > capacity) { grow(n) }
    }

    @usableFromInline func grow(_ n: Int) {
        // Overflow traps: a document of 2^62 bytes is not one this buffer holds.
        let wanted = max(capacity * 2, used + n)
        let next = UnsafeMutablePointer<UInt8>.allocate(capacity: wanted)
        HugePages.advise(UnsafeMutableRawBufferPointer(start: next, count: wanted))
        next.update(from: base, count: used)
        base.deallocate()
        base = next
        capacity = wanted
    }

    @inlinable @inline(__always) public func append(_ byte: UInt8) {
        reserve(1)
        base[used] = byte
        used &+= 1
    }

    @inlinable @inline(__always) public func append(_ a: UInt8, _ b: UInt8) {
        reserve(2)
        base[used] = a
        base[used &+ 1] = b
        used &+= 2
    }

    /// `count` bytes from `start`.
    @inlinable @inline(__always) public func append(_ start: UnsafePointer<UInt8>, count n: Int) {
        reserve(n)
        (base + used).update(from: start, count: n)
        used &+= n
    }

    /// A literal's bytes, copied straight from the binary.
    @inlinable @inline(__always) public func append(_ literal: StaticString) {
        append(literal.utf8Start, count: literal.utf8CodeUnitCount)
    }

    public func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { b in
            if let start = b.baseAddress { append(start, count: b.count) }
        }
    }

    /// A String's UTF-8 bytes, as they are (no escaping).
    public func append(utf8 s: String) {
        var s = s
        s.withUTF8 { b in
            if let start = b.baseAddress { append(start, count: b.count) }
        }
    }

    /// A newline and `2 * depth` spaces: the start of a pretty-printed line.
    @inlinable @inline(__always) public func newline(_ depth: Int) {
        let n = 1 &+ 2 &* max(0, depth)
        reserve(n)
        base[used] = 0x0A
        (base + (used &+ 1)).initialize(repeating: 0x20, count: n &- 1)
        used &+= n
    }

    /// The decimal digits of `value` (with a `-` when negative), as `String(value)` writes them.
    public func appendDecimal(_ value: Int) {
        if value >= 0 && value < 10 {
            append(UInt8(ascii: "0") &+ UInt8(value))
            return
        }
        var magnitude = value.magnitude
        var digits = 0
        var probe = magnitude
        repeat {
            digits += 1
            probe /= 10
        } while probe > 0
        let n = digits + (value < 0 ? 1 : 0)
        reserve(n)
        if value < 0 { base[used] = UInt8(ascii: "-") }
        var at = used + n
        repeat {
            at -= 1
            base[at] = UInt8(ascii: "0") &+ UInt8(magnitude % 10)
            magnitude /= 10
        } while magnitude > 0
        used &+= n
    }
}

extension JSONBuffer {
    /// A JSON string: RFC 8259 escaping. Runs of bytes that need nothing are copied whole; `"`,
    /// `\\` and control characters are escaped, and so are the characters TerminalText escapes
    /// (C1, bidi overrides, line separators) as \u escapes: the same JSON value, but a terminal
    /// showing the document cannot be steered by it.
    public func appendString(_ s: String) {
        var s = s
        s.withUTF8 { appendString(utf8: $0) }
    }

    /// `appendString` over valid UTF-8 (a String's bytes).
    func appendString(utf8 b: UnsafeBufferPointer<UInt8>) {
        append(UInt8(ascii: "\""))
        guard let start = b.baseAddress else {
            append(UInt8(ascii: "\""))
            return
        }
        let n = b.count
        var run = 0  // start of the bytes not yet copied
        var i = 0
        while i < n {
            // Eight plain bytes at a time (the usual case): skipped without a look at each.
            if i &+ 8 <= n, !JSONValue.needsAttention(UnsafeRawPointer(start + i).loadUnaligned(as: UInt64.self)) {
                i &+= 8
                continue
            }
            let c = start[i]
            if c >= 0x20 && c < 0x7F && c != UInt8(ascii: "\"") && c != UInt8(ascii: "\\") {
                i &+= 1
                continue
            }
            if c >= 0x80 {
                // A multi-byte scalar (the String is valid UTF-8): escape only the unsafe ones.
                let length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2
                var value = UInt32(c) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
                for k in 1..<length where i + k < n { value = value << 6 | UInt32(start[i + k] & 0x3F) }
                if let scalar = Unicode.Scalar(value), TerminalText.isUnsafe(scalar) {
                    if i > run { append(start + run, count: i - run) }
                    escapeU(value)
                    run = i + length
                }
                i += length
                continue
            }
            if i > run { append(start + run, count: i - run) }
            switch c {
            case UInt8(ascii: "\""): append(UInt8(ascii: "\\"), UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): append(UInt8(ascii: "\\"), UInt8(ascii: "\\"))
            case 0x0A: append(UInt8(ascii: "\\"), UInt8(ascii: "n"))
            case 0x0D: append(UInt8(ascii: "\\"), UInt8(ascii: "r"))
            case 0x09: append(UInt8(ascii: "\\"), UInt8(ascii: "t"))
            default: escapeU(UInt32(c))
            }
            i &+= 1
            run = i
        }
        if n > run { append(start + run, count: n - run) }
        append(UInt8(ascii: "\""))
    }

    /// `\u` and four lower-case hex digits (every escaped character is below U+10000).
    func escapeU(_ value: UInt32) {
        let hex: StaticString = "0123456789abcdef"
        append(UInt8(ascii: "\\"), UInt8(ascii: "u"))
        for shift in stride(from: 12, through: 0, by: -4) {
            append(hex.utf8Start[Int((value >> UInt32(shift)) & 0xF)])
        }
    }

    /// A string field's value: the string, or null.
    @inlinable @inline(__always) public func appendValue(_ value: String?) {
        if let value { appendString(value) } else { append("null") }
    }

    /// A time as a JSON string, `UTCCalendar.iso8601` written in place (no String).
    public func appendISO8601(_ utcSeconds: Int64) {
        reserve(UTCCalendar.iso8601Length &+ 2)
        base[used] = UInt8(ascii: "\"")
        guard UTCCalendar.writeISO8601(utcSeconds, to: base + (used &+ 1)) else {
            appendString(UTCCalendar.iso8601(utcSeconds))
            return
        }
        base[used &+ 1 &+ UTCCalendar.iso8601Length] = UInt8(ascii: "\"")
        used &+= UTCCalendar.iso8601Length &+ 2
    }

    /// A time field's value: the time as `appendISO8601` writes it, or null.
    @inlinable public func appendValue(iso8601 utcSeconds: Int64?) {
        if let utcSeconds { appendISO8601(utcSeconds) } else { append("null") }
    }

    /// An integer field's value: its digits, or null.
    @inlinable @inline(__always) public func appendValue(_ value: Int?) {
        if let value { appendDecimal(value) } else { append("null") }
    }
}
