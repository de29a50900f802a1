import HopTraceCore

/// Decodes the verdict headers filtering products write (`FilterVendor`) into typed values:
/// a pure function of one header's name, value and position. Meanings come from the code table
/// (`VendorCodes`); a key or code it does not list is kept with no meaning.
public enum VendorVerdictDecoder {
    /// Whether `name` is a header this decoder reads (Authentication-Results only for its `compauth`).
    public static func handles(_ name: String) -> Bool {
        let lower = name.trimmingASCII().lowercased()
        return VendorCodes.headers[lower] != nil || lower == "x-forefront-antispam-report-untrusted"
    }

    /// The decoded header, or nil when the header is not a verdict header (or, for
    /// Authentication-Results, records no composite authentication).
    public static func decode(name: String, value fullValue: String, index: Int?) -> DecodedVerdictHeader? {
        var lower = name.trimmingASCII().lowercased()
        if lower == "x-forefront-antispam-report-untrusted" { lower = "x-forefront-antispam-report" }
        guard let known = VendorCodes.headers[lower] else { return nil }
        let value = unfold(fullValue)
        let header = known.name
        var out = DecodedVerdictHeader(
            vendor: known.vendor, header: header, headerIndex: index, verdict: .unknown, fields: [], raw: value)
        switch lower {
        case "x-forefront-antispam-report", "x-microsoft-antispam", "x-microsoft-antispam-mailbox-delivery":
            let (pairs, cut) = pairs(value, items: ";", separator: ":", nesting: true)
            out.truncated = cut
            out.fields = pairs.map {
                VendorCodes.decode(header: header, key: $0.key, value: $0.value, free: isFree($0.key))
            }
            if lower == "x-forefront-antispam-report" {
                out.verdict = forefrontVerdict(out)
                out.hints.connectingIP = out.field("CIP").flatMap {
                    IPAddress(String($0.value.trimmingASCII(where: { $0 == 0x5B || $0 == 0x5D || $0 <= 0x20 })))
                }
                out.hints.helo = out.field("H").flatMap { $0.value.isEmpty ? nil : $0.value }
            }
        case "x-ms-exchange-organization-scl", "x-ms-exchange-organization-pcl":
            let key = lower.hasSuffix("scl") ? "SCL" : "PCL"
            out.fields = [VendorCodes.decode(header: header, key: key, value: cut(String(value.trimmingASCII())))]
            if key == "SCL", let scl = Int(value.trimmingASCII()) {
                out.verdict = scl < 0 ? .skipped : (scl >= 5 ? .spam : .clean)
            }
        case "x-ms-exchange-externaloriginalinternetsender", "x-ms-exchange-skiplistedinternetsender":
            // `ip=[192.0.2.10] domain=mail.example.org` (some copies separate with `;`)
            let spaced = String(value.map { $0 == ";" ? " " : $0 })
            let (pairs, cut) = pairs(spaced, items: " ", separator: "=", nesting: false)
            out.truncated = cut
            out.fields = pairs.map { VendorCodes.decode(header: header, key: $0.key, value: $0.value, free: true) }
            out.hints.originalIP = out.field("ip").flatMap {
                IPAddress(String($0.value.trimmingASCII(where: { $0 == 0x5B || $0 == 0x5D || $0 <= 0x20 })))
            }
        case "authentication-results":
            guard let c = compauth(value) else { return nil }
            out.compositeAuthentication = c
            out.fields = [VendorCodes.decode(header: header, key: "compauth", value: c.resultWord)]
            if let r = c.reason { out.fields.append(VendorCodes.decode(header: header, key: "reason", value: r)) }
        case "x-spam-status":
            spamAssassinStatus(value, into: &out)
        case "x-spam-flag":
            out.fields = [VendorCodes.decode(header: header, key: "value", value: cut(String(value.trimmingASCII())))]
            out.verdict = value.trimmingASCII().uppercased().hasPrefix("YES") ? .spam : .unknown
        case "x-spam-checker-version":
            // `SpamAssassin 3.4.6 (2021-04-09) on mx1.example.org`
            if let r = ASCIIFold.firstRange(of: " on ", in: value) {
                let host = value[r.upperBound...].trimmingASCII().prefix { $0 != " " }
                if !host.isEmpty {
                    out.hints.host = cut(String(host))
                    out.fields = [VendorCodes.decode(header: header, key: "host", value: out.hints.host!, free: true)]
                }
            }
        case "x-rspamd-action":
            let action = value.trimmingASCII().lowercased()
            out.fields = [VendorCodes.decode(header: header, key: "action", value: cut(action))]
            switch action {
            case "no action": out.verdict = .clean
            case "add header", "rewrite subject", "reject": out.verdict = .spam
            default: out.verdict = .unknown
            }
        case "x-spamd-result":
            rspamdResult(value, into: &out)
        case "x-rspamd-server":
            let host = cut(String(value.trimmingASCII().prefix { $0 != " " }))
            out.hints.host = host.isEmpty ? nil : host
            out.fields = [VendorCodes.decode(header: header, key: "host", value: host, free: true)]
        case "x-virus-scanned":
            // amavisd-new: `amavisd-new at example.com`, `Debian amavisd-new at mail.example.org`.
            guard ASCIIFold.firstRange(of: "amavis", in: value) != nil else { return nil }
            if let r = ASCIIFold.firstRange(of: " at ", in: value) {
                let host = cut(String(value[r.upperBound...].trimmingASCII().prefix { $0 != " " }))
                if !host.isEmpty {
                    out.hints.host = host
                    out.fields = [VendorCodes.decode(header: header, key: "host", value: host, free: true)]
                }
            }
        case "x-amavis-alert":
            // `INFECTED, message contains virus: Eicar-Test-Signature`, `BANNED, …`, `BAD HEADER SECTION, …`
            let word = value.trimmingASCII().prefix { $0 != "," }
            let code = word.uppercased().hasPrefix("BAD HEADER") ? "BAD HEADER" : String(word.uppercased())
            out.fields = [VendorCodes.decode(header: header, key: "alert", value: cut(code))]
            let rest = value.drop { $0 != "," }.dropFirst().trimmingASCII()
            if !rest.isEmpty { out.fields.append(DecodedField(key: "detail", value: cut(String(rest)))) }
            out.verdict = code == "INFECTED" ? .malware : .unknown
        case "x-barracuda-spam-status":
            barracudaStatus(value, into: &out)
        case "x-proofpoint-spam-details", "x-proofpoint-virus-version":
            let (pairs, cut) = pairs(value, items: " ", separator: "=", nesting: false)
            out.truncated = cut
            out.fields = pairs.map { VendorCodes.decode(header: header, key: $0.key, value: $0.value) }
            if lower == "x-proofpoint-spam-details" {
                switch out.field("rule")?.value.lowercased() {
                case "notspam"?: out.verdict = .clean
                case "spam"?: out.verdict = .spam
                case "bulk"?: out.verdict = .bulk
                default: out.verdict = .unknown
                }
            }
        case "x-mimecast-impersonation-protect", "x-sophos-email":
            let (pairs, cut) = pairs(
                value, items: ";", separator: lower == "x-sophos-email" ? ":" : "=", nesting: false)
            out.truncated = cut
            out.fields = pairs.map { VendorCodes.decode(header: header, key: $0.key, value: $0.value) }
            if lower == "x-mimecast-impersonation-protect" {
                let detectors = out.fields.filter { !ASCIIFold.equal($0.key.utf8, "policy".utf8) }
                let hits = detectors.filter { ASCIIFold.equal($0.value.utf8, "true".utf8) }
                out.verdict = !hits.isEmpty ? .spoof : (detectors.isEmpty ? .unknown : .clean)
            }
        case "x-ironport-av":
            // `E=Sophos;i="6.00,245,1681196400"; d="scan'208";a="123456"`
            let (pairs, cut) = pairs(value, items: ";", separator: "=", nesting: false)
            out.truncated = cut
            out.fields = pairs.map { VendorCodes.decode(header: header, key: $0.key, value: $0.value) }
        default:
            // One value: a score, a flag or an opaque token.
            out.fields = [VendorCodes.decode(header: header, key: "value", value: cut(String(value.trimmingASCII())))]
        }
        return out
    }

