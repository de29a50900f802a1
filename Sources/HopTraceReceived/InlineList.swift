/// What a scan hands out one at a time (tokens, a comment's items, words), held on the stack for
/// the usual small counts instead of in an array: `scan` hands each item to its argument and
/// stops as soon as that answers false, answering false itself then (true when it went to the
/// end).
enum InlineList {
    /// Calls `body` with every item `scan` hands out: in a stack buffer when there are at most
    /// `capacity` of them, else (the scan made again) in an array.
    @inline(__always)
    static func with<T, R>(
        capacity: Int, _ scan: ((T) -> Bool) -> Bool, _ body: (UnsafeBufferPointer<T>) -> R
    ) -> R {
        withUnsafeTemporaryAllocation(of: T.self, capacity: capacity) { buffer in
            var count = 0
            defer { _ = buffer.prefix(count).deinitialize() }
            let fits = scan { item in
                guard count < buffer.count else { return false }
                buffer.initializeElement(at: count, to: item)
                count += 1
                return true
            }
            if fits { return body(UnsafeBufferPointer(rebasing: buffer[..<count])) }
            return array(scan).withUnsafeBufferPointer(body)
        }
    }

    /// Every item `scan` hands out, in an array with room for `reserve` before it grows.
    @inline(__always)
    static func array<T>(_ scan: ((T) -> Bool) -> Bool, reserve: Int = 0) -> [T] {
        var out: [T] = []
        out.reserveCapacity(reserve)
        _ = scan {
            out.append($0)
            return true
        }
        return out
    }
}
