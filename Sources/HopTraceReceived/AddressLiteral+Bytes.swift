import HopTraceCore

/// `AddressLiteral.parse` on a word's bytes: the answers that need no text work (too long,
/// empty, no address characters, a plain `[a.b.c.d]` or `a.b.c.d`) come from the bytes; every
/// other word goes to the text routine.
extension AddressLiteral {
    /// `parse` for a String: the byte answer when there is one, else the text routine.
    static func parse(_ written: String) -> AddressLiteral? {
        if let decided = written.withUTF8Bytes({ decide($0) }) { return decided }
        return parse(Substring(written))
    }

    /// `parse` for a word whose UTF-8 bytes are `b` and whose text is `text()` (made only when
    /// the bytes do not decide).
    static func parse(bytes b: UnsafeBufferPointer<UInt8>, text: () -> String) -> AddressLiteral? {
        if let decided = decide(b) { return decided }
        return parse(Substring(text()))
    }

    /// What `parse` answers for the text whose bytes are `b`, when the bytes alone tell:
    /// `.some(nil)` for no address, `.some(a)` for a plain IPv4 literal (`a.b.c.d`, `[a.b.c.d]`
    /// or Exim's `[a.b.c.d]:port`), nil to ask the text routine.
    static func decide(_ b: UnsafeBufferPointer<UInt8>) -> AddressLiteral?? {
        if b.count > 80 || b.isEmpty || !mayBeAddress(b) { return .some(nil) }
        var lo = 0
        var hi = b.count
        var port: Int?
        if b[0] == UInt8(ascii: "[") {
            // The last `]`, then nothing or `:` and 1 to 5 decimal digits (a port up to 65535;
            // any other tail is the text routine's to judge).
            guard let close = b.lastIndex(of: UInt8(ascii: "]")) else { return nil }
            if close + 1 < b.count {
                guard b[close + 1] == UInt8(ascii: ":"),
                    let p = MailDateParser.number(bytes: b[(close + 2)...], maxDigits: 5), p <= 65535
                else { return nil }
                port = p
            }
            lo = 1
            hi = close
        }
        if let v4 = IPAddress.dottedQuad(UnsafeBufferPointer(rebasing: b[lo..<hi])) {
            return .some(
                AddressLiteral(ip: .v4(v4), text: String(decoding: b[lo..<hi], as: UTF8.self), zone: nil, port: port))
        }
        return ipv6(b, lo, hi, port: port)
    }

    /// An IPv6 literal with neither zone, dot nor parenthesis (`2a01:…::204`,
    /// `[IPv6:2a01:…::204]`): read by `IPAddress(utf8:)`, which answers as the text routine's
    /// `IPAddress(_:)` does; with none of those characters, none of the text routine's other
    /// readings (ports after a dotted quad, Exim 3's fifth part, zones) can apply. Anything else:
    /// nil, for the text routine.
    static func ipv6(_ b: UnsafeBufferPointer<UInt8>, _ lo: Int, _ hi: Int, port: Int?) -> AddressLiteral?? {
        var lo = lo
        if lo == 1, hi - lo > 5, ASCIIFold.lower(b[1]) == UInt8(ascii: "i"), ASCIIFold.lower(b[2]) == UInt8(ascii: "p"),
            ASCIIFold.lower(b[3]) == UInt8(ascii: "v"), b[4] == UInt8(ascii: "6"), b[5] == UInt8(ascii: ":")
        {
            lo += 5
        }
        guard lo < hi else { return nil }
        for i in lo..<hi {
            let c = b[i]
            if c == UInt8(ascii: ".") || c == UInt8(ascii: "%") || c == UInt8(ascii: "(") || c == UInt8(ascii: ")")
                || c == UInt8(ascii: "[") || c == UInt8(ascii: "]")
            {
                return nil
            }
        }
        let inner = UnsafeBufferPointer(rebasing: b[lo..<hi])
        guard let ip = IPAddress(utf8: inner) else { return .some(nil) }
        return .some(AddressLiteral(ip: ip, text: String(decoding: inner, as: UTF8.self), zone: nil, port: port))
    }
}
