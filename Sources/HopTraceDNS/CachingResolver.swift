/// Asks the wrapped resolver each question at most once: one analysis must not repeat a
/// query (RFC 7208 counts lookups, and a recording must see one answer per question).
///
/// Concurrent identical questions share one in-flight lookup: the first caller starts a task,
/// later callers await the same task.
///
/// An answer the wrapped resolver has at hand (`SynchronousAnswers`) is passed through as it
/// is, not kept: asking again costs no lookup, and it is the answer a lookup would give.
public final class CachingResolver: SynchronousAnswers {
    public let inner: any DNSResolver
    /// `inner`, when it can answer without waiting.
    private let innerAtHand: (any SynchronousAnswers)?
    private let entries = Locked<[DNSQuestion: Task<DNSAnswer, Never>]>([:])

    public init(wrapping inner: any DNSResolver) {
        self.inner = inner
        self.innerAtHand = inner.synchronousAnswers
    }

    public func answerAtHand(_ question: DNSQuestion) -> DNSAnswer? {
        innerAtHand?.answerAtHand(question)
    }

    public func resolve(_ question: DNSQuestion) async -> DNSAnswer {
        let inner = self.inner
        let task = entries.withLock { entries in
            if let existing = entries[question] { return existing }
            let task = Task { await inner.resolve(question) }
            entries[question] = task
            return task
        }
        return await task.value
    }

    /// How many distinct questions were asked.
    public var questionCount: Int { entries.withLock { $0.count } }
}
