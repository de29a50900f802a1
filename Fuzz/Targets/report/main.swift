// The incident report (`hoptrace FILE --report OUT.html|OUT.md`): the message analysed offline,
// its IncidentReport rendered as HTML and as Markdown. Whatever the message holds, the HTML has
// no raw control characters, no element the renderer does not write and no event-handler
// attribute; the Markdown has no raw HTML outside its fenced blocks.
import FuzzSupport
import HopTraceCore
import HopTraceReport

FuzzDriver.run { data, size in
    let bytes = FuzzDriver.bytes(data, size)
    let outputs: (html: String, markdown: String)? = FuzzDriver.wait {
        let options = AnalysisOptions(publicSuffixList: .bundled)
        guard let report = try? await Analyzer.analyze(bytes, options: options) else { return nil }
        let context = IncidentContext(
            title: "fuzz", version: "fuzz", analysisTime: 0, dnsSource: "offline", dnsZone: nil)
        let incident = IncidentReport(report: report, context: context)
        return (
            HTMLReportRenderer.render(incident, diagram: .none),
            MarkdownReportRenderer.render(incident, diagram: .none)
        )
    }
    if let outputs {
        FuzzCheck.noControlCharacters(outputs.html, allowed: ["\n", "\t"], in: "the HTML report")
        ReportCheck.html(outputs.html)
        FuzzCheck.noControlCharacters(outputs.markdown, allowed: ["\n", "\t"], in: "the Markdown report")
        ReportCheck.markdown(outputs.markdown)
    }
    return 0
}
