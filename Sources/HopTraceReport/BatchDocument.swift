import HopTraceCore

/// A mailbox's or Maildir's reports rendered one at a time, byte for byte the JSON document or
/// the text the whole batch renders to: the caller writes the bytes out as they gather, so
/// memory holds one report, not the mailbox's.
public struct BatchDocument: Sendable {
    let json: Bool
    let renderer: TextRenderer
    private var count = 0

    public init(json: Bool, renderer: TextRenderer) {
        self.json = json
        self.renderer = renderer
    }

    /// The document's opening.
    public func start(into out: inout [UInt8]) {
        if json { JSONRenderer.BatchStream.start(into: &out) }
    }

    /// One message's entry.
    public mutating func add(_ entry: BatchReport.Entry, into out: inout [UInt8]) {
        append(entry, index: count, into: &out)
        count += 1
    }

    /// The `index`-th entry (from 0), for callers that render entries on several tasks and
    /// write them out in order; `added(_:)` then counts them.
    public func append(_ entry: BatchReport.Entry, index: Int, into out: JSONBuffer) {
        if json {
            JSONRenderer.BatchStream.append(entry, index: index, into: out)
        } else {
            out.append(utf8: renderer.render(entry))
        }
    }

    /// `append(_:index:into:)` onto an array of bytes.
    public func append(_ entry: BatchReport.Entry, index: Int, into out: inout [UInt8]) {
        let buffer = JSONBuffer(capacity: 64 << 10)
        append(entry, index: index, into: buffer)
        buffer.copy(to: &out)
    }

    /// Counts `n` entries rendered with `append(_:index:into:)`.
    public mutating func added(_ n: Int) {
        count += n
    }

    /// The document's closing.
    public func finish(into out: inout [UInt8]) {
        if json { JSONRenderer.BatchStream.finish(count: count, into: &out) }
    }
}
