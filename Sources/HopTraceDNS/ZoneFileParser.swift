import HopTraceCore

/// RFC 1035 §5.1 master-file reader. Works on bytes, not Strings: TXT data may be any bytes,
/// and a million-name snapshot must load without a String per token. Tokens are ranges into
/// the input; escapes are decoded only where a value is built.
struct ZoneFileParser {
    /// The input, borrowed for the parse (see `ZoneFile.init(parsing:)`): unchecked-free
    /// indexing matters for a million-line file even in debug builds.
    let bytes: UnsafeBufferPointer<UInt8>
    let limits: ZoneFile.Limits
    var pos = 0
    var line = 1
    var lineStart = 0
    var zone = ZoneFile()

    /// `$ORIGIN`, normalised; "." (the root) until the file sets one, so a file of absolute
    /// names written without trailing dots reads as meant.
    var origin = "."
    var originBytes: [UInt8] = []
    /// Wire length of the origin, root label included.
    var originWire = 1
    var previousOwner: String?

    /// Tokens of the current entry, reused from entry to entry (no allocation per line).
    var tokens: [Token] = []

    init(bytes: UnsafeBufferPointer<UInt8>, limits: ZoneFile.Limits) {
        self.bytes = bytes
        self.limits = limits
    }

    struct Token {
        var start: Int
        var end: Int
        var quoted: Bool
        var line: Int
    }

    /// An entry's tokens are `tokens` (the parser's buffer).
    struct Entry {
        var line: Int
        /// The entry's line starts with a blank: the owner is the previous one.
        var blankOwner: Bool
        /// A `;!` line.
        var directive: Bool
    }

    mutating func parse() throws(ZoneFileError) -> ZoneFile {
        while let entry = try nextEntry() {
            if entry.directive {
                try directive(entry)
            } else if !entry.blankOwner, !tokens[0].quoted, bytes[tokens[0].start] == Byte.dollar {
                try control(entry)
            } else {
                try record(entry)
            }
        }
        return zone
    }

    // MARK: Lexer

    mutating func endOfLine() throws(ZoneFileError) {
        try checkLineLength()
        line += 1
        pos += 1
        lineStart = pos
    }

    func checkLineLength() throws(ZoneFileError) {
        if pos - lineStart > limits.maxLineBytes {
            throw ZoneFileError(
                .limit, line: line, "line is \(pos - lineStart) bytes, more than \(limits.maxLineBytes)",
                hint: "break long records across lines with parentheses")
        }
    }

    /// The next entry: one line, or several joined by parentheses; nil at the end.
    mutating func nextEntry() throws(ZoneFileError) -> Entry? {
        tokens.removeAll(keepingCapacity: true)
        var blankOwner = false
        var isDirective = false
        var inParens = false
        var parenLine = 0
        var entryLine = line
        var entryStart = pos
        var atLineStart = pos == lineStart
        let count = bytes.count
        while pos < count {
            let c = bytes[pos]
            switch c {
            case Byte.newline:
                try endOfLine()
                if isDirective { return Entry(line: entryLine, blankOwner: false, directive: true) }
                if !inParens {
                    if !tokens.isEmpty { return Entry(line: entryLine, blankOwner: blankOwner, directive: false) }
                    blankOwner = false
                    atLineStart = true
                    entryLine = line
                    entryStart = pos
                }
                continue
            case Byte.space, Byte.tab, Byte.cr:
                if atLineStart && tokens.isEmpty && !inParens && !isDirective { blankOwner = true }
                pos += 1
            case Byte.semicolon:
                if tokens.isEmpty && !inParens && !isDirective && pos + 1 < count && bytes[pos + 1] == Byte.bang {
                    isDirective = true
                    entryLine = line
                    pos += 2
                } else {
                    while pos < count && bytes[pos] != Byte.newline { pos += 1 }
                }
            case Byte.open:
                if isDirective {
                    throw ZoneFileError(
                        .invalid, line: line, "parenthesis in a ;! directive", hint: "a directive is one line")
                }
                if inParens {
                    throw ZoneFileError(
                        .invalid, line: line, "nested parenthesis (the one on line \(parenLine) is still open)",
                        hint: "RFC 1035 parentheses do not nest")
                }
                inParens = true
                parenLine = line
                pos += 1
            case Byte.close:
                if !inParens {
                    throw ZoneFileError(.invalid, line: line, "')' without a matching '('")
                }
                inParens = false
                pos += 1
            case Byte.quote:
                tokens.append(try quotedToken())
            default:
                tokens.append(try plainToken())
            }
            atLineStart = false
            if pos - entryStart > limits.maxEntryBytes {
                throw ZoneFileError(
                    .limit, line: entryLine, "entry is more than \(limits.maxEntryBytes) bytes long",
                    hint: inParens ? "is a ')' missing after line \(parenLine)?" : nil)
            }
        }
        try checkLineLength()
        if inParens {
            throw ZoneFileError(
                .incomplete, line: parenLine, "file ends inside the parenthesis opened on line \(parenLine)",
                hint: "the file looks truncated, or a ')' is missing")
        }
        if tokens.isEmpty && !isDirective { return nil }
        return Entry(line: entryLine, blankOwner: blankOwner, directive: isDirective)
    }

