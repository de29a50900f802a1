import HopTraceCore

/// Text → `SPFRecord`, no I/O. Each function parses the ABNF rule it is named after (RFC 7208
/// §12, quoted in `SPFRecord.swift`); errors carry the byte offset, the term and a reason, and
/// tell "incomplete" (`include`) from "invalid" (`include/24`).
///
/// The whole record is parsed before evaluation, so a syntax error anywhere is a permerror
/// even when an earlier mechanism would match (RFC 7208 §4.6).
public enum SPFParser {
    private static let sp = UInt8(ascii: " ")
    private static let percent = UInt8(ascii: "%")

    // MARK: record selection

    /// RFC 7208 §4.5: a TXT record is an SPF record when it starts with `v=spf1` (any case)
    /// followed by a space or the end. Other TXT records are none of SPF's business.
    public static func isSPFRecord(_ bytes: [UInt8]) -> Bool {
        let tag: StaticString = "v=spf1"
        let n = tag.utf8CodeUnitCount
        guard bytes.count >= n else { return false }
        for i in 0..<n where ASCIIFold.lower(bytes[i]) != tag.utf8Start[i] { return false }
        return bytes.count == n || bytes[n] == sp
    }

    /// `isSPFRecord` of a TXT record's strings joined (RFC 7208 §3.3), read across the strings
    /// without joining them: only the first seven bytes decide.
    public static func isSPFRecord(strings: [[UInt8]]) -> Bool {
        if strings.count == 1 { return isSPFRecord(strings[0]) }
        let tag: StaticString = "v=spf1"
        let n = tag.utf8CodeUnitCount
        var position = 0
        for string in strings {
            for byte in string {
                if position == n { return byte == sp }
                if ASCIIFold.lower(byte) != tag.utf8Start[position] { return false }
                position += 1
            }
        }
        return position == n
    }

    // MARK: record

    /// Parses a record given as text.
    public static func parse(_ text: String) throws(SPFSyntaxError) -> SPFRecord {
        try record(Array(text.utf8))
    }

    /// `record = version terms *SP`
    ///
    /// The bytes must be 7-bit ASCII (RFC 7208 §3.1); a record with any other byte is refused
    /// whole, even inside a term that would never be evaluated.
    public static func record(_ b: [UInt8]) throws(SPFSyntaxError) -> SPFRecord {
        let text = String(decoding: b, as: UTF8.self)
        if let bad = b.firstIndex(where: { $0 >= 0x80 }) {
            throw SPFSyntaxError(
                .invalid, offset: bad, term: termAround(b, bad),
                reason: "non-ASCII byte 0x\(String(b[bad], radix: 16, uppercase: true)) (SPF records are 7-bit ASCII)")
        }
        // version = "v=spf1"
        guard isSPFRecord(b) else {
            throw SPFSyntaxError(
                .invalid, offset: 0, term: String(text.prefix(16)),
                reason: "record does not start with \"v=spf1\" and a space")
        }
        var terms: [SPFTerm] = []
        var sawRedirect = false
        var sawExp = false
        var pos = 6
        // terms = *( 1*SP ( directive / modifier ) )
        while pos < b.count {
            while pos < b.count && b[pos] == sp { pos += 1 }
            if pos == b.count { break }  // *SP: trailing spaces are allowed
            var end = pos
            while end < b.count && b[end] != sp { end += 1 }
            let t = try term(b[pos..<end])
            if case .modifier(let m) = t {
                switch m.modifier {
                case .redirect:
                    if sawRedirect {
                        throw SPFSyntaxError(
                            .invalid, offset: pos, term: m.raw, reason: "redirect= appears twice (RFC 7208 §6)")
                    }
                    sawRedirect = true
                case .explanation:
                    if sawExp {
                        throw SPFSyntaxError(
                            .invalid, offset: pos, term: m.raw, reason: "exp= appears twice (RFC 7208 §6)")
                    }
                    sawExp = true
                case .unknown:
                    break
                }
            }
            terms.append(t)
            pos = end
        }
        return SPFRecord(text: text, version: String(text.prefix(6)), terms: terms)
    }

