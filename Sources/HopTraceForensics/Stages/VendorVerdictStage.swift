import HopTraceAuth
import HopTraceCore
import HopTraceMessage
import HopTraceReceived
import HopTraceVerdicts

/// Why a decoded vendor verdict was tied to its hop.
public enum VendorTie: Sendable, Hashable {
    /// The header names a host (`on HOST`, X-Rspamd-Server, amavisd's `at HOST`) that is the hop's receiver.
    case namedHost(String, hop: Int)
    /// Forefront's `CIP` is the hop's client address, and the hop's receiver is Microsoft's.
    case connectingIP(IPAddress, hop: Int)
    /// Microsoft 365's headers belong to the hop where its front door took the message in.
    case microsoftFrontDoor(hop: Int, receiver: String)
    /// `compauth` is part of the Authentication-Results the attribution tied to this hop.
    case resultsHeader(hop: Int)
    /// The first Received below the header is the hop's.
    case position(hop: Int)
    /// The header names nothing; the hop's receiver is identified as the product that writes it.
    case product(String, hop: Int, receiver: String)

    public var hop: Int {
        switch self {
        case .namedHost(_, let h), .connectingIP(_, let h), .microsoftFrontDoor(let h, _), .resultsHeader(let h),
            .position(let h), .product(_, let h, _):
            return h
        }
    }
}

/// A decoded vendor verdict tied to the hop whose receiver wrote it.
public struct HopVendorVerdict: Sendable, Hashable {
    public var decoded: DecodedVerdictHeader
    /// The writing hop (index, 1 = oldest).
    public var hop: Int
    public var tie: VendorTie
    /// The hop whose client address the filter evaluated, when that is not the writing hop's
    /// client (Enhanced Filtering for Connectors, a re-checked original client).
    public var checkedHop: Int?
    /// The address evaluated at `checkedHop`.
    public var checkedIP: IPAddress?
    /// Other hops the evidence also points at (the tie is then ambiguous).
    public var otherCandidates: [Int]

    public init(
        decoded: DecodedVerdictHeader, hop: Int, tie: VendorTie, checkedHop: Int? = nil, checkedIP: IPAddress? = nil,
        otherCandidates: [Int] = []
    ) {
        self.decoded = decoded
        self.hop = hop
        self.tie = tie
        self.checkedHop = checkedHop
        self.checkedIP = checkedIP
        self.otherCandidates = otherCandidates
    }
}

/// Decodes every vendor verdict header of a chain and ties each to the hop that wrote it.
struct VendorVerdictStage: Sendable {
    /// Verdict headers read per chain.
    static let maxHeaders = 256

    var perHop: [[HopVendorVerdict]]
    var unattributed: [DecodedVerdictHeader]

    static func tie(_ headers: HeaderBlock, attribution: HopAttribution, verdicts: AttributedVerdicts)
        -> VendorVerdictStage
    {
        let hops = attribution.hops
        var out = VendorVerdictStage(perHop: hops.map { _ in [] }, unattributed: [])
        var decoded: [DecodedVerdictHeader] = []
        for f in headers.fields where VendorVerdictDecoder.handles(f.name) {
            guard decoded.count < maxHeaders else { break }
            if let d = VendorVerdictDecoder.decode(name: f.name, value: f.value, index: f.location.headerIndex) {
                decoded.append(d)
            }
        }
        guard !hops.isEmpty else {
            out.unattributed = decoded
            return out
        }
        let frontDoor = microsoftFrontDoor(attribution)
        for d in decoded {
            guard let v = tie(d, attribution: attribution, verdicts: verdicts, frontDoor: frontDoor),
                let k = hops.firstIndex(where: { $0.index == v.hop })
            else {
                out.unattributed.append(d)
                continue
            }
            out.perHop[k].append(v)
        }
        return out
    }

