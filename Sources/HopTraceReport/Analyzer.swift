import HopTraceAuth
import HopTraceCore
import HopTraceDNS
import HopTraceFingerprint
import HopTraceGeo
import HopTraceMessage
import HopTraceNetwork
import HopTraceReceived
import HopTraceTopology

/// What an analysis may use beyond the message itself. Everything is injected: the tests run
/// with databases and DNS snapshots they make, the command line with what the user named.
public struct AnalysisOptions: Sendable {
    /// Where countries and ASNs come from (`GeoLookup.none` when there is nothing to ask).
    public var geo: any GeoProvider
    /// Notes about where the databases came from, for the report.
    public var geoNotes: [String]
    /// Where SPF, DKIM and DMARC replays get their DNS answers; nil = offline (recorded verdicts
    /// only, and the report says which replays were skipped).
    public var resolver: (any DNSResolver)?
    /// Where the answers come from, in words ("snapshot x.zone", "live via …, 2026-11-29").
    public var dnsSource: String
    /// The analysis's own time (UTC seconds): today, or fixed for reproducible output.
    public var now: Int64

    public init(geo: any GeoProvider = GeoLookup.none, geoNotes: [String] = [], resolver: (any DNSResolver)? = nil,
                dnsSource: String = "none (offline)", now: Int64 = 0) {
        self.geo = geo
        self.geoNotes = geoNotes
        self.resolver = resolver
        self.dnsSource = dnsSource
        self.now = now
    }
}

/// The pipeline: message → chains → hops → address scopes, software and geography → topology
/// → findings. Each stage reads the previous stages' values only.
public enum Analyzer {
    /// Analyses one message. Throws only when the input cannot be read as mail at all.
    public static func analyze(_ bytes: [UInt8], options: AnalysisOptions = AnalysisOptions()) async throws(IntakeError) -> Report {
        let intake = try MessageIntake.read(bytes)
        var chains: [ChainReport] = []
        for input in intake.chains {
            // DKIM needs the body: the outer message's, or an embedded original's when it came
            // whole (message/rfc822, message/global, an attached .eml); header-only forms
            // (text/rfc822-headers, pasted headers) have none.
            let body = input.source == .message
                ? DKIMMessage.split(bytes)?.body
                : embeddedBody(intake.mime, path: input.part)
            chains.append(await analyzeChain(input, body: body, options: options))
        }
        return Report(reportKind: intake.reportKind, chains: chains, findings: intake.findings, notes: options.geoNotes)
    }

    /// Analyses every message of an mbox mailbox; a message that cannot be read is recorded as
    /// such and the others go on.
    public static func analyzeMailbox(_ bytes: [UInt8], options: AnalysisOptions = AnalysisOptions()) async -> BatchReport {
        var entries: [BatchReport.Entry] = []
        await analyzeMailbox(bytes, options: options) { entries.append($0) }
        return BatchReport(entries: entries)
    }

    /// The same, handing each message's entry to `each` as soon as it is analysed (the command
    /// line writes it out and lets it go: memory stays one report, not the mailbox's).
    public static func analyzeMailbox(_ bytes: [UInt8], options: AnalysisOptions = AnalysisOptions(),
                                      each: (BatchReport.Entry) throws -> Void) async rethrows {
        for (i, slice) in Mailbox.split(mbox: bytes).enumerated() {
            let result: Result<Report, IntakeError>
            do {
                result = .success(try await analyze(Array(slice), options: options))
            } catch {
                result = .failure(error)
            }
            try each(.init(label: String(i + 1), result: result))
        }
    }

    /// The body of the embedded message at MIME part `path`, decoded from its transfer encoding
    /// when the container was encoded. Iterative, bounded by the parts the intake read.
    static func embeddedBody(_ root: MIMEPart?, path: String) -> [UInt8]? {
        guard let root, !path.isEmpty else { return nil }
        var stack = [root]
        while let part = stack.popLast() {
            if part.isMessage && part.path == path && part.depth > 0 {
                return Array(part.rawBody)
            }
            stack.append(contentsOf: part.children)
        }
        return nil
    }

