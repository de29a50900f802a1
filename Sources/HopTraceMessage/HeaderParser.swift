import HopTraceCore

/// A header block read from a buffer, with where its body starts.
public struct HeaderParseResult: Sendable, Hashable {
    public var block: HeaderBlock
    /// Offset of the first body byte: after the empty line that ends the block, or the end of the
    /// range when the block has no empty line after it.
    public var bodyStart: Int
    /// Whether an empty line (CRLF CRLF or LF LF) ended the block.
    public var hasSeparator: Bool
    /// Lines inside the block that were neither a field nor a continuation (skipped).
    public var skippedLines: Int
    /// Limits reached while reading the block.
    public var findings: [Finding]
}

/// RFC 5322 §2.2 header fields, read leniently and with every byte kept.
///
///     fields        = *(field-name ":" unstructured CRLF)
///     field-name    = 1*ftext
///     ftext         = %d33-57 / %d59-126    ; printable US-ASCII except ":"
///     obs-optional  = field-name *WSP ":" unstructured CRLF   ; RFC 5322 §4.5.6
///     FWS           = ([*WSP CRLF] 1*WSP)                     ; folding
public enum HeaderParser {
    private static let fromLine: [UInt8] = Array("From ".utf8)
    private static let quotedFromLine: [UInt8] = Array(">From ".utf8)
    private static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// Reads the header block at the top of a whole message. Throws when the input is empty or
    /// does not start with a header field or an mbox `From ` line.
    public static func parse(_ bytes: [UInt8]) throws(IntakeError) -> HeaderParseResult {
        let start = try messageStart(bytes)
        return parseBlock(bytes, in: start..<bytes.count)
    }

    /// Where the header of a whole message starts (after a UTF-8 byte order mark), after checking
    /// that the input looks like mail at all.
    static func messageStart(_ bytes: [UInt8]) throws(IntakeError) -> Int {
        if bytes.isEmpty { throw IntakeError(IntakeError.empty, position: 0) }
        let first = bytes.withUnsafeBufferPointer { buf -> Int in
            // Windows Notepad and some export tools save .eml files with a UTF-8 BOM.
            let start = Bytes.hasPrefix(buf, at: 0, end: buf.count, bom) ? 3 : 0
            return afterBlankLines(buf, from: start)
        }
        if first == bytes.count { throw IntakeError(IntakeError.empty, position: 0) }
        let looksLikeMail = bytes.withUnsafeBufferPointer { startsLikeMail($0, at: first, end: $0.count) }
        guard looksLikeMail else {
            if let content = ForeignContent.of(bytes) {
                throw IntakeError("input looks like \(content), not a mail message", position: 0, content: content)
            }
            throw IntakeError("input does not start with a mail header", position: 0)
        }
        return first
    }

    /// Where `buf[from...]` starts after its blank lines (empty, or spaces and tabs alone): a
    /// message pasted into a file often starts with one or more.
    static func afterBlankLines(_ buf: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
        var start = from
        var i = from
        while i < buf.count {
            let byte = buf[i]
            if byte == UInt8(ascii: "\n") {
                start = i + 1
            } else if byte != UInt8(ascii: " ") && byte != UInt8(ascii: "\t") && byte != UInt8(ascii: "\r") {
                break
            }
            i += 1
        }
        return i == buf.count ? buf.count : start
    }

    /// Whether `buf[at...]` starts with a header field line or an mbox `From ` line.
    static func startsLikeMail(_ buf: UnsafeBufferPointer<UInt8>, at: Int, end: Int) -> Bool {
        if Bytes.hasPrefix(buf, at: at, end: end, fromLine) || Bytes.hasPrefix(buf, at: at, end: end, quotedFromLine) {
            return true
        }
        return fieldColon(buf, at: at, end: end) != nil
    }

