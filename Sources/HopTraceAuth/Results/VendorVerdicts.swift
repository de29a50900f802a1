import HopTraceCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Vendor headers that record a verdict without RFC 8601 syntax, read into `RecordedVerdict`s.
/// Each reader names the product that writes the header and what the values mean.
public enum VendorVerdicts {
    /// Longest vendor header value read (bytes); the rest is ignored.
    public static let maxValueBytes = 16 * 1024
    /// SpamAssassin test names read per header.
    public static let maxTests = 256

    static func handles(_ lowerName: String) -> Bool {
        switch lowerName {
        case "x-hmailserver-spam", "x-spam-status", "x-spam-flag", "x-ms-exchange-organization-authas",
            "x-ms-exchange-organization-scl", "x-forefront-antispam-report", "x-forefront-antispam-report-untrusted",
            "x-microsoft-antispam", "x-mimecast-spam-score":
            return true
        default:
            return lowerName.hasPrefix("x-hmailserver-reason-") && lowerName != "x-hmailserver-reason-score"
        }
    }

    /// The verdicts one vendor header records (none for headers it does not know).
    public static func read(name: String, value fullValue: String, index: Int?) -> [RecordedVerdict] {
        let value = String(decoding: fullValue.utf8.prefix(maxValueBytes), as: UTF8.self)
        let lower = name.trimmingASCII().lowercased()
        let v = String(value.trimmingASCII())
        func make(
            _ method: AuthMethod, _ methodName: String, _ result: String, inferred: Bool = false,
            identity: VerdictIdentity? = nil, clientIP: IPAddress? = nil, helo: String? = nil,
            reason: String? = nil, note: String? = nil, score: Double? = nil
        ) -> RecordedVerdict {
            RecordedVerdict(
                method: method, methodName: methodName, result: result, inferred: inferred, identity: identity,
                clientIP: clientIP, helo: helo, reason: reason, note: note, score: score,
                header: name, headerIndex: index, raw: value)
        }
        switch lower {
        case "x-hmailserver-spam":
            // hMailServer: "YES" when its spam score reached the mark threshold.
            let spam = v.uppercased().hasPrefix("Y")
            return [
                make(
                    .spam, "hmailserver", spam ? "spam" : "ham",
                    note: spam ? "hMailServer marked the message as spam" : nil)
            ]
        case _ where lower.hasPrefix("x-hmailserver-reason-"):
            return [hMailServerReason(v, make: make)]
        case "x-spam-status":
            return spamAssassinStatus(v, make: make)
        case "x-spam-flag":
            // SpamAssassin / amavisd: YES when the score reached required=.
            let spam = v.uppercased().hasPrefix("Y")
            return [make(.spam, "spamassassin", spam ? "spam" : "ham")]
        case "x-ms-exchange-organization-authas":
            // Exchange: how the organisation classified the sending side of the connection.
            let word = v.lowercased()
            let meaning: String
            switch word {
            case "anonymous":
                meaning =
                    "the Exchange organization treated the sender as anonymous (unauthenticated, from outside the organization)"
            case "internal":
                meaning =
                    "the Exchange organization treated the sender as internal (authenticated, inside the organization)"
            case "partner":
                meaning = "the Exchange organization treated the sender as a partner (domain-secured connector)"
            case "external":
                meaning =
                    "the Exchange organization treated the sender as external (authenticated, outside the organization)"
            default: meaning = "the Exchange organization classified the sender as \"\(word.prefix(32))\""
            }
            return [make(.other, "exchange-authas", word, note: meaning)]
        case "x-ms-exchange-organization-scl":
            // Exchange Spam Confidence Level: -1 bypassed filtering, 0–4 not spam, 5–9 spam.
            guard let scl = Int(v) else { return [] }
            let word = scl < 0 ? "bypassed" : (scl >= 5 ? "spam" : "ham")
            return [
                make(
                    .spam, "exchange-scl", word, reason: "SCL \(scl)",
                    note: scl < 0 ? "spam filtering was skipped (trusted sender or internal message)" : nil,
                    score: Double(scl))
            ]
        case "x-forefront-antispam-report", "x-forefront-antispam-report-untrusted":
            return forefront(v, make: make)
        case "x-microsoft-antispam":
            // Exchange Online: `BCL:N;` bulk complaint level (7 and above is bulk by default).
            let fields = microsoftFields(v)
            guard let bcl = fields["BCL"].flatMap({ Int($0) }) else { return [] }
            return [
                make(.spam, "microsoft-bcl", bcl >= 7 ? "bulk" : "not-bulk", reason: "BCL \(bcl)", score: Double(bcl))
            ]
        case "x-mimecast-spam-score":
            // Mimecast: higher is spammier; no published threshold, so no spam/ham word.
            guard let score = Double(v) else { return [] }
            return [make(.spam, "mimecast", "scored", reason: "spam score \(v)", score: score)]
        default:
            return []
        }
    }