    /// `directive / modifier`: a modifier is a `name` directly followed by "=" with no qualifier.
    static func term(_ b: ArraySlice<UInt8>) throws(SPFSyntaxError) -> SPFTerm {
        let raw = String(decoding: b, as: UTF8.self)
        let start = b.startIndex
        var i = start
        while i < b.endIndex && isNameChar(b[i]) { i += 1 }
        if i < b.endIndex && b[i] == UInt8(ascii: "=") {
            return .modifier(try modifier(b, nameEnd: i, raw: raw))
        }
        return .directive(try directive(b, raw: raw))
    }

    /// `directive = [ qualifier ] mechanism`
    static func directive(_ b: ArraySlice<UInt8>, raw: String) throws(SPFSyntaxError) -> SPFDirective {
        var i = b.startIndex
        var qualifier = SPFQualifier.pass
        var explicit = false
        // qualifier = "+" / "-" / "?" / "~"
        if let q = SPFQualifier(rawValue: String(UnicodeScalar(b[i]))) {
            qualifier = q
            explicit = true
            i += 1
        }
        let nameStart = i
        while i < b.endIndex && isAlnum(b[i]) { i += 1 }
        let name = String(decoding: b[nameStart..<i].map(ASCIIFold.lower), as: UTF8.self)
        let rest = b[i...]
        let mech = try mechanism(name: name, rest: rest, raw: raw, nameOffset: nameStart)
        return SPFDirective(
            qualifier: qualifier, explicitQualifier: explicit, mechanism: mech,
            raw: raw, range: b.startIndex..<b.endIndex)
    }

    /// `mechanism = ( all / include / a / mx / ptr / ip4 / ip6 / exists )`
    static func mechanism(name: String, rest: ArraySlice<UInt8>, raw: String, nameOffset: Int) throws(SPFSyntaxError)
        -> SPFMechanism
    {
        func fail(_ kind: SPFSyntaxError.Kind, _ offset: Int, _ reason: String) -> SPFSyntaxError {
            SPFSyntaxError(kind, offset: offset, term: raw, reason: reason)
        }
        func requiredSpec(_ what: String) throws(SPFSyntaxError) -> ArraySlice<UInt8> {
            guard let first = rest.first else {
                throw fail(.incomplete, rest.startIndex, "\(what) needs \":\" and a domain-spec")
            }
            guard first == UInt8(ascii: ":") else {
                throw fail(.invalid, rest.startIndex, "\(what) must be followed by \":\" and a domain-spec")
            }
            return rest.dropFirst()
        }
        switch name {
        case "all":
            // all = "all"
            guard rest.isEmpty else { throw fail(.invalid, rest.startIndex, "\"all\" takes no argument") }
            return .all
        case "include":
            // include = "include" ":" domain-spec
            return .include(try domainSpec(requiredSpec("include"), term: raw, explanation: false))
        case "exists":
            // exists = "exists" ":" domain-spec
            return .exists(try domainSpec(requiredSpec("exists"), term: raw, explanation: false))
        case "a", "mx":
            // a  = "a"  [ ":" domain-spec ] [ dual-cidr-length ]
            // mx = "mx" [ ":" domain-spec ] [ dual-cidr-length ]
            let (body, cidr) = try dualCIDRLength(rest, term: raw)
            var spec: SPFMacroString? = nil
            if let first = body.first {
                guard first == UInt8(ascii: ":") else {
                    throw fail(
                        .invalid, body.startIndex, "\(name) must be followed by \":\" domain-spec or a CIDR length")
                }
                spec = try domainSpec(body.dropFirst(), term: raw, explanation: false)
            }
            return name == "a" ? .a(spec, cidr) : .mx(spec, cidr)
        case "ptr":
            // ptr = "ptr" [ ":" domain-spec ]
            if rest.isEmpty { return .ptr(nil) }
            guard rest.first == UInt8(ascii: ":") else {
                throw fail(.invalid, rest.startIndex, "ptr takes only \":\" domain-spec (no CIDR length)")
            }
            return .ptr(try domainSpec(rest.dropFirst(), term: raw, explanation: false))
        case "ip4":
            // ip4 = "ip4" ":" ip4-network [ ip4-cidr-length ]
            let arg = try requiredSpec("ip4")
            let slash = arg.firstIndex(of: UInt8(ascii: "/")) ?? arg.endIndex
            guard let net = ip4Network(arg[arg.startIndex..<slash]) else {
                throw fail(
                    .invalid, arg.startIndex,
                    "\"\(String(decoding: arg[arg.startIndex..<slash], as: UTF8.self))\" is not a dotted-quad IPv4 network"
                )
            }
            var len = 32
            if slash < arg.endIndex {
                len = try cidrLength(arg[(slash + 1)...], max: 32, term: raw)
            }
            return .ip4(net, len)
        case "ip6":
            // ip6 = "ip6" ":" ip6-network [ ip6-cidr-length ]
            let arg = try requiredSpec("ip6")
            let slash = arg.firstIndex(of: UInt8(ascii: "/")) ?? arg.endIndex
            guard let net = ip6Network(arg[arg.startIndex..<slash]) else {
                throw fail(
                    .invalid, arg.startIndex,
                    "\"\(String(decoding: arg[arg.startIndex..<slash], as: UTF8.self))\" is not an IPv6 network")
            }
            var len = 128
            if slash < arg.endIndex {
                len = try cidrLength(arg[(slash + 1)...], max: 128, term: raw)
            }
            return .ip6(net, len)
        case "":
            throw fail(.invalid, nameOffset, "term has no mechanism name")
        default:
            let known = ["redirect", "exp"].contains(name) ? " (\(name) is a modifier: write \(name)=)" : ""
            throw fail(.invalid, nameOffset, "unknown mechanism \"\(name)\"\(known)")
        }
    }

