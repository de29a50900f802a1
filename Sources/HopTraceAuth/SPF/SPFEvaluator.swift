import HopTraceCore
import HopTraceDNS

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Evaluation settings. The RFC 7208 §4.6.4 limits default to the RFC's numbers.
public struct SPFOptions: Sendable, Hashable {
    public var maxDNSMechanisms: Int
    public var maxVoidLookups: Int
    public var maxMXNames: Int
    public var maxPTRNames: Int
    /// Explanation used for `fail` when the record has no usable `exp=` (an explain-string:
    /// macros allowed). nil: no explanation.
    public var defaultExplanation: String?
    /// `%{r}`: the name of the host performing the check.
    public var receivingHost: String
    /// `%{t}`: seconds since the epoch; nil reads the system clock when the check starts.
    public var timestamp: Int?
    /// RFC 7208 §4.6.4: the most elapsed time one check may take ("SHOULD allow at least 20
    /// seconds"). Questions not yet asked when it has passed are answered as timeouts without
    /// asking, so the check ends with temperror (or ignores a failed ptr/exp, as for any
    /// timeout). nil: no bound beyond the resolver's own per-query timeout.
    public var maxElapsed: Duration?
    /// Whether `SPFEvaluation.trace` is built. false leaves it empty and changes nothing else:
    /// result, matched directive, explanation, error and counters are computed the same way
    /// (for callers that show only the result, such as `hoptrace spf --batch` without --json).
    public var keepsTrace: Bool

    public init(
        maxDNSMechanisms: Int = SPFLimits.dnsMechanisms, maxVoidLookups: Int = SPFLimits.voidLookups,
        maxMXNames: Int = SPFLimits.mxNames, maxPTRNames: Int = SPFLimits.ptrNames,
        defaultExplanation: String? = nil, receivingHost: String = "unknown", timestamp: Int? = nil,
        maxElapsed: Duration? = SPFLimits.maxElapsed, keepsTrace: Bool = true
    ) {
        self.maxDNSMechanisms = maxDNSMechanisms
        self.maxVoidLookups = maxVoidLookups
        self.maxMXNames = maxMXNames
        self.maxPTRNames = maxPTRNames
        self.defaultExplanation = defaultExplanation
        self.receivingHost = receivingHost
        self.timestamp = timestamp
        self.maxElapsed = maxElapsed
        self.keepsTrace = keepsTrace
    }
}

/// RFC 7208 `check_host()` over a `DNSResolver`: model + resolver → result + trace.
public struct SPFEvaluator: Sendable {
    public let resolver: any DNSResolver
    public let options: SPFOptions
    /// Where selected records are parsed (nil: parse each one afresh). A cached parse is the
    /// same value, so the choice never changes a result or a trace; see `SPFRecordCache`.
    public let recordCache: SPFRecordCache?
    /// `resolver`, when it can answer without waiting (found once here, not per question).
    var atHand: (any SynchronousAnswers)? { shared.atHand }
    /// The resolvers and options every check reads, held once (`SPFRun` keeps one reference
    /// to them instead of copies of each).
    let shared: Shared

    /// `resolver`, `atHand` and `options`, immutable.
    final class Shared: Sendable {
        let resolver: any DNSResolver
        let atHand: (any SynchronousAnswers)?
        let options: SPFOptions

        init(resolver: any DNSResolver, options: SPFOptions) {
            self.resolver = resolver
            self.atHand = resolver.synchronousAnswers
            self.options = options
        }
    }

    public init(resolver: any DNSResolver, options: SPFOptions = SPFOptions(), recordCache: SPFRecordCache? = nil) {
        self.resolver = resolver
        self.options = options
        self.recordCache = recordCache
        self.shared = Shared(resolver: resolver, options: options)
    }