    /// hMailServer writes one `X-hMailServer-Reason-N` per spam test that scored:
    /// `Blocked by SPF () - (Score: 3)`, `Blocked by DKIM ()`, `Blocked by DNSBL - zen.spamhaus.org`,
    /// `Blocked by SURBL`, `Rejected by SpamAssassin`, `The host name specified in HELO does not
    /// match IP address.`
    static func hMailServerReason(
        _ v: String,
        make: (AuthMethod, String, String, Bool, VerdictIdentity?, IPAddress?, String?, String?, String?, Double?) ->
            RecordedVerdict
    )
        -> RecordedVerdict
    {
        var score: Double? = nil
        if let r = ASCIIFold.firstRange(of: "(Score:", in: v) {
            let tail = v[r.upperBound...].prefix(while: { $0 != ")" })
            score = Double(tail.trimmingASCII())
        }
        let l = v.lowercased()
        if l.contains("by spf") {
            return make(
                .spf, "hmailserver", "fail", true, .mailfrom, nil, nil, v,
                "hMailServer scored the message as spam because SPF failed", score)
        }
        if l.contains("by dkim") {
            return make(
                .dkim, "hmailserver", "fail", true, nil, nil, nil, v,
                "hMailServer scored the message as spam because DKIM verification failed", score)
        }
        if l.contains("helo") {
            return make(
                .spam, "hmailserver", "spam", true, .helo, nil, nil, v,
                "hMailServer scored the message as spam because the HELO name did not match the client address", score)
        }
        return make(
            .spam, "hmailserver", "spam", true, nil, nil, nil, v,
            "hMailServer scored the message as spam: \(v.prefix(200))", score)
    }

