import HopTraceAuth
import HopTraceCore
import HopTraceForensics
import HopTraceGeo
import HopTraceMessage
import HopTraceReceived
import HopTraceTopology

extension IncidentReport {
    /// Header fields quoted as one finding's evidence, at most.
    static let maxEvidence = 8

    /// The incident report of `report`: every decision the renderers would otherwise make.
    public init(report: Report, context: IncidentContext) {
        let primaryChain = report.diagramChain
        var primary: IncidentChain?
        var others: [IncidentChain] = []
        for (i, chain) in report.chains.enumerated() {
            let built = IncidentChain(chain, number: i + 1)
            if let primaryChain, chain == primaryChain, primary == nil {
                primary = built
            } else {
                others.append(built)
            }
        }
        let messageFindings = report.findings.enumerated().map { i, f in
            IncidentFinding(
                id: "m-f\(i + 1)", severity: f.severity, kind: f.kind, hops: f.hops, summary: f.summary, fix: nil,
                evidence: [])
        }
        self.init(
            title: context.title, reportKind: report.reportKind,
            verdict: IncidentVerdict(report: report),
            identity: (primaryChain?.summary ?? []).map { IncidentField(name: $0.name, value: $0.value) },
            provenance: IncidentProvenance(
                version: context.version, dnsSource: context.dnsSource,
                analysisTime: UTCCalendar.iso8601(context.analysisTime), notes: report.notes,
                publicSuffixList: Self.publicSuffixList(report)),
            primary: primary, others: Self.sortedForReading(others),
            messageFindings: Self.bySeverity(messageFindings),
            dnsAnswers: (context.dnsZone ?? "").split(separator: "\n").map(String.init).filter {
                !$0.allSatisfy { $0 == " " || $0 == "\t" || $0 == "\r" }
            },
            diagramDirection: primaryChain.map { DiagramDirection.fitting($0.topology, annotations: $0.annotations) }
                ?? .lr)
    }

    /// The chains in document order.
    static func sortedForReading(_ chains: [IncidentChain]) -> [IncidentChain] {
        chains.sorted { $0.number < $1.number }
    }

    /// Most severe first; equal severities keep their order.
    static func bySeverity(_ findings: [IncidentFinding]) -> [IncidentFinding] {
        findings.enumerated().sorted { a, b in
            a.element.severity != b.element.severity ? a.element.severity > b.element.severity : a.offset < b.offset
        }.map(\.element)
    }

    static func publicSuffixList(_ report: Report) -> String? {
        for chain in report.chains {
            for note in chain.authentication.notes {
                if case .publicSuffixList(let source) = note { return FindingsText.publicSuffixListSource(source) }
            }
        }
        return nil
    }
}

extension IncidentVerdict {
    /// The verdict of a whole report: the worst severity and counts over every chain, and the
    /// statements from the findings of the chain the report is about (`Report.diagramChain`):
    /// an SPF break, a DMARC failure, a broken DKIM signature, in that order, at most two;
    /// without any of them, the most severe warnings or errors; else a clean bill.
    public init(report: Report) {
        let all = report.findings + report.chains.flatMap(\.findings)
        severity = all.map(\.severity).max()
        errors = all.filter { $0.severity == .error }.count
        warnings = all.filter { $0.severity == .warning }.count
        infos = all.filter { $0.severity == .info }.count
        guard let chain = report.diagramChain, !chain.hops.isEmpty else {
            let worst = IncidentReport.bySeverityFindings(report.findings).first { $0.severity > .info }
            statements = worst.map { [.finding($0.kind, $0.severity, hops: $0.hops)] } ?? [.noHops]
            return
        }
        var spf: [VerdictStatement] = []
        var dmarc: [VerdictStatement] = []
        var dkim: [VerdictStatement] = []
        var filtered: [VerdictStatement] = []
        for finding in chain.authentication.findings {
            switch finding {
            case .spfBrokenByForwarding(let b): spf.append(.spfBroke(b))
            case .dmarcFail(let d): dmarc.append(.dmarcFailed(d))
            case .dkimFailed(let b): dkim.append(.dkimBroke(domain: b.domain, hops: b.hops))
            case .dkimRecordedFailure(let b): dkim.append(.dkimBroke(domain: b.domain, hops: b.hops))
            case .compositeAuthenticationFailed, .spoofVerdict:
                let f = FindingsText.finding(finding)
                filtered.append(.finding(f.kind, f.severity, hops: f.hops))
            }
        }
        let auth = Array((spf.prefix(1) + dmarc.prefix(1) + dkim.prefix(1) + filtered.prefix(1)).prefix(2))
        if !auth.isEmpty {
            statements = auth
            return
        }
        let serious = IncidentReport.bySeverityFindings(report.findings + chain.findings).filter { $0.severity > .info }
        if !serious.isEmpty {
            statements = serious.prefix(2).map { .finding($0.kind, $0.severity, hops: $0.hops) }
            return
        }
        statements = [.clean(hops: chain.hops.count)]
    }
}

