import HopTraceCore

/// Reads a message and every original hidden inside it: the chains hoptrace analyses.
public enum MessageIntake {
    /// Report kinds (`IntakeResult.reportKind`).
    public static let deliveryStatusReport = "delivery-status report"
    public static let dispositionNotification = "disposition notification (read receipt)"
    public static let exchangeNDR = "Exchange NDR"
    public static let pastedBounce = "bounce with pasted headers"

    /// The outer message's chain first, then each embedded original in MIME order.
    ///
    /// Throws only when the input cannot be mail at all (empty, larger than
    /// `Limits.maxInputBytes`, not starting with a header); everything else that goes wrong is
    /// a finding in the result.
    ///
    /// The format is told by content: an Outlook item (`.msg`, a compound file) and a TNEF stream
    /// (`winmail.dat`) are read by `OutlookIntake`; anything else is an RFC 5322 message.
    public static func read(_ bytes: [UInt8]) throws(IntakeError) -> IntakeResult {
        try read(bytes, nesting: 0, enclosingBytes: 0)
    }

    /// `nesting`: how many message files (an attached `.msg`, `.eml` or TNEF stream) enclose
    /// this one; `enclosingBytes`: their sizes added up.
    static func read(_ bytes: [UInt8], nesting: Int, enclosingBytes: Int) throws(IntakeError) -> IntakeResult {
        let enclosing = enclosingBytes + bytes.count
        if bytes.count > Limits.maxInputBytes {
            throw IntakeError("input is larger than \(Limits.maxInputBytes) bytes", position: Limits.maxInputBytes)
        }
        if CompoundFile.isCompoundFile(bytes) {
            let file: CompoundFile
            do {
                file = try CompoundFile(bytes)
            } catch {
                throw IntakeError(
                    "unreadable Outlook message (compound file): \(error.message)", position: error.position)
            }
            return OutlookIntake.result(
                OutlookMessage.read(file), container: OutlookIntake.outlookMessage,
                nesting: nesting, enclosingBytes: enclosing)
        }
        if TNEF.isTNEF(bytes) {
            return OutlookIntake.result(
                TNEF.read(bytes, depth: nesting), container: OutlookIntake.tnef,
                nesting: nesting, enclosingBytes: enclosing)
        }
        let bytes = LineBreaks.normalised(bytes)
        let start = try HeaderParser.messageStart(bytes)
        let (root, treeFindings) = MIMEParser.parse(bytes, start: start)
        if root.headers.fields.isEmpty {
            throw IntakeError("input does not start with a mail header", position: start)
        }
        var collector = EmbeddedCollector(nesting: nesting, enclosingBytes: enclosing)
        collector.findings = treeFindings
        collector.walk(root, insideEmbedded: false)
        var pasted = false
        let attached = !collector.chains.isEmpty
        for (part, insideEmbedded) in collector.textParts
        where collector.collectPasted(from: part, reportMisses: !insideEmbedded && !attached) {
            if !insideEmbedded { pasted = true }
        }
        let chains =
            [
                ChainInput(
                    source: .message, part: "", container: "message", headers: root.headers,
                    body: root.rawBody)
            ]
            + collector.chains
        return IntakeResult(
            chains: chains,
            reportKind: reportKind(root.headers, reportType: collector.reportType, pasted: pasted),
            findings: collector.findings, mime: root)
    }

    /// Convenience for a message taken from a mailbox.
    public static func read(_ bytes: ArraySlice<UInt8>) throws(IntakeError) -> IntakeResult {
        try read(Array(bytes))
    }

