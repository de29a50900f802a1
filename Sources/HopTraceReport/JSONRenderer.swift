import HopTraceAuth
import HopTraceCore
import HopTraceFingerprint
import HopTraceGeo
import HopTraceMessage
import HopTraceReceived
import HopTraceTopology

/// The JSON contract of DESIGN.md ("Contract: command line and JSON"). Field order follows the
/// contract; fields beyond it are additions, never renames.
public enum JSONRenderer {
    public static func render(_ report: Report) -> String {
        document(report).serialized()
    }

    public static func render(_ batch: BatchReport) -> String {
        JSONValue.object([
            ("version", .int(Report.version)),
            ("messages", .array(batch.entries.map { entry in
                switch entry.result {
                case let .success(report):
                    return .object([("message", .string(entry.label))] + body(report))
                case let .failure(error):
                    return .object([("message", .string(entry.label)), ("error", .string(error.description))])
                }
            })),
        ]).serialized()
    }

    public static func document(_ report: Report) -> JSONValue {
        .object([("version", .int(Report.version))] + body(report))
    }

    static func body(_ report: Report) -> [(String, JSONValue)] {
        [
            ("report_kind", .string(report.reportKind)),
            ("chains", .array(report.chains.map(chain))),
            ("findings", .array(report.findings.map(finding))),
            ("notes", .array(report.notes.map { .string($0) })),
        ]
    }

    static func chain(_ c: ChainReport) -> JSONValue {
        .object([
            ("source", .string(c.source.rawValue)),
            ("part", .string(c.part)),
            ("container", .string(c.container)),
            ("headers", .object(c.summary.map { ($0.name, .string($0.value)) })),
            ("hops", .array(c.hops.map { hop($0, c.authentication.hop($0.index)) })),
        ] + c.topology.jsonFields + [
            ("authentication", authentication(c.authentication)),
            ("findings", .array(c.findings.map(finding))),
            ("other_software", .array(c.otherSoftware.map(software))),
        ])
    }

    static func hop(_ h: HopReport, _ auth: HopAuthentication?) -> JSONValue {
        hop(h, auth, analysed: true)
    }

    /// One hop. `analysed: false` is `hoptrace hops`, where only the parse stage ran: the keys
    /// of the later stages (`geo`, `software`, `spf`, `verdicts`, `attribution_notes`) are left
    /// out rather than written empty, so no reader mistakes "not looked at" for "none found".
    static func hop(_ h: HopReport, _ auth: HopAuthentication?, analysed: Bool) -> JSONValue {
        let r = h.received
        let from: JSONValue = r.from.map { f in
            var fields: [(String, JSONValue)] = [
                ("name", .string(f.helo)),
                ("rdns", .string(f.rdns)),
                ("ip", .string(f.ip?.description)),
                ("port", .int(f.port)),
                ("scope", .string(h.fromScope?.rawValue)),
                ("ident", .string(f.ident)),
                ("zone", .string(f.zone)),
                ("authenticated", .string(f.authenticated)),
                ("may_be_forged", .bool(f.mayBeForged)),
            ]
            if analysed { fields.append(("geo", geo(h.fromGeo))) }
            return .object(fields)
        } ?? .null
        let by: JSONValue = r.by.map { b in
            var fields: [(String, JSONValue)] = [
                ("name", .string(b.name)),
                ("ip", .string(b.ip?.description)),
                ("scope", .string(h.byScope?.rawValue)),
            ]
            if analysed { fields.append(("geo", geo(h.byGeo))) }
            return .object(fields)
        } ?? .null
        let tls: JSONValue = r.tls.map { t in
            .object([("version", .string(t.version)), ("cipher", .string(t.cipher)), ("bits", .string(t.bits))])
        } ?? .null
        var fields: [(String, JSONValue)] = [
            ("index", .int(h.index)),
            ("from", from),
            ("by", by),
            ("protocol", .string(r.with?.keyword)),
            ("id", .string(r.id)),
            ("for", .string(r.recipients.first)),
            ("time", .string(r.timestamp?.iso8601)),
            ("delay_seconds", .int(h.hop.delaySeconds)),
        ]
        if analysed {
            fields.append(("software", .array(h.software.map(software))))
            fields.append(("spf", auth?.spf.map(AuthForensics.hopSPFJSON) ?? .null))
        }
        fields += [
            ("raw", .string(r.raw)),
            ("header_index", .int(h.hop.location?.headerIndex)),
            ("recipients", .array(r.recipients.map { .string($0) })),
            ("authenticated", .bool(r.with?.authenticated ?? false)),
            ("tls", tls),
            ("via", .string(r.via)),
            ("envelope_from", .string(r.envelopeFrom)),
            ("server_build", .string(r.serverBuild)),
            ("software_named", .array(r.software.map { .string($0) })),
            ("comment", .string(r.commentOnly)),
            ("unparsed", .array(r.unparsed.map { .string($0) })),
        ]
        if analysed {
            fields.append(("verdicts", .array((auth?.verdicts ?? []).map(verdict))))
            fields.append(("attribution_notes", .array((auth?.attributionNotes ?? []).map { .string($0) })))
        }
        return .object(fields)
    }

