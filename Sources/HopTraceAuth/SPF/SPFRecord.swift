import HopTraceCore

// RFC 7208 §12 (collected ABNF), the grammar this model follows:
//
//   record           = version terms *SP
//   version          = "v=spf1"
//   terms            = *( 1*SP ( directive / modifier ) )
//   directive        = [ qualifier ] mechanism
//   qualifier        = "+" / "-" / "?" / "~"
//   mechanism        = ( all / include / a / mx / ptr / ip4 / ip6 / exists )
//   all              = "all"
//   include          = "include"  ":" domain-spec
//   a                = "a"      [ ":" domain-spec ] [ dual-cidr-length ]
//   mx               = "mx"     [ ":" domain-spec ] [ dual-cidr-length ]
//   ptr              = "ptr"    [ ":" domain-spec ]
//   ip4              = "ip4"      ":" ip4-network   [ ip4-cidr-length ]
//   ip6              = "ip6"      ":" ip6-network   [ ip6-cidr-length ]
//   exists           = "exists"   ":" domain-spec
//   modifier         = redirect / explanation / unknown-modifier
//   redirect         = "redirect" "=" domain-spec
//   explanation      = "exp" "=" domain-spec
//   unknown-modifier = name "=" macro-string
//                      ; where name is not any known modifier
//   ip4-cidr-length  = "/" ("0" / %x31-39 0*1DIGIT) ; value range 0-32
//   ip6-cidr-length  = "/" ("0" / %x31-39 0*2DIGIT) ; value range 0-128
//   dual-cidr-length = [ ip4-cidr-length ] [ "/" ip6-cidr-length ]
//   ip4-network      = qnum "." qnum "." qnum "." qnum
//   qnum             = DIGIT                 ; 0-9
//                      / %x31-39 DIGIT       ; 10-99
//                      / "1" 2DIGIT          ; 100-199
//                      / "2" %x30-34 DIGIT   ; 200-249
//                      / "25" %x30-35        ; 250-255
//   ip6-network      = <as per [RFC4291], section 2.2>
//   domain-spec      = macro-string domain-end
//   domain-end       = ( "." toplabel [ "." ] ) / macro-expand
//   toplabel         = ( *alphanum ALPHA *alphanum ) /
//                      ( 1*alphanum "-" *( alphanum / "-" ) alphanum )
//   alphanum         = ALPHA / DIGIT
//   explain-string   = *( macro-string / SP )
//   macro-string     = *( macro-expand / macro-literal )
//   macro-expand     = ( "%{" macro-letter transformers *delimiter "}" )
//                      / "%%" / "%_" / "%-"
//   macro-literal    = %x21-24 / %x26-7E ; visible characters except "%"
//   macro-letter     = "s" / "l" / "o" / "d" / "i" / "p" / "h" /
//                      "c" / "r" / "t" / "v"
//   transformers     = *DIGIT [ "r" ]
//   delimiter        = "." / "-" / "+" / "," / "/" / "_" / "="
//   name             = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." )

/// A parsed SPF policy record (`v=spf1 …`). Every term keeps its raw text and byte range in
/// `text`, so a trace can quote the evidence.
public struct SPFRecord: Sendable, Hashable {
    /// The record text as published (ASCII; records with other bytes are rejected).
    public var text: String
    /// The version tag as written (`v=spf1`, any case).
    public var version: String
    /// Directives and modifiers in record order.
    public var terms: [SPFTerm]

    public init(text: String, version: String, terms: [SPFTerm]) {
        self.text = text
        self.version = version
        self.terms = terms
    }

    /// The directives in evaluation order.
    public var directives: [SPFDirective] {
        terms.compactMap { if case .directive(let d) = $0 { return d } else { return nil } }
    }

    /// The `redirect=` modifier term, if any (at most one: the parser rejects two).
    public var redirect: SPFModifierTerm? {
        for case .modifier(let m) in terms { if case .redirect = m.modifier { return m } }
        return nil
    }

    /// The `exp=` modifier term, if any (at most one).
    public var explanation: SPFModifierTerm? {
        for case .modifier(let m) in terms { if case .explanation = m.modifier { return m } }
        return nil
    }

    /// RFC 7208 §6.1: "Any redirect modifier MUST be ignored if there is an all mechanism
    /// anywhere in the record."
    public var hasAll: Bool {
        for case .directive(let d) in terms { if case .all = d.mechanism { return true } }
        return false
    }
}

/// `terms = *( 1*SP ( directive / modifier ) )`
public enum SPFTerm: Sendable, Hashable {
    case directive(SPFDirective)
    case modifier(SPFModifierTerm)

    public var raw: String {
        switch self {
        case .directive(let d): return d.raw
        case .modifier(let m): return m.raw
        }
    }

    public var range: Range<Int> {
        switch self {
        case .directive(let d): return d.range
        case .modifier(let m): return m.range
        }
    }
}

/// `directive = [ qualifier ] mechanism`
public struct SPFDirective: Sendable, Hashable {
    public var qualifier: SPFQualifier
    /// Whether the qualifier was written (`+a`) or implied (`a`).
    public var explicitQualifier: Bool
    public var mechanism: SPFMechanism
    /// The term as written.
    public var raw: String
    /// Byte offsets of the term in the record text.
    public var range: Range<Int>

    public init(
        qualifier: SPFQualifier, explicitQualifier: Bool, mechanism: SPFMechanism, raw: String, range: Range<Int>
    ) {
        self.qualifier = qualifier
        self.explicitQualifier = explicitQualifier
        self.mechanism = mechanism
        self.raw = raw
        self.range = range
    }
}