    /// The position of the hop where Microsoft 365 took the message in: the oldest hop whose
    /// receiver is an inbound `mail.protection.outlook.com` host, else the oldest identified as
    /// Exchange Online Protection that is not its outbound side.
    static func microsoftFrontDoor(_ a: HopAttribution) -> Int? {
        for k in a.hops.indices
        where a.receiverNames(k).contains(where: { $0.hasSuffix(".mail.protection.outlook.com") }) {
            return k
        }
        for k in a.hops.indices where a.runs("Exchange Online Protection", at: k) {
            if !a.receiverNames(k).contains(where: { $0.contains("outbound.protection") }) { return k }
        }
        return nil
    }

    static func clientHop(_ ip: IPAddress, _ a: HopAttribution) -> Int? {
        a.hops.indices.last { a.hops[$0].received.from?.ip == ip }
    }

    static func tie(
        _ d: DecodedVerdictHeader, attribution a: HopAttribution, verdicts: AttributedVerdicts, frontDoor: Int?
    ) -> HopVendorVerdict? {
        let hops = a.hops
        let below = d.headerIndex.flatMap { a.hopBelow(headerIndex: $0) }
        if d.vendor == .microsoft {
            if d.compositeAuthentication != nil {
                // The hop the Authentication-Results field itself was tied to.
                for k in hops.indices
                where verdicts.perHop[k].contains(where: { $0.method == .compauth && $0.headerIndex == d.headerIndex })
                {
                    return HopVendorVerdict(decoded: d, hop: hops[k].index, tie: .resultsHeader(hop: hops[k].index))
                }
                return nil
            }
            let checkedIP = d.hints.connectingIP ?? d.hints.originalIP
            let checked = checkedIP.flatMap { clientHop($0, a) }
            let writer: Int
            let tie: VendorTie
            if let f = frontDoor {
                writer = f
                tie =
                    checked == f && d.hints.connectingIP != nil
                    ? .connectingIP(d.hints.connectingIP!, hop: hops[f].index)
                    : .microsoftFrontDoor(hop: hops[f].index, receiver: a.receiverName(f))
            } else if let c = checked, d.hints.connectingIP != nil, a.runs("Exchange", at: c) {
                writer = c
                tie = .connectingIP(d.hints.connectingIP!, hop: hops[c].index)
            } else if let b = below {
                writer = b
                tie = .position(hop: hops[b].index)
            } else if let k = hops.indices.last(where: { a.runs("Exchange", at: $0) }) {
                writer = k
                tie = .product("Microsoft Exchange", hop: hops[k].index, receiver: a.receiverName(k))
            } else {
                return nil
            }
            var v = HopVendorVerdict(decoded: d, hop: hops[writer].index, tie: tie)
            if let c = checked, c != writer {
                v.checkedHop = hops[c].index
                v.checkedIP = checkedIP
            }
            return v
        }
        var named: [Int] = []
        if let host = d.hints.host.map(DomainName.normalized), !host.isEmpty {
            named = hops.indices.filter { k in
                a.receiverNames(k).contains { $0 == host || $0.hasPrefix(host + ".") || $0.hasSuffix("." + host) }
            }
        }
        if let b = below, named.contains(b) {
            return HopVendorVerdict(decoded: d, hop: hops[b].index, tie: .namedHost(d.hints.host!, hop: hops[b].index))
        }
        if let n = named.last {
            let others = below.map { $0 == n || named.contains($0) ? [] : [hops[$0].index] } ?? []
            return HopVendorVerdict(
                decoded: d, hop: hops[n].index, tie: .namedHost(d.hints.host!, hop: hops[n].index),
                otherCandidates: others)
        }
        if let b = below {
            return HopVendorVerdict(decoded: d, hop: hops[b].index, tie: .position(hop: hops[b].index))
        }
        if let product = productName(d.vendor), let k = hops.indices.last(where: { a.runs(product, at: $0) }) {
            return HopVendorVerdict(
                decoded: d, hop: hops[k].index, tie: .product(product, hop: hops[k].index, receiver: a.receiverName(k)))
        }
        return nil
    }

