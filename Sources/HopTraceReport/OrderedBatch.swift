import HopTraceCore
import HopTraceDNS

/// Work over many messages on several tasks at once, the output in the messages' order: each
/// task appends its items' output to its own buffer, and `inOrder` hands the buffers' pieces
/// back in item order. `hoptrace hops` and `hoptrace analyze` on a mailbox run on it.
public enum OrderedBatch {
    /// What one task produced: its output buffer, which items it took and where each one's
    /// output lies in the buffer, and how many of its items succeeded.
    ///
    /// `@unchecked Sendable`: `buffer` is a reference, written only by the task that ran with
    /// it and read only after the task group has handed the finished `Done` back (the group's
    /// join orders the writes before the reads); it is written again only when the caller hands
    /// it to the next window's task (`Buffers`), after it has written the window out.
    public struct Done: @unchecked Sendable {
        public var worker: Int
        /// The task's output: each item's output written straight into it (no copy per item).
        public let buffer: JSONBuffer
        /// The items the task took, in the order it took them; `ranges[k]` is the output of
        /// `items[k]`.
        public var items: [Int] = []
        public var ranges: [Range<Int>] = []
        public var read = 0
    }

    /// One item's work: its index in `items`, the item, the task's buffer to append to; true
    /// when the item succeeded (counted in `Done.read`).
    public typealias Work<Item> = @Sendable (Int, Item, JSONBuffer) async -> Bool

    /// The output buffers of one window's tasks, handed to the next window's (emptied, their
    /// memory kept): a mailbox's windows write into memory the first window grew and touched,
    /// where fresh buffers cost a copy at every doubling and a page fault on every new page
    /// (about half of the JSON writing time of `analyze` on a mailbox).
    ///
    /// `@unchecked Sendable`: the buffers are references; task `w` of a window is the only
    /// one given buffer `w`, and the caller hands them on only after the previous window's
    /// tasks have joined and its output has been written.
    public struct Buffers: @unchecked Sendable {
        var list: [JSONBuffer]

        /// No buffers yet: the first window's tasks make their own.
        public init() { list = [] }

        /// The buffers of a finished window, to be reused by the next one.
        public init(_ done: [Done]) { list = done.map(\.buffer) }

        /// Buffers past this size are not kept: a window of a few huge messages does not pin
        /// their memory for the rest of the mailbox.
        static let keepAtMost = 64 << 20

        func take(_ worker: Int, reserve: Int) -> JSONBuffer {
            guard worker < list.count, list[worker].capacityInBytes <= Self.keepAtMost else {
                return JSONBuffer(capacity: reserve)
            }
            list[worker].removeAll()
            return list[worker]
        }
    }

    /// Runs `work` over `items` on `threads` concurrent tasks, each task taking the next item
    /// not yet taken when it is free (a task held up, by a long message or by the machine, holds
    /// up one item, not a share of the window fixed in advance), task `w` writing into buffer
    /// `w` of `buffers` when there is one (emptied first). Sorted by task.
    public static func run<Item: Sendable>(
        _ items: [Item], threads: Int, reserve: Int = 256 << 10, buffers: Buffers = Buffers(),
        work: @escaping Work<Item>
    ) async -> [Done] {
        await tasks(count: items.count, threads: threads) { worker, queue in
            var d = Done(worker: worker, buffer: buffers.take(worker, reserve: reserve))
            while let i = queue.next() {
                let start = d.buffer.count
                if await work(i, items[i], d.buffer) { d.read += 1 }
                d.items.append(i)
                d.ranges.append(start..<d.buffer.count)
            }
            return d
        }
    }

    /// The indexes `0..<count`, each handed out once, in order, to whichever task asks next.
    public final class Queue: Sendable {
        let count: Int
        let taken = Locked(0)

        init(count: Int) { self.count = count }

        /// The next index not yet handed out; nil when none is left.
        public func next() -> Int? {
            taken.withLock { n in
                guard n < count else { return nil }
                n += 1
                return n - 1
            }
        }
    }

    /// Runs `body` on `min(threads, count)` concurrent tasks, all taking indexes below `count`
    /// from one `Queue`; what each task returned, in task order.
    public static func tasks<T: Sendable>(
        count: Int, threads: Int, _ body: @escaping @Sendable (Int, Queue) async -> T
    ) async -> [T] {
        let workers = min(threads, count)
        let queue = Queue(count: count)
        var done: [(Int, T)] = []
        await withTaskGroup(of: (Int, T).self) { group in
            for worker in 0..<workers {
                group.addTask { (worker, await body(worker, queue)) }
            }
            for await d in group { done.append(d) }
        }
        return done.sorted { $0.0 < $1.0 }.map(\.1)
    }

    /// The tasks' output in the items' order, handed to `write` in one call as the list of
    /// the items' bytes (no copy; `write` gathers them into as few system calls as it can).
    public static func inOrder(
        _ done: [Done], items: Int, _ write: ([UnsafeRawBufferPointer]) throws -> Void
    ) rethrows {
        try withBytes(of: done[...]) { buffers in
            var pieces = [UnsafeRawBufferPointer](repeating: UnsafeRawBufferPointer(start: nil, count: 0), count: items)
            for (d, bytes) in zip(done, buffers) {
                for (i, range) in zip(d.items, d.ranges) {
                    pieces[i] = UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[range]))
                }
            }
            try write(pieces)
        }
    }

    /// `body` with the bytes of every task's buffer at once (each buffer's `withBytes` around
    /// the next: the pointers are valid for the whole of `body`).
    static func withBytes(
        of done: ArraySlice<Done>, _ held: [UnsafeBufferPointer<UInt8>] = [],
        _ body: ([UnsafeBufferPointer<UInt8>]) throws -> Void
    ) rethrows {
        guard let first = done.first else { return try body(held) }
        try first.buffer.withBytes { try withBytes(of: done.dropFirst(), held + [$0], body) }
    }
}
