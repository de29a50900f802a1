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
                throw IntakeError("unreadable Outlook message (compound file): \(error.message)", position: error.position)
            }
            return OutlookIntake.result(OutlookMessage.read(file), container: OutlookIntake.outlookMessage,
                                        nesting: nesting, enclosingBytes: enclosing)
        }
        if TNEF.isTNEF(bytes) {
            return OutlookIntake.result(TNEF.read(bytes, depth: nesting), container: OutlookIntake.tnef,
                                        nesting: nesting, enclosingBytes: enclosing)
        }
        let start = try HeaderParser.messageStart(bytes)
        let (root, treeFindings) = MIMEParser.parse(bytes, start: start)
        if root.headers.fields.isEmpty {
            throw IntakeError("input does not start with a mail header", position: start)
        }
        var collector = EmbeddedCollector(nesting: nesting, enclosingBytes: enclosing)
        collector.findings = treeFindings
        collector.walk(root, insideEmbedded: false)
        var pasted = false
        if collector.chains.isEmpty {
            for part in collector.textParts where collector.collectPasted(from: part) {
                pasted = true
            }
        }
        let chains = [ChainInput(source: .message, part: "", container: "message", headers: root.headers,
                                 body: root.rawBody)]
            + collector.chains
        return IntakeResult(chains: chains,
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
        if let subject = headers.first("Subject")?.value.lowercased(), subject.hasPrefix("undeliverable:"),
           headers.fields.contains(where: { $0.name.lowercased().hasPrefix("x-ms-") }) {
            return exchangeNDR
        }
        switch reportType {
        case "delivery-status", "global-delivery-status": return deliveryStatusReport
        case "disposition-notification", "global-disposition-notification": return dispositionNotification
        default: break
        }
        return pasted ? pastedBounce : nil
    }
}

