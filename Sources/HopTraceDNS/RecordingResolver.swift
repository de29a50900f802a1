/// Passes questions to the wrapped resolver and keeps every answer, so an analysis can be
/// saved (`--save-dns`) and replayed years later through `SnapshotResolver`.
///
/// Wrap it in a `CachingResolver` so it sees each question once. If the same question is
/// answered twice anyway, the first answer is kept: that is the one the analysis used first.
///
/// An answer the wrapped resolver has at hand (`SynchronousAnswers`) is recorded as a resolved
/// one is.
public final class RecordingResolver: SynchronousAnswers {
    public let inner: any DNSResolver
    /// `inner`, when it can answer without waiting.
    private let innerAtHand: (any SynchronousAnswers)?
    private let state = Locked<(order: [DNSQuestion], answers: [DNSQuestion: DNSAnswer])>(([], [:]))

    public init(wrapping inner: any DNSResolver) {
        self.inner = inner
        self.innerAtHand = inner.synchronousAnswers
    }

    public func resolve(_ question: DNSQuestion) async -> DNSAnswer {
        record(question, await inner.resolve(question))
    }

    public func answerAtHand(_ question: DNSQuestion) -> DNSAnswer? {
        innerAtHand?.answerAtHand(question).map { record(question, $0) }
    }

    /// Keeps the answer to a question (the first one to each) and returns it.
    private func record(_ question: DNSQuestion, _ answer: DNSAnswer) -> DNSAnswer {
        state.withLock { state in
            if state.answers[question] == nil {
                state.answers[question] = answer
                state.order.append(question)
            }
        }
        return answer
    }

    /// Every answer recorded, in the order first asked.
    public var answers: [DNSAnswer] {
        state.withLock { state in state.order.map { state.answers[$0]! } }
    }

    /// The recorded answers as a snapshot that replays each of them with the same outcome,
    /// CNAME chain and records.
    ///
    /// How each outcome is written:
    /// - answer: the records at the chain's last name, and a CNAME record per step;
    /// - NXDOMAIN: the name is simply absent; if the name has to be present for another
    ///   question (a sibling type was answered, or it is in a CNAME chain), `;! nxdomain`;
    /// - NODATA: nothing when the name has records of other types; else `;! nodata`;
    /// - timeout/SERVFAIL (a bogus DNSSEC answer too): `;! timeout` / `;! servfail`, with the reason.
    ///
    /// Not reproducible, by construction: DNSSEC status (a snapshot has none), TTLs, and
    /// contradictions in the live data itself (the same name and type answered differently
    /// when reached through different CNAME chains; the first answer is written).
    /// Questions for names DNS cannot carry (an over-long label) are not written: a snapshot
    /// refuses them with the same SERVFAIL as the live resolver.
    public func zoneFile() -> ZoneFile {
        let recorded = answers
        var zone = ZoneFile()
        /// Facts already written for (name, type): the first one wins.
        var decided = Set<DNSQuestion>()
        var nxdomains: [DNSQuestion] = []
        var nodatas: [DNSQuestion] = []
        for answer in recorded {
            let q = answer.question
            let chain = [q.name] + answer.cnames
            guard chain.allSatisfy({ DNSName.problem($0) == nil }) else { continue }
            for (owner, target) in zip(chain, chain.dropFirst()) {
                zone.add(.cname(target), at: owner)
            }
            let final = DNSQuestion(name: chain.last!, type: q.type)
            guard decided.insert(final).inserted else { continue }
            switch answer.outcome {
            case .answer(let records):
                for record in records { zone.add(record, at: final.name) }
            case .nodata:
                nodatas.append(final)
            case .nxdomain:
                nxdomains.append(final)
            case .timeout:
                zone.add(ZoneFile.Directive(.timeout, name: final.name, type: final.type, reason: answer.reason))
            case .servfail:
                zone.add(ZoneFile.Directive(.servfail, name: final.name, type: final.type, reason: answer.reason))
            }
        }
        // NODATA and NXDOMAIN depend on what else the name has, so they come after every record.
        for q in nodatas {
            let records = zone.records(at: q.name)
            let replaysAsNodata =
                records.map { r in
                    !r.contains { $0.type == q.type } && (q.type == .cname || !r.contains { $0.type == .cname })
                } ?? false
            if !replaysAsNodata { zone.add(ZoneFile.Directive(.nodata, name: q.name, type: q.type)) }
        }
        for q in nxdomains where zone.records(at: q.name) != nil || zone.directives[q.name] != nil {
            zone.add(ZoneFile.Directive(.nxdomain, name: q.name, type: q.type))
        }
        return zone
    }

    /// `zoneFile()` as master-file text, with a header saying what it is.
    public func zoneFileText() -> String {
        let zone = zoneFile()
        return zone.text(header: [
            "hoptrace DNS snapshot: \(answers.count) recorded question(s).",
            "Replay with --dns-snapshot. Lines starting ';!' are hoptrace directives (comments to other tools).",
        ])
    }
}
