// SPF: the input's first line is a record, parsed on its own; its second line a query
// `IP DOMAIN SENDER HELO` (as in `spf --batch`); the rest a zone file the query is evaluated
// against (check_host with its trace, then its text and JSON, which must hold no raw control
// characters).
import FuzzSupport
import HopTraceAuth
import HopTraceCore
import HopTraceDNS

FuzzDriver.run { data, size in
    let bytes = FuzzDriver.bytes(data, size)
    let lines = bytes.split(separator: 0x0A, maxSplits: 2, omittingEmptySubsequences: false)
    let record = lines.first.map { Array($0) } ?? []
    _ = SPFParser.isSPFRecord(record)
    _ = try? SPFParser.record(record)
    guard lines.count == 3 else { return 0 }
    let query = String(decoding: lines[1], as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\t" })
    guard query.count >= 2, let ip = IPAddress(query[0]),
        let zone = try? ZoneFile(parsing: Array(lines[2]))
    else { return 0 }
    let domain = String(query[1])
    let sender = query.count > 2 ? (query[2] == "-" ? "" : String(query[2])) : "postmaster@\(domain)"
    let helo = query.count > 3 ? String(query[3]) : domain
    let rendered = FuzzDriver.wait {
        let evaluation = await SPFEvaluator(resolver: SnapshotResolver(zone: zone))
            .checkMailFrom(ip: ip, mailFrom: sender, helo: helo)
        return (evaluation.renderText(), evaluation.jsonValue.serialized())
    }
    FuzzCheck.noControlCharacters(rendered.0, in: "the SPF trace text")
    FuzzCheck.noControlCharacters(rendered.1, in: "the SPF JSON")
    return 0
}
