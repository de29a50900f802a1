import HopTraceCore

/// JSON for the report's contract (`hosts` with names and addresses with scope;
/// the issue adds organisation, zone and hops). Field order is fixed.
extension Host {
    public var jsonValue: JSONValue {
        .object([
            ("id", .int(id)),
            ("names", .array(names.map { .string($0) })),
            (
                "addresses",
                .array(
                    addresses.map {
                        .object([("ip", .string($0.ip.description)), ("scope", .string($0.scope.rawValue))])
                    })
            ),
            ("organisation", .string(organisation)),
            ("zone", .string(zone.rawValue)),
            ("hops", .array(hops.map { .int($0) })),
            ("software", .array(software.map { .string($0) })),
        ])
    }
}

extension Organisation {
    public var jsonValue: JSONValue {
        .object([
            ("id", .string(id)),
            ("name", .string(name)),
            ("domains", .array(domains.map { .string($0) })),
            ("asns", .array(asns.map { .int($0) })),
            ("hosts", .array(hosts.map { .int($0) })),
            ("basis", .string(basis.rawValue)),
        ])
    }
}

extension Topology {
    /// `hosts`, `organisations` and `boundaries`, for a chain's JSON object.
    public var jsonFields: [(String, JSONValue)] {
        [
            ("hosts", .array(hosts.map(\.jsonValue))),
            ("organisations", .array(organisations.map(\.jsonValue))),
            ("boundaries", .array(boundaries.map { .int($0) })),
        ]
    }
}
