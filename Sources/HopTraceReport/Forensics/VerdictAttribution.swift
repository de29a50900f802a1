import HopTraceAuth
import HopTraceCore
import HopTraceMessage
import HopTraceReceived
import HopTraceTopology

/// Ties each recorded verdict to the hop whose receiver wrote it.
///
/// Evidence, weighed (points):
/// - the verdict's client-ip (client-ip=, "sender IP is …") is the hop's from-side address: 4;
/// - its helo= is the hop's from-side HELO name: 2;
/// - its receiver (receiver=, authserv-id; a Microsoft tenant hint only when it is exactly a host
///   name, since it names the tenant filtered for — `bt.com` — not a host) is the hop's by-host, one of
///   that host's names in the topology: 3; a parent domain of it (`protection.outlook.com` for
///   `VE1EUR02FT011.mail.protection.outlook.com`): 2; the same organisation: 1;
/// - its position: most receivers prepend their verdict with their own Received, so the first
///   Received *below* the verdict is its writer's: 2; Gmail (and others) write it just below their
///   Received, so the Received just *above*: 1.
///
/// The highest total wins; a tie goes to the hop the position names. When the strongest single
/// pieces of evidence point at different hops, the hop's `attributionNotes` say so.
///
/// hMailServer appends its `X-hMailServer-*` fields rather than prepending them (the article's
/// Raynet case; `SoftwareFingerprinter.attributeToHop`'s caveat), so for them position is not
/// evidence. A verdict that names nothing then goes by product: to the hop whose receiver is
/// identified as that product; failing that, to the newest hop whose receiver runs no software
/// identified as something else and is not the final recipient's own server (hMailServer writes
/// its verdict on the way in, and the final recipient's server is identified by the topology).
/// Any other verdict that names nothing is left unattributed, with a note.
struct VerdictAttribution {
    let hops: [Hop]
    let topology: Topology
    /// Header index (top = 0) of each hop's Received, parallel to `hops`.
    let receivedIndexes: [Int?]

    init(hops: [Hop], topology: Topology) {
        self.hops = hops
        self.topology = topology
        self.receivedIndexes = hops.map { $0.location?.headerIndex }
    }

    struct Outcome {
        var hop: Int?
        var notes: [String]
    }

    /// Products whose verdict headers are appended, not prepended: position is no evidence.
    static func appends(_ v: RecordedVerdict) -> Bool {
        v.methodName.lowercased() == "hmailserver" || v.header.lowercased().hasPrefix("x-hmailserver-")
    }

