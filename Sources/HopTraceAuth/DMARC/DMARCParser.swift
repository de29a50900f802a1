import HopTraceCore

/// Text → `DMARCRecord`, no I/O. The grammar is in `DMARCRecord.swift`.
///
/// Errors that make the record unusable are thrown (no `v=DMARC1` first; no usable `p=` and no
/// valid `rua=`); invalid values of other tags become `warnings` and the default is used
/// (RFC 7489 §6.3).
public enum DMARCParser {
    /// RFC 7489 §6.6.3 step 2: a TXT record is a DMARC record when it starts with a `v` tag
    /// naming DMARC1 (`v=DMARC1`, white space allowed around "="; the tag value is
    /// case-sensitive per the ABNF, but receivers such as OpenDMARC accept any case, so do we).
    public static func isDMARCRecord(_ text: String) -> Bool {
        var s = Substring(text)
        s = s.drop(while: { $0 == " " || $0 == "\t" })
        guard s.first == "v" || s.first == "V" else { return false }
        s = s.dropFirst().drop(while: { $0 == " " || $0 == "\t" })
        guard s.first == "=" else { return false }
        s = s.dropFirst().drop(while: { $0 == " " || $0 == "\t" })
        guard s.prefix(6).uppercased() == "DMARC1" else { return false }
        s = s.dropFirst(6).drop(while: { $0 == " " || $0 == "\t" })
        return s.isEmpty || s.first == ";"
    }

    /// `dmarc-record`
    public static func parse(_ text: String) throws(DMARCSyntaxError) -> DMARCRecord {
        let bytes = Array(text.utf8)
        if bytes.count > DMARCLimits.maxRecordBytes {
            throw DMARCSyntaxError(
                .invalid, offset: DMARCLimits.maxRecordBytes, tag: String(text.prefix(32)),
                reason: "record is \(bytes.count) bytes (limit \(DMARCLimits.maxRecordBytes))")
        }
        var warnings: [DMARCSyntaxError] = []
        let tags = try tagList(bytes, warnings: &warnings)
        // dmarc-version must be first.
        guard let first = tags.first, first.name == "v" else {
            throw DMARCSyntaxError(
                .invalid, offset: tags.first?.range.lowerBound ?? 0, tag: String(text.prefix(32)),
                reason: "record does not start with v=DMARC1", hint: "RFC 7489 §6.6.3: such records are discarded")
        }
        guard first.value.uppercased() == "DMARC1" else {
            throw DMARCSyntaxError(
                .invalid, offset: first.range.lowerBound, tag: "v=\(first.value.prefix(16))",
                reason: "version is not DMARC1")
        }
        var record = DMARCRecord(text: text, policy: .none, tags: tags)
        func warn(_ t: DMARCTag, _ reason: String, hint: String) {
            warnings.append(
                DMARCSyntaxError(
                    t.value.isEmpty ? .incomplete : .invalid, offset: t.range.lowerBound,
                    tag: "\(t.name)=\(t.value.prefix(32))", reason: reason, hint: hint))
        }
        var policy: DMARCPolicy? = nil
        var policyTag: DMARCTag? = nil
        var seen: Set<String> = []
        for (index, t) in tags.enumerated() where index > 0 {
            if seen.contains(t.name) {
                warn(t, "\(t.name)= appears again", hint: "the first one is used")
                continue
            }
            seen.insert(t.name)
            switch t.name {
            case "v":
                warn(t, "v= appears again", hint: "ignored")
            case "p":
                policyTag = t
                if let p = DMARCPolicy(rawValue: t.value.lowercased()) { policy = p }
                if index != 1 {
                    // The ABNF puts p right after v; Google and others accept it anywhere, as do we.
                    warnings.append(
                        DMARCSyntaxError(
                            .invalid, offset: t.range.lowerBound, tag: "p=\(t.value.prefix(16))",
                            reason: "p= is not the second tag", hint: "accepted where it is"))
                }
            case "sp", "np":
                if let p = DMARCPolicy(rawValue: t.value.lowercased()) {
                    if t.name == "sp" { record.subdomainPolicy = p } else { record.nonExistentSubdomainPolicy = p }
                } else {
                    warn(
                        t, "\(t.name)= must be none, quarantine or reject",
                        hint: "ignored; \(t.name == "sp" ? "p" : "sp or p") applies")
                }
            case "pct":
                if t.value.utf8.count <= 3, !t.value.isEmpty, let n = Int(t.value), (0...100).contains(n) {
                    record.percent = n
                } else {
                    warn(t, "pct= must be 0 to 100", hint: "100 used")
                }
            case "adkim", "aspf":
                if let m = DMARCAlignmentMode(rawValue: t.value.lowercased()) {
                    if t.name == "adkim" { record.dkimAlignment = m } else { record.spfAlignment = m }
                } else {
                    warn(t, "\(t.name)= must be r or s", hint: "relaxed used")
                }
            case "rua", "ruf":
                let (uris, bad) = uriList(t.value)
                if let bad {
                    warn(t, "\(t.name)= has an invalid URI \"\(bad.prefix(64))\"", hint: "that URI is ignored")
                }
                if t.name == "rua" { record.aggregateReportURIs = uris } else { record.failureReportURIs = uris }
            case "fo":
                let opts = t.value.split(separator: ":").map { String($0.trimmingASCII(where: ASCIITrim.isWSP)) }
                if !opts.isEmpty, opts.allSatisfy({ ["0", "1", "d", "s"].contains($0.lowercased()) }) {
                    record.failureOptions = opts.map { $0.lowercased() }
                } else {
                    warn(t, "fo= must be 0, 1, d or s, separated by \":\"", hint: "0 used")
                }
            case "rf":
                let formats = t.value.split(separator: ":").map {
                    $0.trimmingASCII(where: ASCIITrim.isWSP).lowercased()
                }
                if !formats.isEmpty,
                    formats.allSatisfy({
                        !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
                    })
                {
                    record.reportFormats = formats
                } else {
                    warn(t, "rf= must be a \":\"-separated keyword list", hint: "afrf used")
                }
            case "ri":
                if !t.value.isEmpty, t.value.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let n = UInt32(t.value) {
                    record.reportInterval = n
                } else {
                    warn(t, "ri= must be a number of seconds", hint: "86400 used")
                }
            default:
                break  // RFC 7489 §6.3: unknown tags MUST be ignored.
            }
        }
        if let policy {
            record.policy = policy
        } else if !record.aggregateReportURIs.isEmpty {
            // RFC 7489 §6.6.3 step 6: no valid p but a valid rua → act as p=none.
            record.policy = .none
            record.policyImplied = true
            let offset = policyTag?.range.lowerBound ?? bytes.count
            warnings.append(
                DMARCSyntaxError(
                    policyTag == nil ? .incomplete : .invalid, offset: offset,
                    tag: policyTag.map { "p=\($0.value.prefix(16))" } ?? String(text.prefix(32)),
                    reason: policyTag == nil ? "no p= tag" : "p= must be none, quarantine or reject",
                    hint: "rua= is valid, so p=none applies (RFC 7489 §6.6.3)"))
        } else {
            let offset = policyTag?.range.lowerBound ?? bytes.count
            throw DMARCSyntaxError(
                policyTag == nil ? .incomplete : .invalid, offset: offset,
                tag: policyTag.map { "p=\($0.value.prefix(16))" } ?? String(text.prefix(32)),
                reason: policyTag == nil ? "no p= tag" : "p= must be none, quarantine or reject",
                hint: "without a valid p= or rua=, no DMARC processing applies (RFC 7489 §6.6.3)")
        }
        record.warnings = warnings
        return record
    }

