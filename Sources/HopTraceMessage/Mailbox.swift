import HopTraceCore

/// mbox files and Maildir folders, for batch work (`hoptrace map`).
public enum Mailbox {
    private static let from: [UInt8] = Array("From ".utf8)

    /// Splits an mbox file (mboxo or mboxrd, LF or CRLF) into messages. A message starts at a line
    /// beginning "From " at the start of the file or after an empty line; at most
    /// `Limits.maxMailboxMessages` messages are returned. Each slice starts with its From line
    /// (which `MessageIntake.read` skips) and keeps the trailing empty line.
    ///
    /// A body line "From …" after an empty line in an mboxo file (which does not escape it) is
    /// indistinguishable from a separator; a separator also needs a digit on the line (the date
    /// every MTA and MUA writes there), which rules out most prose ("From the desk of …").
    public static func split(mbox bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        let starts: [Int] = bytes.withUnsafeBufferPointer { buf in
            let end = buf.count
            var starts: [Int] = []
            if end > 0 { starts.append(0) }
            var i = 0
            var previousBlank = true
            while i < end, starts.count <= Limits.maxMailboxMessages {
                let lineEnd = Bytes.lineEnd(buf, from: i, to: end)
                let blank = Bytes.contentEnd(buf, lineStart: i, lineEnd: lineEnd) == i
                if i > 0, previousBlank, isSeparator(buf, from: i, to: lineEnd) {
                    starts.append(i)
                }
                previousBlank = blank
                i = lineEnd < end ? lineEnd + 1 : end
            }
            return starts
        }
        var messages: [ArraySlice<UInt8>] = []
        messages.reserveCapacity(min(starts.count, Limits.maxMailboxMessages))
        for (n, s) in starts.enumerated() where n < Limits.maxMailboxMessages {
            let e = n + 1 < starts.count ? starts[n + 1] : bytes.count
            // Leading blank lines before the first From line are not a message.
            if n == 0, s < e, bytes[s..<e].allSatisfy({ $0 == Bytes.lf || $0 == Bytes.cr }) { continue }
            messages.append(bytes[s..<e])
        }
        return messages
    }

    /// Whether the bytes look like an mbox with more than one message: "From " at the start and
    /// another "From " separator line after it.
    public static func isMailbox(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { buf in
            guard Bytes.hasPrefix(buf, at: 0, end: buf.count, from) else { return false }
            var search = 0
            while let hit = Bytes.find([Bytes.lf] + from, in: buf, from: search, to: buf.count) {
                let lineStart = hit + 1
                let lineEnd = Bytes.lineEnd(buf, from: lineStart, to: buf.count)
                if isSeparator(buf, from: lineStart, to: lineEnd) { return true }
                search = lineStart
            }
            return false
        }
    }

    private static func isSeparator(_ buf: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Bool {
        guard Bytes.hasPrefix(buf, at: from, end: to, Self.from) else { return false }
        var k = from + 5
        while k < to {
            if buf[k] >= 0x30 && buf[k] <= 0x39 { return true }
            k += 1
        }
        return false
    }

    /// The message files of a Maildir (`cur/` and `new/`; `tmp/` holds deliveries in progress),
    /// sorted by path. Hidden files (".DS_Store", Dovecot's dot-files) are skipped.
    public static func maildirFiles(at path: String) throws(MaildirError) -> [String] {
        guard PathKind.of(path) == .directory else {
            throw MaildirError("not a directory: \(path)")
        }
        var files: [String] = []
        var foundSubfolder = false
        for sub in ["cur", "new"] {
            let dir = PathKind.join(path, sub)
            guard PathKind.of(dir) == .directory else { continue }
            foundSubfolder = true
            let names: [String]
            do {
                names = try PathKind.names(in: dir)
            } catch {
                throw MaildirError("\(dir): \(error)")
            }
            for name in names where !name.hasPrefix(".") {
                let file = PathKind.join(dir, name)
                if PathKind.of(file) == .other {
                    files.append(file)
                }
            }
        }
        guard foundSubfolder else { throw MaildirError("not a Maildir (no cur/ or new/): \(path)") }
        return files.sorted()
    }

    /// Whether a directory is a Maildir (has cur/ or new/).
    public static func isMaildir(at path: String) -> Bool {
        ["cur", "new"].contains { PathKind.of(PathKind.join(path, $0)) == .directory }
    }
}

/// A folder is not a Maildir, or it cannot be listed.
public struct MaildirError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
