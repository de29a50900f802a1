import HopTraceCore

/// The relay topology of one chain: the hosts the message passed, what joins their names and
/// addresses, the organisations and network zones they sit in, and the path between them.
///
/// Built by `Topology.build(hops:organisationHint:publicSuffixList:software:)` and final from
/// then on; drawn by `DOTEncoder`, which takes the authentication stage's `EdgeAnnotation`s
/// beside it.
public struct Topology: Sendable, Hashable {
    /// Every host, in order of first appearance along the path (`id` 1 is the origin).
    public var hosts: [Host]
    /// Organisations in order of first appearance along the path.
    public var organisations: [Organisation]
    /// One edge per hop, in travel order.
    public var edges: [Edge]
    /// Hop indexes where the receiver sees a sender from another organisation (or one of no
    /// known organisation): where SPF is evaluated.
    public var boundaries: [Int]
    /// Names found to be one host, with how sure that is.
    public var aliases: [HostAlias]
    /// Hosts the path visits more than once.
    public var reentries: [Reentry]
    /// Steps between the internet-facing and the internal side of a network.
    public var transitions: [ZoneTransition]
    /// `nat-interface`, `host-alias` and `path-reenters` findings.
    public var findings: [Finding]

    public init(
        hosts: [Host] = [], organisations: [Organisation] = [], edges: [Edge] = [],
        boundaries: [Int] = [], aliases: [HostAlias] = [], reentries: [Reentry] = [],
        transitions: [ZoneTransition] = [], findings: [Finding] = []
    ) {
        self.hosts = hosts
        self.organisations = organisations
        self.edges = edges
        self.boundaries = boundaries
        self.aliases = aliases
        self.reentries = reentries
        self.transitions = transitions
        self.findings = findings
    }

    /// The host with this id. The builder numbers hosts 1, 2, … in order, so host `id` is
    /// looked at first at position `id - 1`; any other arrangement is searched.
    public func host(_ id: Int) -> Host? {
        if id >= 1 && id <= hosts.count && hosts[id - 1].id == id { return hosts[id - 1] }
        return hosts.first { $0.id == id }
    }
    /// The edge of hop `index`. The builder makes one edge per hop, in the hops' order (a
    /// chain's hops are numbered 1, 2, …), so hop `index`'s is looked at first at position
    /// `index - 1`; any other arrangement is searched.
    public func edge(hop index: Int) -> Edge? {
        if index >= 1 && index <= edges.count && edges[index - 1].hop == index { return edges[index - 1] }
        return edges.first { $0.hop == index }
    }
    /// The scope of an address the chain names, as classified when the topology was built.
    public func scope(of ip: IPAddress) -> AddressScope? {
        for host in hosts { if let a = host.addresses.first(where: { $0.ip == ip }) { return a.scope } }
        return nil
    }
    public func organisation(_ id: String?) -> Organisation? {
        guard let id else { return nil }
        return organisations.first { $0.id == id }
    }
    /// The sending host of the first hop.
    public var origin: Int? { edges.first?.from }
    /// The receiving host of the last hop: where the message was delivered.
    public var finalRecipient: Int? { edges.last?.to }
}

/// Where a host sits.
public enum Zone: String, Sendable, Hashable, Codable {
    /// It has a public address.
    case internetFacing = "internet-facing"
    /// Only private, shared, link-local or loopback addresses were seen.
    case `internal`
    /// No address was seen.
    case unknown
}

/// An address of a host, with its scope.
public struct HostAddress: Sendable, Hashable, Comparable {
    public var ip: IPAddress
    public var scope: AddressScope
    public init(ip: IPAddress, scope: AddressScope) {
        self.ip = ip
        self.scope = scope
    }
    public static func < (a: HostAddress, b: HostAddress) -> Bool { a.ip < b.ip }
}

/// One observation of a host: one side of one hop, as the Received header wrote it.
public struct HostEvidence: Sendable, Hashable {
    public enum Side: String, Sendable, Hashable, Codable {
        /// The `from` clause: written by the receiver about its client.
        case from
        /// The `by` clause: written by the receiver about itself.
        case by
    }
    public var hop: Int
    public var side: Side
    /// Names as written (HELO then reverse DNS on the from-side; the by-name on the by-side),
    /// without those that name nothing.
    public var names: [String]
    public var address: IPAddress?
    public init(hop: Int, side: Side, names: [String], address: IPAddress?) {
        self.hop = hop
        self.side = side
        self.names = names
        self.address = address
    }
}

