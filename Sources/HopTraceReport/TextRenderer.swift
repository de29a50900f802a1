import HopTraceAuth
import HopTraceCore
import HopTraceFingerprint
import HopTraceForensics
import HopTraceGeo
import HopTraceMessage
import HopTraceReceived
import HopTraceTopology

/// The readable terminal report: one block per chain, one line per hop in travel order, the
/// findings below. Every string that came from the message goes through
/// `TerminalText.sanitize` before it is printed. Lines are built whole and fitted to `width`
/// at the end (`TextLayout`): long lines wrap with a hanging indent, and a name is cut only in
/// the middle, keeping its registrable domain; `.unlimited` cuts and wraps nothing.
public struct TextRenderer: Sendable {
    /// ANSI colour (only on a terminal and never with NO_COLOR; the command decides).
    public var color: Bool
    /// Where lines wrap, or `.unlimited` (`--wide`).
    public var width: TextWidth
    /// Tells the registrable domain a shortened name keeps: the list the analysis used.
    public var publicSuffixList: PublicSuffixList

    public init(
        color: Bool, width: TextWidth = .columns(TextWidth.defaultColumns),
        publicSuffixList: PublicSuffixList = .bundled
    ) {
        self.color = color
        self.width = width
        self.publicSuffixList = publicSuffixList
    }

    public func render(_ report: Report, title: String? = nil) -> String {
        var out: [String] = []
        if let title { out.append(bold("hoptrace: " + clean(title))) }
        out.append(contentsOf: summary(report))
        let chainWord = report.chains.count == 1 ? "chain" : "chains"
        if let kind = report.reportKind {
            out.append("The message is a \(kind); \(report.chains.count) \(chainWord).")
        } else {
            out.append("\(report.chains.count) \(chainWord).")
        }
        for finding in report.findings { out.append(line(for: finding, indent: "")) }
        // Each note once, numbered; a later chain refers to it by number.
        var notes = NoteBook()
        for note in report.notes {
            let (n, isNew) = notes.number(clean(note))
            if isNew { out.append(dim("note \(n): " + clean(note))) }
        }
        for (i, chain) in report.chains.enumerated() {
            out.append("")
            out.append(contentsOf: render(chain, number: i + 1, notes: &notes))
        }
        return fitted(out)
    }

    public func render(_ batch: BatchReport) -> String {
        batch.entries.map(render).joined()
    }

    /// One message of a mailbox or Maildir, with the blank line after it.
    public func render(_ entry: BatchReport.Entry) -> String {
        switch entry.result {
        case .success(let report):
            return render(report, title: "message " + entry.label) + "\n"
        case .failure(let error):
            return fitted([
                bold("hoptrace: message " + clean(entry.label)), paint("error: ", .red) + clean(error.description),
            ]) + "\n"
        }
    }

    /// `hoptrace hops`: one block per message, one line per hop as in the full report, then
    /// the chain's findings. An unreadable message is one error line.
    public func renderHops(label: String, _ result: Result<HopsReport, IntakeError>) -> String {
        var out = [bold("message " + clean(label))]
        switch result {
        case .failure(let error):
            out.append(paint("error: ", .red) + clean(error.description))
        case .success(let report):
            if let kind = report.reportKind { out.append("  a \(kind)") }
            for finding in report.findings { out.append(line(for: finding, indent: "  ")) }
            for (i, chain) in report.chains.enumerated() {
                let what = chainTitle(chain.source, part: chain.part, container: chain.container)
                let count =
                    chain.hops.isEmpty
                    ? "no Received headers" : "\(chain.hops.count) hop\(chain.hops.count == 1 ? "" : "s"), oldest first"
                out.append("  Chain \(i + 1): \(what); \(count)")
                let width = String(chain.hops.count).count
                for hop in chain.hops { out.append(contentsOf: render(hop, width: width).map { "  " + $0 }) }
                for finding in chain.findings { out.append(line(for: finding, indent: "    ")) }
            }
        }
        return fitted(out) + "\n"
    }

    /// The lines as printed: each wrapped to `width`, one newline after each.
    func fitted(_ lines: [String]) -> String {
        guard case .columns(let n) = width else { return lines.joined(separator: "\n") + "\n" }
        let columns = max(n, TextLayout.minimumColumns)
        return lines.flatMap { TextLayout.wrap($0, width: columns) }.joined(separator: "\n") + "\n"
    }

