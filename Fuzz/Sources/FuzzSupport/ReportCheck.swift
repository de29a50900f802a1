/// What the incident report's renderers must hold to, whatever the message wrote.
public enum ReportCheck {
    /// The elements the HTML renderer writes; text from the message is escaped, so any other
    /// element came from the message.
    static let elements: Set<String> = [
        "a", "article", "body", "br", "dd", "details", "div", "dl", "dt", "h1", "h2", "h3", "head", "header",
        "html", "li", "main", "meta", "p", "pre", "section", "span", "strong", "style", "summary", "table",
        "tbody", "td", "th", "thead", "title", "tr", "ul", "!doctype",
    ]

    /// Every `<` opens one of the renderer's elements (or closes one), and no tag carries an
    /// `on…` attribute.
    public static func html(_ html: String) {
        let s = Array(html.utf8)
        var i = 0
        while i < s.count {
            guard s[i] == UInt8(ascii: "<") else {
                i += 1
                continue
            }
            var j = i + 1
            if j < s.count, s[j] == UInt8(ascii: "/") { j += 1 }
            let nameStart = j
            while j < s.count, isNameByte(s[j]) { j += 1 }
            let name = String(decoding: s[nameStart..<j], as: UTF8.self).lowercased()
            FuzzCheck.require(elements.contains(name), "HTML element <\(name)> is not one the renderer writes")
            // Attributes up to the closing `>`, quoted values skipped.
            while j < s.count, s[j] != UInt8(ascii: ">") {
                if s[j] == UInt8(ascii: "\"") || s[j] == UInt8(ascii: "'") {
                    let quote = s[j]
                    j += 1
                    while j < s.count, s[j] != quote { j += 1 }
                    j += 1
                    continue
                }
                if isNameByte(s[j]) {
                    let start = j
                    while j < s.count, isNameByte(s[j]) { j += 1 }
                    let attribute = String(decoding: s[start..<j], as: UTF8.self).lowercased()
                    FuzzCheck.require(!attribute.hasPrefix("on"), "HTML attribute \(attribute) on <\(name)>")
                    continue
                }
                j += 1
            }
            i = j + 1
        }
    }

    /// Outside fenced blocks, no unescaped `<` that a Markdown renderer would read as HTML.
    public static func markdown(_ markdown: String) {
        var fence: Substring?
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.drop { $0 == " " }
            if let open = fence {
                if trimmed.hasPrefix(open), trimmed.allSatisfy({ $0 == "`" }) { fence = nil }
                continue
            }
            if trimmed.hasPrefix("```") {
                fence = trimmed.prefix { $0 == "`" }
                continue
            }
            let bytes = Array(line.utf8)
            for (k, b) in bytes.enumerated() where b == UInt8(ascii: "<") && k + 1 < bytes.count {
                // `\<` is a literal `<` (an odd number of backslashes before it escapes it).
                var backslashes = 0
                while k - backslashes - 1 >= 0, bytes[k - backslashes - 1] == UInt8(ascii: "\\") { backslashes += 1 }
                if backslashes % 2 == 1 { continue }
                let next = bytes[k + 1]
                let opensHTML =
                    isNameByte(next) || next == UInt8(ascii: "/") || next == UInt8(ascii: "!")
                    || next == UInt8(ascii: "?")
                FuzzCheck.require(!opensHTML, "raw HTML outside a fenced block: \(line.prefix(200))")
            }
        }
    }

    static func isNameByte(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) || b == UInt8(ascii: "-")
            || b == UInt8(ascii: "!")
    }
}