    /// The MAIL FROM identity (RFC 7208 §2.4): `mailFrom` "" is the null sender, checked as
    /// `postmaster@<helo>` with <domain> the HELO name.
    public func checkMailFrom(ip: IPAddress, mailFrom: String, helo: String) async -> SPFEvaluation {
        if mailFrom.isEmpty {
            return await checkHost(ip: ip, domain: helo, sender: "", helo: helo, identity: .mailFrom)
        }
        return await checkHost(
            ip: ip, domain: SPFEvaluator.split(sender: mailFrom).domain, sender: mailFrom, helo: helo,
            identity: .mailFrom)
    }

    /// The HELO identity (RFC 7208 §2.3): `check_host(ip, helo, postmaster@helo)`.
    public func checkHELO(ip: IPAddress, helo: String) async -> SPFEvaluation {
        await checkHost(ip: ip, domain: helo, sender: "", helo: helo, identity: .helo)
    }

    /// `check_host(<ip>, <domain>, <sender>)` (RFC 7208 §4). An empty `sender` is the null
    /// sender (`postmaster@<helo>`); a sender without local part uses "postmaster" (§4.3).
    public func checkHost(
        ip: IPAddress, domain: String, sender: String, helo: String,
        identity: SPFIdentity = .mailFrom
    ) async -> SPFEvaluation {
        let effectiveSender = sender.isEmpty ? "postmaster@\(helo)" : sender
        let run = SPFRun(ip: ip, sender: effectiveSender, helo: helo, shared: shared)
        var result: SPFResult
        var matched: SPFMatch? = nil
        var explanation: String? = nil
        var failure: SPFError? = nil
        do throws(SPFError) {
            let longest = max(effectiveSender.utf8.count, helo.utf8.count, domain.utf8.count)
            if longest > SPFLimits.maxIdentityBytes { throw SPFError.identityTooLong(longest) }
            let outcome = try await checkHost(domain: domain, depth: 0, wantsExplanation: true, run: run)
            result = outcome.result
            matched = outcome.matched
            explanation = outcome.explanation
        } catch {
            failure = error
            result = error.result
        }
        return SPFEvaluation(
            result: result, identity: identity, ip: ip, domain: domain, sender: effectiveSender, helo: helo,
            matched: matched, explanation: explanation, error: failure, trace: run.trace,
            dnsMechanismCount: run.dnsCount, voidLookupCount: run.voidCount)
    }

    // MARK: - check_host

    struct Outcome {
        var result: SPFResult
        var matched: SPFMatch?
        var explanation: String?
    }

