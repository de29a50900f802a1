import Foundation
import HopTraceTestSupport
import Testing

#if canImport(Glibc)
private let glibcLoader = true
#else
private let glibcLoader = false
#endif

/// `--report OUT.html|OUT.md|DIR/` as a user runs it.
@Suite struct ReportCommandTests {
    static let root = TestSupport.packageRoot
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let bt = ["samples/bt-delivery-receipt.eml", "--dns-snapshot", "samples/bt-delivery-receipt.zone"].map {
        $0.hasPrefix("samples/") ? root.appendingPathComponent($0).path : $0
    }

    static func read(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }

    @Test func writesASelfContainedHTMLReportAfterTheTextReport() throws {
        let dir = try TestSupport.temporaryDirectory()
        let out = dir.appendingPathComponent("bt.html")
        let run = try TestSupport.run(
            Self.bt + ["--report", out.path], environment: ["SOURCE_DATE_EPOCH": "1795900000"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("Summary: Authentication broke"))
        let html = try Self.read(out)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("Content-Security-Policy"))
        #expect(html.contains("<h1>Authentication broke</h1>"))
        #expect(html.contains("SPF broke at hop 4: protection.outlook.com"))
        #expect(html.contains("2026-11-28T21:06:40Z"))
        #expect(html.contains("<svg"))
        #expect(!html.lowercased().contains("<script"))
        #expect(html.contains("rankdir") == false)
        // The verdict comes before the diagram, the diagram before the hop table.
        let verdict = try #require(html.range(of: "id=\"verdict\""))
        let diagram = try #require(html.range(of: "id=\"diagram\""))
        let hops = try #require(html.range(of: "-hops\""))
        #expect(verdict.lowerBound < diagram.lowerBound && diagram.lowerBound < hops.lowerBound)
    }

    @Test func sourceDateEpochMakesTheReportReproducible() throws {
        let dir = try TestSupport.temporaryDirectory()
        let a = dir.appendingPathComponent("a.md")
        let b = dir.appendingPathComponent("b.md")
        let env = ["SOURCE_DATE_EPOCH": "1795900000"]
        #expect(try TestSupport.run(Self.bt + ["--report", a.path], environment: env).status == 0)
        #expect(try TestSupport.run(Self.bt + ["--report", b.path], environment: env).status == 0)
        #expect(try Self.read(a).replacingOccurrences(of: "a.svg", with: "b.svg") == (try Self.read(b)))
    }

    @Test func writesMarkdownWithTheDiagramBeside() throws {
        let dir = try TestSupport.temporaryDirectory()
        let out = dir.appendingPathComponent("bt.md")
        let run = try TestSupport.run(Self.bt + ["--report", out.path])
        #expect(run.status == 0, "\(run.stderr)")
        let md = try Self.read(out)
        #expect(md.hasPrefix("# Authentication broke\n"))
        #expect(md.contains("![Relay path](bt.svg)"))
        let svg = try Self.read(dir.appendingPathComponent("bt.svg"))
        #expect(svg.hasPrefix("<?xml") && svg.contains("<svg"))
        #expect(md.contains("| \\# | Sender | Receiver |"))
        #expect(md.contains("```\nReceived: "))
    }

