import HopTraceCore
import HopTraceDNS

/// A parsed record with what every evaluation of it reads laid out once: per term a plain
/// value (what kind of term, the result when it matches, an `ip4`/`ip6` network) that is
/// copied without reference counting, the expansions of literal domain-specs with their
/// checks, and where the `redirect=` that applies is.
///
/// Everything here is a function of the record alone, so of its text (as the parse is): a
/// prepared record held by `SPFRecordCache` is the value preparing the parse again gives.
/// The evaluator reads a term's `SPFDirective` only when it queries DNS, matches, or goes
/// into the trace.
final class SPFPreparedRecord: Sendable {
    let record: SPFRecord
    /// One per term of `record.terms`, in the same order.
    let steps: [Step]
    /// One per term as well: how the loop over the terms that need no DNS
    /// (`SPFEvaluator.matchWithoutDNS`) tests each one against the client.
    let probes: [Probe]
    /// The expansions of the literal domain-specs (`Step.literal` indexes them).
    let literals: [String]
    /// Each term as written (`SPFTerm.raw`), read without copying the term.
    let raws: [String]
    /// The index in `record.terms` of the `redirect=` modifier, nil when there is none or the
    /// record has an `all` mechanism (RFC 7208 §6.1: the redirect is then ignored).
    let redirect: Int?

    /// One term, as the evaluation loop reads it.
    struct Step: Sendable {
        enum Kind: UInt8, Sendable {
            /// `all`: always matches.
            case all
            /// `ip4`, `ip6`: `network`/`length` against the client, no DNS.
            case network
            /// include, a, mx, ptr, exists: asks DNS.
            case dns
            /// A modifier: not evaluated in the loop.
            case modifier
        }
        var kind: Kind
        /// What a `.dns` term asks; `.none` for the other kinds.
        var query: Query
        /// The dual CIDR length of `a` and `mx` (the full lengths for the others).
        var cidr: SPFDualCIDR
        /// A directive's result when it matches (its qualifier's, RFC 7208 §4.6.2).
        var result: SPFResult
        var network: IPAddress
        var length: Int
        /// For a domain-spec that is one literal (`include:_spf.example.com`): the index of its
        /// expansion in `literals`; -1 for none (no domain-spec, or one with macros).
        var literal: Int
        /// The literal's expansion is a well-formed domain (`malformedDomainReason` nil).
        var literalIsWellFormed: Bool
        /// The literal's expansion can be asked (`unqueryableReason` nil).
        var literalIsQueryable: Bool
        /// The literal's expansion is a normal DNS name (`DNSQuestion.normalize` keeps it).
        var literalIsNormal: Bool
        /// A domain-spec is written (`a`, `mx` and `ptr` without one are about <domain>).
        var hasSpec: Bool

        /// The mechanisms that ask DNS.
        enum Query: UInt8, Sendable {
            case none, include, a, mx, ptr, exists
        }
    }

    /// A term as the client test reads it: `all`, `ip4` and `ip6` as masks and a masked
    /// network over the 128 bits of an address (an IPv4 address in the low 32), so that a
    /// match is two masked comparisons and a family check, with no switch over `IPAddress`.
    /// 32 bytes, copied without reference counting.
    struct Probe: Sendable, Equatable {
        /// `Probe.any` (`all`), 4 or 6 (`ip4`, `ip6`), `Probe.skip` (a modifier: never
        /// matches), `Probe.dns` (a term that asks DNS: the loop stops there).
        var family: UInt8
        var high: UInt64
        var low: UInt64
        var highMask: UInt64
        var lowMask: UInt64

        static let any: UInt8 = 0
        static let skip: UInt8 = 0xFE
        static let dns: UInt8 = 0xFF

        static func other(_ family: UInt8) -> Probe {
            Probe(family: family, high: 0, low: 0, highMask: 0, lowMask: 0)
        }

        /// `network/length` (RFC 7208 §5.6), matching exactly the addresses
        /// `SPFEvaluator.contains(network, length, _)` does.
        init(network: IPAddress, length: Int) {
            switch network {
            case .v4(let n):
                let mask: UInt32 = length <= 0 ? 0 : length >= 32 ? .max : ~(UInt32.max >> UInt32(length))
                self.init(family: 4, high: 0, low: UInt64(n & mask), highMask: 0, lowMask: UInt64(mask))
            case .v6(let nh, let nl):
                var highMask: UInt64 = 0
                var lowMask: UInt64 = 0
                if length > 0 && length <= 64 {
                    highMask = length == 64 ? .max : ~(UInt64.max >> UInt64(length))
                } else if length > 64 {
                    highMask = .max
                    lowMask = length >= 128 ? .max : ~(UInt64.max >> UInt64(length - 64))
                }
                self.init(family: 6, high: nh & highMask, low: nl & lowMask, highMask: highMask, lowMask: lowMask)
            }
        }