    /// SpamAssassin `X-Spam-Status: Yes, score=7.1 required=5.0 tests=SPF_FAIL,DKIM_INVALID
    /// autolearn=no version=3.4.6` and amavisd's `tests=[SPF_FAIL=0.9, DKIM_INVALID=0.1]`.
    static func spamAssassinStatus(
        _ v: String,
        make: (AuthMethod, String, String, Bool, VerdictIdentity?, IPAddress?, String?, String?, String?, Double?) ->
            RecordedVerdict
    )
        -> [RecordedVerdict]
    {
        let spam = v.uppercased().hasPrefix("Y")
        var score: Double? = nil
        var tests: [String] = []
        // Unfold and split at white space; tests= may be folded over several lines.
        let flat = String(v.unicodeScalars.map { $0.value < 0x20 ? " " : Character($0) })
        if let r = flat.firstRange(of: "score=") {
            score = Double(flat[r.upperBound...].prefix(while: { $0 == "-" || $0 == "." || $0.isNumber }))
        }
        if let r = flat.firstRange(of: "tests=") {
            var rest = flat[r.upperBound...]
            var list: Substring
            if rest.hasPrefix("[") {
                rest = rest.dropFirst()
                list = rest.prefix(while: { $0 != "]" })
            } else {
                // The list ends at the next key=value (autolearn=, version=) or the end.
                var end = rest.endIndex
                for key in [" autolearn=", " version=", " shortcircuit=", " autolearn_force="] {
                    if let k = rest.firstRange(of: key), k.lowerBound < end { end = k.lowerBound }
                }
                list = rest[..<end]
            }
            for item in list.split(whereSeparator: { $0 == "," || $0 == " " }).prefix(maxTests) {
                let name = item.split(separator: "=").first.map(String.init) ?? ""
                if !name.isEmpty { tests.append(name.uppercased()) }
            }
        }
        var out = [
            make(
                .spam, "spamassassin", spam ? "spam" : "ham", false, nil, nil, nil,
                tests.isEmpty ? nil : "tests: " + tests.prefix(32).joined(separator: ","), nil, score)
        ]
        for raw in tests {
            let t = raw.hasPrefix("T_") ? String(raw.dropFirst(2)) : raw
            func spf(_ word: String, helo: Bool) -> RecordedVerdict {
                make(
                    .spf, "spamassassin", word, false, helo ? .helo : .mailfrom, nil, nil, raw,
                    "SpamAssassin's \(raw) test: SPF \(word) for the \(helo ? "HELO name" : "envelope sender")", nil)
            }
            switch t {
            case "SPF_PASS": out.append(spf("pass", helo: false))
            case "SPF_FAIL": out.append(spf("fail", helo: false))
            case "SPF_SOFTFAIL": out.append(spf("softfail", helo: false))
            case "SPF_NEUTRAL": out.append(spf("neutral", helo: false))
            case "SPF_NONE": out.append(spf("none", helo: false))
            case "SPF_PERMERROR": out.append(spf("permerror", helo: false))
            case "SPF_TEMPERROR": out.append(spf("temperror", helo: false))
            case "SPF_HELO_PASS": out.append(spf("pass", helo: true))
            case "SPF_HELO_FAIL": out.append(spf("fail", helo: true))
            case "SPF_HELO_SOFTFAIL": out.append(spf("softfail", helo: true))
            case "SPF_HELO_NEUTRAL": out.append(spf("neutral", helo: true))
            case "SPF_HELO_NONE": out.append(spf("none", helo: true))
            case "SPF_HELO_PERMERROR": out.append(spf("permerror", helo: true))
            case "SPF_HELO_TEMPERROR": out.append(spf("temperror", helo: true))
            case "DKIM_VALID":
                out.append(
                    make(
                        .dkim, "spamassassin", "pass", false, nil, nil, nil, raw,
                        "SpamAssassin's DKIM_VALID: a DKIM signature verified", nil))
            case "DKIM_VALID_AU":
                out.append(
                    make(
                        .dkim, "spamassassin", "pass", false, .headerFrom, nil, nil, raw,
                        "SpamAssassin's DKIM_VALID_AU: a signature from the author's (From) domain verified", nil))
            case "DKIM_INVALID":
                out.append(
                    make(
                        .dkim, "spamassassin", "fail", false, nil, nil, nil, raw,
                        "SpamAssassin's DKIM_INVALID: a DKIM signature did not verify", nil))
            case "DMARC_PASS":
                out.append(
                    make(
                        .dmarc, "spamassassin", "pass", false, .headerFrom, nil, nil, raw, "SpamAssassin's DMARC_PASS",
                        nil))
            case "DMARC_REJECT", "DMARC_QUAR", "DMARC_NONE":
                let policy = t == "DMARC_REJECT" ? "reject" : (t == "DMARC_QUAR" ? "quarantine" : "none")
                out.append(
                    make(
                        .dmarc, "spamassassin", "fail", false, .headerFrom, nil, nil, raw,
                        "SpamAssassin's \(t): DMARC failed under the domain's p=\(policy)", nil))
            case "DMARC_MISSING":
                out.append(
                    make(
                        .dmarc, "spamassassin", "none", false, .headerFrom, nil, nil, raw,
                        "SpamAssassin's DMARC_MISSING: the From domain publishes no DMARC policy", nil))
            default:
                break
            }
        }
        return out
    }