    /// `"…"`: a character-string with escapes; it must close on its line.
    mutating func quotedToken() throws(ZoneFileError) -> Token {
        let startLine = line
        pos += 1
        let start = pos
        let count = bytes.count
        while pos < count {
            switch bytes[pos] {
            case Byte.backslash:
                // A backslash as the file's last byte escapes nothing: the string is unclosed.
                guard pos + 1 < count else {
                    throw ZoneFileError(
                        .incomplete, line: startLine,
                        "file ends inside the quoted string that starts on line \(startLine)",
                        hint: "the file looks truncated, or a '\"' is missing")
                }
                if bytes[pos + 1] == Byte.newline {
                    throw ZoneFileError(
                        .invalid, line: line, "backslash before the end of the line in a quoted string",
                        hint: "a quoted string cannot span lines; use several strings in parentheses")
                }
                pos += 2
                continue
            case Byte.quote:
                let token = Token(start: start, end: pos, quoted: true, line: startLine)
                pos += 1
                return token
            case Byte.newline:
                throw ZoneFileError(
                    .invalid, line: startLine, "quoted string not closed on its line",
                    hint: "close the quote; a string cannot span lines (use several strings in parentheses)")
            default:
                pos += 1
            }
        }
        throw ZoneFileError(
            .incomplete, line: startLine, "file ends inside the quoted string that starts on line \(startLine)",
            hint: "the file looks truncated, or a '\"' is missing")
    }

    mutating func plainToken() throws(ZoneFileError) -> Token {
        let start = pos
        let count = bytes.count
        scan: while pos < count {
            switch bytes[pos] {
            case Byte.space, Byte.tab, Byte.cr, Byte.newline,
                Byte.semicolon, Byte.open, Byte.close, Byte.quote:
                break scan
            case Byte.backslash:
                if pos + 1 >= count || bytes[pos + 1] == Byte.newline {
                    throw ZoneFileError(
                        pos + 1 >= count ? .incomplete : .invalid, line: line,
                        "backslash at the end of a line", hint: "escape a backslash as \\\\")
                }
                pos += 2
            default:
                pos += 1
            }
        }
        return Token(start: start, end: pos, quoted: false, line: line)
    }

    // MARK: Entries