    /// `hoptrace hops --json`: one compact JSON object for one message (a JSON Lines record),
    /// appended to `out` with its newline. `label` is the message's place (mbox position or
    /// file name).
    public static func appendHopsLine(label: String, _ result: Result<HopsReport, IntakeError>, to out: inout [UInt8]) {
        let value: JSONValue
        switch result {
        case let .success(report):
            value = .object([
                ("version", .int(Report.version)),
                ("message", .string(label)),
                ("report_kind", .string(report.reportKind)),
                ("chains", .array(report.chains.map { c in
                    .object([
                        ("source", .string(c.source.rawValue)),
                        ("part", .string(c.part)),
                        ("container", .string(c.container)),
                        ("hops", .array(c.hops.map { hop($0, nil, analysed: false) })),
                        ("findings", .array(c.findings.map(finding))),
                    ])
                })),
                ("findings", .array(report.findings.map(finding))),
            ])
        case let .failure(error):
            value = .object([("version", .int(Report.version)), ("message", .string(label)), ("error", .string(error.description))])
        }
        value.append(to: &out)
        out.append(0x0A)
    }

    static func verdict(_ v: RecordedVerdict) -> JSONValue {
        .object([
            ("method", .string(v.methodName)),
            ("result", .string(v.result)),
            ("inferred", .bool(v.inferred)),
            ("domain", .string(v.domain)),
            ("client_ip", .string(v.clientIP?.description)),
            ("receiver", .string(v.receiver)),
            ("reason", .string(v.reason)),
            ("header", .string(v.header)),
            ("header_index", .int(v.headerIndex)),
        ])
    }

    static func authentication(_ a: ChainAuthentication) -> JSONValue {
        .object([
            ("dkim", .array(a.dkim.map { d in
                .object([
                    ("domain", .string(d.domain)),
                    ("selector", .string(d.selector)),
                    ("result", .string(d.result.rawValue)),
                    ("failure", .string(d.failure?.description)),
                ])
            })),
            ("recorded_dkim", .array(a.recordedDKIM.map { r in
                .object([("hop", .int(r.hop)), ("verdict", verdict(r.verdict))])
            })),
            ("arc", a.arc.map { arc in
                .object([
                    ("result", .string(arc.result.rawValue)),
                    ("instances", .int(arc.instanceCount)),
                    ("broken_at", .int(arc.brokenAt)),
                    ("failure", .string(arc.failure?.description)),
                    ("ledger", .array(a.arcLedger.map { e in
                        .object([
                            ("instance", .int(e.instance)),
                            ("hop", .int(e.hop)),
                            ("seal_domain", .string(e.sealDomain)),
                            ("authserv_id", .string(e.authservID)),
                            ("verdicts", .array(e.verdicts.map(verdict))),
                        ])
                    })),
                ])
            } ?? .null),
            ("dmarc", .array(a.dmarcChecks.map { c in
                .object([
                    ("hop", .int(c.hop)),
                    ("basis", .string(c.basis)),
                    ("result", .string(c.evaluation.result.rawValue)),
                    ("from_domain", .string(c.evaluation.fromDomain)),
                    ("policy", .string(c.evaluation.policy?.rawValue)),
                    ("spf_aligned", .bool(c.evaluation.spfAligned)),
                    ("dkim_aligned", .bool(c.evaluation.dkimAligned)),
                    ("recorded", .string(c.recorded)),
                    ("recorded_action", .string(c.recordedAction)),
                    ("explanation", .string(c.evaluation.explanation)),
                ])
            })),
            ("unattributed_verdicts", .array(a.unattributed.map(verdict))),
            ("notes", .array(a.notes.map { .string($0) })),
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
            ("evidence", .object([
                ("header", .string(s.evidence.header)),
                ("header_index", .int(s.evidence.headerIndex)),
                ("text", .string(s.evidence.text)),
            ])),
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