    static func reportKind(_ headers: HeaderBlock, reportType: String?, pasted: Bool) -> String? {
        // Exchange marks its NDRs with X-MS-Exchange-Message-Is-Ndr; older Exchange and Exchange
        // Online NDRs without it are recognised by their "Undeliverable:" subject together with
        // Exchange's X-MS-* fields.
        if headers.first("X-MS-Exchange-Message-Is-Ndr") != nil {
            return exchangeNDR
        }
        // The byte test is a necessary condition of the lower-cased prefix (no other character
        // lower-cases to one of its ASCII letters alone); the exact test runs only after it.
        if let subject = headers.first("Subject")?.value, startsUndeliverable(subject),
            subject.lowercased().hasPrefix("undeliverable:"),
            headers.fields.contains(where: { $0.name.lowercased().hasPrefix("x-ms-") })
        {
            return exchangeNDR
        }
        switch reportType {
        case "delivery-status", "global-delivery-status": return deliveryStatusReport
        case "disposition-notification", "global-disposition-notification": return dispositionNotification
        default: break
        }
        return pasted ? pastedBounce : nil
    }

    private static let undeliverable: [UInt8] = Array("undeliverable:".utf8)

    /// Whether the text's first bytes are "undeliverable:", ASCII case ignored.
    static func startsUndeliverable(_ text: String) -> Bool {
        text.withUTF8Bytes { b in
            b.count >= undeliverable.count && ASCIIFold.equal(b.prefix(undeliverable.count), undeliverable)
        }
    }
}

/// Walks a MIME tree collecting embedded header blocks, bounded by the tree's own depth limit.
struct EmbeddedCollector {
    var chains: [ChainInput] = []
    var findings: [Finding] = []
    /// text/plain and message/partial leaves, and whether they are inside an embedded message:
    /// where bounces paste the original, and where a forwarded bounce holds it.
    var textParts: [(part: MIMEPart, insideEmbedded: Bool)] = []
    /// The report-type of the first multipart/report outside embedded messages.
    var reportType: String?
    /// How many message files enclose the message walked (`MessageIntake.read`).
    let nesting: Int
    /// The sizes of the message walked and of the message files enclosing it, added up: a
    /// message file found inside is read only while this stays within `Limits.maxInputBytes`,
    /// so nested copies cannot multiply the memory the input takes.
    let enclosingBytes: Int
    private var limitReported = false

    init(nesting: Int = 0, enclosingBytes: Int = 0) {
        self.nesting = nesting
        self.enclosingBytes = enclosingBytes
    }

    mutating func walk(_ part: MIMEPart, insideEmbedded: Bool) {
        if part.encapsulatesMessage {
            let message = part.children[0]
            let container =
                part.contentType.is("message", "global")
                ? "message/global"
                : part.contentType.is("message", "rfc822") ? "message/rfc822" : "attached-eml"
            if message.headers.fields.isEmpty {
                unreadable(message, "has no readable header", type: part.contentType.mediaType)
            } else {
                add(
                    ChainInput(
                        source: .embedded, part: message.path, container: container, headers: message.headers,
                        body: message.rawBody))
            }
            walk(message, insideEmbedded: true)
            return
        }
        switch part.contentType.type {
        case "multipart":
            if !insideEmbedded, reportType == nil, part.contentType.subtype == "report" {
                reportType = part.contentType.parameters["report-type"]?.lowercased() ?? ""
            }
            for child in part.children { walk(child, insideEmbedded: insideEmbedded) }
        default:
            let type = part.contentType
            // MailSite labels the returned header block "message/rfc822-headers".
            if type.is("text", "rfc822-headers") || type.is("message", "global-headers")
                || type.is("message", "rfc822-headers")
            {
                let body = part.decodedBody
                // The block is the whole body; a blank line before it (some MTAs add one) is skipped.
                var start = 0
                while start < body.count, body[start] == Bytes.cr || body[start] == Bytes.lf { start += 1 }
                let head = HeaderParser.parseBlock(body, in: start..<body.count, mboxFromLine: false)
                findings += head.findings
                if head.block.fields.isEmpty {
                    unreadable(part, "has no readable header")
                } else {
                    add(
                        ChainInput(
                            source: .embedded, part: part.path.isEmpty ? "1" : part.path,
                            container: type.mediaType, headers: head.block))
                }
            } else if type.is("text", "plain") || type.is("message", "partial") {
                textParts.append((part, insideEmbedded))
            } else if let bytes = messageFile(part) {
                let path = part.path.isEmpty ? "1" : part.path
                if TNEF.isTNEF(bytes) {
                    OutlookIntake.collectTNEF(TNEF.read(bytes, depth: nesting), path: path, collector: &self)
                } else {
                    OutlookIntake.collectFile(
                        bytes, mimeTag: nil, filename: nil, part: path,
                        name: "part \(path)" + (part.filename.map { " (\(OutlookIntake.clean($0)))" } ?? ""),
                        collector: &self)
                }
            }
        }
    }

