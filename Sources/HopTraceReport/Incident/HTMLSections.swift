import HopTraceCore

/// The sections of one chain in the HTML report: hops, authentication, filtering verdicts,
/// findings, and the verbatim headers.
enum HTMLSections {
    static func chainBody(_ c: IncidentChain, into out: inout HTMLWriter) {
        let id = "c\(c.number)"
        out.line("<section id=\"\(id)-hops\"><h2>\(IncidentText.hopsTitle)</h2>")
        out.line(
            "<p class=\"muted\">\(HTMLEscape.text(IncidentText.chainTitle(c))); "
                + "\(HTMLEscape.text(IncidentText.transit(c.transitSeconds)))</p>")
        hops(c, into: &out)
        out.line("</section>")
        out.line("<section id=\"\(id)-auth\"><h2>\(IncidentText.authenticationTitle)</h2>")
        authentication(c, into: &out)
        out.line("</section>")
        if !c.filtering.isEmpty {
            out.line("<section id=\"\(id)-filtering\"><h2>\(IncidentText.filteringTitle)</h2>")
            filteringVerdicts(c.filtering, into: &out)
            out.line("</section>")
        }
        out.line("<section id=\"\(id)-findings\"><h2>\(IncidentText.findingsTitle)</h2>")
        findings(c.findings, into: &out)
        out.line("</section>")
    }

    static func hops(_ c: IncidentChain, into out: inout HTMLWriter) {
        guard !c.hops.isEmpty else {
            out.line("<p>\(HTMLEscape.text(IncidentText.statement(.noHops)))</p>")
            return
        }
        out.line(
            "<table class=\"hops\"><thead><tr>"
                + IncidentText.hopColumns.map { "<th>\($0)</th>" }.joined() + "</tr></thead><tbody>")
        for h in c.hops {
            var row = h.broken ? "<tr class=\"broken\">" : "<tr>"
            row += "<td>\(h.index)"
            if h.broken { row += "<br><span class=\"brokehere\">\(IncidentText.brokeHere)</span>" }
            row += "</td>"
            if let comment = h.comment {
                row += "<td colspan=\"2\" class=\"muted\">(\(HTMLEscape.text(comment)))</td>"
            } else {
                row +=
                    "<td class=\"ep\">" + endpoint(h.sender) + "</td><td class=\"ep\">" + endpoint(h.receiver) + "</td>"
            }
            var proto: [String] = []
            if let p = h.protocolName { proto.append(HTMLEscape.text(p)) }
            if h.tls { proto.append(IncidentText.tlsWord) }
            if h.authenticated { proto.append(IncidentText.authWord) }
            row += "<td>" + proto.joined(separator: " · ")
            if let t = h.tlsDetail { row += "<br><span class=\"muted\">\(HTMLEscape.text(t))</span>" }
            row += "</td>"
            row += "<td>\(HTMLEscape.text(h.time ?? ""))</td>"
            row += "<td>"
            if let d = h.delaySeconds {
                row +=
                    h.clockSkew
                    ? "<span class=\"skew\">\(HTMLEscape.text(IncidentText.delay(d)))</span>"
                    : HTMLEscape.text(IncidentText.delay(d))
            }
            if let p = h.transitPercent {
                row +=
                    "<span class=\"bar\" title=\"\(HTMLEscape.text(IncidentText.transitShare(p)))\">"
                    + "<span style=\"width:\(min(max(p, 0), 100))%\"></span></span>"
            }
            row += "</td>"
            row += "<td>" + h.software.map(software).joined(separator: "<br>") + "</td>"
            row += "<td>" + h.recorded.map(cell).joined(separator: "<br>") + "</td>"
            row += "<td>" + h.replayed.map(cell).joined(separator: "<br>") + "</td>"
            out.line(row + "</tr>")
        }
        out.line("</tbody></table>")
    }

    static func endpoint(_ e: IncidentEndpoint) -> String {
        var parts: [String] = []
        parts.append(e.name.map { "<strong>\(HTMLEscape.text($0))</strong>" } ?? "<span class=\"muted\">?</span>")
        if let r = e.rdns {
            parts.append("<span class=\"muted\">\(IncidentText.rdnsWord) \(HTMLEscape.text(r))</span>")
        }
        if let a = e.address {
            var s = HTMLEscape.text(a)
            if let scope = e.scope {
                s += " <span class=\"scope scope-\(HTMLEscape.text(scope))\">\(HTMLEscape.text(scope))</span>"
            }
            parts.append(s)
        }
        if !e.geo.isEmpty {
            parts.append("<span class=\"muted\">\(HTMLEscape.text(e.geo.joined(separator: ", ")))</span>")
        }
        return parts.joined(separator: "<br>")
    }

    static func software(_ s: IncidentSoftware) -> String {
        var text = HTMLEscape.text(s.product)
        if let r = s.release { text += " → <strong>\(HTMLEscape.text(r))</strong>" }
        if let n = s.note { text += "<br><span class=\"muted\">\(HTMLEscape.text(n))</span>" }
        return text
    }

    static func cell(_ v: IncidentVerdictCell) -> String {
        let cls = v.failed ? "fail" : v.result == "pass" ? "pass" : ""
        var s = HTMLEscape.text(v.method) + "=<span class=\"\(cls)\">\(HTMLEscape.text(v.result))</span>"
        if let d = v.detail { s += " <span class=\"muted\">\(HTMLEscape.text(d))</span>" }
        return s
    }

