import HopTraceCore

/// The index page of `--report DIR/`: one entry per message, linking its report, in mailbox
/// order and sorted by severity (the two orders are computed here; the pages only show them).
public struct IncidentIndex: Sendable, Hashable {
    public struct Entry: Sendable, Hashable {
        /// 1-based position in the input.
        public var position: Int
        /// The message's label (`archive.mbox:3`, a Maildir file name).
        public var label: String
        /// The report's file name in the folder (made by hoptrace, never from message text);
        /// nil for a message that could not be read.
        public var file: String?
        public var verdict: IncidentVerdict?
        public var subject: String?
        public var from: String?
        public var date: String?
        /// Why the message could not be read.
        public var error: String?

        public init(position: Int, label: String, file: String?, report: IncidentReport?, error: String?) {
            self.position = position
            self.label = label
            self.file = file
            self.verdict = report?.verdict
            self.subject = report?.identity.first { $0.name == "Subject" }?.value
            self.from = report?.identity.first { $0.name == "From" }?.value
            self.date = report?.identity.first { $0.name == "Date" }?.value
            self.error = error
        }

        /// Severity rank for sorting: unreadable first, then error, warning, info, none.
        var rank: Int {
            if error != nil { return 4 }
            switch verdict?.severity {
            case .error?: return 3
            case .warning?: return 2
            case .info?: return 1
            case nil: return 0
            }
        }
    }

    public var entries: [Entry]

    public init(entries: [Entry]) { self.entries = entries }

    /// Most severe first (unreadable messages, then errors, warnings…); more errors, then more
    /// warnings first within one severity; mailbox order last.
    public var bySeverity: [Entry] {
        entries.sorted { a, b in
            if a.rank != b.rank { return a.rank > b.rank }
            let ae = a.verdict?.errors ?? 0
            let be = b.verdict?.errors ?? 0
            if ae != be { return ae > be }
            let aw = a.verdict?.warnings ?? 0
            let bw = b.verdict?.warnings ?? 0
            if aw != bw { return aw > bw }
            return a.position < b.position
        }
    }

    public var inOrder: [Entry] { entries.sorted { $0.position < $1.position } }

    /// `message-0001`: the stem of the N-th message's report file. Made from the position alone,
    /// so nothing the message or the mailbox names can reach outside the folder.
    public static func fileStem(position: Int, count: Int) -> String {
        let width = max(4, String(count).count)
        let n = String(position)
        return "message-" + String(repeating: "0", count: max(0, width - n.count)) + n
    }
}

/// The index page as HTML: two pre-sorted tables, by severity (shown) and in mailbox order,
/// switched by `:target` links; no script.
public enum HTMLIndexRenderer {
    public static func render(_ index: IncidentIndex, title: String) -> String {
        var out = HTMLWriter()
        out.head(title: IncidentText.indexTitle + ": " + title)
        let unreadable = index.entries.filter { $0.error != nil }.count
        out.line("<header class=\"verdict sev-none\"><p class=\"kicker\">\(HTMLEscape.text(title))</p>")
        out.line("<h1>\(IncidentText.indexTitle)</h1>")
        out.line(
            "<p class=\"counts\">\(HTMLEscape.text(IncidentText.indexSummary(messages: index.entries.count, unreadable: unreadable)))"
                + " · <a href=\"#by-severity\">\(IncidentText.indexBySeverity)</a>"
                + " · <a href=\"#in-order\">\(IncidentText.indexInOrder)</a></p></header>")
        out.line("<main>")
        view(id: "in-order", title: IncidentText.indexInOrder, index.inOrder, into: &out)
        view(id: "by-severity", title: IncidentText.indexBySeverity, index.bySeverity, into: &out)
        out.line("</main>")
        out.line("</body>")
        out.line("</html>")
        return out.text
    }

    static func view(id: String, title: String, _ entries: [IncidentIndex.Entry], into out: inout HTMLWriter) {
        out.line("<section class=\"index-view\" id=\"\(id)\"><h2>\(title)</h2>")
        out.line(
            "<table><thead><tr>" + IncidentText.indexColumns.map { "<th>\($0)</th>" }.joined()
                + "</tr></thead><tbody>")
        for e in entries {
            var row = "<tr><td>"
            row +=
                e.file.map { "<a href=\"\(HTMLEscape.text($0))\">\(HTMLEscape.text(e.label))</a>" }
                ?? HTMLEscape.text(e.label)
            row += "</td>"
            if let error = e.error {
                row += "<td><span class=\"sev sev-error\">\(IncidentText.unreadable)</span></td>"
                row += "<td colspan=\"5\">\(HTMLEscape.text(error))</td></tr>"
                out.line(row)
                continue
            }
            let sev = e.verdict?.severity
            row += "<td>" + (sev.map { "<span class=\"sev sev-\($0.rawValue)\">\($0.rawValue)</span>" } ?? "") + "</td>"
            row += "<td>\(HTMLEscape.text(e.verdict.map(IncidentText.counts) ?? ""))</td>"
            row += "<td>\(HTMLEscape.text(e.subject ?? ""))</td><td>\(HTMLEscape.text(e.from ?? ""))</td>"
            row += "<td>\(HTMLEscape.text(e.date ?? ""))</td>"
            row += "<td>\(HTMLEscape.text(e.verdict?.statements.first.map(IncidentText.statement) ?? ""))</td></tr>"
            out.line(row)
        }
        out.line("</tbody></table></section>")
    }
}

/// The index page as Markdown: the table by severity, then in mailbox order.
public enum MarkdownIndexRenderer {
    public static func render(_ index: IncidentIndex, title: String) -> String {
        var out = ["# " + IncidentText.indexTitle, "", "*" + MarkdownEscape.text(title) + "*", ""]
        let unreadable = index.entries.filter { $0.error != nil }.count
        out += [
            MarkdownEscape.text(IncidentText.indexSummary(messages: index.entries.count, unreadable: unreadable)), "",
        ]
        for (name, entries) in [
            (IncidentText.indexBySeverity, index.bySeverity), (IncidentText.indexInOrder, index.inOrder),
        ] {
            out += ["## " + name, ""]
            out += MarkdownReportRenderer.rawTable(
                IncidentText.indexColumns,
                entries.map { e -> [String] in
                    let link =
                        e.file.map {
                            "[" + MarkdownEscape.text(e.label) + "](" + MarkdownReportRenderer.linkTarget($0) + ")"
                        } ?? MarkdownEscape.text(e.label)
                    if let error = e.error {
                        return [link, IncidentText.unreadable, MarkdownEscape.text(error), "", "", "", ""]
                    }
                    return [
                        link, e.verdict?.severity?.rawValue ?? "",
                        MarkdownEscape.text(e.verdict.map(IncidentText.counts) ?? ""),
                        MarkdownEscape.text(e.subject ?? ""), MarkdownEscape.text(e.from ?? ""),
                        MarkdownEscape.text(e.date ?? ""),
                        MarkdownEscape.text(e.verdict?.statements.first.map(IncidentText.statement) ?? ""),
                    ]
                })
            out.append("")
        }
        while out.last == "" { out.removeLast() }
        return out.joined(separator: "\n") + "\n"
    }
}
