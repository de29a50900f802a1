import Foundation
import HopTraceCore
import HopTraceDNS
import Testing

@testable import HopTraceReport

/// The text report's fitting rules: names cut in the middle keeping their registrable domain,
/// wrapping with a hanging indent, the width rule, `--wide`.
@Suite struct TextLayoutTests {
    static let psl = PublicSuffixList.bundled

    @Test(arguments: [
        ("mail-ab12cd34ef56gh78ij90kl12mn34op56qr78st90.eurprd06.prod.outlook.com", 40, "outlook.com"),
        ("a-very-long-first-label-of-a-host-name.mail.example.co.uk", 30, "example.co.uk"),
        ("abcdefghij.\(String(repeating: "q", count: 80)).com", 30, "\(String(repeating: "q", count: 80)).com"),
        ("host-\(String(repeating: "7", count: 70)).sub.example.", 40, "example."),
    ])
    func aShortenedNameKeepsItsRegistrableDomain(name: String, limit: Int, domain: String) {
        let short = TextLayout.shortenName(name, limit: limit, publicSuffixList: Self.psl)
        #expect(short.contains("…"))
        #expect(short.hasSuffix("." + domain), "\(short)")
        #expect(short.count <= max(limit, domain.count + 2 + TextLayout.minimumHead), "\(short)")
        #expect(short.hasPrefix(String(name.prefix(2))))
    }

    @Test func aShortNameIsUntouched() {
        #expect(TextLayout.shortenName("mx.example.com", limit: 64, publicSuffixList: Self.psl) == "mx.example.com")
    }

    @Test func theIssuesExampleCutsLikeThis() {
        let name = "mail-ab12cd34ef56gh78ij90.eurprd06.prod.outlook.com"
        #expect(TextLayout.shortenName(name, limit: 26, publicSuffixList: Self.psl) == "mail-ab12…prod.outlook.com")
    }

    @Test func middleCutKeepsTheEnd() {
        let id = "<" + String(repeating: "x", count: 200) + "@DB5PR06MB1495.eurprd06.prod.outlook.com>"
        let cut = TextLayout.middleCut(id, limit: 80)
        #expect(cut.count == 80)
        #expect(cut.hasSuffix("outlook.com>"))
    }

    @Test func wrappingHangsUnderTheText() {
        let line = "    error kind (hop 4): " + Array(repeating: "word", count: 40).joined(separator: " ")
        let lines = TextLayout.wrap(line, width: 50)
        #expect(lines.count > 1)
        #expect(lines.allSatisfy { TextLayout.displayWidth($0) <= 50 })
        #expect(lines[0].hasPrefix("    error"))
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("      word") })
        #expect(
            lines.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
                == line.trimmingCharacters(in: .whitespaces))
    }

    @Test func aHopLineHangsUnderItsNumberedText() {
        let line = "   12. " + Array(repeating: "relay.example.com", count: 8).joined(separator: " ")
        let lines = TextLayout.wrap(line, width: 60)
        #expect(lines.count > 1)
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix(String(repeating: " ", count: 7) + "relay") })
    }

    @Test func aWordLongerThanTheLineIsNotBroken() {
        let name = "very-long-host-name-" + String(repeating: "z", count: 80) + ".example.com"
        let lines = TextLayout.wrap("  from " + name + " to somewhere", width: 40)
        #expect(lines.contains { $0.trimmingCharacters(in: .whitespaces) == name })
    }

    @Test func colourSequencesTakeNoColumns() {
        let red = "\u{1B}[31merror\u{1B}[0m"
        #expect(TextLayout.displayWidth(red) == 5)
        #expect(TextLayout.displayWidth("日本") == 4)
    }

    @Test func theWidthRule() {
        #expect(TextLayout.columns(terminalColumns: 132, environment: ["COLUMNS": "80"]) == 132)
        #expect(TextLayout.columns(terminalColumns: nil, environment: ["COLUMNS": "80"]) == 80)
        #expect(TextLayout.columns(terminalColumns: nil, environment: ["COLUMNS": "junk"]) == 100)
        #expect(TextLayout.columns(terminalColumns: nil, environment: [:]) == 100)
        #expect(TextLayout.columns(terminalColumns: 10, environment: [:]) == TextLayout.minimumColumns)
    }

    @Test func mergedLinesCountTheirRepeats() {
        #expect(TextLayout.merged(["a", "b", "a", "a"]) == ["a (×3)", "b"])
    }
}

/// Every sample through the text report: the rules hold on real output.
@Suite struct TextReportSampleTests {
    static func report(_ name: String) async throws -> Report {
        let root = GoldenTests.packageRoot
        let bytes = try [UInt8](Data(contentsOf: root.appendingPathComponent("samples/\(name)")))
        let zone = root.appendingPathComponent("samples/" + name.replacingOccurrences(of: ".eml", with: ".zone"))
        var options = AnalysisOptions(now: 1_795_900_000, publicSuffixList: .bundled)
        if FileManager.default.fileExists(atPath: zone.path) {
            options.resolver = try SnapshotResolver(contentsOf: zone.path)
            options.dnsSource = "snapshot samples/" + zone.lastPathComponent
        }
        return try await Analyzer.analyze(bytes, options: options)
    }

