// The mailbox splitter (mbox formats, from a byte buffer): the split and the index agree, and
// every message is a slice of the mailbox, in order, without overlap; the first messages go
// through the parse stage as `hoptrace hops MBOX` reads them.
import FuzzSupport
import HopTraceMessage
import HopTraceReport

FuzzDriver.run { data, size in
    let bytes = FuzzDriver.bytes(data, size)
    _ = Mailbox.isMailbox(bytes)
    let messages = Mailbox.split(mbox: bytes)
    var end = 0
    for m in messages {
        FuzzCheck.require(
            m.startIndex >= end && m.endIndex <= bytes.count,
            "message \(m.startIndex)..<\(m.endIndex) overlaps its predecessor (ends \(end)) or leaves the buffer (\(bytes.count))"
        )
        end = m.endIndex
    }
    for m in messages.prefix(8) { _ = try? Analyzer.hops(m) }
    return 0
}
