import HopTraceAuth
import HopTraceCore
import HopTraceTopology
import HopTraceVerdicts

/// A conclusion of the forensics with the facts it rests on. `FindingsText` words it.
public enum ForensicFinding: Sendable, Hashable {
    case spfBrokenByForwarding(SPFBreak)
    case dkimFailed(DKIMBreak)
    case dkimRecordedFailure(RecordedDKIMBreak)
    case dmarcFail(DMARCFailure)
    case compositeAuthenticationFailed(CompositeAuthFailure)
    case spoofVerdict(SpoofVerdict)

    public var kind: FindingKind {
        switch self {
        case .spfBrokenByForwarding: return .spfBrokenByForwarding
        case .dkimFailed, .dkimRecordedFailure: return .dkimBrokenInTransit
        case .dmarcFail: return .dmarcFail
        case .compositeAuthenticationFailed: return .compauthFail
        case .spoofVerdict: return .spoofVerdict
        }
    }

    public var severity: Severity {
        switch self {
        case .spfBrokenByForwarding: return .error
        case .dkimFailed(let b): return b.severity
        case .dkimRecordedFailure(let b): return b.severity
        case .dmarcFail: return .error
        case .compositeAuthenticationFailed, .spoofVerdict: return .warning
        }
    }

    /// Hop indexes it concerns.
    public var hops: [Int] {
        switch self {
        case .spfBrokenByForwarding(let b): return [b.hop]
        case .dkimFailed(let b): return b.hops
        case .dkimRecordedFailure(let b): return b.hops
        case .dmarcFail(let f): return f.hops
        case .compositeAuthenticationFailed(let f): return f.checkedHop.map { [$0, f.hop].sorted() } ?? [f.hop]
        case .spoofVerdict(let s): return [s.hop]
        }
    }
}

/// Whose relay a receiver checked instead of the origin.
public enum RelayOwner: Sendable, Hashable {
    /// An organisation other than the receiver's (nil: none known).
    case organisation(String?)
    /// The receiver's own organisation (its name, when known).
    case receiversOwn(String?)
    /// The receiver organisation's inbound relay: it accepted the message for `@domain` at `hop`.
    case receiversInbound(organisation: String, domain: String, hop: Int)

    /// The relay sits in the receiver's own organisation.
    public var isReceiversOwn: Bool {
        if case .organisation = self { return false }
        return true
    }
}

/// A product-specific fix for SPF checked behind a relay.
public enum Remedy: Sendable, Hashable {
    /// Exchange Online: Enhanced Filtering for Connectors on the inbound connector.
    case exchangeOnlineEnhancedFiltering
    /// hMailServer: the relay listed under Settings › Advanced › Incoming relays.
    case hMailServerIncomingRelays
}

/// How the origin's SPF pass is known.
public enum OriginPass: Sendable, Hashable {
    case replayed
    case recorded(by: String?)
}

/// A receiver recorded SPF fail/softfail for a relay's address while the origin passes.
public struct SPFBreak: Sendable, Hashable {
    public var hop: Int
    /// Who recorded the verdict, and the hop's by-name.
    public var receiver: String
    public var receiverHost: String?
    public var recorded: SPFResult
    /// The header a blocked-on-SPF verdict was implied from, when it was not written.
    public var inferredFrom: String?
    /// The domain the receiver checked.
    public var domain: String?
    /// The relay's address the receiver checked, its name and organisation.
    public var checked: IPAddress
    public var relayName: String?
    public var relayOrganisation: String?
    public var owner: RelayOwner
    /// Microsoft named the relay's organisation as the tenant it filtered for.
    public var tenantOwnsRelay: Bool
    public var originHop: Int
    public var originName: String
    public var originIP: IPAddress
    public var originPass: OriginPass
    public var originDomain: String?
    /// Where SPF should have been evaluated: the hop where the relaying organisation took the
    /// message in, and that hop's receiver.
    public var boundary: Int
    public var boundaryReceiver: String?
    public var remedy: Remedy?
    /// The spam tag the receiver put on the Subject, when it also marked the message as spam.
    public var subjectTag: String?

    /// The organisation the message entered from outside at `boundary`.
    public var enteredOrganisation: String? {
        if case .receiversInbound(let org, _, _) = owner { return org }
        return relayOrganisation
    }
}

/// A signed header whose value shows a mark an intermediary adds, and who added it.
public struct VisibleMark: Sendable, Hashable {
    public enum AddedBy: Sendable, Hashable {
        /// A mailing list's tag: the list and the hop where its server received the message.
        case list(String, hop: Int, receiver: String)
        /// A spam filter that marked the message as spam.
        case spamFilter(hop: Int, receiver: String)
    }

    public var header: String
    public var marker: String
    public var addedBy: AddedBy?
}

/// Why a re-verified DKIM signature most likely failed.
public enum DKIMCause: Sendable, Hashable {
    case signedHeaderChanged
    case visibleMark(VisibleMark)
    /// List-Id and a failed body hash: a list footer; the list and its hop when known.
    case listFooter(list: String?, hop: Int?, receiver: String?)
    /// z= shows a signed header's value at signing and now (nil: removed).
    case copiedHeaderDiffers(header: String, copied: String, current: String?)
}

/// A DKIM signature that fails on re-verification.
public struct DKIMBreak: Sendable, Hashable {
    public var domain: String?
    public var selector: String?
    /// The verifier's failure, in its own words.
    public var failure: String?
    public var causes: [DKIMCause]
    public var severity: Severity
    public var hops: [Int]
}

