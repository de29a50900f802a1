/// Asks the wrapped resolver each question at most once: one analysis must not repeat a
/// query (RFC 7208 counts lookups, and a recording must see one answer per question).
///
/// Concurrent identical questions share one in-flight lookup: the first caller starts a task,
/// later callers await the same task.
public final class CachingResolver: DNSResolver {
    public let inner: any DNSResolver
    private let entries = Locked<[DNSQuestion: Task<DNSAnswer, Never>]>([:])

    public init(wrapping inner: any DNSResolver) {
        self.inner = inner
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
