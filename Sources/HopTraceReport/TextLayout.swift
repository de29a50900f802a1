import HopTraceCore

/// How the text report fits its lines to a width: long lines wrap at spaces with a hanging
/// indent, over-long names are cut in the middle so that their registrable domain stays, and
/// over-long header values are cut in the middle so that their end stays. With `.unlimited`
/// (`--wide`) nothing is cut and nothing wraps.
public enum TextWidth: Sendable, Hashable {
    /// Lines wrap at this many columns (at least `TextLayout.minimumColumns`).
    case columns(Int)
    /// Every line is printed whole, every name and value uncut.
    case unlimited

    /// The width of a report written into a pipe or a file when `$COLUMNS` says nothing.
    public static let defaultColumns = 100
}

/// The text report's cutting and wrapping rules; pure functions of their arguments.
public enum TextLayout {
    /// Narrower terminals still wrap at this width: a hanging indent needs room.
    public static let minimumColumns = 40
    /// A host name longer than this is cut in the middle (its registrable domain kept whole).
    public static let nameLimit = 64

    /// The width the report wraps at: the terminal's columns when standard output is a
    /// terminal that reports them, else `$COLUMNS` when it is a positive number, else
    /// `TextWidth.defaultColumns`; never below `minimumColumns`.
    public static func columns(terminalColumns: Int?, environment: [String: String]) -> Int {
        let chosen: Int
        if let terminalColumns, terminalColumns > 0 {
            chosen = terminalColumns
        } else if let text = environment["COLUMNS"], let value = Int(text.trimmingASCII()), value > 0 {
            chosen = value
        } else {
            chosen = TextWidth.defaultColumns
        }
        return max(chosen, minimumColumns)
    }

    // MARK: - Cutting

    /// `name` at most `limit` characters: cut in the middle with `…`, keeping the start and the
    /// end, and never cutting into the registrable domain (`mail-ab12…prod.outlook.com`). The
    /// kept end starts at a label when one fits, and holds the registrable domain whole even
    /// when that exceeds the limit. Names that are not domain names (address literals,
    /// garbage) keep their last label instead.
    public static func shortenName(_ name: String, limit: Int, publicSuffixList: PublicSuffixList) -> String {
        guard name.count > limit else { return name }
        let bare = name.hasSuffix(".") ? String(name.dropLast()) : name
        let trailing = name.count - bare.count
        var protected = 0
        if let domain = publicSuffixList.registrableDomain(of: bare), domain.count < bare.count {
            protected = domain.count + 1 + trailing
        } else if let dot = bare.lastIndex(of: ".") {
            protected = bare.distance(from: dot, to: bare.endIndex) + trailing
        }
        // The longest end that starts at a label, leaves a few characters of the start and fits.
        let budget = max(limit - 1, 0)
        var tail = protected
        var position = 0
        for ch in name.reversed() {
            position += 1
            guard ch == ".", position - 1 >= protected else { continue }
            if position - 1 <= budget - minimumHead { tail = position - 1 } else { break }
        }
        if tail == protected, protected < budget - minimumHead {
            // No label boundary fits: half and half, the end at least the protected part.
            return middleCut(name, limit: limit, keepingEnd: protected)
        }
        let head = max(budget - tail, min(minimumHead, name.count - tail - 1))
        // A cut that saves nothing leaves the name whole.
        guard head + 1 + tail < name.count else { return name }
        return String(name.prefix(head)) + "…" + String(name.suffix(tail))
    }

    /// Characters of a shortened name's start that are always kept.
    static let minimumHead = 4

    /// `text` at most `limit` characters, cut in the middle with `…` (the end of a
    /// Message-ID, a recipient's domain, stays visible); at least `keepingEnd` characters of
    /// the end are kept even when that exceeds the limit.
    public static func middleCut(_ text: String, limit: Int, keepingEnd: Int = 0) -> String {
        guard text.count > limit else { return text }
        let budget = max(limit - 1, 0)
        var tail = budget - budget / 2
        var head = budget / 2
        if tail < keepingEnd {
            tail = min(keepingEnd, text.count)
            head = max(budget - tail, 0)
        }
        return String(text.prefix(head)) + "…" + String(text.suffix(tail))
    }

    // MARK: - Wrapping