    // MARK: - Verdicts

    /// Forefront: the category when there is one, else the filtering verdict, else the SCL.
    static func forefrontVerdict(_ h: DecodedVerdictHeader) -> FilterVerdict {
        switch h.field("CAT")?.value.uppercased() {
        case "HPHSH"?, "HPHISH"?, "PHSH"?, "INTOS"?: return .phish
        case "MALW"?, "AMP"?, "FTBP"?, "SAP"?: return .malware
        case "SPOOF"?, "DIMP"?, "UIMP"?, "GIMP"?: return .spoof
        case "BULK"?: return .bulk
        case "SPM"?, "HSPM"?, "OSPM"?: return .spam
        default: break
        }
        switch h.field("SFV")?.value.uppercased() {
        case "SPM"?, "SKS"?, "SKB"?, "BLK"?: return .spam
        case "NSPM"?: return .clean
        case "SKA"?, "SKI"?, "SKN"?, "SFE"?, "SKQ"?: return .skipped
        default: break
        }
        if let scl = h.field("SCL").flatMap({ Int($0.value) }) {
            return scl < 0 ? .skipped : (scl >= 5 ? .spam : .clean)
        }
        return .unknown
    }

    /// Keys whose values are free text (addresses, names, ids), not codes.
    static func isFree(_ key: String) -> Bool {
        switch key.uppercased() {
        case "CIP", "CTRY", "H", "PTR", "LANG", "SFS", "ENG", "ARC", "X-CUSTOMSPAM", "RF": return true
        default: return false
        }
    }

