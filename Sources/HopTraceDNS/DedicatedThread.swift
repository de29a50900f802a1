#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Blocking work (poll loops, socket waits) runs on its own pthread, never on Swift's
/// cooperative pool, which has only as many threads as cores (two here): one blocked
/// thread there would stall half of the analysis.
enum DedicatedThread {
    private final class Job {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    /// Starts `body` on a new thread. Returns the thread to join, or nil if none could be
    /// created (then `body` has not run).
    static func start(_ body: @escaping @Sendable () -> Void) -> pthread_t? {
        let job = Unmanaged.passRetained(Job(body)).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(
            &thread, nil,
            { arg in
                guard let arg else { return nil }
                Unmanaged<Job>.fromOpaque(arg).takeRetainedValue().body()
                return nil
            }, job)
        guard rc == 0 else {
            Unmanaged<Job>.fromOpaque(job).release()
            return nil
        }
        return thread
    }

    /// Runs `body` on a new detached thread and awaits its result (inline if no thread can
    /// be created).
    static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
            let work: @Sendable () -> Void = { continuation.resume(returning: body()) }
            if let thread = start(work) {
                pthread_detach(thread)
            } else {
                work()
            }
        }
    }
}
