import HopTraceCore
import HopTraceDNS
import HopTraceMessage
import Testing

@testable import HopTraceReport

/// `OrderedBatch` gives every item's output back in item order whatever the number of tasks,
/// and the next window's tasks write into the previous window's buffers (emptied), except a
/// buffer grown past `Buffers.keepAtMost`.
@Suite struct OrderedBatchTests {
    static func output(_ done: [OrderedBatch.Done], items: Int) -> String {
        var bytes: [UInt8] = []
        OrderedBatch.inOrder(done, items: items) { for piece in $0 { bytes += piece } }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test(arguments: [1, 2, 3, 7])
    func windowsComeBackInOrderIntoReusedBuffers(_ threads: Int) async {
        let first = Array(0..<20)
        let done = await OrderedBatch.run(first, threads: threads, reserve: 1) { _, item, buffer in
            buffer.append(utf8: "<\(item)>")
            return item % 3 != 0
        }
        #expect(Self.output(done, items: first.count) == first.map { "<\($0)>" }.joined())
        #expect(done.reduce(0) { $0 + $1.read } == first.filter { $0 % 3 != 0 }.count)

        let buffers = OrderedBatch.Buffers(done)
        let second = Array(100..<113)
        let next = await OrderedBatch.run(second, threads: threads, reserve: 1, buffers: buffers) { _, item, buffer in
            buffer.append(utf8: "[\(item)]")
            return true
        }
        #expect(Self.output(next, items: second.count) == second.map { "[\($0)]" }.joined())
        for (a, b) in zip(done, next) { #expect(a.buffer === b.buffer) }
    }

    /// A task held up on one item does not hold up the items after it: the other task takes
    /// them. Item 0 waits (yielding) until every other item is done, which only a task free to
    /// take any item can do; a fixed share per task would leave items to the waiting one, and
    /// the wait ends after 10 s so that the test fails rather than hangs.
    @Test func aTaskHeldUpOnOneItemLeavesTheRestToTheOthers() async {
        let items = Array(0..<40)
        let finished = Locked(0)
        let done = await OrderedBatch.run(items, threads: 2, reserve: 1) { i, item, buffer in
            if i == 0 {
                let deadline = ContinuousClock.now + .seconds(10)
                while finished.withLock({ $0 }) < items.count - 1 && ContinuousClock.now < deadline {
                    await Task.yield()
                }
            } else {
                finished.withLock { $0 += 1 }
            }
            buffer.append(utf8: "<\(item)>")
            return true
        }
        #expect(Self.output(done, items: items.count) == items.map { "<\($0)>" }.joined())
        let holder = done.first { $0.items.contains(0) }
        #expect(holder?.items == [0])
        #expect(done.map(\.items.count).reduce(0, +) == items.count)
    }

    @Test func aMapWindowComesBackInOrderWhoeverTookEachMessage() async {
        let mbox = (0..<30).map { i in
            "From a@example.net Mon Feb  3 10:00:05 2025\nReceived: from h\(i).example.net ([192.0.2.\(i + 1)]) by mx.example.org; Mon, 3 Feb 2025 10:00:05 +0000\nReceived: from mx.example.org by in.example.org; Mon, 3 Feb 2025 10:00:07 +0000\n\nbody \(i)\n"
        }.joined()
        let messages = MessageSource.mbox(Array(mbox.utf8))
        #expect(messages.count == 30)
        let one = await MapBatch.chains(messages, threads: 1)
        let three = await MapBatch.chains(messages, threads: 3)
        #expect(one.count == 30 && one.allSatisfy { $0?.first?.sightings.isEmpty == false })
        #expect(one == three)
    }

    @Test func aBufferGrownPastTheLimitIsNotKept() async {
        let done = await OrderedBatch.run([0], threads: 1) { _, _, buffer in
            buffer.append([UInt8](repeating: 0x41, count: OrderedBatch.Buffers.keepAtMost + 1))
            return true
        }
        let next = await OrderedBatch.run([1], threads: 1, buffers: OrderedBatch.Buffers(done)) { _, _, buffer in
            buffer.append(0x42)
            return true
        }
        #expect(next[0].buffer !== done[0].buffer)
        #expect(Self.output(next, items: 1) == "B")
    }
}
