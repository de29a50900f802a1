import HopTraceCore

/// Turns an Outlook item or a TNEF stream (a `MAPIMessage`) into the chains of the same
/// message saved as `.eml`: the outer chain's header block is the item's transport headers
/// (PR_TRANSPORT_MESSAGE_HEADERS), exactly as the receiving server stored them; each attached
/// item is an embedded chain, and so is an attachment that is itself a message file (`.msg`,
/// `winmail.dat`, `.eml`).
///
/// An item without transport headers (a draft, a sent item: no server received it) yields a
/// header block made of its subject, sender, recipients, date and Message-ID properties, with
/// no Received field, and an `unreadable-part` finding that says the transport headers are absent.
enum OutlookIntake {
    /// Containers (`ChainInput.container`).
    static let outlookMessage = "outlook-msg"
    static let tnef = "tnef"
    static let attachedMessage = "attached-msg"
    static let attachedTNEF = "attached-tnef"
    static let attachedEML = "attached-eml"

    /// The chains of an Outlook item or TNEF stream that is the whole input.
    static func result(_ message: MAPIMessage, container: String, nesting: Int, enclosingBytes: Int) -> IntakeResult {
        var collector = EmbeddedCollector(nesting: nesting, enclosingBytes: enclosingBytes)
        let what = container == tnef ? "the TNEF stream" : "the Outlook message"
        let outer = chain(message, source: .message, part: "", container: container, what: what, collector: &collector)
        collect(message, path: "", collector: &collector)
        return IntakeResult(
            chains: [outer] + collector.chains, reportKind: reportKind(message, headers: outer.headers),
            findings: collector.findings)
    }

    /// Adds the chains of a TNEF stream found in a MIME part: its own when it carries transport
    /// headers, then its attached items'.
    static func collectTNEF(_ message: MAPIMessage, path: String, collector: inout EmbeddedCollector) {
        if message.transportHeaders != nil {
            collector.add(
                chain(
                    message, source: .embedded, part: path, container: tnef, what: "part \(path)",
                    collector: &collector))
        } else {
            report(message.problems, where: "part \(path) (TNEF)", collector: &collector)
        }
        collect(message, path: path, collector: &collector)
    }

    /// A message's own chain; its problems become findings.
    private static func chain(
        _ message: MAPIMessage, source: ChainSource, part: String, container: String, what: String,
        collector: inout EmbeddedCollector
    ) -> ChainInput {
        report(message.problems, where: what, collector: &collector)
        if let raw = message.transportHeaders {
            var start = 0
            while start < raw.count, raw[start] == Bytes.cr || raw[start] == Bytes.lf { start += 1 }
            let head = HeaderParser.parseBlock(raw, in: start..<raw.count, mboxFromLine: false)
            collector.findings += head.findings
            return ChainInput(
                source: source, part: part, container: container, headers: head.block,
                body: sentBody(message, headers: head.block))
        }
        let why =
            container == tnef
            ? "the message that carried it holds them, or no server received it"
            : "a draft or a sent item that no server received"
        collector.findings.append(
            Finding(
                kind: .unreadablePart, severity: .warning,
                summary:
                    "\(what) has no transport headers (PR_TRANSPORT_MESSAGE_HEADERS): \(why); "
                    + "its subject, sender, recipients and date are read from its properties and it has no hops"))
        let synthesized = propertyHeader(message)
        return ChainInput(
            source: source, part: part, container: container,
            headers: HeaderParser.parseBlock(synthesized, in: 0..<synthesized.count, mboxFromLine: false).block)
    }

    /// The attachments' chains, depth first; `path` is the message's own ("" for the outer one).
    private static func collect(_ message: MAPIMessage, path: String, collector: inout EmbeddedCollector) {
        for (n, attachment) in message.attachments.enumerated() {
            let part = path.isEmpty ? "\(n + 1)" : "\(path).\(n + 1)"
            let name = "attachment \(part)" + (attachment.filename.map { " (\(clean($0)))" } ?? "")
            switch attachment.content {
            case .message(let inner):
                collector.add(
                    chain(
                        inner, source: .embedded, part: part, container: attachedMessage, what: name,
                        collector: &collector))
                collect(inner, path: part, collector: &collector)
            case .bytes(let bytes):
                collectFile(
                    bytes, mimeTag: attachment.mimeTag, filename: attachment.filename, part: part, name: name,
                    collector: &collector)
            case .none:
                break
            }
        }
    }

    /// An attachment that is itself a message file, told by its content: a compound file, a TNEF
    /// stream, or an RFC 5322 message labelled as one (message/rfc822 or a `.eml` name).
    static func collectFile(
        _ bytes: [UInt8], mimeTag: String?, filename: String?, part: String, name: String,
        collector: inout EmbeddedCollector
    ) {
        let container: String
        if CompoundFile.isCompoundFile(bytes) {
            container = attachedMessage
        } else if TNEF.isTNEF(bytes) {
            container = attachedTNEF
        } else if mimeTag?.lowercased() == "message/rfc822" || filename?.lowercased().hasSuffix(".eml") == true {
            container = attachedEML
        } else {
            return
        }
        guard collector.nesting < Limits.maxMIMEDepth else {
            collector.findings.append(
                Finding.limitReached(
                    "\(name): message files nested deeper than \(Limits.maxMIMEDepth) levels were not read"))
            return
        }
        guard collector.enclosingBytes + bytes.count <= Limits.maxInputBytes else {
            collector.findings.append(
                Finding.limitReached(
                    "\(name): message files nested in one another exceed \(Limits.maxInputBytes) bytes in all; this one was not read"
                ))
            return
        }
        let inner: IntakeResult
        do {
            inner = try MessageIntake.read(
                bytes, nesting: collector.nesting + 1, enclosingBytes: collector.enclosingBytes)
        } catch {
            collector.findings.append(
                Finding(
                    kind: .unreadablePart, severity: .warning,
                    summary:
                        "\(name) could not be read: \(error)"))
            return
        }
        collector.findings += inner.findings
        for (k, chain) in inner.chains.enumerated() {
            var chain = chain
            chain.source = .embedded
            chain.part = chain.part.isEmpty ? part : "\(part).\(chain.part)"
            if k == 0 { chain.container = container }
            collector.add(chain)
        }
    }