    // MARK: - SpamAssassin, rspamd, Barracuda

    /// `Yes, score=7.1 required=5.0 tests=SPF_FAIL,DKIM_INVALID autolearn=no version=3.4.6`
    /// (amavisd writes `tests=[SPF_FAIL=0.9, DKIM_INVALID=0.1]`).
    static func spamAssassinStatus(_ v: String, into out: inout DecodedVerdictHeader) {
        let h = out.header
        let word = String(v.trimmingASCII().prefix { $0 != "," && $0 != " " })
        out.fields.append(VendorCodes.decode(header: h, key: "verdict", value: cut(word)))
        let lowerWord = word.lowercased()
        out.verdict = lowerWord == "yes" ? .spam : (lowerWord == "no" ? .clean : .unknown)
        for key in ["score", "required", "tests", "autolearn", "version"] {
            guard let value = tagValue(key, in: v, numeric: key == "score" || key == "required") else { continue }
            out.fields.append(
                VendorCodes.decode(header: h, key: key, value: value, free: key != "autolearn"))
        }
    }

    /// `default: True [16.20 / 15.00]; R_SPF_FAIL(1.00)[-all]; DMARC_POLICY_REJECT(2.00)[example.com : No valid SPF,reject]`
    static func rspamdResult(_ v: String, into out: inout DecodedVerdictHeader) {
        let h = out.header
        let (items, cut) = split(v, on: ";", nesting: false)
        out.truncated = cut
        var symbols: [String] = []
        for item in items {
            let t = item.trimmingASCII()
            if t.isEmpty { continue }
            if let colon = t.firstIndex(of: ":"), t[..<colon].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }),
                !t[..<colon].contains("(")
            {
                let rest = t[t.index(after: colon)...].trimmingASCII()
                out.fields.append(
                    VendorCodes.decode(header: h, key: "default", value: Self.cut(String(rest)), free: true))
                let flag = rest.prefix { $0 != " " && $0 != "[" }.lowercased()
                out.verdict = flag == "true" ? .spam : (flag == "false" ? .clean : .unknown)
                continue
            }
            let name = t.prefix { $0 != "(" && $0 != "[" && $0 != " " }
            if name.isEmpty { continue }
            var score = ""
            if let open = t.firstIndex(of: "("), let close = t[open...].firstIndex(of: ")") {
                score = String(t[t.index(after: open)..<close])
            }
            symbols.append(score.isEmpty ? String(name) : "\(name)(\(score))")
        }
        if !symbols.isEmpty {
            out.fields.append(
                VendorCodes.decode(
                    header: h, key: "symbols", value: Self.cut(symbols.joined(separator: ", ")), free: true))
        }
    }

    /// `No, SCORE=0.00 using global scores of TAG_LEVEL=3.5 QUARANTINE_LEVEL=1000.0 KILL_LEVEL=9.0 tests=HTML_MESSAGE`
    static func barracudaStatus(_ v: String, into out: inout DecodedVerdictHeader) {
        let h = out.header
        let word = String(v.trimmingASCII().prefix { $0 != "," && $0 != " " })
        out.fields.append(VendorCodes.decode(header: h, key: "verdict", value: cut(word)))
        let lowerWord = word.lowercased()
        out.verdict = lowerWord == "yes" ? .spam : (lowerWord == "no" ? .clean : .unknown)
        for key in ["SCORE", "TAG_LEVEL", "QUARANTINE_LEVEL", "KILL_LEVEL", "tests"] {
            guard let value = tagValue(key, in: v, numeric: key != "tests") else { continue }
            out.fields.append(VendorCodes.decode(header: h, key: key, value: value, free: true))
        }
    }

    /// The value of ` key=` in a SpamAssassin-style status: up to the next ` word=` (tests may
    /// be folded over several lines, or bracketed by amavisd). `numeric`: only the number at its
    /// start (Barracuda's `SCORE=5.12 using global scores of …`).
    static func tagValue(_ key: String, in v: String, numeric: Bool = false) -> String? {
        let text = " " + v
        guard let r = ASCIIFold.firstRange(of: " " + key + "=", in: text) else { return nil }
        var rest = text[r.upperBound...]
        if numeric {
            let number = rest.prefix { $0 == "-" || $0 == "+" || $0 == "." || ($0.isASCII && $0.isNumber) }
            return number.isEmpty ? nil : cut(String(number))
        }
        if rest.hasPrefix("[") {
            rest = rest.dropFirst()
            return cut(String(rest.prefix { $0 != "]" }))
        }
        var end = rest.endIndex
        var i = rest.startIndex
        // The value ends at the next ` name=`.
        while i < rest.endIndex {
            if rest[i] == " " {
                let word = rest[rest.index(after: i)...].prefix { $0 != " " && $0 != "=" }
                let after = rest.index(after: i)
                if !word.isEmpty, let eq = rest.index(after, offsetBy: word.count, limitedBy: rest.endIndex),
                    eq < rest.endIndex, rest[eq] == "="
                {
                    end = i
                    break
                }
            }
            i = rest.index(after: i)
        }
        let value = rest[..<end].trimmingASCII()
        return value.isEmpty ? nil : cut(String(value))
    }

    // MARK: - Composite authentication

    /// `compauth=fail reason=000` in Microsoft's Authentication-Results.
    static func compauth(_ v: String) -> CompositeAuthentication? {
        guard let r = ASCIIFold.firstRange(of: "compauth=", in: v) else { return nil }
        let rest = v[r.upperBound...]
        let word = rest.prefix { $0.isLetter }
        guard !word.isEmpty else { return nil }
        var reason: String? = nil
        let tail = rest.dropFirst(word.count).prefix(64)
        if let rr = ASCIIFold.firstRange(of: "reason=", in: String(tail)) {
            let t = String(tail)
            let code = t[rr.upperBound...].prefix { $0.isNumber }
            if !code.isEmpty { reason = String(code.prefix(8)) }
        }
        return CompositeAuthentication(resultWord: String(word.prefix(16)).lowercased(), reason: reason)
    }

    // MARK: - Syntax

    /// Folded lines joined, tabs as spaces; cut at `VendorVerdictLimits.valueBytes`.
    static func unfold(_ v: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(v.utf8.count, VendorVerdictLimits.valueBytes))
        var lastSpace = false
        for b in v.utf8.prefix(VendorVerdictLimits.valueBytes) {
            if b == 0x0D || b == 0x0A || b == 0x09 {
                if !lastSpace { bytes.append(0x20) }
                lastSpace = true
                continue
            }
            if b == 0x20 && lastSpace { continue }
            lastSpace = b == 0x20
            bytes.append(b)
        }
        return String(String(decoding: bytes, as: UTF8.self).trimmingASCII())
    }

    /// A value of at most `limit` bytes: cut on a character boundary, with `…` (counted in the
    /// limit) when cut.
    static func cut(_ s: String, limit: Int = VendorVerdictLimits.fieldValueBytes) -> String {
        guard s.utf8.count > limit else { return s }
        let room = limit - "…".utf8.count
        var out = ""
        var n = 0
        for ch in s {
            n += ch.utf8.count
            if n > room { break }
            out.append(ch)
        }
        return out + "…"
    }

    /// Items split at `separator` (outside parentheses when `nesting`); at most
    /// `VendorVerdictLimits.fields` items, and whether more were left.
    static func split(_ v: String, on separator: Character, nesting: Bool) -> (items: [Substring], truncated: Bool) {
        var items: [Substring] = []
        var depth = 0
        var start = v.startIndex
        var i = v.startIndex
        while i < v.endIndex {
            let ch = v[i]
            if nesting && ch == "(" { depth += 1 } else if nesting && ch == ")" { depth = max(0, depth - 1) }
            if ch == separator && depth == 0 {
                if start < i { items.append(v[start..<i]) }
                start = v.index(after: i)
                if items.count >= VendorVerdictLimits.fields { return (items, true) }
            }
            i = v.index(after: i)
        }
        if start < v.endIndex { items.append(v[start...]) }
        if items.count > VendorVerdictLimits.fields { return (Array(items.prefix(VendorVerdictLimits.fields)), true) }
        return (items, false)
    }

    /// `KEY<separator>value` items: empty items (`;;`) skipped, an item without the separator kept
    /// as a key with an empty value, duplicates kept in order.
    static func pairs(_ v: String, items itemSeparator: Character, separator: Character, nesting: Bool)
        -> (pairs: [(key: String, value: String)], truncated: Bool)
    {
        let (items, truncated) = split(v, on: itemSeparator, nesting: nesting)
        var out: [(key: String, value: String)] = []
        for item in items {
            let t = item.trimmingASCII()
            if t.isEmpty { continue }
            if let s = t.firstIndex(of: separator) {
                let key = t[..<s].trimmingASCII()
                var value = t[t.index(after: s)...].trimmingASCII()
                if value.count >= 2, value.first == "\"", value.last == "\"" { value = value.dropFirst().dropLast() }
                if key.isEmpty { continue }
                out.append((cut(String(key), limit: VendorVerdictLimits.keyBytes), cut(String(value))))
            } else {
                out.append((cut(String(t), limit: VendorVerdictLimits.keyBytes), ""))
            }
        }
        return (out, truncated)
    }
}
