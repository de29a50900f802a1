import Foundation
import HopTraceTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Headless Chromium (Debian `chromium`), for the HTML incident report: where it is, and how to
/// run it on one file.
enum Chromium {
    /// `$HOPTRACE_CHROMIUM`, else `chromium` or `chromium-browser` in /usr/bin.
    static let path: String? = {
        if let p = ProcessInfo.processInfo.environment["HOPTRACE_CHROMIUM"], !p.isEmpty { return p }
        return ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }()

    static var underCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// Runs only where Chromium is installed; without it the test is skipped, or under
    /// `CI=true` (scripts/setup installs it) fails.
    static var available: Bool {
        get throws {
            if path != nil { return true }
            if underCI { throw Missing() }
            return false
        }
    }

    struct Missing: Error, CustomStringConvertible {
        var description: String { "chromium is not installed (scripts/setup installs it); CI needs it" }
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        /// The URLs the page requested over the network (nil: the log could not be read).
        var urls: [String]?
    }

    /// Loads `file` headless with a fresh profile, no background networking, and the network
    /// log on; `action` is `--dump-dom` or `--screenshot=PATH`. Killed after 60 s.
    static func run(_ file: URL, action: [String]) throws -> Result {
        let work = try TestSupport.temporaryDirectory()
        let netLog = work.appendingPathComponent("net.json")
        var arguments = [
            "--headless", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-extensions", "--disable-default-apps", "--disable-domain-reliability",
            "--user-data-dir=" + work.appendingPathComponent("profile").path,
            "--log-net-log=" + netLog.path, "--net-log-capture-mode=Everything",
            "--window-size=1280,1000", "--hide-scrollbars",
        ]
        // Chromium refuses to run as root with its sandbox on.
        if geteuid() == 0 { arguments.append("--no-sandbox") }
        arguments += action + [file.absoluteString]
        let run = try TestSupport.runProcess(URL(fileURLWithPath: path!), arguments, timeout: 60)
        let log = (try? String(contentsOf: netLog, encoding: .utf8)) ?? ""
        return Result(status: run.status, stdout: run.stdout, stderr: run.stderr, urls: pageURLs(inNetLog: log))
    }

    /// The URLs the page asked for, from a network log: requests whose network isolation key
    /// is the file's origin (`file://`). The browser's own background requests (update checks,
    /// with `initiator: not an origin`) are not the page's. File URLs the page would load do not
    /// pass the network stack: `check(dom:)` rules them out by the elements and attributes the
    /// DOM holds. nil when the log cannot be read.
    static func pageURLs(inNetLog log: String) -> [String]? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(log.utf8)) as? [String: Any],
            let events = object["events"] as? [[String: Any]]
        else { return nil }
        var urls: [String] = []
        for event in events {
            guard let params = event["params"] as? [String: Any], let url = params["url"] as? String,
                let key = params["network_isolation_key"] as? String, key.contains("file:")
            else { continue }
            if !urls.contains(url) { urls.append(url) }
        }
        return urls
    }

    /// The elements of a serialised DOM: each tag's name and its attributes (name, value). Text
    /// never holds `<` in a serialisation (it is `&lt;`), so every `<name` is a tag.
    static func tags(_ dom: String) -> [(name: String, attributes: [(name: String, value: String)])] {
        let tag = try! NSRegularExpression(
            pattern: "<([A-Za-z][A-Za-z0-9:-]*)((?:\\s+[^\\s=/>\"']+(?:=\"[^\"]*\")?)*)\\s*/?>")
        let attr = try! NSRegularExpression(pattern: "\\s+([^\\s=/>\"']+)(?:=\"([^\"]*)\")?")
        let ns = dom as NSString
        return tag.matches(in: dom, range: NSRange(location: 0, length: ns.length)).map { m in
            let name = ns.substring(with: m.range(at: 1)).lowercased()
            let raw = ns.substring(with: m.range(at: 2)) as NSString
            let attributes = attr.matches(in: raw as String, range: NSRange(location: 0, length: raw.length)).map {
                (
                    name: raw.substring(with: $0.range(at: 1)).lowercased(),
                    value: $0.range(at: 2).location == NSNotFound ? "" : raw.substring(with: $0.range(at: 2))
                )
            }
            return (name, attributes)
        }
    }
}