    /// `wellFormed`: the caller has found the domain well-formed already (an include or
    /// redirect target), so it is not checked twice. Runs on its caller's executor
    /// (`nonisolated(nonsending)`), as do the other steps of a check: nothing in them needs
    /// another, and a hop at every call is a task switch per record and per DNS term.
    nonisolated(nonsending) func checkHost(
        domain rawDomain: String, depth: Int, wantsExplanation: Bool, wellFormed: Bool = false,
        normalName: Bool = false, run: SPFRun
    ) async throws(SPFError) -> Outcome {
        var domain = rawDomain
        if domain.utf8.last == UInt8(ascii: ".") { domain.removeLast() }
        // §4.3 initial processing
        if !wellFormed, let reason = SPFEvaluator.malformedDomainReason(rawDomain) {
            let error = SPFError.malformedDomain(rawDomain, reason: reason)
            run.step(depth: depth, action: .recordLookup, domain: rawDomain, outcome: .error(error))
            throw error
        }
        // §4.4 record lookup, §4.5 selection
        // A literal target known normal (`normalName`) is asked as it is.
        let question =
            normalName ? DNSQuestion(normalName: domain, type: .txt) : DNSQuestion(name: domain, type: .txt)
        let answer = await run.resolve(question)
        let prepared = try selectRecord(answer, domain: domain, depth: depth, run: run)

        // §4.6 evaluation: directives left to right, first match wins. `all`, `ip4` and `ip6`
        // are decided by `matchWithoutDNS`, a plain loop over the prepared steps up to the next
        // term that asks DNS; the directive itself is read for the trace, a DNS term, or a match.
        let steps = prepared.steps
        var index = 0
        while index < steps.count {
            let (stop, decided) = SPFEvaluator.matchWithoutDNS(
                prepared, from: index, depth: depth, domain: domain, run: run)
            if stop == steps.count { break }
            let matched: Bool
            if decided {
                matched = true
            } else {
                try run.countDNSTerm(
                    depth: depth, domain: domain, record: prepared, term: prepared.raws[stop],
                    range: prepared.directive(stop).range)
                matched = try await evaluate(
                    stop, step: steps[stop], prepared: prepared, domain: domain, depth: depth, run: run)
            }
            if matched {
                let result = steps[stop].result
                var explanation: String? = nil
                if result == .fail && wantsExplanation {
                    explanation = await explain(record: prepared.record, domain: domain, depth: depth, run: run)
                }
                return Outcome(
                    result: result,
                    matched: SPFMatch(domain: domain, term: prepared.raws[stop], record: prepared.record.text),
                    explanation: explanation)
            }
            index = stop + 1
        }

        // §6.1 redirect: only when no directive matched, and ignored when the record has "all".
        if let redirectIndex = prepared.redirect, case .modifier(let redirect) = prepared.record.terms[redirectIndex],
            case .redirect(let spec) = redirect.modifier
        {
            try run.countDNSTerm(
                depth: depth, domain: domain, record: prepared, term: redirect.raw, range: redirect.range)
            let step = steps[redirectIndex]
            let target =
                step.literal >= 0
                ? prepared.literals[step.literal] : await expand(spec, domain: domain, depth: depth, run: run)
            if !(step.literal >= 0 && step.literalIsWellFormed) && SPFEvaluator.malformedDomainReason(target) != nil {
                let error = SPFError.malformedRedirectTarget(target)
                run.step(
                    depth: depth, action: .redirect, domain: domain, record: prepared.record.text, term: redirect.raw,
                    termRange: redirect.range,
                    target: target, outcome: .error(error))
                throw error
            }
            let index = run.step(
                depth: depth, action: .redirect, domain: domain, record: prepared.record.text, term: redirect.raw,
                termRange: redirect.range, target: target, outcome: .notMatched)
            do throws(SPFError) {
                let inner = try await checkHost(
                    domain: target, depth: depth + 1, wantsExplanation: wantsExplanation, wellFormed: true,
                    normalName: step.literal >= 0 && step.literalIsNormal, run: run)
                run.finish(index, outcome: .result(inner.result), innerResult: inner.result)
                return inner
            } catch {
                let mapped = error.result == .none ? SPFError.redirectNone(target) : error
                run.finish(index, outcome: .error(mapped), innerResult: error.result)
                throw mapped
            }
        }

        // §4.7 default result
        run.step(
            depth: depth, action: .defaultResult, domain: domain, record: prepared.record.text,
            outcome: .result(.neutral),
            note: "no directive matched")
        return Outcome(result: .neutral, matched: nil, explanation: nil)
    }

