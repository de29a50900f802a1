import HopTraceCore

/// Turns a chain's Received headers into hops in travel order, with timing and continuity
/// findings.
public enum ChainBuilder {
    /// `received` is in header order: top first, i.e. newest first. Hops come out oldest first.
    public static func build(_ received: [(value: String, location: SourceLocation?)]) -> HopChain {
        var findings: [(hop: Int, finding: Finding)] = []
        // Limits.maxHopsPerChain: keep the newest (the top of the header block), which is the part
        // written by the receiving side and the least likely to be forged.
        var kept = received[...]
        if received.count > Limits.maxHopsPerChain {
            kept = received.prefix(Limits.maxHopsPerChain)
            let dropped = received.count - Limits.maxHopsPerChain
            findings.append(
                (
                    0,
                    Finding.limitReached(
                        "\(received.count) Received headers; only the newest \(Limits.maxHopsPerChain) were read, \(dropped) older ones were dropped"
                    )
                ))
        }

        var hops: [Hop] = []
        hops.reserveCapacity(kept.count)
        // Fields are read in place (`hops[i].…`): a whole `Hop` copied per step would retain
        // every string it holds.
        // The delay is read from the parsed header before it moves into its hop: reading it
        // back through the array would copy the whole hop.
        var previousSeconds: Int64?
        for (n, item) in kept.reversed().enumerated() {
            let received = ReceivedParser.parse(item.value)
            let now = received.timestamp?.utcSeconds
            var delay: Int?
            if let prev = previousSeconds, let now {
                // Negative when the clocks disagree; never wrapped or clamped.
                delay = Int(now - prev)
            }
            hops.append(Hop(index: n + 1, received: consume received, location: item.location, delaySeconds: delay))
            previousSeconds = now
        }

        for i in hops.indices {
            let index = hops[i].index
            if !hops[i].received.unparsed.isEmpty {
                findings.append(
                    (
                        index,
                        Finding(
                            kind: .unparsedReceived, severity: .warning, hops: [index],
                            summary:
                                "hop \(index): could not read \(quote(hops[i].received.unparsed.joined(separator: " ")))"
                        )
                    ))
            }
            if let d = hops[i].delaySeconds, d < -Limits.clockSkewToleranceSeconds {
                findings.append(
                    (
                        index,
                        Finding(
                            kind: .clockSkew, severity: .warning, hops: [hops[i - 1].index, index],
                            summary: "hop \(index) is stamped \(-d) s before hop \(index - 1) (clocks disagree)"
                        )
                    ))
            }
            if i > 0, let gap = continuity(hops, at: i) {
                findings.append(
                    (
                        index,
                        Finding(
                            kind: .chainGap, severity: .warning, hops: [hops[i - 1].index, index], summary: gap)
                    ))
            }
        }
        return HopChain(hops: hops, findings: ordered(findings))
    }

    /// The findings by hop, then kind, insertion order otherwise (deterministic). Findings
    /// already in that order (none, one, or one per hop in hop order: the usual chain) are
    /// taken as they are, with no sort.
    static func ordered(_ findings: [(hop: Int, finding: Finding)]) -> [Finding] {
        func before(_ a: (hop: Int, finding: Finding), _ b: (hop: Int, finding: Finding)) -> Bool {
            if a.hop != b.hop { return a.hop < b.hop }
            return a.finding.kind.rawValue < b.finding.kind.rawValue
        }
        if findings.indices.dropFirst().allSatisfy({ !before(findings[$0], findings[$0 - 1]) }) {
            return findings.map { $0.finding }
        }
        // The stable sort keeps insertion order otherwise.
        return findings.enumerated().sorted { a, b in
            if a.element.hop != b.element.hop { return a.element.hop < b.element.hop }
            if a.element.finding.kind.rawValue != b.element.finding.kind.rawValue {
                return a.element.finding.kind.rawValue < b.element.finding.kind.rawValue
            }
            return a.offset < b.offset
        }.map { $0.element.finding }
    }

