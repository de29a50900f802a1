import HopTraceAuth
import HopTraceCore
import HopTraceFingerprint
import HopTraceMessage
import HopTraceReceived
import HopTraceTopology

/// Ties evidence to the hop whose receiver wrote it: software named by headers (before the
/// topology exists) and recorded verdicts (with the topology's hosts and organisations).
///
/// Position: most receivers prepend their fields with their own Received, so the first Received
/// *below* a field is its writer's. hMailServer appends its `X-hMailServer-*` fields at the end of
/// the header instead (the article's Raynet case), so for them position says nothing.
///
/// Verdicts, evidence weighed (points):
/// - the verdict's client-ip (client-ip=, "sender IP is …") is the hop's from-side address: 4;
/// - its helo= is the hop's from-side HELO name: 2;
/// - its receiver (receiver=, authserv-id; a Microsoft tenant hint only when it is exactly a host
///   name, since it names the tenant filtered for — `bt.com` — not a host) is the hop's by-host, one
///   of that host's names in the topology: 3; a parent domain of it (`protection.outlook.com` for
///   `VE1EUR02FT011.mail.protection.outlook.com`): 2; the same organisation: 1;
/// - its position: the first Received below it: 2; Gmail (and others) write it just below their
///   Received, so the Received just *above*: 1.
///
/// The highest total wins; a tie goes to the hop the position names. When the strongest single
/// pieces of evidence point at different hops, an `AttributionNote` says so. A verdict an
/// appending product wrote that names nothing goes by product: to the hop whose receiver is
/// identified as that product; failing that, to the newest hop whose receiver runs no software
/// identified as something else and is not the final recipient's own server. Any other verdict
/// that names nothing is left unattributed, with a note.
public struct HopAttribution: Sendable {
    public let hops: [Hop]
    /// Header index (top = 0) of each hop's Received, parallel to `hops`.
    public let receivedIndexes: [Int?]
    let topology: Topology?
    let software: [[SoftwareIdentification]]
    let publicSuffixList: PublicSuffixList
    /// `receiverNames(k)` of every hop, worked out once: the stages ask for them per verdict
    /// and per hop. Empty without a topology (software attribution never asks): then
    /// `receiverNames(k)` works out the by-name alone.
    let receiverNameLists: [[String]]

    /// For software attribution, before the topology exists.
    public init(hops: [Hop], publicSuffixList: PublicSuffixList) {
        self.init(hops: hops, topology: nil, software: hops.map { _ in [] }, publicSuffixList: publicSuffixList)
    }

    /// For verdict attribution: the chain's topology and the software tied to each hop.
    public init(
        hops: [Hop], topology: Topology?, software: [[SoftwareIdentification]], publicSuffixList: PublicSuffixList
    ) {
        self.hops = hops
        var indexes: [Int?] = []
        indexes.reserveCapacity(hops.count)
        // Fields read in place: a copy of each hop would retain each of its strings.
        for k in hops.indices { indexes.append(hops[k].location?.headerIndex) }
        self.receivedIndexes = indexes
        self.topology = topology
        self.software = software
        self.publicSuffixList = publicSuffixList
        var lists: [[String]] = []
        if let topology {
            lists.reserveCapacity(hops.count)
            for k in hops.indices {
                var names = topology.edge(hop: hops[k].index).flatMap { topology.host($0.to) }?.names ?? []
                if let n = hops[k].received.by?.name { names.append(n) }
                lists.append(names.map(DomainName.normalized))
            }
        }
        self.receiverNameLists = lists
    }

    // MARK: - Position

    /// The position (in `hops`) of the first Received below header `index`: the hop whose
    /// receiver prepended the field. nil when no Received is below it.
    public func hopBelow(headerIndex index: Int) -> Int? {
        Self.hopBelow(headerIndex: index, receivedIndexes: receivedIndexes)
    }

    /// The position in `receivedIndexes` (header indexes of the Received fields, any order) of
    /// the first Received below header `index`. A Received belongs to the one below it.
    public static func hopBelow(headerIndex index: Int, receivedIndexes: [Int?]) -> Int? {
        var best: (pos: Int, hop: Int)? = nil
        for (k, r) in receivedIndexes.enumerated() {
            guard let r, r > index else { continue }
            if best.map({ r < $0.pos }) ?? true { best = (r, k) }
        }
        return best?.hop
    }

    /// The position of the last Received above header `index`.
    func hopAbove(headerIndex index: Int) -> Int? {
        var best: (pos: Int, hop: Int)? = nil
        for (k, r) in receivedIndexes.enumerated() {
            guard let r, r < index else { continue }
            if best.map({ r > $0.pos }) ?? true { best = (r, k) }
        }
        return best?.hop
    }

    /// Products whose fields are appended, not prepended: position is no evidence.
    static func appends(product: String) -> Bool { product == "hMailServer" }