    /// What a chain is, in words: the message's own, or an embedded original and where.
    func chainTitle(_ source: ChainSource, part: String, container: String) -> String {
        source == .message
            ? "the message itself" : "embedded original (part \(part.isEmpty ? "-" : part), \(container))"
    }

    /// `notes`: the notes printed so far in this report; the chain prints the new ones and
    /// refers to the others by number.
    func render(_ chain: ChainReport, number: Int, notes: inout NoteBook) -> [String] {
        var out: [String] = []
        let what = chainTitle(chain.source, part: chain.part, container: chain.container)
        out.append(bold("Chain \(number): \(what)"))
        for (field, text) in chain.summary {
            out.append("  \(field): \(value(text, Self.headerValueLimit))")
        }
        if chain.hops.isEmpty {
            out.append("  (no Received headers)")
        } else {
            out.append("  \(chain.hops.count) hop\(chain.hops.count == 1 ? "" : "s"), oldest first:")
        }
        let width = String(chain.hops.count).count
        for hop in chain.hops {
            out.append(contentsOf: render(hop, width: width))
            out.append(contentsOf: vendorVerdictLines(chain.authentication.hop(hop.index), width: width))
        }
        if !chain.topology.hosts.isEmpty {
            out.append("  Hosts:")
            for host in chain.topology.hosts { out.append(contentsOf: render(host)) }
        }
        out.append(contentsOf: render(chain.authentication, chain: chain, notes: &notes))
        for id in chain.otherSoftware {
            out.append(
                "  " + (id.side == .client ? "Sender's client: " : "Software not tied to a hop: ")
                    + clean(id.displayName))
        }
        if !chain.findings.isEmpty {
            out.append("  Findings:")
            out += TextLayout.merged(chain.findings.map { line(for: $0, indent: "    ") })
        }
        return out
    }

    func render(_ hop: HopReport, width: Int) -> [String] {
        let r = hop.received
        let number = String(repeating: " ", count: width - String(hop.index).count) + String(hop.index)
        let pad = String(repeating: " ", count: width + 4)
        var first = "  \(number). "
        if let comment = r.commentOnly {
            first += dim("(" + clean(comment) + ")")
        } else {
            first += endpoint(name: fromName(r.from), ip: r.from?.ip, scope: hop.fromScope, port: r.from?.port)
            first += " " + paint("→", .cyan) + " "
            first += endpoint(name: r.by?.name.map(name), ip: r.by?.ip, scope: hop.byScope, port: nil)
        }
        var details: [String] = []
        if let w = r.with {
            var p = w.keyword
            var tags: [String] = []
            if w.tls { tags.append("TLS") }
            if w.authenticated { tags.append("auth") }
            if !tags.isEmpty { p += " (" + tags.joined(separator: ", ") + ")" }
            details.append(p)
        } else if r.tls != nil {
            details.append("TLS")
        }
        if let via = r.via { details.append("via " + via) }
        if let t = r.timestamp { details.append(t.iso8601) }
        if let d = hop.hop.delaySeconds { details.append(delay(d)) }
        var lines = [first]
        if !details.isEmpty { lines.append(pad + clean(details.joined(separator: "  "))) }
        var extra: [String] = []
        if let id = r.id { extra.append("id " + value(id, 60)) }
        if let f = r.envelopeFrom { extra.append("envelope-from " + value(f, TextLayout.nameLimit)) }
        if !r.recipients.isEmpty { extra.append("for " + list(r.recipients.map { value($0, TextLayout.nameLimit) })) }
        if let b = r.serverBuild { extra.append("build " + value(b, 40)) }
        if !r.software.isEmpty { extra.append(list(r.software.map { value($0, 80) }, separator: "; ")) }
        if !extra.isEmpty { lines.append(pad + dim(extra.joined(separator: "  "))) }
        for id in hop.software {
            var s = (id.side == .from ? "sender software: " : "software: ") + value(id.displayName, 120)
            if let role = id.role { s += ", " + clean(role) }
            if let note = id.note { s += " — " + clean(note) }
            lines.append(pad + s)
        }
        for (side, g) in [("from", hop.fromGeo), ("by", hop.byGeo)] {
            guard let g else { continue }
            let parts = [g.country, g.city, g.asn.map { "AS\($0)" }, g.org].compactMap { $0 }
            if !parts.isEmpty { lines.append(pad + dim(clean("\(side): " + parts.joined(separator: ", ")))) }
        }
        return [lines[0]] + TextLayout.merged(Array(lines.dropFirst()))
    }

