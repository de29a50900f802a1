import HopTraceCore

/// One MIME entity: a whole message (the outer one or an encapsulated one) or a body part.
///
/// Paths follow IMAP (RFC 3501 §6.4.5 "section"): the outer message is "", its parts "1", "2";
/// parts of a multipart part "2" are "2.1", "2.2". A part holding an encapsulated message
/// (message/rfc822, message/global, an attached .eml) has that message as its single child,
/// with the same path, so the message's own parts are again "2.1", "2.2". A whole message
/// whose own type is message/rfc822 holds the inner message at its section 1 ("2.1").
public struct MIMEPart: Sendable {
    public var path: String
    /// Whether this entity is a whole message (outer, or encapsulated in its parent).
    public var isMessage: Bool
    public var headers: HeaderBlock
    /// The declared type, or the RFC 2045/2046 default when none (or a broken one) is declared.
    public var contentType: MIMEContentType
    /// Whether `contentType` was read from a Content-Type field (false: the default).
    public var hasContentType: Bool
    /// Lower-cased Content-Transfer-Encoding ("7bit" when absent).
    public var transferEncoding: String
    /// File name from Content-Disposition `filename`, else Content-Type `name`.
    public var filename: String?
    /// Offsets in `buffer` of the header block (including its mbox From line, if any).
    public var headerRange: Range<Int>
    /// Offsets in `buffer` of the body (still transfer-encoded).
    public var bodyRange: Range<Int>
    public var children: [MIMEPart]
    /// The bytes the ranges and the header locations refer to: the input, or the decoded body of
    /// a base64/quoted-printable encapsulating part. Shared, not copied (copy-on-write).
    public var buffer: [UInt8]
    /// Nesting depth (outer message = 0).
    public var depth: Int

    /// The body as written (transfer-encoded).
    public var rawBody: ArraySlice<UInt8> { buffer[bodyRange] }

    /// The body with its Content-Transfer-Encoding undone.
    public var decodedBody: [UInt8] {
        TransferEncoding.decode(rawBody, encoding: transferEncoding) ?? Array(rawBody)
    }

    /// Whether this part holds an encapsulated message as its child.
    public var encapsulatesMessage: Bool { children.count == 1 && children[0].isMessage }
}

extension MIMEPart: Hashable {
    // The buffer is compared (Array equality is cheap when both share storage) but not hashed:
    // hashing would walk the whole input for every part.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(path)
        hasher.combine(isMessage)
        hasher.combine(headers)
        hasher.combine(headerRange)
        hasher.combine(bodyRange)
        hasher.combine(children)
    }
}

/// The MIME tree of a message (RFC 2045, 2046), read with explicit bounds: depth at most
/// `Limits.maxMIMEDepth`, at most `Limits.maxMIMEParts` entities; the recursion depth is
/// therefore bounded too, so 10,000-deep nesting costs 32 levels.
public enum MIMEParser {
    /// Parses a whole message whose header starts at `start`.
    public static func parse(_ bytes: [UInt8], start: Int = 0) -> (root: MIMEPart, findings: [Finding]) {
        var builder = MIMETreeBuilder()
        let root = builder.entity(
            bytes, range: start..<bytes.count, path: "", depth: 0,
            isMessage: true, defaultType: .textPlain)
        return (root, builder.findings)
    }
}

struct MIMETreeBuilder {
    var entities = 0
    var findings: [Finding] = []
    private var depthReported = false
    private var partsReported = false

