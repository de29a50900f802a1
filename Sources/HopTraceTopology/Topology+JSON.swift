import HopTraceCore

/// JSON for the report's contract (`hosts` with names and addresses with scope,
/// organisation, zone, hops and software; `organisations`; `boundaries`). Field order is fixed.
extension Host {
    @inlinable func writeFields<W: JSONFieldWriter>(into w: inout W) {
        w.field("id", id)
        w.field("names", strings: names)
        w.objects("addresses", addresses) { $1.writeFields(into: &$0) }
        w.field("organisation", organisation)
        w.field("zone", zone.rawValue)
        w.field("hops", ints: hops)
        w.field("software", strings: software)
    }
}

extension HostAddress {
    /// `ip` and `scope`, as a host of a report and a node of a relay map list their addresses.
    @inlinable func writeFields<W: JSONFieldWriter>(into w: inout W) {
        w.field("ip", ip.description)
        w.field("scope", scope.rawValue)
    }
}

extension Organisation {
    @inlinable func writeFields<W: JSONFieldWriter>(into w: inout W) {
        w.field("id", id)
        w.field("name", name)
        w.field("domains", strings: domains)
        w.field("asns", ints: asns)
        w.field("hosts", ints: hosts)
        w.field("basis", basis.rawValue)
    }
}

extension Topology {
    /// `hosts`, `organisations` and `boundaries`, as fields of a chain's JSON object.
    @inlinable public func writeFields<W: JSONFieldWriter>(into w: inout W) {
        w.objects("hosts", hosts) { $1.writeFields(into: &$0) }
        w.objects("organisations", organisations) { $1.writeFields(into: &$0) }
        w.field("boundaries", ints: boundaries)
    }
}
