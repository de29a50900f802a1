/// RFC 2045 §6 Content-Transfer-Encoding decoders, for the parts whose content we read: an
/// embedded message or header block (Exchange NDRs and some forwarders base64 the attached
/// original, although RFC 2046 §5.2.1 forbids it) and bounce text bodies.
public enum TransferEncoding {
    /// Decodes `content` with the named transfer encoding; nil when the encoding is an identity
    /// one (7bit, 8bit, binary) or unknown, meaning "use the bytes as they are".
    public static func decode(_ content: ArraySlice<UInt8>, encoding: String) -> [UInt8]? {
        switch encoding.lowercased() {
        case "base64": return decodeBase64(content)
        case "quoted-printable": return decodeQuotedPrintable(content)
        default: return nil
        }
    }

    private static let base64Table: [Int8] = {
        var t = [Int8](repeating: -1, count: 256)
        for (i, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            t[Int(c)] = Int8(i)
        }
        // base64url letters, which some webmail exporters write.
        t[Int(UInt8(ascii: "-"))] = 62
        t[Int(UInt8(ascii: "_"))] = 63
        return t
    }()

    /// Base64, lenient: characters outside the alphabet (line breaks, stray spaces) are skipped;
    /// "=" ends a quantum, so concatenated padded blocks (written by some MUAs that encode line by
    /// line) decode correctly; missing padding is tolerated.
    public static func decodeBase64(_ content: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(content.count * 3 / 4)
        var acc: UInt32 = 0
        var bits = 0
        base64Table.withUnsafeBufferPointer { table in
            for c in content {
                if c == UInt8(ascii: "=") {
                    acc = 0
                    bits = 0
                    continue
                }
                let v = table[Int(c)]
                if v < 0 { continue }
                acc = (acc << 6) | UInt32(v)
                bits += 6
                if bits >= 8 {
                    bits -= 8
                    out.append(UInt8(truncatingIfNeeded: acc >> UInt32(bits)))
                    acc &= (1 << UInt32(bits)) - 1
                }
            }
        }
        return out
    }

    /// Quoted-printable: "=XX" is a byte, "=" at the end of a line is a soft line break (CRLF or
    /// bare LF); anything malformed is kept literally (RFC 2045 §6.7 note 1).
    public static func decodeQuotedPrintable(_ content: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(content.count)
        var i = content.startIndex
        let end = content.endIndex
        while i < end {
            let c = content[i]
            guard c == UInt8(ascii: "=") else {
                out.append(c)
                i += 1
                continue
            }
            // Soft line break, allowing trailing whitespace before it (Outlook writes "= \r\n").
            var j = i + 1
            while j < end, content[j] == 0x20 || content[j] == 0x09 { j += 1 }
            if j < end, content[j] == 0x0A {
                i = j + 1
                continue
            }
            if j + 1 < end, content[j] == 0x0D, content[j + 1] == 0x0A {
                i = j + 2
                continue
            }
            if j == end {
                i = end
                continue
            }
            if i + 2 < end, let hi = hexValue(content[i + 1]), let lo = hexValue(content[i + 2]) {
                out.append(hi << 4 | lo)
                i += 3
                continue
            }
            out.append(c)
            i += 1
        }
        return out
    }

    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x41...0x46: c - 0x41 + 10
        case 0x61...0x66: c - 0x61 + 10
        default: nil
        }
    }
}