    static func comparison(_ c: IncidentComparison) -> String {
        var lines: [String] = []
        for r in c.recorded { lines.append("<span class=\"muted\">\(IncidentText.recordedWord)</span> " + cell(r)) }
        if let r = c.replayed {
            let word = r.method == "dmarc" ? IncidentText.evaluatedWord : IncidentText.replayedWord
            lines.append("<span class=\"muted\">\(word)</span> " + cell(r))
        }
        if let n = c.notReplayed { lines.append("<span class=\"muted\">\(HTMLEscape.text(n))</span>") }
        return lines.joined(separator: "<br>")
    }

    static func authentication(_ c: IncidentChain, into out: inout HTMLWriter) {
        let a = c.authentication
        if a.rows.isEmpty && a.chainResults.isEmpty {
            out.line("<p>\(IncidentText.noAuthentication)</p>")
        }
        if !a.rows.isEmpty {
            out.line(
                "<table class=\"auth\"><thead><tr>"
                    + IncidentText.authColumns.map { "<th>\($0)</th>" }.joined() + "</tr></thead><tbody>")
            for row in a.rows {
                var s = row.broken ? "<tr class=\"broken\">" : "<tr>"
                s += "<td>\(row.hop)"
                if row.broken { s += "<br><span class=\"brokehere\">\(IncidentText.brokeHere)</span>" }
                s += "</td><td>\(HTMLEscape.text(row.receiver ?? ""))</td>"
                for comp in [row.spf, row.dkim, row.arc, row.dmarc] { s += "<td>" + comparison(comp) + "</td>" }
                out.line(s + "</tr>")
            }
            out.line("</tbody></table>")
        }
        if !a.chainResults.isEmpty {
            out.line("<h3>\(IncidentText.chainResultsTitle)</h3><ul>")
            for r in a.chainResults { out.line("<li>" + cell(r) + "</li>") }
            out.line("</ul>")
        }
        if !a.breaks.isEmpty {
            out.line("<ul class=\"breaks\">")
            for b in a.breaks {
                var s = "<li><a href=\"#\(b.findingID)\"><span class=\"kind\">\(b.kind.rawValue)</span></a>"
                s += " (\(HTMLEscape.text(IncidentText.hopList(b.hops))))"
                if let fix = b.fix {
                    s += "<div class=\"fix\"><strong>\(IncidentText.fixTitle):</strong> \(HTMLEscape.text(fix))</div>"
                }
                out.line(s + "</li>")
            }
            out.line("</ul>")
        }
        if !a.notes.isEmpty {
            out.line("<ul class=\"notes muted\">")
            for n in a.notes { out.line("<li>\(HTMLEscape.text(n))</li>") }
            out.line("</ul>")
        }
    }

    static func filteringVerdicts(_ verdicts: [IncidentFilteringVerdict], into out: inout HTMLWriter) {
        out.line("<table class=\"filtering\"><thead><tr>")
        out.line(IncidentText.filteringColumns.map { "<th>\(HTMLEscape.text($0))</th>" }.joined())
        out.line("</tr></thead><tbody>")
        for v in verdicts {
            var hop = "\(v.hop)"
            if let checked = v.checkedHop {
                hop += "<br><span class=\"muted\">\(HTMLEscape.text(IncidentText.checkedHop(checked)))</span>"
            }
            var detail = HTMLEscape.text(v.summary)
            if !v.evidence.isEmpty {
                detail +=
                    "<br><span class=\"muted\">" + v.evidence.map(HTMLEscape.text).joined(separator: "<br>") + "</span>"
            }
            if !v.raw.isEmpty {
                detail += "<pre>" + v.raw.map { HTMLEscape.verbatim($0.raw) }.joined(separator: "\n") + "</pre>"
            }
            out.line(
                "<tr><td>\(hop)</td><td>\(HTMLEscape.text(v.vendor))</td>"
                    + "<td>\(HTMLEscape.text(v.verdict ?? IncidentText.noFilterVerdict))</td><td>\(detail)</td></tr>")
        }
        out.line("</tbody></table>")
    }

    static func findings(_ findings: [IncidentFinding], into out: inout HTMLWriter) {
        guard !findings.isEmpty else {
            out.line("<p>\(IncidentText.noFindings)</p>")
            return
        }
        for f in findings {
            let sev = f.severity.rawValue
            out.line("<article class=\"finding sev-\(sev)\" id=\"\(f.id)\">")
            var head = "<p><span class=\"sev sev-\(sev)\">\(IncidentText.severityWord(f.severity))</span> "
            head += "<span class=\"kind\">\(f.kind.rawValue)</span>"
            if !f.hops.isEmpty { head += " · \(HTMLEscape.text(IncidentText.hopList(f.hops)))" }
            out.line(head + "</p>")
            out.line("<p>\(HTMLEscape.text(f.summary))</p>")
            if let fix = f.fix {
                out.line("<p class=\"fix\"><strong>\(IncidentText.fixTitle):</strong> \(HTMLEscape.text(fix))</p>")
            }
            if !f.evidence.isEmpty {
                out.line("<details open><summary>\(IncidentText.evidenceTitle)</summary>")
                out.line("<pre>" + f.evidence.map { HTMLEscape.verbatim($0.raw) }.joined(separator: "\n") + "</pre>")
                out.line("</details>")
            }
            out.line("</article>")
        }
    }

    static func headers(_ c: IncidentChain, into out: inout HTMLWriter) {
        out.line(
            "<h3 id=\"c\(c.number)-headers\">\(IncidentText.headersTitle) · "
                + "\(HTMLEscape.text(IncidentText.chainTitle(c)))</h3>")
        out.line(
            "<pre class=\"headers\">" + c.headers.map { HTMLEscape.verbatim($0.raw) }.joined(separator: "\n")
                + "</pre>")
    }
}
