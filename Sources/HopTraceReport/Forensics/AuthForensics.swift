#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HopTraceAuth
import HopTraceCore
import HopTraceDNS
import HopTraceMessage
import HopTraceNetwork
import HopTraceReceived
import HopTraceTopology

/// Where authentication broke on a chain: every recorded verdict tied to the hop that wrote it,
/// SPF replayed at every hop, DKIM re-verified when the body is there, ARC read as a ledger,
/// DMARC at the origin and at each receiver that recorded verdicts, and findings that say in
/// plain words what happened and what fixes it.
///
/// Decisions (documented here because the report depends on them):
/// - **Attribution**: see `VerdictAttribution`.
/// - **Which addresses are replayed**: public, documentation and reserved addresses (the samples
///   use documentation ranges as stand-ins for public ones). A private, shared, loopback or
///   link-local client is replayed only when a receiver recorded a verdict for it at that hop;
///   otherwise it is skipped with a reason — an internal relay's address cannot be in a public SPF
///   record unless the domain lists it, so a replay would only restate that.
/// - **The envelope sender of the moment**: per hop, the explicit evidence of that hop (the
///   Received `envelope-from`, Received-SPF `envelope-from=`, `smtp.mailfrom=`, Return-Path at the
///   last hop); between explicit hops the previous one carries on, except that a later SRS sender
///   (`SRS0=hash=tt=domain=local@forwarder`) applies from the hop the forwarder's own host sends;
///   before the forwarder the SRS address is decoded back to the original sender.
/// - **The origin hop**: the oldest hop whose client address is routable (public/documentation).
/// - **`spf-broken-by-forwarding`**: a MAIL FROM fail/softfail recorded at a hop for an address
///   that is not the origin's, about the original sender's domain (not an SRS-rewritten one),
///   while the origin's address passes (replayed now, or recorded pass at the origin hop).
public enum AuthForensics {
    /// Runs the whole analysis. Never throws: DNS failures become temperror/skipped reasons.
    public static func analyze(_ input: ForensicsInput) async -> ChainAuthentication {
        var engine = Engine(input: input)
        await engine.run()
        return engine.out
    }

    /// The contract's hop `spf` object: `client_ip`, `domain`, `result` (replayed), `recorded`,
    /// `recorded_by`, plus `sender`, `helo`, `helo_result`, `recorded_helo`, `recorded_client_ip`,
    /// `recorded_header`, `skipped`.
    public static func hopSPFJSON(_ spf: HopSPF) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("client_ip", .string(spf.clientIP.description)),
            ("domain", .string(spf.domain)),
            ("result", .string(spf.replayed?.rawValue)),
            ("recorded", .string(spf.recorded)),
            ("recorded_by", .string(spf.recordedBy)),
            ("sender", .string(spf.sender)),
            ("helo", .string(spf.helo)),
            ("helo_result", .string(spf.heloReplayed?.rawValue)),
        ]
        if let h = spf.recordedHelo { fields.append(("recorded_helo", .string(h))) }
        if let ip = spf.recordedClientIP, ip != spf.clientIP { fields.append(("recorded_client_ip", .string(ip.description))) }
        if let h = spf.recordedHeader { fields.append(("recorded_header", .string(h))) }
        if spf.recordedInferred { fields.append(("recorded_inferred", .bool(true))) }
        if let s = spf.skippedReason { fields.append(("skipped", .string(s))) }
        return .object(fields)
    }
}

/// `hopSPFJSON` as a free function, for renderers.
public func hopSPFJSON(_ spf: HopSPF) -> JSONValue { AuthForensics.hopSPFJSON(spf) }

// MARK: - The engine

struct Engine {
    let input: ForensicsInput
    let attribution: VerdictAttribution
    var out = ChainAuthentication()

    /// Verdicts per hop position (0-based), in header order.
    var perHop: [[RecordedVerdict]]
    var notesPerHop: [[String]]
    var senders: [(sender: String, source: String)?]
    var spf: [HopSPF?]
    var originHop: Int? = nil
    var brokenSPFHops: Set<Int> = []
    var dkimHeaders: [DKIMHeaderField]

    init(input: ForensicsInput) {
        self.input = input
        self.attribution = VerdictAttribution(hops: input.hops, topology: input.topology)
        self.perHop = Array(repeating: [], count: input.hops.count)
        self.notesPerHop = Array(repeating: [], count: input.hops.count)
        self.senders = Array(repeating: nil, count: input.hops.count)
        self.spf = Array(repeating: nil, count: input.hops.count)
        self.dkimHeaders = input.chain.headers.fields.map { DKIMHeaderField(name: $0.name, raw: $0.raw, location: $0.location) }
    }

    var hops: [Hop] { input.hops }
    var headers: HeaderBlock { input.chain.headers }

    mutating func run() async {
        attributeVerdicts()
        findSenders()
        originHop = hops.indices.first { k in hops[k].received.from?.ip.map(Self.routable) ?? false }
        await replaySPF()
        await verifyDKIM()
        await readARC()
        spfFindings()
        dkimFindings()
        await dmarc()
        writeNotes()
        out.hops = hops.indices.map { k in
            HopAuthentication(hop: hops[k].index, spf: spf[k], verdicts: perHop[k], attributionNotes: notesPerHop[k])
        }
    }

    // MARK: Attribution

