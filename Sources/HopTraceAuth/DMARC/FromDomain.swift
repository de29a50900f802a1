import HopTraceCore

// RFC 5322 §3.4 (with the §4.4 obsolete forms real mail still carries), the grammar read here:
//
//   from            = "From:" mailbox-list CRLF
//   mailbox-list    = (mailbox *("," mailbox)) / obs-mbox-list
//   address-list    = (address *("," address)) / obs-addr-list
//   address         = mailbox / group
//   mailbox         = name-addr / addr-spec
//   name-addr       = [display-name] angle-addr
//   angle-addr      = [CFWS] "<" addr-spec ">" [CFWS] / obs-angle-addr
//   obs-angle-addr  = [CFWS] "<" obs-route addr-spec ">" [CFWS]
//   group           = display-name ":" [group-list] ";" [CFWS]
//   display-name    = phrase
//   addr-spec       = local-part "@" domain
//   local-part      = dot-atom / quoted-string / obs-local-part
//   domain          = dot-atom / domain-literal / obs-domain
//   domain-literal  = [CFWS] "[" *([FWS] dtext) [FWS] "]" [CFWS]

/// The From header's address(es) and the DMARC author domain (RFC 7489 §6.6.1).
public struct FromDomain: Sendable, Hashable {
    /// The one domain DMARC applies to; nil when there is not exactly one usable address.
    public var domain: String?
    /// Every addr-spec found, as written (quoted local parts kept quoted).
    public var addresses: [String]
    /// Why `domain` is nil (or a note about how it was found).
    public var reason: String?

    public init(domain: String?, addresses: [String], reason: String?) {
        self.domain = domain
        self.addresses = addresses
        self.reason = reason
    }

    /// Reads a From header value: display names (quoted or not, with RFC 2047 words left as
    /// they are), comments anywhere, angle addresses (with obsolete routes), groups, bare
    /// addr-specs. Multiple addresses give no domain (RFC 7489 §6.6.1 leaves the choice to the
    /// receiver; a forensic tool should not guess which author counts).
    public static func parse(_ value: String) -> FromDomain {
        let bytes = Array(value.utf8.prefix(DMARCLimits.maxFromBytes))
        var addresses: [String] = []
        var sawGroup = false
        var unterminated = false

        // Split into top-level mailbox texts: commas, group ":" and ";" outside quotes,
        // comments, angle brackets and domain literals.
        var current: [UInt8] = []  // the mailbox text with comments removed
        var angle: [UInt8]? = nil  // the inside of <…>, when seen
        var inAngle = false
        var i = 0
        func flush() {
            defer {
                current = []
                angle = nil
            }
            if addresses.count >= DMARCLimits.maxFromAddresses { return }
            let spec: [UInt8]
            if let a = angle { spec = a } else { spec = current }
            var s = Array(ASCIITrim.trimmed(spec))
            // obs-route: "@a.example,@b.example:" before the addr-spec
            if inAngleRoute(s), let colon = s.lastIndex(of: UInt8(ascii: ":")) {
                s = Array(ASCIITrim.trimmed(s[(colon + 1)...]))
            }
            if s.isEmpty { return }
            addresses.append(String(decoding: s, as: UTF8.self))
        }
        while i < bytes.count {
            let c = bytes[i]
            switch c {
            case UInt8(ascii: "("):
                // comment (nested, quoted-pairs): dropped
                var depth = 0
                var closed = false
                while i < bytes.count {
                    let d = bytes[i]
                    if d == UInt8(ascii: "\\") {
                        i += 2
                        continue
                    }
                    if d == UInt8(ascii: "(") { depth += 1 }
                    if d == UInt8(ascii: ")") {
                        depth -= 1
                        if depth == 0 {
                            closed = true
                            i += 1
                            break
                        }
                    }
                    i += 1
                }
                if !closed { unterminated = true }
                if inAngle { angle?.append(0x20) } else { current.append(0x20) }
                continue
            case UInt8(ascii: "\""):
                let start = i
                i += 1
                var closed = false
                while i < bytes.count {
                    if bytes[i] == UInt8(ascii: "\\") {
                        i += 2
                        continue
                    }
                    if bytes[i] == UInt8(ascii: "\"") {
                        closed = true
                        i += 1
                        break
                    }
                    i += 1
                }
                if !closed { unterminated = true }
                let q = Array(bytes[start..<min(i, bytes.count)])
                if inAngle { angle?.append(contentsOf: q) } else { current.append(contentsOf: q) }
                continue
            case UInt8(ascii: "["):
                let start = i
                while i < bytes.count && bytes[i] != UInt8(ascii: "]") { i += 1 }
                i = min(i + 1, bytes.count)
                let lit = Array(bytes[start..<i])
                if inAngle { angle?.append(contentsOf: lit) } else { current.append(contentsOf: lit) }
                continue
            case UInt8(ascii: "<") where !inAngle:
                inAngle = true
                angle = []
            case UInt8(ascii: ">") where inAngle:
                inAngle = false
            case UInt8(ascii: ",") where !inAngle:
                flush()
            case UInt8(ascii: ":") where !inAngle:
                // group = display-name ":" — what came before was the group's name.
                sawGroup = true
                current = []
                angle = nil
            case UInt8(ascii: ";") where !inAngle:
                flush()
            default:
                if inAngle { angle?.append(c) } else { current.append(c) }
            }
            i += 1
        }
        if inAngle { unterminated = true }
        flush()

        let note = unterminated ? "an unterminated comment, quoted-string or angle bracket was read to the end" : nil
        if addresses.isEmpty {
            return FromDomain(
                domain: nil, addresses: [],
                reason: sawGroup ? "an empty group: no author address" : "no address in the From header")
        }
        if addresses.count > 1 {
            let domains = Set(addresses.compactMap { domainOf($0) })
            let same = domains.count == 1 ? " (all in \(domains.first!))" : ""
            return FromDomain(
                domain: nil, addresses: addresses,
                reason:
                    "\(addresses.count) addresses in the From header\(same); DMARC needs one author domain (RFC 7489 §6.6.1)"
            )
        }
        guard let d = domainOf(addresses[0]) else {
            return FromDomain(
                domain: nil, addresses: addresses, reason: "the address \"\(addresses[0].prefix(80))\" has no domain")
        }
        if d.hasPrefix("[") {
            return FromDomain(
                domain: nil, addresses: addresses, reason: "the address has a domain literal, not a domain name")
        }
        return FromDomain(domain: d, addresses: addresses, reason: note)
    }

    /// The part after the last "@" outside quotes, lower case, no trailing dot, no spaces.
    static func domainOf(_ addr: String) -> String? {
        var inQuote = false
        var at: String.Index? = nil
        var idx = addr.startIndex
        while idx < addr.endIndex {
            let ch = addr[idx]
            if ch == "\\" && inQuote {
                idx = addr.index(after: idx)
                if idx < addr.endIndex { idx = addr.index(after: idx) }
                continue
            }
            if ch == "\"" { inQuote.toggle() }
            if ch == "@" && !inQuote { at = idx }
            idx = addr.index(after: idx)
        }
        guard let at else { return nil }
        let d = DomainName.normalized(
            addr[addr.index(after: at)...].filter { $0 != " " && $0 != "\t" && $0 != "\r" && $0 != "\n" })
        return d.isEmpty ? nil : d
    }

    static func inAngleRoute(_ s: [UInt8]) -> Bool { s.first == UInt8(ascii: "@") && s.contains(UInt8(ascii: ":")) }
}
