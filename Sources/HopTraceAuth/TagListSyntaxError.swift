// Shared by the DKIM, ARC and DMARC parsers.

/// A syntax error in a tag=value list (RFC 6376 §3.2: DKIM-Signature, DKIM key records, ARC
/// headers, `z=` copies; RFC 7489 DMARC records): where, what, and a hint. Keeps "incomplete"
/// apart from "invalid".
public struct TagListSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// The text stops where more is required (`b=` with nothing after, a required tag absent).
        case incomplete
        /// The text is there but wrong.
        case invalid
    }
    public var kind: Kind
    /// Byte offset in the parsed text (the field's raw bytes for a header, the TXT text for a record).
    public var offset: Int
    /// The tag concerned ("" for the list as a whole).
    public var tag: String
    public var reason: String
    public var hint: String?

    public init(_ kind: Kind, offset: Int, tag: String, reason: String, hint: String? = nil) {
        self.kind = kind
        self.offset = offset
        self.tag = tag
        self.reason = reason
        self.hint = hint
    }

    public var description: String {
        var s = "\(reason) (\(kind.rawValue), at byte \(offset)\(tag.isEmpty ? "" : " in \(tag)="))"
        if let hint { s += "; \(hint)" }
        return s
    }
}