    /// RFC 7208 §4.4, §4.5, from the answer to <domain>'s TXT question: TXT only; no record →
    /// none; more than one → permerror.
    func selectRecord(_ answer: DNSAnswer, domain: String, depth: Int, run: SPFRun) throws(SPFError)
        -> SPFPreparedRecord
    {
        switch answer.outcome {
        case .timeout, .servfail:
            let error = SPFError.dnsFailure(answer.question, answer.outcome, reason: answer.reason)
            run.step(depth: depth, action: .recordLookup, domain: domain, outcome: .error(error))
            throw error
        case .nxdomain, .nodata:
            let error = SPFError.noRecord(domain)
            run.step(depth: depth, action: .recordLookup, domain: domain, outcome: .error(error))
            throw error
        case .answer(let records):
            // The first SPF record's strings, and how many there are (no list of them built).
            var first: [[UInt8]] = []
            var candidates = 0
            records.withUnsafeBufferPointer { records in
                for index in records.indices {
                    guard case .txt(let strings) = records[index], SPFParser.isSPFRecord(strings: strings) else {
                        continue
                    }
                    if candidates == 0 { first = strings }
                    candidates += 1
                }
            }
            if candidates == 0 {
                let error = SPFError.noRecord(domain)
                run.step(depth: depth, action: .recordLookup, domain: domain, outcome: .error(error))
                throw error
            }
            if candidates > 1 {
                let error = SPFError.multipleRecords(domain: domain, count: candidates)
                run.step(depth: depth, action: .recordLookup, domain: domain, outcome: .error(error))
                throw error
            }
            let strings = first
            // The record's bytes: one string (the usual case) is the record as it is, no copy.
            func joined() -> [UInt8] { strings.count == 1 ? strings[0] : strings.flatMap { $0 } }
            // The record as the trace of a refused one shows it (built only then).
            func shown() -> String { String(decoding: joined().prefix(SPFLimits.maxRecordBytes), as: UTF8.self) }
            let length = strings.count == 1 ? strings[0].count : strings.reduce(0) { $0 + $1.count }
            if length > SPFLimits.maxRecordBytes {
                let error = SPFError.recordTooLong(domain: domain, bytes: length)
                run.step(depth: depth, action: .recordLookup, domain: domain, record: shown(), outcome: .error(error))
                throw error
            }
            do throws(SPFSyntaxError) {
                let prepared: SPFPreparedRecord
                if let recordCache {
                    prepared = try recordCache.prepared(strings: strings)
                } else {
                    prepared = SPFPreparedRecord(try SPFParser.record(joined()))
                }
                run.step(
                    depth: depth, action: .recordLookup, domain: domain, record: prepared.record.text,
                    outcome: .value("record selected"))
                return prepared
            } catch {
                run.step(
                    depth: depth, action: .recordLookup, domain: domain, record: shown(),
                    outcome: .error(.syntax(error)))
                throw .syntax(error)
            }
        }
    }

    // MARK: - mechanisms (RFC 7208 §5)

