import Foundation
import HopTraceCore
import Testing

@testable import HopTraceMessage

/// The mbox separators real writers produce, split as Python's `mailbox.mbox` and mail clients
/// split them; never two messages merged.
@Suite struct MailboxFormatTests {
    static func message(_ n: Int, body: String = "Hello.\n", extra: String = "") -> String {
        """
        Received: from h\(n).example.org (h\(n).example.org [192.0.2.\(n % 250 + 1)])
        \tby mx.example.net with ESMTP id Q\(n); Sat, 20 Aug 2016 09:14:02 +0000
        From: sender\(n)@example.org
        To: bob@example.net
        Subject: message \(n)
        Message-ID: <m\(n)@example.org>

        """ + (extra.isEmpty ? "" : extra + "\n") + "\n" + body
    }

    /// Each form: the mailbox text and its number of messages.
    static let forms: [(name: String, text: String, count: Int)] = [
        (
            "mboxrd",
            (0..<4).map {
                "From sender\($0)@example.org Sat Aug 20 09:14:02 2016\n"
                    + message($0, body: "body\n>From here on, escaped.\n>>From twice.\n") + "\n"
            }.joined(), 4
        ),
        (
            "mboxo",
            (0..<3).map {
                "From sender\($0)@example.org  Sat Aug 20 09:14:02 2016\n"
                    + message($0, body: ">From quoted, as mboxo writers escape it.\n") + "\n"
            }.joined(), 3
        ),
        (
            "Thunderbird",
            (0..<3).map {
                "From - Sat Aug 20 09:14:02 2016\nX-Mozilla-Status: 0001\nX-Mozilla-Status2: 00000000\n" + message($0)
                    + "\n"
            }.joined(), 3
        ),
        ("Eudora", (0..<3).map { "From ???@??? Sat Aug 20 09:14:02 2016\n" + message($0) + "\n" }.joined(), 3),
        // A MIME message whose close boundary is the last line, with no empty line before the
        // next From line (written by several exporters).
        (
            "no blank line",
            (0..<3).map {
                "From sender\($0)@example.org Sat Aug 20 09:14:02 2016\n"
                    + message(
                        $0, body: "--b\nContent-Type: text/plain\n\nx\n--b--",
                        extra: "Content-Type: multipart/mixed; boundary=\"b\"") + "\n"
            }.joined(), 3
        ),
        (
            "mboxcl2",
            (0..<3).map { n -> String in
                let body = "body of \(n)\n"
                return "From sender\(n)@example.org Sat Aug 20 09:14:02 2016\n"
                    + message(n, body: body, extra: "Content-Length: \(body.utf8.count)") + "\n"
            }.joined(), 3
        ),
    ]

    /// Message-IDs of each message, in order, as this splitter reads them.
    static func ours(_ data: [UInt8]) throws -> [String] {
        try Mailbox.split(mbox: data).map {
            try MessageIntake.read($0).chains[0].headers.first("Message-ID")?.value ?? "-"
        }
    }

