import HopTraceAuth
import HopTraceCore
import HopTraceTopology

/// Every sentence the forensics' findings, notes and marks are read as. The stages return typed
/// values; the report's text, JSON and diagram word them here.
public enum FindingsText {
    // MARK: - Findings

    /// The finding as the report carries it: kind, severity, hops and one summary.
    public static func finding(_ f: ForensicFinding) -> Finding {
        Finding(kind: f.kind, severity: f.severity, hops: f.hops, summary: summary(f))
    }

    public static func summary(_ f: ForensicFinding) -> String {
        switch f {
        case .spfBrokenByForwarding(let b): return spfBreak(b)
        case .dkimFailed(let b): return dkimBreak(b)
        case .dkimRecordedFailure(let b): return recordedDKIMBreak(b)
        case .dmarcFail(let d): return dmarcFailure(d)
        case .compositeAuthenticationFailed(let f): return VendorVerdictText.summary(f)
        case .spoofVerdict(let v): return VendorVerdictText.summary(v)
        }
    }

    /// Where the Public Suffix List came from, in a few words.
    public static func publicSuffixListSource(_ source: PublicSuffixList.Source) -> String {
        switch source {
        case .file(let path): return path
        case .bundled: return "the copy built into hoptrace"
        case .text: return "given by the caller"
        }
    }

    /// A finding's text without the fix its summary ends with, for a report that shows the fix
    /// on its own (`fix(_:)`).
    public static func statement(_ f: ForensicFinding) -> String {
        switch f {
        case .spfBrokenByForwarding(let b): return spfBreak(b, withFix: false)
        default: return finding(f).summary
        }
    }

    static func spfBreak(_ b: SPFBreak, withFix: Bool = true) -> String {
        let domainText = b.domain ?? "the sender's domain"
        let whose: String
        switch b.owner {
        case .organisation(let name): whose = name.map { "\($0)'s relay" } ?? "a relay"
        case .receiversOwn(let name): whose = "\(name ?? "the receiver")'s own relay"
        case .receiversInbound(let org, let domain, let hop):
            whose = "\(org)'s own inbound relay: it accepted the message for @\(domain) at hop \(hop)"
        }
        let relayDesc = b.relayName.map { "\(b.checked) (\($0), \(whose))" } ?? "\(b.checked) (\(whose))"
        let how: String
        switch b.originPass {
        case .replayed: how = "passes SPF (replayed)"
        case .recorded(let by): how = "passed SPF (recorded \(by.map { "by \($0)" } ?? "there"))"
        }
        var text = "Hop \(b.hop): \(b.receiver)\(b.receiverHost.map { $0 != b.receiver ? " (\($0))" : "" } ?? "") "
        text += b.inferredFrom.map { "blocked the message on SPF (\($0))" } ?? "recorded SPF \(b.recorded.rawValue)"
        text += " for \(domainText) after checking \(relayDesc), not the origin. "
        text +=
            "At hop \(b.originHop) the origin \(b.originName) \(b.originIP) \(how) for \(b.originDomain ?? "that domain"). "
        if b.owner.isReceiversOwn {
            text +=
                "The receiver evaluated SPF behind its own relay, whose address can never be in \(domainText)'s SPF record. "
        } else {
            if b.tenantOwnsRelay, let n = b.relayOrganisation {
                text +=
                    "\(b.receiver) filtered for the \(n) tenant, so \(b.checked) is that tenant's own upstream relay. "
            }
            text += "The relay kept the original envelope sender (no SRS rewrite), so \(domainText)'s SPF record "
            text += "was checked against an address it never authorised. "
        }
        text += "SPF should have been evaluated at hop \(b.boundary)\(b.boundaryReceiver.map { " (\($0))" } ?? ""), "
        text += "where the message entered \(b.enteredOrganisation ?? "the relaying organisation") from outside. "
        if withFix {
            text += "Fix: " + spfBreakFix(b)
            text += "."
        } else if text.hasSuffix(" ") {
            text.removeLast()
        }
        if let tag = b.subjectTag { text += " It also marked the message as spam and tagged the subject \(tag)." }
        return text
    }

    /// The fix of a finding, when the finding names one (the summary ends with it as "Fix: …").
    public static func fix(_ f: ForensicFinding) -> String? {
        switch f {
        case .spfBrokenByForwarding(let b):
            let text = spfBreakFix(b)
            return text.prefix(1).uppercased() + text.dropFirst() + "."
        case .dkimFailed, .dkimRecordedFailure, .dmarcFail, .compositeAuthenticationFailed, .spoofVerdict: return nil
        }
    }