    static func appends(_ v: RecordedVerdict) -> Bool {
        v.methodName.lowercased() == "hmailserver" || v.header.lowercased().hasPrefix("x-hmailserver-")
    }

    // MARK: - Software

    /// Software per hop (in hop order) and what could not be tied to a hop (the author's mail
    /// client, or ambiguous). What a Received line names belongs to its receiver; software named
    /// by other headers belongs to the receiver that added them (by position). Fields of an
    /// appending product are tied by elimination: to the one receiver whose software nothing
    /// else names.
    public func software(headers: HeaderBlock) -> (perHop: [[SoftwareIdentification]], other: [SoftwareIdentification])
    {
        var perHop = hops.map { SoftwareFingerprinter.identify($0.received, headerIndex: $0.location?.headerIndex) }
        var other: [SoftwareIdentification] = []
        let fields = headers.fields.filter { !$0.is("Received") }.map {
            (name: $0.name, value: $0.value, index: $0.location.headerIndex)
        }
        var unplaced: [SoftwareIdentification] = []
        for id in SoftwareFingerprinter.identify(headers: fields) {
            guard id.side != .client, let at = id.evidence.headerIndex else {
                other.append(id)
                continue
            }
            if !Self.appends(product: id.product), let i = hopBelow(headerIndex: at) {
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
                let note = FindingsText.tiedByElimination(hop: hops[i].index)
                id.note = id.note.map { $0 + "; " + note } ?? note
                perHop[i].append(id)
            } else {
                other.append(id)
            }
        }
        return (perHop, other)
    }

    // MARK: - Verdicts

    public struct Outcome: Sendable {
        public var hop: Int?
        public var notes: [AttributionNote]
    }

    static func subject(_ v: RecordedVerdict) -> AttributionNote.Subject {
        .init(header: v.header, headerIndex: v.headerIndex)
    }

    public func attribute(_ v: RecordedVerdict) -> Outcome {
        guard !hops.isEmpty else { return Outcome(hop: nil, notes: []) }
        var scores = [Int](repeating: 0, count: hops.count)
        var ipHops: [Int] = []
        var receiverHops: [Int] = []
        var exactReceiverHops: [Int] = []
        var aboveHop: Int? = nil
        var belowHop: Int? = nil

        if let idx = v.headerIndex, !Self.appends(v) {
            aboveHop = hopBelow(headerIndex: idx)
            // "Just below its writer's Received" only means something among the Received
            // headers; a field below all of them (message headers, appended fields) says nothing.
            belowHop = aboveHop == nil ? nil : hopAbove(headerIndex: idx)
            if let a = aboveHop { scores[a] += 2 }
            if let b = belowHop { scores[b] += 1 }
        }
        // receiver=/authserv-id name a host; Microsoft's tenant hints name the organisation the
        // filter ran for, not a host, so they count only when they name the host itself.
        let receivers = [v.receiver].compactMap { $0 }.map { DomainName.normalized($0) }.filter { !$0.isEmpty }
        let hints = v.receiverHints.map { DomainName.normalized($0) }.filter { !$0.isEmpty }
        for (k, hop) in hops.enumerated() {
            if let ip = v.clientIP, hop.received.from?.ip == ip {
                scores[k] += 4
                ipHops.append(k)
            }
            if let helo = v.helo.map(DomainName.normalized), !helo.isEmpty,
                hop.received.from?.helo.map(DomainName.normalized) == helo
            {
                scores[k] += 2
            }
            var best = 0
            let names = receiverNames(k)
            let orgDomains = receiverOrganisation(k)?.domains.map(DomainName.normalized) ?? []
            for r in receivers {
                if names.contains(r) {
                    best = max(best, 3)
                } else if names.contains(where: { $0.hasSuffix("." + r) }) {
                    best = max(best, 2)
                } else if let reg = registrable(r),
                    orgDomains.contains(reg) || names.contains(where: { registrable($0) == reg })
                {
                    best = max(best, 1)
                }
            }
            for r in hints where names.contains(r) { best = max(best, 3) }
            if best > 0 { receiverHops.append(k) }
            if best >= 2 { exactReceiverHops.append(k) }
            scores[k] += best
        }

        let top = scores.max() ?? 0
        if top == 0 { return fallback(v) }
        let tied = scores.indices.filter { scores[$0] == top }
        let chosen = tied.contains(where: { $0 == aboveHop }) ? aboveHop! : tied.max()!
        let what = Self.subject(v)
        var notes: [AttributionNote] = []
        if tied.count > 1 {
            notes.append(.tie(what, hops: tied.map { $0 + 1 }, chosen: chosen + 1))
        }
        if let ipHop = ipHops.first, ipHop != chosen, let ip = v.clientIP {
            notes.append(.clientNamesOtherHop(what, clientIP: ip, clientHop: ipHop + 1, chosen: chosen + 1))
        }
        if let a = aboveHop, a != chosen, !sameReceiverHost(a, chosen) {
            notes.append(
                .positionOverruled(
                    what, aboveHop: a + 1, chosen: chosen + 1, byClientIP: ipHops.contains(chosen),
                    writesBelow: chosen == belowHop))
        }
        if let r = v.receiver, !receivers.isEmpty, !exactReceiverHops.isEmpty, !exactReceiverHops.contains(chosen),
            !exactReceiverHops.contains(where: { sameReceiverHost($0, chosen) })
        {
            notes.append(
                .receiverNamesOtherHop(
                    what, receiver: r, receiverHops: exactReceiverHops.map { $0 + 1 }, chosen: chosen + 1))
        } else if let r = v.receiver, receiverHops.isEmpty {
            notes.append(.receiverUnknown(what, receiver: r))
        }
        return Outcome(hop: chosen + 1, notes: notes)
    }

