import HopTraceAuth
import HopTraceCore
import HopTraceDNS
import HopTraceFingerprint
import HopTraceForensics
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
    /// Registrable domains, for organisations and DMARC alignment.
    public var publicSuffixList: PublicSuffixList
    /// Parsed SPF records, shared by every message of one run (a pure function of the record
    /// text); nil parses each record afresh.
    public var spfRecordCache: SPFRecordCache?

    public init(
        geo: any GeoProvider = GeoLookup.none, geoNotes: [String] = [], resolver: (any DNSResolver)? = nil,
        dnsSource: String = "none (offline)", now: Int64 = 0, publicSuffixList: PublicSuffixList,
        spfRecordCache: SPFRecordCache? = nil
    ) {
        self.geo = geo
        self.geoNotes = geoNotes
        self.resolver = resolver
        self.dnsSource = dnsSource
        self.now = now
        self.publicSuffixList = publicSuffixList
        self.spfRecordCache = spfRecordCache
    }
}

/// The pipeline: message → chains → hops → address scopes, software and geography → topology
/// → findings. Each stage reads the previous stages' values only.
public enum Analyzer {
    /// Analyses one message. Throws only when the input cannot be read as mail at all.
    public static func analyze(_ bytes: [UInt8], options: AnalysisOptions) async throws(IntakeError) -> Report {
        let intake = try MessageIntake.read(bytes)
        var chains: [ChainReport] = []
        for input in intake.chains {
            chains.append(await analyzeChain(input, options: options))
        }
        return Report(reportKind: intake.reportKind, chains: chains, findings: intake.findings, notes: options.geoNotes)
    }

    /// Analyses every message of an mbox mailbox; a message that cannot be read is recorded as
    /// such and the others go on.
    public static func analyzeMailbox(_ bytes: [UInt8], options: AnalysisOptions) async -> BatchReport {
        var entries: [BatchReport.Entry] = []
        await analyzeMailbox(bytes, options: options) { entries.append($0) }
        return BatchReport(entries: entries)
    }

    /// The same, handing each message's entry to `each` as soon as it is analysed (the command
    /// line writes it out and lets it go: memory stays one report, not the mailbox's).
    public static func analyzeMailbox(
        _ bytes: [UInt8], options: AnalysisOptions,
        each: (BatchReport.Entry) throws -> Void
    ) async rethrows {
        try await analyzeMailbox(MessageSource.mbox(bytes), options: options, each: each)
    }

    /// The same for the messages of a `MessageSource` (an mbox's or a Maildir's), each entry
    /// labelled as its message is; one read when its turn comes (a Maildir file).
    public static func analyzeMailbox(
        _ messages: [SourceMessage], options: AnalysisOptions,
        each: (BatchReport.Entry) throws -> Void
    ) async rethrows {
        for message in messages {
            try each(.init(label: message.label, result: await analyze(message, options: options)))
        }
    }

