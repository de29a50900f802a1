import HopTraceCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte-level helpers shared by the header, MIME and mailbox readers. Everything here works on
/// `UnsafeBufferPointer<UInt8>` so that the scanners can use `memchr`/`memmem` (a 10,000-message
/// mailbox is scanned many times; per-byte Swift loops in debug builds are too slow for that).
enum Bytes {
    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A
    static let sp: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let colon: UInt8 = 0x3A

    @inline(__always)
    static func isWSP(_ b: UInt8) -> Bool { b == sp || b == tab }

    @inline(__always)

    /// Offset of the first `byte` in `buf[from..<to]`.
    static func find(_ byte: UInt8, in buf: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int? {
        guard from < to, let base = buf.baseAddress else { return nil }
        guard let hit = memchr(base + from, Int32(byte), to - from) else { return nil }
        return UnsafeRawPointer(base).distance(to: UnsafeRawPointer(hit))
    }

    /// Offset of the first occurrence of `needle` in `buf[from..<to]`: `memchr` for its first
    /// byte, then a compare (glibc's `memmem` is a GNU extension Swift's Glibc module hides).
    /// Needles here are short (a MIME boundary is at most 70 bytes), so the worst case stays
    /// linear in the input times that length.
    static func find(_ needle: [UInt8], in buf: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int? {
        guard !needle.isEmpty, from >= 0, to <= buf.count, to - from >= needle.count,
            let base = buf.baseAddress
        else { return nil }
        return needle.withUnsafeBufferPointer { n -> Int? in
            let first = n[0]
            let lastStart = to - n.count
            var i = from
            while i <= lastStart {
                guard let hit = memchr(base + i, Int32(first), lastStart - i + 1) else { return nil }
                let at = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(hit))
                if memcmp(base + at, n.baseAddress!, n.count) == 0 { return at }
                i = at + 1
            }
            return nil
        }
    }

    /// End of the line that starts at `from` (the offset of its LF, or `to`).
    @inline(__always)
    static func lineEnd(_ buf: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int {
        find(lf, in: buf, from: from, to: to) ?? to
    }

    /// Start of the next line after the line starting at `from`.
    @inline(__always)
    static func nextLine(_ buf: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int {
        let e = lineEnd(buf, from: from, to: to)
        return e < to ? e + 1 : to
    }

    /// `lineEnd` without a CR before the LF.
    @inline(__always)
    static func contentEnd(_ buf: UnsafeBufferPointer<UInt8>, lineStart: Int, lineEnd: Int) -> Int {
        lineEnd > lineStart && buf[lineEnd - 1] == cr ? lineEnd - 1 : lineEnd
    }

    /// Whether `buf[at...]` starts with `prefix` (ASCII, exact case).
    static func hasPrefix(_ buf: UnsafeBufferPointer<UInt8>, at: Int, end: Int, _ prefix: [UInt8]) -> Bool {
        guard end - at >= prefix.count else { return false }
        for (k, p) in prefix.enumerated() where buf[at + k] != p { return false }
        return true
    }

    /// Whether `buf[at...]` starts with `prefix` (ASCII, `prefix` given in lower case).
    static func hasPrefixIgnoringCase(_ buf: UnsafeBufferPointer<UInt8>, at: Int, end: Int, _ prefix: [UInt8]) -> Bool {
        guard end - at >= prefix.count else { return false }
        for (k, p) in prefix.enumerated() where ASCIIFold.lower(buf[at + k]) != p { return false }
        return true
    }

    /// Whether the range holds only SP, HTAB, CR and LF.
    static func isBlank(_ buf: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Bool {
        var i = from
        while i < to {
            let b = buf[i]
            if !(isWSP(b) || b == cr || b == lf) { return false }
            i += 1
        }
        return true
    }
}

/// Turning header bytes into `String` without losing any of them.
public enum TextDecoding {
    /// UTF-8 where the bytes are valid UTF-8; each byte of an invalid sequence becomes the
    /// Latin-1 character of the same number. Old mailers (and spam tools) write raw ISO-8859-1
    /// or Windows-1252 in headers; forensics must keep those bytes, not replace them with U+FFFD.
    public static func lenientUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var ascii = true
        for b in bytes where b >= 0x80 {
            ascii = false
            break
        }
        if ascii { return String(decoding: bytes, as: UTF8.self) }
        var scalars = String.UnicodeScalarView()
        var iterator = bytes.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        var position = 0
        loop: while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                scalars.append(Unicode.UTF8.decode(encoded))
                position += encoded.count
            case .error(let length):
                for k in position..<(position + length) { scalars.append(Unicode.Scalar(bytes[k])) }
                position += length
            case .emptyInput:
                break loop
            }
        }
        return String(scalars)
    }

    public static func lenientUTF8(_ bytes: ArraySlice<UInt8>) -> String {
        bytes.withUnsafeBufferPointer { lenientUTF8($0) }
    }

    public static func lenientUTF8(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBufferPointer { lenientUTF8($0) }
    }

    /// ISO-8859-1: every byte is the code point of the same number.
    public static func latin1<C: Sequence>(_ bytes: C) -> String where C.Element == UInt8 {
        var scalars = String.UnicodeScalarView()
        for b in bytes { scalars.append(Unicode.Scalar(b)) }
        return String(scalars)
    }

    /// Decodes with a MIME charset name when it is one we know (UTF-8, US-ASCII, ISO-8859-1 and
    /// their aliases); nil for any other charset.
    public static func decode(_ bytes: [UInt8], charset: String) -> String? {
        var name = charset.lowercased()
        // RFC 2231 §5 allows a language after the charset: "utf-8*en".
        if let star = name.firstIndex(of: "*") { name = String(name[..<star]) }
        switch name {
        case "utf-8", "utf8", "us-ascii", "ascii", "ansi_x3.4-1968":
            return lenientUTF8(bytes)
        case "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1", "iso-ir-100", "cp819":
            return latin1(bytes)
        default:
            return nil
        }
    }
}

/// Line breaks of files saved on classic Mac OS (CR alone) or edited on several systems (CR,
/// LF and CRLF mixed), read as lines.
enum LineBreaks {
    /// `bytes` with each run of CRs that no LF follows turned into as many LFs. CRLF stays, and
    /// so does a run of CRs before an LF ("\\r\\r\\n", written by a CRLF conversion applied twice).
    /// One byte for one, so offsets into the result are offsets into the input. The input
    /// itself (no copy) when it has no such CR.
    static func normalised(_ bytes: [UInt8]) -> [UInt8] {
        guard let first = firstBareCR(bytes) else { return bytes }
        var out = bytes
        out.withUnsafeMutableBufferPointer { buf in
            var i = first
            let end = buf.count
            while i < end {
                guard buf[i] == Bytes.cr else {
                    i += 1
                    continue
                }
                var j = i
                while j < end, buf[j] == Bytes.cr { j += 1 }
                if j == end || buf[j] != Bytes.lf {
                    for k in i..<j { buf[k] = Bytes.lf }
                }
                i = j
            }
        }
        return out
    }

    /// The offset of the first CR that starts a run of CRs with no LF after it.
    private static func firstBareCR(_ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBufferPointer { buf in
            var i = 0
            let end = buf.count
            while let cr = Bytes.find(Bytes.cr, in: buf, from: i, to: end) {
                var j = cr
                while j < end, buf[j] == Bytes.cr { j += 1 }
                if j == end || buf[j] != Bytes.lf { return cr }
                i = j
            }
            return nil
        }
    }
}