    /// The same through Python's `mailbox.mbox`.
    static func python(_ data: [UInt8]) throws -> [String]? {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") else { return nil }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("hoptrace-mbox-\(UUID().uuidString)")
        try Data(data).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [
            "-c", "import mailbox,sys\nfor m in mailbox.mbox(sys.argv[1], create=False): print(m['Message-ID'] or '-')",
            file.path,
        ]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: out, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    @Test(arguments: [false, true])
    func splitsAsPythonsMailboxDoes(_ useCRLF: Bool) throws {
        for form in Self.forms {
            let data = useCRLF ? crlf(form.text) : bytes(form.text)
            let ids = try Self.ours(data)
            #expect(ids == (0..<form.count).map { "<m\($0)@example.org>" }, "\(form.name)")
            #expect(Mailbox.isMailbox(data), "\(form.name)")
            if let python = try Self.python(data) {
                #expect(ids == python, "\(form.name)")
            }
        }
    }

    /// mboxcl2 does not escape body lines that begin "From "; the Content-Length field says
    /// where the message ends (mutt reads it so). Python's `mailbox` splits there instead.
    @Test func contentLengthCarriesUnescapedFromLines() throws {
        let body = "Hello\n\nFrom 2015 to 2016 the numbers grew.\nFrom: not a header, a sentence\n\n"
        let text = (0..<3).map {
            "From sender\($0)@example.org Sat Aug 20 09:14:02 2016\n"
                + Self.message($0, body: body, extra: "Content-Length: \(body.utf8.count)") + "\n"
        }.joined()
        #expect(try Self.ours(bytes(text)) == ["<m0@example.org>", "<m1@example.org>", "<m2@example.org>"])
        #expect(try Self.ours(crlfWithLength(body)) == ["<m0@example.org>", "<m1@example.org>", "<m2@example.org>"])
    }

    /// The same with CRLF line ends, the length counting them.
    private func crlfWithLength(_ body: String) -> [UInt8] {
        let b = body.replacingOccurrences(of: "\n", with: "\r\n")
        return crlf(
            (0..<3).map {
                "From sender\($0)@example.org Sat Aug 20 09:14:02 2016\n"
                    + Self.message($0, body: "", extra: "Content-Length: \(b.utf8.count)")
            }
            .joined(separator: "\u{0}")
        ).split(separator: 0, omittingEmptySubsequences: false)
            .map { Array($0) + Array(b.utf8) + [13, 10] }.joined().map { $0 }
    }

    /// A wrong Content-Length (a message edited after writing) is not followed: the lines decide.
    @Test(arguments: [3, 10_000, 999_999_999_999_999])
    func aWrongContentLengthIsIgnored(_ length: Int) throws {
        let text = (0..<3).map {
            "From sender\($0)@example.org Sat Aug 20 09:14:02 2016\n"
                + Self.message($0, extra: "Content-Length: \(length)") + "\n"
        }.joined()
        #expect(try Self.ours(bytes(text)) == ["<m0@example.org>", "<m1@example.org>", "<m2@example.org>"])
    }

    /// An unescaped body line "From …" after an empty line, with no digit and no header block
    /// after it, is text; Python's `mailbox` splits there.
    @Test func anUnescapedFromLineWithoutADateIsText() throws {
        let text =
            "From a@example.org Sat Aug 20 09:14:02 2016\n" + Self.message(0, body: "Hi\n\nFrom the desk of Alice\n")
            + "\n"
            + "From b@example.org Sat Aug 20 09:14:02 2016\n" + Self.message(1)
        #expect(try Self.ours(bytes(text)) == ["<m0@example.org>", "<m1@example.org>"])
        if let python = try Self.python(bytes(text)) {
            #expect(python == ["<m0@example.org>", "-", "<m1@example.org>"])
        }
    }

    /// A body line "From …" with no empty line before it and no header block after it is text
    /// (Python's `mailbox` splits at every "From " line; mail clients do not).
    @Test func aFromLineInsideABodyIsText() throws {
        let text =
            "From a@example.org Sat Aug 20 09:14:02 2016\n"
            + Self.message(0, body: "Regards,\nFrom 9 to 5, Alice\nsee you\n") + "\n"
            + "From b@example.org Sat Aug 20 09:14:02 2016\n" + Self.message(1)
        #expect(try Self.ours(bytes(text)) == ["<m0@example.org>", "<m1@example.org>"])
    }

    /// Classic Mac OS mailboxes (Eudora) end lines in CR alone.
    @Test func crOnlyMailbox() throws {
        let text = (0..<3).map { "From ???@??? Sat Aug 20 09:14:02 2016\n" + Self.message($0) + "\n" }.joined()
        let data = bytes(text.replacingOccurrences(of: "\n", with: "\r"))
        #expect(Mailbox.isMailbox(data))
        #expect(try Self.ours(data) == ["<m0@example.org>", "<m1@example.org>", "<m2@example.org>"])
        #expect(
            try MessageIntake.read(Mailbox.split(mbox: data)[1]).chains[0].headers.fields(named: "Received").count == 1)
    }