extension IncidentReport {
    static func bySeverityFindings(_ findings: [Finding]) -> [Finding] {
        findings.enumerated().sorted { a, b in
            a.element.severity != b.element.severity ? a.element.severity > b.element.severity : a.offset < b.offset
        }.map(\.element)
    }
}

extension IncidentChain {
    init(_ chain: ChainReport, number: Int) {
        let auth = chain.authentication
        let broken = Set(auth.marks.filter { $0.severity == .error }.map(\.hop))
        let transit = chain.hops.compactMap(\.hop.delaySeconds).filter { $0 > 0 }.reduce(0, +)
        let hops = chain.hops.map { IncidentHop($0, auth: auth.hop($0.index), transit: transit, broken: broken) }
        let findings = chain.findings.enumerated().map { i, f in
            let forensic = auth.findings.first { FindingsText.finding($0) == f }
            return IncidentFinding(
                id: "c\(number)-f\(i + 1)", severity: f.severity, kind: f.kind, hops: f.hops,
                summary: forensic.map(FindingsText.statement) ?? f.summary,
                fix: forensic.flatMap(FindingsText.fix),
                evidence: Self.evidence(for: f, in: chain))
        }
        let authKinds: Set<FindingKind> = [.spfBrokenByForwarding, .dkimBrokenInTransit, .dmarcFail]
        let sorted = IncidentReport.bySeverity(findings)
        self.init(
            number: number, isEmbedded: chain.source == .embedded, part: chain.part, container: chain.container,
            identity: chain.summary.map { IncidentField(name: $0.name, value: $0.value) },
            hops: hops, transitSeconds: transit,
            authentication: IncidentAuthentication(
                chain: chain, broken: broken,
                breaks: sorted.filter { authKinds.contains($0.kind) }.map {
                    IncidentBreak(findingID: $0.id, kind: $0.kind, hops: $0.hops, fix: $0.fix)
                }),
            findings: sorted,
            headers: chain.headers.fields.map(IncidentHeader.init),
            filtering: Self.filtering(chain))
    }

    /// The vendors' filtering verdicts tied to this chain's hops, each with the header fields it
    /// was decoded from.
    static func filtering(_ chain: ChainReport) -> [IncidentFilteringVerdict] {
        let auth = chain.authentication
        return VendorVerdictText.rows(auth).map { row in
            let indexes = Set(
                auth.hops.filter { $0.hop == row.hop }.flatMap(\.vendorVerdicts)
                    .filter { $0.decoded.vendor == row.vendor }.compactMap(\.decoded.headerIndex))
            return IncidentFilteringVerdict(
                hop: row.hop, vendor: row.vendorName, verdict: row.verdict, summary: row.line,
                evidence: row.evidence, checkedHop: row.checkedHop,
                raw: chain.headers.fields.filter { indexes.contains($0.location.headerIndex) }.map(IncidentHeader.init))
        }
    }

