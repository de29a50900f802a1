import HopTraceCore
import HopTraceTopology
import HopTraceVerdicts

/// The words for decoded vendor verdicts: the text report's lines, the JSON `summary` and
/// `evidence`, the findings and the diagram's marks. The incident report's "Filtering verdicts"
/// section uses the same functions.
public enum VendorVerdictText {
    /// The product's name as an analyst knows it.
    public static func vendorName(_ v: FilterVendor) -> String {
        switch v {
        case .microsoft: return "Microsoft 365"
        case .proofpoint: return "Proofpoint"
        case .mimecast: return "Mimecast"
        case .cisco: return "Cisco Secure Email"
        case .barracuda: return "Barracuda"
        case .sophos: return "Sophos"
        case .trendmicro: return "Trend Micro"
        case .google: return "Google"
        case .spamassassin: return "SpamAssassin"
        case .rspamd: return "rspamd"
        case .amavis: return "amavisd-new"
        }
    }

    /// A short name for the diagram.
    public static func shortVendorName(_ v: FilterVendor) -> String {
        v == .microsoft ? "M365" : vendorName(v)
    }

    /// The JSON contract's `verdict` word; nil (JSON null) for `unknown`.
    public static func verdictWord(_ v: FilterVerdict) -> String? {
        v == .unknown ? nil : v.rawValue
    }

    /// `SFV:SPM (spam filtering marked the message as spam)`; an undocumented value says so.
    public static func fieldText(_ f: DecodedField) -> String {
        let shown = f.value.isEmpty ? f.key : "\(f.key):\(f.value)"
        if let m = f.meaning { return "\(shown) (\(m))" }
        if f.fieldMeaning != nil { return shown }
        return "\(shown) (undocumented)"
    }

    /// The meaning of a field as the JSON's `meaning`: the value's, else the field's, else nil.
    public static func meaning(_ f: DecodedField) -> String? {
        f.meaning ?? f.fieldMeaning
    }

    /// One sentence about one decoded header.
    public static func summary(_ d: DecodedVerdictHeader) -> String {
        let who = vendorName(d.vendor)
        if let c = d.compositeAuthentication {
            return "\(who) composite authentication \(c.resultWord)"
                + (c.reason.map { " (reason \($0)" + (reasonMeaning(d).map { ": \($0))" } ?? ")") } ?? "") + "."
        }
        let documented = d.fields.filter { $0.meaning != nil }.prefix(6).map(fieldText)
        let verdict =
            d.verdict == .unknown ? "records no verdict hoptrace can read" : "judged the message \(d.verdict.rawValue)"
        var text = "\(who) (\(d.header)) \(verdict)"
        if !documented.isEmpty { text += ": " + documented.joined(separator: ", ") }
        let undocumented = d.fields.filter(\.isUndocumented).count
        if undocumented > 0 {
            text += "; \(undocumented) field\(undocumented == 1 ? "" : "s") undocumented by the vendor"
        }
        if d.truncated { text += "; fields beyond \(VendorVerdictLimits.fields) not read" }
        return text + "."
    }

    static func reasonMeaning(_ d: DecodedVerdictHeader) -> String? {
        d.field("reason")?.meaning
    }

    /// Why the verdict is tied to its hop; says so when the evidence points elsewhere too.
    public static func evidence(_ v: HopVendorVerdict) -> String {
        var text: String
        switch v.tie {
        case .namedHost(let host, let hop):
            text = "the header names \(host), hop \(hop)'s receiver"
        case .connectingIP(let ip, let hop):
            text = "its connecting IP (CIP) \(ip) is hop \(hop)'s client, received by Microsoft"
        case .microsoftFrontDoor(let hop, let receiver):
            text = "Microsoft 365 filters where it takes the message in: hop \(hop) (\(receiver))"
        case .resultsHeader(let hop):
            text = "part of the Authentication-Results tied to hop \(hop)"
        case .position(let hop):
            text = "the first Received below the header is hop \(hop)'s"
        case .product(let product, let hop, let receiver):
            text =
                "the header names no host and lies below every Received; hop \(hop)'s receiver (\(receiver)) runs \(product)"
        }
        if v.decoded.header == "X-Microsoft-Antispam-Mailbox-Delivery" {
            text +=
                "; the mailbox server writes this header at delivery, recording the folder the filter's verdict chose"
        }
        if let c = v.checkedHop, let ip = v.checkedIP {
            text +=
                "; the filter evaluated \(ip), hop \(c)'s client, further down the chain (Enhanced Filtering for Connectors or skip-listing)"
        }
        if !v.otherCandidates.isEmpty {
            text +=
                "; ambiguous: its position points at hop \(v.otherCandidates.map(String.init).joined(separator: ", "))"
        }
        return text
    }

