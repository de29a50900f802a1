import HopTraceCore
import HopTraceDNS

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The mutable state of one `check_host()` run: counters, trace, and the lookups of the step
/// being built. Lives only inside one evaluation task and never crosses it.
final class SPFRun {
    let ip: IPAddress
    /// The sender as given (never empty: the null sender is already postmaster@<helo>).
    let givenSender: String
    let helo: String
    /// The evaluator's resolvers and options, one reference for the whole check.
    let shared: SPFEvaluator.Shared
    var options: SPFOptions { shared.options }
    /// Where the questions go; `atHand` is the same resolver when it can answer without waiting.
    var resolver: any DNSResolver { shared.resolver }
    var atHand: (any SynchronousAnswers)? { shared.atHand }
    /// `%{t}`: read when a macro first asks for it.
    lazy var timestamp: Int = options.timestamp ?? Int(Date().timeIntervalSince1970)
    /// The reverse-lookup name of <ip> (ptr and `%{p}`), built when first asked for.
    lazy var reverseName: String = SPFMacroExpansion.reverseName(ip)

    var dnsCount = 0
    var voidCount = 0
    /// `options.keepsTrace`: without it no step and no pending answer is kept (nothing else
    /// reads them).
    let keepsTrace: Bool
    var trace: [SPFTraceStep] = []
    /// Answers received since the last step was recorded.
    var pending: [DNSAnswer] = []
    var validatedNames: [String: String] = [:]
    /// When `options.maxElapsed` runs out, measured from the start of the check.
    let deadline: ContinuousClock.Instant?
    /// Whether the deadline has passed. Time passes while an answer is awaited: the clock is
    /// read after each one (an answer at hand takes no time to speak of, and what runs between
    /// questions is bounded by the processing limits), so that questions answered at hand cost
    /// no clock read each.
    var expired: Bool

    /// The sender's local part and domain (`SPFEvaluator.split`), split when a macro first
    /// needs them: most records expand none.
    lazy var senderParts: (local: String, domain: String) = SPFEvaluator.split(sender: givenSender)
    var localPart: String { senderParts.local }
    var senderDomain: String { senderParts.domain }
    /// <sender> as local@domain: the given text itself unless "postmaster" was put in.
    lazy var sender: String = {
        let parts = senderParts
        let unchanged = parts.local.utf8.count + 1 + parts.domain.utf8.count == givenSender.utf8.count
        return unchanged ? givenSender : parts.local + "@" + parts.domain
    }()

    init(ip: IPAddress, sender: String, helo: String, shared: SPFEvaluator.Shared) {
        self.ip = ip
        self.shared = shared
        self.givenSender = sender
        self.helo = helo
        self.keepsTrace = shared.options.keepsTrace
        self.deadline = shared.options.maxElapsed.map { ContinuousClock.now.advanced(by: $0) }
        self.expired = shared.options.maxElapsed.map { $0 <= .zero } ?? false
    }

    /// The macro values at <domain>; `timestamp` false leaves `%{t}` unread (0) for a string
    /// that does not use it.
    func values(domain: String, timestamp: Bool) -> SPFMacroValues {
        SPFMacroValues(
            sender: sender, localPart: localPart, senderDomain: senderDomain, domain: domain, ip: ip, helo: helo,
            receivingHost: options.receivingHost, timestamp: timestamp ? self.timestamp : 0)
    }

    /// The answer to a question, noted for the trace. Inlined, so that an answer at hand
    /// (`answerAtHand`) costs no asynchronous call.
    @inline(__always)
    nonisolated(nonsending) func resolve(_ question: DNSQuestion) async -> DNSAnswer {
        if let answer = answerAtHand(question) { return answer }
        return await awaitAnswer(question)
    }

    /// The answer without waiting, when there is one: the resolver's answer at hand (an
    /// in-memory snapshot), or the timeout once the bound has passed; nil when it must be
    /// awaited (`awaitAnswer`).
    func answerAtHand(_ question: DNSQuestion) -> DNSAnswer? {
        let answer: DNSAnswer
        if expired {
            answer = DNSAnswer(
                question: question, outcome: .timeout,
                reason: "not asked: check_host time limit (\(options.maxElapsed!)) exceeded (RFC 7208 §4.6.4)")
        } else if let held = shared.atHand?.answerAtHand(question) {
            answer = held
        } else {
            return nil
        }
        if keepsTrace { pending.append(answer) }
        return answer
    }