    /// The light pipeline for `map`: each chain's topology and hop times, no software,
    /// geography or authentication.
    public static func topologies(_ bytes: [UInt8]) throws(IntakeError) -> [(Topology, [Int: Int64])] {
        try MessageIntake.read(bytes).chains.map { input in
            let hops = hopChain(input).hops
            var times: [Int: Int64] = [:]
            for hop in hops { times[hop.index] = hop.received.timestamp?.utcSeconds }
            return (Topology.build(hops: hops), times)
        }
    }

    /// The parse stage alone, for `hoptrace hops`: each chain's hops with their address scopes
    /// and the chain's own findings (unparsed headers, clock skew, gaps). No software,
    /// geography, topology or authentication: those stages do not run.
    public static func hops(_ bytes: ArraySlice<UInt8>) throws(IntakeError) -> HopsReport {
        let intake = try MessageIntake.read(bytes)
        let chains = intake.chains.map { input in
            let chain = hopChain(input)
            let hops = chain.hops.map { hop in
                HopReport(hop: hop, fromScope: hop.received.from?.ip.map(AddressClassifier.scope(of:)),
                          byScope: hop.received.by?.ip.map(AddressClassifier.scope(of:)),
                          software: [], fromGeo: nil, byGeo: nil)
            }
            return HopsReport.Chain(source: input.source, part: input.part, container: input.container,
                                    hops: hops, findings: chain.findings)
        }
        return HopsReport(reportKind: intake.reportKind, chains: chains, findings: intake.findings)
    }

    /// A chain's Received headers (top first, as written) built into hops, oldest first.
    static func hopChain(_ input: ChainInput) -> HopChain {
        ChainBuilder.build(input.headers.fields(named: "Received").map { (value: $0.value, location: Optional($0.location)) })
    }

    static let summaryHeaders = ["Subject", "From", "To", "Date", "Message-ID"]

    static func analyzeChain(_ input: ChainInput, body: [UInt8]?, options: AnalysisOptions) async -> ChainReport {
        let chain = hopChain(input)
        let (software, otherSoftware) = attributeSoftware(input.headers, hops: chain.hops)
        var findings = chain.findings
        let hops = chain.hops.enumerated().map { i, hop -> HopReport in
            let fromScope = hop.received.from?.ip.map(AddressClassifier.scope(of:))
            let byScope = hop.received.by?.ip.map(AddressClassifier.scope(of:))
            return HopReport(hop: hop, fromScope: fromScope, byScope: byScope, software: software[i],
                             fromGeo: geo(hop.received.from?.ip, fromScope, options.geo),
                             byGeo: geo(hop.received.by?.ip, byScope, options.geo))
        }
        for hop in hops {
            guard let t = hop.received.timestamp?.utcSeconds else { continue }
            findings += SoftwareFingerprinter.supportFindings(for: hop.software, hopIndex: hop.index, at: t)
        }
        var topology = Topology.build(hops: chain.hops, organisationHint: { ip in
            guard let record = options.geo.lookup(ip, scope: AddressClassifier.scope(of: ip)), let asn = record.asn else { return nil }
            return (asn: asn, org: record.org ?? "AS\(asn)")
        })
        // The diagram shows each host's software: a hop's software ran on its receiver.
        for hop in hops {
            guard let edge = topology.edges.first(where: { $0.hop == hop.index }) else { continue }
            for id in hop.software {
                // Most evidence is about the receiver; some (a sender's reverse name) about the client.
                let hostID = id.side == .from ? edge.from : edge.to
                guard let k = topology.hosts.firstIndex(where: { $0.id == hostID }),
                      !topology.hosts[k].software.contains(id.shortName) else { continue }
                topology.hosts[k].software.append(id.shortName)
            }
        }
        findings += topology.findings
        let times = chain.hops.compactMap { $0.received.timestamp?.utcSeconds }
        let authentication = await AuthForensics.analyze(ForensicsInput(
            chain: input, hops: chain.hops, topology: topology, body: body, resolver: options.resolver,
            dnsSource: options.dnsSource, messageTime: times.max(), now: options.now))
        findings += authentication.findings
        // The diagram marks where authentication broke; drawing code stays as it is.
        topology.annotations += authentication.annotations
        let summary: [(name: String, value: String)] = summaryHeaders.compactMap { name in
            input.headers.first(name).map { (name: name, value: EncodedWords.decode($0.value)) }
        }
        return ChainReport(source: input.source, part: input.part, container: input.container,
                           summary: summary, hops: hops, findings: findings, topology: topology,
                           otherSoftware: otherSoftware, authentication: authentication)
    }