    static func spfBreakFix(_ b: SPFBreak) -> String {
        var text =
            b.owner.isReceiversOwn
            ? "have the receiver skip its own upstream relays when checking SPF"
            : "SRS at the forwarder\(b.relayOrganisation.map { " (\($0))" } ?? ""), or have the receiver trust or skip its upstream relays"
        switch b.remedy {
        case .exchangeOnlineEnhancedFiltering?:
            text +=
                " (Exchange Online: Enhanced Filtering for Connectors on the inbound connector, so EOP looks past \(b.checked) to \(b.originIP))"
        case .hMailServerIncomingRelays?:
            text +=
                " (hMailServer: list \(b.checked) under Settings › Advanced › Incoming relays, so the SPF check uses the address that connected to the relay)"
        case nil:
            break
        }
        return text
    }

    static func mark(_ m: VisibleMark, list: Bool) -> String {
        switch m.addedBy {
        case .list(let name, let hop, let receiver)?:
            return ", the tag the list \(name) adds (its server \(receiver) received it at hop \(hop))"
        case .spamFilter(let hop, let receiver)?:
            return list
                ? ", added by hop \(hop)'s receiver \(receiver), which marked the message as spam"
                : " (added by hop \(hop)'s receiver \(receiver))"
        case nil:
            return ""
        }
    }

    static func dkimBreak(_ b: DKIMBreak) -> String {
        let causes = b.causes.map { c -> String in
            switch c {
            case .signedHeaderChanged:
                return "a signed header changed after signing (the body hash still matches)"
            case .visibleMark(let m):
                return "the signed \(m.header) now carries \(m.marker)" + mark(m, list: true)
            case .listFooter(let list, let hop, let receiver):
                var text =
                    "the message carries List-Id and the body hash fails: a list server most likely added a footer"
                if let list, let hop, let receiver { text += " (\(list), at hop \(hop)'s receiver \(receiver))" }
                return text
            case .copiedHeaderDiffers(let header, let copied, let current):
                return
                    "z= shows \(header) was \"\(copied.prefix(80))\" when signed, now \"\((current ?? "(removed)").prefix(80))\""
                    + (header.lowercased() == "from" ? " (From rewritten)" : "")
            }
        }
        return
            "DKIM signature d=\(b.domain ?? "?") s=\(b.selector ?? "?") fails on re-verification: \(b.failure ?? "fail")"
            + (causes.isEmpty
                ? "; the headers do not show which hop changed the message."
                : ". Likely cause: " + causes.joined(separator: "; ") + ".")
    }

    static func recordedDKIMBreak(_ b: RecordedDKIMBreak) -> String {
        var text = "DKIM signature d=\(b.domain ?? "?") recorded as \(b.result)\(b.reason.map { " (\($0))" } ?? "")"
        text += " by \(b.recorder)" + (b.hop.map { " at hop \($0)" } ?? "") + "."
        switch b.transit {
        case .visibleMark(let m)?:
            text += " The signature signs \(m.header), which now carries \(m.marker)" + mark(m, list: false) + "."
        case .relays(let names, let first, let last)?:
            text +=
                " Between signing and that check the message passed \(names.joined(separator: " and "))'s relays (hop\(first == last ? " \(first)" : "s \(first)–\(last)")); "
            text +=
                "a signature that left the signer intact fails only if the message changed on the way, so those relays most likely modified a signed header or the body."
        case .unknown?:
            text += " The message changed between signing and that check; the headers that survive do not show where."
        case nil:
            break
        }
        if b.headersOnly { text += " (Only headers survive: the signature could not be re-verified.)" }
        return text
    }