    /// The answer of a question `answerAtHand` could not answer.
    nonisolated(nonsending) func awaitAnswer(_ question: DNSQuestion) async -> DNSAnswer {
        let answer = await shared.resolver.resolve(question)
        if let deadline, ContinuousClock.now >= deadline { expired = true }
        if keepsTrace { pending.append(answer) }
        return answer
    }

    /// Appends a step with the pending lookups and the current counters; returns its index.
    /// Without `keepsTrace` it keeps nothing (and the note is never built). Inlined, so that
    /// without a trace the arguments are not even gathered.
    @inline(__always)
    @discardableResult
    func step(
        depth: Int, action: SPFStepAction, domain: String, record: String? = nil, term: String? = nil,
        termRange: Range<Int>? = nil, target: String? = nil, outcome: SPFStepOutcome,
        note: @autoclosure () -> String? = nil
    ) -> Int {
        guard keepsTrace else { return trace.count }
        return append(
            SPFTraceStep(
                depth: depth, action: action, domain: domain, record: record, term: term, termRange: termRange,
                target: target, lookups: pending, dnsMechanismCount: dnsCount, voidLookupCount: voidCount,
                outcome: outcome, note: note()))
    }

    /// Keeps a step and starts the next one's lookups; returns its index.
    func append(_ step: SPFTraceStep) -> Int {
        trace.append(step)
        pending = []
        return trace.count - 1
    }

    /// A directive's step (the term, its position, what it looked up and how it ended).
    @inline(__always)
    func directiveStep(
        _ directive: @autoclosure () -> SPFDirective, depth: Int, domain: String, record: SPFPreparedRecord,
        target: String? = nil, outcome: SPFStepOutcome, note: @autoclosure () -> String? = nil
    ) {
        guard keepsTrace else { return }
        let directive = directive()
        step(
            depth: depth, action: .directive, domain: domain, record: record.record.text, term: directive.raw,
            termRange: directive.range, target: target, outcome: outcome, note: note())
    }

    /// Completes a step begun before a recursion (include, redirect) with the final counters.
    func finish(_ index: Int, outcome: SPFStepOutcome, innerResult: SPFResult? = nil, note: String? = nil) {
        guard keepsTrace else { return }
        trace[index].outcome = outcome
        trace[index].innerResult = innerResult
        trace[index].dnsMechanismCount = dnsCount
        trace[index].voidLookupCount = voidCount
        if let note { trace[index].note = note }
    }

    /// §4.6.4: counts a DNS-querying term; the 11th is a permerror. The term's text and range
    /// are read for that error's step only.
    func countDNSTerm(
        depth: Int, domain: String, record: SPFPreparedRecord, term: @autoclosure () -> String,
        range: @autoclosure () -> Range<Int>
    ) throws(SPFError) {
        dnsCount += 1
        if dnsCount > options.maxDNSMechanisms {
            let error = SPFError.dnsMechanismLimit(limit: options.maxDNSMechanisms)
            let term = term()
            step(
                depth: depth, action: term.lowercased().hasPrefix("redirect") ? .redirect : .directive, domain: domain,
                record: record.record.text, term: term, termRange: range(), outcome: .error(error))
            throw error
        }
    }

    /// §4.6.4: counts a void lookup; the third is a permerror.
    func countVoid() throws(SPFError) {
        voidCount += 1
        if voidCount > options.maxVoidLookups { throw SPFError.voidLookupLimit(limit: options.maxVoidLookups) }
    }

    /// Whether an address of an A/AAAA answer satisfies `test`; DNS failures are temperror
    /// (§5), an answer without an address (empty, NODATA, NXDOMAIN) is a void lookup when
    /// `countVoid`. The records are read in place: no list of the addresses is made.
    func anyAddress(_ answer: DNSAnswer, countVoid: Bool, _ test: (IPAddress) -> Bool) throws(SPFError) -> Bool {
        switch answer.outcome {
        case .timeout, .servfail:
            throw SPFError.dnsFailure(answer.question, answer.outcome, reason: answer.reason)
        case .nxdomain, .nodata:
            if countVoid { try self.countVoid() }
            return false
        case .answer(let records):
            var found = false
            let matched = records.withUnsafeBufferPointer { records -> Bool in
                for index in records.indices {
                    switch records[index] {
                    case .a(let x), .aaaa(let x):
                        found = true
                        if test(x) { return true }
                    default:
                        continue
                    }
                }
                return false
            }
            if !found && countVoid { try self.countVoid() }
            return matched
        }
    }
}