    /// Exchange Online Protection: `CIP:62.239.224.235;CTRY:GB;LANG:en;SCL:5;SRV:;IPV:NLI;SFV:SPM;
    /// H:RDW083A006ED62.bt.com;PTR:…;CAT:SPM;SFS:(…);DIR:INB;` — CIP is the connecting IP the
    /// filter saw, H: its HELO; older builds add `SPF:Fail;`.
    static func forefront(
        _ v: String,
        make: (AuthMethod, String, String, Bool, VerdictIdentity?, IPAddress?, String?, String?, String?, Double?) ->
            RecordedVerdict
    )
        -> [RecordedVerdict]
    {
        let f = microsoftFields(v)
        let ip = f["CIP"].flatMap { IPAddress($0.trimmingBrackets) }
        let helo = f["H"].flatMap { $0.isEmpty ? nil : $0 }
        let scl = f["SCL"].flatMap { Int($0) }
        var out: [RecordedVerdict] = []
        let sfv = f["SFV"]?.uppercased()
        let word: String
        let meaning: String?
        switch sfv {
        case "SPM":
            word = "spam"
            meaning = "Exchange Online Protection filtered the message as spam"
        case "NSPM":
            word = "ham"
            meaning = nil
        case "BLK":
            word = "blocked"
            meaning = "the recipient's blocked-senders list matched"
        case "SKS":
            word = "spam"
            meaning = "marked as spam by a mail flow rule before filtering"
        case "SKA", "SKI", "SKN", "SKB", "SKQ", "SFE":
            word = "skipped"
            meaning = "spam filtering was skipped (\(sfv ?? ""))"
        case nil:
            word = scl.map { $0 >= 5 ? "spam" : ($0 < 0 ? "bypassed" : "ham") } ?? "scored"
            meaning = nil
        default:
            word = sfv!.lowercased()
            meaning = nil
        }
        var reasonParts: [String] = []
        if let sfv { reasonParts.append("SFV:\(sfv)") }
        if let scl { reasonParts.append("SCL:\(scl)") }
        if let c = f["CTRY"], !c.isEmpty { reasonParts.append("CTRY:\(c)") }
        if let c = f["CAT"], !c.isEmpty { reasonParts.append("CAT:\(c)") }
        out.append(
            make(
                .spam, "forefront", word, false, .clientIP, ip, helo, reasonParts.joined(separator: " "), meaning,
                scl.map(Double.init)))
        if let spf = f["SPF"], let r = AuthResult.spfResult(word: spf) {
            out.append(make(.spf, "forefront", r.rawValue, false, .mailfrom, ip, helo, "SPF:\(spf)", nil, nil))
        }
        return out
    }

    /// `KEY:value;KEY:value;` (values may contain ":", `SFS:(…)` may contain ";" inside parentheses).
    static func microsoftFields(_ v: String) -> [String: String] {
        var out: [String: String] = [:]
        var depth = 0
        var current = ""
        var items: [String] = []
        for ch in v.prefix(maxValueBytes) {
            if ch == "(" { depth += 1 } else if ch == ")" { depth = max(0, depth - 1) }
            if ch == ";" && depth == 0 {
                items.append(current)
                current = ""
                continue
            }
            current.append(ch)
            if items.count > 512 { break }
        }
        items.append(current)
        for item in items {
            guard let colon = item.firstIndex(of: ":") else { continue }
            let key = item[..<colon].trimmingASCII().uppercased()
            if key.isEmpty || out[key] != nil { continue }
            out[key] = String(item[item.index(after: colon)...].trimmingASCII())
        }
        return out
    }
}