    /// The Authentication section: per hop, SPF as recorded and as replayed; then DKIM, ARC,
    /// DMARC; the edge where it broke is marked. A reason that repeats is a few words and a
    /// note number; each note is printed once in the report (`notes`), identical rows once
    /// with their count.
    func render(_ a: ChainAuthentication, chain: ChainReport, notes: inout NoteBook) -> [String] {
        let broken = Set(a.marks.filter { $0.severity == .error }.map(\.hop))
        var rows: [String] = []
        var newNotes: [String] = []
        var printedHere: Set<Int> = []
        var notesAbove: [Int] = []
        func refer(_ text: String) -> Int {
            let (n, isNew) = notes.number(text)
            if isNew {
                newNotes.append(dim("note \(n): " + text))
                printedHere.insert(n)
            } else if !printedHere.contains(n), !notesAbove.contains(n) {
                notesAbove.append(n)
            }
            return n
        }
        for h in a.hops {
            guard let spf = h.spf else { continue }
            var row = "hop \(h.hop): SPF for \(spf.clientIP) (\(spf.domain.map(name) ?? "?"))"
            if let r = spf.replayed { row += " replayed " + paint(r.rawValue, r == .pass ? .green : .red) }
            if let rec = spf.recorded {
                row +=
                    ", recorded " + rec.rawValue + (spf.recordedBy.map { " by " + name($0) } ?? "")
                    + (spf.recordedInferred ? " (inferred)" : "")
            }
            if spf.replayed == nil, spf.recorded == nil, let why = spf.skipped {
                let (short, note) = TextReportText.skip(why)
                row += ": not replayed, " + clean(short) + (note.map { " (note \(refer(clean($0))))" } ?? "")
            }
            if broken.contains(h.hop) { row += "  " + paint("← broke here", .red) }
            rows.append(row)
        }
        for d in a.dkim {
            var row =
                "DKIM d=\(d.domain.map(name) ?? "?") s=\(d.selector.map { value($0, TextLayout.nameLimit) } ?? "?"): "
                + d.result.rawValue
            if let f = d.failure { row += " (" + clean(f.description) + ")" }
            rows.append(row)
        }
        for r in a.recordedDKIM {
            rows.append(
                "DKIM recorded" + (r.hop.map { " at hop \($0)" } ?? "") + ": " + clean(r.verdict.word)
                    + (r.verdict.domain.map { " for " + name($0) } ?? "")
                    + (r.verdict.reason.map { " (" + value($0, 160) + ")" } ?? ""))
        }
        if let arc = a.arc {
            rows.append(
                "ARC: \(arc.result.rawValue), \(arc.instanceCount) instance(s)"
                    + (arc.failure.map { " — " + clean($0.description) } ?? ""))
        }
        for c in a.dmarcChecks {
            let at = c.hop.map { "at hop \($0)" } ?? "at the origin"
            var row = "DMARC \(at): \(c.evaluation.result.rawValue)"
            if let p = c.evaluation.policy {
                row += " (p=\(p.rawValue)" + (c.recordedAction.map { ", action \(clean($0))" } ?? "") + ")"
            }
            row += " — " + clean(c.evaluation.explanation)
            rows.append(row)
        }
        for note in a.notes { _ = refer(clean(FindingsText.text(note))) }
        guard !rows.isEmpty || !newNotes.isEmpty || !notesAbove.isEmpty else { return [] }
        var out = ["  Authentication:"]
        out += TextLayout.merged(rows).map { "    " + $0 }
        out += newNotes.map { "    " + $0 }
        if !notesAbove.isEmpty { out.append("    " + dim(TextReportText.notesAbove(notesAbove.sorted()))) }
        return out
    }