    /// Reads one header block from `bytes[range]`: the outer message's, an embedded message's,
    /// a MIME part's, or a block pasted into a bounce. Never throws; limits become findings.
    ///
    /// - Parameters:
    ///   - mboxFromLine: skip an mbox `From ` (or mboxrd `>From `) line at the very top.
    ///   - bodyAtLeadingNonField: when the block's first line is not a field, it is the body (a MIME
    ///     part with no header and no empty line, as hand-rolled mailers and spam kits write).
    public static func parseBlock(
        _ bytes: [UInt8], in range: Range<Int>, mboxFromLine: Bool = true,
        bodyAtLeadingNonField: Bool = false
    ) -> HeaderParseResult {
        bytes.withUnsafeBufferPointer {
            parseBlock($0, in: range, mboxFromLine: mboxFromLine, bodyAtLeadingNonField: bodyAtLeadingNonField)
        }
    }

    static func parseBlock(
        _ buf: UnsafeBufferPointer<UInt8>, in range: Range<Int>, mboxFromLine: Bool,
        bodyAtLeadingNonField: Bool = false
    ) -> HeaderParseResult {
        let end = min(range.upperBound, buf.count)
        var i = max(0, min(range.lowerBound, end))
        if mboxFromLine,
            Bytes.hasPrefix(buf, at: i, end: end, fromLine) || Bytes.hasPrefix(buf, at: i, end: end, quotedFromLine)
        {
            i = Bytes.nextLine(buf, from: i, to: end)
        }
        let blockStart = i
        let blockLimit = blockStart &+ Limits.maxHeaderBlockBytes
        var fields: [HeaderField] = []
        var findings: [Finding] = []
        var skipped = 0
        var bodyStart = end
        var separated = false
        var value: [UInt8] = []
        value.reserveCapacity(256)

        while i < end {
            // The empty line that ends the block (RFC 5322 §2.1); bare LF from Unix mbox files.
            if buf[i] == Bytes.lf {
                bodyStart = i + 1
                separated = true
                break
            }
            if buf[i] == Bytes.cr, i + 1 < end, buf[i + 1] == Bytes.lf {
                bodyStart = i + 2
                separated = true
                break
            }
            if i >= blockLimit {
                findings.append(
                    Finding.limitReached(
                        "header block longer than \(Limits.maxHeaderBlockBytes) bytes; the rest of it was not read")
                )
                (bodyStart, separated) = findBodyStart(buf, from: i, end: end)
                break
            }
            if fields.count >= Limits.maxHeaderFields {
                findings.append(
                    Finding.limitReached(
                        "more than \(Limits.maxHeaderFields) header fields in one block; the rest were not read"))
                (bodyStart, separated) = findBodyStart(buf, from: i, end: end)
                break
            }
            guard let colon = fieldColon(buf, at: i, end: end) else {
                if bodyAtLeadingNonField, fields.isEmpty, skipped == 0 {
                    bodyStart = i
                    break
                }
                // A line that is not a field: an orphan continuation at the top, or garbage that
                // broken mailers and spam tools write (unindented wrapped lines, "=====" rules).
                // Skip it rather than end the block, so the fields after it are still read.
                skipped += 1
                i = Bytes.nextLine(buf, from: i, to: end)
                continue
            }
            let fieldStart = i
            var nameEnd = colon
            while nameEnd > fieldStart, Bytes.isWSP(buf[nameEnd - 1]) { nameEnd -= 1 }

            // The field runs over every following line that starts with WSP (folding).
            var lineEnd = Bytes.lineEnd(buf, from: i, to: end)
            var fieldEnd = Bytes.contentEnd(buf, lineStart: i, lineEnd: lineEnd)
            var next = lineEnd < end ? lineEnd + 1 : end
            while next < end, next < blockLimit, Bytes.isWSP(buf[next]) {
                lineEnd = Bytes.lineEnd(buf, from: next, to: end)
                fieldEnd = Bytes.contentEnd(buf, lineStart: next, lineEnd: lineEnd)
                next = lineEnd < end ? lineEnd + 1 : end
            }
            var cut = fieldEnd
            if fieldEnd - fieldStart > Limits.maxHeaderFieldBytes {
                cut = fieldStart + Limits.maxHeaderFieldBytes
                findings.append(
                    Finding.limitReached(
                        "header field \(fields.count + 1) is longer than \(Limits.maxHeaderFieldBytes) bytes; it was cut there"
                    ))
            }

            let text: String
            let valueStart = colon + 1
            if let firstBreak = Bytes.find(Bytes.lf, in: buf, from: valueStart, to: cut) {
                // Unfold: drop each line break (CRLF or bare LF), keep the WSP after it.
                value.removeAll(keepingCapacity: true)
                var k = valueStart
                var nl = firstBreak
                while k < cut {
                    let segEnd = Bytes.contentEnd(buf, lineStart: k, lineEnd: nl)
                    value.append(contentsOf: UnsafeBufferPointer(rebasing: buf[k..<segEnd]))
                    k = nl + 1
                    nl = Bytes.find(Bytes.lf, in: buf, from: k, to: cut) ?? cut
                }
                var lead = 0
                while lead < value.count, Bytes.isWSP(value[lead]) { lead += 1 }
                text = value.withUnsafeBufferPointer {
                    TextDecoding.lenientUTF8(UnsafeBufferPointer(rebasing: $0[lead...]))
                }
            } else if valueStart < cut {
                // One line: the value is read where it stands.
                let segEnd = Bytes.contentEnd(buf, lineStart: valueStart, lineEnd: cut)
                var lead = valueStart
                while lead < segEnd, Bytes.isWSP(buf[lead]) { lead += 1 }
                text = TextDecoding.lenientUTF8(UnsafeBufferPointer(rebasing: buf[lead..<segEnd]))
            } else {
                text = ""
            }
            let name = String(decoding: UnsafeBufferPointer(rebasing: buf[fieldStart..<nameEnd]), as: UTF8.self)
            // Room for a typical message header at once, instead of growing 1, 2, 4, 8, 16.
            if fields.isEmpty { fields.reserveCapacity(8) }
            fields.append(
                HeaderField(
                    name: name,
                    value: text,
                    raw: Array(UnsafeBufferPointer(rebasing: buf[fieldStart..<cut])),
                    location: SourceLocation(headerIndex: fields.count, byteRange: fieldStart..<cut)))
            i = next
            if next > blockLimit {
                // One field ran past the block limit (a single 50 MB line).
                findings.append(
                    Finding.limitReached(
                        "header block longer than \(Limits.maxHeaderBlockBytes) bytes; the rest of it was not read")
                )
                (bodyStart, separated) = findBodyStart(buf, from: next, end: end)
                break
            }
        }
        return HeaderParseResult(
            block: HeaderBlock(fields: fields), bodyStart: bodyStart,
            hasSeparator: separated, skippedLines: skipped, findings: findings)
    }