    /// The DNS-querying directive at `index` of the record's terms (`step` is its step). The
    /// directive itself is read only for a domain-spec with macros and for the trace.
    nonisolated(nonsending) func evaluate(
        _ index: Int, step: SPFPreparedRecord.Step, prepared: SPFPreparedRecord, domain: String,
        depth: Int, run: SPFRun
    ) async throws(SPFError) -> Bool {
        let ip = run.ip
        /// Why the target cannot be asked (`unqueryableReason`), known already for a literal.
        func unqueryable(_ target: String) -> String? {
            step.literal >= 0 && step.literalIsQueryable ? nil : SPFEvaluator.unqueryableReason(target)
        }
        func done(_ matched: Bool, target: String? = nil, note: @autoclosure () -> String? = nil) -> Bool {
            run.directiveStep(
                prepared.directive(index), depth: depth, domain: domain, record: prepared, target: target,
                outcome: matched ? .matched(step.result) : .notMatched, note: note())
            return matched
        }
        func failed(_ error: SPFError, target: String?) -> SPFError {
            run.directiveStep(
                prepared.directive(index), depth: depth, domain: domain, record: prepared, target: target,
                outcome: .error(error))
            return error
        }
        if step.query == .none {
            return done(SPFEvaluator.matchesWithoutDNS(prepared.directive(index).mechanism, ip)!)
        }
        // The target: the literal's expansion made once, or the domain-spec expanded (none
        // written: <domain>).
        let expanded: String
        if step.literal >= 0 {
            expanded = prepared.literals[step.literal]
        } else if step.hasSpec {
            expanded = await expand(prepared.spec(index), domain: domain, depth: depth, run: run)
        } else {
            expanded = domain
        }
        let cidr = step.cidr

        switch step.query {
        case .none:
            preconditionFailure("not a DNS term")

        case .a:
            let target = expanded
            if let why = unqueryable(target) {
                return done(false, target: target, note: "not a DNS name (\(why)): no match")
            }
            let question = SPFPreparedRecord.question(target, ip.isIPv4 ? .a : .aaaa, step: step)
            let answer = await run.resolve(question)
            let len = ip.isIPv4 ? cidr.ip4 : cidr.ip6
            let matched: Bool
            do throws(SPFError) {
                matched = try run.anyAddress(answer, countVoid: true) { SPFEvaluator.contains($0, len, ip) }
            } catch {
                throw failed(error, target: target)
            }
            return done(matched, target: target)

        case .mx:
            let target = expanded
            if let why = unqueryable(target) {
                return done(false, target: target, note: "not a DNS name (\(why)): no match")
            }
            let question = SPFPreparedRecord.question(target, .mx, step: step)
            let answer = await run.resolve(question)
            var exchanges: [String] = []
            switch answer.outcome {
            case .timeout, .servfail:
                throw failed(.dnsFailure(answer.question, answer.outcome, reason: answer.reason), target: target)
            case .nxdomain, .nodata:
                do throws(SPFError) { try run.countVoid() } catch { throw failed(error, target: target) }
                return done(false, target: target, note: "no MX records")
            case .answer(let records):
                for case .mx(_, let exchange) in records {
                    let name = DNSQuestion.normalize(exchange)
                    // RFC 7505 null MX ("." or empty): no mail host.
                    if name.isEmpty || name == "." { continue }
                    exchanges.append(name)
                }
            }
            if exchanges.count > options.maxMXNames {
                throw failed(
                    .mxNameLimit(domain: target, count: exchanges.count, limit: options.maxMXNames), target: target)
            }
            let len = ip.isIPv4 ? cidr.ip4 : cidr.ip6
            for exchange in exchanges where SPFEvaluator.unqueryableReason(exchange) == nil {
                let question = DNSQuestion(name: exchange, type: ip.isIPv4 ? .a : .aaaa)
                let a = await run.resolve(question)
                let matched: Bool
                do throws(SPFError) {
                    matched = try run.anyAddress(a, countVoid: false) { SPFEvaluator.contains($0, len, ip) }
                } catch {
                    throw failed(error, target: target)
                }
                if matched {
                    return done(true, target: target, note: "via MX \(exchange)")
                }
            }
            return done(false, target: target)

        case .ptr:
            let target = DNSQuestion.normalize(expanded)
            let answer = await run.resolve(DNSQuestion(name: run.reverseName, type: .ptr))
            let names: [String]
            switch answer.outcome {
            case .timeout, .servfail:
                // §5.5: "If a DNS error occurs while doing the PTR RR lookup, then this
                // mechanism fails to match."
                return done(false, target: target, note: "PTR lookup failed: no match")
            case .nxdomain, .nodata:
                do throws(SPFError) { try run.countVoid() } catch { throw failed(error, target: target) }
                return done(false, target: target, note: "no PTR records")
            case .answer(let records):
                names = records.compactMap {
                    if case .ptr(let n) = $0 { return DNSQuestion.normalize(n) } else { return nil }
                }
            }
            // §4.6.4: at most 10 PTR names are looked at; the rest are ignored.
            for name in names.prefix(options.maxPTRNames) {
                // Only names at or under the target can match; validating the others would
                // only spend queries (the result is the same).
                guard name == target || name.hasSuffix("." + target) else { continue }
                if await validates(name, run: run) { return done(true, target: target, note: "validated \(name)") }
            }
            return done(false, target: target)

        case .exists:
            let target = expanded
            if let why = unqueryable(target) {
                return done(false, target: target, note: "not a DNS name (\(why)): no match")
            }
            // §5.7: always an A query, whatever the connection's family.
            let question = SPFPreparedRecord.question(target, .a, step: step)
            let answer = await run.resolve(question)
            let exists: Bool
            do throws(SPFError) { exists = try run.anyAddress(answer, countVoid: true) { _ in true } } catch {
                throw failed(error, target: target)
            }
            return done(exists, target: target)

        case .include:
            let target = expanded
            if !(step.literal >= 0 && step.literalIsWellFormed) && SPFEvaluator.malformedDomainReason(target) != nil {
                throw failed(.includeNone(target), target: target)
            }
            let traced =
                run.keepsTrace
                ? run.step(
                    depth: depth, action: .directive, domain: domain, record: prepared.record.text,
                    term: prepared.raws[index], termRange: prepared.directive(index).range, target: target,
                    outcome: .notMatched) : 0
            // §5.2: pass → match; fail, softfail, neutral → no match; temperror → temperror;
            // permerror or none → permerror.
            do throws(SPFError) {
                let inner = try await checkHost(
                    domain: target, depth: depth + 1, wantsExplanation: false, wellFormed: true,
                    normalName: step.literal >= 0 && step.literalIsNormal, run: run)
                let matched = inner.result == .pass
                run.finish(traced, outcome: matched ? .matched(step.result) : .notMatched, innerResult: inner.result)
                return matched
            } catch {
                let mapped = error.result == .none ? SPFError.includeNone(target) : error
                run.finish(traced, outcome: .error(mapped), innerResult: error.result)
                throw mapped
            }
        }
    }

