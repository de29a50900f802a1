import HopTraceCore

/// Escaping for text that goes into DOT. Every name in a header is attacker-written.
///
/// Graphviz interprets more than DOT's grammar suggests (measured on 2.42): HTML entities in plain labels (`&lt;` displays `<`), and
/// backslash escapes in plain *and* HTML-like labels (`\N` is the node name, `\G` the graph
/// name, `\n`/`\l`/`\r` break lines; `\\` is one backslash). So:
/// - control characters, DEL, C1 and bidirectional overrides become visible escapes
///   (`TerminalText`), newlines included: one header value never spans label lines;
/// - characters XML forbids (U+FFFE, U+FFFF) become U+FFFD;
/// - text is cut to a length with an ellipsis (a 10,000-character name would stretch the
///   picture across metres);
/// - then `\` becomes `\\`, and for HTML-like labels `& < > "` become entities; for quoted
///   strings `"` becomes `\"` and `&` becomes `&amp;`.
public enum DOTText {
    /// Longest text shown for one name on the diagram, in characters.
    public static let maxNameCharacters = 80

    /// Visible, bounded text: no control characters, at most `limit` characters.
    public static func visible(_ s: String, limit: Int = maxNameCharacters) -> String {
        var clean = TerminalText.sanitize(s)
        if clean.unicodeScalars.contains(where: { $0.value == 0xFFFE || $0.value == 0xFFFF }) {
            clean = String(
                String.UnicodeScalarView(
                    clean.unicodeScalars.map {
                        $0.value == 0xFFFE || $0.value == 0xFFFF ? "\u{FFFD}" : $0
                    }))
        }
        if clean.count > limit { clean = String(clean.prefix(max(limit - 1, 0))) + "…" }
        return clean
    }

    /// Text for the inside of an HTML-like label (`label=<…>`).
    public static func html(_ s: String, limit: Int = maxNameCharacters) -> String {
        escaped(s, limit: limit) { ch in
            switch ch {
            case "\\": "\\\\"
            case "&": "&amp;"
            case "<": "&lt;"
            case ">": "&gt;"
            case "\"": "&quot;"
            default: nil
            }
        }
    }

    /// A double-quoted DOT string (an ID or a plain label), quotes included.
    public static func quoted(_ s: String, limit: Int = maxNameCharacters) -> String {
        "\""
            + escaped(s, limit: limit) { ch in
                switch ch {
                case "\\": "\\\\"
                case "\"": "\\\""
                case "&": "&amp;"
                default: nil
                }
            } + "\""
    }

    /// The `visible` text with each scalar that `replacement` names written as its
    /// replacement; the others stay as they are.
    static func escaped(_ s: String, limit: Int, _ replacement: (Unicode.Scalar) -> String?) -> String {
        var out = ""
        for ch in visible(s, limit: limit).unicodeScalars {
            if let r = replacement(ch) { out += r } else { out.unicodeScalars.append(ch) }
        }
        return out
    }
}