    static func dmarcFailure(_ d: DMARCFailure) -> String {
        var text =
            d.recordedFail
            ? "DMARC fails for From \(d.fromDomain) at hop \(d.hop) (\(d.receiver)), as the receiver recorded"
            : "DMARC fails for From \(d.fromDomain) on the results hop \(d.hop)'s receiver (\(d.receiver)) recorded"
        var spf: [String] = []
        var dkim: [String] = []
        for p in d.parts {
            switch p {
            case .spf(let r, let domain, let checked):
                spf.append("SPF \(r.rawValue) for \(domain) (checked \(checked))")
            case .recordedDKIM(let r, let domain): dkim.append("DKIM \(r) (d=\(domain ?? "?"))")
            case .reverifiedDKIM(let r): dkim.append("DKIM \(r.rawValue) on re-verification")
            case .noDKIM: dkim.append("no DKIM result")
            }
        }
        text += ": " + (spf + Array(Set(dkim)).sorted()).joined(separator: ", ") + "; neither gives an aligned pass."
        switch d.cause {
        case .forwarding(let byList, let originHop, let originIP, let domain, let relayChecked, let dkimBroke)?:
            text +=
                (byList ? " The mailing list caused it:" : " Forwarding caused it:")
                + " at the origin (hop \(originHop)) \(originIP) passes SPF for \(domain), aligned with From"
            text += relayChecked ? ", but this receiver checked a relay's address" : ""
            text += dkimBroke ? ", and the DKIM signature broke in transit." : "."
        case .forwardingContributed?:
            text += " Forwarding contributed (see the SPF/DKIM findings)."
        case nil:
            break
        }
        if let p = d.policy {
            text +=
                " \(p.domain)'s policy p=\(p.policy.rawValue)\(p.pct < 100 ? " pct=\(p.pct)" : "") asked receivers to "
            text += p.policy == .reject ? "reject it" : p.policy == .quarantine ? "quarantine it" : "only report it"
            text += "."
        } else if d.offline {
            text += " (Policy not looked up: offline.)"
        }
        if let action = d.action {
            text += " The receiver recorded action=\(action)"
            text +=
                action.lowercased() == "oreject"
                ? " (Microsoft: the policy said reject; the receiver overrode it and delivered, typically to junk)."
                : "."
        }
        if !d.otherHops.isEmpty {
            text +=
                " DMARC also fails on the results recorded at hop\(d.otherHops.count == 1 ? "" : "s") \(d.otherHops.map(String.init).joined(separator: ", "))."
        }
        return text
    }

    // MARK: - Diagram

    /// The diagram's label for a break.
    public static func annotation(_ m: BreakMark) -> EdgeAnnotation {
        EdgeAnnotation(
            hop: m.hop, severity: m.severity,
            label: "SPF \(m.recorded.rawValue): checked \(m.checked) (\(m.relay ?? "relay") relay)", kind: m.kind)
    }

    // MARK: - Notes

    public static func text(_ n: ForensicsNote) -> String {
        switch n {
        case .dnsSource(let source):
            return "DNS answers: \(source)"
        case .publicSuffixList(let source):
            return "Public Suffix List: " + publicSuffixListSource(source)
        case .offline:
            return
                "Offline: SPF was not replayed, DKIM and ARC signatures were not verified and DMARC policies were not looked up; every recorded verdict is shown as the receiver wrote it"
        case .replayAge(let source, let year, let differences):
            var text =
                "SPF was replayed against the records in \(source) for a message from \(year): evidence about today's policy, not proof of what the receiver saw in \(year)"
            if !differences.isEmpty {
                let list = differences.map {
                    "hop \($0.hop) recorded \($0.recorded.rawValue), replays \($0.replayed.rawValue)"
                }
                text += "; they differ (\(list.joined(separator: "; "))), so the records may have changed since"
            }
            return text
        case .attribution(let note):
            return text(note)
        case .dkimOffline:
            return
                "DKIM not re-verified: offline (no DNS for the key records); the receivers' recorded dkim= verdicts are used"
        case .dkimHeadersOnly:
            return
                "DKIM not re-verified: this chain has headers only (a receipt or bounce keeps no body); the receivers' recorded dkim= verdicts are used"
        case .arcWithoutBody:
            return "ARC validated without the body (header-only chain): message signatures cannot verify"
        case .arcOffline:
            return
                "ARC not validated: offline (no DNS for the seal keys); each instance's ARC-Authentication-Results is still shown"
        case .spfNotAtOrigin(let hop, let receiver, let recorded, let checked, let originIP, let originSkip):
            return
                "Hop \(hop): \(receiver) recorded SPF \(recorded.rawValue) for \(checked), which is not the origin's address "
                + "\(originIP); whether the origin passes could not be checked (\(originSkip.map(text) ?? "no result")), "
                + "so no forwarding conclusion is drawn"
        case .subjectTagged(let hop, let host, let tag, let subject):
            return "Hop \(hop): \(host) tagged the subject \(tag) (Subject: \(subject))"
        case .dkimWouldFail(let domain, let selector, let reason, let m):
            return "DKIM d=\(domain ?? "?") s=\(selector ?? "?") could not be verified (\(reason)); "
                + "it signs \(m.header), which now carries \(m.marker)\(mark(m, list: false)), so it would fail even with the key"
        case .dmarcNoFromDomain(let reason):
            return "DMARC not evaluated: \(reason)"
        case .dmarcOffline:
            return "DMARC policy not looked up: offline; only the receivers' recorded dmarc= verdicts are shown"
        }
    }