/// Each HTML report loaded in headless Chromium: it renders, nothing is fetched, and no text
/// from a hostile message becomes an element or an attribute.
@Suite(.serialized, .enabled("needs chromium (CI=true fails without it)") { try Chromium.available })
struct ReportChromiumTests {
    /// Every element the report is made of; anything else in the DOM came from somewhere else.
    static let elements: Set<String> = [
        "html", "head", "meta", "title", "style", "body", "header", "main", "section", "article", "h1", "h2", "h3",
        "p", "div", "dl", "dt", "dd", "table", "thead", "tbody", "tr", "th", "td", "span", "strong", "br", "a",
        "ul", "li", "details", "summary", "pre", "svg", "g", "polygon", "polyline", "path", "ellipse", "text",
    ]

    static func report(_ input: [String]) throws -> URL {
        let dir = try TestSupport.temporaryDirectory()
        let out = dir.appendingPathComponent("report.html")
        let run = try TestSupport.run(input + ["--report", out.path], environment: ["SOURCE_DATE_EPOCH": "1795900000"])
        #expect(run.status == 0, "\(run.stderr)")
        return out
    }

    static func check(dom: String, urls: [String]?) {
        let tags = Chromium.tags(dom)
        // Every `<letter` is a tag the parse read (none escaped the checks below).
        #expect(tags.count == dom.components(separatedBy: "<").dropFirst().filter { $0.first?.isLetter == true }.count)
        for (name, attributes) in tags {
            #expect(elements.contains(name), "unexpected element <\(name)>")
            for (a, value) in attributes {
                if a == "href" { #expect(value.hasPrefix("#"), "a link out of the page: \(value)") }
                #expect(!a.hasPrefix("on"), "event handler \(a) on <\(name)>")
                #expect(!["src", "srcdoc", "xlink:href", "action", "formaction"].contains(a), "\(a) on <\(name)>")
                // Inline styles only on the transit bars.
                #expect(a != "style" || name == "span", "style on <\(name)>")
            }
        }
        // Links stay inside the page (above); the style sheet loads nothing.
        #expect(!dom.lowercased().contains("<script"))
        #expect(!dom.contains("url("))
        #expect(!dom.contains("@import"))
        #expect(urls == [], "the page requested: \(urls.map { "\($0)" } ?? "(no network log)")")
    }

    @Test func theBTReportRendersWithNothingFetched() throws {
        let file = try Self.report(ReportCommandTests.bt)
        let dump = try Chromium.run(file, action: ["--dump-dom"])
        #expect(dump.status == 0, "\(dump.stderr)")
        #expect(dump.stdout.contains("<h1>Authentication broke</h1>"))
        #expect(dump.stdout.contains("SPF broke at hop 4"))
        #expect(dump.stdout.contains("<svg"))
        Self.check(dom: dump.stdout, urls: dump.urls)
        let png = file.deletingLastPathComponent().appendingPathComponent("bt.png")
        let shot = try Chromium.run(file, action: ["--screenshot=" + png.path])
        #expect(shot.status == 0, "\(shot.stderr)")
        let bytes = try Data(contentsOf: png)
        #expect(bytes.count > 20_000)
        #expect(bytes.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        #expect(shot.urls == [], "\(shot.urls.map { "\($0)" } ?? "(no network log)")")
    }

    /// The network check sees a page's request: the same page with an image from the network
    /// and no Content-Security-Policy.
    @Test func theNetworkCheckSeesARequest() throws {
        let dir = try TestSupport.temporaryDirectory()
        let page = dir.appendingPathComponent("fetches.html")
        try Data("<!DOCTYPE html><h1>x</h1><img src=\"http://fetch.invalid/x.png\">".utf8).write(to: page)
        let dump = try Chromium.run(page, action: ["--dump-dom"])
        #expect(dump.urls == ["http://fetch.invalid/x.png"])
    }

    @Test(arguments: ["hostile-html.eml", "hostile-terminal.eml"])
    func hostileTextStaysInert(name: String) throws {
        let input = ReportCommandTests.fixtures.appendingPathComponent(name).path
        let file = try Self.report([input, "--offline"])
        let dump = try Chromium.run(file, action: ["--dump-dom"])
        #expect(dump.status == 0, "\(dump.stderr)")
        #expect(dump.stdout.contains("<h1>"))
        Self.check(dom: dump.stdout, urls: dump.urls)
        // Control characters and bidi overrides are shown, not obeyed.
        #expect(!dump.stdout.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{202E}" || $0 == "\u{07}" })
    }
}
