import HopTraceCore

/// One header field as it stood in the input.
public struct HeaderField: Sendable, Hashable {
    /// The field name as written (case kept; compare with `is(_:)`).
    public var name: String
    /// The value unfolded (CRLF/LF + WSP → the WSP), RFC 2047 encoded words left as written,
    /// leading whitespace after the colon removed. Bytes that are not UTF-8 are kept: each such
    /// byte becomes the Latin-1 character of the same number (so nothing is dropped).
    public var value: String
    /// The whole field's bytes (name, colon, folded value) exactly as in the input.
    public var raw: [UInt8]
    /// Where it stood.
    public var location: SourceLocation

    public init(name: String, value: String, raw: [UInt8], location: SourceLocation) {
        self.name = name
        self.value = value
        self.raw = raw
        self.location = location
    }

    /// Name comparison with ASCII case folded (RFC 5322 field names are ASCII; a non-ASCII
    /// look-alike such as the Kelvin sign in "DKIM" is not folded into a real name). Byte by
    /// byte: it runs for every field on every look-up.
    public func `is`(_ other: String) -> Bool {
        ASCIIFold.equal(name.utf8, other.utf8)
    }
}

/// A header block: the fields in order, top first.
public struct HeaderBlock: Sendable, Hashable {
    public var fields: [HeaderField]
    public init(fields: [HeaderField]) { self.fields = fields }

    /// Fields with this name, top first.
    public func fields(named name: String) -> [HeaderField] { fields.filter { $0.is(name) } }
    /// The first field with this name.
    public func first(_ name: String) -> HeaderField? { fields.first { $0.is(name) } }
}

/// Whether a chain is the outer message's or an embedded original's (the JSON contract's `source`).
public enum ChainSource: String, Sendable, Hashable {
    case message
    case embedded
}

/// A header block that yields one chain of hops.
public struct ChainInput: Sendable, Hashable {
    public var source: ChainSource
    /// MIME part path of an embedded chain ("2", "2.1"); "" for the outer message. A header
    /// block pasted in a text body is named by the part that holds it.
    public var part: String
    /// How the block was found: "message", "message/rfc822", "text/rfc822-headers",
    /// "message/global", "message/global-headers", "attached-eml" (an attachment named *.eml of
    /// another type, as Exchange sends), "pasted-in-body".
    public var container: String
    public var headers: HeaderBlock
    /// The bytes after the header block when the chain's message came whole (the outer message,
    /// message/rfc822, message/global, an attached .eml), for DKIM and ARC body hashes; nil for
    /// header-only forms (text/rfc822-headers, pasted headers).
    public var body: ArraySlice<UInt8>?

    public init(
        source: ChainSource, part: String, container: String, headers: HeaderBlock,
        body: ArraySlice<UInt8>? = nil
    ) {
        self.source = source
        self.part = part
        self.container = container
        self.headers = headers
        self.body = body
    }
}

/// What a message yields: its chains (outer first, embedded ones in MIME order) and anything
/// noteworthy about the intake itself (limits reached, parts that could not be read).
public struct IntakeResult: Sendable, Hashable {
    public var chains: [ChainInput]
    /// What kind of message the outer one is ("delivery-status report", "disposition
    /// notification", "Exchange NDR", …), when it is a report.
    public var reportKind: String?
    public var findings: [Finding]
    /// The outer message's MIME tree (its `buffer` is the input), for readers that need bodies
    /// (DKIM body hashes). Nil when the result was built by hand.
    public var mime: MIMEPart?

    public init(
        chains: [ChainInput], reportKind: String? = nil, findings: [Finding] = [],
        mime: MIMEPart? = nil
    ) {
        self.chains = chains
        self.reportKind = reportKind
        self.findings = findings
        self.mime = mime
    }
}

/// The input cannot be read as mail at all (exit 65). `position` is a byte offset when known.
public struct IntakeError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var position: Int?
    /// What the input looks like when it is a known non-mail format or binary data.
    public var content: ForeignContent?
    public init(_ message: String, position: Int? = nil, content: ForeignContent? = nil) {
        self.message = message
        self.position = position
        self.content = content
    }
    public var description: String {
        position.map { "\(message) (at byte \($0))" } ?? message
    }

    /// The message of an input with nothing in it (or blank lines alone).
    public static let empty = "empty input"
}
