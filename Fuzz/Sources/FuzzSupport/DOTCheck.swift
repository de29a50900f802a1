import HopTraceTopology

/// What DOT written by `DOTEncoder` must be, whatever the names in it: no raw control
/// characters, bidirectional overrides or XML-forbidden characters; every quoted string and
/// HTML-like label closed where the encoder closed it; outside them only the encoder's own
/// words; inside HTML-like labels only the encoder's tags, balanced, with `&` only as the
/// entities the escaping writes; a backslash only as an escaped backslash (or quote), so
/// Graphviz's `\N`, `\G`, `\n`, `\l` never come from a name; one node statement per host and
/// one `->` per edge.
public enum DOTCheck {
    static let words: Set<String> = [
        "digraph", "subgraph", "graph", "node", "edge", "rankdir", "LR", "fontname", "fontsize", "labelloc", "t",
        "labeljust", "l", "nodesep", "ranksep", "pad", "newrank", "true", "label", "shape", "box", "style",
        "fillcolor", "color", "margin", "fontcolor", "arrowsize", "penwidth", "peripheries", "cluster_internal",
    ]
    static let tags: Set<String> = ["table", "tr", "td", "font", "b", "i", "br"]
    static let entities: Set<String> = ["amp", "lt", "gt", "quot"]

    static func isWordByte(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F || c == 0x2E
    }