    mutating func attributeVerdicts() {
        let verdicts = RecordedVerdicts.extract(from: headers)
        for v in verdicts {
            let o = attribution.attribute(v)
            if let h = o.hop, let k = position(ofHop: h) {
                perHop[k].append(v)
                for n in o.notes where !notesPerHop[k].contains(n) { notesPerHop[k].append(n) }
                if v.method == .dkim { out.recordedDKIM.append(AttributedVerdict(hop: h, verdict: v)) }
            } else {
                out.unattributed.append(v)
                for n in o.notes where !out.notes.contains(n) { out.notes.append(n) }
                if v.method == .dkim { out.recordedDKIM.append(AttributedVerdict(hop: nil, verdict: v)) }
            }
        }
    }

    func position(ofHop index: Int) -> Int? { hops.firstIndex { $0.index == index } }

    // MARK: Envelope sender of the moment

    static func address(_ s: String) -> String {
        var t = s.fxTrimmed(" \t\r\n")
        if let lt = t.firstIndex(of: "<"), let gt = t[lt...].firstIndex(of: ">") { t = String(t[t.index(after: lt)..<gt]) }
        return t.fxTrimmed(" \t\r\n")
    }

    /// `smtp.mailfrom=VALUE` as written in a resinfo.
    static func mailfromProperty(_ raw: String) -> String? {
        guard let r = ASCIIFold.firstRange(of: "smtp.mailfrom=", in: raw) else { return nil }
        let value = raw[r.upperBound...].prefix { !" \t\r\n;()".contains($0) }
        return value.isEmpty ? nil : address(String(value))
    }

    mutating func findSenders() {
        var explicit: [(sender: String, source: String)?] = Array(repeating: nil, count: hops.count)
        for k in hops.indices {
            if let e = hops[k].received.envelopeFrom {
                explicit[k] = (Self.address(e), "envelope-from in hop \(hops[k].index)'s Received")
                continue
            }
            for v in perHop[k] where v.method == .spf && v.identity != .helo {
                if v.header.lowercased() == "received-spf", let e = ReceivedSPFParser.parse(v.raw).envelopeFrom {
                    explicit[k] = (Self.address(e), "envelope-from= in the Received-SPF hop \(hops[k].index)'s receiver wrote"); break
                }
                if let m = Self.mailfromProperty(v.raw) {
                    explicit[k] = (m, "smtp.mailfrom= in the \(v.header) hop \(hops[k].index)'s receiver wrote"); break
                }
            }
        }
        if let last = hops.indices.last, explicit[last] == nil, let rp = headers.first("Return-Path") {
            explicit[last] = (Self.address(rp.value), "Return-Path (written at final delivery)")
        }
        for k in hops.indices {
            if let e = explicit[k] { senders[k] = e; continue }
            let prev = hops.indices.filter { $0 < k && explicit[$0] != nil }.last.flatMap { explicit[$0] }
            let next = hops.indices.first { $0 > k && explicit[$0] != nil }.flatMap { explicit[$0] }
            if let next, let srs = SRS.decode(next.sender) {
                if senderBelongs(k, to: srs.forwarder) {
                    senders[k] = (next.sender, "the SRS sender of a later hop (\(srs.forwarder) sends from here)")
                } else if let prev {
                    senders[k] = (prev.sender, "as at an earlier hop")
                } else {
                    senders[k] = (srs.original, "the original sender, decoded from the SRS address \(next.sender)")
                }
            } else if let prev {
                senders[k] = (prev.sender, "as at an earlier hop")
            } else if let next {
                senders[k] = (next.sender, "as at a later hop")
            }
        }
    }

    /// Whether hop k's sending host is the forwarder's (its names or organisation share the registrable domain).
    func senderBelongs(_ k: Int, to domain: String) -> Bool {
        guard let reg = VerdictAttribution.registrable(domain) else { return false }
        var names = attribution.senderHost(k)?.names ?? []
        if let h = hops[k].received.from?.helo { names.append(h) }
        if let r = hops[k].received.from?.rdns { names.append(r) }
        if names.contains(where: { VerdictAttribution.registrable($0) == reg }) { return true }
        let org = input.topology.organisation(attribution.senderHost(k)?.organisation)
        return org?.domains.map(VerdictAttribution.clean).contains(reg) ?? false
    }

    static func domain(ofSender s: String, helo: String?) -> String? {
        if s.isEmpty { return helo }
        return SPFEvaluator.split(sender: s).domain.lowercased()
    }

    static func routable(_ ip: IPAddress) -> Bool {
        switch AddressClassifier.scope(of: ip) {
        case .public, .documentation, .reserved: return true
        default: return false
        }
    }

    static func usableHELO(_ helo: String?) -> String? {
        guard let h = helo?.fxTrimmed(" \t"), h.contains("."), !h.hasPrefix("["), IPAddress(h) == nil else { return nil }
        return h
    }

    // MARK: SPF

    /// The recorded MAIL FROM and HELO SPF verdicts at hop k (Received-SPF first, then
    /// Authentication-Results, ARC, vendor; written results before inferred ones).
    func recordedSPF(_ k: Int) -> (mailfrom: RecordedVerdict?, helo: RecordedVerdict?) {
        func rank(_ v: RecordedVerdict) -> Int {
            let h = v.header.lowercased()
            let base = h == "received-spf" ? 0 : h == "authentication-results" ? 1 : h.hasPrefix("arc-") ? 2 : 3
            return base + (v.inferred ? 10 : 0)
        }
        let spfs = perHop[k].filter { $0.method == .spf }
        let mf = spfs.filter { $0.identity != .helo }.min { rank($0) < rank($1) }
        let helo = spfs.filter { $0.identity == .helo }.min { rank($0) < rank($1) }
        return (mf, helo)
    }