/// How sure an alias is.
public enum AliasConfidence: String, Sendable, Hashable, Codable {
    /// The names share an address (or were written together for one connection).
    case certain
    /// One organisation's hosts whose first labels match (`VE1EUR02FT011.…`).
    case likely
}

/// Why two observations were taken to be one host.
public struct HostMerge: Sendable, Hashable {
    public enum Reason: Sendable, Hashable {
        /// Both observations carry this name.
        case sharedName(String)
        /// Both carry this address (public, or private inside one organisation's network).
        case sharedAddress(IPAddress)
        /// One connection's HELO and reverse DNS name.
        case sameConnection
        /// The sender was the receiver's own loopback address: the receiver itself (content filters).
        case loopbackSender(IPAddress)
        /// Same specific first label inside one organisation.
        case sharedFirstLabel(String)
        /// An observation with no name and no address, taken to be the neighbouring hop's host
        /// (an empty by-side is the next hop's sender; an empty from-side the previous hop's
        /// receiver): qmail's comment-only lines, Gmail's and SendGrid's from-less hops.
        case chainContinuity
    }
    public var reason: Reason
    /// The hops of the two observations joined.
    public var hops: [Int]
    public var confidence: AliasConfidence {
        switch reason {
        case .sharedFirstLabel, .chainContinuity: return .likely
        default: return .certain
        }
    }
    public init(reason: Reason, hops: [Int]) {
        self.reason = reason
        self.hops = hops
    }
}

/// A relay or endpoint: every observation that names the same machine.
public struct Host: Sendable, Hashable, Identifiable {
    /// 1-based, in order of first appearance along the path.
    public var id: Int
    /// Distinct names (case-insensitively), first spelling kept, in order of first appearance.
    public var names: [String]
    /// Distinct addresses, in order of first appearance.
    public var addresses: [HostAddress]
    /// `Organisation.id`, or nil when nothing tells.
    public var organisation: String?
    public var zone: Zone
    /// Hops it appears in, ascending.
    public var hops: [Int]
    /// Software the host runs (filled by the fingerprint stage).
    public var software: [String]
    /// Every observation, in hop order (from-side before by-side).
    public var evidence: [HostEvidence]
    /// Why the observations are one host.
    public var merges: [HostMerge]

    public init(
        id: Int, names: [String], addresses: [HostAddress], organisation: String?, zone: Zone,
        hops: [Int], software: [String] = [], evidence: [HostEvidence] = [], merges: [HostMerge] = []
    ) {
        self.id = id
        self.names = names
        self.addresses = addresses
        self.organisation = organisation
        self.zone = zone
        self.hops = hops
        self.software = software
        self.evidence = evidence
        self.merges = merges
    }

    /// The first name, or the first address, or "(unnamed)".
    public var displayName: String { names.first ?? addresses.first.map { $0.ip.description } ?? "(unnamed)" }
    public var hasPublicAndPrivateAddresses: Bool {
        addresses.contains { $0.scope == .public } && addresses.contains { $0.scope == .private || $0.scope == .shared }
    }
}

/// Hosts grouped by who operates them.
public struct Organisation: Sendable, Hashable, Identifiable {
    public enum Basis: String, Sendable, Hashable, Codable {
        /// A known operator's domains (`outlook.com`, `office365.com` … → Microsoft).
        case knownOperator = "known-operator"
        /// Registrable domains (Public Suffix List), joined when hosts share them.
        case registrableDomain = "registrable-domain"
        /// Only the ASN database named it.
        case asn
    }
    /// Stable key: the primary domain, the operator's name, or `AS<number>`.
    public var id: String
    /// What to call it: `Microsoft`, `bt.com`, or the ASN's organisation.
    public var name: String
    /// Registrable domains of its hosts' names, primary first.
    public var domains: [String]
    /// ASNs its public addresses belong to, when the database told.
    public var asns: [Int]
    /// Host ids, ascending.
    public var hosts: [Int]
    public var basis: Basis

    public init(id: String, name: String, domains: [String], asns: [Int], hosts: [Int], basis: Basis) {
        self.id = id
        self.name = name
        self.domains = domains
        self.asns = asns
        self.hosts = hosts
        self.basis = basis
    }