    /// More messages than the limit: the rest are one entry that says so.
    @Test func moreMessagesThanTheLimitAreReported() throws {
        let text = (0..<5).map { "From s Sat Aug 20 09:14:02 2016\n" + Self.message($0) + "\n" }.joined()
        let data = bytes(text)
        let index = data.withUnsafeBufferPointer { Mailbox.index($0, limit: 3) }
        #expect(index.starts.count == 3)
        #expect(index.truncated)
        let messages = MessageSource.Messages(.array(data, index))
        #expect(messages.count == 4)
        #expect(messages.map(\.label) == ["1", "2", "3", "4"])
        guard case .failure(let error) = messages[3].read() else {
            Issue.record("the entry past the limit was read")
            return
        }
        #expect(
            error.message == "more than \(Limits.maxMailboxMessages) messages in the mailbox; the rest were not read")
    }

    /// Hostile mailboxes: many separators, many From lines that are not, binary: one pass each.
    @Test func hostileMailboxesAreBounded() throws {
        let separators = bytes(String(repeating: "From a 1\n", count: 200_000))
        let index = separators.withUnsafeBufferPointer { Mailbox.index($0) }
        #expect(index.starts.count == 1)  // no empty line before, no header after: one message
        let blank = bytes(String(repeating: "From a 1\n\n", count: 200_000))
        #expect(blank.withUnsafeBufferPointer { Mailbox.index($0) }.starts.count == 200_000)
        let capped = blank.withUnsafeBufferPointer { Mailbox.index($0, limit: 1_000) }
        #expect(capped.starts.count == 1_000 && capped.truncated)
        // "From " lines each followed by a 4 MiB header-like block: the look-ahead is bounded.
        let long = bytes("From a\n\nFrom b\n" + String(repeating: "X: y\n", count: 1_000_000))
        #expect(long.withUnsafeBufferPointer { Mailbox.index($0) }.starts.count == 1)
        var garbage: [UInt8] = Array("From a 1\n".utf8)
        var seed: UInt32 = 11
        for _ in 0..<2_000_000 {
            seed = seed &* 1_103_515_245 &+ 12_345
            garbage.append(UInt8(truncatingIfNeeded: seed >> 16))
        }
        _ = garbage.withUnsafeBufferPointer { Mailbox.index($0) }
    }

    /// A mailbox larger than `Limits.maxInputBytes` is mapped, not refused; a message larger
    /// than the limit is that message's error and the others are read.
    @Test func aMailboxLargerThanTheInputLimitIsMappedAndItsMessagesBounded() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "hoptrace-big-\(UUID().uuidString).mbox"
        ).path
        defer { try? FileManager.default.removeItem(atPath: path) }
        FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.write(contentsOf: Data(("From a Sat Aug 20 09:14:02 2016\n" + Self.message(0) + "\n").utf8))
        try handle.write(contentsOf: Data(("From b Sat Aug 20 09:14:02 2016\n" + Self.message(1, body: "")).utf8))
        let line = Data((String(repeating: "x", count: 1023) + "\n").utf8)
        let block = Data(repeating: 0, count: 0) + (0..<1024).reduce(into: Data()) { d, _ in d += line }
        for _ in 0..<(Limits.maxInputBytes / block.count + 1) { try handle.write(contentsOf: block) }
        try handle.write(contentsOf: Data(("\nFrom c Sat Aug 20 09:14:02 2016\n" + Self.message(2) + "\n").utf8))
        try handle.close()
        let source = try MessageSource(path: path)
        #expect(source.form == .mbox)
        #expect(source.messages.map(\.label) == ["1", "2", "3"])
        let results = source.messages.map { $0.read() }
        #expect(
            try MessageIntake.read(results[0].get()).chains[0].headers.first("Message-ID")?.value == "<m0@example.org>")
        #expect(
            try MessageIntake.read(results[2].get()).chains[0].headers.first("Message-ID")?.value == "<m2@example.org>")
        guard case .failure(let error) = results[1] else {
            Issue.record("a message over the limit was read")
            return
        }
        #expect(
            error.message
                == "message is larger than \(Limits.maxInputBytes / (1024 * 1024)) MiB, the limit for one message")
    }

    /// A file over the limit that is not an mbox is still refused.
    @Test func aLargeFileThatIsNotAMailboxIsRefused() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "hoptrace-big-\(UUID().uuidString).eml"
        ).path
        defer { try? FileManager.default.removeItem(atPath: path) }
        FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.write(contentsOf: Data("Subject: x\n\n".utf8))
        try handle.truncate(atOffset: UInt64(Limits.maxInputBytes + 1))
        try handle.close()
        #expect(throws: InputError(.tooLarge(limit: Limits.maxInputBytes), name: path)) {
            try MessageSource(path: path)
        }
    }
}
