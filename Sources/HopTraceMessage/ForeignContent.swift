/// What an input that is not a mail message looks like, told by its first bytes (the magic
/// numbers of common file formats), so that an error can say what the file is instead of only
/// what it is not. Outlook `.msg` files (OLE compound files) are read as mail and are not here.
public enum ForeignContent: Sendable, Hashable, CustomStringConvertible {
    case pdf
    case zip
    case gzip
    case png
    case jpeg
    case gif
    /// No known format, but bytes that text does not hold (NUL, most control characters).
    case binary

    /// How the kind is named in a sentence: "a PDF document".
    public var description: String {
        switch self {
        case .pdf: "a PDF document"
        case .zip: "a ZIP archive"
        case .gzip: "a gzip-compressed file"
        case .png: "a PNG image"
        case .jpeg: "a JPEG image"
        case .gif: "a GIF image"
        case .binary: "binary data"
        }
    }

    private static let signatures: [(ForeignContent, [UInt8])] = [
        (.pdf, Array("%PDF-".utf8)),
        (.zip, [0x50, 0x4B, 0x03, 0x04]),
        (.zip, [0x50, 0x4B, 0x05, 0x06]),
        (.gzip, [0x1F, 0x8B]),
        (.png, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
        (.jpeg, [0xFF, 0xD8, 0xFF]),
        (.gif, Array("GIF8".utf8)),
    ]

    /// How many leading bytes the text-or-binary test looks at.
    static let sniffLength = 512

    /// The kind of `bytes` when it is a known non-mail format or binary data; nil for text.
    public static func of(_ bytes: [UInt8]) -> ForeignContent? {
        for (kind, magic) in signatures
        where bytes.count >= magic.count && bytes[0..<magic.count].elementsEqual(magic) {
            return kind
        }
        let head = bytes.prefix(sniffLength)
        // Text holds no NUL and few control characters besides tab, line feed, carriage return
        // and form feed; UTF-8 bytes (0x80 and up) are text.
        var control = 0
        for byte in head {
            if byte == 0 { return .binary }
            if byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D && byte != 0x0C { control += 1 }
        }
        return control * 10 > head.count ? .binary : nil
    }
}