    /// The name software identification gives each vendor's product, for ties by product.
    static func productName(_ v: FilterVendor) -> String? {
        switch v {
        case .microsoft: return "Exchange"
        case .spamassassin: return "SpamAssassin"
        case .rspamd: return "rspamd"
        case .amavis: return "amavis"
        case .proofpoint: return "Proofpoint"
        case .mimecast: return "Mimecast"
        case .cisco: return "IronPort"
        case .barracuda: return "Barracuda"
        case .sophos: return "Sophos"
        case .trendmicro: return "Trend Micro"
        case .google: return "Gmail"
        }
    }
}

extension VendorVerdictStage {
    /// Composite-authentication failures, spoof and impersonation verdicts, and the diagram's
    /// marks, from the verdicts tied to each hop.
    func findings(attribution a: HopAttribution, verdicts: AttributedVerdicts)
        -> (findings: [ForensicFinding], marks: [FilterMark])
    {
        var findings: [ForensicFinding] = []
        var marks: [FilterMark] = []
        for (k, list) in perHop.enumerated() {
            let hop = a.hops[k].index
            let forefront = list.first { $0.decoded.header == "X-Forefront-Antispam-Report" }
            let destination = list.lazy.compactMap { $0.decoded.field("dest")?.value }.first
            for v in list {
                guard let c = v.decoded.compositeAuthentication, c.result == .fail else { continue }
                func recorded(_ m: AuthMethod) -> String? {
                    verdicts.perHop[k].first { $0.method == m && $0.headerIndex == v.decoded.headerIndex }?.word
                }
                findings.append(
                    .compositeAuthenticationFailed(
                        CompositeAuthFailure(
                            hop: hop, receiver: a.receiverName(k), compauth: c, spf: recorded(.spf),
                            dkim: recorded(.dkim), dmarc: recorded(.dmarc), verdict: forefront?.decoded.verdict,
                            category: forefront?.decoded.field("CAT")?.value, destination: destination,
                            checkedHop: forefront?.checkedHop)))
            }
            for v in list {
                let spoofFields = v.decoded.fields.filter { f in
                    switch (v.decoded.header, f.key.uppercased()) {
                    case ("X-Forefront-Antispam-Report", "CAT"):
                        return ["SPOOF", "DIMP", "UIMP", "GIMP"].contains(f.value.uppercased())
                    case ("X-Forefront-Antispam-Report", "SFTY"): return f.value == "9.19" || f.value == "9.20"
                    case ("X-Mimecast-Impersonation-Protect", let key):
                        return key != "POLICY" && ASCIIFold.equal(f.value.utf8, "true".utf8)
                    default: return false
                    }
                }
                if !spoofFields.isEmpty {
                    findings.append(
                        .spoofVerdict(
                            SpoofVerdict(
                                hop: hop, receiver: a.receiverName(k), vendor: v.decoded.vendor,
                                header: v.decoded.header, fields: spoofFields)))
                }
            }
            // One mark per vendor at the hop, for its leading verdict when that is not clean.
            var vendors: [FilterVendor] = []
            for v in list where !vendors.contains(v.decoded.vendor) { vendors.append(v.decoded.vendor) }
            for vendor in vendors {
                let verdict = DecodedVerdictHeader.leadingVerdict(
                    list.filter { $0.decoded.vendor == vendor }.map(\.decoded))
                switch verdict {
                case .spam?, .bulk?, .phish?, .malware?, .spoof?:
                    marks.append(
                        FilterMark(
                            hop: hop, vendor: vendor, verdict: verdict!,
                            destination: vendor == .microsoft ? destination : nil))
                default: continue
                }
            }
        }
        return (findings, marks)
    }
}

extension VendorVerdictStage {
    /// The attribution notes left once the vendor stage tied a header: a "names nothing, not
    /// attributed" note about a header this stage decoded and tied to a hop says nothing true.
    func remainingNotes(_ notes: [AttributionNote]) -> [AttributionNote] {
        let tied = Set(perHop.joined().compactMap(\.decoded.headerIndex))
        return notes.filter { n in
            if case .nothingNamed(let subject, _) = n, let i = subject.headerIndex, tied.contains(i) { return false }
            return true
        }
    }
}