    mutating func replaySPF() async {
        var options = SPFOptions(timestamp: Int(input.now))
        options.receivingHost = "hoptrace"
        let evaluator = input.resolver.map { SPFEvaluator(resolver: $0, options: options) }
        for k in hops.indices {
            let r = hops[k].received
            guard let ip = r.from?.ip else { continue }
            let helo = r.from?.helo
            let sender = senders[k]
            var s = HopSPF(clientIP: ip, domain: sender.flatMap { Self.domain(ofSender: $0.sender, helo: helo) },
                           sender: sender?.sender, senderSource: sender?.source, helo: helo)
            let rec = recordedSPF(k)
            if let v = rec.mailfrom {
                s.recorded = v.result.lowercased()
                s.recordedBy = v.receiver ?? v.receiverHints.first ?? r.by?.name
                s.recordedHeader = v.header
                s.recordedHeaderIndex = v.headerIndex
                s.recordedClientIP = v.clientIP ?? ip
                s.recordedInferred = v.inferred
                if s.domain == nil, let d = v.domain { s.domain = d.lowercased() }
            }
            if let v = rec.helo { s.recordedHelo = v.result.lowercased() }
            if let evaluator {
                if !Self.routable(ip) && rec.mailfrom == nil {
                    s.skippedReason = "\(ip) is a \(AddressClassifier.scope(of: ip).rawValue) address: it cannot be in a public SPF record "
                        + "unless the domain lists it, and no receiver recorded SPF for it; not replayed"
                } else if let sender {
                    let heloName = Self.usableHELO(helo) ?? helo ?? "unknown"
                    let e = await evaluator.checkMailFrom(ip: ip, mailFrom: sender.sender, helo: heloName)
                    s.replayed = e.result
                    s.replayTrace = e
                } else {
                    s.skippedReason = "no envelope sender is known at this hop (no Return-Path, envelope-from or smtp.mailfrom)"
                }
                if s.skippedReason == nil || rec.helo != nil, let h = Self.usableHELO(helo) {
                    let e = await evaluator.checkHELO(ip: ip, helo: h)
                    s.heloReplayed = e.result
                    s.heloTrace = e
                }
            } else {
                s.skippedReason = "offline: no DNS resolver, so SPF was not replayed (\(input.dnsSource))"
            }
            spf[k] = s
        }
    }

    func hostLabel(of ip: IPAddress) -> (name: String?, org: Organisation?) {
        let host = input.topology.hosts.first { $0.addresses.contains { $0.ip == ip } }
        var name = host?.displayName
        if name == nil {
            // Fall back to the hop that names the address.
            for h in hops {
                if h.received.from?.ip == ip { name = h.received.from?.helo ?? h.received.from?.rdns; break }
                if h.received.by?.ip == ip { name = h.received.by?.name; break }
            }
        }
        return (name, input.topology.organisation(host?.organisation))
    }

    func orgName(_ org: Organisation?) -> String? { org?.name }