    @Test func aMailboxGivesOneReportPerMessageAndAnIndex() throws {
        let dir = try TestSupport.temporaryDirectory()
        var mbox = ""
        for (i, subject) in ["../../../etc/passwd", "<script>x</script>", "fine"].enumerated() {
            mbox += "From sender@example.net Mon Feb  3 10:00:0\(i) 2025\n"
            mbox += "Received: from a.example.net ([198.51.100.7]) by mx.example.org with ESMTP id \(i);"
            mbox += " Mon, 3 Feb 2025 10:00:0\(i) +0000\nFrom: a@example.net\nSubject: \(subject)\n\nbody\n\n"
        }
        let box = dir.appendingPathComponent("box.mbox")
        try Data(mbox.utf8).write(to: box)
        let out = dir.appendingPathComponent("reports")
        let run = try TestSupport.run([box.path, "--offline", "--report", out.path + "/"])
        #expect(run.status == 0, "\(run.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        #expect(
            names == [
                "index.html", "index.md", "message-0001.html", "message-0001.md", "message-0001.svg",
                "message-0002.html", "message-0002.md", "message-0002.svg", "message-0003.html", "message-0003.md",
                "message-0003.svg",
            ])
        let index = try Self.read(out.appendingPathComponent("index.html"))
        #expect(index.contains("href=\"message-0002.html\""))
        #expect(index.contains("&lt;script&gt;x&lt;/script&gt;"))
        #expect(try Self.read(out.appendingPathComponent("index.md")).contains("(message-0001.md)"))
    }

    @Test func aMailboxNeedsAFolder() throws {
        let dir = try TestSupport.temporaryDirectory()
        let box = dir.appendingPathComponent("box.mbox")
        let message = "From a@b Mon Feb  3 10:00:00 2025\nReceived: from a by b; Mon, 3 Feb 2025 10:00:00 +0000\n\nx\n"
        try Data((message + "\n" + message).utf8).write(to: box)
        let run = try TestSupport.run([box.path, "--offline", "--report", dir.appendingPathComponent("r.html").path])
        #expect(run.status == 64)
        #expect(run.stderr.hasPrefix("hoptrace: error: --report "))
    }

    @Test func anUnknownReportFormatIsAUsageError() throws {
        let run = try TestSupport.run(Self.bt + ["--report", "out.pdf"])
        #expect(run.status == 64)
        #expect(run.stderr.contains("--report: unknown format"))
    }

    @Test func aReportThatCannotBeWrittenIsAnIOError() throws {
        let dir = try TestSupport.temporaryDirectory()
        let run = try TestSupport.run(Self.bt + ["--report", dir.appendingPathComponent("no/such/r.html").path])
        #expect(run.status == 74)
        #expect(run.stderr.split(separator: "\n").count == 1)
    }

    @Test(.enabled(if: glibcLoader, "needs glibc's loader (LD_LIBRARY_PATH)"))
    func aDiagramThatCannotBeDrawnKeepsTheReport() throws {
        let dir = try TestSupport.temporaryDirectory()
        let out = dir.appendingPathComponent("bt.html")
        let run = try LazyLibraryTests.withBrokenLibraries(Self.bt + ["--report", out.path])
        #expect(run.status == 74)
        #expect(run.stdout.contains("Summary: Authentication broke"))
        #expect(run.stderr.split(separator: "\n").count == 1, "\(run.stderr)")
        #expect(
            run.stderr.hasPrefix("hoptrace: error: --report: the diagram could not be drawn: Graphviz is not available")
        )
        let html = try Self.read(out)
        #expect(html.contains("The diagram is unavailable: Graphviz is not available"))
        #expect(html.contains("SPF broke at hop 4"))
    }

    /// The hostile samples through the Markdown report: outside fenced blocks there is no raw
    /// HTML, no link or image the message made, no autolink.
    @Test(arguments: ["hostile-html.eml", "hostile-terminal.eml"])
    func hostileTextStaysTextInMarkdown(name: String) throws {
        let dir = try TestSupport.temporaryDirectory()
        let out = dir.appendingPathComponent("r.md")
        let run = try TestSupport.run([
            Self.fixtures.appendingPathComponent(name).path, "--offline", "--report", out.path,
        ])
        #expect(run.status == 0, "\(run.stderr)")
        let md = try Self.read(out)
        var fence: String?
        for line in md.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if let f = fence {
                if line == f { fence = nil }
                continue
            }
            if line.hasPrefix("```") {
                fence = String(line.prefix { $0 == "`" })
                continue
            }
            #expect(!line.unicodeScalars.contains { $0.value < 0x20 || (0x202A...0x202E).contains($0.value) })
            let scalars = Array(line.unicodeScalars)
            for (i, c) in scalars.enumerated() where c == "<" {
                #expect(i > 0 && scalars[i - 1] == "\\", "raw < in: \(line)")
            }
            #expect(!line.contains("://"), "autolink in: \(line)")
            #expect(!line.lowercased().contains("www."), "autolink in: \(line)")
            #expect(
                line.range(of: "[A-Za-z0-9]@[A-Za-z0-9]", options: .regularExpression) == nil, "autolink in: \(line)")
            // The only link is the report's own (the diagram beside it).
            for (i, c) in scalars.enumerated() where c == "]" && i + 1 < scalars.count && scalars[i + 1] == "(" {
                #expect(scalars[i - 1] == "\\" || line == "![Relay path](r.svg)", "a link in: \(line)")
            }
        }
        #expect(fence == nil)
    }
}