    /// `tag-list = tag-spec *( tag-sep tag-spec ) [ tag-sep ]` (RFC 6376 §3.2, which RFC 7489
    /// §6.3 adopts): `TagList` in its `.record` dialect.
    static func tagList(_ b: [UInt8], warnings: inout [DMARCSyntaxError]) throws(DMARCSyntaxError) -> [DMARCTag] {
        try TagList.parse(b, dialect: .record, maxTags: DMARCLimits.maxTags, warnings: &warnings)
    }

    /// `dmarc-uri *(*WSP "," *WSP dmarc-uri)`; returns the valid ones and the first invalid one.
    static func uriList(_ value: String) -> ([DMARCReportURI], String?) {
        var out: [DMARCReportURI] = []
        var bad: String? = nil
        for part in value.split(separator: ",", omittingEmptySubsequences: false).prefix(DMARCLimits.maxURIs) {
            let raw = String(part.trimmingASCII(where: ASCIITrim.isWSP))
            var uri = Substring(raw)
            var limit: UInt64? = nil
            if let bang = uri.lastIndex(of: "!") {
                let size = uri[uri.index(after: bang)...]
                var digits = Substring(size)
                var unit: UInt64 = 1
                if let last = digits.last,
                    let mult = ["k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40][String(last).lowercased()]
                {
                    unit = UInt64(mult)
                    digits = digits.dropLast()
                }
                guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let n = UInt64(digits)
                else {
                    if bad == nil { bad = raw }
                    continue
                }
                limit = n.multipliedReportingOverflow(by: unit).overflow ? UInt64.max : n * unit
                uri = uri[..<bang]
            }
            // URI = scheme ":" hier-part …: a scheme (ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )) and something after it.
            guard let colon = uri.firstIndex(of: ":"), colon != uri.startIndex, uri.index(after: colon) != uri.endIndex,
                let f = uri.utf8.first, isAlpha(f),
                uri[..<colon].utf8.allSatisfy({
                    isAlnum($0) || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".")
                }),
                !uri.contains(" ")
            else {
                if bad == nil { bad = raw }
                continue
            }
            out.append(DMARCReportURI(uri: String(uri), maxBytes: limit, raw: raw))
        }
        return (out, bad)
    }

    static func isAlpha(_ b: UInt8) -> Bool { TagList.isAlpha(b) }
    static func isAlnum(_ b: UInt8) -> Bool { isAlpha(b) || (b >= 0x30 && b <= 0x39) }
}