    static func allowed(_ word: String) -> Bool {
        if words.contains(word) { return true }
        if word.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }) { return true }
        for prefix in ["h", "cluster_o"] where word.hasPrefix(prefix) {
            var rest = word.dropFirst(prefix.count)
            if prefix == "cluster_o", rest.hasSuffix("_internal") { rest = rest.dropLast("_internal".count) }
            if !rest.isEmpty && rest.allSatisfy({ $0.isASCII && $0.isNumber }) { return true }
        }
        return false
    }

    public static func validate(_ dot: String, topology: Topology) {
        FuzzCheck.noControlCharacters(dot, in: "the DOT text")
        for s in dot.unicodeScalars {
            let v = s.value
            FuzzCheck.require(
                !((0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) || v == 0xFFFE || v == 0xFFFF),
                "the DOT text holds U+\(String(v, radix: 16, uppercase: true))")
        }
        let b = Array(dot.utf8)
        var tokens: [String] = []
        var depth = 0
        var i = 0
        while i < b.count {
            let c = b[i]
            switch c {
            case 0x20, 0x0A:
                i += 1
            case 0x22:  // "…"
                i += 1
                var closed = false
                while i < b.count {
                    if b[i] == 0x5C {
                        FuzzCheck.require(
                            i + 1 < b.count && (b[i + 1] == 0x5C || b[i + 1] == 0x22),
                            "a backslash in a quoted string escapes neither a backslash nor a quote, at byte \(i)")
                        i += 2
                        continue
                    }
                    FuzzCheck.require(b[i] != 0x0A, "a quoted string spans lines, at byte \(i)")
                    if b[i] == 0x22 {
                        closed = true
                        i += 1
                        break
                    }
                    i += 1
                }
                FuzzCheck.require(closed, "a quoted string is not closed")
                tokens.append("\"")
            case 0x3C:  // <…>, nested
                let start = i
                var level = 0
                repeat {
                    if b[i] == 0x3C { level += 1 } else if b[i] == 0x3E { level -= 1 }
                    i += 1
                } while i < b.count && level > 0
                FuzzCheck.require(level == 0, "an HTML-like label is not closed, from byte \(start)")
                html(Array(b[(start + 1)..<(i - 1)]), at: start + 1)
                tokens.append("<")
            case 0x7B, 0x7D, 0x5B, 0x5D, 0x3D, 0x2C, 0x3B:
                if c == 0x7B { depth += 1 }
                if c == 0x7D { depth -= 1 }
                FuzzCheck.require(depth >= 0, "a } closes nothing, at byte \(i)")
                tokens.append(String(UnicodeScalar(c)))
                i += 1
            case 0x2D where i + 1 < b.count && b[i + 1] == 0x3E:
                tokens.append("->")
                i += 2
            default:
                let start = i
                while i < b.count && isWordByte(b[i]) { i += 1 }
                FuzzCheck.require(i > start, "byte \(c) outside any string, at byte \(i): text escaped its quoting")
                let word = String(decoding: b[start..<i], as: UTF8.self)
                FuzzCheck.require(allowed(word), "the word \(word) outside any string, at byte \(start)")
                tokens.append(word)
            }
        }
        FuzzCheck.require(depth == 0, "braces do not balance")
        let arrows = tokens.filter { $0 == "->" }.count
        FuzzCheck.require(arrows == topology.edges.count, "\(arrows) edges written for \(topology.edges.count)")
        var nodes = 0
        for k in tokens.indices.dropLast() where tokens[k].hasPrefix("h") && tokens[k + 1] == "[" {
            if k == 0 || tokens[k - 1] != "->" { nodes += 1 }
        }
        FuzzCheck.require(nodes == topology.hosts.count, "\(nodes) node statements for \(topology.hosts.count) hosts")
    }

    /// The inside of one HTML-like label.
    static func html(_ b: [UInt8], at offset: Int) {
        var open: [String] = []
        var i = 0
        while i < b.count {
            switch b[i] {
            case 0x3C:
                var end = i + 1
                while end < b.count && b[end] != 0x3E {
                    FuzzCheck.require(b[end] != 0x3C, "a < inside a tag, at byte \(offset + end)")
                    end += 1
                }
                FuzzCheck.require(end < b.count, "a tag is not closed, at byte \(offset + i)")
                tag(String(decoding: b[(i + 1)..<end], as: UTF8.self), open: &open, at: offset + i)
                i = end + 1
            case 0x26:
                var end = i + 1
                while end < b.count && b[end] != 0x3B && end - i < 12 { end += 1 }
                let name = String(decoding: b[(i + 1)..<min(end, b.count)], as: UTF8.self)
                let numeric =
                    name.hasPrefix("#") && name.count > 1
                    && name.dropFirst().allSatisfy { $0.isASCII && $0.isNumber }
                FuzzCheck.require(
                    end < b.count && b[end] == 0x3B && (entities.contains(name) || numeric),
                    "an & that is not an entity the escaping writes, at byte \(offset + i)")
                i = end + 1
            case 0x5C:
                FuzzCheck.require(
                    i + 1 < b.count && b[i + 1] == 0x5C, "a lone backslash in a label, at byte \(offset + i)")
                i += 2
            default:
                i += 1
            }
        }
        FuzzCheck.require(open.isEmpty, "tags left open in a label: \(open)")
    }

    /// One tag: a known name, attributes `name="value"` with plain values, balanced.
    static func tag(_ text: String, open: inout [String], at offset: Int) {
        var body = Substring(text)
        let closing = body.hasPrefix("/")
        if closing { body = body.dropFirst() }
        let selfClosing = body.hasSuffix("/")
        if selfClosing { body = body.dropLast() }
        let parts = body.split(separator: " ")
        guard let name = parts.first.map(String.init), tags.contains(name) else {
            FuzzCheck.fail("unknown tag <\(text)> at byte \(offset)")
        }
        for attribute in parts.dropFirst() {
            let kv = attribute.split(separator: "=", maxSplits: 1)
            FuzzCheck.require(
                kv.count == 2 && kv[0].allSatisfy { $0.isASCII && ($0.isLetter || $0 == "-") }
                    && kv[1].hasPrefix("\"") && kv[1].hasSuffix("\"") && kv[1].count >= 2
                    && !kv[1].dropFirst().dropLast().contains(where: { $0 == "\"" || $0 == "&" }),
                "attribute \(attribute) of <\(text)> at byte \(offset)")
        }
        if selfClosing {
            FuzzCheck.require(name == "br" && !closing, "self-closing <\(text)> at byte \(offset)")
        } else if closing {
            FuzzCheck.require(open.last == name, "</\(name)> closes \(open.last ?? "nothing"), at byte \(offset)")
            open.removeLast()
        } else {
            open.append(name)
        }
    }
}