    mutating func spfFindings() {
        guard let o = originHop, let originSPF = spf[o] else { return }
        let originIP = originSPF.clientIP
        let originPasses = originSPF.replayed == .pass || originSPF.recorded == "pass"
        let originDomain = originSPF.domain
        for k in hops.indices where k != o {
            guard let s = spf[k], let rec = s.recorded, rec == "fail" || rec == "softfail" else { continue }
            let checked = s.recordedClientIP ?? s.clientIP
            if checked == originIP { continue }  // the verdict was taken at the right place: a real failure
            let recordedDomain = recordedSPF(k).mailfrom?.domain?.lowercased() ?? s.domain
            if let rd = recordedDomain, let od = originDomain,
               VerdictAttribution.registrable(rd) != VerdictAttribution.registrable(od) { continue }  // rewritten sender
            if let sender = s.sender, SRS.decode(sender) != nil { continue }
            let hopNo = hops[k].index
            let receiver = s.recordedBy ?? hops[k].received.by?.name ?? "the receiver"
            let receiverHost = hops[k].received.by?.name
            guard originPasses else {
                out.notes.append("Hop \(hopNo): \(receiver) recorded SPF \(rec) for \(checked), which is not the origin's address "
                    + "\(originIP); whether the origin passes could not be checked (\(originSPF.skippedReason ?? "no result")), "
                    + "so no forwarding conclusion is drawn")
                continue
            }
            brokenSPFHops.insert(k)
            let relay = hostLabel(of: checked)
            let relayOrg = orgName(relay.org)
            let receiverOrg = attribution.receiverOrganisation(k)
            // Whose relay: the topology's organisation. If the relay accepted mail addressed to the
            // receiver's organisation (its `for` recipients), it is that organisation's own inbound
            // relay/MX, whatever its name says (Raynet's amg1.gbse.gb.net).
            var owner = relayOrg
            var whose = relayOrg.map { "\($0)'s relay" } ?? "a relay"
            var ownRelay = relay.org != nil && relay.org?.id == receiverOrg?.id
            if ownRelay { whose = "\(receiverOrg?.name ?? "the receiver")'s own relay" }
            if !ownRelay, let recvOrg = receiverOrg,
               let relayHop = hops.indices.first(where: { hops[$0].received.by?.ip == checked || attribution.receiverHost($0)?.addresses.contains { $0.ip == checked } == true }) {
                let rcptDomains = hops[relayHop].received.recipients.compactMap { r -> String? in
                    VerdictAttribution.registrable(SPFEvaluator.split(sender: Self.address(r)).domain)
                }
                if let d = rcptDomains.first(where: { recvOrg.domains.map(VerdictAttribution.clean).contains($0) }) {
                    ownRelay = true
                    owner = recvOrg.name
                    whose = "\(recvOrg.name)'s own inbound relay: it accepted the message for @\(d) at hop \(hops[relayHop].index)"
                }
            }
            // Microsoft names the tenant it filtered for: when that is the relay's organisation, the
            // relay is the tenant's own upstream server.
            let hintRegs = Set(perHop[k].flatMap(\.receiverHints).compactMap { VerdictAttribution.registrable($0) })
            let tenantOwnsRelay = relay.org.map { org in org.domains.contains { hintRegs.contains(VerdictAttribution.clean($0)) } } ?? false
            let relayDesc = relay.name.map { "\(checked) (\($0), \(whose))" } ?? "\(checked) (\(whose))"
            // Where SPF should have been evaluated: the boundary where the relay's organisation took the message in.
            let boundaries = input.topology.boundaries.filter { $0 < hopNo }
            let relayOrgID = relay.org?.id
            let boundary = boundaries.last(where: { b in
                guard let p = position(ofHop: b), let id = relayOrgID else { return false }
                return attribution.receiverHost(p)?.organisation == id
            }) ?? boundaries.first ?? hops[o].index
            let boundaryReceiver = position(ofHop: boundary).map { attribution.receiverName($0) }
            let originName = hops[o].received.from?.helo ?? hops[o].received.from?.rdns ?? originIP.description
            let how = originSPF.replayed == .pass ? "passes SPF (replayed)" : "passed SPF (recorded \(originSPF.recordedBy.map { "by \($0)" } ?? "there"))"
            let domainText = recordedDomain ?? "the sender's domain"
            var text = "Hop \(hopNo): \(receiver)\(receiverHost.map { $0 != receiver ? " (\($0))" : "" } ?? "") "
            text += s.recordedInferred ? "blocked the message on SPF (\(s.recordedHeader ?? "vendor header"))" : "recorded SPF \(rec)"
            text += " for \(domainText) after checking \(relayDesc), not the origin. "
            text += "At hop \(hops[o].index) the origin \(originName) \(originIP) \(how) for \(originDomain ?? "that domain"). "
            if ownRelay {
                text += "The receiver evaluated SPF behind its own relay, whose address can never be in \(domainText)'s SPF record. "
            } else {
                if tenantOwnsRelay, let n = relayOrg { text += "\(receiver) filtered for the \(n) tenant, so \(checked) is that tenant's own upstream relay. " }
                text += "The relay kept the original envelope sender (no SRS rewrite), so \(domainText)'s SPF record "
                text += "was checked against an address it never authorised. "
            }
            text += "SPF should have been evaluated at hop \(boundary)\(boundaryReceiver.map { " (\($0))" } ?? ""), "
            text += "where the message entered \(owner ?? "the relaying organisation") from outside. "
            text += ownRelay ? "Fix: have the receiver skip its own upstream relays when checking SPF"
                : "Fix: SRS at the forwarder\(relayOrg.map { " (\($0))" } ?? ""), or have the receiver trust or skip its upstream relays"
            let recvLower = (receiver + " " + (receiverHost ?? "")).lowercased()
            if recvLower.contains("outlook.com") || recvLower.contains("protection.outlook") || recvLower.contains("onmicrosoft") {
                text += " (Exchange Online: Enhanced Filtering for Connectors on the inbound connector, so EOP looks past \(checked) to \(originIP))"
            } else if s.recordedHeader?.lowercased().hasPrefix("x-hmailserver") == true
                        || attribution.receiverSoftware(k).contains(where: { $0.lowercased().contains("hmailserver") }) {
                text += " (hMailServer: list \(checked) under Settings › Advanced › Incoming relays, so the SPF check uses the address that connected to the relay)"
            }
            text += "."
            if let tag = spamSubjectTag(), perHop[k].contains(where: { $0.method == .spam && $0.result == "spam" }) {
                text += " It also marked the message as spam and tagged the subject \(tag)."
                out.notes.append("Hop \(hopNo): \(receiverHost ?? receiver) tagged the subject \(tag) (Subject: \(headers.first("Subject")?.value.fxTrimmed(" ") ?? ""))")
            }
            out.findings.append(Finding(kind: .spfBrokenByForwarding, severity: .error, hops: [hopNo], summary: text))
            let short = owner ?? relay.name ?? "relay"
            out.annotations.append(EdgeAnnotation(hop: hopNo, severity: .error,
                                                  label: "SPF \(rec): checked \(checked) (\(short) relay)", kind: .spfBrokenByForwarding))
        }
    }

    func spamSubjectTag() -> String? {
        guard let subject = headers.first("Subject")?.value.fxTrimmed(" \t") else { return nil }
        return DKIMForensics.subjectMarkers.first { subject.lowercased().hasPrefix($0.lowercased()) }
            .map { String(subject.prefix($0.count)) }
    }

    // MARK: DKIM