    /// The header fields a finding rests on: the Received lines of its hops and, for an
    /// authentication finding, the verdicts receivers recorded at those hops for its methods.
    static func evidence(for f: Finding, in chain: ChainReport) -> [IncidentHeader] {
        let hops = Set(f.hops)
        var indexes: [Int] = chain.hops.filter { hops.contains($0.index) }.compactMap { $0.hop.location?.headerIndex }
        let methods: Set<AuthMethod>
        switch f.kind {
        case .spfBrokenByForwarding: methods = [.spf]
        case .dkimBrokenInTransit: methods = [.dkim]
        case .dmarcFail: methods = [.dmarc, .spf, .dkim]
        default: methods = []
        }
        if !methods.isEmpty {
            for h in chain.authentication.hops where hops.contains(h.hop) {
                indexes += h.verdicts.filter { methods.contains($0.method) }.compactMap(\.headerIndex)
            }
        }
        var seen = Set<Int>()
        let unique = indexes.sorted().filter { seen.insert($0).inserted }
        return unique.compactMap { i in chain.headers.fields.first { $0.location.headerIndex == i } }
            .prefix(IncidentReport.maxEvidence).map(IncidentHeader.init)
    }
}

extension IncidentHeader {
    init(_ field: HeaderField) {
        var raw = String(decoding: field.raw, as: UTF8.self)
        while let last = raw.unicodeScalars.last, last == "\r" || last == "\n" { raw.unicodeScalars.removeLast() }
        self.init(index: field.location.headerIndex, name: field.name, raw: raw)
    }
}

extension IncidentHop {
    init(_ hop: HopReport, auth: HopAuthentication?, transit: Int, broken: Set<Int>) {
        let r = hop.received
        let helo = r.from?.helo
        var rdns = r.from?.rdns
        if let h = helo, let n = rdns, DomainName.normalized(h) == DomainName.normalized(n) { rdns = nil }
        let sender = IncidentEndpoint(
            name: helo ?? rdns, rdns: helo == nil ? nil : rdns,
            address: r.from?.ip?.description ?? r.from?.ipText, scope: hop.fromScope?.rawValue,
            geo: Self.geo(hop.fromGeo))
        let receiver = IncidentEndpoint(
            name: r.by?.name, rdns: nil, address: r.by?.ip?.description ?? r.by?.ipText,
            scope: hop.byScope?.rawValue, geo: Self.geo(hop.byGeo))
        let delay = hop.hop.delaySeconds
        var percent: Int?
        if let delay, delay > 0, transit > 0 { percent = max(1, (delay * 100 + transit / 2) / transit) }
        var replayed: [IncidentVerdictCell] = []
        if let spf = auth?.spf {
            if let result = spf.replayed {
                replayed.append(
                    IncidentVerdictCell(
                        method: "spf", result: result.rawValue,
                        detail: IncidentText.spfReplayDetail(domain: spf.domain, clientIP: spf.clientIP.description),
                        failed: result == .fail || result == .softfail || result == .permerror))
            }
            if let helo = spf.heloReplayed {
                replayed.append(
                    IncidentVerdictCell(
                        method: "spf (helo)", result: helo.rawValue, detail: spf.helo,
                        failed: helo == .fail || helo == .softfail || helo == .permerror))
            }
        }
        self.init(
            index: hop.index, sender: sender, receiver: receiver, comment: r.commentOnly,
            protocolName: r.with?.keyword, tls: r.with?.tls == true || r.tls != nil,
            authenticated: r.with?.authenticated == true,
            tlsDetail: r.tls.flatMap { t in
                let parts = [t.version, t.cipher, t.bits.map { $0 + " bits" }].compactMap { $0 }
                return parts.isEmpty ? nil : parts.joined(separator: " ")
            },
            time: r.timestamp?.iso8601, delaySeconds: delay, transitPercent: percent,
            clockSkew: (delay ?? 0) < 0,
            software: hop.software.map { id in
                var product = id.product
                if let v = id.version, !product.contains(v) { product += " " + v }
                return IncidentSoftware(product: product, release: id.release, note: id.note)
            },
            recorded: IncidentVerdictCell.unique((auth?.verdicts ?? []).map(IncidentVerdictCell.init)),
            replayed: replayed, broken: broken.contains(hop.index))
    }

    static func geo(_ g: GeoRecord?) -> [String] {
        guard let g else { return [] }
        return [g.country, g.city, g.asn.map { "AS\($0)" }, g.org].compactMap { $0 }
    }
}

extension IncidentVerdictCell {
    init(_ v: RecordedVerdict) {
        var detail: [String] = []
        if let d = v.domain { detail.append(d) }
        if let by = v.receiver { detail.append(IncidentText.recordedBy(by)) }
        self.init(
            method: v.methodName, result: v.word + (v.inferred ? IncidentText.inferredMark : ""),
            detail: detail.isEmpty ? nil : detail.joined(separator: " "), failed: v.result.isFailure)
    }