    /// `bt.com (also intersmtp.com, systemhost.net)`; `Microsoft`.
    public var displayName: String {
        let others = domains.filter { $0 != name }
        guard basis == .registrableDomain, !others.isEmpty else { return name }
        return "\(name) (also \(others.joined(separator: ", ")))"
    }
}

/// One hop as a step between two hosts.
public struct Edge: Sendable, Hashable {
    public var hop: Int
    public var from: Int
    public var to: Int
    /// The `with` keyword as written (`ESMTPS`, `Microsoft SMTP Server`…).
    public var protocolName: String?
    public var authenticated: Bool
    public var tls: Bool
    /// TLS version when written (`TLSv1.2`).
    public var tlsVersion: String?
    /// Seconds since the previous hop; negative when the clocks disagree.
    public var delaySeconds: Int?
    /// `via` clause (`Frontend Transport`).
    public var via: String?

    public init(
        hop: Int, from: Int, to: Int, protocolName: String? = nil, authenticated: Bool = false,
        tls: Bool = false, tlsVersion: String? = nil, delaySeconds: Int? = nil, via: String? = nil
    ) {
        self.hop = hop
        self.from = from
        self.to = to
        self.protocolName = protocolName
        self.authenticated = authenticated
        self.tls = tls
        self.tlsVersion = tlsVersion
        self.delaySeconds = delaySeconds
        self.via = via
    }
}

/// Software names a hop's evidence shows: its receiver's, and its sending client's (a sender's
/// reverse name can name the client's software). `Topology.build` lists them on the hosts.
public struct HopSoftwareNames: Sendable, Hashable {
    public var hop: Int
    /// Short names (`Exim 4.82`, `Exchange Server 2010 SP3 Update Rollup 5`), in evidence order.
    public var receiver: [String]
    public var sender: [String]

    public init(hop: Int, receiver: [String], sender: [String] = []) {
        self.hop = hop
        self.receiver = receiver
        self.sender = sender
    }
}

/// A mark a later stage puts on a hop: drawn on that hop's edge, in red for `.error`, amber for
/// `.warning`, in the label's normal colour for `.info`.
public struct EdgeAnnotation: Sendable, Hashable {
    public var hop: Int
    public var severity: Severity
    /// A few words (`SPF fail: checked 62.239.224.235 (BT's own relay)`).
    public var label: String
    /// The finding it illustrates, when there is one.
    public var kind: FindingKind?

    public init(hop: Int, severity: Severity, label: String, kind: FindingKind? = nil) {
        self.hop = hop
        self.severity = severity
        self.label = label
        self.kind = kind
    }
}

/// Names of one host.
public struct HostAlias: Sendable, Hashable {
    public var host: Int
    public var names: [String]
    public var confidence: AliasConfidence
    public var evidence: [HostMerge]
    public init(host: Int, names: [String], confidence: AliasConfidence, evidence: [HostMerge]) {
        self.host = host
        self.names = names
        self.confidence = confidence
        self.evidence = evidence
    }
}

/// A host the path comes back to.
public struct Reentry: Sendable, Hashable {
    public var host: Int
    /// The hop that first brought the message to it (0 when it is the origin).
    public var firstHop: Int
    /// The hop that left it the first time.
    public var leftHop: Int
    /// The hop that brought the message back.
    public var returnHop: Int
    public init(host: Int, firstHop: Int, leftHop: Int, returnHop: Int) {
        self.host = host
        self.firstHop = firstHop
        self.leftHop = leftHop
        self.returnHop = returnHop
    }
}

/// A hop that crosses between a network's internet-facing and internal sides.
public struct ZoneTransition: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// A host received on a public address and sent on from a private one: a DMZ relay
        /// handing the message into an internal network.
        case dmzIntoInternal = "dmz-into-internal"
        /// A public sender reached the receiver's private address: NAT, a load balancer, or a
        /// private (B2B) link in front of the receiver.
        case publicToPrivateReceiver = "public-to-private-receiver"
    }
    public var hop: Int
    public var kind: Kind
    public var summary: String
    public init(hop: Int, kind: Kind, summary: String) {
        self.hop = hop
        self.kind = kind
        self.summary = summary
    }
}
