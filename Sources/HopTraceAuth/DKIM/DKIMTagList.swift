import HopTraceCore

/// Bounds on DKIM and ARC input. Every loop over attacker-written signature text is bounded by
/// one of these or by the input's length; each one is exercised by `DKIMHostileInputTests`.
public enum DKIMLimits {
    /// Most tags read from one tag-list (signature, key record, ARC-Seal). RFC 6376 defines 14
    /// signature tags; a list with more than this is refused as `permerror` rather than walked.
    public static let maxTags = 256
    /// Largest decoded `b=` accepted (bytes): an RSA-16384 signature. Larger is a syntax error.
    public static let maxSignatureBytes = 2_048
    /// Largest decoded `p=` accepted (bytes): an RSA key well beyond 8192 bits in SPKI form.
    public static let maxPublicKeyBytes = 2_048
    /// Smallest RSA modulus accepted (RFC 8301 §3.2: verifiers MUST NOT consider keys under
    /// 1024 bits valid).
    public static let minimumRSAKeyBits = 1_024
    /// Largest RSA modulus verified (bigger keys are refused: verification cost is attacker-chosen).
    public static let maximumRSAKeyBits = 8_192
    /// Most DKIM-Signature fields verified per message (the rest are reported as not verified).
    public static let maxSignaturesPerMessage = 32
    /// Most names in one `h=` list.
    public static let maxSignedHeaders = 512
    /// Most ARC instances (RFC 8617 §4.2.1: i= ranges 1..50).
    public static let maxARCInstances = 50
    /// Default tolerance for a `t=` in the future relative to the injected clock (seconds).
    public static let defaultClockSkewSeconds: Int64 = 3_600
}

/// A syntax error in a DKIM-Signature, key record, ARC header or z= copy.
public typealias DKIMSyntaxError = TagListSyntaxError

/// One `tag=value` of a tag-list, with where it stood.
public struct DKIMTag: Sendable, Hashable {
    public var name: String
    /// The value with the FWS around it removed (inner FWS kept as written).
    public var value: String
    /// Byte range of the tag-spec's value in the parsed text (after "=", up to ";" or the end,
    /// surrounding whitespace included): what `b=` emptying deletes.
    public var valueRange: Range<Int>
    /// Byte offset of the tag name.
    public var offset: Int
}

/// RFC 6376 §3.2 tag-value lists of DKIM-Signature, the key record, ARC-Seal and
/// ARC-Message-Signature: `TagList` in its `.signature` dialect.
public enum DKIMTagList {
    static func isFWS(_ b: UInt8) -> Bool { TagList.isFWS(b) }
    static func isAlpha(_ b: UInt8) -> Bool { TagList.isAlpha(b) }
    static func isAlnumPunc(_ b: UInt8) -> Bool { TagList.isAlnumPunc(b) }

    /// Parses `text[start...]` as a tag-list. Offsets in the result and in errors index `text`.
    /// Duplicate tag names are an error (RFC 6376 §3.2: "Tags with duplicate names MUST NOT occur").
    /// Leniency: bytes above 0x7F are accepted inside values (z= copies of UTF-8 headers, RFC 6532
    /// mail); the signature check decides, not the parser.
    public static func tagList(_ text: [UInt8], from start: Int = 0) throws(DKIMSyntaxError) -> [DKIMTag] {
        var unused: [TagListSyntaxError] = []
        return try TagList.parse(text, from: start, dialect: .signature, maxTags: DKIMLimits.maxTags, warnings: &unused)
            .map { DKIMTag(name: $0.name, value: $0.value, valueRange: $0.valueRange, offset: $0.offset) }
    }

    /// Removes every FWS byte (for b=, bh=, p=: "whitespace is ignored in this value").
    static func stripFWS(_ s: String) -> String {
        String(
            String.UnicodeScalarView(s.unicodeScalars.filter { !($0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n") })
        )
    }
}

/// Lenient text for bytes that need not be UTF-8 (each invalid byte kept as its Latin-1 character).
enum DKIMText {
    static func lenientString(_ bytes: [UInt8]) -> String {
        if let s = String(validating: bytes, as: UTF8.self) { return s }
        return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    }
}

/// RFC 4648 base64 as DKIM writes it: whitespace (FWS) anywhere is ignored; padding required
/// to be correct when present; any other character is an error.
enum DKIMBase64 {
    static func decode(_ s: String) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count * 3 / 4)
        var acc: UInt32 = 0
        var bits = 0
        var pad = 0
        var count = 0
        for c in s.utf8 {
            if c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A { continue }
            if c == 0x3D {
                pad += 1
                count += 1
                continue
            }
            if pad > 0 { return nil }
            let v: UInt8
            switch c {
            case 0x41...0x5A: v = c - 0x41
            case 0x61...0x7A: v = c - 0x61 + 26
            case 0x30...0x39: v = c - 0x30 + 52
            case 0x2B: v = 62
            case 0x2F: v = 63
            default: return nil
            }
            count += 1
            acc = (acc << 6) | UInt32(v)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8((acc >> UInt32(bits)) & 0xFF))
            }
        }
        if pad > 2 { return nil }
        if count % 4 != 0 { return nil }
        return out
    }

    static func encode(_ bytes: [UInt8]) -> String {
        let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i + 2 < bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out += [table[Int(n >> 18 & 63)], table[Int(n >> 12 & 63)], table[Int(n >> 6 & 63)], table[Int(n & 63)]]
            i += 3
        }
        let rest = bytes.count - i
        if rest == 1 {
            let n = UInt32(bytes[i]) << 16
            out += [table[Int(n >> 18 & 63)], table[Int(n >> 12 & 63)], 0x3D, 0x3D]
        } else if rest == 2 {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out += [table[Int(n >> 18 & 63)], table[Int(n >> 12 & 63)], table[Int(n >> 6 & 63)], 0x3D]
        }
        return String(decoding: out, as: UTF8.self)
    }
}
