import HopTraceAuth
import HopTraceCore
import HopTraceFingerprint
import HopTraceForensics
import HopTraceGeo
import HopTraceMessage
import HopTraceReceived
import HopTraceTopology
import HopTraceVerdicts

/// The JSON contract (README, "JSON contract"). Field order follows the
/// contract; fields beyond it are additions, never renames.
public enum JSONRenderer {
    /// The report's document, pretty-printed: written straight to bytes (`JSONPrettyFields`),
    /// byte for byte `document(report).serialized()`.
    public static func render(_ report: Report) -> String {
        var w = JSONPrettyFields(out: [], level: 0)
        w.out.reserveCapacity(32 << 10)
        w.begin()
        w.field("version", Report.version)
        writeBody(report, into: &w)
        w.end()
        w.out.append(0x0A)
        return String(decoding: w.out, as: UTF8.self)
    }

    public static func render(_ batch: BatchReport) -> String {
        JSONValue.object([
            ("version", .int(Report.version)),
            ("messages", .array(batch.entries.map(entry))),
        ]).serialized()
    }

    static func entry(_ entry: BatchReport.Entry) -> JSONValue {
        var list = JSONFieldList()
        writeEntry(entry, into: &list)
        return list.value
    }

    /// One mailbox entry's fields: the message's label, then its report's or its error.
    static func writeEntry<W: JSONFieldWriter>(_ entry: BatchReport.Entry, into w: inout W) {
        w.field("message", entry.label)
        switch entry.result {
        case .success(let report): writeBody(report, into: &w)
        case .failure(let error): w.field("error", error.description)
        }
    }

    /// `render(batch)` written in pieces, for a mailbox streamed message by message: `start`,
    /// then `append` for each entry (its index counting from 0), then `finish(count:)`.
    /// Together, byte for byte the document `render` gives.
    public enum BatchStream {
        public static func start(into out: inout [UInt8]) {
            out += "{\n  \"version\": \(Report.version),\n  \"messages\": [".utf8
        }

        public static func append(_ e: BatchReport.Entry, index: Int, into out: inout [UInt8]) {
            out += (index == 0 ? "\n    " : ",\n    ").utf8
            // Straight to bytes, as `entry(e)` pretty-printed at the document's second level.
            var w = JSONPrettyFields(out: out, level: 2)
            out = []
            w.begin()
            writeEntry(e, into: &w)
            w.end()
            out = w.out
        }

        public static func finish(count: Int, into out: inout [UInt8]) {
            out += (count == 0 ? "]\n}\n" : "\n  ]\n}\n").utf8
        }
    }

    public static func document(_ report: Report) -> JSONValue {
        var list = JSONFieldList()
        list.field("version", Report.version)
        writeBody(report, into: &list)
        return list.value
    }

    /// A report's fields after `version` (or a mailbox entry's `message`), in the contract's
    /// order, for the value tree (`JSONFieldList`) and for the bytes `render` writes
    /// (`JSONPrettyFields`); the hops through `writeHop`, as `hops --jsonl` writes them.
    static func writeBody<W: JSONFieldWriter>(_ report: Report, into w: inout W) {
        w.field("report_kind", report.reportKind)
        w.objects("chains", report.chains) { w, c in
            w.field("source", c.source.rawValue)
            w.field("part", c.part)
            w.field("container", c.container)
            w.field("headers", value: .object(c.summary.map { ($0.name, .string($0.value)) }))
            w.objects("hops", c.hops) { w, h in writeHop(h, c.authentication.hop(h.index), analysed: true, into: &w) }
            for (name, value) in c.topology.jsonFields { w.field(named: name, value: value) }
            w.field("authentication", value: authentication(c.authentication))
            w.field("findings", value: .array(c.findings.map(finding)))
            w.field("other_software", value: .array(c.otherSoftware.map(software)))
        }
        w.field("findings", value: .array(report.findings.map(finding)))
        w.field("notes", strings: report.notes)
    }

