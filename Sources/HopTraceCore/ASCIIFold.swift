/// Byte helpers for ASCII keywords and field names, for code that compares and trims on UTF-8
/// bytes instead of Characters.
public enum ASCIIFold {
    /// `A`–`Z` to `a`–`z`; every other byte as it is.
    @inline(__always) public static func lower(_ c: UInt8) -> UInt8 { (c >= 0x41 && c <= 0x5A) ? c + 0x20 : c }
    /// The ASCII characters `Character.isWhitespace` accepts: TAB, LF, VT, FF, CR, space.
    @inline(__always) public static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || (c >= 0x09 && c <= 0x0D) }
}
