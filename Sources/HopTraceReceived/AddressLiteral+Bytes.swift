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
        guard let v4 = IPAddress.dottedQuad(UnsafeBufferPointer(rebasing: b[lo..<hi])) else { return nil }
        return .some(
            AddressLiteral(ip: .v4(v4), text: String(decoding: b[lo..<hi], as: UTF8.self), zone: nil, port: port))
    }
}
