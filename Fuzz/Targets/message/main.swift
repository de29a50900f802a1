// Whole-message analysis offline, the path of `hoptrace FILE --offline --json` through the
// library: intake (RFC 5322, MIME, embedded originals, .msg, TNEF), hops, software, topology,
// recorded verdicts, DKIM/ARC without DNS, findings; then the JSON and the text report, which
// must hold no raw control characters.
import FuzzSupport
import HopTraceCore
import HopTraceReport

FuzzDriver.run { data, size in
    let bytes = FuzzDriver.bytes(data, size)
    let outputs: (json: String, text: String)? = FuzzDriver.wait {
        let options = AnalysisOptions(publicSuffixList: .bundled)
        guard let report = try? await Analyzer.analyze(bytes, options: options) else { return nil }
        return (JSONRenderer.render(report), TextRenderer(color: false).render(report, title: "fuzz"))
    }
    if let outputs {
        FuzzCheck.noControlCharacters(outputs.json, in: "the JSON report")
        FuzzCheck.noControlCharacters(outputs.text, in: "the text report")
    }
    return 0
}
