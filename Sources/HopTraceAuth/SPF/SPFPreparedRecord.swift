import HopTraceCore

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
    /// The expansions of the literal domain-specs (`Step.literal` indexes them).
    let literals: [String]
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
    }

    init(_ record: SPFRecord) {
        self.record = record
        var steps: [Step] = []
        steps.reserveCapacity(record.terms.count)
        var literals: [String] = []
        var redirect: Int? = nil
        var hasAll = false
        for (index, term) in record.terms.enumerated() {
            var step = Step(
                kind: .modifier, result: .neutral, network: .v4(0), length: 0, literal: -1,
                literalIsWellFormed: false, literalIsQueryable: false)
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
                case .include(let s), .exists(let s):
                    step.kind = .dns
                    spec = s
                case .a(let s, _), .mx(let s, _), .ptr(let s):
                    step.kind = .dns
                    spec = s
                }
            case .modifier(let modifier):
                // The first one, as `SPFRecord.redirect` reads (the parser refuses a second).
                if case .redirect(let s) = modifier.modifier, redirect == nil {
                    redirect = index
                    spec = s
                }
            }
            if let spec, let expanded = SPFMacroExpansion.literalDomain(spec) {
                step.literal = literals.count
                step.literalIsWellFormed = SPFEvaluator.malformedDomainReason(expanded) == nil
                step.literalIsQueryable = SPFEvaluator.unqueryableReason(expanded) == nil
                literals.append(expanded)
            }
            steps.append(step)
        }
        self.steps = steps
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
}