    /// `modifier = redirect / explanation / unknown-modifier`
    static func modifier(_ b: ArraySlice<UInt8>, nameEnd: Int, raw: String) throws(SPFSyntaxError) -> SPFModifierTerm {
        let nameBytes = b[b.startIndex..<nameEnd]
        // name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." )
        guard let first = nameBytes.first, isAlpha(first) else {
            throw SPFSyntaxError(
                .invalid, offset: b.startIndex, term: raw, reason: "modifier name must start with a letter")
        }
        let name = String(decoding: nameBytes.map(ASCIIFold.lower), as: UTF8.self)
        let value = b[(nameEnd + 1)...]
        let modifier: SPFModifier
        switch name {
        case "redirect":
            // redirect = "redirect" "=" domain-spec
            modifier = .redirect(try domainSpec(value, term: raw, explanation: false))
        case "exp":
            // explanation = "exp" "=" domain-spec
            modifier = .explanation(try domainSpec(value, term: raw, explanation: false))
        default:
            // unknown-modifier = name "=" macro-string
            modifier = .unknown(
                name: String(decoding: nameBytes, as: UTF8.self),
                value: try macroString(value, term: raw, explanation: false))
        }
        return SPFModifierTerm(modifier: modifier, raw: raw, range: b.startIndex..<b.endIndex)
    }

    // MARK: CIDR and networks

    /// `dual-cidr-length = [ ip4-cidr-length ] [ "/" ip6-cidr-length ]`, read from the end of
    /// the argument (a domain-spec may itself contain "/", as in `a:foo:bar/baz.example.com`).
    /// Returns what precedes the lengths.
    static func dualCIDRLength(_ b: ArraySlice<UInt8>, term: String) throws(SPFSyntaxError) -> (
        ArraySlice<UInt8>, SPFDualCIDR
    ) {
        var body = b
        var cidr = SPFDualCIDR()
        func trailingDigits(_ s: ArraySlice<UInt8>) -> ArraySlice<UInt8>.Index? {
            var j = s.endIndex
            while j > s.startIndex && isDigit(s[j - 1]) { j -= 1 }
            return j < s.endIndex ? j : nil
        }
        // "/" ip6-cidr-length
        if let d = trailingDigits(body), d - 2 >= body.startIndex,
            body[d - 1] == UInt8(ascii: "/"), body[d - 2] == UInt8(ascii: "/")
        {
            cidr.ip6 = try cidrLength(body[d...], max: 128, term: term)
            body = body[body.startIndex..<(d - 2)]
        }
        // ip4-cidr-length
        if let d = trailingDigits(body), d - 1 >= body.startIndex, body[d - 1] == UInt8(ascii: "/") {
            cidr.ip4 = try cidrLength(body[d...], max: 32, term: term)
            body = body[body.startIndex..<(d - 1)]
        }
        return (body, cidr)
    }