    mutating func verifyDKIM() async {
        guard headers.fields.contains(where: { $0.is("DKIM-Signature") }) else { return }
        guard let resolver = input.resolver else {
            out.notes.append("DKIM not re-verified: offline (no DNS for the key records); the receivers' recorded dkim= verdicts are used")
            return
        }
        guard let body = input.body else {
            out.notes.append("DKIM not re-verified: this chain has headers only (a receipt or bounce keeps no body); the receivers' recorded dkim= verdicts are used")
            return
        }
        let verifier = DKIMVerifier(resolver: resolver, now: input.messageTime ?? input.now)
        out.dkim = await verifier.verify(headers: dkimHeaders, body: body)
    }

    /// The hop whose receiver most likely changed a signed header: a spam verdict's hop, else
    /// the list server's hop, else nil.
    func spamTaggingHop() -> Int? {
        hops.indices.last { k in perHop[k].contains { $0.method == .spam && ($0.result == "spam" || $0.result == "yes") } }
    }

    func listHop() -> (hop: Int, list: String)? {
        guard let listID = headers.first("List-Id")?.value else { return nil }
        let inner = Self.address(listID)
        let domain = inner.split(separator: ".").count > 2 ? inner.split(separator: ".").dropFirst().joined(separator: ".") : inner
        guard let reg = VerdictAttribution.registrable(domain) else { return nil }
        if let k = hops.indices.first(where: { k in attribution.receiverNames(k).contains { VerdictAttribution.registrable($0) == reg } }) {
            return (k, inner)
        }
        return nil
    }

    func signedHeaderNames(_ field: HeaderField) -> [String] {
        guard let sig = try? DKIMSignatureParser.parse(field: field.raw) else { return [] }
        return sig.signedHeaders
    }

    mutating func dkimFindings() {
        let fromDomain = headers.first("From").flatMap { FromDomain.parse($0.value).domain }?.lowercased()
        func aligned(_ d: String?) -> Bool {
            guard let d, let f = fromDomain else { return false }
            return VerdictAttribution.registrable(d) == VerdictAttribution.registrable(f)
        }
        if !out.dkim.isEmpty {
            let anyPass = out.dkim.contains { $0.result == .pass }
            for v in out.dkim where v.result == .fail {
                var causes: [String] = []
                var causeHops: [Int] = []
                let what = "d=\(v.domain ?? "?") s=\(v.selector ?? "?")"
                if case .signatureMismatch? = v.failure { causes.append("a signed header changed after signing (the body hash still matches)") }
                for c in DKIMForensics.visibleChanges(for: v, headers: dkimHeaders) {
                    var text = "the signed \(c.name) now carries \(c.marker)"
                    if let l = listHop(), c.marker.lowercased() != "[spam]" {
                        text += ", the tag the list \(l.list) adds (its server \(attribution.receiverName(l.hop)) received it at hop \(hops[l.hop].index))"
                        causeHops.append(hops[l.hop].index)
                    } else if let k = spamTaggingHop() {
                        text += ", added by hop \(hops[k].index)'s receiver \(attribution.receiverName(k)), which marked the message as spam"
                        causeHops.append(hops[k].index)
                    }
                    causes.append(text)
                }
                if DKIMForensics.listFooterLikely(v, headers: dkimHeaders) {
                    var text = "the message carries List-Id and the body hash fails: a list server most likely added a footer"
                    if let l = listHop() {
                        text += " (\(l.list), at hop \(hops[l.hop].index)'s receiver \(attribution.receiverName(l.hop)))"
                        causeHops.append(hops[l.hop].index)
                    }
                    causes.append(text)
                }
                if let sig = v.signature {
                    for c in DKIMForensics.compareCopiedHeaders(sig, headers: dkimHeaders) where c.differs {
                        causes.append("z= shows \(c.name) was \"\(c.copied.prefix(80))\" when signed, now \"\((c.current ?? "(removed)").prefix(80))\""
                                      + (c.name.lowercased() == "from" ? " (From rewritten)" : ""))
                    }
                }
                let summary = "DKIM signature \(what) fails on re-verification: \(v.failure.map { "\($0)" } ?? "fail")"
                    + (causes.isEmpty ? "; the headers do not show which hop changed the message." : ". Likely cause: " + causes.joined(separator: "; ") + ".")
                let sev: Severity = aligned(v.domain) && !anyPass ? .error : .warning
                out.findings.append(Finding(kind: .dkimBrokenInTransit, severity: sev, hops: Array(Set(causeHops)).sorted(), summary: summary))
            }
            // A permerror because the key is gone, with a signed header visibly changed: say so as a note.
            for v in out.dkim where v.result == .permerror || v.result == .temperror {
                let changes = DKIMForensics.visibleChanges(signedHeaders: v.signedHeaders, headers: dkimHeaders)
                if let c = changes.first {
                    let by = spamTaggingHop().map { " (added by hop \(hops[$0].index)'s receiver \(attribution.receiverName($0)))" } ?? ""
                    out.notes.append("DKIM d=\(v.domain ?? "?") s=\(v.selector ?? "?") could not be verified (\(v.failure.map { "\($0)" } ?? v.result.rawValue)); "
                                     + "it signs \(c.name), which now carries \(c.marker)\(by), so it would fail even with the key")
                }
            }
            return
        }
        // No re-verification: the receivers' recorded dkim= verdicts.
        var seen = Set<String>()
        for av in out.recordedDKIM where ["fail", "permerror"].contains(av.verdict.result.lowercased()) && !(av.verdict.header.lowercased().hasPrefix("arc-")) {
            let key = "\(av.hop ?? 0)|\(av.verdict.domain ?? "")"
            guard seen.insert(key).inserted else { continue }
            let v = av.verdict
            let recorder = v.receiver ?? av.hop.flatMap { position(ofHop: $0) }.map { spf[$0]?.recordedBy ?? attribution.receiverName($0) } ?? "a receiver"
            var text = "DKIM signature d=\(v.domain ?? "?") recorded as \(v.result)\(v.reason.map { " (\($0))" } ?? "")"
            text += " by \(recorder)" + (av.hop.map { " at hop \($0)" } ?? "") + "."
            var hopsOut = av.hop.map { [$0] } ?? []
            let sigField = headers.fields.first { $0.is("DKIM-Signature") && (signedHeaderNames($0).isEmpty == false) }
            let signed = sigField.map(signedHeaderNames) ?? []
            let changes = DKIMForensics.visibleChanges(signedHeaders: signed, headers: dkimHeaders)
            if let c = changes.first {
                text += " The signature signs \(c.name), which now carries \(c.marker)"
                if let k = spamTaggingHop() { text += " (added by hop \(hops[k].index)'s receiver \(attribution.receiverName(k)))"; hopsOut.append(hops[k].index) }
                text += "."
            } else if let h = av.hop, let o = originHop, let hk = position(ofHop: h), hk > o {
                // Which organisations' relays handled it between signing and the failed check.
                let recOrg = attribution.receiverOrganisation(hk)?.id
                let senderOrg = attribution.senderHost(o)?.organisation
                let between = (o..<hk).filter { k in
                    let org = attribution.receiverHost(k)?.organisation
                    return org != nil && org != recOrg && org != senderOrg
                }
                let names = between.compactMap { attribution.receiverOrganisation($0)?.name }.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
                if !names.isEmpty {
                    let first = hops[between.first!].index, last = hops[between.last!].index
                    text += " Between signing and that check the message passed \(names.joined(separator: " and "))'s relays (hop\(first == last ? " \(first)" : "s \(first)–\(last)")); "
                    text += "a signature that left the signer intact fails only if the message changed on the way, so those relays most likely modified a signed header or the body."
                    hopsOut += between.map { hops[$0].index }
                } else {
                    text += " The message changed between signing and that check; the headers that survive do not show where."
                }
            }
            if input.body == nil { text += " (Only headers survive: the signature could not be re-verified.)" }
            let sev: Severity = aligned(v.domain) ? .error : .warning
            out.findings.append(Finding(kind: .dkimBrokenInTransit, severity: sev, hops: Array(Set(hopsOut)).sorted(), summary: text))
        }
    }

