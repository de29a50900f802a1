import HopTraceCore

extension SoftwareFingerprinter {
    /// Software named outside Received: vendor headers (`X-hMailServer-*`, `X-MS-Exchange-*`,
    /// `X-Mimecast-*`, `X-Proofpoint-*`, `X-IronPort-*`, `X-Google-*`, `X-Barracuda-*`…), the composing
    /// client (`X-Mailer`, `User-Agent`), `X-MimeOLE`, `X-MIMETrack` (Domino) and `X-Virus-Scanned`.
    ///
    /// `index` is each field's position in its header block (top = 0). A run of adjacent fields naming
    /// the same product (the Raynet case's `X-hMailServer-Spam`, `-Reason-1`, `-Reason-Score`) becomes one
    /// identification whose evidence is the first field and whose note counts the rest. Which hop added a
    /// field is decided by the caller (HopTraceForensics' `HopAttribution`).
    public static func identify(headers: [(name: String, value: String, index: Int)]) -> [SoftwareIdentification] {
        var out: [SoftwareIdentification] = []
        var runCount: [Int] = []  // fields merged into out[i]
        var lastIndex: [Int] = []
        for header in headers {
            guard var id = identifyHeader(name: header.name, value: header.value, index: header.index) else { continue }
            if let previous = out.last, previous.product == id.product, previous.side == id.side,
                let last = lastIndex.last, header.index == last + 1
            {
                let i = out.count - 1
                runCount[i] += 1
                lastIndex[i] = header.index
                if out[i].version == nil { out[i].version = id.version }
                if out[i].release == nil { out[i].release = id.release }
                if out[i].role == nil { out[i].role = id.role }
                if id.note != nil, out[i].note == nil { out[i].note = id.note }
                continue
            }
            id.evidence.headerIndex = header.index
            out.append(id)
            runCount.append(0)
            lastIndex.append(header.index)
        }
        for i in out.indices where runCount[i] > 0 {
            let first = out[i].evidence.headerIndex ?? 0
            let more =
                "with \(runCount[i]) adjacent header\(runCount[i] == 1 ? "" : "s") (indexes \(first + 1)–\(lastIndex[i]))"
            out[i].note = out[i].note.map { "\($0); \(more)" } ?? more
        }
        return out
    }

    static func identifyHeader(name: String, value: String, index: Int) -> SoftwareIdentification? {
        let lower = name.lowercased()
        let v = value.trimmingSpaces
        func id(
            _ product: String, version: String? = nil, release: String? = nil, exact: Bool = true,
            note: String? = nil, role: String? = nil, side: SoftwareIdentification.Side = .by,
            endOfSupport: SupportEnd? = nil
        ) -> SoftwareIdentification {
            SoftwareIdentification(
                product: product, version: version, release: release, exact: exact, note: note,
                role: role, evidence: .init(header: name, headerIndex: index, text: "\(name): \(v)"),
                side: side, endOfSupport: endOfSupport)
        }
        func starts(_ prefixes: String...) -> Bool { prefixes.contains { lower.hasPrefix($0) } }

        // hMailServer's spam filter (the article's Raynet case: X-hMailServer-Spam / -Reason-1 / -Reason-Score).
        if starts("x-hmailserver-") {
            return id("hMailServer", role: lower.contains("spam") || lower.contains("reason") ? "spam filter" : nil)
        }
        // Exchange and Exchange Online. Cross-tenant stamps exist only in the multi-tenant service.
        if starts("x-ms-exchange-") {
            if lower.contains("crosstenant") {
                return id(
                    ExchangeBuilds.exchangeOnline, exact: false,
                    note: "cross-tenant headers are written by Exchange Online only")
            }
            return id(
                "Microsoft Exchange", exact: false,
                note: "X-MS-Exchange-* headers are written by Exchange Server and Exchange Online alike")
        }
        if starts("x-forefront-antispam-report", "x-microsoft-antispam") {
            return id("Exchange Online Protection", note: "Microsoft 365 mail filtering")
        }
        if starts("x-mimecast-", "x-mc-unique") { return id("Mimecast") }
        // Proofpoint: `X-Proofpoint-Virus-Version: vendor=baseguard engine=ICAP:2.0.219,…` names the
        // scanning engine's versions, not Proofpoint's own.
        if starts("x-proofpoint-") {
            var note: String?
            if lower == "x-proofpoint-virus-version" {
                // Keep vendor and engine; `definitions=`/`signatures=` are signature dates, not software.
                let parts = v.split(whereSeparator: { $0 == " " || $0 == "\t" })
                    .filter { $0.hasPrefix("vendor=") || $0.hasPrefix("engine=") }
                if !parts.isEmpty { note = "scanning engine: " + parts.joined(separator: " ") }
            }
            return id("Proofpoint", note: note)
        }
        if starts("x-ironport-", "ironport-") {
            var note: String?
            if lower == "x-ironport-av", let e = v.split(separator: ";").first(where: { $0.hasPrefix("E=") }) {
                note = "anti-virus engine \(e.dropFirst(2))"
            }
            return id("Cisco Secure Email (IronPort)", note: note)
        }
        if starts("x-google-", "x-gm-") { return id("Gmail") }
        if starts("x-barracuda-", "x-asg-") { return id("Barracuda Email Security Gateway") }
        if starts("x-ses-outgoing") { return id("Amazon SES") }
        if lower == "feedback-id", v.hasSuffix(":AmazonSES") { return id("Amazon SES") }
        if starts("x-mailgun-") { return id("Mailgun") }
        if lower == "x-sg-eid" || lower == "x-sg-id" { return id("SendGrid") }
        if starts("x-sonic-", "x-ymail-", "x-yahoo-") { return id("Yahoo Mail") }
        if starts("x-starscan-", "x-symc-ess-") { return id("Symantec MessageLabs") }
        if starts("x-pgp-universal") { return id("PGP Universal") }
        if starts("x-rspamd-") { return id("rspamd", role: "spam filter") }
        // `X-Spam-Checker-Version: SpamAssassin 3.4.6 (2021-04-09) on lindbergh.monkeyblade.net`.
        if lower == "x-spam-checker-version", v.hasPrefix("SpamAssassin") {
            return id(
                "SpamAssassin", version: TextScan.version(at: v.dropFirst("SpamAssassin".count)), role: "spam filter")
        }
        // `X-Virus-Scanned: amavisd-new at example.com`; Barracuda writes `by bsmtpd at <domain>`.
        if lower == "x-virus-scanned" {
            if v.hasPrefix("by bsmtpd") { return id("Barracuda Email Security Gateway", role: "virus scanner") }
            let product = v.splitting(on: " at ").first.map { $0.trimmingSpaces } ?? v
            guard !product.isEmpty else { return nil }
            return id(product, role: "virus scanner")
        }
        // `X-MimeOLE: Produced By Microsoft Exchange V6.5` (Exchange 2003); otherwise Microsoft's MIME
        // library in Outlook Express / Outlook (`Produced By Microsoft MimeOLE V6.00.2900.2180`).
        if lower == "x-mimeole" {
            if let r = TextScan.find("Microsoft Exchange V", in: v[...]) {
                let version = TextScan.version(at: v[r.upperBound...]) ?? ""
                let parts = version.split(separator: ".").compactMap { Int($0) }
                let row =
                    parts.count >= 2
                    ? ExchangeBuilds.table.first { $0.build[0] == parts[0] && $0.build[1] == parts[1] } : nil
                return id(
                    row?.displayProduct ?? "Microsoft Exchange Server", version: version.isEmpty ? nil : version,
                    exact: row != nil, endOfSupport: row?.supportEnd)
            }
            if let r = TextScan.find("MimeOLE V", in: v[...]) {
                return id(
                    "Microsoft MimeOLE", version: TextScan.version(at: v[r.upperBound...]),
                    note: "Microsoft's MIME library (Outlook Express, Windows Mail, Outlook)", side: .client)
            }
            return nil
        }
        // `X-MIMETrack: Itemize by SMTP Server on Server/Org(Release 8.5.3FP3|November 15, 2012) at …`.
        if lower == "x-mimetrack" {
            var version: String?
            if let r = TextScan.find("(Release ", in: v[...]) {
                version = TextScan.version(at: v[r.upperBound...]) { $0.isASCII && $0.isLetter }
            }
            let step = v.splitting(on: " on ").first.map { $0.trimmingSpaces }
            return id("Domino", version: version, role: step)
        }
        // The composing client.
        if lower == "x-mailer" || lower == "user-agent" {
            let (product, version) = ClientNames.parse(v)
            return id(product, version: version, side: .client)
        }
        return nil
    }
}