    /// Subtypes of "application" under which an Outlook item or a TNEF stream is attached.
    private static let messageFileSubtypes: Set<String> = [
        "ms-tnef", "vnd.ms-tnef", "vnd.ms-outlook", "x-msg", "octet-stream",
    ]

    /// The decoded body of a part that is an Outlook item or a TNEF stream, told by its first
    /// bytes; only parts of the types above or named `.msg`/`.dat` are looked at.
    private func messageFile(_ part: MIMEPart) -> [UInt8]? {
        let name = part.filename?.lowercased() ?? ""
        guard
            part.contentType.type == "application" && Self.messageFileSubtypes.contains(part.contentType.subtype)
                || name.hasSuffix(".msg")
                || name.hasSuffix(".dat")
        else { return nil }
        let body = part.rawBody
        // The first 64 encoded bytes decode to at least the 8-byte signature.
        let head = TransferEncoding.decode(body.prefix(64), encoding: part.transferEncoding) ?? Array(body.prefix(64))
        guard CompoundFile.isCompoundFile(head) || TNEF.isTNEF(head) else { return nil }
        return part.decodedBody
    }

    mutating func add(_ chain: ChainInput) {
        guard chains.count < Limits.maxEmbeddedChains else {
            if !limitReported {
                limitReported = true
                findings.append(
                    Finding.limitReached(
                        "more than \(Limits.maxEmbeddedChains) embedded messages; the rest were not read"))
            }
            return
        }
        chains.append(chain)
    }

    mutating func unreadable(_ part: MIMEPart, _ why: String, type: String? = nil) {
        findings.append(
            Finding(
                kind: .unreadablePart, severity: .warning,
                summary:
                    "part \(part.path.isEmpty ? "1" : part.path) (\(type ?? part.contentType.mediaType)) \(why)"))
    }

    // MARK: Pasted headers

    struct Marker {
        /// The marker line, lower-cased, without surrounding dashes, spaces, colons and dots.
        var text: String
        /// Who writes it.
        var software: String
        /// The same words appear in ordinary mail (Outlook's "-----Original Message-----" reply
        /// quote); then the block must carry a Received field to count.
        var needsTrace: Bool
        /// Whether a marker with no header block after it is worth a finding.
        var expectsHeaders: Bool
    }

    /// Lines after which bounces paste the original message or its header, with the software
    /// that writes each.
    static let markers: [Marker] = [
        Marker(
            text: "below this line is a copy of the message", software: "qmail", needsTrace: false, expectsHeaders: true
        ),
        Marker(
            text: "this is a copy of the message, including all the headers", software: "Exim", needsTrace: false,
            expectsHeaders: true),
        Marker(
            text: "this is a copy of the headers that were received before the error was detected", software: "Exim",
            needsTrace: false, expectsHeaders: true),
        Marker(text: "original message headers", software: "Exchange/Outlook", needsTrace: false, expectsHeaders: true),
        Marker(text: "original message follows", software: "sendmail", needsTrace: false, expectsHeaders: true),
        Marker(text: "message header follows", software: "sendmail", needsTrace: false, expectsHeaders: true),
        Marker(
            text: "unsent message follows", software: "sendmail (old versions)", needsTrace: false, expectsHeaders: true
        ),
        Marker(
            text: "message headers follow", software: "DragonFly Mail Agent", needsTrace: false, expectsHeaders: true),
        Marker(
            text: "below is a copy of the original message", software: "OpenSMTPD", needsTrace: false,
            expectsHeaders: true),
        Marker(
            text: "the header of the original message is following", software: "GMX", needsTrace: false,
            expectsHeaders: true),
        Marker(text: "returned message", software: "Lotus Notes/Domino", needsTrace: false, expectsHeaders: true),
        Marker(text: "transcript of session follows", software: "sendmail", needsTrace: false, expectsHeaders: false),
        Marker(
            text: "original message", software: "Postfix-style and other MTAs", needsTrace: true, expectsHeaders: false),
    ]