    /// `ip4-cidr-length = "/" ("0" / %x31-39 0*1DIGIT)` and
    /// `ip6-cidr-length = "/" ("0" / %x31-39 0*2DIGIT)`: no leading zeros, at most `max`.
    static func cidrLength(_ digits: ArraySlice<UInt8>, max: Int, term: String) throws(SPFSyntaxError) -> Int {
        guard !digits.isEmpty else {
            throw SPFSyntaxError(
                .incomplete, offset: digits.startIndex, term: term, reason: "\"/\" without a CIDR length")
        }
        guard digits.allSatisfy(isDigit), digits.count <= 3 else {
            throw SPFSyntaxError(
                .invalid, offset: digits.startIndex, term: term, reason: "CIDR length must be a number from 0 to \(max)"
            )
        }
        if digits.count > 1 && digits.first == UInt8(ascii: "0") {
            throw SPFSyntaxError(
                .invalid, offset: digits.startIndex, term: term, reason: "CIDR length has a leading zero")
        }
        let value = digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        guard value <= max else {
            throw SPFSyntaxError(
                .invalid, offset: digits.startIndex, term: term, reason: "CIDR length \(value) exceeds \(max)")
        }
        return value
    }

    /// `ip4-network = qnum "." qnum "." qnum "." qnum`, qnum without leading zeros.
    static func ip4Network(_ b: ArraySlice<UInt8>) -> IPAddress? {
        var value: UInt32 = 0
        let parts = b.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        for p in parts {
            // qnum = DIGIT / %x31-39 DIGIT / "1" 2DIGIT / "2" %x30-34 DIGIT / "25" %x30-35
            guard (1...3).contains(p.count), p.allSatisfy(isDigit) else { return nil }
            if p.count > 1 && p.first == UInt8(ascii: "0") { return nil }
            let n = p.reduce(0) { $0 * 10 + UInt32($1 - UInt8(ascii: "0")) }
            guard n <= 255 else { return nil }
            value = value << 8 | n
        }
        return .v4(value)
    }

    /// `ip6-network = <as per [RFC4291], section 2.2>`. An IPv4-mapped network
    /// (`::ffff:1.2.3.4`) stays IPv6: RFC 7208 §5 matches mapped clients with ip4 only.
    static func ip6Network(_ b: ArraySlice<UInt8>) -> IPAddress? {
        guard !b.isEmpty, b.count <= 45,
            b.allSatisfy({ isHexDigit($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ".") }),
            b.contains(UInt8(ascii: ":"))
        else { return nil }
        let text = String(decoding: b, as: UTF8.self)
        switch IPAddress(text) {
        case .v4(let v)?: return .v6(0, 0xffff << 32 | UInt64(v))
        case .v6(let hi, let lo)?: return .v6(hi, lo)
        case nil: return nil
        }
    }

    // MARK: domain-spec and macro-string

    /// Parses a `domain-spec` given as text (as in `exp=`, or for tests).
    public static func domainSpec(_ text: String) throws(SPFSyntaxError) -> SPFMacroString {
        let b = Array(text.utf8)
        return try domainSpec(b[...], term: text, explanation: false)
    }

