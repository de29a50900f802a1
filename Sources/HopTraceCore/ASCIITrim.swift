/// Trimming of ASCII white space and control bytes: the one trim of protocol text (header
/// values, tag values, record text, tool output).
///
/// By bytes: only ASCII bytes are tested, so a non-ASCII character is never removed or split,
/// and a trimmed space before a combining mark goes (the mark stays). Trims of Unicode white
/// space by `Character` (`ReceivedLexer`'s `trimmedSpaces`, the fingerprinter's
/// `trimmingSpaces`) are another operation and stay where they are.
public enum ASCIITrim {
    /// White space or control: 0x00–0x20 (space, tab, CR, LF among them) and DEL.
    @inline(__always) public static func isSpaceOrControl(_ b: UInt8) -> Bool { b <= 0x20 || b == 0x7F }
    /// Space or tab (RFC 5234 WSP).
    @inline(__always) public static func isWSP(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }
    /// Space, tab, CR or LF (the bytes of RFC 5322 FWS).
    @inline(__always) public static func isFWS(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A }

    /// `bytes` without leading and trailing bytes for which `trim` is true.
    public static func trimmed<C: BidirectionalCollection<UInt8>>(
        _ bytes: C, where trim: (UInt8) -> Bool = isSpaceOrControl
    ) -> C.SubSequence {
        var a = bytes.startIndex
        var z = bytes.endIndex
        while a < z, trim(bytes[a]) { a = bytes.index(after: a) }
        while z > a, trim(bytes[bytes.index(before: z)]) { z = bytes.index(before: z) }
        return bytes[a..<z]
    }
}

extension StringProtocol {
    /// Without leading and trailing ASCII bytes for which `trim` is true (by default white
    /// space and control, `ASCIITrim.isSpaceOrControl`).
    public func trimmingASCII(where trim: (UInt8) -> Bool = ASCIITrim.isSpaceOrControl) -> Substring {
        let all = Substring(self)
        let r = ASCIITrim.trimmed(all.utf8, where: trim)
        return all[r.startIndex..<r.endIndex]
    }
}
