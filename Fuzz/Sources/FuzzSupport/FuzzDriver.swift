import CFuzzer
import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Starts libFuzzer. Each target's main.swift calls `run` with a closure that reads one input
/// (the closure is a C function pointer: it captures nothing and calls the target's code).
public enum FuzzDriver {
    /// Runs libFuzzer with the process's arguments (its flags, corpus folders or reproducer
    /// files) and exits with its status.
    public static func run(_ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Never {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, callback))
    }

    /// The input as bytes.
    public static func bytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
        guard let data, size > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: size))
    }

    /// Runs an async body to completion on the current thread's behalf: the analysis APIs are
    /// async, libFuzzer's callback is not.
    public static func wait<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox<T>()
        Task.detached {
            box.value = await body()
            done.signal()
        }
        done.wait()
        guard let value = box.value else { FuzzCheck.fail("async body ended without a value") }
        return value
    }
}

/// One async result handed to the waiting thread. `@unchecked Sendable`: the task writes
/// `value` before `signal()`, the waiter reads it after `wait()` returns, so the semaphore
/// orders the two accesses.
final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}
