import HopTraceCore
import HopTraceReceived

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
        ]
    }

    static func chain(_ c: ChainReport) -> JSONValue {
        .object([
            ("source", .string(c.source.rawValue)),
            ("part", .string(c.part)),
            ("container", .string(c.container)),
            ("headers", .object(c.summary.map { ($0.name, .string($0.value)) })),
            ("hops", .array(c.hops.map(hop))),
            ("hosts", .array([])),
            ("findings", .array(c.findings.map(finding))),
        ])
    }

    static func hop(_ h: HopReport) -> JSONValue {
        let r = h.received
        let from: JSONValue = r.from.map { f in
            .object([
                ("name", .string(f.helo)),
                ("rdns", .string(f.rdns)),
                ("ip", .string(f.ip?.description)),
                ("port", .int(f.port)),
                ("scope", .string(h.fromScope?.rawValue)),
                ("ident", .string(f.ident)),
                ("zone", .string(f.zone)),
                ("authenticated", .string(f.authenticated)),
                ("may_be_forged", .bool(f.mayBeForged)),
            ])
        } ?? .null
        let by: JSONValue = r.by.map { b in
            .object([
                ("name", .string(b.name)),
                ("ip", .string(b.ip?.description)),
                ("scope", .string(h.byScope?.rawValue)),
            ])
        } ?? .null
        let tls: JSONValue = r.tls.map { t in
            .object([("version", .string(t.version)), ("cipher", .string(t.cipher)), ("bits", .string(t.bits))])
        } ?? .null
        return .object([
            ("index", .int(h.index)),
            ("from", from),
            ("by", by),
            ("protocol", .string(r.with?.keyword)),
            ("id", .string(r.id)),
            ("for", .string(r.recipients.first)),
            ("time", .string(r.timestamp?.iso8601)),
            ("delay_seconds", .int(h.hop.delaySeconds)),
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
