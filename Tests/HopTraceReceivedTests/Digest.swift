import HopTraceReceived

/// Renders every field the dialect tests assert on, in a fixed order, one `key=value` per
/// present field: a field left out of an expectation must be nil (or empty) in the parse.
func digest(_ h: ReceivedHeader) -> String {
    var p: [String] = []
    if let f = h.from {
        p.append("from")
        if let v = f.helo { p.append("helo=\(v)") }
        if let v = f.rdns { p.append("rdns=\(v)") }
        if let v = f.ip { p.append("ip=\(v)") }
        if let v = f.zone { p.append("zone=\(v)") }
        if let v = f.port { p.append("port=\(v)") }
        if let v = f.ident { p.append("ident=\(v)") }
        if let v = f.authenticated { p.append("auth=\(v)") }
        if f.mayBeForged { p.append("forged") }
    }
    if let b = h.by {
        p.append("by")
        if let v = b.name { p.append("name=\(v)") }
        if let v = b.ip { p.append("byip=\(v)") }
        if let v = b.zone { p.append("byzone=\(v)") }
    }
    if let v = h.via { p.append("via=\(v)") }
    if let w = h.with {
        p.append("with=\(w.keyword)\(w.authenticated ? "+A" : "")\(w.tls ? "+S" : "")")
    }
    if let v = h.id { p.append("id=\(v)") }
    if !h.recipients.isEmpty { p.append("for=\(h.recipients.joined(separator: ","))") }
    if let v = h.envelopeFrom { p.append("env=\(v)") }
    if let t = h.tls { p.append("tls=\(t.version ?? "")/\(t.cipher ?? "")/\(t.bits ?? "")") }
    if let v = h.serverBuild { p.append("build=\(v)") }
    if !h.software.isEmpty { p.append("sw=\(h.software.joined(separator: "|"))") }
    if let v = h.commentOnly { p.append("only=\(v)") }
    if let t = h.timestamp { p.append("time=\(t.iso8601)") }
    return p.joined(separator: " ")
}