    static func geo(_ ip: IPAddress?, _ scope: AddressScope?, _ lookup: any GeoProvider) -> GeoRecord? {
        guard let ip, let scope, lookup.isEnabled else { return nil }
        return lookup.lookup(ip, scope: scope)
    }

    /// Ties software to hops: what a Received line names belongs to its receiver; software named
    /// by other headers belongs to the receiver that added them, which is the first Received
    /// below them (receivers prepend their fields with their Received). Fields below every
    /// Received (hMailServer appends its `X-hMailServer-*` at the end) are tied by elimination:
    /// to the one receiver whose software nothing else names. Returns software per hop (in hop
    /// order) and what could not be tied to a hop (the author's mail client, or ambiguous).
    static func attributeSoftware(_ headers: HeaderBlock, hops: [Hop]) -> ([[SoftwareIdentification]], [SoftwareIdentification]) {
        var perHop = hops.map { SoftwareFingerprinter.identify($0.received, headerIndex: $0.location?.headerIndex) }
        var other: [SoftwareIdentification] = []
        let fields = headers.fields.filter { !$0.is("Received") }.map { (name: $0.name, value: $0.value, index: $0.location.headerIndex) }
        let receivedIndexes = hops.map { $0.location?.headerIndex ?? -1 }
        var unplaced: [SoftwareIdentification] = []
        for id in SoftwareFingerprinter.identify(headers: fields) {
            guard id.side != .client, let at = id.evidence.headerIndex else { other.append(id); continue }
            // hMailServer appends its `X-hMailServer-*` fields at the end of the header (its
            // source, and the article's Raynet excerpt): their position says nothing.
            let appends = id.product == "hMailServer"
            if !appends, let i = SoftwareFingerprinter.attributeToHop(headerIndex: at, receivedIndexes: receivedIndexes) {
                if !perHop[i].contains(where: { $0.product == id.product }) { perHop[i].append(id) }
            } else {
                unplaced.append(id)
            }
        }
        for var id in unplaced {
            if perHop.contains(where: { $0.contains { $0.product == id.product } }) { continue }
            let candidates = hops.indices.filter { hops[$0].received.by?.name != nil && perHop[$0].isEmpty }
            if candidates.count == 1 {
                let i = candidates[0]
                let note = "tied to hop \(hops[i].index) by elimination: its headers' position says nothing, and hop \(hops[i].index)'s receiver is the only one whose software nothing else names"
                id.note = id.note.map { $0 + "; " + note } ?? note
                perHop[i].append(id)
            } else {
                other.append(id)
            }
        }
        return (perHop, other)
    }
}

extension SoftwareIdentification {
    /// For the diagram: the release when known (`Exchange Server 2010 SP3 Update Rollup 5`),
    /// else product and version (`Exim 4.82`).
    public var shortName: String {
        if let release { return release }
        if let version, !product.contains(version) { return product + " " + version }
        return product
    }

    /// `Exim 4.82`, `Microsoft Exchange Server 2010 (Exchange Server 2010 SP3 Update Rollup 5)`.
    public var displayName: String {
        var s = product
        if let version, !product.contains(version) { s += " " + version }
        if let release { s += " (" + release + ")" }
        return s
    }
}