    /// The text report's lines under a hop: one per vendor, the verdict and the fields an analyst
    /// reads first.
    public static func lines(_ list: [HopVendorVerdict]) -> [String] {
        var vendors: [FilterVendor] = []
        for v in list where !vendors.contains(v.decoded.vendor) { vendors.append(v.decoded.vendor) }
        return vendors.map { vendor in
            line(vendor: vendor, list.filter { $0.decoded.vendor == vendor })
        }
    }

    static func line(vendor: FilterVendor, _ list: [HopVendorVerdict]) -> String {
        let decoded = list.map(\.decoded)
        let verdict = DecodedVerdictHeader.leadingVerdict(decoded)
        var parts: [String] = []
        func add(_ header: String, _ key: String, _ label: (DecodedField) -> String) {
            for d in decoded where d.header == header {
                if let f = d.field(key) { parts.append(label(f)) }
            }
        }
        if vendor == .microsoft {
            func coded(_ key: String, _ prefix: String) -> (DecodedField) -> String {
                { f in f.meaning.map { "\(prefix)\($0) (\(key):\(f.value))" } ?? "\(key):\(f.value) (undocumented)" }
            }
            add("X-Forefront-Antispam-Report", "SFV", coded("SFV", ""))
            add("X-Forefront-Antispam-Report", "CAT", coded("CAT", "category "))
            add("X-Forefront-Antispam-Report", "SFTY", coded("SFTY", "safety tip "))
            add("X-Forefront-Antispam-Report", "SCL") { "SCL \($0.value)" }
            if !decoded.contains(where: { $0.header == "X-Forefront-Antispam-Report" }) {
                add("X-MS-Exchange-Organization-SCL", "SCL") {
                    "SCL \($0.value)" + ($0.meaning.map { " (\($0))" } ?? "")
                }
            }
            add("X-Microsoft-Antispam", "BCL") { "BCL \($0.value)" }
            add("X-Microsoft-Antispam", "PCL") { "PCL \($0.value)" }
            add("X-Microsoft-Antispam-Mailbox-Delivery", "dest") {
                "delivered to \($0.meaning ?? "an undocumented folder") (dest:\($0.value))"
            }
            for d in decoded {
                guard let c = d.compositeAuthentication else { continue }
                parts.append(
                    "compauth \(c.resultWord)" + (c.reason.map { " reason \($0)" } ?? "")
                        + (reasonMeaning(d).map { " (\($0))" } ?? ""))
            }
            add("X-MS-Exchange-Organization-AuthAs", "value") { "AuthAs \($0.value)" }
            for v in list where v.checkedHop != nil && v.decoded.header == "X-Forefront-Antispam-Report" {
                parts.append("checked \(v.checkedIP!) (hop \(v.checkedHop!)'s client)")
            }
        } else {
            // Long reports are left to the JSON; flags set to false say nothing at a glance.
            let ordered = decoded.filter(\.isMainVerdict) + decoded.filter { !$0.isMainVerdict }
            for d in ordered where !d.header.hasSuffix("-Report") {
                if let host = d.field("host") {
                    parts.append("on \(host.value)")
                    continue
                }
                for f in d.fields.prefix(8) where f.key != "verdict" && f.value.lowercased() != "false" {
                    let label = f.key == "value" ? String(d.header.dropFirst(2)) : f.key
                    let value = f.value.count > 60 ? String(f.value.prefix(60)) + "…" : f.value
                    parts.append("\(label) \(value)" + (f.meaning.map { " (\($0))" } ?? ""))
                }
            }
        }
        let head = "\(vendorName(vendor)): " + (verdict.map(\.rawValue) ?? "no verdict")
        return parts.isEmpty ? head : head + ", " + parts.joined(separator: ", ")
    }

    // MARK: - Report sections

    /// One row of a "Filtering verdicts" section: a vendor's verdict at a hop, in words.
    public struct Row: Sendable, Hashable {
        public var hop: Int
        public var vendor: FilterVendor
        /// `VendorVerdictText.vendorName(vendor)`.
        public var vendorName: String
        /// The verdict word, nil when the headers record none.
        public var verdict: String?
        /// The text report's line (`Microsoft 365: phish, … (SFV:SPM), …`).
        public var line: String
        /// Why each header is tied to this hop, one sentence per header.
        public var evidence: [String]
        /// The hop whose client the filter evaluated, when further down the chain.
        public var checkedHop: Int?
    }