    func fallback(_ v: RecordedVerdict) -> Outcome {
        let what = Self.subject(v)
        let verdict = AttributionNote.Verdict(method: v.methodName, result: v.word)
        guard Self.appends(v) else { return Outcome(hop: nil, notes: [.nothingNamed(what, verdict)]) }
        let product = "hMailServer"
        let finalOrg = topology?.finalRecipient.flatMap { topology?.host($0)?.organisation }
        let identified = hops.indices.filter { runs(product, at: $0) }
        if let k = identified.last {
            return Outcome(
                hop: k + 1,
                notes: [.appendedIdentified(what, verdict, product: product, hop: k + 1, receiver: receiverName(k))])
        }
        let unidentified = hops.indices.filter { receiverSoftware($0).isEmpty }
        let notFinal = unidentified.filter { k in
            guard let finalOrg, let org = receiverHost(k)?.organisation else { return k != hops.count - 1 }
            return org != finalOrg
        }
        if let k = notFinal.last ?? unidentified.last {
            let others = hops.indices.compactMap { i in
                receiverSoftware(i).first.map {
                    AttributionNote.IdentifiedReceiver(hop: i + 1, receiver: receiverName(i), software: $0)
                }
            }
            return Outcome(
                hop: k + 1,
                notes: [
                    .appendedByElimination(
                        what, verdict, product: product, hop: k + 1,
                        receiver: receiverName(k), others: others)
                ])
        }
        return Outcome(hop: nil, notes: [.appendedNoCandidate(what, verdict, product: product)])
    }

    // MARK: - Hops and hosts

    func edge(_ k: Int) -> Edge? { topology?.edge(hop: hops[k].index) }
    public func receiverHost(_ k: Int) -> Host? { edge(k).flatMap { topology?.host($0.to) } }
    public func senderHost(_ k: Int) -> Host? { edge(k).flatMap { topology?.host($0.from) } }
    public func receiverOrganisation(_ k: Int) -> Organisation? {
        topology?.organisation(receiverHost(k)?.organisation)
    }

    /// The receiver's names (the host's and the by-name), normalised.
    public func receiverNames(_ k: Int) -> [String] {
        if topology != nil { return receiverNameLists[k] }
        return hops[k].received.by?.name.map { [DomainName.normalized($0)] } ?? []
    }

    public func receiverName(_ k: Int) -> String {
        hops[k].received.by?.name ?? receiverHost(k)?.displayName ?? "(unnamed)"
    }

    /// Software identified on hop k's receiver host (every hop's identification of that host, as
    /// the topology holds it), or the hop's own receiver-side identification without a host.
    func receiverSoftware(_ k: Int) -> [String] {
        receiverHost(k)?.software ?? software[k].filter { $0.side != .from }.map(\.shortName)
    }

    /// Whether hop k's receiver is identified as `product`.
    public func runs(_ product: String, at k: Int) -> Bool {
        receiverSoftware(k).contains { ASCIIFold.contains($0, product, ignoringCase: true) }
    }

    func sameReceiverHost(_ a: Int, _ b: Int) -> Bool {
        guard let x = edge(a)?.to, let y = edge(b)?.to else { return a == b }
        return x == y
    }

    /// The registrable domain of a name (Public Suffix List), normalised.
    public func registrable(_ name: String) -> String? {
        DomainName(name)?.registrableDomain(in: publicSuffixList)
    }
}

extension HopSoftwareNames {
    /// A hop's identified software as the topology lists it: receiver-side and client-side.
    public init(hop: Int, software: [SoftwareIdentification]) {
        self.init(
            hop: hop, receiver: software.filter { $0.side != .from }.map(\.shortName),
            sender: software.filter { $0.side == .from }.map(\.shortName))
    }
}
