import HopTraceCore

/// Escaping for the HTML incident report. Every string that came from the message goes through
/// one of these: markup characters become entities, and control characters and bidi overrides
/// become visible escapes (`\x1B`, `\u{202E}`, the terminal report's rule, `TerminalText`).
public enum HTMLEscape {
    /// Text content, or a double- or single-quoted attribute value.
    public static func text(_ s: String) -> String {
        entities(TerminalText.sanitize(s))
    }

    /// A verbatim block (a header field with its folding): line breaks kept, everything else as
    /// `text` does.
    public static func verbatim(_ s: String) -> String {
        VerbatimText.lines(s).map { entities(VerbatimText.sanitize($0)) }.joined(separator: "\n")
    }

    static func entities(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}

/// Escaping for the Markdown incident report (GitHub-flavoured Markdown). Text the message
/// wrote is never read as markup: the characters that open inline markup anywhere (`\`, `` ` ``,
/// `*`, `_`, `~`, `[`, `]`, `!`, `<`, `>`, `&`, `|`) are backslash-escaped, and those that start a
/// block only at the start of a line (`#`, `+`, `-`, `=`, and `.` or `)` after leading digits) are
/// escaped there; the autolinks GFM makes from bare text (`scheme://`, `www.`, `user@host`) are
/// broken by a word joiner (U+2060, invisible) after `:` before `/`, inside `www.` and after `@`.
/// Control characters and bidi overrides become visible escapes.
public enum MarkdownEscape {
    static let wordJoiner: Unicode.Scalar = "\u{2060}"
    static let inline: Set<Unicode.Scalar> = ["\\", "`", "*", "_", "~", "[", "]", "!", "<", ">", "&", "|"]
    static let lineStart: Set<Unicode.Scalar> = ["#", "+", "-", "="]

    /// Inline text: paragraphs, list items, table cells.
    public static func text(_ s: String) -> String {
        let scalars = Array(TerminalText.sanitize(s).unicodeScalars)
        var out = String.UnicodeScalarView()
        var leadingDigits = true
        for (i, c) in scalars.enumerated() {
            let isDigit = c.value >= 0x30 && c.value <= 0x39
            if inline.contains(c) || (i == 0 && lineStart.contains(c))
                || (leadingDigits && i > 0 && (c == "." || c == ")"))
            {
                out.append("\\")
            }
            out.append(c)
            if !isDigit { leadingDigits = false }
            if c == "@" || (c == ":" && i + 1 < scalars.count && scalars[i + 1] == "/") {
                out.append(wordJoiner)
            } else if c == "w" || c == "W", i >= 2, i + 1 < scalars.count, scalars[i + 1] == ".",
                String(String.UnicodeScalarView(scalars[(i - 2)...i])).lowercased() == "www"
            {
                out.append(wordJoiner)
            }
        }
        return String(out)
    }

    /// A fence of backticks longer than any run of backticks in `content` (at least three).
    public static func fence(for content: String) -> String {
        var longest = 0
        var run = 0
        for c in content.unicodeScalars {
            if c == "`" {
                run += 1
                longest = max(longest, run)
            } else {
                run = 0
            }
        }
        return String(repeating: "`", count: max(3, longest + 1))
    }

    /// A verbatim block's lines, for a fenced block: line breaks kept, control characters and
    /// bidi overrides visible.
    public static func verbatim(_ s: String) -> String {
        VerbatimText.lines(s).map(VerbatimText.sanitize).joined(separator: "\n")
    }
}

/// Verbatim text (a header field with its folding): its lines, and each line made safe with
/// its tabs kept.
enum VerbatimText {
    /// `TerminalText.sanitize`, except that a tab stays a tab (folded headers are indented with
    /// them, and a tab does nothing inside a `<pre>` or a fenced block).
    static func sanitize(_ line: String) -> String {
        line.split(separator: "\t", omittingEmptySubsequences: false).map { TerminalText.sanitize(String($0)) }
            .joined(separator: "\t")
    }

    /// The lines of `s` (split at CR LF, LF or a lone CR), without the line breaks.
    static func lines(_ s: String) -> [String] {
        var lines: [String] = []
        var current = String.UnicodeScalarView()
        var previousCR = false
        for c in s.unicodeScalars {
            if c == "\n" {
                if !previousCR { lines.append(String(current)) }
                current = String.UnicodeScalarView()
                previousCR = false
            } else if c == "\r" {
                lines.append(String(current))
                current = String.UnicodeScalarView()
                previousCR = true
            } else {
                current.append(c)
                previousCR = false
            }
        }
        lines.append(String(current))
        return lines
    }
}
