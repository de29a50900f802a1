import HopTraceCore
import HopTraceReceived
import Testing

@testable import HopTraceTopology

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

@Suite struct DOTEncoderTests {
    static func golden(_ name: String, _ text: String) throws {
        let url = Fixtures.goldenDirectory.appendingPathComponent(name)
        if Fixtures.recording {
            try Data(text.utf8).write(to: url)
            return
        }
        let expected = try #require(
            try? Data(contentsOf: url), "missing golden \(name): run with HOPTRACE_RECORD_GOLDEN=1")
        #expect(
            String(decoding: expected, as: UTF8.self) == text,
            "\(name) differs: re-record with HOPTRACE_RECORD_GOLDEN=1")
    }

    static let btTitle = "bt.com delivery receipt · path of <57B81F58.4030706@m0noc.net>"

    @Test func btGolden() throws {
        try Self.golden(
            "bt-com.dot",
            DOTEncoder.encode(
                Topology.build(hops: Fixtures.btHops),
                options: .init(title: Self.btTitle)))
        try Self.golden(
            "bt-com-annotated.dot",
            DOTEncoder.encode(
                Fixtures.btAnnotated(),
                options: .init(title: Self.btTitle)))
    }

    @Test func raynetGolden() throws {
        let title = "Raynet forward · path of <57BC990C.5060402@m0noc.net>"
        try Self.golden(
            "raynet.dot", DOTEncoder.encode(Topology.build(hops: Fixtures.raynetHops), options: .init(title: title)))
        try Self.golden(
            "raynet-annotated.dot", DOTEncoder.encode(Fixtures.raynetAnnotated(), options: .init(title: title)))
    }

    @Test func deterministic() {
        let a = DOTEncoder.encode(Fixtures.btAnnotated())
        for _ in 0..<5 { #expect(DOTEncoder.encode(Fixtures.btAnnotated()) == a) }
    }

    @Test func annotatedEdgeIsRed() {
        let dot = DOTEncoder.encode(Fixtures.btAnnotated())
        let line = dot.split(separator: "\n").first { $0.contains("h2 -> h4") }
        #expect(line?.contains("color=\"#c62828\"") == true)
        #expect(line?.contains("SPF fail: checked 62.239.224.235") == true)
        #expect(dot.contains("cluster_o2_internal"))
    }

    @Test(arguments: [
        ("a\"b", "a&quot;b", "\"a\\\"b\""),
        ("<script>", "&lt;script&gt;", "\"<script>\""),
        ("a&b", "a&amp;b", "\"a&amp;b\""),
        ("x\ny", "x\\\\x0Ay", "\"x\\\\x0Ay\""),
        ("\\N\\G", "\\\\N\\\\G", "\"\\\\N\\\\G\""),
        ("\u{1B}[31m", "\\\\x1B[31m", "\"\\\\x1B[31m\""),
        ("\u{202E}", "\\\\u{202E}", "\"\\\\u{202E}\""),
        ("ok\u{FFFF}", "ok\u{FFFD}", "\"ok\u{FFFD}\""),
    ])
    func escaping(_ raw: String, _ html: String, _ quoted: String) {
        #expect(DOTText.html(raw) == html)
        #expect(DOTText.quoted(raw) == quoted)
    }

    @Test func longNamesAreCut() {
        let long = String(repeating: "a", count: 10_000) + ".example"
        let html = DOTText.html(long)
        #expect(html.count == DOTText.maxNameCharacters)
        #expect(html.hasSuffix("…"))
    }

    @Test func hostileNamesStayInsideTheirLabels() {
        let hostile = [
            "evil\"] ; h9 -> h1 [label=\"x", "<script>alert(1)</script>.example", "a&b.example",
            "line1\nline2.example", "ctl\u{1B}[2J\u{7}.example", String(repeating: "x", count: 10_000) + ".example",
            "\\N\\G.example", "]]><!--.example",
        ]
        var hops: [Hop] = []
        for (i, name) in hostile.enumerated() {
            hops.append(
                Fixtures.hop(
                    i + 1, from: name, "192.0.2.\(i + 1)", by: "mx\(i).example", "198.51.100.\(i + 1)",
                    with: "ESMTP\"><b>", delay: i))
        }
        let t = Topology.build(hops: hops)
        let marks = [EdgeAnnotation(hop: 1, severity: .error, label: "<font color=\"red\">x</font>&")]
        let dot = DOTEncoder.encode(t, annotations: marks, options: .init(title: "<title>\"&\\G"))
        #expect(!dot.contains("<script"))
        // Exactly one edge statement per hop: the quote in the first name opened nothing.
        let edgeLines = dot.split(separator: "\n").filter {
            let words = $0.split(separator: " ")
            return words.count > 2 && words[1] == "->"
        }
        #expect(edgeLines.count == t.edges.count)
        #expect(!dot.contains("h9 -> h1 ["))
        #expect(!dot.contains(String(repeating: "x", count: 100)))
        #expect(!dot.contains("\u{1B}"))
        // Every line is one statement: no raw newline got in.
        for line in dot.split(separator: "\n") {
            #expect(line.hasPrefix("  ") || line.hasPrefix("digraph") || line == "}")
        }
    }
}

extension DOTEncoder {
    static func encode(_ a: Fixtures.Annotated, options: Options = Options()) -> String {
        encode(a.topology, annotations: a.annotations, options: options)
    }
}