    /// `line` broken at spaces into lines of at most `width` columns. The first line keeps
    /// the line's indentation; the others hang under the text after a list marker (`12. `,
    /// `[3] `) or two columns deeper than the indentation. A word longer than the room is never
    /// broken (a host name stays whole on one line), and a short bracketed group
    /// (`[10.36.3.103 private]`) stays on one line. ANSI colour sequences take no columns.
    public static func wrap(_ line: String, width: Int) -> [String] {
        guard displayWidth(line) > width else { return [line] }
        let indent = line.prefix { $0 == " " }.count
        let hang = String(repeating: " ", count: hangingIndent(line, indent: indent))
        var out: [String] = []
        var current = String(repeating: " ", count: indent)
        var currentWidth = indent
        var hasWord = false
        for (gap, word) in words(line.dropFirst(indent), groupLimit: min(bracketGroupLimit, width - hang.count)) {
            let w = displayWidth(word)
            if !hasWord {
                current += word
                currentWidth += w
                hasWord = true
            } else if currentWidth + gap + w <= width {
                current += String(repeating: " ", count: gap) + word
                currentWidth += gap + w
            } else {
                out.append(current)
                current = hang + word
                currentWidth = hang.count + w
            }
        }
        out.append(current)
        return out
    }

    /// A bracketed group up to this many columns is kept on one line.
    static let bracketGroupLimit = 48

    /// The words of `text` with the spaces before each; a `[…]` group of at most `groupLimit`
    /// columns is one word.
    static func words(_ text: Substring, groupLimit: Int) -> [(gap: Int, word: String)] {
        var plain: [(gap: Int, word: String)] = []
        var gap = 0
        for piece in text.split(separator: " ", omittingEmptySubsequences: false) {
            if piece.isEmpty {
                gap += 1
                continue
            }
            plain.append((gap + (plain.isEmpty ? 0 : 1), String(piece)))
            gap = 0
        }
        var out: [(gap: Int, word: String)] = []
        var i = 0
        while i < plain.count {
            // A group opens with a word starting "[" that does not close it.
            if plain[i].word.hasPrefix("["), !plain[i].word.contains("]") {
                var j = i
                var group = plain[i].word
                while j + 1 < plain.count, !plain[j].word.contains("]") {
                    j += 1
                    group += String(repeating: " ", count: plain[j].gap) + plain[j].word
                }
                if plain[j].word.contains("]"), displayWidth(group) <= groupLimit {
                    out.append((plain[i].gap, group))
                    i = j + 1
                    continue
                }
            }
            out.append(plain[i])
            i += 1
        }
        return out
    }

    /// The column continuation lines start at.
    static func hangingIndent(_ line: String, indent: Int) -> Int {
        let rest = line.dropFirst(indent)
        if let marker = listMarker(rest) { return indent + marker }
        return indent + 2
    }

    /// Length of a leading `12. ` or `[3] ` marker, with its space.
    static func listMarker(_ s: Substring) -> Int? {
        var digits = 0
        var i = s.startIndex
        let bracket = i < s.endIndex && s[i] == "["
        if bracket { i = s.index(after: i) }
        while i < s.endIndex, s[i].isASCII, s[i].isNumber {
            digits += 1
            i = s.index(after: i)
        }
        guard digits > 0, i < s.endIndex, s[i] == (bracket ? "]" : ".") else { return nil }
        i = s.index(after: i)
        guard i < s.endIndex, s[i] == " " else { return nil }
        return s.distance(from: s.startIndex, to: i) + 1
    }

    /// Columns `text` takes on a terminal: one per character, two for East Asian wide and
    /// full-width characters, none for ANSI SGR sequences (`ESC [ … m`; text from a message
    /// has none left after `TerminalText.sanitize`).
    public static func displayWidth(_ text: some StringProtocol) -> Int {
        var width = 0
        var inEscape = false
        for ch in text {
            if inEscape {
                if ch == "m" { inEscape = false }
                continue
            }
            if ch == "\u{1B}" {
                inEscape = true
                continue
            }
            width += isWide(ch) ? 2 : 1
        }
        return width
    }

    static func isWide(_ ch: Character) -> Bool {
        guard let v = ch.unicodeScalars.first?.value, v >= 0x1100 else { return false }
        switch v {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F,
            0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
            return true
        default:
            return false
        }
    }

    // MARK: - Merging

    /// `lines` with repeats removed, in first-seen order; a line seen N > 1 times ends in
    /// ` (×N)`.
    public static func merged(_ lines: [String]) -> [String] {
        var counts: [String: Int] = [:]
        var order: [String] = []
        for line in lines {
            if counts[line] == nil { order.append(line) }
            counts[line, default: 0] += 1
        }
        return order.map { line in
            let n = counts[line] ?? 1
            return n > 1 ? line + " (×\(n))" : line
        }
    }
}