/// `qualifier = "+" / "-" / "?" / "~"`
public enum SPFQualifier: String, Sendable, Hashable, CaseIterable {
    case pass = "+"
    case fail = "-"
    case softfail = "~"
    case neutral = "?"

    /// The result a matching directive with this qualifier yields (RFC 7208 §4.6.2).
    public var result: SPFResult {
        switch self {
        case .pass: return .pass
        case .fail: return .fail
        case .softfail: return .softfail
        case .neutral: return .neutral
        }
    }
}

/// `mechanism = ( all / include / a / mx / ptr / ip4 / ip6 / exists )`
public enum SPFMechanism: Sendable, Hashable {
    case all
    case include(SPFMacroString)
    /// nil domain-spec: the current domain.
    case a(SPFMacroString?, SPFDualCIDR)
    case mx(SPFMacroString?, SPFDualCIDR)
    case ptr(SPFMacroString?)
    /// An IPv4 network and prefix length.
    case ip4(IPAddress, Int)
    /// An IPv6 network and prefix length (an IPv4-mapped network stays IPv6 here).
    case ip6(IPAddress, Int)
    case exists(SPFMacroString)

    /// The mechanism name, lower case.
    public var name: String {
        switch self {
        case .all: return "all"
        case .include: return "include"
        case .a: return "a"
        case .mx: return "mx"
        case .ptr: return "ptr"
        case .ip4: return "ip4"
        case .ip6: return "ip6"
        case .exists: return "exists"
        }
    }

    /// Mechanisms that query DNS and count against the limit of RFC 7208 §4.6.4.
    public var queriesDNS: Bool {
        switch self {
        case .include, .a, .mx, .ptr, .exists: return true
        case .all, .ip4, .ip6: return false
        }
    }
}

/// `dual-cidr-length = [ ip4-cidr-length ] [ "/" ip6-cidr-length ]`; absent lengths are the
/// full address (32, 128).
public struct SPFDualCIDR: Sendable, Hashable {
    public var ip4: Int
    public var ip6: Int

    public init(ip4: Int = 32, ip6: Int = 128) {
        self.ip4 = ip4
        self.ip6 = ip6
    }
}

/// A modifier with its raw text and position.
public struct SPFModifierTerm: Sendable, Hashable {
    public var modifier: SPFModifier
    public var raw: String
    public var range: Range<Int>

    public init(modifier: SPFModifier, raw: String, range: Range<Int>) {
        self.modifier = modifier
        self.raw = raw
        self.range = range
    }
}

/// `modifier = redirect / explanation / unknown-modifier`
public enum SPFModifier: Sendable, Hashable {
    case redirect(SPFMacroString)
    case explanation(SPFMacroString)
    /// Ignored during evaluation (RFC 7208 §6), but its value must be a valid macro-string.
    case unknown(name: String, value: SPFMacroString)
}

/// `macro-string = *( macro-expand / macro-literal )` (or, for explanation text,
/// `explain-string = *( macro-string / SP )`), split into tokens.
public struct SPFMacroString: Sendable, Hashable, CustomStringConvertible {
    public var tokens: [SPFMacroToken]
    /// The text as written.
    public var raw: String

    public init(tokens: [SPFMacroToken], raw: String) {
        self.tokens = tokens
        self.raw = raw
    }

    public var description: String { raw }

    /// Whether expansion needs no macro values (the text is literal).
    public var isLiteral: Bool {
        tokens.allSatisfy { if case .literal = $0 { return true } else { return false } }
    }
}

public enum SPFMacroToken: Sendable, Hashable {
    /// `macro-literal` characters (and spaces in explanation text).
    case literal(String)
    /// `"%{" macro-letter transformers *delimiter "}"`
    case macro(SPFMacro)
    /// `%%`
    case percent
    /// `%_`
    case space
    /// `%-`
    case urlSpace
}

/// One `%{…}` expansion.
public struct SPFMacro: Sendable, Hashable {
    public var letter: SPFMacroLetter
    /// Upper-case letter: the value is URL-escaped after transformation (RFC 7208 §7.3).
    public var urlEscape: Bool
    /// `*DIGIT`: keep this many right-hand parts (nil: all). Never zero.
    public var rightParts: Int?
    /// `"r"`: reverse the parts.
    public var reverse: Bool
    /// `*delimiter`; empty means ".".
    public var delimiters: String

    public init(
        letter: SPFMacroLetter, urlEscape: Bool = false, rightParts: Int? = nil, reverse: Bool = false,
        delimiters: String = ""
    ) {
        self.letter = letter
        self.urlEscape = urlEscape
        self.rightParts = rightParts
        self.reverse = reverse
        self.delimiters = delimiters
    }
}

/// `macro-letter`, RFC 7208 §7.2.
public enum SPFMacroLetter: String, Sendable, Hashable, CaseIterable {
    /// <sender>
    case s
    /// local-part of <sender>
    case l
    /// domain of <sender>
    case o
    /// <domain>
    case d
    /// <ip>, dotted (nibbles for IPv6)
    case i
    /// the validated domain name of <ip> (discouraged)
    case p
    /// the string "in-addr" if <ip> is IPv4, or "ip6" if <ip> is IPv6
    case v
    /// HELO/EHLO domain
    case h
    /// SMTP client IP (easily readable format) — explanation only
    case c
    /// domain name of host performing the check — explanation only
    case r
    /// current timestamp — explanation only
    case t

    /// c, r and t may appear only in explanation text (RFC 7208 §7.2).
    public var explanationOnly: Bool { self == .c || self == .r || self == .t }
}