    // MARK: ARC

    mutating func readARC() async {
        let arcFields = headers.fields.filter { $0.is("ARC-Seal") || $0.is("ARC-Message-Signature") || $0.is("ARC-Authentication-Results") }
        guard !arcFields.isEmpty else { return }
        if let resolver = input.resolver {
            let validation = await ARCVerifier(resolver: resolver).validate(headers: dkimHeaders, body: input.body ?? [])
            out.arc = validation
            if input.body == nil {
                out.notes.append("ARC validated without the body (header-only chain): message signatures cannot verify")
            }
        } else {
            out.notes.append("ARC not validated: offline (no DNS for the seal keys); each instance's ARC-Authentication-Results is still shown")
        }
        // The ledger: instances in order, capped at the RFC's 50.
        var seals: [Int: String] = [:]
        for f in headers.fields where f.is("ARC-Seal") {
            if let s = try? ARCParser.seal(field: f.raw), s.instance >= 1, s.instance <= 50, seals[s.instance] == nil { seals[s.instance] = s.domain }
        }
        var aars: [Int: (authserv: String?, index: Int)] = [:]
        for f in headers.fields where f.is("ARC-Authentication-Results") {
            if let a = try? ARCParser.authenticationResults(field: f.raw), a.instance >= 1, a.instance <= 50, aars[a.instance] == nil {
                aars[a.instance] = (a.authservID, f.location.headerIndex)
            }
        }
        let instances = Set(seals.keys).union(aars.keys).sorted()
        for i in instances {
            let verdicts = hops.indices.flatMap { k in perHop[k].filter { $0.instance == i && $0.header.lowercased() == "arc-authentication-results" } }
                + out.unattributed.filter { $0.instance == i && $0.header.lowercased() == "arc-authentication-results" }
            var hop: Int? = nil
            var how = "nothing ties it to a hop"
            let sealDomain = seals[i]
            let authserv = aars[i]?.authserv
            if let authserv, let k = hops.indices.last(where: { attribution.receiverNames($0).contains(VerdictAttribution.clean(authserv)) }) {
                hop = hops[k].index; how = "authserv-id \(authserv) is hop \(hop!)'s receiver"
            } else if let d = sealDomain, let reg = VerdictAttribution.registrable(d),
                      let k = hops.indices.last(where: { attribution.receiverNames($0).contains { VerdictAttribution.registrable($0) == reg } }) {
                hop = hops[k].index; how = "the sealing domain \(d) is hop \(hop!)'s receiver's"
            } else if let idx = aars[i]?.index,
                      let k = attribution.receivedIndexes.enumerated().filter({ ($0.element ?? -1) > idx }).min(by: { $0.element! < $1.element! })?.offset {
                hop = hops[k].index; how = "by position: the first Received below its ARC-Authentication-Results"
            }
            out.arcLedger.append(ARCLedgerEntry(instance: i, hop: hop, sealDomain: sealDomain, authservID: authserv,
                                                verdicts: verdicts, attribution: how))
        }
    }