    func attribute(_ v: RecordedVerdict) -> Outcome {
        guard !hops.isEmpty else { return Outcome(hop: nil, notes: []) }
        var scores = [Int](repeating: 0, count: hops.count)
        var ipHops: [Int] = [], receiverHops: [Int] = [], exactReceiverHops: [Int] = []
        var aboveHop: Int? = nil, belowHop: Int? = nil

        if let idx = v.headerIndex, !Self.appends(v) {
            // The first Received below the verdict (largest hop index whose Received is under it).
            var bestBelow: (pos: Int, hop: Int)? = nil, bestAbove: (pos: Int, hop: Int)? = nil
            for (k, r) in receivedIndexes.enumerated() {
                guard let r else { continue }
                if r > idx, bestBelow.map({ r < $0.pos }) ?? true { bestBelow = (r, k) }
                if r < idx, bestAbove.map({ r > $0.pos }) ?? true { bestAbove = (r, k) }
            }
            aboveHop = bestBelow?.hop
            // "Just below its writer's Received" only means something among the Received
            // headers; a field below all of them (message headers, appended fields) says nothing.
            belowHop = aboveHop == nil ? nil : bestAbove?.hop
            if let a = aboveHop { scores[a] += 2 }
            if let b = belowHop { scores[b] += 1 }
        }
        // receiver=/authserv-id name a host; Microsoft's tenant hints name the organisation the
        // filter ran for, not a host, so they count only when they name the host itself.
        let receivers = [v.receiver].compactMap { $0 }.map { Self.clean($0) }.filter { !$0.isEmpty }
        let hints = v.receiverHints.map { Self.clean($0) }.filter { !$0.isEmpty }
        for (k, hop) in hops.enumerated() {
            if let ip = v.clientIP, hop.received.from?.ip == ip {
                scores[k] += 4
                ipHops.append(k)
            }
            if let helo = v.helo.map(Self.clean), !helo.isEmpty, hop.received.from?.helo.map(Self.clean) == helo {
                scores[k] += 2
            }
            var best = 0
            let names = receiverNames(k)
            let orgDomains = receiverOrganisation(k)?.domains.map(Self.clean) ?? []
            for r in receivers {
                if names.contains(r) { best = max(best, 3) }
                else if names.contains(where: { $0.hasSuffix("." + r) }) { best = max(best, 2) }
                else if let reg = Self.registrable(r), orgDomains.contains(reg)
                            || names.contains(where: { Self.registrable($0) == reg }) { best = max(best, 1) }
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
        var notes: [String] = []
        let what = v.headerIndex.map { "\(v.header) (header \($0 + 1) from the top)" } ?? v.header
        if tied.count > 1 {
            notes.append("\(what): the evidence fits hops \(tied.map { String($0 + 1) }.joined(separator: ", ")) equally; attributed to hop \(chosen + 1)")
        }
        if let ipHop = ipHops.first, ipHop != chosen {
            notes.append("\(what) names client \(v.clientIP!) (hop \(ipHop + 1)'s sender) but the other evidence points to hop \(chosen + 1)")
        }
        if let a = aboveHop, a != chosen, !sameReceiverHost(a, chosen) {
            notes.append("\(what) sits just above hop \(a + 1)'s Received, but its "
                         + (ipHops.contains(chosen) ? "client-ip" : "receiver") + " names hop \(chosen + 1): attributed to hop \(chosen + 1)"
                         + (chosen == belowHop ? " (its writer puts verdicts just below its own Received, as Gmail does)" : ""))
        }
        if let r = v.receiver, !receivers.isEmpty, !exactReceiverHops.isEmpty, !exactReceiverHops.contains(chosen),
           !exactReceiverHops.contains(where: { sameReceiverHost($0, chosen) }) {
            notes.append("\(what): receiver \(r) is hop \(exactReceiverHops.map { String($0 + 1) }.joined(separator: ", "))'s host, but the client address and position point to hop \(chosen + 1)")
        } else if let r = v.receiver, receiverHops.isEmpty {
            notes.append("\(what): receiver \(r) names no host in the chain")
        }
        return Outcome(hop: chosen + 1, notes: notes)
    }

    func fallback(_ v: RecordedVerdict) -> Outcome {
        let what = "\(v.header) (\(v.methodName)=\(v.result))"
        guard Self.appends(v) else {
            return Outcome(hop: nil, notes: ["\(what) names no receiver, client or HELO and its position ties it to no Received: not attributed"])
        }
        let product = "hMailServer"
        let finalOrg = topology.finalRecipient.flatMap { topology.host($0)?.organisation }
        let identified = hops.indices.filter { receiverSoftware($0).contains { $0.lowercased().contains("hmailserver") } }
        if let k = identified.last {
            return Outcome(hop: k + 1, notes: ["\(what): \(product) appends its headers, so their position says nothing; hop \(k + 1)'s receiver \(receiverName(k)) is identified as \(product)"])
        }
        let unidentified = hops.indices.filter { receiverSoftware($0).isEmpty }
        let notFinal = unidentified.filter { k in
            guard let finalOrg, let org = receiverHost(k)?.organisation else { return k != hops.count - 1 }
            return org != finalOrg
        }
        if let k = notFinal.last ?? unidentified.last {
            let others = hops.indices.filter { !receiverSoftware($0).isEmpty }
                .map { "hop \($0 + 1) \(receiverName($0)) runs \(receiverSoftware($0).first!)" }
            var why = "\(what): \(product) appends its headers, so their position says nothing and the header names no host; "
            why += "hop \(k + 1)'s receiver \(receiverName(k)) is the only one in the chain that is neither identified as other software"
            why += others.isEmpty ? "" : " (\(others.joined(separator: "; ")))"
            why += " nor the final recipient's own server: attributed to it"
            return Outcome(hop: k + 1, notes: [why])
        }
        return Outcome(hop: nil, notes: ["\(what): no hop's receiver can be the \(product) that wrote it: not attributed"])
    }

    // MARK: - Hop and host helpers

    func edge(_ k: Int) -> Edge? { topology.edges.first { $0.hop == hops[k].index } }
    func receiverHost(_ k: Int) -> Host? { edge(k).flatMap { topology.host($0.to) } }
    func senderHost(_ k: Int) -> Host? { edge(k).flatMap { topology.host($0.from) } }
    func receiverOrganisation(_ k: Int) -> Organisation? { topology.organisation(receiverHost(k)?.organisation) }

    func receiverNames(_ k: Int) -> [String] {
        var names = receiverHost(k)?.names ?? []
        if let n = hops[k].received.by?.name { names.append(n) }
        return names.map(Self.clean)
    }

    func receiverName(_ k: Int) -> String {
        hops[k].received.by?.name ?? receiverHost(k)?.displayName ?? "(unnamed)"
    }

    func receiverSoftware(_ k: Int) -> [String] {
        var out = hops[k].received.software
        if hops[k].received.serverBuild != nil || hops[k].received.raw.contains("Microsoft SMTP Server") {
            out.append("Microsoft Exchange")
        }
        if let host = receiverHost(k) { out += host.software }
        return out
    }

    func sameReceiverHost(_ a: Int, _ b: Int) -> Bool {
        guard let x = edge(a)?.to, let y = edge(b)?.to else { return a == b }
        return x == y
    }

    static func clean(_ s: String) -> String {
        var t = s.lowercased()
        while t.hasSuffix(".") { t.removeLast() }
        return t
    }

    static func registrable(_ name: String) -> String? {
        PublicSuffixList.standard.registrableDomain(of: clean(name))
    }
}
