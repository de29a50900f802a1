import HopTraceCore
import HopTraceDNS

/// Macro expansion of domain-specs (RFC 7208 §7) and the `exp=` explanation (§6.2).
extension SPFEvaluator {
    // MARK: - macros

    /// Expands a domain-spec (or, with `.explanation`, explanation text) for <domain>; an
    /// absent domain-spec is <domain> (`<target-name>`, RFC 7208 §4.8). Inlined, so that an
    /// expansion with no `%{p}` to look up (`expandNow`) costs no asynchronous call.
    @inline(__always)
    nonisolated(nonsending) func expand(
        _ ms: SPFMacroString?, domain: String, depth: Int, run: SPFRun, mode: SPFMacroExpansion.Mode = .domain
    )
        async -> String
    {
        guard let ms else { return domain }
        if let now = expandNow(ms, domain: domain, run: run, mode: mode) { return now }
        return await expandLookingUp(ms, domain: domain, depth: depth, run: run, mode: mode)
    }

    /// `expand` for a string that uses `%{p}`: looks it up first.
    nonisolated(nonsending) func expandLookingUp(
        _ ms: SPFMacroString, domain: String, depth: Int, run: SPFRun, mode: SPFMacroExpansion.Mode
    )
        async -> String
    {
        let usesT = ms.tokens.contains { if case .macro(let m) = $0 { return m.letter == .t } else { return false } }
        var values = run.values(domain: domain, timestamp: usesT)
        values.validatedName = await validatedName(domain: domain, depth: depth, run: run)
        return SPFMacroExpansion.expand(ms, values: values, mode: mode)
    }

    /// The expansion when it needs no look-up (no `%{p}`; a nil domain-spec is <domain>),
    /// without an asynchronous call; nil when `%{p}` must be looked up first
    /// (`expandLookingUp`).
    func expandNow(_ ms: SPFMacroString?, domain: String, run: SPFRun, mode: SPFMacroExpansion.Mode = .domain)
        -> String?
    {
        guard let ms else { return domain }
        if mode == .domain, let literal = SPFMacroExpansion.literalDomain(ms) { return literal }
        var usesT = false
        for case .macro(let m) in ms.tokens {
            if m.letter == .p { return nil } else if m.letter == .t { usesT = true }
        }
        return SPFMacroExpansion.expand(ms, values: run.values(domain: domain, timestamp: usesT), mode: mode)
    }

    /// `%{p}` (RFC 7208 §7.3): a validated reverse name of <ip>, preferring <domain> itself,
    /// then a subdomain of it, then any; "unknown" when none validates. Looked up once per
    /// <domain> per check; its lookups do not count against the limits, but at most 10 PTR
    /// names are examined.
    nonisolated(nonsending) func validatedName(domain: String, depth: Int, run: SPFRun) async -> String {
        let key = domain.lowercased()
        if let cached = run.validatedNames[key] { return cached }
        var result = "unknown"
        let answer = await run.resolve(DNSQuestion(name: run.reverseName, type: .ptr))
        let names = answer.records.compactMap {
            if case .ptr(let n) = $0 { return DNSQuestion.normalize(n) } else { return nil }
        }
        .prefix(options.maxPTRNames)
        let exact = names.filter { $0 == key }
        let sub = names.filter { $0.hasSuffix("." + key) }
        let rest = names.filter { $0 != key && !$0.hasSuffix("." + key) }
        for name in exact + sub + rest {
            if await validates(name, run: run) {
                result = name
                break
            }
        }
        run.validatedNames[key] = result
        run.step(depth: depth, action: .validatedName, domain: domain, target: run.reverseName, outcome: .value(result))
        return result
    }

    // MARK: - exp= (RFC 7208 §6.2)

    /// The explanation for a `fail`: the record's `exp=` TXT text expanded, or the default.
    /// Every failure to get it (no exp, bad target, DNS error, zero or several records,
    /// non-ASCII, syntax error) falls back to the default; none counts against the limits.
    nonisolated(nonsending) func explain(record: SPFRecord, domain: String, depth: Int, run: SPFRun) async -> String? {
        nonisolated(nonsending) func fallback(_ why: String?, target: String? = nil) async -> String? {
            if let why {
                run.step(
                    depth: depth, action: .explanation, domain: domain, record: record.text,
                    term: record.explanation?.raw,
                    termRange: record.explanation?.range, target: target, outcome: .ignored(why))
            }
            guard let text = options.defaultExplanation else { return nil }
            guard let ms = try? SPFParser.explainString(text) else { return text }
            return await expand(ms, domain: domain, depth: depth, run: run, mode: .explanation)
        }
        guard let exp = record.explanation, case .explanation(let spec) = exp.modifier else {
            return await fallback(nil)
        }
        let target = await expand(spec, domain: domain, depth: depth, run: run)
        if let why = SPFEvaluator.unqueryableReason(target) {
            return await fallback("exp target is not a DNS name (\(why))", target: target)
        }
        let answer = await run.resolve(DNSQuestion(name: target, type: .txt))
        let texts = answer.records.compactMap {
            if case .txt(let s) = $0 { return s.flatMap { $0 } } else { return nil }
        }
        guard texts.count == 1 else {
            let why: String
            switch answer.outcome {
            case .timeout, .servfail: why = "exp lookup failed"
            case .nxdomain, .nodata: why = "no TXT record at exp target"
            case .answer: why = "\(texts.count) TXT records at exp target (exactly one required)"
            }
            return await fallback(why, target: target)
        }
        let bytes = texts[0]
        if bytes.count > SPFLimits.maxExplanationRecordBytes {
            return await fallback("explanation record too long", target: target)
        }
        if bytes.contains(where: { $0 >= 0x80 }) {
            return await fallback("explanation is not 7-bit ASCII (RFC 7208 §6.2)", target: target)
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let ms: SPFMacroString
        do throws(SPFSyntaxError) { ms = try SPFParser.explainString(text) } catch {
            return await fallback("explanation syntax error: \(error.reason)", target: target)
        }
        let expanded = await expand(ms, domain: domain, depth: depth, run: run, mode: .explanation)
        run.step(
            depth: depth, action: .explanation, domain: domain, record: record.text, term: exp.raw,
            termRange: exp.range,
            target: target, outcome: .value(expanded))
        return expanded
    }
}