    /// Why SPF was not replayed at a hop.
    public static func text(_ s: SPFReplaySkip) -> String {
        switch s {
        case .offline(let source):
            return "offline: no DNS resolver, so SPF was not replayed (\(source))"
        case .internalAddress(let ip, let scope):
            return "\(ip) is a \(scope.rawValue) address: it cannot be in a public SPF record "
                + "unless the domain lists it, and no receiver recorded SPF for it; not replayed"
        case .noSender:
            return "no envelope sender is known at this hop (no Return-Path, envelope-from or smtp.mailfrom)"
        case .notChecked(let why, let originHop):
            let origin = spfOrigin(originHop)
            switch why {
            case .authenticatedSubmission(let keyword):
                return
                    "authenticated submission (\(keyword)): the client is the sender's own user, not a server SPF checks; \(origin); not replayed"
            case .insideSenderOrganisation(let org):
                return
                    "client and receiver are both \(org ?? "the sender's organisation")'s: an internal hop, not one SPF checks; \(origin); not replayed"
            }
        }
    }

    /// Where SPF starts to apply in a chain: the hop whose client is the sender's outbound MTA.
    public static func spfOrigin(_ originHop: Int?) -> String {
        originHop.map { "SPF applies from the sender's outbound MTA at hop \($0)" }
            ?? "no hop of this chain is the sender's outbound MTA"
    }

    /// How a DMARC evaluation's inputs were chosen.
    public static func text(_ b: DMARCBasis) -> String {
        switch b {
        case .origin(let hop, let ip, let body):
            return "origin (hop \(hop)): SPF replayed for \(ip)"
                + (body ? ", DKIM re-verified over the body" : ", DKIM not verifiable (no body)")
        case .receiver(let hop, let receiver, let dkim):
            let d: String
            switch dkim {
            case .recorded: d = " and DKIM results"
            case .reverified: d = ", DKIM as re-verified now"
            case .none: d = ", no DKIM result"
            }
            return "hop \(hop) (\(receiver)): its recorded SPF" + d
        }
    }

    // MARK: - Attribution

    static func what(_ s: AttributionNote.Subject) -> String {
        s.headerIndex.map { "\(s.header) (header \($0 + 1) from the top)" } ?? s.header
    }

    public static func text(_ n: AttributionNote) -> String {
        switch n {
        case .tie(let s, let hops, let chosen):
            return
                "\(what(s)): the evidence fits hops \(hops.map(String.init).joined(separator: ", ")) equally; attributed to hop \(chosen)"
        case .clientNamesOtherHop(let s, let ip, let clientHop, let chosen):
            return
                "\(what(s)) names client \(ip) (hop \(clientHop)'s sender) but the other evidence points to hop \(chosen)"
        case .positionOverruled(let s, let above, let chosen, let byClientIP, let writesBelow):
            return "\(what(s)) sits just above hop \(above)'s Received, but its "
                + (byClientIP ? "client-ip" : "receiver")
                + " names hop \(chosen): attributed to hop \(chosen)"
                + (writesBelow ? " (its writer puts verdicts just below its own Received, as Gmail does)" : "")
        case .receiverNamesOtherHop(let s, let receiver, let hops, let chosen):
            return
                "\(what(s)): receiver \(receiver) is hop \(hops.map(String.init).joined(separator: ", "))'s host, but the client address and position point to hop \(chosen)"
        case .receiverUnknown(let s, let receiver):
            return "\(what(s)): receiver \(receiver) names no host in the chain"
        case .nothingNamed(let s, let v):
            return
                "\(s.header) (\(v.method)=\(v.result)) names no receiver, client or HELO and its position ties it to no Received: not attributed"
        case .appendedIdentified(let s, let v, let product, let hop, let receiver):
            return
                "\(s.header) (\(v.method)=\(v.result)): \(product) appends its headers, so their position says nothing; hop \(hop)'s receiver \(receiver) is identified as \(product)"
        case .appendedByElimination(let s, let v, let product, let hop, let receiver, let others):
            var why =
                "\(s.header) (\(v.method)=\(v.result)): \(product) appends its headers, so their position says nothing and the header names no host; "
            why +=
                "hop \(hop)'s receiver \(receiver) is the only one in the chain that is neither identified as other software"
            why +=
                others.isEmpty
                ? "" : " (\(others.map { "hop \($0.hop) \($0.receiver) runs \($0.software)" }.joined(separator: "; ")))"
            why += " nor the final recipient's own server: attributed to it"
            return why
        case .appendedNoCandidate(let s, let v, let product):
            return
                "\(s.header) (\(v.method)=\(v.result)): no hop's receiver can be the \(product) that wrote it: not attributed"
        }
    }

    /// The note on software tied to a hop by elimination.
    static func tiedByElimination(hop: Int) -> String {
        "tied to hop \(hop) by elimination: its headers' position says nothing, and hop \(hop)'s receiver is the only one whose software nothing else names"
    }
}