    /// `$TTL`, `$ORIGIN`; `$INCLUDE` is refused: a snapshot is one self-contained file, and
    /// following paths named inside untrusted input would read arbitrary files.
    mutating func control(_ e: Entry) throws(ZoneFileError) {
        let keyword = tokens[0]
        if isWord(keyword, "$TTL") {
            guard tokens.count == 2, try ttl(tokens[1]) != nil else {
                throw ZoneFileError(.invalid, line: e.line, "$TTL takes one TTL value", hint: "for example: $TTL 3600")
            }
        } else if isWord(keyword, "$ORIGIN") {
            guard tokens.count == 2 else {
                throw ZoneFileError(
                    .invalid, line: e.line, "$ORIGIN takes one name", hint: "for example: $ORIGIN example.com.")
            }
            let o = try name(tokens[1])
            origin = o
            originBytes = o == "." ? [] : Array(o.utf8)
            originWire = o == "." ? 1 : originBytes.count + 2
        } else if isWord(keyword, "$INCLUDE") {
            throw ZoneFileError(
                .invalid, line: e.line, "$INCLUDE is not supported",
                hint: "a snapshot is one self-contained file; paste the included file in")
        } else {
            throw ZoneFileError(
                .invalid, line: e.line, "unknown control entry \(show(keyword))",
                hint: "hoptrace reads $TTL and $ORIGIN")
        }
    }

    mutating func directive(_ e: Entry) throws(ZoneFileError) {
        let usage = ";! timeout|servfail|nodata|nxdomain NAME TYPE|* [\"reason\"]"
        guard tokens.count >= 3 else {
            throw ZoneFileError(.invalid, line: e.line, "incomplete ;! directive", hint: usage)
        }
        guard let kind = ZoneFile.Directive.Kind(rawValue: text(tokens[0]).lowercased()) else {
            throw ZoneFileError(.invalid, line: e.line, "unknown ;! directive \(show(tokens[0]))", hint: usage)
        }
        let owner = try name(tokens[1])
        let typeToken = tokens[2]
        var type: DNSRecordType?
        if !(typeToken.end - typeToken.start == 1 && bytes[typeToken.start] == Byte.star) {
            guard let t = DNSRecordType(rawValue: upper(typeToken)) else {
                throw ZoneFileError(
                    .invalid, line: e.line, "unknown type \(show(typeToken)) in a ;! directive",
                    hint: "A, AAAA, TXT, MX, PTR, CNAME or *")
            }
            type = t
        }
        var reason: String?
        if tokens.count >= 4 {
            var words: [UInt8] = []
            for t in tokens[3...] {
                if !words.isEmpty { words.append(Byte.space) }
                words += try unescaped(t)
            }
            reason = DNSName.labelText(words)
        }
        if kind == .nodata && type == nil {
            // "Exists, with no records of any type it lacks" is just "exists": stored as a
            // present name, which is how `text()` writes a name without records.
            try addName(owner, line: e.line)
            return
        }
        zone.add(ZoneFile.Directive(kind, name: owner, type: type, reason: reason, line: e.line))
    }

    /// The record types read, and the ones accepted and ignored.
    enum RecordKind {
        case a, aaaa, txt, mx, ptr, cname, ignored
    }

    func recordKind(_ t: Token) -> RecordKind? {
        if isWord(t, "A") { return .a }
        if isWord(t, "TXT") { return .txt }
        if isWord(t, "AAAA") { return .aaaa }
        if isWord(t, "MX") { return .mx }
        if isWord(t, "PTR") { return .ptr }
        if isWord(t, "CNAME") { return .cname }
        if isWord(t, "SOA") || isWord(t, "NS") { return .ignored }
        return nil
    }

