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
        var w = JSONPrettyFields(JSONBuffer(capacity: 64 << 10), level: 0)
        w.begin()
        w.field("version", Report.version)
        writeBody(report, into: &w)
        w.end()
        w.out.append(0x0A)
        return w.out.withBytes { String(decoding: $0, as: UTF8.self) }
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

        public static func append(_ e: BatchReport.Entry, index: Int, into out: JSONBuffer) {
            out.append(index == 0 ? "\n    " : ",\n    ")
            // Straight to bytes, as `entry(e)` pretty-printed at the document's second level.
            var w = JSONPrettyFields(out, level: 2)
            w.begin()
            writeEntry(e, into: &w)
            w.end()
        }

        /// `append(_:index:into:)` onto an array of bytes.
        public static func append(_ e: BatchReport.Entry, index: Int, into out: inout [UInt8]) {
            let buffer = JSONBuffer(capacity: 64 << 10)
            append(e, index: index, into: buffer)
            buffer.copy(to: &out)
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
            w.object("headers") { o in for h in c.summary { o.field(named: h.name, h.value) } }
            w.objects("hops", c.hops) { w, h in writeHop(h, c.authentication.hop(h.index), analysed: true, into: &w) }
            c.topology.writeFields(into: &w)
            w.object("authentication") { writeAuthentication(c.authentication, into: &$0) }
            w.objects("findings", c.findings) { writeFinding($1, into: &$0) }
            w.objects("other_software", c.otherSoftware) { writeSoftware($1, into: &$0) }
        }
        w.objects("findings", report.findings) { writeFinding($1, into: &$0) }
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
        let r = h.hop.received  // the stored header read in place (the `received` accessor returns a copy)
        // What the nested objects' closures read, taken out first: a closure that named `h`
        // would take a copy of the whole hop report.
        let (fromScope, byScope, fromGeo, byGeo) = (h.fromScope, h.byScope, h.fromGeo, h.byGeo)
        w.field("index", h.index)
        if let f = r.from {
            w.object("from") { o in
                o.field("name", f.helo)
                o.field("rdns", f.rdns)
                o.field("ip", f.ip?.description)
                o.field("port", f.port)
                o.field("scope", fromScope?.rawValue)
                o.field("ident", f.ident)
                o.field("zone", f.zone)
                o.field("authenticated", f.authenticated)
                o.field("may_be_forged", f.mayBeForged)
                if f.redacted { o.field("redacted", true) }
                if analysed { o.object("geo", fromGeo) { writeGeo($1, into: &$0) } }
            }
        } else {
            w.field("from", value: .null)
        }
        if let b = r.by {
            w.object("by") { o in
                o.field("name", b.name)
                o.field("ip", b.ip?.description)
                if b.redacted { o.field("redacted", true) }
                o.field("scope", byScope?.rawValue)
                if analysed { o.object("geo", byGeo) { writeGeo($1, into: &$0) } }
            }
        } else {
            w.field("by", value: .null)
        }
        w.field("protocol", r.with?.keyword)
        w.field("id", r.id)
        w.field("for", r.recipients.first)
        w.field("time", iso8601: r.timestamp?.utcSeconds)
        w.field("delay_seconds", h.hop.delaySeconds)
        if analysed {
            w.objects("software", h.software) { writeSoftware($1, into: &$0) }
            w.object("spf", auth?.spf) { writeHopSPF($1, into: &$0) }
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
            w.objects("verdicts", auth?.verdicts ?? []) { writeVerdict($1, into: &$0) }
            w.field("attribution_notes", strings: (auth?.attributionNotes ?? []).map(FindingsText.text))
            // Optional: written only when a filter's verdict header is tied to this hop.
            if let list = auth?.vendorVerdicts, !list.isEmpty {
                w.objects("vendor_verdicts", list) { writeVendorVerdict($1, into: &$0) }
            }
        }
    }

    /// `hoptrace hops --jsonl`: one compact JSON object for one message (a JSON Lines record),
    /// appended to `out` with its newline, written field by field with no value tree. `label`
    /// is the message's place (mbox position or file name).
    public static func appendHopsLine(label: String, _ result: Result<HopsReport, IntakeError>, to out: JSONBuffer) {
        var w = JSONByteFields(out)
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
                o.objects("findings", c.findings) { writeFinding($1, into: &$0) }
            }
            w.objects("findings", report.findings) { writeFinding($1, into: &$0) }
        case .failure(let error):
            w.field("error", error.description)
        }
        w.end()
        w.out.append(0x0A)
    }

    /// `appendHopsLine(label:_:to:)` onto an array of bytes.
    public static func appendHopsLine(label: String, _ result: Result<HopsReport, IntakeError>, to out: inout [UInt8]) {
        let buffer = JSONBuffer(capacity: 16 << 10)
        appendHopsLine(label: label, result, to: buffer)
        buffer.copy(to: &out)
    }

    /// One decoded vendor verdict header (`vendor_verdicts` of a hop).
    static func writeVendorVerdict<W: JSONFieldWriter>(_ v: HopVendorVerdict, into w: inout W) {
        w.field("vendor", v.decoded.vendor.rawValue)
        w.field("header", v.decoded.header)
        w.field("header_index", v.decoded.headerIndex)
        w.field("verdict", VendorVerdictText.verdictWord(v.decoded.verdict))
        w.objects("fields", v.decoded.fields) { o, f in
            o.field("key", f.key)
            o.field("value", f.value)
            o.field("meaning", VendorVerdictText.meaning(f))
            o.field("source", f.source?.url)
        }
        w.field("summary", VendorVerdictText.summary(v.decoded))
        w.field("evidence", VendorVerdictText.evidence(v))
        if let c = v.checkedHop {
            w.field("checked_hop", c)
            w.field("checked_ip", v.checkedIP?.description)
        }
    }

    static func writeVerdict<W: JSONFieldWriter>(_ v: RecordedVerdict, into w: inout W) {
        w.field("method", v.methodName)
        w.field("result", v.word)
        w.field("inferred", v.inferred)
        w.field("domain", v.domain)
        w.field("client_ip", v.clientIP?.description)
        w.field("receiver", v.receiver)
        w.field("reason", v.reason)
        w.field("header", v.header)
        w.field("header_index", v.headerIndex)
    }

    /// The contract's hop `spf` object: `client_ip`, `domain`, `result` (replayed), `recorded`,
    /// `recorded_by`, plus `sender`, `helo`, `helo_result`, `recorded_helo`, `recorded_client_ip`,
    /// `recorded_header`, `skipped`.
    public static func hopSPF(_ spf: HopSPF) -> JSONValue {
        var list = JSONFieldList()
        writeHopSPF(spf, into: &list)
        return list.value
    }

    static func writeHopSPF<W: JSONFieldWriter>(_ spf: HopSPF, into w: inout W) {
        w.field("client_ip", spf.clientIP.description)
        w.field("domain", spf.domain)
        w.field("result", spf.replayed?.rawValue)
        w.field("recorded", spf.recorded?.rawValue)
        w.field("recorded_by", spf.recordedBy)
        w.field("sender", spf.sender?.address)
        w.field("helo", spf.helo)
        w.field("helo_result", spf.heloReplayed?.rawValue)
        if let h = spf.recordedHelo { w.field("recorded_helo", h.rawValue) }
        if let ip = spf.recordedClientIP, ip != spf.clientIP { w.field("recorded_client_ip", ip.description) }
        if let h = spf.recordedHeader { w.field("recorded_header", h) }
        if spf.recordedInferred { w.field("recorded_inferred", true) }
        if let s = spf.skipped { w.field("skipped", FindingsText.text(s)) }
    }

    static func writeAuthentication<W: JSONFieldWriter>(_ a: ChainAuthentication, into w: inout W) {
        w.objects("dkim", a.dkim) { o, d in
            o.field("domain", d.domain)
            o.field("selector", d.selector)
            o.field("result", d.result.rawValue)
            o.field("failure", d.failure?.description)
        }
        w.objects("recorded_dkim", a.recordedDKIM) { o, r in
            o.field("hop", r.hop)
            o.object("verdict") { writeVerdict(r.verdict, into: &$0) }
        }
        w.object("arc", a.arc) { o, arc in
            o.field("result", arc.result.rawValue)
            o.field("instances", arc.instanceCount)
            o.field("broken_at", arc.brokenAt)
            o.field("failure", arc.failure?.description)
            o.objects("ledger", a.arcLedger) { o, e in
                o.field("instance", e.instance)
                o.field("hop", e.hop)
                o.field("seal_domain", e.sealDomain)
                o.field("authserv_id", e.authservID)
                o.objects("verdicts", e.verdicts) { writeVerdict($1, into: &$0) }
            }
        }
        w.objects("dmarc", a.dmarcChecks) { o, c in
            o.field("hop", c.hop)
            o.field("basis", FindingsText.text(c.basis))
            o.field("result", c.evaluation.result.rawValue)
            o.field("from_domain", c.evaluation.fromDomain)
            o.field("policy", c.evaluation.policy?.rawValue)
            o.field("spf_aligned", c.evaluation.spfAligned)
            o.field("dkim_aligned", c.evaluation.dkimAligned)
            o.field("recorded", c.recorded?.word)
            o.field("recorded_action", c.recordedAction)
            o.field("explanation", c.evaluation.explanation)
        }
        w.objects("unattributed_verdicts", a.unattributed) { writeVerdict($1, into: &$0) }
        w.field("notes", strings: a.notes.map(FindingsText.text))
    }

    static func writeSoftware<W: JSONFieldWriter>(_ s: SoftwareIdentification, into w: inout W) {
        w.field("product", s.product)
        w.field("version", s.version)
        w.field("release", s.release)
        w.field("exact", s.exact)
        w.field("note", s.note)
        w.field("role", s.role)
        w.object("evidence") { o in
            o.field("header", s.evidence.header)
            o.field("header_index", s.evidence.headerIndex)
            o.field("text", s.evidence.text)
        }
    }

    static func writeGeo<W: JSONFieldWriter>(_ g: GeoRecord, into w: inout W) {
        w.field("country", g.country)
        w.field("city", g.city)
        w.field("asn", g.asn)
        w.field("org", g.org)
    }

    static func writeFinding<W: JSONFieldWriter>(_ f: Finding, into w: inout W) {
        w.field("kind", f.kind.rawValue)
        w.field("severity", f.severity.rawValue)
        w.field("hops", ints: f.hops)
        w.field("summary", f.summary)
    }
}