    /// Field names one of which, beside a Received field, makes a block of lines in a body an
    /// embedded original (the general rule, wherever the block starts).
    private static let originalFields = ["From", "To", "Subject", "Date", "Message-ID"]

    /// Reads the header blocks pasted in a text part (or a message/partial fragment): each block
    /// after a marker line (`markers`), and each block of lines that parses as a header with a
    /// Received field and one of `originalFields`, wherever it starts (after an unknown
    /// separator, a bare MIME boundary, a part header, a forwarding note). The body is read
    /// transfer-decoded. Each line is read once: a block that is not an original is skipped
    /// whole. Blocks whose Received fields repeat an embedded chain already taken are not
    /// taken again. Returns whether a block was taken.
    /// `reportMisses`: a marker with no header block after it is a finding.
    mutating func collectPasted(from part: MIMEPart, reportMisses: Bool) -> Bool {
        // Scan the input itself when the part is not transfer-encoded, so that field locations
        // point into the input; otherwise the decoded copy (locations then refer to it).
        let decoded = TransferEncoding.decode(part.rawBody, encoding: part.transferEncoding)
            .map { LineBreaks.normalised($0) }
        let body = decoded ?? part.buffer
        let range = decoded.map { 0..<$0.count } ?? part.bodyRange
        let path = part.path.isEmpty ? "1" : part.path
        let container = part.contentType.is("message", "partial") ? "message/partial" : "pasted-in-body"
        var found: [HeaderParseResult] = []
        var misses: [Marker] = []
        body.withUnsafeBufferPointer { buf in
            var i = range.lowerBound
            let end = range.upperBound
            // Whether the line at `i` can start a block: the first line, or after a line that
            // is not a field.
            var blockStart = true
            while i < end, found.count < Limits.maxEmbeddedChains {
                let lineEnd = Bytes.lineEnd(buf, from: i, to: end)
                let next = lineEnd < end ? lineEnd + 1 : end
                if let marker = Self.marker(buf, from: i, to: lineEnd) {
                    if let (head, _) = Self.pastedBlock(body, buf, from: next, end: end, marker: marker) {
                        found.append(head)
                        // The block is in `body` when it was not indented; an indented block is
                        // a copy, and its end is the first blank line after the marker.
                        i = Self.blockEnd(buf, from: next, end: end)
                        blockStart = true
                        continue
                    }
                    misses.append(marker)
                    blockStart = true
                    i = next
                    continue
                }
                let isField = HeaderParser.fieldColon(buf, at: i, end: lineEnd) != nil
                if blockStart, isField {
                    let head = HeaderParser.parseBlock(buf, in: i..<end, mboxFromLine: false)
                    if Self.isOriginal(head.block) { found.append(head) }
                    i = max(next, head.bodyStart)
                    blockStart = true
                    continue
                }
                blockStart = !isField
                i = next
            }
        }
        var taken = false
        for head in found where !repeatsChain(head.block) {
            add(ChainInput(source: .embedded, part: path, container: container, headers: head.block))
            findings += head.findings
            taken = true
        }
        if found.isEmpty, reportMisses, let miss = misses.first(where: \.expectsHeaders) {
            unreadable(part, "has a \(miss.software) bounce marker but no readable header block after it")
        }
        return taken
    }

    /// The general rule: a Received field and one of `originalFields`.
    private static func isOriginal(_ block: HeaderBlock) -> Bool {
        block.first("Received") != nil && originalFields.contains { block.first($0) != nil }
    }

    /// Whether a block's Received fields are those of a chain already taken (a bounce that both
    /// attaches the original and quotes its header in the text), or their start (a copy cut
    /// short).
    private func repeatsChain(_ block: HeaderBlock) -> Bool {
        let received = block.fields(named: "Received").map(\.value)
        guard !received.isEmpty else { return false }
        return chains.contains { chain in
            let other = chain.headers.fields(named: "Received").map(\.value)
            return other.count >= received.count && Array(other.prefix(received.count)) == received
        }
    }