    /// The rows of a chain's "Filtering verdicts" section, hop by hop (oldest first), one per vendor.
    public static func rows(_ a: ChainAuthentication) -> [Row] {
        var out: [Row] = []
        for h in a.hops where !h.vendorVerdicts.isEmpty {
            var vendors: [FilterVendor] = []
            for v in h.vendorVerdicts where !vendors.contains(v.decoded.vendor) { vendors.append(v.decoded.vendor) }
            for vendor in vendors {
                let list = h.vendorVerdicts.filter { $0.decoded.vendor == vendor }
                var evidence: [String] = []
                for v in list {
                    let e = "\(v.decoded.header): \(self.evidence(v))"
                    if !evidence.contains(e) { evidence.append(e) }
                }
                out.append(
                    Row(
                        hop: h.hop, vendor: vendor, vendorName: vendorName(vendor),
                        verdict: DecodedVerdictHeader.leadingVerdict(list.map(\.decoded)).flatMap(verdictWord),
                        line: line(vendor: vendor, list), evidence: evidence,
                        checkedHop: list.lazy.compactMap(\.checkedHop).first))
            }
        }
        return out
    }

    /// The verdict headers no hop could be tied to, one sentence each.
    public static func unattributedLines(_ a: ChainAuthentication) -> [String] {
        a.unattributedVendorVerdicts.map {
            summary($0) + " Not tied to a hop: it names no host or client of this chain."
        }
    }

    // MARK: - Findings

    /// Which of SPF, DKIM and DMARC a failing reason code points at.
    public static func basisText(_ b: CompositeAuthentication.Basis) -> String {
        switch b {
        case .explicitDMARC:
            return
                "DMARC failed under the sender domain's quarantine or reject policy (neither SPF nor DKIM passed aligned)"
        case .implicit:
            return
                "the sender domain publishes no or weak authentication (no aligned SPF or DKIM pass, SPF softfail or neutral, DMARC p=none or no DMARC)"
        case .tenantPolicy:
            return "the organisation's own policy forbids this sender and domain pair"
        case .explicitDMARCOwnDomain:
            return "DMARC failed under quarantine or reject for one of the recipient organisation's own domains"
        case .implicitOwnDomain:
            return
                "implicit authentication failed for one of the recipient organisation's own domains (no aligned SPF or DKIM pass)"
        }
    }

    public static func summary(_ f: CompositeAuthFailure) -> String {
        var text = "Hop \(f.hop): \(f.receiver) (Microsoft 365) failed composite authentication"
        if let r = f.compauth.reason { text += " with reason \(r)" }
        if let b = f.compauth.basis {
            text += ": \(basisText(b))"
        } else if f.compauth.reason != nil {
            text += " (a reason code Microsoft does not document)"
        }
        let recorded = [("SPF", f.spf), ("DKIM", f.dkim), ("DMARC", f.dmarc)].compactMap { name, word in
            word.map { "\(name) \($0)" }
        }
        if !recorded.isEmpty { text += ". The same receiver recorded " + recorded.joined(separator: ", ") }
        text += "."
        if f.junked {
            var what = "The message was treated as \(f.verdict.flatMap(verdictWord) ?? "junk")"
            if let c = f.category { what += " (category \(c))" }
            if f.destination?.uppercased() == "J" { what += " and delivered to the Junk Email folder" }
            text += " " + what + ", in part for this failure."
        }
        if let c = f.checkedHop {
            text += " Its filter evaluated hop \(c)'s client, further down the chain."
        }
        return text
    }

    public static func summary(_ s: SpoofVerdict) -> String {
        "Hop \(s.hop): \(s.receiver) (\(vendorName(s.vendor))) judged the message spoofing or impersonation: "
            + s.fields.map(fieldText).joined(separator: ", ") + "."
    }

    // MARK: - Diagram

    /// `M365: phish → Junk` on the filtering hop's edge.
    public static func annotation(_ m: FilterMark) -> EdgeAnnotation {
        var label = "\(shortVendorName(m.vendor)): \(m.verdict.rawValue)"
        switch m.destination?.uppercased() {
        case "J"?: label += " → Junk"
        case "I"?: label += " → Inbox"
        case "C"?: label += " → custom folder"
        default: break
        }
        return EdgeAnnotation(
            hop: m.hop, severity: .warning, label: label,
            kind: m.verdict == .spoof ? .spoofVerdict : nil)
    }
}
