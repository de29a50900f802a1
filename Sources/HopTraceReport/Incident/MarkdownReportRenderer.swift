import HopTraceCore

/// The incident report as GitHub-flavoured Markdown: the same sections as the HTML report,
/// tables for hops and authentication, raw evidence in fenced blocks, the diagram as a file
/// beside it. No HTML at all; every string from the message goes through `MarkdownEscape`.
public enum MarkdownReportRenderer {
    public static func render(_ r: IncidentReport, diagram: IncidentDiagram) -> String {
        var out: [String] = []
        out.append("# " + MarkdownEscape.text(IncidentText.headline(r.verdict)))
        out.append("")
        out.append("*" + MarkdownEscape.text(IncidentText.documentTitle + " · " + r.title) + "*")
        out.append("")
        for s in r.verdict.statements {
            out.append("**" + MarkdownEscape.text(IncidentText.statement(s)) + "**")
            out.append("")
        }
        out.append(MarkdownEscape.text(IncidentText.counts(r.verdict)))
        out.append("")
        if let kind = r.reportKind {
            out.append(MarkdownEscape.text(IncidentText.reportOf(kind)))
            out.append("")
        }
        out.append("## " + IncidentText.identityTitle)
        out.append("")
        out += table(["", ""], r.identity.map { [$0.name, $0.value] })
        out.append("")
        out.append("## " + IncidentText.provenanceTitle)
        out.append("")
        let p = r.provenance
        var facts = [
            [IncidentText.provenanceVersion, p.version], [IncidentText.provenanceDNS, p.dnsSource],
            [IncidentText.provenanceTime, p.analysisTime],
        ]
        if let psl = p.publicSuffixList { facts.append([IncidentText.provenancePSL, psl]) }
        facts += p.notes.map { [IncidentText.provenanceNotes, $0] }
        out += table(["", ""], facts)
        out.append("")
        out.append("## " + IncidentText.diagramTitle)
        out.append("")
        switch diagram {
        case .file(let name):
            out.append("![\(MarkdownEscape.text(IncidentText.diagramTitle))](\(linkTarget(name)))")
        case .unavailable(let reason): out.append(MarkdownEscape.text(IncidentText.diagramUnavailable(reason)))
        // Markdown cannot hold an inline SVG without HTML: the diagram goes beside it as a file.
        case .none, .svg: out.append(MarkdownEscape.text(IncidentText.diagramNone))
        }
        out.append("")
        if let primary = r.primary {
            out += MarkdownSections.chainBody(primary, level: 2)
        }
        if !r.messageFindings.isEmpty {
            out.append("## " + IncidentText.messageFindingsTitle)
            out.append("")
            out += MarkdownSections.findings(r.messageFindings, level: 3)
        }
        out.append("## " + IncidentText.appendixTitle)
        out.append("")
        if let primary = r.primary { out += MarkdownSections.headers(primary, level: 3) }
        out.append("### " + IncidentText.dnsTitle)
        out.append("")
        if r.dnsAnswers.isEmpty {
            out.append(MarkdownEscape.text(IncidentText.noDNS))
            out.append("")
        } else {
            out += fenced(r.dnsAnswers.map(TerminalText.sanitize).joined(separator: "\n"), info: "dns")
        }
        if !r.others.isEmpty {
            out.append("### " + IncidentText.otherChainsTitle)
            out.append("")
            for chain in r.others {
                out.append("#### " + MarkdownEscape.text(IncidentText.chainTitle(chain)))
                out.append("")
                out += table(["", ""], chain.identity.map { [$0.name, $0.value] })
                out.append("")
                out += MarkdownSections.chainBody(chain, level: 5)
                out += MarkdownSections.headers(chain, level: 5)
            }
        }
        while out.last == "" { out.removeLast() }
        return out.joined(separator: "\n") + "\n"
    }

    /// A GFM table; the cells are escaped here.
    static func table(_ header: [String], _ rows: [[String]]) -> [String] {
        guard !rows.isEmpty else { return [] }
        var out = ["| " + header.map(MarkdownEscape.text).joined(separator: " | ") + " |"]
        out.append("|" + header.map { _ in "---|" }.joined())
        for row in rows { out.append("| " + row.map(MarkdownEscape.text).joined(separator: " | ") + " |") }
        return out
    }