    func render(_ host: HopTraceTopology.Host) -> [String] {
        let addresses = host.addresses.map { "\($0.ip) \($0.scope.rawValue)" }.joined(separator: ", ")
        var line = "    [\(host.id)] " + host.names.map(name).joined(separator: " ≡ ")
        if !addresses.isEmpty { line += " [" + addresses + "]" }
        var detail = [
            host.organisation.map { "organisation " + name($0) }, "zone " + host.zone.rawValue,
            "hops " + host.hops.map(String.init).joined(separator: ", "),
        ].compactMap { $0 }
        if !host.software.isEmpty { detail.append(list(host.software.map { value($0, 80) }, separator: "; ")) }
        return [line, "        " + dim(detail.joined(separator: "  "))]
    }

    func fromName(_ f: ReceivedFrom?) -> String? {
        guard let f else { return nil }
        switch (f.helo, f.rdns) {
        case (let h?, let r?) where Self.hostKey(h) != Self.hostKey(r): return "\(name(h)) (rdns \(name(r)))"
        case (let h?, _): return name(h)
        case (nil, let r?): return name(r)
        default: return nil
        }
    }

    /// Lower case without a trailing dot (Google writes `host.example.`).
    static func hostKey(_ s: String) -> String { DomainName.normalized(s) }

    /// `name` is shown as given (already through `name(_:)`).
    func endpoint(name: String?, ip: IPAddress?, scope: AddressScope?, port: Int?) -> String {
        var s = name ?? dim("?")
        if let ip {
            var addr = ip.description
            if let port { addr += ip.isIPv4 ? ":\(port)" : " port \(port)" }
            let scopeText = scope?.rawValue ?? "unknown"
            s += " [" + addr + " " + paint(scopeText, scope == .public ? .green : .yellow) + "]"
        }
        return s
    }

    func delay(_ seconds: Int) -> String {
        if seconds < 0 { return paint("\(seconds) s (clock skew)", .yellow) }
        return "+\(seconds) s"
    }

    func line(for f: Finding, indent: String) -> String {
        let colour: Colour = f.severity == .error ? .red : f.severity == .warning ? .yellow : .cyan
        let hops =
            f.hops.isEmpty
            ? "" : " (hop\(f.hops.count == 1 ? "" : "s") \(f.hops.map(String.init).joined(separator: ", ")))"
        return indent + paint(f.severity.rawValue, colour) + " " + f.kind.rawValue + hops + ": " + clean(f.summary)
    }

    func clean(_ s: String) -> String { TerminalText.sanitize(s) }

    /// Header values (Subject, From, To…) longer than this are cut in the middle.
    static let headerValueLimit = 160
    /// Recipients shown on a hop's line before `+N more`.
    static let recipientLimit = 5

    /// A host or domain name from the message, printable; longer than `TextLayout.nameLimit`
    /// it is cut in the middle, keeping its registrable domain (not with `.unlimited`).
    func name(_ s: String) -> String {
        guard width != .unlimited else { return clean(s) }
        return clean(TextLayout.shortenName(s, limit: TextLayout.nameLimit, publicSuffixList: publicSuffixList))
    }

    /// A value from the message, printable; longer than `limit` it is cut in the middle,
    /// keeping its end (not with `.unlimited`).
    func value(_ s: String, _ limit: Int) -> String {
        guard width != .unlimited else { return clean(s) }
        return clean(TextLayout.middleCut(s, limit: limit))
    }

    /// `items` joined; beyond `recipientLimit` of them (not with `.unlimited`) the rest are
    /// counted.
    func list(_ items: [String], separator: String = ", ") -> String {
        guard width != .unlimited, items.count > Self.recipientLimit else { return items.joined(separator: separator) }
        return items.prefix(Self.recipientLimit).joined(separator: separator)
            + " (+\(items.count - Self.recipientLimit) more)"
    }

    enum Colour: String {
        case red = "31"
        case green = "32"
        case yellow = "33"
        case cyan = "36"
    }

    func paint(_ s: String, _ c: Colour) -> String { color ? "\u{1B}[\(c.rawValue)m\(s)\u{1B}[0m" : s }
    func bold(_ s: String) -> String { color ? "\u{1B}[1m\(s)\u{1B}[0m" : s }
    func dim(_ s: String) -> String { color ? "\u{1B}[2m\(s)\u{1B}[0m" : s }
}