    mutating func record(_ e: Entry) throws(ZoneFileError) {
        var i = 0
        let owner: String
        if e.blankOwner {
            guard let previous = previousOwner else {
                throw ZoneFileError(
                    .invalid, line: e.line, "record without an owner name, and no record before it",
                    hint: "start the line with a name or @ (a leading blank repeats the previous owner)")
            }
            owner = previous
        } else {
            owner = try name(tokens[0])
            i = 1
        }
        previousOwner = owner
        var sawTTL = false
        var sawClass = false
        var isIN = true
        while i < tokens.count && !(sawTTL && sawClass) {
            let t = tokens[i]
            if !sawTTL, try ttl(t) != nil {
                sawTTL = true
            } else if !sawClass, isClass(t) {
                sawClass = true
                isIN = isWord(t, "IN")
            } else {
                break
            }
            i += 1
        }
        guard i < tokens.count else {
            throw ZoneFileError(
                .invalid, line: e.line, "record type missing", hint: "for example: name IN TXT \"text\"")
        }
        let typeToken = tokens[i]
        let first = i + 1
        let rdataCount = tokens.count - first
        guard isIN else {
            zone.addNote(
                e.line, "class \(upper(tokens[i - 1])) record skipped (hoptrace reads class IN)", limit: limits.maxNotes
            )
            return
        }
        guard let kind = recordKind(typeToken) else {
            guard looksLikeType(typeToken) else {
                throw ZoneFileError(
                    .invalid, line: e.line, "expected a record type, found \(show(typeToken))",
                    hint: "NAME [TTL] [IN] TYPE DATA")
            }
            try addName(owner, line: e.line)
            zone.addNote(
                e.line, "type \(upper(typeToken)) skipped (hoptrace reads A, AAAA, TXT, MX, PTR, CNAME)",
                limit: limits.maxNotes)
            return
        }
        if rdataCount > 0, !tokens[first].quoted, tokens[first].end - tokens[first].start == 2,
            bytes[tokens[first].start] == Byte.backslash, bytes[tokens[first].start + 1] == UInt8(ascii: "#")
        {
            // RFC 3597 generic data: the owner exists; its data is not read.
            try addName(owner, line: e.line)
            zone.addNote(e.line, "\(upper(typeToken)) in RFC 3597 \\# form skipped", limit: limits.maxNotes)
            return
        }
        let record: DNSRecord
        switch kind {
        case .a:
            guard rdataCount == 1 else { throw arityError(e, typeToken, "one IPv4 address", rdataCount) }
            guard let v4 = ipv4(tokens[first]) else {
                throw ZoneFileError(
                    .invalid, line: e.line, "not an IPv4 address: \(show(tokens[first]))",
                    hint: "dotted quad, like 192.0.2.1")
            }
            record = .a(.v4(v4))
        case .aaaa:
            guard rdataCount == 1 else { throw arityError(e, typeToken, "one IPv6 address", rdataCount) }
            let t = tokens[first]
            let s = text(t)
            guard !t.quoted, t.end - t.start <= 64, s.contains(":"), !s.contains("%"), let ip = IPAddress(s) else {
                throw ZoneFileError(.invalid, line: e.line, "not an IPv6 address: \(show(t))", hint: "like 2001:db8::1")
            }
            record = .aaaa(ip.asIPv6)
        case .txt:
            guard rdataCount > 0 else {
                throw ZoneFileError(
                    .invalid, line: e.line, "TXT needs at least one string", hint: "write \"\" for an empty one")
            }
            var strings: [[UInt8]] = []
            strings.reserveCapacity(rdataCount)
            var wire = 0
            for k in first..<tokens.count {
                let t = tokens[k]
                let s = try unescaped(t)
                guard s.count <= 255 else {
                    throw ZoneFileError(
                        .invalid, line: t.line, "TXT string of \(s.count) octets; the limit is 255",
                        hint: "split it into several quoted strings (RFC 1035 §3.3)")
                }
                wire += s.count + 1
                guard wire <= 65535 else {
                    throw ZoneFileError(
                        .limit, line: e.line, "TXT data longer than 65535 octets (the largest a record can carry)")
                }
                strings.append(s)
            }
            record = .txt(strings)
        case .mx:
            guard rdataCount == 2 else { throw arityError(e, typeToken, "a preference and a name", rdataCount) }
            let t = tokens[first]
            guard !t.quoted, let preference = UInt16(text(t)) else {
                throw ZoneFileError(.invalid, line: e.line, "MX preference is not a number from 0 to 65535: \(show(t))")
            }
            record = .mx(preference: Int(preference), exchange: try name(tokens[first + 1]))
        case .ptr:
            guard rdataCount == 1 else { throw arityError(e, typeToken, "one name", rdataCount) }
            record = .ptr(try name(tokens[first]))
        case .cname:
            guard rdataCount == 1 else { throw arityError(e, typeToken, "one name", rdataCount) }
            record = .cname(try name(tokens[first]))
        case .ignored:
            try addName(owner, line: e.line)
            return
        }
        let (newName, newRecord) = zone.insert(record, atNormalized: owner)
        if newName, zone.nameCount > limits.maxNames {
            throw ZoneFileError(
                .limit, line: e.line, "more than \(limits.maxNames) names", hint: "raise ZoneFile.Limits.maxNames")
        }
        if newRecord, zone.recordCount > limits.maxRecords {
            throw ZoneFileError(
                .limit, line: e.line, "more than \(limits.maxRecords) records", hint: "raise ZoneFile.Limits.maxRecords"
            )
        }
    }