    // MARK: DMARC

    mutating func dmarc() async {
        let fromValue = headers.first("From")?.value
        let parsed = fromValue.map(FromDomain.parse)
        guard let fromDomain = parsed?.domain?.lowercased() else {
            if fromValue != nil { out.notes.append("DMARC not evaluated: \(parsed?.reason ?? "the From header has no single domain")") }
            return
        }
        let psl = PublicSuffixList.standard
        let evaluator = input.resolver.map { DMARCEvaluator(resolver: $0, organizationalDomain: { psl.registrableDomain(of: $0) ?? $0 }) }
        if evaluator == nil { out.notes.append("DMARC policy not looked up: offline; only the receivers' recorded dmarc= verdicts are shown") }
        let verifiedDKIM = out.dkim.compactMap { v in v.domain.map { (result: v.result.rawValue, domain: $0) } }

        // At the origin.
        if let evaluator, let o = originHop, let s = spf[o] {
            let spfIn = s.replayed.flatMap { r in s.domain.map { (result: r, domain: $0) } }
            let e = await evaluator.evaluate(fromDomain: fromDomain, spf: spfIn, dkim: verifiedDKIM)
            let basis = "origin (hop \(hops[o].index)): SPF replayed for \(s.clientIP)"
                + (input.body == nil ? ", DKIM not verifiable (no body)" : ", DKIM re-verified over the body")
            out.dmarcChecks.append(DMARCCheck(hop: nil, basis: basis, evaluation: e))
        }
        // At each receiver that recorded verdicts.
        var failing: [(k: Int, check: DMARCCheck?, recorded: RecordedVerdict?)] = []
        for k in hops.indices {
            let vs = perHop[k].filter { !$0.header.lowercased().hasPrefix("arc-") }
            let recSPF = recordedSPF(k).mailfrom
            let recDKIM = vs.filter { $0.method == .dkim }
            let recDMARC = vs.first { $0.method == .dmarc }
            guard recSPF != nil || !recDKIM.isEmpty || recDMARC != nil else { continue }
            var check: DMARCCheck? = nil
            if let evaluator {
                let spfIn: (result: SPFResult, domain: String)? = recSPF.flatMap { v in
                    (v.spfResult ?? AuthResult.spfResult(word: v.result)).flatMap { r in
                        (v.domain ?? spf[k]?.domain).map { (result: r, domain: $0.lowercased()) }
                    }
                }
                let dkimIn: [(result: String, domain: String)] = recDKIM.isEmpty
                    ? verifiedDKIM : recDKIM.compactMap { v in v.domain.map { (result: v.result.lowercased(), domain: $0) } }
                let e = await evaluator.evaluate(fromDomain: fromDomain, spf: spfIn, dkim: dkimIn)
                let who = spf[k]?.recordedBy ?? recDMARC?.receiver ?? attribution.receiverName(k)
                let basis = "hop \(hops[k].index) (\(who)): its recorded SPF"
                    + (recDKIM.isEmpty ? (verifiedDKIM.isEmpty ? ", no DKIM result" : ", DKIM as re-verified now") : " and DKIM results")
                let action = recDMARC.flatMap { Self.property("action", in: $0.raw) }
                check = DMARCCheck(hop: hops[k].index, basis: basis, evaluation: e, recorded: recDMARC?.result.lowercased(), recordedAction: action)
                out.dmarcChecks.append(check!)
            }
            if recDMARC?.result.lowercased() == "fail" || check?.evaluation.result == .fail {
                failing.append((k, check, recDMARC))
            }
        }
        guard !failing.isEmpty else { return }
        // One finding: the first receiver that recorded dmarc=fail, else the first failing check.
        let main = failing.first { $0.recorded?.result.lowercased() == "fail" } ?? failing[0]
        let k = main.k
        let hopNo = hops[k].index
        let who = spf[k]?.recordedBy ?? main.recorded?.receiver ?? attribution.receiverName(k)
        var text = main.recorded?.result.lowercased() == "fail"
            ? "DMARC fails for From \(fromDomain) at hop \(hopNo) (\(who)), as the receiver recorded"
            : "DMARC fails for From \(fromDomain) on the results hop \(hopNo)'s receiver (\(who)) recorded"
        text += ": "
        var parts: [String] = []
        if let s = spf[k], let r = s.recorded {
            parts.append("SPF \(r) for \(s.domain ?? fromDomain) (checked \(s.recordedClientIP ?? s.clientIP))")
        }
        let dk = perHop[k].filter { $0.method == .dkim && !$0.header.lowercased().hasPrefix("arc-") }
        if !dk.isEmpty {
            let uniq = Array(Set(dk.map { "DKIM \($0.result.lowercased()) (d=\($0.domain ?? "?"))" })).sorted()
            parts += uniq
        } else if !out.dkim.isEmpty {
            parts.append("DKIM \(DKIMVerification.overall(out.dkim).rawValue) on re-verification")
        } else {
            parts.append("no DKIM result")
        }
        text += parts.joined(separator: ", ") + "; neither gives an aligned pass."
        let originPass = out.dmarcChecks.first { $0.hop == nil }?.evaluation.result == .pass
            || (originHop.flatMap { spf[$0] }.map { $0.replayed == .pass || $0.recorded == "pass" } ?? false)
        let forwarding = brokenSPFHops.contains(k) || out.findings.contains { $0.kind == .dkimBrokenInTransit }
        if forwarding && originPass, let o = originHop, let s = spf[o] {
            text += (listHop() != nil && !brokenSPFHops.contains(k) ? " The mailing list caused it:" : " Forwarding caused it:") + " at the origin (hop \(hops[o].index)) \(s.clientIP) passes SPF for \(s.domain ?? fromDomain), aligned with From"
            text += brokenSPFHops.contains(k) ? ", but this receiver checked a relay's address" : ""
            text += out.findings.contains { $0.kind == .dkimBrokenInTransit } ? ", and the DKIM signature broke in transit." : "."
        } else if forwarding {
            text += " Forwarding contributed (see the SPF/DKIM findings)."
        }
        if let e = main.check?.evaluation ?? out.dmarcChecks.first(where: { $0.hop == nil })?.evaluation, let p = e.policy {
            text += " \(e.recordDomain ?? fromDomain)'s policy p=\(p.rawValue)\(e.pct < 100 ? " pct=\(e.pct)" : "") asked receivers to "
            text += p == .reject ? "reject it" : p == .quarantine ? "quarantine it" : "only report it"
            text += "."
        } else if input.resolver == nil {
            text += " (Policy not looked up: offline.)"
        }
        if let action = main.check?.recordedAction ?? main.recorded.flatMap({ Self.property("action", in: $0.raw) }) {
            text += " The receiver recorded action=\(action)"
            text += action.lowercased() == "oreject" ? " (Microsoft: the policy said reject; the receiver overrode it and delivered, typically to junk)." : "."
        }
        let otherHops = failing.map { hops[$0.k].index }.filter { $0 != hopNo }
        if !otherHops.isEmpty { text += " DMARC also fails on the results recorded at hop\(otherHops.count == 1 ? "" : "s") \(otherHops.map(String.init).joined(separator: ", "))." }
        out.findings.append(Finding(kind: .dmarcFail, severity: .error, hops: failing.map { hops[$0.k].index }, summary: text))
    }

