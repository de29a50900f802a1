import HopTraceCore

/// The values macros expand to (RFC 7208 §7.2). `p` is looked up by the evaluator before
/// expansion, only when the string uses it.
public struct SPFMacroValues: Sendable, Hashable {
    /// <sender>, `local@domain`.
    public var sender: String
    public var localPart: String
    public var senderDomain: String
    /// <domain> currently being evaluated.
    public var domain: String
    public var ip: IPAddress
    public var helo: String
    /// The validated name of <ip> (`%{p}`), "unknown" when none.
    public var validatedName: String
    /// `%{r}`: the host performing the check.
    public var receivingHost: String
    /// `%{t}`: seconds since the epoch.
    public var timestamp: Int

    public init(
        sender: String, localPart: String, senderDomain: String, domain: String, ip: IPAddress, helo: String,
        validatedName: String = "unknown", receivingHost: String = "unknown", timestamp: Int = 0
    ) {
        self.sender = sender
        self.localPart = localPart
        self.senderDomain = senderDomain
        self.domain = domain
        self.ip = ip
        self.helo = helo
        self.validatedName = validatedName
        self.receivingHost = receivingHost
        self.timestamp = timestamp
    }

    /// The value of one letter before transformation.
    public func value(_ letter: SPFMacroLetter) -> String {
        switch letter {
        case .s: return sender
        case .l: return localPart
        case .o: return senderDomain
        case .d: return domain
        case .i: return SPFMacroExpansion.dotted(ip)
        case .p: return validatedName
        case .v: return ip.isIPv4 ? "in-addr" : "ip6"
        case .h: return helo
        case .c: return ip.description
        case .r: return receivingHost
        case .t: return String(timestamp)
        }
    }
}

/// Macro expansion (RFC 7208 §7.3, §7.4), bounded: an expansion never grows beyond a fixed
/// window whatever the record (`%{d500r}`, a thousand `%{s}`), and expanded domain names are
/// cut from the left to 253 characters as the RFC requires.
public enum SPFMacroExpansion {
    public enum Mode: Sendable, Hashable {
        /// A domain-spec: trailing dot removed, cut from the left to 253 characters.
        case domain
        /// Explanation text: kept as written, cut at `SPFLimits.maxExplanationLength`.
        case explanation
    }

    /// Characters kept while expanding a domain: the 253-character cut only looks at the
    /// last 254, so a longer tail is never needed.
    static let domainWindow = 1024

    public static func expand(_ ms: SPFMacroString, values: SPFMacroValues, mode: Mode) -> String {
        if mode == .domain, let literal = literalDomain(ms) { return literal }
        var out = ""
        var count = 0
        let cap = mode == .domain ? 2 * domainWindow : SPFLimits.maxExplanationLength
        func append(_ piece: String) {
            out += piece
            count += piece.count
            if count > cap {
                switch mode {
                case .domain:
                    out = String(out.suffix(domainWindow))
                    count = domainWindow
                case .explanation:
                    out = String(out.prefix(SPFLimits.maxExplanationLength))
                    count = SPFLimits.maxExplanationLength
                }
            }
        }
        for token in ms.tokens {
            if mode == .explanation && count >= SPFLimits.maxExplanationLength { break }
            switch token {
            case .literal(let s): append(s)
            case .percent: append("%")
            case .space: append(" ")
            case .urlSpace: append("%20")
            case .macro(let m): append(expand(m, values: values))
            }
        }
        if mode == .domain {
            return truncateDomain(out)
        }
        return out
    }

    /// The expansion of a domain-spec that is one literal (`include:_spf.example.com`, the usual
    /// case), which needs no macro values: the text, trailing dot dropped and cut to 253. Only
    /// for a literal the expansion window never cuts (as `expand` would read it); else nil.
    static func literalDomain(_ ms: SPFMacroString) -> String? {
        guard ms.tokens.count == 1, case .literal(let text) = ms.tokens[0], text.utf8.count <= 2 * domainWindow else {
            return nil
        }
        return truncateDomain(text)
    }

    /// One `%{…}`: split on the delimiters, optionally reverse, keep the right-hand parts,
    /// join with ".", then URL-escape for an upper-case letter (RFC 7208 §7.3).
    public static func expand(_ m: SPFMacro, values: SPFMacroValues) -> String {
        var value = values.value(m.letter)
        if m.rightParts != nil || m.reverse || !m.delimiters.isEmpty {
            let delimiters = m.delimiters.isEmpty ? "." : m.delimiters
            if let ascii = transformASCII(value, m, delimiters: delimiters) {
                value = ascii
            } else {
                var parts = value.split(omittingEmptySubsequences: false) { delimiters.contains($0) }
                if m.reverse { parts.reverse() }
                if let n = m.rightParts, n < parts.count { parts = Array(parts.suffix(n)) }
                value = parts.joined(separator: ".")
            }
        }
        return m.urlEscape ? urlEscape(value) : value
    }