    func arityError(_ e: Entry, _ type: Token, _ what: String, _ found: Int) -> ZoneFileError {
        ZoneFileError(
            .invalid, line: e.line, "\(upper(type)) takes \(what); found \(found) item\(found == 1 ? "" : "s")")
    }

    /// A type mnemonic: a letter, then letters, digits or '-' (`TYPE65534`, `NSEC3PARAM`).
    func looksLikeType(_ t: Token) -> Bool {
        guard !t.quoted, t.end > t.start else { return false }
        let f = bytes[t.start] | 0x20
        guard f >= 0x61 && f <= 0x7a else { return false }
        for k in t.start..<t.end {
            let b = bytes[k]
            let l = b | 0x20
            guard (l >= 0x61 && l <= 0x7a) || (b >= 0x30 && b <= 0x39) || b == 0x2d else { return false }
        }
        return true
    }

    /// Strict dotted quad straight from the bytes (the hot path of a million-name file).
    func ipv4(_ t: Token) -> UInt32? {
        guard !t.quoted else { return nil }
        var value: UInt32 = 0
        var part: UInt32 = 0
        var digits = 0
        var dots = 0
        for k in t.start..<t.end {
            let b = bytes[k]
            if b == Byte.dot {
                guard digits > 0, dots < 3 else { return nil }
                value = value << 8 | part
                part = 0
                digits = 0
                dots += 1
            } else if b >= 0x30 && b <= 0x39 {
                digits += 1
                part = part * 10 + UInt32(b - 0x30)
                guard digits <= 3, part <= 255 else { return nil }
            } else {
                return nil
            }
        }
        guard dots == 3, digits > 0 else { return nil }
        return value << 8 | part
    }

    mutating func addName(_ owner: String, line: Int) throws(ZoneFileError) {
        if zone.addName(normalized: owner), zone.nameCount > limits.maxNames {
            throw ZoneFileError(
                .limit, line: line, "more than \(limits.maxNames) names", hint: "raise ZoneFile.Limits.maxNames")
        }
    }
}

/// Byte constants: `UInt8(ascii:)` is a call per use in debug builds, and the lexer runs
/// once per input byte.
enum Byte {
    static let newline: UInt8 = 0x0a
    static let tab: UInt8 = 0x09
    static let cr: UInt8 = 0x0d
    static let space: UInt8 = 0x20
    static let bang: UInt8 = 0x21
    static let quote: UInt8 = 0x22
    static let dollar: UInt8 = 0x24
    static let open: UInt8 = 0x28
    static let close: UInt8 = 0x29
    static let star: UInt8 = 0x2a
    static let dot: UInt8 = 0x2e
    static let semicolon: UInt8 = 0x3b
    static let at: UInt8 = 0x40
    static let backslash: UInt8 = 0x5c
}

extension IPAddress {
    /// AAAA data is always IPv6, but `IPAddress` reads `::ffff:a.b.c.d` as IPv4; map it back
    /// so a record keeps its family.
    var asIPv6: IPAddress {
        if case .v4(let v) = self { return .v6(0, 0xffff_0000_0000 | UInt64(v)) }
        return self
    }
}
