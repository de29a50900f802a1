import HopTraceCore

/// The diagram the report shows, as the command line could make it.
public enum IncidentDiagram: Sendable, Hashable {
    /// Inline SVG, already through `SVGSanitizer`.
    case svg(String)
    /// A file written beside the report (the Markdown report's `OUT.svg`), by its relative name.
    case file(String)
    /// It could not be drawn; the reason in one line.
    case unavailable(String)
    /// There is nothing to draw.
    case none
}

/// The incident report as one self-contained HTML file: inline CSS, the diagram as inline SVG,
/// no script, nothing fetched (a Content-Security-Policy that allows no source but inline
/// styles and `data:` images). It formats an `IncidentReport`; every string from the message
/// goes through `HTMLEscape`.
public enum HTMLReportRenderer {
    /// The policy of every page: nothing loads, nothing runs, no form posts anywhere.
    public static let contentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

    public static func render(_ r: IncidentReport, diagram: IncidentDiagram) -> String {
        var out = HTMLWriter()
        let subject = r.identity.first { $0.name == "Subject" }?.value
        out.head(title: IncidentText.documentTitle + (subject.map { ": " + $0 } ?? ""))
        verdict(r, into: &out)
        out.line("<main>")
        out.line("<section id=\"diagram\" class=\"diagram\"><h2>\(IncidentText.diagramTitle)</h2>")
        switch diagram {
        case .svg(let svg): out.line("<div class=\"svg\">" + svg + "</div>")
        case .file(let name):
            out.line("<p><a href=\"\(HTMLEscape.text(name))\">\(HTMLEscape.text(name))</a></p>")
        case .unavailable(let reason):
            out.line("<p class=\"unavailable\">\(HTMLEscape.text(IncidentText.diagramUnavailable(reason)))</p>")
        case .none: out.line("<p>\(IncidentText.diagramNone)</p>")
        }
        out.line("</section>")
        if let primary = r.primary {
            HTMLSections.chainBody(primary, into: &out)
        }
        if !r.messageFindings.isEmpty {
            out.line("<section id=\"message-findings\"><h2>\(IncidentText.messageFindingsTitle)</h2>")
            HTMLSections.findings(r.messageFindings, into: &out)
            out.line("</section>")
        }
        appendix(r, into: &out)
        out.line("</main>")
        out.line("</body>")
        out.line("</html>")
        return out.text
    }

    static func verdict(_ r: IncidentReport, into out: inout HTMLWriter) {
        let severity = r.verdict.severity?.rawValue ?? "none"
        out.line("<header class=\"verdict sev-\(severity)\" id=\"verdict\">")
        out.line(
            "<p class=\"kicker\">\(IncidentText.documentTitle) · \(HTMLEscape.text(r.title))</p>")
        out.line("<h1>\(HTMLEscape.text(IncidentText.headline(r.verdict)))</h1>")
        for s in r.verdict.statements {
            out.line("<p class=\"statement\">\(HTMLEscape.text(IncidentText.statement(s)))</p>")
        }
        out.line("<p class=\"counts\">\(HTMLEscape.text(IncidentText.counts(r.verdict)))</p>")
        if let kind = r.reportKind {
            out.line("<p class=\"kind\">\(HTMLEscape.text(IncidentText.reportOf(kind)))</p>")
        }
        out.line("<div class=\"facts\">")
        out.line("<section><h2>\(IncidentText.identityTitle)</h2><dl>")
        for f in r.identity {
            out.line("<dt>\(HTMLEscape.text(f.name))</dt><dd>\(HTMLEscape.text(f.value))</dd>")
        }
        out.line("</dl></section>")
        let p = r.provenance
        out.line("<section><h2>\(IncidentText.provenanceTitle)</h2><dl>")
        out.line("<dt>\(IncidentText.provenanceVersion)</dt><dd>\(HTMLEscape.text(p.version))</dd>")
        out.line("<dt>\(IncidentText.provenanceDNS)</dt><dd>\(HTMLEscape.text(p.dnsSource))</dd>")
        out.line("<dt>\(IncidentText.provenanceTime)</dt><dd>\(HTMLEscape.text(p.analysisTime))</dd>")
        if let psl = p.publicSuffixList {
            out.line("<dt>\(IncidentText.provenancePSL)</dt><dd>\(HTMLEscape.text(psl))</dd>")
        }
        for note in p.notes { out.line("<dt>\(IncidentText.provenanceNotes)</dt><dd>\(HTMLEscape.text(note))</dd>") }
        out.line("</dl></section>")
        out.line("</div>")
        out.line("</header>")
    }

    static func appendix(_ r: IncidentReport, into out: inout HTMLWriter) {
        out.line("<section id=\"appendix\" class=\"appendix\"><h2>\(IncidentText.appendixTitle)</h2>")
        if let primary = r.primary { HTMLSections.headers(primary, into: &out) }
        out.line("<h3 id=\"dns\">\(IncidentText.dnsTitle)</h3>")
        if r.dnsAnswers.isEmpty {
            out.line("<p>\(IncidentText.noDNS)</p>")
        } else {
            out.line("<pre class=\"zone\">" + r.dnsAnswers.map(HTMLEscape.text).joined(separator: "\n") + "</pre>")
        }
        if !r.others.isEmpty {
            out.line("<h3>\(IncidentText.otherChainsTitle)</h3>")
            for chain in r.others {
                out.line("<section class=\"chain\" id=\"c\(chain.number)\">")
                out.line("<h3>\(HTMLEscape.text(IncidentText.chainTitle(chain)))</h3>")
                out.line("<dl>")
                for f in chain.identity {
                    out.line("<dt>\(HTMLEscape.text(f.name))</dt><dd>\(HTMLEscape.text(f.value))</dd>")
                }
                out.line("</dl>")
                HTMLSections.chainBody(chain, into: &out)
                HTMLSections.headers(chain, into: &out)
                out.line("</section>")
            }
        }
        out.line("</section>")
    }
}

