import HopTraceCore

/// Limits of DNS names (RFC 1035 §2.3.4), shared by every resolver so that a name the live
/// resolver refuses is refused the same way by a snapshot, and a recording never has to write
/// a name its own parser would reject.
public enum DNSName {
    /// Longest label, in octets.
    public static let maxLabelOctets = DomainName.maxLabelOctets
    /// Longest name in wire form (length octets included, root label included).
    public static let maxWireOctets = 255

    /// Why `name` (presentation form, dots between labels, no escapes) cannot be asked,
    /// or nil when it can. The root is written ".".
    public static func problem(_ name: String) -> String? {
        if isAskable(name) { return nil }
        return name == "." ? nil : DomainName.problem(name)
    }

    /// Whether `DomainName.problem` finds nothing in `name`, read from its bytes in one pass
    /// (every name a snapshot is asked goes through here; the generic reading of
    /// `DomainName.problem` is left for the names with a problem, to say what it is).
    static func isAskable(_ name: String) -> Bool {
        let verdict = name.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            if bytes.isEmpty || bytes.count > DomainName.maxTextOctets { return false }
            var label = 0
            for byte in bytes {
                if byte == UInt8(ascii: ".") {
                    if label == 0 { return false }
                    label = 0
                } else {
                    label += 1
                    if label > maxLabelOctets { return false }
                }
            }
            return label > 0
        }
        return verdict ?? false
    }

    /// Presentation form of one name for a master file: absolute (trailing dot), with every
    /// byte that a master-file reader would take as syntax written as `\DDD` or `\X`.
    /// Names are attacker-controlled (they come from mail headers), so nothing is passed raw.
    public static func masterFileText(_ name: String) -> String {
        if name == "." { return "." }
        var out: [UInt8] = []
        out.reserveCapacity(name.utf8.count + 1)
        for byte in name.utf8 {
            switch byte {
            case UInt8(ascii: "."):
                out.append(byte)
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"),
                UInt8(ascii: "*"), UInt8(ascii: "/"), UInt8(ascii: "+"), UInt8(ascii: "="):
                out.append(byte)
            case 0x21...0x7e where byte != UInt8(ascii: "@") && byte != UInt8(ascii: "$"):
                out.append(UInt8(ascii: "\\"))
                out.append(byte)
            default:
                appendDecimalEscape(byte, to: &out)
            }
        }
        out.append(UInt8(ascii: "."))
        return String(decoding: out, as: UTF8.self)
    }

    static func appendDecimalEscape(_ byte: UInt8, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\\"))
        out.append(UInt8(ascii: "0") + byte / 100)
        out.append(UInt8(ascii: "0") + (byte / 10) % 10)
        out.append(UInt8(ascii: "0") + byte % 10)
    }

    /// Text of one label's octets. Labels are bytes; hoptrace names are Strings, so octets that
    /// are not UTF-8 are kept as their Latin-1 characters (readable, never dropped).
    static func labelText<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        if let s = String(validating: bytes, as: UTF8.self) { return s }
        return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    }
}

extension DNSRecord {
    /// The record's type.
    public var type: DNSRecordType {
        switch self {
        case .a: return .a
        case .aaaa: return .aaaa
        case .txt: return .txt
        case .mx: return .mx
        case .ptr: return .ptr
        case .cname: return .cname
        }
    }

    /// The record's data in master-file syntax (RFC 1035 §5.1), as `ZoneFile.text()` writes it.
    /// TXT bytes outside printable ASCII, `"` and `\` are escaped, so any byte string survives
    /// a round trip through a file.
    public var masterFileRData: String {
        switch self {
        case .a(let ip), .aaaa(let ip):
            return ip.description
        case .txt(let strings):
            // A TXT record with no strings cannot be written; one empty string reads the same
            // as text. A string over 255 octets (only from data built in memory; DNS cannot
            // carry one) is split, which keeps its joined text.
            if strings.isEmpty { return "\"\"" }
            return strings.flatMap { s in
                stride(from: 0, to: max(s.count, 1), by: 255).map { Array(s[$0..<min($0 + 255, s.count)]) }
            }.map(DNSRecord.quotedCharacterString).joined(separator: " ")
        case .mx(let preference, let exchange):
            return "\(preference) \(DNSName.masterFileText(exchange))"
        case .ptr(let name), .cname(let name):
            return DNSName.masterFileText(name)
        }
    }

    static func quotedCharacterString(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = [UInt8(ascii: "\"")]
        out.reserveCapacity(bytes.count + 2)
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                out.append(UInt8(ascii: "\\"))
                out.append(byte)
            case 0x20...0x7e:
                out.append(byte)
            default:
                DNSName.appendDecimalEscape(byte, to: &out)
            }
        }
        out.append(UInt8(ascii: "\""))
        return String(decoding: out, as: UTF8.self)
    }
}

extension DNSRecordType {
    /// The RR TYPE number (RFC 1035 §3.2.2, RFC 3596).
    public var code: Int32 {
        switch self {
        case .a: return 1
        case .cname: return 5
        case .ptr: return 12
        case .mx: return 15
        case .txt: return 16
        case .aaaa: return 28
        }
    }

    /// Master-file order of a name's records: the order `ZoneFile.text()` writes them in.
    var sortKey: Int {
        switch self {
        case .cname: return 0
        case .a: return 1
        case .aaaa: return 2
        case .mx: return 3
        case .ptr: return 4
        case .txt: return 5
        }
    }
}
