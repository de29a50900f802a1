import HopTraceCore
import HopTraceTestSupport
import Testing

@testable import HopTraceMessage

/// `Mailbox.index` goes from one "From " line to the next and looks back at the line before
/// each; it must split exactly where a reader that walks every line and remembers whether the
/// last one was empty splits (the reference below, the rules `Mailbox` documents), on
/// generated mailboxes full of near-separators: From lines with and without digits, after
/// empty, CR-only and other lines, "From " inside lines, CRLF, CR-only and mixed line breaks,
/// Content-Length fields right and wrong, leading empty lines, and message limits.
@Suite struct MailboxIndexOracleTests {
    /// The line-by-line walk.
    static func reference(_ buf: UnsafeBufferPointer<UInt8>, limit: Int) -> Mailbox.Index {
        let end = buf.count
        let lf = Mailbox.lineBreak(buf)
        var i = 0
        while i < end, buf[i] == Bytes.lf || buf[i] == Bytes.cr { i += 1 }
        if i == end { return Mailbox.Index(starts: [], end: end, truncated: false) }
        if !Bytes.hasPrefix(buf, at: i, end: end, Mailbox.from) { i = 0 }
        var starts = [i]
        var truncated = false
        var previousBlank = true
        var checkLength = true
        while i < end {
            if checkLength, let next = Mailbox.lengthEnd(buf, messageStart: i, end: end, lf) {
                checkLength = false
                guard next < end else { break }
                guard starts.count < limit else {
                    truncated = true
                    break
                }
                starts.append(next)
                i = next
                checkLength = true
                previousBlank = true
                continue
            }
            checkLength = false
            let lineEnd = Mailbox.lineEnd(buf, from: i, to: end, lf)
            let next = lineEnd < end ? lineEnd + 1 : end
            let blank = Mailbox.contentEnd(buf, lineStart: i, lineEnd: lineEnd, lf) == i
            if i != starts[starts.count - 1], Bytes.hasPrefix(buf, at: i, end: end, Mailbox.from) {
                let digit = Mailbox.hasDigit(buf, from: i + Mailbox.from.count, to: lineEnd)
                if digit && previousBlank
                    || (previousBlank || digit) && Mailbox.headerBlockFollows(buf, from: next, end: end, lf)
                {
                    guard starts.count < limit else {
                        truncated = true
                        break
                    }
                    starts.append(i)
                    checkLength = true
                    previousBlank = false
                    continue
                }
            }
            previousBlank = blank
            i = next
        }
        return Mailbox.Index(starts: starts, end: end, truncated: truncated)
    }

    static let lines: [String] = [
        "From alice@example.org Sat Aug 20 09:14:02 2016",
        "From - Sat Aug 20 09:14:02 2016",
        "From ???@??? Mon Jan 01 00:00:00 2001",
        "From the desk of the editor",
        "From bob",
        "From ",
        "From",
        ">From alice@example.org Sat Aug 20 2016",
        "", "", "", "\r", " \r", " ",
        "From: alice@example.org",
        "Subject: From 2016",
        "Received: from h.example.org by mx.example.net; Sat, 20 Aug 2016 09:14:02 +0000",
        "\tcontinued From 3",
        "Date: Sat, 20 Aug 2016 09:14:02 +0000",
        "Content-Length: 0",
        "Content-Length: 12",
        "Content-Length: 40",
        "content-length:  7 ",
        "Content-Length: x",
        "body text From 12 with From inside",
        "X-Other: value",
        "not a field line",
        "FFFFrom From From 1",
    ]

    static func mailbox(_ g: inout SplitMix64) -> [UInt8] {
        let breaks = ["\n", "\r\n", "\r"]
        let style = Int.random(in: 0..<6, using: &g)
        var text = String(repeating: "\n", count: Int.random(in: 0...1, using: &g) * Int.random(in: 0...2, using: &g))
        if Int.random(in: 0..<4, using: &g) > 0 { text += lines[Int.random(in: 0..<3, using: &g)] + "\n" }
        for _ in 0..<Int.random(in: 0...60, using: &g) {
            let line = lines[Int.random(in: 0..<lines.count, using: &g)]
            // Mostly one kind of break per file, some files mixed.
            let lineBreak = style < 3 ? breaks[style] : breaks[Int.random(in: 0..<3, using: &g)]
            text += line + lineBreak
        }
        if Int.random(in: 0..<3, using: &g) == 0, !text.isEmpty { text.removeLast() }
        return Array(text.utf8)
    }

    /// A body longer than the search window, with From lines placed across the window's end at
    /// every offset: the same split as the line walk, and progress reported as the search goes
    /// (ascending offsets, none past the bytes read).
    @Test func aSearchAcrossWindowsSplitsTheSameAndReportsProgress() {
        let window = Mailbox.searchWindow
        for shift in -6...1 {
            var bytes = Array("From a@example.org Sat Aug 20 09:14:02 2016\nSubject: one\n\n".utf8)
            // One long body line up to just before the window's end, then a separator across it.
            bytes += [UInt8](repeating: UInt8(ascii: "y"), count: window + shift - bytes.count) + [Bytes.lf, Bytes.lf]
            bytes += Array("From b@example.org Sat Aug 20 09:15:02 2016\nSubject: two\n\nbody\n".utf8)
            // A body past the first progress report (32 MiB).
            bytes += [UInt8](repeating: UInt8(ascii: "z"), count: 2 * window) + [Bytes.lf]
            var reported: [Int] = []
            bytes.withUnsafeBufferPointer { buf in
                let fast = Mailbox.index(buf, scanned: { reported.append($0) })
                #expect(fast == Self.reference(buf, limit: Limits.maxMailboxMessages), "shift \(shift)")
                #expect(fast.starts.count == 2, "shift \(shift)")
            }
            #expect(!reported.isEmpty && reported == reported.sorted() && reported.allSatisfy { $0 < bytes.count })
        }
    }

    @Test func theSearchSplitsWhereTheLineByLineWalkSplits() {
        var g = SplitMix64(state: 2016)
        var mailboxes = 0
        var multi = 0
        for _ in 0..<6000 {
            let bytes = Self.mailbox(&g)
            for limit in [Limits.maxMailboxMessages, 2, 3] {
                bytes.withUnsafeBufferPointer { buf in
                    let fast = Mailbox.index(buf, limit: limit)
                    let expected = Self.reference(buf, limit: limit)
                    #expect(
                        fast == expected, "\(String(decoding: bytes, as: UTF8.self).debugDescription) limit \(limit)")
                    if fast.starts.count > 2 { multi += 1 }
                }
            }
            mailboxes += 1
        }
        // The generator makes mailboxes of several messages, not only single ones.
        #expect(mailboxes == 6000 && multi > 500)
    }
}