    /// Quotes untrusted text for a summary: at most ~80 characters, control bytes shown as
    /// `\u{…}` so a summary never carries them to a terminal.
    static func quote(_ s: String) -> String {
        // Printable ASCII that fits: quoted as it is (the usual host name or address).
        if s.utf8.count <= 80, s.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return "\"" + s + "\"" }
        var out = ""
        var count = 0
        for u in s.unicodeScalars {
            if count >= 80 {
                out += "…"
                break
            }
            if u.value < 0x20 || u.value == 0x7F || (u.value >= 0x80 && u.value < 0xA0) {
                out += "\\u{\(String(u.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(u)
            }
            count += 1
        }
        return "\"" + out + "\""
    }

    /// The continuity check: hop `i`'s from-side should be hop `i - 1`'s by-side. Returns the
    /// summary of a gap, or nil when they match or cannot be compared.
    static func continuity(_ hops: [Hop], at i: Int) -> String? {
        // Nothing to compare: a comment-only qmail stamp, Postfix local pickup (`by x (Postfix,
        // from userid 0)` has no from), or a by-side with neither name nor address.
        guard let from = hops[i].received.from, let prevBy = hops[i - 1].received.by,
            prevBy.name != nil || prevBy.ip != nil
        else { return nil }
        // Gmail's internal hops stamp only an address (`by 2002:a17:…` with no from-side); the
        // next hop is written by the egress or MX host under its own name. Such an unnamed,
        // self-only stamp cannot be matched by name, and its absence of a name is not evidence
        // of a missing header.
        if prevBy.name == nil && hops[i - 1].received.from == nil { return nil }
        // The non-empty names among HELO and reverse name, in that order.
        let helo = from.helo?.isEmpty == false ? from.helo : nil
        let rdns = from.rdns?.isEmpty == false ? from.rdns : nil
        guard helo != nil || rdns != nil || from.ip != nil else { return nil }

        if isLoopback(from) {
            // The host handed the message to itself (a content filter re-injecting through
            // localhost: amavisd, Proofpoint `pps.filterd`, iCloud `unknown [127.0.0.2]`).
            // What must match is this hop's receiver and the previous hop's receiver.
            guard let by = hops[i].received.by, by.name != nil || by.ip != nil else { return nil }
            if sameHost(by.name, nil, ip: by.ip, as: prevBy) { return nil }
            return
                "hop \(hops[i].index)'s sender \(describe(by)) (itself, over loopback) does not match hop \(hops[i - 1].index)'s receiver \(describe(prevBy)) (a Received header may be missing or forged)"
        }
        if sameHost(helo, rdns, ip: from.ip, as: prevBy) { return nil }
        return
            "hop \(hops[i].index)'s sender \(describe(from)) does not match hop \(hops[i - 1].index)'s receiver \(describe(prevBy)) (a Received header may be missing or forged)"
    }

    /// Whether a sender named `first` and `second` (either may be absent; tried in that order)
    /// at `ip` is the receiver `by`.
    static func sameHost(_ first: String?, _ second: String?, ip: IPAddress?, as by: ReceivedBy) -> Bool {
        if let ip, let bip = by.ip, ip == bip { return true }
        guard let bn = by.name else { return false }
        if let first, nameMatches(first, bn) { return true }
        if let second, nameMatches(second, bn) { return true }
        return false
    }

    /// Whether a from-side name and a by-side name are one machine: `DomainName.likelySameMachine`,
    /// with one organisation meaning one known operator or one registrable domain. Microsoft
    /// writes one server under two names: `VE1EUR02FT011.mail.protection.outlook.com` receives
    /// and `VE1EUR02FT011.eop-EUR02.prod.protection.outlook.com` sends;
    /// `HE1PR06CA0108.outlook.office365.com` vs `HE1PR06CA0108.eurprd06.prod.outlook.com`. A
    /// forged `from mail01.attacker.example` after `by mail01.victim.example` is a gap.
    static func nameMatches(_ a: String, _ b: String) -> Bool {
        // The same bytes are the same normalised name (no parse needed), unless there is no
        // name at all (nothing but dots).
        let quick = a.withUTF8Bytes { x in b.withUTF8Bytes { y in quickAnswer(x, y) } }
        if let quick { return quick }
        guard let x = DomainName(a), let y = DomainName(b) else { return false }
        return DomainName.likelySameMachine(x, y) { p, q in
            guard let o = p.organisationKey() else { return false }
            return o == q.organisationKey()
        }
    }

    /// `nameMatches` for two names whose bytes are `a` and `b`, when the bytes tell: the same
    /// bytes are one name (unless only dots); two plain ASCII names (no CR, no leading dot)
    /// whose first labels differ with ASCII case ignored are two machines, since every way
    /// `likelySameMachine` finds one machine needs equal first labels once normalised. Nil
    /// otherwise.
    static func quickAnswer(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool? {
        if a.count == b.count, a.elementsEqual(b) { return a.contains { $0 != UInt8(ascii: ".") } }
        func plain(_ x: UnsafeBufferPointer<UInt8>) -> Bool {
            x.first != UInt8(ascii: ".") && !x.contains { $0 >= 0x80 || $0 == 0x0D }
        }
        guard plain(a), plain(b) else { return nil }
        let ea = a.firstIndex(of: UInt8(ascii: ".")) ?? a.count
        let eb = b.firstIndex(of: UInt8(ascii: ".")) ?? b.count
        if ea != eb { return false }
        for k in 0..<ea where ASCIIFold.lower(a[k]) != ASCIIFold.lower(b[k]) { return false }
        return nil
    }

    static func isLoopback(_ f: ReceivedFrom) -> Bool {
        if let ip = f.ip {
            switch ip {
            case .v4(let v): if v >> 24 == 127 { return true }
            case .v6(let hi, let lo): if hi == 0 && lo == 1 { return true }
            }
        }
        return isLocalhost(f.helo) || isLocalhost(f.rdns)
    }

    /// Whether a name normalises to `localhost` or `localhost.localdomain`.
    static func isLocalhost(_ name: String?) -> Bool {
        // Normalising lower-cases; only `l` and `L` lower-case to `l`, so any other first
        // byte rules the name out with no normalised copy.
        guard let n = name, let c = n.utf8.first, c == UInt8(ascii: "l") || c == UInt8(ascii: "L") else {
            return false
        }
        let l = DomainName.normalized(n)
        return l == "localhost" || l == "localhost.localdomain"
    }

    static func describe(_ f: ReceivedFrom) -> String {
        let name = f.helo ?? f.rdns
        switch (name, f.ipText ?? f.ip?.description) {
        case (let n?, let ip?): return "\(quoteName(n)) (\(ip))"
        case (let n?, nil): return quoteName(n)
        case (nil, let ip?): return ip
        default: return "(unnamed)"
        }
    }

    static func describe(_ b: ReceivedBy) -> String {
        switch (b.name, b.ipText ?? b.ip?.description) {
        case (let n?, let ip?): return "\(quoteName(n)) (\(ip))"
        case (let n?, nil): return quoteName(n)
        case (nil, let ip?): return ip
        default: return "(unnamed)"
        }
    }

    /// Host names are attacker-written: strip control characters and bound the length.
    static func quoteName(_ s: String) -> String {
        // Printable ASCII that fits is quoted as it is: the name itself.
        if s.utf8.count <= 80, s.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return s }
        let q = quote(s)
        return String(q.dropFirst().dropLast())
    }
}
