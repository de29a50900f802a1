import Foundation
import HopTraceCore
import HopTraceDNS
import HopTraceReport
import HopTraceTopology
import Testing

/// The incident report (`--report`): the model's decisions, the golden HTML and Markdown of the
/// article's two samples, escaping, and the SVG sanitiser.
@Suite struct IncidentReportTests {
    static let root = GoldenTests.packageRoot

    /// A sample analysed as the command line does with `--dns-snapshot`, with its DNS answers
    /// recorded, and its incident report made with a fixed version and time.
    static func incident(_ name: String) async throws -> (Report, IncidentReport) {
        let bytes = try [UInt8](Data(contentsOf: root.appendingPathComponent("samples/\(name).eml")))
        var options = AnalysisOptions(now: 1_795_900_000, publicSuffixList: .bundled)
        let zonePath = root.appendingPathComponent("samples/\(name).zone").path
        var recorder: RecordingResolver?
        var source = "none (--offline)"
        if FileManager.default.fileExists(atPath: zonePath) {
            recorder = RecordingResolver(wrapping: try SnapshotResolver(contentsOf: zonePath))
            options.resolver = recorder
            source = "snapshot samples/\(name).zone"
            options.dnsSource = source
        }
        let report = try await Analyzer.analyze(bytes, options: options)
        let context = IncidentContext(
            title: "samples/\(name).eml", version: "0.0.0-test", analysisTime: 1_795_900_000, dnsSource: source,
            dnsZone: recorder?.zoneFileText())
        return (report, IncidentReport(report: report, context: context))
    }

    // MARK: - Golden files

    @Test(arguments: ["bt-delivery-receipt", "raynet-forwarded"])
    func reportsMatchTheirGoldenFiles(name: String) async throws {
        let (_, incident) = try await Self.incident(name)
        let outputs = [
            (
                "html",
                HTMLReportRenderer.render(incident, diagram: .unavailable("not drawn in the golden tests"))
            ),
            ("md", MarkdownReportRenderer.render(incident, diagram: .file("\(name).svg"))),
        ]
        for (ext, text) in outputs { try GoldenTests.compare(text, golden: "\(name).report.\(ext)") }
    }

    // MARK: - The model's decisions

    @Test func theBTReceiptsVerdictTellsTheArticlesConclusion() async throws {
        let (_, r) = try await Self.incident("bt-delivery-receipt")
        #expect(r.verdict.severity == .error)
        #expect(r.verdict.statements.count == 2)
        let sentences = r.verdict.statements.map(IncidentText.statement)
        #expect(sentences[0].hasPrefix("SPF broke at hop 4: protection.outlook.com"))
        #expect(sentences[0].contains("bt.com's relay 62.239.224.235"))
        #expect(sentences[0].contains("82.70.154.45, which passes SPF for m0noc.net"))
        #expect(sentences[1].hasPrefix("DMARC failed for m0noc.net at hop 4"))
        #expect(sentences[1].contains("p=reject"))
        #expect(sentences[1].contains("action=oreject"))
        // The report is about the embedded original, the path the message travelled.
        #expect(r.primary?.isEmbedded == true)
        #expect(r.identity.first { $0.name == "Subject" }?.value == "test")
        #expect(r.others.map(\.number) == [1])
        #expect(r.diagramDirection == .tb)
        #expect(!r.dnsAnswers.isEmpty)
        #expect(r.provenance.analysisTime == "2026-11-28T21:06:40Z")
    }

    @Test func hopsCarryTheirShareOfTheTransitTimeAndTheBreak() async throws {
        let (_, r) = try await Self.incident("bt-delivery-receipt")
        let chain = try #require(r.primary)
        #expect(chain.transitSeconds == 7)
        #expect(chain.hops.map(\.broken) == [false, false, false, true, false, false])
        #expect(chain.hops.map(\.transitPercent) == [nil, 14, 29, 14, 29, 14])
        let hop1 = chain.hops[0]
        #expect(hop1.software.first?.release == "Exchange Server 2010 SP3 Update Rollup 5")
        #expect(chain.hops[3].recorded.contains { $0.method == "spf" && $0.result == "fail" && $0.failed })
        #expect(chain.hops[0].replayed.first?.result == "pass")
        // The receiver wrote the same dkim= verdict twice: shown once.
        let row4 = try #require(chain.authentication.rows.first { $0.hop == 4 })
        #expect(row4.dkim.recorded.count == 1)
        #expect(row4.broken)
        #expect(row4.dmarc.replayed?.result == "fail")
    }

