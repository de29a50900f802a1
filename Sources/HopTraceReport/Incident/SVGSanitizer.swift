/// Makes Graphviz's SVG safe to inline in the HTML report. The diagram carries text the message
/// wrote (host names, organisations): Graphviz escapes it, and this pass keeps only what a
/// drawing needs whatever Graphviz wrote. Elements outside a short list of shapes and text
/// (`script`, `foreignObject`, `a`, `image`, `style`, anything unknown) are dropped with their
/// content; attributes outside a short list (event handlers, `href`, `style`) are dropped, as
/// are values naming a URL (`url(`, `javascript:`); the XML declaration, doctype and comments
/// go. Text is re-escaped. Input that is not an `<svg>` document gives nil.
public enum SVGSanitizer {
    static let elements: Set<String> = [
        "svg", "g", "title", "polygon", "polyline", "path", "ellipse", "circle", "rect", "line", "text", "tspan",
    ]
    static let attributes: Set<String> = [
        "id", "class", "width", "height", "viewbox", "transform", "fill", "stroke", "stroke-width",
        "stroke-dasharray", "stroke-opacity", "fill-opacity", "points", "d", "cx", "cy", "r", "rx", "ry", "x", "y",
        "x1", "y1", "x2", "y2", "text-anchor", "font-family", "font-weight", "font-size", "font-style",
        "text-decoration", "preserveaspectratio", "xmlns",
    ]
    /// The largest diagram inlined (Graphviz's SVG of the largest chains is well under this).
    static let maxBytes = 8 << 20

    public static func sanitize(_ svg: String) -> String? {
        guard svg.utf8.count <= maxBytes else { return nil }
        let s = Array(svg.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        var i = 0
        /// Depth inside a dropped element: its content is dropped too.
        var dropping = 0
        var open: [String] = []
        var sawRoot = false
        while i < s.count {
            if s[i] != UInt8(ascii: "<") {
                let start = i
                while i < s.count, s[i] != UInt8(ascii: "<") { i += 1 }
                if dropping == 0, !open.isEmpty { out += escapeText(s[start..<i]) }
                continue
            }
            if starts(s, i, "<!--") {
                guard let end = find(s, from: i + 4, "-->") else { return nil }
                i = end + 3
                continue
            }
            if starts(s, i, "<?") || starts(s, i, "<!") {
                guard let end = find(s, from: i, ">") else { return nil }
                i = end + 1
                continue
            }
            guard let tag = parseTag(s, from: i) else { return nil }
            i = tag.end
            if tag.closing {
                if dropping > 0 {
                    dropping -= 1
                    continue
                }
                guard let last = open.last, last == tag.name else { return nil }
                open.removeLast()
                out += Array("</\(tag.name)>".utf8)
                continue
            }
            if dropping > 0 || !elements.contains(tag.name) || (tag.name != "svg" && open.isEmpty) {
                if !tag.selfClosing { dropping += 1 }
                continue
            }
            if tag.name == "svg" {
                guard !sawRoot else { return nil }
                sawRoot = true
            }
            var text = "<" + tag.name
            for (name, value) in tag.attributes where attributes.contains(name.lowercased()) {
                let lower = value.lowercased()
                if lower.contains("url(") || lower.contains("javascript:") || lower.contains("data:") { continue }
                if name.lowercased() == "xmlns" && value != "http://www.w3.org/2000/svg" { continue }
                text += " \(name)=\"\(HTMLEscape.entities(value))\""
            }
            if tag.selfClosing {
                out += Array((text + "/>").utf8)
            } else {
                out += Array((text + ">").utf8)
                open.append(tag.name)
            }
        }
        guard sawRoot, open.isEmpty, dropping == 0 else { return nil }
        return String(decoding: out, as: UTF8.self)
    }

    struct Tag {
        var name: String
        var attributes: [(String, String)]
        var closing: Bool
        var selfClosing: Bool
        var end: Int
    }

    static func isNameByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == UInt8(ascii: "-")
            || b == UInt8(ascii: ":") || b == UInt8(ascii: "_") || b == UInt8(ascii: ".")
    }

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