    /// Every host name of the report's hops, lower case.
    static func names(_ report: Report) -> Set<String> {
        var out: Set<String> = []
        for chain in report.chains {
            for hop in chain.hops {
                let r = hop.received
                for n in [r.from?.helo, r.from?.rdns, r.by?.name].compactMap({ $0 }) { out.insert(n.lowercased()) }
            }
            for host in chain.topology.hosts { out.formUnion(host.names.map { $0.lowercased() }) }
        }
        return out
    }

    @Test(arguments: GoldenTests.samples, [TextWidth.columns(40), .columns(100), .unlimited])
    func noLineCutsARegistrableDomain(name: String, width: TextWidth) async throws {
        let report = try await Self.report(name)
        let text = TextRenderer(color: false, width: width).render(report, title: name).lowercased()
        for line in text.split(separator: "\n") where line.contains("…") {
            // A cut is "…" followed by the rest of a name: that rest ends in a whole registrable domain.
            for piece in line.split(separator: "…").dropFirst() {
                let word = piece.prefix { !" )]>,;".contains($0) }
                guard word.contains("."), !word.hasPrefix(".") || word.count > 1 else { continue }
                let host = word.hasPrefix(".") ? String(word.dropFirst()) : String(word)
                if let domain = TextLayoutTests.psl.registrableDomain(of: host) {
                    #expect(host.hasSuffix(domain), "\(name): \(line)")
                }
            }
        }
        // Every registrable domain of the hops' names is printed whole.
        for n in Self.names(report) {
            guard let domain = TextLayoutTests.psl.registrableDomain(of: n) else { continue }
            #expect(text.contains(domain), "\(name): \(domain) missing")
        }
    }

    @Test(arguments: GoldenTests.samples)
    func wrappedLinesFitTheWidth(name: String) async throws {
        let report = try await Self.report(name)
        for columns in [40, 72, 100] {
            let text = TextRenderer(color: false, width: .columns(columns)).render(report, title: name)
            for line in text.split(separator: "\n") where TextLayout.displayWidth(line) > columns {
                // Only a single word longer than the room may overflow.
                let words = line.split(separator: " ")
                #expect(words.count <= 2, "\(name) at \(columns): \(line)")
            }
        }
    }

    @Test(arguments: GoldenTests.samples)
    func wideCutsAndWrapsNothing(name: String) async throws {
        let report = try await Self.report(name)
        let wide = TextRenderer(color: false, width: .unlimited).render(report, title: name)
        let narrow = TextRenderer(color: false, width: .columns(40)).render(report, title: name)
        #expect(!wide.contains("…") || narrow.contains("…"))
        // Every line of the wrapped report is part of a line of the wide one.
        let wideText = wide.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
        #expect(wideText.count <= narrow.split(separator: "\n").count)
        for hop in report.chains.flatMap(\.hops) {
            for n in [hop.received.from?.helo, hop.received.by?.name].compactMap({ $0 }) {
                #expect(wide.contains(TerminalText.sanitize(n)), "\(name): \(n) not whole with --wide")
            }
        }
    }
}

extension TextLayoutTests {
    @Test func anAddressAndItsScopeStayTogether() {
        let line =
            "  2. smtpe1.intersmtp.com [10.187.98.11 private] → EVMHT66-UKRD.domain1.systemhost.net [10.36.3.103 private]"
        let lines = TextLayout.wrap(line, width: 100)
        #expect(
            lines == [
                "  2. smtpe1.intersmtp.com [10.187.98.11 private] → EVMHT66-UKRD.domain1.systemhost.net",
                "     [10.36.3.103 private]",
            ])
    }
}

extension TextReportSampleTests {
    /// Every sample's text report opens with the summary: the title line, then the verdict.
    @Test(arguments: GoldenTests.samples)
    func opensWithTheSummary(name: String) async throws {
        let report = try await Self.report(name)
        let lines = TextRenderer(color: false).render(report, title: name).split(separator: "\n")
        #expect(lines.count > 2)
        #expect(lines.first?.hasPrefix("hoptrace: ") == true, "\(name)")
        #expect(lines.dropFirst().first?.hasPrefix("Summary: ") == true, "\(name): \(lines.prefix(2))")
    }

    /// `--wide` shows each vendor header's raw value under its filter line; the fitted report
    /// only the decoded line.
    @Test func wideShowsTheRawVendorHeaders() async throws {
        let report = try await Self.report("vendor-microsoft-phish.eml")
        let wide = TextRenderer(color: false, width: .unlimited).render(report, title: "phish")
        let fitted = TextRenderer(color: false).render(report, title: "phish")
        let raw = wide.split(separator: "\n").filter { $0.contains("X-Forefront-Antispam-Report: ") }
        #expect(raw.count == 1)
        #expect(raw.first?.contains("CAT:HPHISH") == true)
        #expect(!fitted.contains("X-Forefront-Antispam-Report: "))
        #expect(fitted.contains("filter: Microsoft 365: phish"))
    }