    @Test func findingsComeBySeverityWithTheirEvidenceAndFix() async throws {
        let (_, r) = try await Self.incident("bt-delivery-receipt")
        let findings = try #require(r.primary?.findings)
        let ranks = findings.map(\.severity)
        #expect(ranks == ranks.sorted(by: >))
        let spf = try #require(findings.first { $0.kind == .spfBrokenByForwarding })
        #expect(spf.fix?.hasPrefix("SRS at the forwarder (bt.com)") == true)
        #expect(spf.evidence.contains { $0.name == "Received" && $0.raw.contains("RDW083A006ED62.bt.com") })
        #expect(spf.evidence.contains { $0.raw.contains("spf=fail") })
        #expect(r.primary?.authentication.breaks.first?.findingID == spf.id)
    }

    /// The finding's text and its fix are shown apart, so the text does not end with the fix too.
    @Test func theFixIsShownOnce() async throws {
        let (_, r) = try await Self.incident("bt-delivery-receipt")
        let spf = try #require(r.primary?.findings.first { $0.kind == .spfBrokenByForwarding })
        #expect(!spf.summary.contains("Fix:"))
        #expect(spf.fix != nil)
    }

    /// A phishing message junked by Exchange Online: its front-door hop's filtering verdict in the
    /// report's "Filtering verdicts" section, in HTML and Markdown, with the header it came from.
    @Test func theFilteringVerdictsOfTheFrontDoorAreInTheReport() async throws {
        let (_, r) = try await Self.incident("vendor-microsoft-phish")
        let chain = try #require(r.primary)
        let row = try #require(chain.filtering.first { $0.vendor == "Microsoft 365" })
        #expect(row.hop == 2)
        #expect(row.verdict == "phish")
        for part in [
            "high confidence phishing", "SCL 9", "BCL 0", "Junk Email folder (dest:J)", "compauth fail reason 000",
        ] {
            #expect(row.summary.contains(part), "\(part)")
        }
        #expect(row.raw.contains { $0.name == "X-Forefront-Antispam-Report" && $0.raw.contains("CAT:HPHISH") })
        #expect(
            r.verdict.statements.contains { statement in
                if case .finding(let kind, _, _) = statement { return kind == .compauthFail }
                return false
            })
        let html = HTMLReportRenderer.render(r, diagram: .none)
        #expect(html.contains(IncidentText.filteringTitle))
        #expect(html.contains("CAT:HPHISH"))
        let markdown = MarkdownReportRenderer.render(r, diagram: .none)
        #expect(markdown.contains("# " + IncidentText.filteringTitle))
        #expect(markdown.contains("delivered to Junk Email folder (dest:J)"))
    }

    @Test func clockSkewIsMarked() async throws {
        let (_, r) = try await Self.incident("anomaly-gap-and-skew")
        let hops = r.others.flatMap(\.hops) + (r.primary?.hops ?? [])
        #expect(hops.contains { $0.clockSkew && ($0.delaySeconds ?? 0) < 0 && $0.transitPercent == nil })
    }

    @Test func aCleanMessageSaysSo() async throws {
        let (_, r) = try await Self.incident("dialect-postfix")
        if r.verdict.severity == nil || r.verdict.severity == .info {
            #expect(IncidentText.headline(r.verdict) == "No problem found")
        }
        #expect(!r.verdict.statements.isEmpty)
    }

    @Test func theTextReportOpensWithTheSummary() async throws {
        let (report, _) = try await Self.incident("bt-delivery-receipt")
        let lines = TextRenderer(color: false, width: .unlimited).render(report, title: "bt.eml").split(separator: "\n")
        #expect(lines[1].hasPrefix("Summary: Authentication broke ("))
        #expect(lines[2].hasPrefix("  SPF broke at hop 4"))
        #expect(lines[3].hasPrefix("  DMARC failed"))
    }

    @Test func theIndexSortsBySeverity() throws {
        var a = IncidentIndex.Entry(position: 1, label: "m:1", file: "message-0001", report: nil, error: nil)
        a.verdict = IncidentVerdict(severity: .info, statements: [], errors: 0, warnings: 0, infos: 1)
        var b = IncidentIndex.Entry(position: 2, label: "m:2", file: "message-0002", report: nil, error: nil)
        b.verdict = IncidentVerdict(severity: .error, statements: [], errors: 1, warnings: 0, infos: 0)
        var c = IncidentIndex.Entry(position: 3, label: "m:3", file: "message-0003", report: nil, error: nil)
        c.verdict = IncidentVerdict(severity: .error, statements: [], errors: 3, warnings: 0, infos: 0)
        let d = IncidentIndex.Entry(position: 4, label: "m:4", file: nil, report: nil, error: "not mail")
        let index = IncidentIndex(entries: [a, b, c, d])
        #expect(index.bySeverity.map(\.position) == [4, 3, 2, 1])
        #expect(index.inOrder.map(\.position) == [1, 2, 3, 4])
        #expect(IncidentIndex.fileStem(position: 7, count: 12) == "message-0007")
        #expect(IncidentIndex.fileStem(position: 7, count: 123_456) == "message-000007")
        let html = HTMLIndexRenderer.render(index, title: "m")
        let bySeverity = try #require(html.range(of: "id=\"by-severity\""))
        let inOrder = try #require(html.range(of: "id=\"in-order\""))
        // The default view comes last, so `:target` on the other one can hide it.
        #expect(inOrder.lowerBound < bySeverity.lowerBound)
        #expect(MarkdownIndexRenderer.render(index, title: "m").contains("[m:3](message-0003)"))
    }

    @Test func hopListsAreShort() {
        #expect(IncidentText.hopList([4]) == "hop 4")
        #expect(IncidentText.hopList([1, 2, 3, 4]) == "hops 1–4")
        #expect(IncidentText.hopList([2, 3]) == "hops 2, 3")
        #expect(IncidentText.hopList([1, 2, 3, 7, 9, 10]) == "hops 1–3, 7, 9, 10")
    }
}