/// Lines of HTML.
struct HTMLWriter {
    var text = ""

    mutating func line(_ s: String) {
        text += s
        text += "\n"
    }

    mutating func head(title: String) {
        line("<!DOCTYPE html>")
        line("<html lang=\"en\">")
        line("<head>")
        line("<meta charset=\"utf-8\">")
        line(
            "<meta http-equiv=\"Content-Security-Policy\" content=\"\(HTMLReportRenderer.contentSecurityPolicy)\">")
        line("<meta name=\"referrer\" content=\"no-referrer\">")
        line("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        line("<title>\(HTMLEscape.text(title))</title>")
        line("<style>")
        text += HTMLStyle.css
        line("</style>")
        line("</head>")
        line("<body>")
    }
}

/// The report's style sheet: system fonts only (nothing fetched), readable on screen and
/// paged cleanly when printed.
enum HTMLStyle {
    static let css = """
        :root { --error: #b71c1c; --warning: #e65100; --info: #1565c0; --ok: #2e7d32; --muted: #5f6368;
          --line: #d7dbe0; --soft: #f5f7f9; }
        * { box-sizing: border-box; }
        body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", Arial, sans-serif;
          color: #1f2328; margin: 0; background: #fff; }
        main { padding: 0 24px 32px; }
        h1 { font-size: 26px; margin: 4px 0 10px; }
        h2 { font-size: 19px; margin: 28px 0 10px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
        h3 { font-size: 16px; margin: 20px 0 8px; }
        .verdict { padding: 18px 24px 14px; border-left: 10px solid var(--muted); background: var(--soft); }
        .verdict.sev-error { border-left-color: var(--error); background: #fdecea; }
        .verdict.sev-warning { border-left-color: var(--warning); background: #fff4e5; }
        .verdict.sev-info, .verdict.sev-none { border-left-color: var(--ok); background: #edf7ed; }
        .verdict h2 { font-size: 14px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted);
          border: 0; margin: 12px 0 4px; }
        .kicker { margin: 0; color: var(--muted); font-size: 13px; overflow-wrap: anywhere; }
        .statement { font-size: 17px; margin: 6px 0; max-width: 75em; }
        .counts, .kind { margin: 6px 0; color: var(--muted); }
        .facts { display: flex; flex-wrap: wrap; gap: 8px 40px; }
        .facts section { flex: 1 1 320px; min-width: 0; }
        dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0; }
        dt { color: var(--muted); }
        dd { margin: 0; overflow-wrap: anywhere; }
        table { border-collapse: collapse; width: 100%; font-size: 13px; }
        th, td { border: 1px solid var(--line); padding: 4px 6px; vertical-align: top; text-align: left;
          overflow-wrap: break-word; }
        td.ep { overflow-wrap: anywhere; min-width: 9em; }
        th { background: var(--soft); }
        tr.broken td { background: #fdecea; }
        .scope { color: var(--muted); font-size: 12px; }
        .scope-public { color: var(--ok); }
        .scope-private, .scope-shared, .scope-loopback, .scope-link-local { color: var(--error); }
        .muted { color: var(--muted); }
        .fail { color: var(--error); font-weight: 600; }
        .pass { color: var(--ok); }
        .skew { color: var(--warning); font-weight: 600; }
        .bar { display: block; height: 6px; background: #e8eaed; margin-top: 3px; min-width: 60px; }
        .bar span { display: block; height: 6px; background: var(--info); }
        .brokehere { color: var(--error); font-weight: 700; white-space: nowrap; }
        .sev { display: inline-block; padding: 0 6px; border-radius: 3px; color: #fff; font-size: 12px;
          font-weight: 600; text-transform: uppercase; }
        .sev-error .sev, .sev.sev-error { background: var(--error); }
        .sev.sev-warning { background: var(--warning); }
        .sev.sev-info { background: var(--info); }
        .finding { border: 1px solid var(--line); border-left: 5px solid var(--info); padding: 8px 12px;
          margin: 10px 0; }
        .finding.sev-error { border-left-color: var(--error); }
        .finding.sev-warning { border-left-color: var(--warning); }
        .finding .kind { font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
        .fix { background: #edf7ed; padding: 4px 8px; }
        pre { background: var(--soft); border: 1px solid var(--line); padding: 8px; overflow-x: auto;
          white-space: pre-wrap; overflow-wrap: anywhere; font: 12px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; }
        .svg svg { max-width: 100%; height: auto; }
        .unavailable { color: var(--warning); }
        .index-view { display: none; }
        .index-view:target { display: block; }
        #by-severity { display: block; }
        .index-view:target ~ #by-severity { display: none; }
        @page { size: A4; margin: 14mm 12mm; }
        @media print {
          body { font-size: 11px; }
          main { padding: 0; }
          .verdict { padding: 10px 14px; break-inside: avoid; }
          h2, h3 { break-after: avoid; }
          tr, .finding, .svg { break-inside: avoid; }
          pre { white-space: pre-wrap; }
          a { color: inherit; text-decoration: none; }
        }

        """
}