    /// `domain-spec = macro-string domain-end`
    /// `domain-end  = ( "." toplabel [ "." ] ) / macro-expand`
    static func domainSpec(_ b: ArraySlice<UInt8>, term: String, explanation: Bool) throws(SPFSyntaxError)
        -> SPFMacroString
    {
        guard !b.isEmpty else {
            throw SPFSyntaxError(.incomplete, offset: b.startIndex, term: term, reason: "empty domain-spec")
        }
        let ms = try macroString(b, term: term, explanation: explanation)
        guard case .literal(let tail)? = ms.tokens.last else { return ms }  // ends in macro-expand
        var t = Substring(tail)
        if t.hasSuffix(".") { t.removeLast() }
        guard let dot = t.lastIndex(of: ".") else {
            throw SPFSyntaxError(
                .invalid, offset: b.startIndex, term: term,
                reason: "domain-spec \"\(ms.raw)\" must end in a macro or \".\" and a top-level label")
        }
        let top = t[t.index(after: dot)...]
        guard toplabel(top) else {
            throw SPFSyntaxError(
                .invalid, offset: b.startIndex, term: term,
                reason: "\"\(top)\" is not a valid top-level label (letters, digits and inner hyphens, not all digits)")
        }
        return ms
    }

    /// `toplabel = ( *alphanum ALPHA *alphanum ) / ( 1*alphanum "-" *( alphanum / "-" ) alphanum )`
    static func toplabel(_ s: Substring) -> Bool {
        let u = Array(s.utf8)
        guard let first = u.first, let last = u.last else { return false }
        guard u.allSatisfy({ isAlnum($0) || $0 == UInt8(ascii: "-") }) else { return false }
        if u.contains(UInt8(ascii: "-")) {
            return isAlnum(first) && isAlnum(last)
        }
        return u.contains(where: isAlpha)
    }

    /// Parses an explanation string (the TXT record `exp=` points at), where spaces and the
    /// letters c, r, t are allowed.
    /// `explain-string = *( macro-string / SP )`
    public static func explainString(_ text: String) throws(SPFSyntaxError) -> SPFMacroString {
        let b = Array(text.utf8)
        return try macroString(b[...], term: text, explanation: true)
    }

    /// `macro-string = *( macro-expand / macro-literal )`
    /// `macro-expand = ( "%{" macro-letter transformers *delimiter "}" ) / "%%" / "%_" / "%-"`
    /// `macro-literal = %x21-24 / %x26-7E`
    /// With `explanation`, SP is allowed too (`explain-string`), and so are c, r, t.
    static func macroString(_ b: ArraySlice<UInt8>, term: String, explanation: Bool) throws(SPFSyntaxError)
        -> SPFMacroString
    {
        var tokens: [SPFMacroToken] = []
        var literal: [UInt8] = []
        func flush() {
            if !literal.isEmpty {
                tokens.append(.literal(String(decoding: literal, as: UTF8.self)))
                literal.removeAll()
            }
        }
        var i = b.startIndex
        while i < b.endIndex {
            let c = b[i]
            if c == percent {
                guard i + 1 < b.endIndex else {
                    throw SPFSyntaxError(
                        .incomplete, offset: i, term: term, reason: "\"%\" at the end (write %% for a percent sign)")
                }
                switch b[i + 1] {
                case percent:
                    flush()
                    tokens.append(.percent)
                    i += 2
                case UInt8(ascii: "_"):
                    flush()
                    tokens.append(.space)
                    i += 2
                case UInt8(ascii: "-"):
                    flush()
                    tokens.append(.urlSpace)
                    i += 2
                case UInt8(ascii: "{"):
                    flush()
                    let (m, next) = try macroExpand(b, at: i, term: term, explanation: explanation)
                    tokens.append(.macro(m))
                    i = next
                default:
                    throw SPFSyntaxError(
                        .invalid, offset: i, term: term,
                        reason: "\"%\" must be followed by \"{\", \"%\", \"_\" or \"-\"")
                }
            } else if c >= 0x21 && c <= 0x7E || (explanation && c == sp) {
                literal.append(c)
                i += 1
            } else {
                throw SPFSyntaxError(
                    .invalid, offset: i, term: term,
                    reason: "character 0x\(String(c, radix: 16, uppercase: true)) is not allowed here")
            }
        }
        flush()
        return SPFMacroString(tokens: tokens, raw: String(decoding: b, as: UTF8.self))
    }

