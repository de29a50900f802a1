/// A domain or host name as hoptrace compares it: lower-cased, trailing dots removed (Gmail
/// writes `mail-pj1-f45.google.com.`); `text` is never empty.
public struct DomainName: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The normalised name.
    public let text: String

    /// Nil when nothing is left after normalisation (empty, or only dots).
    public init?(_ raw: some StringProtocol) {
        let n = DomainName.normalized(raw)
        if n.isEmpty { return nil }
        text = n
    }

    /// `raw` lower-cased and without its trailing dots. ASCII text is lowered byte by byte;
    /// text with non-ASCII characters (U-labels) by Unicode's rules (`String.lowercased()`), as
    /// the Public Suffix List's Unicode rules and DNS lookups of written names expect. Text that
    /// is already normal (the usual case) is returned without being rebuilt.
    public static func normalized(_ raw: some StringProtocol) -> String {
        // Contiguous ASCII text (nearly every name) in one pass over its bytes; the rest below.
        let ascii: String?? = raw.utf8.withContiguousStorageIfAvailable { b -> String? in
            var end = b.count
            while end > 0, b[end - 1] == UInt8(ascii: ".") { end -= 1 }
            var upper = false
            for i in 0..<end {
                let c = b[i]
                if c >= 0x80 { return nil }
                if c &- 0x41 < 26 { upper = true }
            }
            if !upper {
                return end == b.count
                    ? String(raw) : String(decoding: UnsafeBufferPointer(rebasing: b[..<end]), as: UTF8.self)
            }
            return String(unsafeUninitializedCapacity: end) { out in
                for i in 0..<end { out[i] = ASCIIFold.lower(b[i]) }
                return end
            }
        }
        if let ascii, let ascii { return ascii }
        return normalizedByCharacters(raw)
    }

    /// `normalized(_:)` over the string's views, for text that is not contiguous ASCII.
    static func normalizedByCharacters(_ raw: some StringProtocol) -> String {
        let all = Substring(raw)
        let u = all.utf8
        var end = u.endIndex
        while end > u.startIndex, u[u.index(before: end)] == UInt8(ascii: ".") { end = u.index(before: end) }
        let body = u[u.startIndex..<end]
        if body.contains(where: { $0 >= 0x80 }) { return all[u.startIndex..<end].lowercased() }
        if end == u.endIndex, !body.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) { return String(raw) }
        return String(decoding: body.map(ASCIIFold.lower), as: UTF8.self)
    }

    public var description: String { text }

    public static func < (a: DomainName, b: DomainName) -> Bool { a.text < b.text }

    /// The labels, left to right (an empty label stays, for `a..b`).
    public var labels: [Substring] { text.split(separator: ".", omittingEmptySubsequences: false) }

    /// The leftmost label (`mail01` of `mail01.example.com`; the whole name when it has one label).
    public var firstLabel: Substring { text[..<(text.firstIndex(of: ".") ?? text.endIndex)] }

    /// A single-label name (`MAIL01`, NetBIOS style): meaningful only inside one network.
    public var isSingleLabel: Bool { !text.utf8.contains(UInt8(ascii: ".")) }

    // MARK: - Validity

    /// Longest label, in octets (RFC 1035 §2.3.4).
    public static let maxLabelOctets = 63
    /// Longest name in presentation form without the root dot, in octets: 255 in wire form
    /// (RFC 1035 §2.3.4) less the first length octet and the root label.
    public static let maxTextOctets = 253

    /// Why `name` (presentation form, no trailing dot, no escapes) is not a domain name, or nil
    /// when it is one. The rules every check of a name shares: not empty, no empty label, no
    /// label over 63 octets, at most 253 octets in all. Which characters a label may hold is
    /// the caller's rule: DNS asks any bytes (RFC 2181 §11), DKIM's `d=` and `s=` take letters,
    /// digits, hyphen and underscore (`DKIMSignature.domainName`).
    public static func problem(_ name: some StringProtocol) -> String? {
        let bytes = name.utf8
        if bytes.isEmpty { return "empty name" }
        var label = 0
        var total = 0
        for byte in bytes {
            total += 1
            if byte == UInt8(ascii: ".") {
                if label == 0 { return "empty label in \"\(name)\"" }
                label = 0
            } else {
                label += 1
                if label > maxLabelOctets { return "label longer than \(maxLabelOctets) octets" }
            }
        }
        if label == 0 { return "empty label in \"\(name)\"" }
        if total > maxTextOctets { return "name longer than \(maxTextOctets + 2) octets" }
        return nil
    }

    // MARK: - One machine by first label

    /// Generic first labels that many unrelated machines share.
    static let genericLabels: Set<String> = [
        "mail", "smtp", "mx", "relay", "gateway", "gw", "www", "mta", "out", "outbound", "inbound",
        "mailhost", "exchange", "exch", "server", "host", "edge", "filter", "spam", "mailgw",
    ]

    /// A first label specific enough to name one machine (`VE1EUR02FT011`, `HE1PR06CA0108`):
    /// at least 6 characters, letters and digits both, and not a generic word with a number
    /// (`mail01`). Nil for a single-label name and for one with fewer than 3 labels, whose first
    /// label is the organisation's own name.
    public var specificFirstLabel: String? {
        // An ASCII name (no CR, which joins LF into one character; not starting with a dot) is
        // judged byte by byte: there `isNumber` and `isLetter` are the ASCII digits and
        // letters, and one byte is one character. Others as below.
        let u = text.utf8
        let firstEnd = u.firstIndex(of: UInt8(ascii: ".")) ?? u.endIndex
        if u.first != UInt8(ascii: "."), !u.contains(where: { $0 >= 0x80 || $0 == 0x0D }) {
            // Three labels or more, empty ones not counted (as `split` leaves them out).
            var labels = 0
            var inLabel = false
            for c in u {
                if c == UInt8(ascii: ".") {
                    inLabel = false
                } else if !inLabel {
                    inLabel = true
                    labels += 1
                }
            }
            let firstLabel = text[u.startIndex..<firstEnd]
            let bytes = firstLabel.utf8
            guard labels >= 3, !bytes.isEmpty, bytes.count >= 6 else { return nil }
            guard bytes.contains(where: { $0 >= 0x30 && $0 <= 0x39 }),
                bytes.contains(where: { ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A })
            else { return nil }
            let letters = String(
                decoding: bytes.filter { !($0 >= 0x30 && $0 <= 0x39) && $0 != UInt8(ascii: "-") }, as: UTF8.self)
            if DomainName.genericLabels.contains(letters) { return nil }
            return String(firstLabel)
        }
        let parts = text.split(separator: ".")
        guard parts.count >= 3, let first = parts.first, first.count >= 6 else { return nil }
        guard first.contains(where: \.isNumber), first.contains(where: \.isLetter) else { return nil }
        let letters = String(first.filter { !$0.isNumber && $0 != "-" })
        if DomainName.genericLabels.contains(letters) { return nil }
        return String(first)
    }

    /// Whether two names are likely one machine by their first label. The one rule the chain's
    /// continuity check and the topology's likely aliases share:
    /// - equal names are one machine;
    /// - a single-label name (`MAIL01`, NetBIOS style) is the machine of a dotted name whose
    ///   first label it is (`mail01.corp.example`): a single label names a machine inside one
    ///   network, and the dotted name is that machine's full name;
    /// - two dotted names are one machine when they share a `specificFirstLabel` and
    ///   `sameOrganisation` says they belong to one organisation (Microsoft writes one server
    ///   as `HE1PR06CA0108.outlook.office365.com` and `HE1PR06CA0108.eurprd06.prod.outlook.com`).
    /// `mail01.attacker.example` and `mail01.victim.example` are two machines: `mail01` is a
    /// generic word with a number, and the two names belong to different organisations.
    public static func likelySameMachine(
        _ a: DomainName, _ b: DomainName,
        sameOrganisation: (DomainName, DomainName) -> Bool
    ) -> Bool {
        if a == b { return true }
        switch (a.isSingleLabel, b.isSingleLabel) {
        case (true, true): return false
        case (true, false): return a.text[...] == b.firstLabel
        case (false, true): return b.text[...] == a.firstLabel
        case (false, false):
            guard let la = a.specificFirstLabel, la == b.specificFirstLabel else { return false }
            return sameOrganisation(a, b)
        }
    }

    // MARK: - Organisation

    /// The registrable domain (`mail.example.co.uk` → `example.co.uk`), nil for a public suffix.
    public func registrableDomain(in list: PublicSuffixList = .standard) -> String? {
        list.registrableDomain(of: text)
    }

    /// The organisation a name belongs to by name alone: a known operator (`op:Microsoft`) or
    /// else its registrable domain. Nil for a single-label name or a public suffix.
    public func organisationKey(in list: PublicSuffixList = .standard) -> String? {
        guard !isSingleLabel, let rd = registrableDomain(in: list) else { return nil }
        return DomainName.organisationKey(registrableDomain: rd)
    }

    /// The organisation key of a dotted name whose registrable domain is `rd` (what
    /// `organisationKey(in:)` gives once it has that domain), for callers that need both.
    public static func organisationKey(registrableDomain rd: String) -> String {
        KnownOperators.operatorName(forRegistrableDomain: rd).map { "op:" + $0 } ?? rd
    }
}

/// Operators whose many registrable domains are one organisation.
///
/// The Public Suffix List cannot tell that `outlook.com`, `office365.com` and
/// `onmicrosoft.com` belong to one company; this short table does. It names only operators whose
/// mail infrastructure spans several registrable domains.
public enum KnownOperators {
    public static let table: [(name: String, domains: [String])] = [
        (
            "Microsoft",
            [
                "outlook.com", "office365.com", "onmicrosoft.com", "microsoft.com", "hotmail.com",
                "exchangelabs.com", "outlook.cn", "live.com",
            ]
        ),
        ("Google", ["google.com", "gmail.com", "googlemail.com", "1e100.net", "googleusercontent.com"]),
    ]

    /// The operator owning `registrable` (a registrable domain), if listed.
    public static func operatorName(forRegistrableDomain registrable: String) -> String? {
        table.first { $0.domains.contains(registrable) }?.name
    }

    /// The operator an ASN organisation string names (`MICROSOFT-CORP-MSN-AS-BLOCK`, `GOOGLE`).
    public static func operatorName(forASNOrganisation org: String) -> String? {
        let lower = org.lowercased()
        return table.first { lower.contains($0.name.lowercased()) }?.name
    }
}