    /// `name=value` anywhere in a resinfo (Microsoft's `action=oreject`).
    static func property(_ name: String, in raw: String) -> String? {
        let lower = raw.lowercased()
        var searchFrom = lower.startIndex
        while let r = lower[searchFrom...].firstRange(of: name.lowercased() + "=") {
            let before = r.lowerBound == lower.startIndex ? " " : lower[lower.index(before: r.lowerBound)]
            if before == " " || before == "\t" || before == ";" || before == "\n" {
                let value = raw[r.upperBound...].prefix { !" \t\r\n;()".contains($0) }
                return value.isEmpty ? nil : String(value)
            }
            searchFrom = r.upperBound
        }
        return nil
    }

    // MARK: Notes

    mutating func writeNotes() {
        var notes = ["DNS answers: \(input.dnsSource)"]
        if input.resolver == nil {
            notes.append("Offline: SPF was not replayed, DKIM and ARC signatures were not verified and DMARC policies were not looked up; every recorded verdict is shown as the receiver wrote it")
        } else if let t = input.messageTime, input.now - t > 30 * 86_400 {
            let year = MailTimestamp(utcSeconds: t, offsetSeconds: 0, raw: "").iso8601.prefix(4)
            var n = "SPF was replayed against the records in \(input.dnsSource) for a message from \(year): evidence about today's policy, not proof of what the receiver saw in \(year)"
            let differ = hops.indices.compactMap { k -> String? in
                guard let s = spf[k], let rec = s.recorded, let rep = s.replayed, !s.recordedInferred,
                      (s.recordedClientIP ?? s.clientIP) == s.clientIP, rec != rep.rawValue else { return nil }
                return "hop \(hops[k].index) recorded \(rec), replays \(rep.rawValue)"
            }
            if !differ.isEmpty { n += "; they differ (\(differ.joined(separator: "; "))), so the records may have changed since" }
            notes.append(n)
        }
        out.notes = notes + out.notes
    }
}

/// Sender Rewriting Scheme addresses (`SRS0=HHH=TT=domain=local@forwarder`, and `SRS1=…==…`).
enum SRS {
    static func decode(_ sender: String) -> (original: String, forwarder: String)? {
        guard let at = sender.lastIndex(of: "@") else { return nil }
        let local = sender[..<at]
        let forwarder = String(sender[sender.index(after: at)...])
        let upper = local.uppercased()
        var rest: Substring
        if upper.hasPrefix("SRS0=") || upper.hasPrefix("SRS0-") || upper.hasPrefix("SRS0+") {
            rest = local.dropFirst(5)
        } else if upper.hasPrefix("SRS1="), let r = local.firstRange(of: "==") {
            rest = local[r.upperBound...]
        } else {
            return nil
        }
        // hash=tt=domain=local
        let parts = rest.split(separator: "=", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 4, !parts[2].isEmpty, !parts[3].isEmpty else { return nil }
        return ("\(parts[3])@\(parts[2])", forwarder)
    }
}

fileprivate extension String {
    func fxTrimmed(_ set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}
