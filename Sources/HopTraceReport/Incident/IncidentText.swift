import HopTraceAuth
import HopTraceCore
import HopTraceForensics

/// Every word of the incident report (HTML, Markdown) and of the terminal report's summary:
/// the verdict's sentences, section titles, column headings, cells. The model
/// (`IncidentReport`) holds typed values; the renderers take their words from here.
public enum IncidentText {
    // MARK: - The verdict

    /// One line over the verdict's sentences.
    public static func headline(_ v: IncidentVerdict) -> String {
        let auth = v.statements.contains { s in
            switch s {
            case .spfBroke, .dmarcFailed, .dkimBroke: return true
            case .finding, .clean, .noHops: return false
            }
        }
        if auth { return "Authentication broke" }
        switch v.severity {
        case .error?: return "Errors found"
        case .warning?: return "Warnings found"
        case .info?, nil: return "No problem found"
        }
    }

    /// `3 errors, 1 warning, 6 informational findings`; `no findings`.
    public static func counts(_ v: IncidentVerdict) -> String {
        var parts: [String] = []
        if v.errors > 0 { parts.append(plural(v.errors, "error")) }
        if v.warnings > 0 { parts.append(plural(v.warnings, "warning")) }
        if v.infos > 0 { parts.append(plural(v.infos, "informational finding")) }
        return parts.isEmpty ? "no findings" : parts.joined(separator: ", ")
    }

    public static func statement(_ s: VerdictStatement) -> String {
        switch s {
        case .spfBroke(let b): return spfBroke(b)
        case .dmarcFailed(let d): return dmarcFailed(d)
        case .dkimBroke(let domain, let hops):
            return "The DKIM signature of \(domain ?? "the sender") broke in transit (\(hopList(hops)))."
        case .finding(let kind, _, let hops):
            return findingPhrase(kind) + (hops.isEmpty ? "" : " (\(hopList(hops)))") + "."
        case .clean(let hops):
            return "No authentication failure or anomaly found across \(plural(hops, "hop"))."
        case .noHops:
            return "The message has no Received headers: there is no path to trace."
        }
    }

    static func spfBroke(_ b: SPFBreak) -> String {
        let whose: String
        switch b.owner {
        case .organisation(let name): whose = name.map { "\($0)'s relay" } ?? "a relay"
        case .receiversOwn: whose = "its own relay"
        case .receiversInbound(let org, _, _): whose = "\(org)'s inbound relay"
        }
        let relay = b.relayName.map { " (\($0))" } ?? ""
        let checked =
            b.inferredFrom == nil
            ? "recorded SPF \(b.recorded.rawValue) after checking" : "blocked the message on SPF after checking"
        return
            "SPF broke at hop \(b.hop): \(b.receiver) \(checked) \(whose) \(b.checked)\(relay) instead of the origin "
            + "\(b.originName) \(b.originIP), which passes SPF for \(b.originDomain ?? b.domain ?? "the sender's domain")."
    }

    static func dmarcFailed(_ d: DMARCFailure) -> String {
        var text = "DMARC failed for \(d.fromDomain) at hop \(d.hop) (\(d.receiver))"
        switch d.cause {
        case .forwarding(let byList, _, _, _, _, _)?:
            text += byList ? " because of the mailing list" : " because of the forwarding"
        case .forwardingContributed?: text += ", forwarding contributing"
        case nil: break
        }
        if let p = d.policy {
            text += "; the policy p=\(p.policy.rawValue) of \(p.domain) asked receivers to \(ask(p.policy))"
        }
        switch d.action?.lowercased() {
        case "oreject"?:
            text += "; the receiver overrode it and delivered the message, typically to junk (action=oreject)"
        case "oquarantine"?:
            text += "; the receiver overrode it (action=oquarantine)"
        case let action?:
            text += "; the receiver recorded action=\(action)"
        case nil: break
        }
        return text + "."
    }

    static func ask(_ p: DMARCPolicy) -> String {
        switch p {
        case .none: return "only report it"
        case .quarantine: return "quarantine it"
        case .reject: return "reject it"
        }
    }

    static func findingPhrase(_ kind: FindingKind) -> String {
        switch kind {
        case .spfBrokenByForwarding: return "SPF broke where a receiver checked a relay"
        case .dkimBrokenInTransit: return "A DKIM signature broke in transit"
        case .dmarcFail: return "DMARC failed"
        case .compauthFail: return "The receiving filter's composite authentication failed"
        case .spoofVerdict: return "A filter judged the message spoofing or impersonation"
        case .natInterface: return "A host has a public and an internal address"
        case .hostAlias: return "Two names are one host"
        case .pathReenters: return "The path enters the same host twice"
        case .chainGap: return "A Received header is missing or forged: the chain does not connect"
        case .clockSkew: return "The hops' clocks disagree"
        case .unparsedReceived: return "A Received header could not be read"
        case .unsupportedSoftware: return "A hop ran software that was out of support"
        case .limitReached: return "An input limit was reached: the analysis covers part of the message"
        case .unreadablePart: return "A part that should hold the original message could not be read"
        }
    }

    // MARK: - Cells

    /// `hop 4`, `hops 1–4`, `hops 2, 5`.
    public static func hopList(_ hops: [Int]) -> String {
        let sorted = Array(Set(hops)).sorted()
        guard sorted.count > 1 else { return sorted.first.map { "hop \($0)" } ?? "" }
        var runs: [String] = []
        var start = sorted[0]
        var end = start
        for h in sorted.dropFirst() {
            if h == end + 1 {
                end = h
                continue
            }
            runs.append(start == end ? "\(start)" : end == start + 1 ? "\(start), \(end)" : "\(start)–\(end)")
            start = h
            end = h
        }
        runs.append(start == end ? "\(start)" : end == start + 1 ? "\(start), \(end)" : "\(start)–\(end)")
        return "hops " + runs.joined(separator: ", ")
    }