    /// `"%{" macro-letter transformers *delimiter "}"` starting at the "%".
    /// `transformers = *DIGIT [ "r" ]`, `delimiter = "." / "-" / "+" / "," / "/" / "_" / "="`
    static func macroExpand(_ b: ArraySlice<UInt8>, at start: Int, term: String, explanation: Bool)
        throws(SPFSyntaxError) -> (SPFMacro, Int)
    {
        var i = start + 2
        func incomplete() -> SPFSyntaxError {
            SPFSyntaxError(.incomplete, offset: start, term: term, reason: "macro \"%{\" is not closed by \"}\"")
        }
        guard i < b.endIndex else { throw incomplete() }
        let letterByte = b[i]
        guard let letter = SPFMacroLetter(rawValue: String(UnicodeScalar(ASCIIFold.lower(letterByte)))) else {
            throw SPFSyntaxError(
                .invalid, offset: i, term: term,
                reason:
                    "\"\(String(UnicodeScalar(letterByte)))\" is not a macro letter (s l o d i p h v; c r t in exp text)"
            )
        }
        if letter.explanationOnly && !explanation {
            throw SPFSyntaxError(
                .invalid, offset: i, term: term,
                reason: "macro letter \"\(letter.rawValue)\" is allowed only in explanation text")
        }
        var macro = SPFMacro(letter: letter, urlEscape: isUpper(letterByte))
        i += 1
        var digits = 0
        var count = 0
        while i < b.endIndex && isDigit(b[i]) {
            // Values above the label count of any name mean "all"; keep the number bounded.
            count = min(count * 10 + Int(b[i] - UInt8(ascii: "0")), 1_000)
            digits += 1
            i += 1
        }
        if digits > 0 {
            guard count > 0 else {
                throw SPFSyntaxError(
                    .invalid, offset: i - 1, term: term,
                    reason: "macro digit transformer must be nonzero (RFC 7208 §7.3)")
            }
            macro.rightParts = count
        }
        if i < b.endIndex && ASCIIFold.lower(b[i]) == UInt8(ascii: "r") {
            macro.reverse = true
            i += 1
        }
        var delimiters = ""
        while i < b.endIndex, ".-+,/_=".utf8.contains(b[i]) {
            delimiters.unicodeScalars.append(UnicodeScalar(b[i]))
            i += 1
        }
        macro.delimiters = delimiters
        guard i < b.endIndex else { throw incomplete() }
        guard b[i] == UInt8(ascii: "}") else {
            throw SPFSyntaxError(
                .invalid, offset: i, term: term,
                reason:
                    "unexpected \"\(String(UnicodeScalar(b[i])))\" in macro (expected transformers, delimiters or \"}\")"
            )
        }
        return (macro, i + 1)
    }

    // MARK: character classes

    static func isUpper(_ c: UInt8) -> Bool { c >= 65 && c <= 90 }
    static func isAlpha(_ c: UInt8) -> Bool { (c >= 65 && c <= 90) || (c >= 97 && c <= 122) }
    static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
    static func isAlnum(_ c: UInt8) -> Bool { isAlpha(c) || isDigit(c) }
    static func isHexDigit(_ c: UInt8) -> Bool { isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102) }
    /// `ALPHA / DIGIT / "-" / "_" / "."` (the characters of `name`).
    static func isNameChar(_ c: UInt8) -> Bool {
        isAlnum(c) || c == UInt8(ascii: "-") || c == UInt8(ascii: "_") || c == UInt8(ascii: ".")
    }

    /// The space-delimited term around a byte offset, for error messages.
    static func termAround(_ b: [UInt8], _ i: Int) -> String {
        var s = i
        var e = i
        while s > 0 && b[s - 1] != sp { s -= 1 }
        while e < b.count && b[e] != sp { e += 1 }
        let slice = b[s..<min(e, s + 64)]
        return String(decoding: slice, as: UTF8.self)
    }
}