/// Between signing and a recorded failure: what the headers show about where it changed.
public enum DKIMTransit: Sendable, Hashable {
    /// A signed header carries a mark (and who added it, when known).
    case visibleMark(VisibleMark)
    /// Other organisations' relays handled it between signing and the check.
    case relays([String], firstHop: Int, lastHop: Int)
    /// It changed; the surviving headers do not show where.
    case unknown
}

/// A dkim= failure a receiver recorded (no re-verification possible).
public struct RecordedDKIMBreak: Sendable, Hashable {
    public var domain: String?
    /// The result word as recorded, and the recorder's reason.
    public var result: String
    public var reason: String?
    public var recorder: String
    public var hop: Int?
    public var transit: DKIMTransit?
    /// Only headers survive: the signature could not be re-verified.
    public var headersOnly: Bool
    public var severity: Severity
    public var hops: [Int]
}

/// One part of what a failing DMARC evaluation used.
public enum DMARCInputPart: Sendable, Hashable {
    case spf(SPFResult, domain: String, checked: IPAddress)
    case recordedDKIM(result: String, domain: String?)
    case reverifiedDKIM(DKIMResult)
    case noDKIM
}

/// What caused a DMARC failure, when the chain shows it.
public enum DMARCCause: Sendable, Hashable {
    /// The origin passes aligned; forwarding (or a mailing list) broke it.
    case forwarding(
        byList: Bool, originHop: Int, originIP: IPAddress, domain: String,
        relayChecked: Bool, dkimBroke: Bool)
    /// Forwarding contributed; the origin's pass is not known.
    case forwardingContributed
}

/// DMARC fails at a hop.
public struct DMARCFailure: Sendable, Hashable {
    public var fromDomain: String
    public var hop: Int
    public var receiver: String
    /// The receiver recorded dmarc=fail itself (else: the evaluation of its recorded results fails).
    public var recordedFail: Bool
    public var parts: [DMARCInputPart]
    public var cause: DMARCCause?
    /// The policy and where it was read; nil when not known.
    public var policy: PolicyAsked?
    public var offline: Bool
    /// Microsoft's `action=` the receiver recorded.
    public var action: String?
    /// Other hops whose recorded results fail DMARC too.
    public var otherHops: [Int]
    public var hops: [Int]

    /// The policy a domain's DMARC record asks receivers to apply.
    public struct PolicyAsked: Sendable, Hashable {
        public var domain: String
        public var policy: DMARCPolicy
        public var pct: Int
    }
}

/// Something the reader should know that is not a finding: where DNS came from, what was not
/// checked and why, how evidence was read.
public enum ForensicsNote: Sendable, Hashable {
    case dnsSource(String)
    /// Where the registrable domains came from.
    case publicSuffixList(PublicSuffixList.Source)
    case offline
    /// SPF replayed long after the message: today's records; where recorded and replayed differ.
    case replayAge(dnsSource: String, year: String, differences: [Difference])
    case attribution(AttributionNote)
    case dkimOffline
    case dkimHeadersOnly
    case arcWithoutBody
    case arcOffline
    /// A receiver recorded SPF for a relay while the origin's result is unknown.
    case spfNotAtOrigin(
        hop: Int, receiver: String, recorded: SPFResult, checked: IPAddress,
        originIP: IPAddress, originSkip: SPFReplaySkip?)
    case subjectTagged(hop: Int, host: String, tag: String, subject: String)
    /// A signature that could not be verified signs a header that now carries a mark.
    case dkimWouldFail(domain: String?, selector: String?, reason: String, mark: VisibleMark)
    case dmarcNoFromDomain(reason: String)
    case dmarcOffline

    public struct Difference: Sendable, Hashable {
        public var hop: Int
        public var recorded: SPFResult
        public var replayed: SPFResult
    }
}

/// Microsoft's composite authentication failed at a hop: the reason, the results the same
/// receiver recorded, and what its filter did with the message.
public struct CompositeAuthFailure: Sendable, Hashable {
    public var hop: Int
    public var receiver: String
    public var compauth: CompositeAuthentication
    /// The spf=, dkim= and dmarc= words the same receiver recorded (nil: none recorded).
    public var spf: String?
    public var dkim: String?
    public var dmarc: String?
    /// The filter's verdict at the hop (Forefront), its category code and the delivery folder code.
    public var verdict: FilterVerdict?
    public var category: String?
    public var destination: String?
    /// The hop whose client address the filter evaluated, when not the writing hop's.
    public var checkedHop: Int?

    /// The message was junked, quarantined or marked: a spam-like verdict or delivery to Junk.
    public var junked: Bool {
        if destination?.uppercased() == "J" { return true }
        switch verdict {
        case .spam?, .bulk?, .phish?, .malware?, .spoof?: return true
        default: return false
        }
    }
}

/// A filter judged the message spoofing or impersonation.
public struct SpoofVerdict: Sendable, Hashable {
    public var hop: Int
    public var receiver: String
    public var vendor: FilterVendor
    public var header: String
    /// The fields that say so (`CAT:SPOOF`, `SFTY:9.19`, a Mimecast detector set to true).
    public var fields: [DecodedField]
}

/// The diagram's mark for a filter's verdict at a hop.
public struct FilterMark: Sendable, Hashable {
    public var hop: Int
    public var vendor: FilterVendor
    public var verdict: FilterVerdict
    /// Microsoft's delivery folder code (`J`, `I`, `C`), when recorded.
    public var destination: String?

    public init(hop: Int, vendor: FilterVendor, verdict: FilterVerdict, destination: String? = nil) {
        self.hop = hop
        self.vendor = vendor
        self.verdict = verdict
        self.destination = destination
    }
}