    private static func report(_ problems: [String], where what: String, collector: inout EmbeddedCollector) {
        for problem in problems {
            collector.findings.append(
                Finding(kind: .unreadablePart, severity: .warning, summary: "\(what): \(problem)"))
        }
    }

    /// PR_BODY as the chain's body, only where it can equal the body as sent: a single-part
    /// text/plain message in US-ASCII or UTF-8 without a transfer encoding. Elsewhere Outlook's
    /// plain-text rendering differs from the signed bytes, so DKIM stays headers-only rather
    /// than reporting a break that transit did not cause.
    private static func sentBody(_ message: MAPIMessage, headers: HeaderBlock) -> ArraySlice<UInt8>? {
        guard let body = message.strings[MAPIMessage.Property.body] else { return nil }
        let type = headers.first("Content-Type").flatMap { MIMEContentType.parse($0.value) }
        if let type {
            guard type.is("text", "plain") else { return nil }
            let charset = type.parameters["charset"]?.lowercased() ?? "us-ascii"
            guard charset == "us-ascii" || charset == "utf-8" else { return nil }
        }
        let encoding = headers.first("Content-Transfer-Encoding").map {
            MIMEHeaderValue.token($0.value).lowercased()
        }
        guard encoding == nil || encoding == "7bit" || encoding == "8bit" else { return nil }
        return Array(body.utf8)[...]
    }

    /// A header block from the item's properties, for an item without transport headers.
    /// Control characters in property values become spaces, so a value cannot add a field.
    static func propertyHeader(_ message: MAPIMessage) -> [UInt8] {
        typealias P = MAPIMessage.Property
        var lines: [String] = []
        let name = message.strings[P.senderName] ?? message.strings[P.sentRepresentingName]
        let address = [P.senderSMTPAddress, P.senderEmail, P.sentRepresentingEmail].lazy
            .compactMap { message.strings[$0] }.first { $0.contains("@") }
        switch (name, address) {
        case (let name?, let address?): lines.append("From: \(clean(name)) <\(clean(address))>")
        case (nil, let address?): lines.append("From: <\(clean(address))>")
        case (let name?, nil): lines.append("From: \(clean(name))")
        case (nil, nil): break
        }
        if let to = message.strings[P.displayTo], !to.isEmpty { lines.append("To: \(clean(to))") }
        if let cc = message.strings[P.displayCc], !cc.isEmpty { lines.append("Cc: \(clean(cc))") }
        if let subject = message.strings[P.subject] { lines.append("Subject: \(clean(subject))") }
        if let t = message.times[P.clientSubmitTime] ?? message.times[P.messageDeliveryTime] {
            lines.append("Date: \(rfc5322Date(t))")
        }
        if let id = message.strings[P.internetMessageID], !id.isEmpty { lines.append("Message-ID: \(clean(id))") }
        return Array(lines.map { $0 + "\r\n" }.joined().utf8)
    }

    /// The text with control characters as spaces.
    static func clean(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
    }

    /// "Tue, 20 Aug 2016 09:14:02 +0000".
    static func rfc5322Date(_ utcSeconds: Int64) -> String {
        let (days, seconds) = UTCCalendar.split(utcSeconds)
        let (y, m, d) = UTCCalendar.civilFromDays(days)
        let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]  // 1970-01-01 was a Thursday
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let weekday = weekdays[Int(((days % 7) + 7) % 7)]
        return
            "\(weekday), \(d) \(months[Int(m) - 1]) \(y) \(two(seconds / 3600)):\(two(seconds / 60 % 60)):\(two(seconds % 60)) +0000"
    }

    /// The report kind from the transport headers, else from the item's message class
    /// (REPORT.IPM.Note.NDR / .DR: delivery reports; .IPNRN / .IPNNRN: read receipts).
    private static func reportKind(_ message: MAPIMessage, headers: HeaderBlock) -> String? {
        let type = headers.first("Content-Type").flatMap { MIMEContentType.parse($0.value) }
        let reportType =
            type?.mediaType == "multipart/report" ? type?.parameters["report-type"]?.lowercased() ?? "" : nil
        if let kind = MessageIntake.reportKind(headers, reportType: reportType, pasted: false) { return kind }
        guard let cls = message.strings[MAPIMessage.Property.messageClass]?.uppercased(), cls.hasPrefix("REPORT.")
        else {
            return nil
        }
        if cls.hasSuffix(".NDR") || cls.hasSuffix(".DR") { return MessageIntake.deliveryStatusReport }
        if cls.hasSuffix(".IPNRN") || cls.hasSuffix(".IPNNRN") { return MessageIntake.dispositionNotification }
        return nil
    }
}
