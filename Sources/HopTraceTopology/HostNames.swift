import HopTraceCore

/// Host names as the topology compares them.
enum HostNames {
    /// Names that name nothing: never a reason to join two observations.
    static let meaningless: Set<String> = [
        "localhost", "localhost.localdomain", "localhost4", "localhost6", "localhost4.localdomain4",
        "localhost6.localdomain6", "localdomain", "unknown", "(unknown)", "null", "(null)", "none", "-", "?",
    ]

    /// Lowercased, one trailing dot removed (Gmail writes `mail-pj1-f45.google.com.`). Nil for a
    /// name that names nothing: empty, `localhost`, `unknown`, an address literal as HELO.
    static func key(_ raw: String) -> String? {
        var s = Substring(raw.lowercased())
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        if s.hasSuffix(".") { s = s.dropLast() }
        guard !s.isEmpty, !meaningless.contains(String(s)) else { return nil }
        if address(in: String(s)) != nil { return nil }
        // Postfix/Exim keep the brackets of a bare literal; Exchange sometimes writes `IPv6:` forms.
        if s.first == "[" || s.hasPrefix("ipv6:") { return nil }
        return String(s)
    }

    /// An address written where a name goes: `[192.0.2.1]`, `IPv6:2001:db8::1`, `2002:a17::…`.
    static func address(in raw: String) -> IPAddress? {
        var s = Substring(raw)
        if s.hasPrefix("["), s.hasSuffix("]") { s = s.dropFirst().dropLast() }
        if s.lowercased().hasPrefix("ipv6:") { s = s.dropFirst(5) }
        return IPAddress(s)
    }

    /// A single-label name (`MAIL01`, NetBIOS style): meaningful only inside one network.
    static func isLocal(_ key: String) -> Bool { !key.contains(".") }

    /// Generic first labels that many unrelated machines share.
    private static let genericLabels: Set<String> = [
        "mail", "smtp", "mx", "relay", "gateway", "gw", "www", "mta", "out", "outbound", "inbound",
        "mailhost", "exchange", "exch", "server", "host", "edge", "filter", "spam", "mailgw",
    ]

    /// A first label specific enough that two names of one organisation sharing it are likely
    /// one machine (`VE1EUR02FT011`, `HE1PR06CA0108`): at least 6 characters, letters and
    /// digits both, and not a generic word with a number (`mail01`).
    static func specificFirstLabel(_ key: String) -> String? {
        let parts = key.split(separator: ".")
        guard parts.count >= 3, let first = parts.first, first.count >= 6 else { return nil }
        guard first.contains(where: \.isNumber), first.contains(where: \.isLetter) else { return nil }
        let letters = String(first.filter { !$0.isNumber && $0 != "-" })
        if genericLabels.contains(letters) { return nil }
        return String(first)
    }
}

/// Operators whose many registrable domains are one organisation.
///
/// The Public Suffix List cannot tell that `outlook.com`, `office365.com` and
/// `onmicrosoft.com` belong to one company; this short table does. It names only operators whose
/// mail infrastructure spans several registrable domains.
enum KnownOperators {
    static let table: [(name: String, domains: [String])] = [
        ("Microsoft", ["outlook.com", "office365.com", "onmicrosoft.com", "microsoft.com", "hotmail.com",
                       "exchangelabs.com", "outlook.cn", "live.com"]),
        ("Google", ["google.com", "gmail.com", "googlemail.com", "1e100.net", "googleusercontent.com"]),
    ]

    /// The operator owning `registrable` (a registrable domain), if listed.
    static func operatorName(forRegistrableDomain registrable: String) -> String? {
        table.first { $0.domains.contains(registrable) }?.name
    }

    /// The operator an ASN organisation string names (`MICROSOFT-CORP-MSN-AS-BLOCK`, `GOOGLE`).
    static func operatorName(forASNOrganisation org: String) -> String? {
        let lower = org.lowercased()
        return table.first { lower.contains($0.name.lowercased()) }?.name
    }
}