    /// The cells in order, each once (a receiver that wrote the same verdict twice).
    static func unique(_ cells: [IncidentVerdictCell]) -> [IncidentVerdictCell] {
        var seen = Set<IncidentVerdictCell>()
        return cells.filter { seen.insert($0).inserted }
    }
}

extension IncidentAuthentication {
    init(chain: ChainReport, broken: Set<Int>, breaks: [IncidentBreak]) {
        let auth = chain.authentication
        var rows: [IncidentAuthRow] = []
        for h in auth.hops {
            var spf = IncidentComparison(recorded: [], replayed: nil, notReplayed: nil)
            if let s = h.spf {
                spf.recorded = s.recordedVerdict.map { [IncidentVerdictCell($0)] } ?? []
                if let r = s.replayed {
                    spf.replayed = IncidentVerdictCell(
                        method: "spf", result: r.rawValue,
                        detail: IncidentText.spfReplayDetail(domain: s.domain, clientIP: s.clientIP.description),
                        failed: r == .fail || r == .softfail || r == .permerror)
                } else if let why = s.skipped {
                    spf.notReplayed = IncidentText.notReplayed(why)
                }
            }
            let dkim = IncidentComparison(
                recorded: IncidentVerdictCell.unique(
                    auth.recordedDKIM.filter { $0.hop == h.hop }.map { IncidentVerdictCell($0.verdict) }),
                replayed: nil, notReplayed: nil)
            var arcCells = h.verdicts.filter { $0.method == .arc }.map(IncidentVerdictCell.init)
            arcCells += auth.arcLedger.filter { $0.hop == h.hop }.map {
                IncidentVerdictCell(
                    method: "arc", result: IncidentText.arcInstance($0.instance), detail: $0.sealDomain, failed: false)
            }
            let arc = IncidentComparison(
                recorded: IncidentVerdictCell.unique(arcCells), replayed: nil, notReplayed: nil)
            let check = auth.dmarcChecks.first { $0.hop == h.hop }
            let dmarc = IncidentComparison(
                recorded: IncidentVerdictCell.unique(
                    h.verdicts.filter { $0.method == .dmarc }.map(IncidentVerdictCell.init)),
                replayed: check.map(Self.cell), notReplayed: nil)
            let row = IncidentAuthRow(
                hop: h.hop, receiver: h.spf?.recordedBy ?? chain.hops.first { $0.index == h.hop }?.received.by?.name,
                spf: spf, dkim: dkim, arc: arc, dmarc: dmarc, broken: broken.contains(h.hop))
            if !(spf.isEmpty && dkim.isEmpty && arc.isEmpty && dmarc.isEmpty) || row.broken { rows.append(row) }
        }
        var results: [IncidentVerdictCell] = auth.dkim.map { d in
            IncidentVerdictCell(
                method: "dkim", result: d.result.rawValue,
                detail: IncidentText.dkimDetail(
                    domain: d.domain, selector: d.selector, failure: d.failure?.description),
                failed: d.result != .pass && d.result != .none)
        }
        if let arc = auth.arc {
            results.append(
                IncidentVerdictCell(
                    method: "arc", result: arc.result.rawValue,
                    detail: IncidentText.arcDetail(instances: arc.instanceCount, failure: arc.failure?.description),
                    failed: arc.result.rawValue == "fail"))
        }
        results += auth.dmarcChecks.filter { $0.hop == nil }.map(Self.cell)
        let notes = auth.notes.compactMap { note -> String? in
            switch note {
            case .dnsSource, .publicSuffixList: return nil
            default: return FindingsText.text(note)
            }
        }
        self.init(rows: rows, chainResults: results, breaks: breaks, notes: notes)
    }

    static func cell(_ c: DMARCCheck) -> IncidentVerdictCell {
        IncidentVerdictCell(
            method: "dmarc", result: c.evaluation.result.rawValue,
            detail: IncidentText.dmarcDetail(
                domain: c.evaluation.fromDomain, atOrigin: c.hop == nil, policy: c.evaluation.policy?.rawValue,
                action: c.recordedAction),
            failed: c.evaluation.result.rawValue == "fail")
    }
}