        init(family: UInt8, high: UInt64, low: UInt64, highMask: UInt64, lowMask: UInt64) {
            self.family = family
            self.high = high
            self.low = low
            self.highMask = highMask
            self.lowMask = lowMask
        }

        /// Whether the client matches: `Client` is the address laid out the same way.
        @inline(__always)
        func matches(_ client: Client) -> Bool {
            (family == Probe.any || family == client.family) && client.high & highMask == high
                && client.low & lowMask == low
        }
    }

    /// The client address as `Probe.matches` reads it.
    struct Client {
        let family: UInt8
        let high: UInt64
        let low: UInt64

        init(_ ip: IPAddress) {
            switch ip {
            case .v4(let a): (family, high, low) = (4, 0, UInt64(a))
            case .v6(let h, let l): (family, high, low) = (6, h, l)
            }
        }
    }

    init(_ record: SPFRecord) {
        self.record = record
        var steps: [Step] = []
        steps.reserveCapacity(record.terms.count)
        var probes: [Probe] = []
        probes.reserveCapacity(record.terms.count)
        var literals: [String] = []
        var redirect: Int? = nil
        var hasAll = false
        for (index, term) in record.terms.enumerated() {
            var step = Step(
                kind: .modifier, query: .none, cidr: SPFDualCIDR(), result: .neutral, network: .v4(0), length: 0,
                literal: -1, literalIsWellFormed: false, literalIsQueryable: false, literalIsNormal: false,
                hasSpec: false)
            var spec: SPFMacroString? = nil
            switch term {
            case .directive(let directive):
                step.result = directive.qualifier.result
                switch directive.mechanism {
                case .all:
                    step.kind = .all
                    hasAll = true
                case .ip4(let network, let length), .ip6(let network, let length):
                    step.kind = .network
                    step.network = network
                    step.length = length
                case .include(let s):
                    (step.kind, step.query) = (.dns, .include)
                    spec = s
                case .exists(let s):
                    (step.kind, step.query) = (.dns, .exists)
                    spec = s
                case .a(let s, let cidr):
                    (step.kind, step.query, step.cidr) = (.dns, .a, cidr)
                    spec = s
                case .mx(let s, let cidr):
                    (step.kind, step.query, step.cidr) = (.dns, .mx, cidr)
                    spec = s
                case .ptr(let s):
                    (step.kind, step.query) = (.dns, .ptr)
                    spec = s
                }
            case .modifier(let modifier):
                // The first one, as `SPFRecord.redirect` reads (the parser refuses a second).
                if case .redirect(let s) = modifier.modifier, redirect == nil {
                    redirect = index
                    spec = s
                }
            }
            step.hasSpec = spec != nil
            if let spec, let expanded = SPFMacroExpansion.literalDomain(spec) {
                step.literal = literals.count
                step.literalIsWellFormed = SPFEvaluator.malformedDomainReason(expanded) == nil
                step.literalIsQueryable = SPFEvaluator.unqueryableReason(expanded) == nil
                step.literalIsNormal = DNSQuestion.normalize(expanded) == expanded
                literals.append(expanded)
            }
            steps.append(step)
            switch step.kind {
            case .all: probes.append(.other(Probe.any))
            case .network: probes.append(Probe(network: step.network, length: step.length))
            case .dns: probes.append(.other(Probe.dns))
            case .modifier: probes.append(.other(Probe.skip))
            }
        }
        self.steps = steps
        self.probes = probes
        self.raws = record.terms.map(\.raw)
        self.literals = literals
        self.redirect = hasAll ? nil : redirect
    }

    /// The directive at `index` of `record.terms` (a `.directive` step's).
    func directive(_ index: Int) -> SPFDirective {
        guard case .directive(let directive) = record.terms[index] else {
            preconditionFailure("term \(index) is not a directive")
        }
        return directive
    }

    /// The question about a target: one known normal (`Step.literalIsNormal`) is not read
    /// again.
    @inline(__always)
    static func question(_ target: String, _ type: DNSRecordType, step: Step) -> DNSQuestion {
        step.literal >= 0 && step.literalIsNormal
            ? DNSQuestion(normalName: target, type: type) : DNSQuestion(name: target, type: type)
    }

    /// The domain-spec of the directive at `index` (nil: none written, or a mechanism without
    /// one).
    func spec(_ index: Int) -> SPFMacroString? {
        switch directive(index).mechanism {
        case .include(let s), .exists(let s): return s
        case .a(let s, _), .mx(let s, _), .ptr(let s): return s
        case .all, .ip4, .ip6: return nil
        }
    }
}
