import HopTraceAuth
import HopTraceCore
import HopTraceMessage
import HopTraceReceived

/// Where authentication broke on a chain. The stages run in order, each taking the values the
/// earlier ones returned:
///
/// 1. verdicts: every recorded verdict tied to the hop that wrote it (`HopAttribution`);
/// 2. senders: the envelope sender at each hop (`SenderStage`);
/// 3. origin: the sender organisation's outbound MTA, where SPF applies (`SPFOrigin`);
/// 4. SPF replay at every hop (`SPFStage`);
/// 5. DKIM re-verification (`DKIMStage`), ARC validation and ledger (`ARCStage`);
/// 6. forwarding breaks: receivers that checked a relay instead of the origin (`ForwardingBreaks`);
/// 7. DKIM failures and their causes;
/// 8. DMARC at the origin and at each receiver (`DMARCStage`).
///
/// The result holds typed values only; `FindingsText` words them.
public enum AuthForensics {
    /// Runs every stage. Never throws: DNS failures become temperror or skip reasons.
    public static func analyze(_ input: ForensicsInput) async -> ChainAuthentication {
        let hops = input.hops
        let headers = input.chain.headers
        let attribution = HopAttribution(
            hops: hops, topology: input.topology, software: input.software,
            publicSuffixList: input.publicSuffixList)
        let verdicts = AttributedVerdicts.attribute(headers, with: attribution)
        let vendor = VendorVerdictStage.tie(headers, attribution: attribution, verdicts: verdicts)
        let vendorFindings = vendor.findings(attribution: attribution, verdicts: verdicts)
        let senders = SenderStage.infer(
            hops: hops, verdicts: verdicts, headers: headers, topology: input.topology,
            attribution: attribution)
        let origin = SPFOrigin.find(hops: hops, topology: input.topology, attribution: attribution)
        let spf = await SPFStage.replay(hops: hops, senders: senders, verdicts: verdicts, origin: origin, input: input)
        var dkim = DKIMStage(input: input, verdicts: verdicts, attribution: attribution)
        await dkim.verify(input: input)
        let arc = await ARCStage.read(input: input, headers: dkim.headers, verdicts: verdicts, attribution: attribution)
        let forwarding = ForwardingBreaks.find(
            hops: hops, spf: spf, verdicts: verdicts, origin: origin, headers: headers,
            topology: input.topology, attribution: attribution)
        let dkimFailures = dkim.failures(origin: origin, body: input.body != nil)
        let dmarc = await DMARCStage.evaluate(
            input: input, verdicts: verdicts, attribution: attribution,
            prior: .init(
                spf: spf, origin: origin, dkim: dkim.verifications, brokenSPF: forwarding.brokenPositions,
                dkimBroke: !dkimFailures.findings.isEmpty),
            hasList: dkim.list != nil)

        var out = ChainAuthentication()
        out.hops = hops.indices.map { k in
            HopAuthentication(
                hop: hops[k].index, spf: spf[k], verdicts: verdicts.perHop[k],
                attributionNotes: verdicts.notesPerHop[k],
                vendorVerdicts: vendor.perHop[k])
        }
        out.unattributed = verdicts.unattributed
        out.recordedDKIM = verdicts.recordedDKIM
        out.dkim = dkim.verifications
        out.arc = arc.validation
        out.arcLedger = arc.ledger
        out.dmarcChecks = dmarc.checks
        out.findings =
            forwarding.breaks.map(ForensicFinding.spfBrokenByForwarding) + dkimFailures.findings
            + (dmarc.failure.map { [ForensicFinding.dmarcFail($0)] } ?? []) + vendorFindings.findings
        out.unattributedVendorVerdicts = vendor.unattributed
        out.filterMarks = vendorFindings.marks
        out.marks = forwarding.breaks.map { b in
            BreakMark(
                hop: b.hop, severity: .error, kind: .spfBrokenByForwarding, recorded: b.recorded, checked: b.checked,
                relay: b.enteredOrganisation ?? b.relayName)
        }
        out.notes =
            leadingNotes(input: input, spf: spf)
            + vendor.remainingNotes(verdicts.unattributedNotes).map(ForensicsNote.attribution)
            + dkim.notes + arc.notes + forwarding.notes + dkimFailures.notes + dmarc.notes
        return out
    }

    /// Where DNS came from, and what replaying today means for an old message.
    static func leadingNotes(input: ForensicsInput, spf: [HopSPF?]) -> [ForensicsNote] {
        var notes: [ForensicsNote] = [.dnsSource(input.dnsSource), .publicSuffixList(input.publicSuffixList.source)]
        if input.resolver == nil {
            notes.append(.offline)
        } else if let t = input.messageTime, input.now - t > 30 * 86_400 {
            let year = String(UTCCalendar.isoDay(t).prefix(4))
            let differ = input.hops.indices.compactMap { k -> ForensicsNote.Difference? in
                guard let s = spf[k], let rec = s.recorded, let rep = s.replayed, !s.recordedInferred,
                    s.checkedIP == s.clientIP, rec != rep
                else { return nil }
                return .init(hop: input.hops[k].index, recorded: rec, replayed: rep)
            }
            notes.append(.replayAge(dnsSource: input.dnsSource, year: year, differences: differ))
        }
        return notes
    }
}
