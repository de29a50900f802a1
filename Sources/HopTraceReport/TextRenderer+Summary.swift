import HopTraceCore

extension TextRenderer {
    /// The verdict block in text form, first in the report: the incident report's verdict
    /// (`IncidentVerdict`), its headline with the finding counts, then its sentences.
    func summary(_ report: Report) -> [String] {
        let verdict = IncidentVerdict(report: report)
        let colour: Colour
        switch verdict.severity {
        case .error?: colour = .red
        case .warning?: colour = .yellow
        case .info?, nil: colour = .green
        }
        let headline = IncidentText.headline(verdict) + " (" + IncidentText.counts(verdict) + ")"
        var out = [bold("Summary: ") + paint(headline, colour)]
        for statement in verdict.statements { out.append("  " + clean(IncidentText.statement(statement))) }
        return out
    }
}