    /// A table whose cells are already Markdown (escaped by the caller).
    static func rawTable(_ header: [String], _ rows: [[String]]) -> [String] {
        guard !rows.isEmpty else { return [] }
        var out = ["| " + header.map(MarkdownEscape.text).joined(separator: " | ") + " |"]
        out.append("|" + header.map { _ in "---|" }.joined())
        for row in rows { out.append("| " + row.joined(separator: " | ") + " |") }
        return out
    }

    /// A fenced block with a fence no backtick run in `content` can close; a blank line after.
    static func fenced(_ content: String, info: String = "") -> [String] {
        let fence = MarkdownEscape.fence(for: content)
        return [fence + info, content, fence, ""]
    }

    /// A relative file name as a link destination: percent-encoded outside `A–Z a–z 0–9 . _ -`.
    static func linkTarget(_ name: String) -> String {
        var out = ""
        for b in name.utf8 {
            let c = Unicode.Scalar(b)
            if (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || c == "."
                || c == "_" || c == "-" || c == "/"
            {
                out.unicodeScalars.append(c)
            } else {
                let hex = String(b, radix: 16, uppercase: true)
                out += "%" + (hex.count < 2 ? "0" : "") + hex
            }
        }
        return out
    }
}

/// The sections of one chain in the Markdown report.
enum MarkdownSections {
    static func heading(_ level: Int, _ text: String) -> [String] {
        [String(repeating: "#", count: min(level, 6)) + " " + text, ""]
    }

    static func chainBody(_ c: IncidentChain, level: Int) -> [String] {
        var out = heading(level, IncidentText.hopsTitle)
        out.append(
            MarkdownEscape.text(IncidentText.chainTitle(c) + "; " + IncidentText.transit(c.transitSeconds)))
        out.append("")
        out += hops(c)
        out += heading(level, IncidentText.authenticationTitle)
        out += authentication(c)
        if !c.filtering.isEmpty {
            out += heading(level, IncidentText.filteringTitle)
            out += MarkdownReportRenderer.table(
                IncidentText.filteringColumns,
                c.filtering.map { v in
                    [
                        "\(v.hop)" + (v.checkedHop.map { " (" + IncidentText.checkedHop($0) + ")" } ?? ""), v.vendor,
                        v.verdict ?? IncidentText.noFilterVerdict, ([v.summary] + v.evidence).joined(separator: " "),
                    ]
                })
            out.append("")
            let raw = c.filtering.flatMap(\.raw).map { MarkdownEscape.verbatim($0.raw) }
            if !raw.isEmpty { out += MarkdownReportRenderer.fenced(raw.joined(separator: "\n")) }
        }
        out += heading(level, IncidentText.findingsTitle)
        out += findings(c.findings, level: level + 1)
        return out
    }

    static func hops(_ c: IncidentChain) -> [String] {
        guard !c.hops.isEmpty else { return [MarkdownEscape.text(IncidentText.statement(.noHops)), ""] }
        let rows = c.hops.map { h -> [String] in
            var index = "\(h.index)"
            if h.broken { index += " **" + MarkdownEscape.text(IncidentText.brokeHere) + "**" }
            let sender = h.comment.map { "(" + MarkdownEscape.text($0) + ")" } ?? endpoint(h.sender)
            let receiver = h.comment == nil ? endpoint(h.receiver) : ""
            let protoParts: [String?] = [
                h.protocolName.map(MarkdownEscape.text), h.tls ? IncidentText.tlsWord : nil,
                h.authenticated ? IncidentText.authWord : nil,
            ]
            var proto = protoParts.compactMap { $0 }.joined(separator: " · ")
            if let t = h.tlsDetail { proto += " (" + MarkdownEscape.text(t) + ")" }
            var delay = h.delaySeconds.map { MarkdownEscape.text(IncidentText.delay($0)) } ?? ""
            if h.clockSkew { delay = "**" + delay + "**" }
            if let p = h.transitPercent { delay += " " + bar(p) }
            let software = h.software.map { s in
                MarkdownEscape.text(s.product) + (s.release.map { " → **" + MarkdownEscape.text($0) + "**" } ?? "")
            }.joined(separator: "; ")
            return [
                index, sender, receiver, proto, MarkdownEscape.text(h.time ?? ""), delay, software,
                h.recorded.map(cell).joined(separator: "; "), h.replayed.map(cell).joined(separator: "; "),
            ]
        }
        return MarkdownReportRenderer.rawTable(IncidentText.hopColumns, rows) + [""]
    }

    /// A bar of ten cells for a share of the transit time: `▰▰▰▱▱▱▱▱▱▱ 30%`.
    static func bar(_ percent: Int) -> String {
        let filled = min(10, max(0, (percent + 5) / 10))
        return String(repeating: "▰", count: filled) + String(repeating: "▱", count: 10 - filled) + " \(percent)%"
    }