/// Escaping for HTML and Markdown, and the SVG sanitiser.
@Suite struct ReportEscapingTests {
    @Test func htmlEscapesMarkupAndShowsControlCharacters() {
        #expect(
            HTMLEscape.text("<script>\"a\"&'b'</script>")
                == "&lt;script&gt;&quot;a&quot;&amp;&#39;b&#39;&lt;/script&gt;")
        #expect(HTMLEscape.text("a\u{1B}[31mb\u{202E}c") == "a\\x1B[31mb\\u{202E}c")
        #expect(HTMLEscape.verbatim("Received: a\r\n\tb <c>\u{07}") == "Received: a\n\tb &lt;c&gt;\\x07")
    }

    @Test func markdownEscapesEverythingARendererReads() {
        let s = MarkdownEscape.text("<b>*x*_y_ [l](javascript:a) ![i](u) | `c` &amp; #h")
        #expect(!s.contains("<b>"))
        for (i, c) in s.unicodeScalars.enumerated() where "<>[]!*_|`&".unicodeScalars.contains(c) {
            #expect(Array(s.unicodeScalars)[i - 1] == "\\", "unescaped \(c) in \(s)")
        }
        // Autolinks: no `://`, `www.` or `user@host` survives as written.
        let links = MarkdownEscape.text("see https://evil.example and www.evil.example or a@evil.example")
        #expect(!links.contains("://"))
        #expect(!links.lowercased().contains("www."))
        #expect(!links.contains("@e"))
        #expect(MarkdownEscape.text("\u{1B}]8;;x\u{07}") == "\\\\x1B\\]8;;x\\\\x07")
        // Block markers only at the start: a heading, a list, an ordered list.
        #expect(MarkdownEscape.text("# h - i") == "\\# h - i")
        #expect(MarkdownEscape.text("12. x 3.4") == "12\\. x 3.4")
        #expect(MarkdownEscape.text("- x") == "\\- x")
    }

    @Test func fencesAreLongerThanAnyBacktickRun() {
        #expect(MarkdownEscape.fence(for: "plain") == "```")
        #expect(MarkdownEscape.fence(for: "a ``` b") == "````")
        #expect(MarkdownEscape.fence(for: "``````") == "```````")
    }

    @Test func theSanitiserKeepsTheDrawingAndDropsWhatCouldRun() throws {
        let svg = """
            <?xml version="1.0" encoding="UTF-8" standalone="no"?>
            <!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
            <!-- Title: <script>alert(1)</script> -->
            <svg width="100pt" height="50pt" viewBox="0 0 100 50" xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" onload="alert(2)">
            <g id="graph0" class="graph" transform="scale(1 1)">
            <title>h&lt;script&gt;</title>
            <script>alert(3)</script>
            <foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>
            <a xlink:href="javascript:alert(4)"><text x="1" y="2">link</text></a>
            <polygon fill="url(http://evil.example/x)" stroke="black" points="0,0 1,1"/>
            <text x="1" y="2" font-family="DejaVu Sans" onclick="alert(5)" style="x">a &amp; b &lt;c&gt; > d &e</text>
            <image href="http://evil.example/x.png"/>
            </g>
            </svg>
            """
        let clean = try #require(SVGSanitizer.sanitize(svg))
        for bad in [
            "<script", "onload", "onclick", "foreignObject", "href", "url(", "<image", "<a ", "style=", "<!--", "<?xml",
            "DOCTYPE",
        ] {
            #expect(!clean.contains(bad), "\(bad) in \(clean)")
        }
        #expect(
            clean.hasPrefix(
                "<svg width=\"100pt\" height=\"50pt\" viewBox=\"0 0 100 50\" xmlns=\"http://www.w3.org/2000/svg\">"))
        #expect(clean.contains("<title>h&lt;script&gt;</title>"))
        #expect(clean.contains("<polygon stroke=\"black\" points=\"0,0 1,1\"/>"))
        #expect(clean.contains(">a &amp; b &lt;c&gt; &gt; d &amp;e</text>"))
        #expect(SVGSanitizer.sanitize("<html><script>x</script></html>") == nil)
        #expect(SVGSanitizer.sanitize("<svg><g></svg>") == nil)
    }
}