    /// Reads one entity (header block + body) from `buffer[range]`.
    mutating func entity(
        _ buffer: [UInt8], range: Range<Int>, path: String, depth: Int,
        isMessage: Bool, defaultType: MIMEContentType
    ) -> MIMEPart {
        entities += 1
        // Only a whole message can begin with an mbox From line.
        let head = HeaderParser.parseBlock(
            buffer, in: range, mboxFromLine: isMessage && depth == 0,
            bodyAtLeadingNonField: !isMessage)
        findings += head.findings
        let headers = head.block
        let declared = headers.first("Content-Type").flatMap { MIMEContentType.parse($0.value) }
        let contentType = declared ?? defaultType
        let cte =
            headers.first("Content-Transfer-Encoding")
            .map { MIMEHeaderValue.token($0.value) } ?? "7bit"
        var filename = headers.first("Content-Disposition")
            .flatMap { MIMEHeaderValue.parse($0.value).parameters["filename"] }
        if filename?.isEmpty ?? true { filename = contentType.parameters["name"] }

        var part = MIMEPart(
            path: path, isMessage: isMessage, headers: headers, contentType: contentType,
            hasContentType: declared != nil, transferEncoding: cte.isEmpty ? "7bit" : cte,
            filename: filename, headerRange: range.lowerBound..<max(range.lowerBound, head.bodyStart),
            bodyRange: min(head.bodyStart, range.upperBound)..<range.upperBound,
            children: [], buffer: buffer, depth: depth)

        let isMultipart = contentType.type == "multipart"
        let encapsulates = !isMultipart && Self.holdsMessage(contentType, filename: filename)
        guard isMultipart || encapsulates else { return part }
        guard depth < Limits.maxMIMEDepth else {
            if !depthReported {
                depthReported = true
                findings.append(
                    Finding.limitReached(
                        "MIME nesting deeper than \(Limits.maxMIMEDepth) levels at part \(path.isEmpty ? "(message)" : path); deeper parts were not read"
                    ))
            }
            return part
        }

        if isMultipart {
            guard let boundary = contentType.parameters["boundary"], !boundary.isEmpty else { return part }
            let childDefault: MIMEContentType = contentType.subtype == "digest" ? .messageRFC822 : .textPlain
            let ranges = Self.splitMultipart(buffer, body: part.bodyRange, boundary: Array(boundary.utf8))
            for (n, r) in ranges.enumerated() {
                guard entities < Limits.maxMIMEParts else {
                    if !partsReported {
                        partsReported = true
                        findings.append(
                            Finding.limitReached("more than \(Limits.maxMIMEParts) MIME parts; the rest were not read"))
                    }
                    break
                }
                let childPath = path.isEmpty ? "\(n + 1)" : "\(path).\(n + 1)"
                part.children.append(
                    entity(
                        buffer, range: r, path: childPath, depth: depth + 1,
                        isMessage: false, defaultType: childDefault))
            }
        } else {
            guard entities < Limits.maxMIMEParts else { return part }
            // RFC 2046 §5.2.1 allows only 7bit/8bit/binary here, but Exchange NDRs and some
            // forwarders base64 the attached original: decode and read the decoded bytes.
            // IMAP numbers the body of a non-multipart message as its section 1: a message part
            // "2" holds its message at "2", but a message that is itself message/rfc822 (AOL
            // forwards nest them) holds the inner one at "2.1".
            let messagePath = isMessage ? (path.isEmpty ? "1" : "\(path).1") : path
            if let decoded = TransferEncoding.decode(part.rawBody, encoding: part.transferEncoding) {
                part.children.append(
                    entity(
                        decoded, range: 0..<decoded.count, path: messagePath,
                        depth: depth + 1, isMessage: true, defaultType: .textPlain))
            } else {
                part.children.append(
                    entity(
                        buffer, range: part.bodyRange, path: messagePath,
                        depth: depth + 1, isMessage: true, defaultType: .textPlain))
            }
        }
        return part
    }

    /// Whether a part's content is a whole message: message/rfc822 and message/global (RFC 6532),
    /// or an attachment named *.eml whatever its declared type (Exchange and Outlook attach the
    /// original as application/octet-stream "original.eml").
    static func holdsMessage(_ type: MIMEContentType, filename: String?) -> Bool {
        if type.is("message", "rfc822") || type.is("message", "global") { return true }
        if type.type == "message" || type.type == "text" && type.subtype != "plain" { return false }
        guard let name = filename?.lowercased() else { return false }
        return name.hasSuffix(".eml")
    }

    /// RFC 2046 §5.1.1: the body parts between delimiter lines `--boundary`, up to the close
    /// delimiter `--boundary--`. The line break before a delimiter belongs to the delimiter. The
    /// preamble and epilogue are dropped; a boundary that never closes lets the last part run to
    /// the end of the body (truncated messages, and bounces that cut the original short).
    static func splitMultipart(_ buffer: [UInt8], body: Range<Int>, boundary: [UInt8]) -> [Range<Int>] {
        buffer.withUnsafeBufferPointer { buf in
            let end = body.upperBound
            let needle = [Bytes.lf, UInt8(ascii: "-"), UInt8(ascii: "-")] + boundary
            var parts: [Range<Int>] = []
            var partStart: Int? = nil
            // Delimiter line starts: at the body start, or after an LF.
            var search = body.lowerBound
            var candidate: Int?
            let open = [UInt8(ascii: "-"), UInt8(ascii: "-")] + boundary
            if Bytes.hasPrefix(buf, at: body.lowerBound, end: end, open) {
                candidate = body.lowerBound
            } else {
                candidate = Bytes.find(needle, in: buf, from: search, to: end).map { $0 + 1 }
            }
            while let lineStart = candidate {
                let after = lineStart + open.count
                var isClose = false
                var ok = false
                if after + 1 < end, buf[after] == UInt8(ascii: "-"), buf[after + 1] == UInt8(ascii: "-") {
                    isClose = true
                    ok = true
                } else {
                    // Only whitespace may follow the boundary (RFC 2046 transport-padding); this
                    // keeps boundary "abc" from matching a nested "--abc-1".
                    var k = after
                    while k < end, Bytes.isWSP(buf[k]) { k += 1 }
                    ok = k == end || buf[k] == Bytes.cr || buf[k] == Bytes.lf
                }
                let lineNext = Bytes.nextLine(buf, from: lineStart, to: end)
                if ok {
                    if let s = partStart {
                        // Drop the line break before the delimiter.
                        var e = lineStart
                        if e > s, buf[e - 1] == Bytes.lf { e -= 1 }
                        if e > s, buf[e - 1] == Bytes.cr { e -= 1 }
                        parts.append(s..<max(s, e))
                    }
                    if isClose { return parts }
                    partStart = lineNext
                }
                search = lineNext
                candidate =
                    search > 0 && search <= end
                    ? Bytes.find(needle, in: buf, from: search - 1, to: end).map { $0 + 1 }
                    : nil
                if let c = candidate, c <= lineStart { candidate = nil }
            }
            if let s = partStart, s <= end { parts.append(s..<end) }
            return parts
        }
    }
}