/// Walks a MIME tree collecting embedded header blocks, bounded by the tree's own depth limit.
struct EmbeddedCollector {
    var chains: [ChainInput] = []
    var findings: [Finding] = []
    /// text/plain leaves outside any embedded message: where bounces paste the original.
    var textParts: [MIMEPart] = []
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
            let container = part.contentType.mediaType == "message/global" ? "message/global"
                : part.contentType.mediaType == "message/rfc822" ? "message/rfc822" : "attached-eml"
            if message.headers.fields.isEmpty {
                unreadable(message, "has no readable header", type: part.contentType.mediaType)
            } else {
                add(ChainInput(source: .embedded, part: message.path, container: container, headers: message.headers,
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
            let media = part.contentType.mediaType
            // MailSite labels the returned header block "message/rfc822-headers".
            if media == "text/rfc822-headers" || media == "message/global-headers" || media == "message/rfc822-headers" {
                let body = part.decodedBody
                // The block is the whole body; a blank line before it (some MTAs add one) is skipped.
                var start = 0
                while start < body.count, body[start] == Bytes.cr || body[start] == Bytes.lf { start += 1 }
                let head = HeaderParser.parseBlock(body, in: start..<body.count, mboxFromLine: false)
                findings += head.findings
                if head.block.fields.isEmpty {
                    unreadable(part, "has no readable header")
                } else {
                    add(ChainInput(source: .embedded, part: part.path.isEmpty ? "1" : part.path,
                                   container: media, headers: head.block))
                }
            } else if media == "text/plain", !insideEmbedded {
                textParts.append(part)
            } else if let bytes = messageFile(part) {
                let path = part.path.isEmpty ? "1" : part.path
                if TNEF.isTNEF(bytes) {
                    OutlookIntake.collectTNEF(TNEF.read(bytes, depth: nesting), path: path, collector: &self)
                } else {
                    OutlookIntake.collectFile(bytes, mimeTag: nil, filename: nil, part: path,
                                              name: "part \(path)" + (part.filename.map { " (\(OutlookIntake.clean($0)))" } ?? ""),
                                              collector: &self)
                }
            }
        }
    }

    /// Media types under which an Outlook item or a TNEF stream is attached.
    private static let messageFileTypes: Set<String> = [
        "application/ms-tnef", "application/vnd.ms-tnef", "application/vnd.ms-outlook", "application/x-msg",
        "application/octet-stream",
    ]

    /// The decoded body of a part that is an Outlook item or a TNEF stream, told by its first
    /// bytes; only parts of the types above or named `.msg`/`.dat` are looked at.
    private func messageFile(_ part: MIMEPart) -> [UInt8]? {
        let name = part.filename?.lowercased() ?? ""
        guard Self.messageFileTypes.contains(part.contentType.mediaType) || name.hasSuffix(".msg") || name.hasSuffix(".dat")
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
                findings.append(Finding(kind: .limitReached, severity: .warning, summary:
                    "more than \(Limits.maxEmbeddedChains) embedded messages; the rest were not read"))
            }
            return
        }
        chains.append(chain)
    }

    mutating func unreadable(_ part: MIMEPart, _ why: String, type: String? = nil) {
        findings.append(Finding(kind: .unreadablePart, severity: .warning, summary:
            "part \(part.path.isEmpty ? "1" : part.path) (\(type ?? part.contentType.mediaType)) \(why)"))
    }

    // MARK: Pasted headers

    private struct Marker {
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

    private static let markers: [Marker] = [
        Marker(text: "below this line is a copy of the message", software: "qmail", needsTrace: false, expectsHeaders: true),
        Marker(text: "this is a copy of the message, including all the headers", software: "Exim", needsTrace: false, expectsHeaders: true),
        Marker(text: "this is a copy of the headers that were received before the error was detected", software: "Exim", needsTrace: false, expectsHeaders: true),
        Marker(text: "original message headers", software: "Exchange/Outlook", needsTrace: false, expectsHeaders: true),
        Marker(text: "original message follows", software: "sendmail", needsTrace: false, expectsHeaders: true),
        Marker(text: "message header follows", software: "sendmail", needsTrace: false, expectsHeaders: true),
        Marker(text: "transcript of session follows", software: "sendmail", needsTrace: false, expectsHeaders: false),
        Marker(text: "original message", software: "Postfix-style and other MTAs", needsTrace: true, expectsHeaders: false),
    ]

    /// Looks for a marker line in a text part and reads the header block pasted after it.
    /// Returns whether a block was found.
    mutating func collectPasted(from part: MIMEPart) -> Bool {
        // Scan the input itself when the part is not transfer-encoded, so that field locations
        // point into the input; otherwise the decoded copy (locations then refer to it).
        let decoded = TransferEncoding.decode(part.rawBody, encoding: part.transferEncoding)
        let body = decoded ?? part.buffer
        let range = decoded.map { 0..<$0.count } ?? part.bodyRange
        let path = part.path.isEmpty ? "1" : part.path
        let found: (HeaderParseResult, [UInt8])?
        var misses: [Marker] = []
        found = body.withUnsafeBufferPointer { buf -> (HeaderParseResult, [UInt8])? in
            var i = range.lowerBound
            let end = range.upperBound
            while i < end {
                let lineEnd = Bytes.lineEnd(buf, from: i, to: end)
                let next = lineEnd < end ? lineEnd + 1 : end
                if let marker = Self.marker(buf, from: i, to: lineEnd) {
                    if let block = Self.pastedBlock(body, buf, from: next, end: end, marker: marker) {
                        return block
                    }
                    misses.append(marker)
                }
                i = next
            }
            return nil
        }
        if let (head, _) = found {
            add(ChainInput(source: .embedded, part: path, container: "pasted-in-body", headers: head.block))
            findings += head.findings
            return true
        }
        if let miss = misses.first(where: \.expectsHeaders) {
            unreadable(part, "has a \(miss.software) bounce marker but no readable header block after it")
        }
        return false
    }

    private static func marker(_ buf: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Marker? {
        var s = from, e = to
        func strippable(_ b: UInt8) -> Bool {
            b == 0x20 || b == 0x09 || b == 0x0D || b == UInt8(ascii: "-") || b == UInt8(ascii: ":") || b == UInt8(ascii: ".")
        }
        while s < e, strippable(buf[s]) { s += 1 }
        while e > s, strippable(buf[e - 1]) { e -= 1 }
        guard e - s >= 16, e - s <= 100 else { return nil }
        var text = [UInt8]()
        text.reserveCapacity(e - s)
        for k in s..<e { text.append(ASCIIFold.lower(buf[k])) }
        let line = String(decoding: text, as: UTF8.self)
        return markers.first { $0.text == line }
    }

    /// The header block after a marker: blank lines skipped, a uniform indentation removed
    /// (Lotus Domino and some Exchange versions indent the pasted header), at least one field.
    private static func pastedBlock(_ body: [UInt8], _ buf: UnsafeBufferPointer<UInt8>, from: Int, end: Int,
                                    marker: Marker) -> (HeaderParseResult, [UInt8])? {
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