    static func endpoint(_ e: IncidentEndpoint) -> String {
        var parts = [e.name.map { "**" + MarkdownEscape.text($0) + "**" } ?? "?"]
        if let r = e.rdns { parts.append(IncidentText.rdnsWord + " " + MarkdownEscape.text(r)) }
        if let a = e.address { parts.append(MarkdownEscape.text(a + (e.scope.map { " " + $0 } ?? ""))) }
        if !e.geo.isEmpty { parts.append(MarkdownEscape.text(e.geo.joined(separator: ", "))) }
        return parts.joined(separator: " · ")
    }

    static func cell(_ v: IncidentVerdictCell) -> String {
        var s = MarkdownEscape.text(v.method) + "="
        s += v.failed ? "**" + MarkdownEscape.text(v.result) + "**" : MarkdownEscape.text(v.result)
        if let d = v.detail { s += " " + MarkdownEscape.text(d) }
        return s
    }

    static func comparison(_ c: IncidentComparison) -> String {
        var parts = c.recorded.map { IncidentText.recordedWord + " " + cell($0) }
        if let r = c.replayed {
            parts.append((r.method == "dmarc" ? IncidentText.evaluatedWord : IncidentText.replayedWord) + " " + cell(r))
        }
        if let n = c.notReplayed { parts.append(MarkdownEscape.text(n)) }
        return parts.joined(separator: "; ")
    }

    static func authentication(_ c: IncidentChain) -> [String] {
        let a = c.authentication
        var out: [String] = []
        if a.rows.isEmpty && a.chainResults.isEmpty { out += [MarkdownEscape.text(IncidentText.noAuthentication), ""] }
        if !a.rows.isEmpty {
            out += MarkdownReportRenderer.rawTable(
                IncidentText.authColumns,
                a.rows.map { row in
                    [
                        "\(row.hop)" + (row.broken ? " **" + MarkdownEscape.text(IncidentText.brokeHere) + "**" : ""),
                        MarkdownEscape.text(row.receiver ?? ""),
                    ]
                        + [row.spf, row.dkim, row.arc, row.dmarc].map(comparison)
                })
            out.append("")
        }
        if !a.chainResults.isEmpty {
            out.append(MarkdownEscape.text(IncidentText.chainResultsTitle) + ":")
            out.append("")
            out += a.chainResults.map { "- " + cell($0) }
            out.append("")
        }
        for b in a.breaks {
            var s = "- `\(b.kind.rawValue)` (" + MarkdownEscape.text(IncidentText.hopList(b.hops)) + ")"
            if let fix = b.fix { s += ": **" + IncidentText.fixTitle + ":** " + MarkdownEscape.text(fix) }
            out.append(s)
        }
        if !a.breaks.isEmpty { out.append("") }
        if !a.notes.isEmpty {
            out += a.notes.map { "- " + MarkdownEscape.text($0) }
            out.append("")
        }
        return out
    }

    static func findings(_ findings: [IncidentFinding], level: Int) -> [String] {
        guard !findings.isEmpty else { return [MarkdownEscape.text(IncidentText.noFindings), ""] }
        var out: [String] = []
        for f in findings {
            var title = IncidentText.severityWord(f.severity).uppercased() + " · `" + f.kind.rawValue + "`"
            if !f.hops.isEmpty { title += " · " + MarkdownEscape.text(IncidentText.hopList(f.hops)) }
            out += heading(level, title)
            out.append(MarkdownEscape.text(f.summary))
            out.append("")
            if let fix = f.fix {
                out.append("**" + IncidentText.fixTitle + ":** " + MarkdownEscape.text(fix))
                out.append("")
            }
            if !f.evidence.isEmpty {
                out.append(MarkdownEscape.text(IncidentText.evidenceTitle) + ":")
                out.append("")
                out += MarkdownReportRenderer.fenced(
                    f.evidence.map { MarkdownEscape.verbatim($0.raw) }.joined(separator: "\n"))
            }
        }
        return out
    }

    static func headers(_ c: IncidentChain, level: Int) -> [String] {
        heading(level, MarkdownEscape.text(IncidentText.headersTitle + " · " + IncidentText.chainTitle(c)))
            + MarkdownReportRenderer.fenced(c.headers.map { MarkdownEscape.verbatim($0.raw) }.joined(separator: "\n"))
    }
}