    /// One hop's fields, for the report documents (`JSONFieldList`, `JSONPrettyFields`) and for the JSON Lines of
    /// `hoptrace hops` (`JSONByteFields`). `analysed: false` is `hoptrace hops`, where only the
    /// parse stage ran: the keys of the later stages (`geo`, `software`, `spf`, `verdicts`,
    /// `attribution_notes`) are left out rather than written empty, so no reader mistakes "not
    /// looked at" for "none found".
    static func writeHop<W: JSONFieldWriter>(
        _ h: HopReport, _ auth: HopAuthentication?, analysed: Bool, into w: inout W
    ) {
        let r = h.received
        w.field("index", h.index)
        if let f = r.from {
            w.object("from") { o in
                o.field("name", f.helo)
                o.field("rdns", f.rdns)
                o.field("ip", f.ip?.description)
                o.field("port", f.port)
                o.field("scope", h.fromScope?.rawValue)
                o.field("ident", f.ident)
                o.field("zone", f.zone)
                o.field("authenticated", f.authenticated)
                o.field("may_be_forged", f.mayBeForged)
                if f.redacted { o.field("redacted", true) }
                if analysed { o.field("geo", value: geo(h.fromGeo)) }
            }
        } else {
            w.field("from", value: .null)
        }
        if let b = r.by {
            w.object("by") { o in
                o.field("name", b.name)
                o.field("ip", b.ip?.description)
                if b.redacted { o.field("redacted", true) }
                o.field("scope", h.byScope?.rawValue)
                if analysed { o.field("geo", value: geo(h.byGeo)) }
            }
        } else {
            w.field("by", value: .null)
        }
        w.field("protocol", r.with?.keyword)
        w.field("id", r.id)
        w.field("for", r.recipients.first)
        w.field("time", r.timestamp?.iso8601)
        w.field("delay_seconds", h.hop.delaySeconds)
        if analysed {
            w.field("software", value: .array(h.software.map(software)))
            w.field("spf", value: auth?.spf.map(hopSPF) ?? .null)
        }
        w.field("raw", r.raw)
        w.field("header_index", h.hop.location?.headerIndex)
        w.field("recipients", strings: r.recipients)
        w.field("authenticated", r.with?.authenticated ?? false)
        if let t = r.tls {
            w.object("tls") { o in
                o.field("version", t.version)
                o.field("cipher", t.cipher)
                o.field("bits", t.bits)
            }
        } else {
            w.field("tls", value: .null)
        }
        w.field("via", r.via)
        w.field("envelope_from", r.envelopeFrom)
        w.field("server_build", r.serverBuild)
        w.field("software_named", strings: r.software)
        w.field("comment", r.commentOnly)
        w.field("unparsed", strings: r.unparsed)
        if analysed {
            w.field("verdicts", value: .array((auth?.verdicts ?? []).map(verdict)))
            w.field("attribution_notes", strings: (auth?.attributionNotes ?? []).map(FindingsText.text))
            // Optional: written only when a filter's verdict header is tied to this hop.
            if let list = auth?.vendorVerdicts, !list.isEmpty {
                w.field("vendor_verdicts", value: .array(list.map(vendorVerdict)))
            }
        }
    }

    /// `hoptrace hops --jsonl`: one compact JSON object for one message (a JSON Lines record),
    /// appended to `out` with its newline, written field by field with no value tree. `label`
    /// is the message's place (mbox position or file name).
    public static func appendHopsLine(label: String, _ result: Result<HopsReport, IntakeError>, to out: inout [UInt8]) {
        var w = JSONByteFields(out: [])
        swap(&w.out, &out)
        w.begin()
        w.field("version", Report.version)
        w.field("message", label)
        switch result {
        case .success(let report):
            w.field("report_kind", report.reportKind)
            w.objects("chains", report.chains) { o, c in
                o.field("source", c.source.rawValue)
                o.field("part", c.part)
                o.field("container", c.container)
                o.objects("hops", c.hops) { hop, h in writeHop(h, nil, analysed: false, into: &hop) }
                o.field("findings", value: .array(c.findings.map(finding)))
            }
            w.field("findings", value: .array(report.findings.map(finding)))
        case .failure(let error):
            w.field("error", error.description)
        }
        w.end()
        w.out.append(0x0A)
        swap(&w.out, &out)
    }