    /// The offset of the colon when the line at `at` is a field (`field-name *WSP ":"`).
    static func fieldColon(_ buf: UnsafeBufferPointer<UInt8>, at: Int, end: Int) -> Int? {
        var j = at
        while j < end {
            let b = buf[j]
            if b < 33 || b > 126 || b == Bytes.colon { break }
            j += 1
        }
        if j == at { return nil }
        // obs-optional (RFC 5322 §4.5.6): "Subject : x", still written by old Lotus Notes and
        // some scripts.
        while j < end, Bytes.isWSP(buf[j]) { j += 1 }
        return j < end && buf[j] == Bytes.colon ? j : nil
    }

    /// After a limit stopped the block: where its empty line is, found with `memmem` so that a
    /// 50 MB block costs one pass in C.
    static func findBodyStart(_ buf: UnsafeBufferPointer<UInt8>, from: Int, end: Int) -> (Int, Bool) {
        let start = max(0, from - 1)
        let lf2 = Bytes.find([Bytes.lf, Bytes.lf], in: buf, from: start, to: end)
        let crlf2 = Bytes.find([Bytes.lf, Bytes.cr, Bytes.lf], in: buf, from: start, to: lf2 ?? end)
        if let c = crlf2 { return (c + 3, true) }
        if let l = lf2 { return (l + 2, true) }
        return (end, false)
    }
}