    /// The offset after the first blank line at or after the first non-blank line at `from`.
    private static func blockEnd(_ buf: UnsafeBufferPointer<UInt8>, from: Int, end: Int) -> Int {
        var i = from
        var seenText = false
        while i < end {
            let lineEnd = Bytes.lineEnd(buf, from: i, to: end)
            let next = lineEnd < end ? lineEnd + 1 : end
            let blank = Bytes.isBlank(buf, from: i, to: lineEnd)
            if blank && seenText { return next }
            if !blank { seenText = true }
            i = next
        }
        return end
    }

    static func marker(_ buf: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Marker? {
        var s = from
        var e = to
        func strippable(_ b: UInt8) -> Bool {
            b == 0x20 || b == 0x09 || b == 0x0D || b == UInt8(ascii: "-") || b == UInt8(ascii: ":")
                || b == UInt8(ascii: ".")
        }
        while s < e, strippable(buf[s]) { s += 1 }
        while e > s, strippable(buf[e - 1]) { e -= 1 }
        guard e - s >= 16, e - s <= 100 else { return nil }
        // The marker texts are lower-case ASCII: a line equals one exactly when its bytes,
        // ASCII letters lower-cased, are the marker's bytes.
        let line = UnsafeBufferPointer(rebasing: buf[s..<e])
        for (k, text) in markerBytes.enumerated() where text.count == line.count {
            if ASCIIFold.equal(line, text) { return markers[k] }
        }
        return nil
    }

    /// `markers`' texts as bytes.
    private static let markerBytes: [[UInt8]] = markers.map { Array($0.text.utf8) }

    /// The header block after a marker: blank lines skipped, a uniform indentation removed
    /// (Lotus Domino and some Exchange versions indent the pasted header), at least one field.
    private static func pastedBlock(
        _ body: [UInt8], _ buf: UnsafeBufferPointer<UInt8>, from: Int, end: Int,
        marker: Marker
    ) -> (HeaderParseResult, [UInt8])? {
        var i = from
        while i < end {
            let lineEnd = Bytes.lineEnd(buf, from: i, to: end)
            if !Bytes.isBlank(buf, from: i, to: lineEnd) { break }
            i = lineEnd < end ? lineEnd + 1 : end
        }
        guard i < end else { return nil }
        var indent = i
        while indent < end, Bytes.isWSP(buf[indent]) { indent += 1 }
        let indentWidth = indent - i
        let source: [UInt8]
        let start: Int
        if indentWidth == 0 {
            source = body
            start = i
        } else {
            // Copy the indented block without its indentation; locations then refer to this copy.
            var copy: [UInt8] = []
            var k = i
            while k < end, copy.count < Limits.maxHeaderBlockBytes {
                let lineEnd = Bytes.lineEnd(buf, from: k, to: end)
                if Bytes.isBlank(buf, from: k, to: lineEnd) { break }
                var strip = 0
                while strip < indentWidth, k + strip < lineEnd, buf[k + strip] == buf[i + strip] { strip += 1 }
                if strip < indentWidth { break }  // less indented: the block has ended
                copy.append(contentsOf: UnsafeBufferPointer(rebasing: buf[(k + strip)..<min(lineEnd + 1, end)]))
                k = lineEnd < end ? lineEnd + 1 : end
            }
            source = copy
            start = 0
        }
        let sourceEnd = indentWidth == 0 ? end : source.count
        let ok = source.withUnsafeBufferPointer { HeaderParser.fieldColon($0, at: start, end: sourceEnd) != nil }
        guard ok else { return nil }
        let head = HeaderParser.parseBlock(source, in: start..<sourceEnd, mboxFromLine: false)
        guard !head.block.fields.isEmpty else { return nil }
        if marker.needsTrace, head.block.first("Received") == nil { return nil }
        return (head, source)
    }
}