    /// Evaluates the steps from `start` that need no DNS (`all`, `ip4`, `ip6`; modifiers are
    /// passed over), each with its trace step, up to the first that matches or the first term
    /// that asks DNS. Returns that step's index and whether it is a match (false: a DNS term
    /// to evaluate); `steps.count` when neither is left.
    static func matchWithoutDNS(
        _ prepared: SPFPreparedRecord, from start: Int, depth: Int, domain: String, run: SPFRun
    ) -> (stop: Int, matched: Bool) {
        let client = SPFPreparedRecord.Client(run.ip)
        let keepsTrace = run.keepsTrace
        return prepared.probes.withUnsafeBufferPointer { probes in
            var index = start
            while index < probes.count {
                let probe = probes[index]
                if probe.family == SPFPreparedRecord.Probe.dns { return (index, false) }
                let matched = probe.matches(client)
                if keepsTrace && probe.family != SPFPreparedRecord.Probe.skip {
                    run.directiveStep(
                        prepared.directive(index), depth: depth, domain: domain, record: prepared,
                        outcome: matched ? .matched(prepared.steps[index].result) : .notMatched)
                }
                if matched { return (index, true) }
                index += 1
            }
            return (probes.count, false)
        }
    }

    /// The mechanisms that need no DNS (RFC 7208 §5.1, §5.6): whether `all`, `ip4` or `ip6`
    /// matches the client; nil for the others.
    static func matchesWithoutDNS(_ mechanism: SPFMechanism, _ ip: IPAddress) -> Bool? {
        switch mechanism {
        case .all: return true
        case .ip4(let net, let len), .ip6(let net, let len): return SPFEvaluator.contains(net, len, ip)
        case .include, .a, .mx, .ptr, .exists: return nil
        }
    }

    /// Whether a name's A/AAAA records include the client address (the validation step of
    /// §5.5 and `%{p}`). DNS errors skip the name (§5.5).
    nonisolated(nonsending) func validates(_ name: String, run: SPFRun) async -> Bool {
        guard SPFEvaluator.unqueryableReason(name) == nil else { return false }
        let answer = await run.resolve(DNSQuestion(name: name, type: run.ip.isIPv4 ? .a : .aaaa))
        return answer.records.contains { record in
            switch record {
            case .a(let x), .aaaa(let x): return x == run.ip
            default: return false
            }
        }
    }

    /// Whether `ip` lies in `network/length`; families never cross (an IPv4-mapped client is
    /// IPv4 and matches ip4 and A records only, RFC 7208 §5).
    static func contains(_ network: IPAddress, _ length: Int, _ ip: IPAddress) -> Bool {
        switch (network, ip) {
        case (.v4(let n), .v4(let a)):
            if length <= 0 { return true }
            let mask: UInt32 = length >= 32 ? .max : ~(UInt32.max >> UInt32(length))
            return n & mask == a & mask
        case (.v6(let nh, let nl), .v6(let ah, let al)):
            if length <= 0 { return true }
            if length <= 64 {
                let mask: UInt64 = length == 64 ? .max : ~(UInt64.max >> UInt64(length))
                return nh & mask == ah & mask
            }
            let mask: UInt64 = length >= 128 ? .max : ~(UInt64.max >> UInt64(length - 64))
            return nh == ah && nl & mask == al & mask
        default:
            return false
        }
    }
}
