#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A value guarded by a pthread mutex. Public so that the other targets' shared state (such as
/// HopTraceAuth's `SPFRecordCache`) uses the same lock.
///
/// Why not `Synchronization.Mutex`: the package still declares macOS 13, where `Mutex` is not
/// available, and the resolvers must build there too. The mutex lives at a stable heap address
/// (a `pthread_mutex_t` must never move), allocated and destroyed by this class.
public final class Locked<Value>: @unchecked Sendable {
    // @unchecked: every access to `value` goes through `withLock`, which holds `mutex`.
    // Inlinable (and so the two stored properties usable from inline code) so that other
    // modules' hot paths (SPFRecordCache) get `withLock` specialised, not a generic call.
    @usableFromInline let mutex: UnsafeMutablePointer<pthread_mutex_t>
    @usableFromInline var value: Value

    public init(_ value: Value) {
        self.value = value
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    @inlinable
    public func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