/// Mail client names from `X-Mailer` / `User-Agent`.
enum ClientNames {
    /// Product and version: `Microsoft Outlook 16.0` → ("Microsoft Outlook", "16.0");
    /// `Mozilla/5.0 (…) Gecko/20100101 Thunderbird/102.3.0` → ("Thunderbird", "102.3.0");
    /// `git-send-email 2.34.1` → ("git-send-email", "2.34.1"); `RainLoop/1.16.0` → ("RainLoop", "1.16.0");
    /// anything else: the whole value, no version.
    static func parse(_ value: String) -> (String, String?) {
        // Browser-style strings name the mail client in a later `Name/version` token.
        for app in ["Thunderbird", "SeaMonkey", "Icedove", "Postbox", "Betterbird"] {
            if let r = TextScan.find(app + "/", in: value[...]) {
                return (app, TextScan.version(at: value[r.upperBound...]) { $0 == "a" || $0 == "b" })
            }
        }
        // `Name/1.2.3` or `Name 1.2.3` or `Name v1.2`: the name is everything before the first version.
        let chars = Array(value)
        for i in chars.indices where i > 0 && (chars[i - 1] == " " || chars[i - 1] == "/") {
            var j = i
            if chars[j] == "v" || chars[j] == "V" || chars[j] == "(" { j += 1 }  // `Apple Mail (2.3654.120.0.1.13)`
            guard j < chars.count, chars[j].isASCII, chars[j].isNumber else { continue }
            let name = String(chars[..<(i - 1)]).trimmingSpaces
            let start = value.index(value.startIndex, offsetBy: chars[i] == "(" ? i + 1 : i)
            guard !name.isEmpty, let version = TextScan.version(at: value[start...]) else { continue }
            return (name, version)
        }
        return (value, nil)
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs. By bytes (it runs for every header value);
    /// where a non-ASCII character follows the leading blanks (a combining mark joins the
    /// space before it into one Character) the Character path decides, so the answer is the same.
    var trimmingSpaces: String {
        let all = Substring(self)
        let u = all.utf8
        func blank(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 }
        var a = u.startIndex
        while a < u.endIndex, blank(u[a]) { a = u.index(after: a) }
        var z = u.endIndex
        while z > a, blank(u[u.index(before: z)]) { z = u.index(before: z) }
        if a > u.startIndex, a < u.endIndex, u[a] >= 0x80 {
            return String(all.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
        }
        return String(all[a..<z])
    }

    func splitting(on separator: String) -> [String] {
        var out: [String] = []
        var rest = self[...]
        while let r = TextScan.find(separator, in: Substring(rest)) {
            out.append(String(rest[..<r.lowerBound]))
            rest = rest[r.upperBound...]
        }
        out.append(String(rest))
        return out
    }
}
