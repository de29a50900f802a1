import HopTraceCore
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
