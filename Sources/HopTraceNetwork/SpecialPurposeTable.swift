import HopTraceCore

/// The IANA special-purpose address registries as hoptrace uses them: each prefix with the
/// contract scope it implies. The rows come from `data/special-purpose-addresses.tsv`
/// (generated into `SpecialPurposeTable+Generated.swift` by `scripts/generate-data`).
public enum SpecialPurposeTable {
    public struct Row: Sendable, Hashable {
        /// Prefix text as in the data file.
        public let prefix: String
        /// A contract scope's raw value, or "embedded" (judge the IPv4 address inside).
        public let scope: String
        public let name: String
        public let rfc: String
    }

    public struct Entry: Sendable {
        public let network: IPNetwork
        /// nil means "embedded": classify the IPv4 address carried in the IPv6 one.
        public let scope: AddressScope?
        public let name: String
        public let rfc: String
    }

    /// Parsed rows, longest prefix first so the first match is the most specific.
    public static let entries: [Entry] = rows.compactMap { row -> Entry? in
        guard let network = IPNetwork(row.prefix) else { return nil }
        let scope = AddressScope(rawValue: row.scope)
        if scope == nil && row.scope != "embedded" { return nil }
        return Entry(network: network, scope: scope, name: row.name, rfc: row.rfc)
    }.sorted { $0.network.prefixLength > $1.network.prefixLength }
}