    @Test(arguments: GoldenTests.samples)
    func noNoticeIsRepeated(name: String) async throws {
        let report = try await Self.report(name)
        let text = TextRenderer(color: false, width: .unlimited).render(report, title: name)
        let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        // Each note's text once in the whole report.
        let notes = lines.filter { $0.hasPrefix("note ") }.map { $0.drop { $0 != ":" } }
        #expect(Set(notes).count == notes.count, "\(name): \(notes)")
        for phrase in ["Offline: SPF was not replayed", "cannot be in a public SPF record", "DNS answers:"] {
            #expect(text.components(separatedBy: phrase).count <= 2, "\(name): \(phrase) more than once")
        }
        // A "see above" line names only notes an earlier Authentication block printed.
        var blockStart = 0
        var definedAt: [Int: Int] = [:]
        for (i, line) in lines.enumerated() {
            if line == "Authentication:" { blockStart = i }
            if line.hasPrefix("note "), let colon = line.firstIndex(of: ":"),
                let n = Int(line[line.index(line.startIndex, offsetBy: 5)..<colon])
            {
                definedAt[n] = i
            }
            if line.hasSuffix(": see above") {
                let numbers = line.drop { !$0.isNumber }.prefix { $0 != ":" }.split(separator: ",").compactMap {
                    Int($0.trimmingCharacters(in: .whitespaces))
                }
                #expect(!numbers.isEmpty)
                for n in numbers { #expect((definedAt[n] ?? Int.max) < blockStart, "\(name): \(line)") }
            }
        }
        // Every note number referred to is printed.
        let printed = Set(
            lines.compactMap { line -> Int? in
                guard line.hasPrefix("note "), let colon = line.firstIndex(of: ":") else { return nil }
                return Int(line[line.index(line.startIndex, offsetBy: 5)..<colon])
            })
        for line in lines {
            for part in line.components(separatedBy: "(note ").dropFirst() {
                let n = Int(part.prefix { $0.isNumber })
                #expect(n.map(printed.contains) == true, "\(name): \(line)")
            }
        }
    }

    @Test(arguments: GoldenTests.samples)
    func noHopAndNoAuthenticationBlockRepeatsALine(name: String) async throws {
        let report = try await Self.report(name)
        let renderer = TextRenderer(color: false, width: .unlimited)
        for chain in report.chains {
            for hop in chain.hops {
                let lines = renderer.render(hop, width: 1)
                #expect(Set(lines).count == lines.count, "\(name) hop \(hop.index): \(lines)")
            }
            var notes = NoteBook()
            let auth = renderer.render(chain.authentication, chain: chain, notes: &notes)
            #expect(Set(auth).count == auth.count, "\(name): \(auth)")
        }
    }

    @Test func theBTReceiptsDKIMVerdictIsPrintedOnceWithItsCount() async throws {
        let report = try await Self.report("bt-delivery-receipt.eml")
        let text = TextRenderer(color: false, width: .unlimited).render(report, title: "bt")
        let dkim = text.split(separator: "\n").filter { $0.contains("DKIM recorded at hop 4") }
        #expect(dkim == ["    DKIM recorded at hop 4: fail for m0noc.net (signature did not verify) (×2)"])
    }
}

extension TextReportSampleTests {
    /// Attacker-written names: huge, with escape sequences and bidi overrides.
    @Test(arguments: [TextWidth.columns(80), .unlimited])
    func hostileNamesAreCutEscapedAndStillWrap(width: TextWidth) async throws {
        let huge = String(repeating: "a\u{1B}[31m\u{202E}", count: 2_000) + ".evil.example.co.uk"
        let message = Array(
            """
            Received: from \(huge) (unknown [198.51.100.9]) by mx.example.net with ESMTP id 1; Tue, 03 Nov 2026 09:12:05 +0000
            Subject: \(String(repeating: "x", count: 5_000))\u{1B}]0;title\u{07}
            From: a@example.org

            body

            """.utf8)
        let report = try await Analyzer.analyze(message, options: .offline)
        let text = TextRenderer(color: false, width: width).render(report, title: "hostile")
        #expect(!text.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{202E}" || $0 == "\u{07}" })
        #expect(text.contains("evil.example.co.uk"))
        if case .columns(let n) = width {
            #expect(!text.contains(String(repeating: "x", count: 200)))
            for line in text.split(separator: "\n") where TextLayout.displayWidth(line) > n {
                #expect(line.split(separator: " ").count <= 2, "\(line.prefix(120))")
            }
            #expect(text.count < 20_000)
        }
    }
}