    /// Analyses one message of a `MessageSource` (read when its turn comes).
    public static func analyze(_ message: SourceMessage, options: AnalysisOptions) async -> Result<Report, IntakeError>
    {
        do {
            return .success(try await analyze(Array(try message.read().get()), options: options))
        } catch {
            return .failure(error)
        }
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
            var chain = hopChain(input)
            // The hops move from the chain into their reports (taken from the back of an array
            // nothing else holds), none copied: a copy retains every string of every header.
            var taken = chain.hops
            chain.hops = []
            let count = taken.count
            let hops = [HopReport](unsafeUninitializedCapacity: count) { buffer, initialized in
                var i = count
                while let hop = taken.popLast() {
                    i -= 1
                    let fromScope = hop.received.from?.ip.map(AddressClassifier.scope(of:))
                    let byScope = hop.received.by?.ip.map(AddressClassifier.scope(of:))
                    (buffer.baseAddress! + i).initialize(
                        to: HopReport(
                            hop: hop, fromScope: fromScope, byScope: byScope, software: [], fromGeo: nil, byGeo: nil))
                }
                initialized = count
            }
            return HopsReport.Chain(
                source: input.source, part: input.part, container: input.container,
                hops: hops, findings: chain.findings)
        }
        return HopsReport(reportKind: intake.reportKind, chains: chains, findings: intake.findings)
    }

    /// A chain's Received headers (top first, as written) built into hops, oldest first.
    static func hopChain(_ input: ChainInput) -> HopChain {
        // One pass over the fields, taking only what the builder reads (no array of fields),
        // into room for all of them (no growing by doubling through a long chain).
        let fields = input.headers.fields
        var received: [(value: String, location: SourceLocation?)] = []
        received.reserveCapacity(fields.count)
        for field in fields where field.is("Received") {
            received.append((value: field.value, location: field.location))
        }
        return ChainBuilder.build(received)
    }

    static let summaryHeaders = ["Subject", "From", "To", "Date", "Message-ID"]

    static func analyzeChain(_ input: ChainInput, options: AnalysisOptions) async -> ChainReport {
        let chain = hopChain(input)
        let psl = options.publicSuffixList
        let (software, otherSoftware) = HopAttribution(hops: chain.hops, publicSuffixList: psl).software(
            headers: input.headers)
        // The diagram shows each host's software: most evidence is about a hop's receiver; some
        // (a sender's reverse name) about its client. The topology classifies every address once.
        let names = chain.hops.indices.map { HopSoftwareNames(hop: chain.hops[$0].index, software: software[$0]) }
        let topology = Topology.build(
            hops: chain.hops,
            organisationHint: { ip, scope in
                guard let record = options.geo.lookup(ip, scope: scope), let asn = record.asn else { return nil }
                return (asn: asn, org: record.org ?? "AS\(asn)")
            }, publicSuffixList: psl, software: names)
        var findings = chain.findings
        let hops = chain.hops.enumerated().map { i, hop -> HopReport in
            let fromScope = hop.received.from?.ip.flatMap(topology.scope(of:))
            let byScope = hop.received.by?.ip.flatMap(topology.scope(of:))
            return HopReport(
                hop: hop, fromScope: fromScope, byScope: byScope, software: software[i],
                fromGeo: geo(hop.received.from?.ip, fromScope, options.geo),
                byGeo: geo(hop.received.by?.ip, byScope, options.geo))
        }
        for hop in hops {
            guard let t = hop.received.timestamp?.utcSeconds else { continue }
            findings += SoftwareFingerprinter.supportFindings(for: hop.software, hopIndex: hop.index, at: t)
        }
        findings += topology.findings
        let times = chain.hops.compactMap { $0.received.timestamp?.utcSeconds }
        let authentication = await AuthForensics.analyze(
            ForensicsInput(
                chain: input, hops: chain.hops, topology: topology, software: software, resolver: options.resolver,
                dnsSource: options.dnsSource, publicSuffixList: psl, spfRecordCache: options.spfRecordCache,
                messageTime: times.max(), now: options.now))
        findings += authentication.findings.map(FindingsText.finding)
        let summary: [(name: String, value: String)] = summaryHeaders.compactMap { name in
            input.headers.first(name).map { (name: name, value: EncodedWords.decode($0.value)) }
        }
        return ChainReport(
            source: input.source, part: input.part, container: input.container,
            summary: summary, hops: hops, findings: findings, topology: topology,
            annotations: FailureMarks.find(authentication).map(FindingsText.annotation)
                + authentication.filterMarks.map(VendorVerdictText.annotation),
            otherSoftware: otherSoftware, authentication: authentication, headers: input.headers)
    }

    static func geo(_ ip: IPAddress?, _ scope: AddressScope?, _ lookup: any GeoProvider) -> GeoRecord? {
        guard let ip, let scope, lookup.isEnabled else { return nil }
        return lookup.lookup(ip, scope: scope)
    }
}
