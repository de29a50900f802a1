import HopTraceCore
import HopTraceDNS

// Renders an `SPFEvaluation` for `hoptrace spf`: one JSON object (ordered keys) or readable
// text. Every DNS-derived or user-given string in the text form goes through
// `TerminalText.sanitize`; JSON escapes the same characters itself.

extension SPFEvaluation {
    /// `{ "result", "explanation"?, "ip", "domain", "sender", "helo", "identity", "matched",
    ///    "error"?, "dns_mechanisms", "void_lookups", "trace": [step…] }`
    public var jsonValue: JSONValue {
        var pairs: [(String, JSONValue)] = [("result", .string(result.rawValue))]
        if let explanation { pairs.append(("explanation", .string(explanation))) }
        pairs += [
            ("ip", .string(ip.description)),
            ("domain", .string(domain)),
            ("sender", .string(sender)),
            ("helo", .string(helo)),
            ("identity", .string(identity.rawValue)),
            (
                "matched",
                matched.map { m in
                    .object([("term", .string(m.term)), ("domain", .string(m.domain)), ("record", .string(m.record))])
                } ?? .null
            ),
        ]
        if let error { pairs.append(("error", .string(error.description))) }
        pairs += [
            ("dns_mechanisms", .int(dnsMechanismCount)),
            ("void_lookups", .int(voidLookupCount)),
            ("trace", .array(trace.map(\.jsonValue))),
        ]
        return .object(pairs)
    }

    /// The result, explanation and trace as terminal text (sanitised).
    public func renderText() -> String {
        let s = TerminalText.sanitize
        var out = "SPF \(result.rawValue) for \(ip) at \(s(domain))\n"
        out += "  sender \(s(sender)), HELO \(s(helo)) (\(identity == .helo ? "HELO" : "MAIL FROM") identity)\n"
        if let matched {
            out += "  matched \(s(matched.term)) in the record of \(s(matched.domain))\n"
        }
        if let explanation { out += "  explanation: \(s(explanation))\n" }
        if let error { out += "  reason: \(s(error.description))\n" }
        out +=
            "  DNS-querying terms \(dnsMechanismCount)/\(SPFLimits.dnsMechanisms), void lookups \(voidLookupCount)/\(SPFLimits.voidLookups)\n"
        out += "Trace:\n"
        for step in trace {
            out += step.renderText()
        }
        return out
    }
}

extension SPFTraceStep {
    public var jsonValue: JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("depth", .int(depth)),
            ("action", .string(action.rawValue)),
            ("domain", .string(domain)),
            ("record", .string(record)),
            ("term", .string(term)),
        ]
        if let target { pairs.append(("target", .string(target))) }
        pairs.append(("lookups", .array(lookups.map(SPFTraceStep.json))))
        pairs.append(("dns_mechanisms", .int(dnsMechanismCount)))
        pairs.append(("void_lookups", .int(voidLookupCount)))
        pairs.append(("outcome", .string(outcome.word)))
        switch outcome {
        case .matched(let r), .result(let r): pairs.append(("result", .string(r.rawValue)))
        case .error(let e):
            pairs.append(("result", .string(e.result.rawValue)))
            pairs.append(("error", .string(e.description)))
        case .ignored(let why): pairs.append(("reason", .string(why)))
        case .value(let v): pairs.append(("value", .string(v)))
        case .notMatched: break
        }
        if let innerResult { pairs.append(("inner_result", .string(innerResult.rawValue))) }
        if let note { pairs.append(("note", .string(note))) }
        return .object(pairs)
    }

    static func json(_ answer: DNSAnswer) -> JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("name", .string(answer.question.name)),
            ("type", .string(answer.question.type.rawValue)),
            ("outcome", .string(answer.outcome.traceWord)),
        ]
        if case .answer(let records) = answer.outcome {
            pairs.append(("records", .array(records.map { .string($0.tracePresentation) })))
        }
        if !answer.cnames.isEmpty { pairs.append(("cnames", .array(answer.cnames.map { .string($0) }))) }
        if let dnssec = answer.dnssec { pairs.append(("dnssec", .string(dnssec.rawValue))) }
        if let reason = answer.reason { pairs.append(("reason", .string(reason))) }
        return .object(pairs)
    }

    /// Two-space indent per include/redirect level; the step line, then its DNS lookups.
    public func renderText() -> String {
        let s = TerminalText.sanitize
        let pad = String(repeating: "  ", count: depth + 1)
        var line = pad
        switch action {
        case .recordLookup: line += "\(s(domain)): record lookup"
        case .defaultResult: line += "\(s(domain)): default"
        case .validatedName: line += "\(s(domain)): %{p} validated name"
        case .directive, .redirect, .explanation: line += "\(s(domain)): \(s(term ?? action.rawValue))"
        }
        if let target, action != .recordLookup { line += " → \(s(target))" }
        line += " ⇒ " + outcome.word
        switch outcome {
        case .matched(let r), .result(let r): line += " (\(r.rawValue))"
        case .error(let e): line += " (\(e.result.rawValue): \(s(e.description)))"
        case .ignored(let why): line += " (\(s(why)))"
        case .value(let v): line += ": \(s(v))"
        case .notMatched: break
        }
        if let innerResult {
            line += " — \(action == .redirect ? "redirect" : "include") result: \(innerResult.rawValue)"
        }
        if let note { line += " — \(s(note))" }
        line += "  [dns \(dnsMechanismCount), void \(voidLookupCount)]\n"
        if action == .recordLookup, let record {
            line += pad + "  record: \"\(s(record))\"\n"
        }
        for answer in lookups {
            line += pad + "  ? \(s(answer.question.name)) \(answer.question.type.rawValue): \(answer.outcome.traceWord)"
            if case .answer(let records) = answer.outcome {
                let shown = records.prefix(8).map { s($0.tracePresentation) }
                line += " " + shown.joined(separator: ", ")
                if records.count > shown.count { line += ", … (\(records.count) records)" }
            }
            if !answer.cnames.isEmpty { line += " via CNAME " + answer.cnames.map(s).joined(separator: " → ") }
            if let dnssec = answer.dnssec { line += " [\(dnssec.rawValue)]" }
            if let reason = answer.reason { line += " (\(s(reason)))" }
            line += "\n"
        }
        return line
    }
}

extension SPFStepOutcome {
    /// `matched`, `not-matched`, `result`, `error`, `ignored`, `value`.
    public var word: String {
        switch self {
        case .matched: return "matched"
        case .notMatched: return "not-matched"
        case .result: return "result"
        case .error: return "error"
        case .ignored: return "ignored"
        case .value: return "value"
        }
    }
}

extension DNSOutcome {
    /// `answer`, `nodata`, `nxdomain`, `timeout`, `servfail`.
    var traceWord: String {
        switch self {
        case .answer: return "answer"
        case .nodata: return "nodata"
        case .nxdomain: return "nxdomain"
        case .timeout: return "timeout"
        case .servfail: return "servfail"
        }
    }
}

extension DNSRecord {
    /// The record data as presentation text (TXT strings joined, quoted).
    var tracePresentation: String {
        switch self {
        case .a(let ip), .aaaa(let ip): return ip.description
        case .txt: return "\"" + (joinedText ?? "") + "\""
        case .mx(let preference, let exchange): return "\(preference) \(exchange)"
        case .ptr(let name), .cname(let name): return name
        }
    }
}