    public static func delay(_ seconds: Int) -> String {
        seconds < 0 ? "\(seconds) s (clock skew)" : "+\(seconds) s"
    }

    public static func transitShare(_ percent: Int) -> String { "\(percent)% of the transit time" }

    public static func transit(_ seconds: Int) -> String { "total transit \(seconds) s" }

    static func spfReplayDetail(domain: String?, clientIP: String) -> String {
        "\(domain ?? "?") from \(clientIP)"
    }

    static func recordedBy(_ receiver: String) -> String { "by " + receiver }

    static let inferredMark = " (inferred)"

    static func notReplayed(_ skip: SPFReplaySkip) -> String {
        switch skip {
        case .offline: return "not replayed: offline"
        case .internalAddress(_, let scope): return "not replayed: \(scope.rawValue) address"
        case .noSender: return "not replayed: no envelope sender"
        case .notChecked(.authenticatedSubmission, _): return "not checked: authenticated submission"
        case .notChecked(.insideSenderOrganisation, _): return "not checked: inside the sender's organisation"
        }
    }

    static func arcInstance(_ i: Int) -> String { "i=\(i) sealed" }

    static func dkimDetail(domain: String?, selector: String?, failure: String?) -> String {
        "re-verified d=\(domain ?? "?") s=\(selector ?? "?")" + (failure.map { ": " + $0 } ?? "")
    }

    static func arcDetail(instances: Int, failure: String?) -> String {
        "validated, \(plural(instances, "instance"))" + (failure.map { ": " + $0 } ?? "")
    }

    static func dmarcDetail(domain: String, atOrigin: Bool, policy: String?, action: String?) -> String {
        var s = (atOrigin ? "at the origin (replayed) for " : "from the receiver's results for ") + domain
        if let policy { s += ", p=" + policy }
        if let action { s += ", action=" + action }
        return s
    }

    public static func chainTitle(_ c: IncidentChain) -> String {
        "Chain \(c.number): "
            + (c.isEmbedded
                ? "embedded original (part \(c.part.isEmpty ? "-" : c.part), \(c.container))" : "the message itself")
    }

    public static func severityWord(_ s: Severity) -> String { s.rawValue }

    public static func diagramUnavailable(_ reason: String) -> String {
        "The diagram is unavailable: \(reason)"
    }

    public static let diagramNone = "No diagram: the message has no Received headers to draw."

    public static func reportOf(_ kind: String?) -> String {
        kind.map { "The message is a \($0); the report follows the original it carries." } ?? ""
    }

    // MARK: - Titles and headings

    public static let documentTitle = "hoptrace incident report"
    public static let verdictTitle = "Verdict"
    public static let identityTitle = "Message"
    public static let provenanceTitle = "Analysis"
    public static let diagramTitle = "Relay path"
    public static let hopsTitle = "Hops"
    public static let authenticationTitle = "Authentication"
    public static let filteringTitle = "Filtering verdicts"
    public static let filteringColumns = ["Hop", "Vendor", "Verdict", "What its headers say"]
    public static let noFilterVerdict = "none recorded"

    public static func checkedHop(_ hop: Int) -> String { "checked hop \(hop)'s client" }
    public static let findingsTitle = "Findings"
    public static let appendixTitle = "Appendix"
    public static let headersTitle = "Headers, verbatim"
    public static let dnsTitle = "DNS answers the replays used"
    public static let otherChainsTitle = "Other chains"
    public static let messageFindingsTitle = "Findings about the whole message"
    public static let noFindings = "No findings."
    public static let noDNS = "No DNS answers were used (offline, or nothing was replayed)."
    public static let evidenceTitle = "Evidence"
    public static let fixTitle = "Fix"
    public static let noAuthentication = "No authentication results were recorded or replayed."
    public static let chainResultsTitle = "Chain-level results"
    public static let brokeHere = "broke here"
    public static let seeFinding = "see finding"

    public static let provenanceVersion = "hoptrace version"
    public static let provenanceDNS = "DNS source"
    public static let provenanceTime = "Analysis time"
    public static let provenancePSL = "Public Suffix List"
    public static let provenanceNotes = "Notes"

    public static let hopColumns = [
        "#", "Sender", "Receiver", "Protocol", "Time", "Delay", "Software", "Recorded verdicts", "Replayed",
    ]
    public static let authColumns = ["Hop", "Receiver", "SPF", "DKIM", "ARC", "DMARC"]
    public static let recordedWord = "recorded"
    public static let replayedWord = "replayed"
    public static let evaluatedWord = "evaluated"
    public static let rdnsWord = "rdns"
    public static let tlsWord = "TLS"
    public static let authWord = "auth"

    // MARK: - The mailbox index

    public static let indexTitle = "hoptrace incident reports"
    public static let indexBySeverity = "By severity"
    public static let indexInOrder = "In mailbox order"
    public static let indexColumns = ["Message", "Severity", "Findings", "Subject", "From", "Date", "Verdict"]
    public static func indexSummary(messages: Int, unreadable: Int) -> String {
        plural(messages, "message") + (unreadable > 0 ? ", \(unreadable) unreadable" : "")
    }
    public static let unreadable = "unreadable"

    static func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
}
