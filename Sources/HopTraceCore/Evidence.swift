/// Where a parsed value came from: which header field of which header block, and the byte
/// range of its raw text in the input. Forensics quotes evidence.
public struct SourceLocation: Sendable, Hashable {
    /// 0-based position of the header field in its header block (top = 0).
    public var headerIndex: Int
    /// Byte offsets of the whole field (name, colon, value, folding) in the input buffer.
    public var byteRange: Range<Int>

    public init(headerIndex: Int, byteRange: Range<Int>) {
        self.headerIndex = headerIndex
        self.byteRange = byteRange
    }
}