    /// One decoded vendor verdict header (`vendor_verdicts` of a hop).
    static func vendorVerdict(_ v: HopVendorVerdict) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("vendor", .string(v.decoded.vendor.rawValue)),
            ("header", .string(v.decoded.header)),
            ("header_index", .int(v.decoded.headerIndex)),
            ("verdict", .string(VendorVerdictText.verdictWord(v.decoded.verdict))),
            (
                "fields",
                .array(
                    v.decoded.fields.map { f in
                        .object([
                            ("key", .string(f.key)), ("value", .string(f.value)),
                            ("meaning", .string(VendorVerdictText.meaning(f))),
                            ("source", .string(f.source?.url)),
                        ])
                    })
            ),
            ("summary", .string(VendorVerdictText.summary(v.decoded))),
            ("evidence", .string(VendorVerdictText.evidence(v))),
        ]
        if let c = v.checkedHop {
            fields.append(("checked_hop", .int(c)))
            fields.append(("checked_ip", .string(v.checkedIP?.description)))
        }
        return .object(fields)
    }

    static func verdict(_ v: RecordedVerdict) -> JSONValue {
        .object([
            ("method", .string(v.methodName)),
            ("result", .string(v.word)),
            ("inferred", .bool(v.inferred)),
            ("domain", .string(v.domain)),
            ("client_ip", .string(v.clientIP?.description)),
            ("receiver", .string(v.receiver)),
            ("reason", .string(v.reason)),
            ("header", .string(v.header)),
            ("header_index", .int(v.headerIndex)),
        ])
    }

    /// The contract's hop `spf` object: `client_ip`, `domain`, `result` (replayed), `recorded`,
    /// `recorded_by`, plus `sender`, `helo`, `helo_result`, `recorded_helo`, `recorded_client_ip`,
    /// `recorded_header`, `skipped`.
    public static func hopSPF(_ spf: HopSPF) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("client_ip", .string(spf.clientIP.description)),
            ("domain", .string(spf.domain)),
            ("result", .string(spf.replayed?.rawValue)),
            ("recorded", .string(spf.recorded?.rawValue)),
            ("recorded_by", .string(spf.recordedBy)),
            ("sender", .string(spf.sender?.address)),
            ("helo", .string(spf.helo)),
            ("helo_result", .string(spf.heloReplayed?.rawValue)),
        ]
        if let h = spf.recordedHelo { fields.append(("recorded_helo", .string(h.rawValue))) }
        if let ip = spf.recordedClientIP, ip != spf.clientIP {
            fields.append(("recorded_client_ip", .string(ip.description)))
        }
        if let h = spf.recordedHeader { fields.append(("recorded_header", .string(h))) }
        if spf.recordedInferred { fields.append(("recorded_inferred", .bool(true))) }
        if let s = spf.skipped { fields.append(("skipped", .string(FindingsText.text(s)))) }
        return .object(fields)
    }

    static func authentication(_ a: ChainAuthentication) -> JSONValue {
        .object([
            (
                "dkim",
                .array(
                    a.dkim.map { d in
                        .object([
                            ("domain", .string(d.domain)),
                            ("selector", .string(d.selector)),
                            ("result", .string(d.result.rawValue)),
                            ("failure", .string(d.failure?.description)),
                        ])
                    })
            ),
            (
                "recorded_dkim",
                .array(
                    a.recordedDKIM.map { r in
                        .object([("hop", .int(r.hop)), ("verdict", verdict(r.verdict))])
                    })
            ),
            (
                "arc",
                a.arc.map { arc in
                    .object([
                        ("result", .string(arc.result.rawValue)),
                        ("instances", .int(arc.instanceCount)),
                        ("broken_at", .int(arc.brokenAt)),
                        ("failure", .string(arc.failure?.description)),
                        (
                            "ledger",
                            .array(
                                a.arcLedger.map { e in
                                    .object([
                                        ("instance", .int(e.instance)),
                                        ("hop", .int(e.hop)),
                                        ("seal_domain", .string(e.sealDomain)),
                                        ("authserv_id", .string(e.authservID)),
                                        ("verdicts", .array(e.verdicts.map(verdict))),
                                    ])
                                })
                        ),
                    ])
                } ?? .null
            ),
            (
                "dmarc",
                .array(
                    a.dmarcChecks.map { c in
                        .object([
                            ("hop", .int(c.hop)),
                            ("basis", .string(FindingsText.text(c.basis))),
                            ("result", .string(c.evaluation.result.rawValue)),
                            ("from_domain", .string(c.evaluation.fromDomain)),
                            ("policy", .string(c.evaluation.policy?.rawValue)),
                            ("spf_aligned", .bool(c.evaluation.spfAligned)),
                            ("dkim_aligned", .bool(c.evaluation.dkimAligned)),
                            ("recorded", .string(c.recorded?.word)),
                            ("recorded_action", .string(c.recordedAction)),
                            ("explanation", .string(c.evaluation.explanation)),
                        ])
                    })
            ),
            ("unattributed_verdicts", .array(a.unattributed.map(verdict))),
            ("notes", .array(a.notes.map { .string(FindingsText.text($0)) })),
        ])
    }

    static func software(_ s: SoftwareIdentification) -> JSONValue {
        .object([
            ("product", .string(s.product)),
            ("version", .string(s.version)),
            ("release", .string(s.release)),
            ("exact", .bool(s.exact)),
            ("note", .string(s.note)),
            ("role", .string(s.role)),
            (
                "evidence",
                .object([
                    ("header", .string(s.evidence.header)),
                    ("header_index", .int(s.evidence.headerIndex)),
                    ("text", .string(s.evidence.text)),
                ])
            ),
        ])
    }

    static func geo(_ g: GeoRecord?) -> JSONValue {
        guard let g else { return .null }
        return .object([
            ("country", .string(g.country)),
            ("city", .string(g.city)),
            ("asn", .int(g.asn)),
            ("org", .string(g.org)),
        ])
    }

    static func finding(_ f: Finding) -> JSONValue {
        .object([
            ("kind", .string(f.kind.rawValue)),
            ("severity", .string(f.severity.rawValue)),
            ("hops", .array(f.hops.map { .int($0) })),
            ("summary", .string(f.summary)),
        ])
    }
}
