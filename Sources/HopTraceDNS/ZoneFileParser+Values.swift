import HopTraceCore

/// Tokens read as values: names (relative to $ORIGIN, with escapes), TTLs, classes, text.
extension ZoneFileParser {
    // MARK: Values

    /// The token as text for messages: at most 40 characters, control characters escaped.
    func show(_ t: Token) -> String {
        let slice = bytes[t.start..<min(t.end, t.start + 40)]
        var s = ""
        for b in slice {
            if b >= 0x20 && b < 0x7f { s.unicodeScalars.append(Unicode.Scalar(b)) } else { s += "\\\(b)" }
        }
        if t.end - t.start > 40 { s += "…" }
        return "\"\(s)\""
    }

    func isWord(_ t: Token, _ word: StaticString) -> Bool {
        guard !t.quoted, t.end - t.start == word.utf8CodeUnitCount else { return false }
        let w = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        for i in 0..<w.count where bytes[t.start + i] & 0xdf != w[i] & 0xdf { return false }
        return true
    }

    func upper(_ t: Token) -> String {
        String(decoding: bytes[t.start..<t.end].map { $0 >= 0x61 && $0 <= 0x7a ? $0 - 0x20 : $0 }, as: UTF8.self)
    }

    /// Decodes `\X` and `\DDD` (RFC 1035 §5.1).
    func unescaped(_ t: Token) throws(ZoneFileError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(t.end - t.start)
        var i = t.start
        while i < t.end {
            let b = bytes[i]
            guard b == Byte.backslash else {
                out.append(b)
                i += 1
                continue
            }
            let (value, next) = try escape(at: i, end: t.end, line: t.line)
            out.append(value)
            i = next
        }
        return out
    }

    /// The escape starting at the backslash at `i`: its byte and the index after it.
    func escape(at i: Int, end: Int, line: Int) throws(ZoneFileError) -> (UInt8, Int) {
        guard i + 1 < end else {
            throw ZoneFileError(
                .invalid, line: line, "backslash at the end of a string", hint: "escape a backslash as \\\\")
        }
        let d0 = bytes[i + 1]
        guard d0 >= 0x30 && d0 <= 0x39 else { return (d0, i + 2) }
        var value = 0
        for k in 1...3 {
            guard i + k < end, bytes[i + k] >= 0x30 && bytes[i + k] <= 0x39 else {
                throw ZoneFileError(
                    .invalid, line: line, "bad escape: \\DDD needs three decimal digits",
                    hint: "write \\065 for 'A', or \\\\ for a backslash")
            }
            value = value * 10 + Int(bytes[i + k] - 0x30)
        }
        guard value <= 255 else {
            throw ZoneFileError(
                .invalid, line: line, "bad escape: \\\(value) is more than 255", hint: "\\DDD is one octet, 000 to 255")
        }
        return (UInt8(value), i + 4)
    }

    /// An owner or target name: `@`, relative (the origin appended) or absolute (trailing dot),
    /// escapes decoded, ASCII lower-cased, with RFC 1035 length limits.
    func name(_ t: Token) throws(ZoneFileError) -> String {
        if t.quoted {
            throw ZoneFileError(.invalid, line: t.line, "a name cannot be quoted: \(show(t))")
        }
        if t.end - t.start == 1 {
            if bytes[t.start] == Byte.at { return origin }
            if bytes[t.start] == Byte.dot { return "." }
        }
        var out: [UInt8] = []
        out.reserveCapacity(t.end - t.start + originBytes.count + 1)
        var label = 0
        var wire = 0
        var absolute = false
        var ascii = true
        var i = t.start
        while i < t.end {
            var b = bytes[i]
            if b == Byte.dot {
                guard label > 0 else {
                    throw ZoneFileError(
                        .invalid, line: t.line, "empty label in the name \(show(t))",
                        hint: "two dots in a row, or a leading dot")
                }
                wire += label + 1
                label = 0
                i += 1
                if i == t.end { absolute = true } else { out.append(b) }
                continue
            }
            if b == Byte.backslash {
                // An escaped dot becomes a plain dot: hoptrace names are dotted strings.
                (b, i) = try escape(at: i, end: t.end, line: t.line)
            } else {
                i += 1
            }
            if b >= 0x41 && b <= 0x5a { b += 0x20 }
            if b >= 0x80 { ascii = false }
            out.append(b)
            label += 1
            if label > DNSName.maxLabelOctets {
                throw ZoneFileError(
                    .invalid, line: t.line, "label longer than \(DNSName.maxLabelOctets) octets in \(show(t))")
            }
        }
        if !absolute {
            wire += label + 1
            if origin != "." {
                out.append(Byte.dot)
                out.append(contentsOf: originBytes)
                wire += originWire - 1
            }
        }
        wire += 1
        if wire > DNSName.maxWireOctets {
            throw ZoneFileError(
                .invalid, line: t.line, "name longer than \(DNSName.maxWireOctets) octets: \(show(t))",
                hint: absolute ? nil : "relative names get the origin \(origin) appended")
        }
        if ascii { return String(decoding: out, as: UTF8.self) }
        return DNSName.labelText(out).lowercased()
    }

    /// A TTL: seconds, or BIND units (`1h30m`, `2d`). nil when the token is not one.
    func ttl(_ t: Token) throws(ZoneFileError) -> UInt32? {
        guard !t.quoted, bytes[t.start] >= 0x30 && bytes[t.start] <= 0x39 else { return nil }
        var total: UInt64 = 0
        var number: UInt64 = 0
        var digits = 0
        for i in t.start..<t.end {
            let b = bytes[i] | 0x20
            if b >= 0x30 && b <= 0x39 {
                number = number * 10 + UInt64(b - 0x30)
                digits += 1
                if number > UInt64(Int32.max) { digits = 99 }
                if digits > 10 { break }
                continue
            }
            let unit: UInt64
            switch b {
            case UInt8(ascii: "s"): unit = 1
            case UInt8(ascii: "m"): unit = 60
            case UInt8(ascii: "h"): unit = 3600
            case UInt8(ascii: "d"): unit = 86400
            case UInt8(ascii: "w"): unit = 604_800
            default:
                throw ZoneFileError(
                    .invalid, line: t.line, "not a TTL: \(show(t))", hint: "seconds, or units like 1h30m")
            }
            guard digits > 0 else {
                throw ZoneFileError(
                    .invalid, line: t.line, "not a TTL: \(show(t))", hint: "seconds, or units like 1h30m")
            }
            total += number * unit
            number = 0
            digits = 0
        }
        total += number
        guard digits <= 10, total <= UInt64(Int32.max) else {
            throw ZoneFileError(
                .invalid, line: t.line, "TTL out of range: \(show(t))", hint: "at most 2147483647 (RFC 2181 §8)")
        }
        return UInt32(total)
    }

    func isClass(_ t: Token) -> Bool {
        if isWord(t, "IN") || isWord(t, "CH") || isWord(t, "HS") || isWord(t, "CS") { return true }
        guard !t.quoted, t.end - t.start > 5, isWordPrefix(t, "CLASS") else { return false }
        return bytes[(t.start + 5)..<t.end].allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    func isWordPrefix(_ t: Token, _ word: StaticString) -> Bool {
        let w = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        guard t.end - t.start >= w.count else { return false }
        for i in 0..<w.count where bytes[t.start + i] & 0xdf != w[i] & 0xdf { return false }
        return true
    }

    func text(_ t: Token) -> String { String(decoding: bytes[t.start..<t.end], as: UTF8.self) }
}