    /// A start or end tag at `from` (`s[from]` is `<`); entity references in values are kept as
    /// written. Attribute values must be quoted.
    static func parseTag(_ s: [UInt8], from: Int) -> Tag? {
        var i = from + 1
        var closing = false
        if i < s.count, s[i] == UInt8(ascii: "/") {
            closing = true
            i += 1
        }
        let nameStart = i
        while i < s.count, isNameByte(s[i]) { i += 1 }
        guard i > nameStart else { return nil }
        let name = String(decoding: s[nameStart..<i], as: UTF8.self)
        var attributes: [(String, String)] = []
        while true {
            while i < s.count, isSpace(s[i]) { i += 1 }
            guard i < s.count else { return nil }
            if s[i] == UInt8(ascii: ">") {
                return Tag(name: name, attributes: attributes, closing: closing, selfClosing: false, end: i + 1)
            }
            if s[i] == UInt8(ascii: "/"), i + 1 < s.count, s[i + 1] == UInt8(ascii: ">"), !closing {
                return Tag(name: name, attributes: attributes, closing: false, selfClosing: true, end: i + 2)
            }
            guard !closing else { return nil }
            let attrStart = i
            while i < s.count, isNameByte(s[i]) { i += 1 }
            guard i > attrStart else { return nil }
            let attr = String(decoding: s[attrStart..<i], as: UTF8.self)
            while i < s.count, isSpace(s[i]) { i += 1 }
            guard i < s.count, s[i] == UInt8(ascii: "=") else { return nil }
            i += 1
            while i < s.count, isSpace(s[i]) { i += 1 }
            guard i < s.count, s[i] == UInt8(ascii: "\"") || s[i] == UInt8(ascii: "'") else { return nil }
            let quote = s[i]
            i += 1
            let valueStart = i
            while i < s.count, s[i] != quote { i += 1 }
            guard i < s.count else { return nil }
            attributes.append((attr, decodeBasicEntities(String(decoding: s[valueStart..<i], as: UTF8.self))))
            i += 1
        }
    }

    /// The five XML entities, so a value is escaped once when it is written again.
    static func decodeBasicEntities(_ s: String) -> String {
        guard s.contains("&") else { return s }
        return s.replacingAll("&lt;", "<").replacingAll("&gt;", ">").replacingAll("&quot;", "\"")
            .replacingAll("&#39;", "'").replacingAll("&apos;", "'").replacingAll("&amp;", "&")
    }

    /// Text content: `>` escaped; `&` kept only as the start of an entity reference.
    static func escapeText(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let b = bytes[i]
            if b == UInt8(ascii: ">") {
                out += Array("&gt;".utf8)
            } else if b == UInt8(ascii: "&") {
                var j = i + 1
                while j < bytes.endIndex, j - i <= 10,
                    isNameByte(bytes[j]) || bytes[j] == UInt8(ascii: "#")
                {
                    j += 1
                }
                if j < bytes.endIndex, bytes[j] == UInt8(ascii: ";"), j > i + 1 {
                    out.append(b)
                } else {
                    out += Array("&amp;".utf8)
                }
            } else {
                out.append(b)
            }
            i += 1
        }
        return out
    }

    static func starts(_ s: [UInt8], _ i: Int, _ prefix: String) -> Bool {
        let p = Array(prefix.utf8)
        return i + p.count <= s.count && Array(s[i..<(i + p.count)]) == p
    }

    static func find(_ s: [UInt8], from: Int, _ needle: String) -> Int? {
        let n = Array(needle.utf8)
        var i = from
        while i + n.count <= s.count {
            if s[i] == n[0], Array(s[i..<(i + n.count)]) == n { return i }
            i += 1
        }
        return nil
    }
}

extension String {
    /// Every occurrence of `target` replaced (FoundationEssentials has no `replacingOccurrences`
    /// on every platform).
    func replacingAll(_ target: String, _ replacement: String) -> String {
        guard !target.isEmpty, contains(target) else { return self }
        var out = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            out += rest[..<range.lowerBound]
            out += replacement
            rest = rest[range.upperBound...]
        }
        return out + rest
    }
}