    /// The split–reverse–keep–join of `expand` done on bytes, for ASCII text (nil otherwise).
    /// Delimiters are ASCII, and in ASCII text every character is one byte except CR LF, which
    /// holds no delimiter: splitting at delimiter bytes is splitting at delimiter characters.
    static func transformASCII(_ value: String, _ m: SPFMacro, delimiters: String) -> String? {
        value.withUTF8Bytes { bytes -> String? in
            if bytes.contains(where: { $0 >= 0x80 }) || delimiters.utf8.contains(where: { $0 >= 0x80 }) { return nil }
            var isDelimiter = (UInt64(0), UInt64(0))  // a bit per ASCII byte
            for d in delimiters.utf8 {
                if d < 64 { isDelimiter.0 |= 1 << UInt64(d) } else { isDelimiter.1 |= 1 << UInt64(d - 64) }
            }
            var parts: [Range<Int>] = []
            var start = 0
            for (i, byte) in bytes.enumerated() {
                let bit = byte < 64 ? isDelimiter.0 >> UInt64(byte) : isDelimiter.1 >> UInt64(byte - 64)
                if bit & 1 == 1 {
                    parts.append(start..<i)
                    start = i + 1
                }
            }
            parts.append(start..<bytes.count)
            if m.reverse { parts.reverse() }
            if let n = m.rightParts, n < parts.count { parts.removeFirst(parts.count - n) }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            for (k, part) in parts.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ".")) }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[part]))
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// RFC 3986 percent-encoding of everything outside `unreserved` (RFC 7208 §7.3).
    public static func urlEscape(_ s: String) -> String {
        var out = ""
        for byte in s.utf8 {
            let c = byte
            if SPFParser.isAlnum(c) || c == UInt8(ascii: "-") || c == UInt8(ascii: ".") || c == UInt8(ascii: "_")
                || c == UInt8(ascii: "~")
            {
                out.unicodeScalars.append(UnicodeScalar(c))
            } else {
                let hex = String(c, radix: 16, uppercase: true)
                out += "%" + (hex.count < 2 ? "0" + hex : hex)
            }
        }
        return out
    }

    /// RFC 7208 §7.3: "if the expanded domain name exceeds 253 characters … the left side is
    /// truncated to fit, by removing successive domain labels". The trailing dot is dropped
    /// (§7.1: a trailing dot is ignored for domains).
    public static func truncateDomain(_ name: String) -> String {
        // Nothing to drop or cut (the usual case): the name as it is.
        if name.utf8.last != UInt8(ascii: "."), name.utf8.count <= SPFLimits.maxDomainLength { return name }
        var n = Substring(name)
        if n.hasSuffix(".") { n.removeLast() }
        while n.utf8.count > SPFLimits.maxDomainLength {
            guard let dot = n.firstIndex(of: ".") else { return String(n) }
            n = n[n.index(after: dot)...]
        }
        return String(n)
    }

    /// `%{i}`: dotted quad, or 32 dot-separated hex nibbles for IPv6 (RFC 7208 §7.3).
    public static func dotted(_ ip: IPAddress) -> String {
        switch ip {
        case .v4: return ip.description
        case .v6(let hi, let lo):
            var out: [UInt8] = []
            out.reserveCapacity(63)
            for (n, nibble) in nibbles(hi, lo).enumerated() {
                if n > 0 { out.append(UInt8(ascii: ".")) }
                out.append(hexDigit(nibble))
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// The reverse-lookup name of an address (`4.3.2.1.in-addr.arpa`, nibbles `.ip6.arpa`).
    /// Written byte by byte: every ptr term and `%{p}` asks it.
    public static func reverseName(_ ip: IPAddress) -> String {
        var out: [UInt8] = []
        switch ip {
        case .v4(let v):
            out.reserveCapacity(29)
            for shift: UInt32 in [0, 8, 16, 24] {
                appendDecimal(UInt8(truncatingIfNeeded: v >> shift), to: &out)
                out.append(UInt8(ascii: "."))
            }
            out += "in-addr.arpa".utf8
        case .v6(let hi, let lo):
            out.reserveCapacity(72)
            for nibble in nibbles(hi, lo).reversed() {
                out.append(hexDigit(nibble))
                out.append(UInt8(ascii: "."))
            }
            out += "ip6.arpa".utf8
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The 32 nibbles of an IPv6 address, most significant first.
    static func nibbles(_ hi: UInt64, _ lo: UInt64) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(32)
        for half in [hi, lo] {
            for i in stride(from: 60, through: 0, by: -4) {
                out.append(UInt8(truncatingIfNeeded: half >> UInt64(i)) & 0xf)
            }
        }
        return out
    }

    /// A nibble's lower-case hex digit.
    static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }

    /// A byte in decimal, without leading zeros.
    static func appendDecimal(_ value: UInt8, to out: inout [UInt8]) {
        if value >= 100 { out.append(UInt8(ascii: "0") + value / 100) }
        if value >= 10 { out.append(UInt8(ascii: "0") + value / 10 % 10) }
        out.append(UInt8(ascii: "0") + value % 10)
    }
}
