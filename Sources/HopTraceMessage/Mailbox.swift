import HopTraceCore

/// mbox files and Maildir folders, for batch work.
///
/// An mbox is split where its writers start a message and where readers split it (Python's
/// `mailbox.mbox`, mutt, Thunderbird): at a line beginning "From " (the envelope line: mboxo,
/// mboxrd, mboxcl, mboxcl2, Thunderbird's and Mozilla's `From - <date>`, Eudora's
/// `From ???@??? <date>`)
/// - at the start of the file (after any blank lines);
/// - after an empty line, when the line holds a digit (the date every writer puts there), or
///   when a header block follows it;
/// - after any other line (a MIME close boundary, a body without a final empty line), when it
///   holds a digit and a header block follows it, so that two messages are never merged;
/// - at the offset a message's `Content-Length` field names (mboxcl, mboxcl2, as mutt reads
///   it), when a From line or the end of the file is there: the body in between is not
///   searched (mboxcl2 does not escape body lines that begin "From ").
/// Lines end in LF, CRLF, or, in a file with no LF near its start (classic Mac OS, Eudora), CR.
///
/// An unescaped body line "From …" after an empty line (mboxo) is indistinguishable from a
/// separator when it holds a digit; without one ("From the desk of …") and without a header
/// block after it, it is body text (Python's `mailbox` splits there too).
public enum Mailbox {
    static let from: [UInt8] = Array("From ".utf8)
    private static let contentLength: [UInt8] = Array("content-length:".utf8)
    /// Field names that make the lines after a `From ` line a message's header block.
    private static let messageFields: [[UInt8]] = [
        "from", "to", "subject", "date", "message-id", "received",
        "return-path", "delivered-to",
    ].map { Array($0.utf8) }

    /// Splits an mbox file into messages; at most `Limits.maxMailboxMessages` are returned. Each
    /// slice starts with its From line (which `MessageIntake.read` skips) and keeps the trailing
    /// empty line. Input that does not start with a From line is one message.
    public static func split(mbox bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        let index = bytes.withUnsafeBufferPointer { Self.index($0) }
        return index.ranges.map { bytes[$0] }
    }

    /// Where each message of an mbox starts, found in one pass over `buf`.
    public struct Index: Sendable, Hashable {
        /// Message start offsets, ascending.
        public var starts: [Int]
        /// The end of the last message (the input's length).
        public var end: Int
        /// Whether messages after the first `Limits.maxMailboxMessages` were left unread.
        public var truncated: Bool

        /// Message `n`'s bytes.
        public func range(_ n: Int) -> Range<Int> {
            starts[n]..<(n + 1 < starts.count ? starts[n + 1] : end)
        }

        public var ranges: [Range<Int>] { starts.indices.map(range) }
    }

    /// The messages of an mbox in `buf`. `limit` bounds their number; `scanned` is told, now
    /// and then, that the bytes before an offset will not be read again (a mapped file gives
    /// their pages back).
    public static func index(
        _ buf: UnsafeBufferPointer<UInt8>, limit: Int = Limits.maxMailboxMessages,
        scanned: (Int) -> Void = { _ in }
    ) -> Index {
        let end = buf.count
        let lf = lineBreak(buf)
        var i = 0
        while i < end, buf[i] == Bytes.lf || buf[i] == Bytes.cr { i += 1 }
        if i == end { return Index(starts: [], end: end, truncated: false) }
        if !Bytes.hasPrefix(buf, at: i, end: end, from) { i = 0 }
        var starts = [i]
        var truncated = false
        var nextReport = 32 << 20
        // The Content-Length check of the message that starts at `i`.
        var checkLength = true
        // `i` is where the search goes on from: a message's start, a From line that was not
        // one, or the end of a search window.
        while i < end {
            if i >= nextReport {
                scanned(i - (1 << 20))
                nextReport = i + (32 << 20)
            }
            if checkLength, let next = lengthEnd(buf, messageStart: i, end: end, lf) {
                checkLength = false
                guard next < end else { break }
                guard starts.count < limit else {
                    truncated = true
                    break
                }
                starts.append(next)
                i = next
                checkLength = true
                continue
            }
            checkLength = false
            // Only lines that begin "From " can start a message: the search goes from one to
            // the next (not line by line), and looks back at the line before. It reads at most
            // `searchWindow` bytes at a time, so that `scanned` is told as the search goes.
            let window = min(end, i + searchWindow)
            guard let line = nextFromLine(buf, after: i, end: window, lf) else {
                if window == end { break }
                // A From line across the window's end is found from here.
                i = window - from.count
                continue
            }
            i = line
            let lineEnd = Self.lineEnd(buf, from: line, to: end, lf)
            let next = lineEnd < end ? lineEnd + 1 : end
            let previousBlank = blankLineBefore(buf, line: line, notBefore: starts[starts.count - 1], lf)
            let digit = hasDigit(buf, from: line + from.count, to: lineEnd)
            if digit && previousBlank || (previousBlank || digit) && headerBlockFollows(buf, from: next, end: end, lf) {
                guard starts.count < limit else {
                    truncated = true
                    break
                }
                starts.append(line)
                checkLength = true
            }
        }
        return Index(starts: starts, end: end, truncated: truncated)
    }

    /// Whether the bytes look like an mbox with more than one message: "From " at the start and
    /// another separator after it.
    public static func isMailbox(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { isMailbox($0) }
    }

    public static func isMailbox(_ buf: UnsafeBufferPointer<UInt8>) -> Bool {
        guard Bytes.hasPrefix(buf, at: 0, end: buf.count, from) else { return false }
        let index = Self.index(buf, limit: 2)
        return index.starts.count > 1 || index.truncated
    }

    /// LF, or CR when the first 64 KiB hold a CR and no LF (classic Mac OS files).
    static func lineBreak(_ buf: UnsafeBufferPointer<UInt8>) -> UInt8 {
        let head = min(buf.count, 64 << 10)
        if Bytes.find(Bytes.lf, in: buf, from: 0, to: head) == nil,
            Bytes.find(Bytes.cr, in: buf, from: 0, to: head) != nil
        {
            return Bytes.cr
        }
        return Bytes.lf
    }

    /// How far one search for the next From line reads before `index` reports its progress.
    static let searchWindow = 16 << 20

    /// The start of the first line after `lineStart` that begins "From ", searched before `end`.
    static func nextFromLine(_ buf: UnsafeBufferPointer<UInt8>, after lineStart: Int, end: Int, _ lf: UInt8) -> Int? {
        var k = lineStart + 1
        while let hit = Bytes.find(from, in: buf, from: k, to: end) {
            if buf[hit - 1] == lf { return hit }
            k = hit + 1
        }
        return nil
    }

    /// Whether the line before the one at `line` is empty (or holds only a CR before its LF).
    /// `floor` is a line start at or before that line: nothing before it is read.
    static func blankLineBefore(_ buf: UnsafeBufferPointer<UInt8>, line: Int, notBefore floor: Int, _ lf: UInt8) -> Bool
    {
        // buf[line - 1] is the previous line's break; that line starts at `floor` or after a break.
        let end = line - 1
        if end == floor || buf[end - 1] == lf { return true }
        guard lf == Bytes.lf, buf[end - 1] == Bytes.cr else { return false }
        return end - 1 == floor || buf[end - 2] == lf
    }

    @inline(__always)
    static func lineEnd(_ buf: UnsafeBufferPointer<UInt8>, from: Int, to: Int, _ lf: UInt8) -> Int {
        Bytes.find(lf, in: buf, from: from, to: to) ?? to
    }

    @inline(__always)
    static func contentEnd(_ buf: UnsafeBufferPointer<UInt8>, lineStart: Int, lineEnd: Int, _ lf: UInt8) -> Int {
        lf == Bytes.lf ? Bytes.contentEnd(buf, lineStart: lineStart, lineEnd: lineEnd) : lineEnd
    }

    static func hasDigit(_ buf: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Bool {
        var k = from
        while k < to {
            if buf[k] >= 0x30 && buf[k] <= 0x39 { return true }
            k += 1
        }
        return false
    }

    /// Whether the lines at `from` are a header block (fields and their continuations up to an
    /// empty line or the end, at most `Limits.maxHeaderBlockBytes`) with at least one field a
    /// message has (From, To, Subject, Date, Message-ID, Received, Return-Path, Delivered-To).
    static func headerBlockFollows(_ buf: UnsafeBufferPointer<UInt8>, from: Int, end: Int, _ lf: UInt8) -> Bool {
        let limit = min(end, from &+ Limits.maxHeaderBlockBytes)
        var i = from
        var known = false
        var first = true
        while i < limit {
            let lineEnd = Self.lineEnd(buf, from: i, to: limit, lf)
            let content = contentEnd(buf, lineStart: i, lineEnd: lineEnd, lf)
            if content == i { break }
            if Bytes.isWSP(buf[i]) {
                if first { return false }
            } else {
                guard let colon = HeaderParser.fieldColon(buf, at: i, end: content) else { return false }
                if !known {
                    var nameEnd = colon
                    while nameEnd > i, Bytes.isWSP(buf[nameEnd - 1]) { nameEnd -= 1 }
                    known = messageFields.contains { name in
                        name.count == nameEnd - i && Bytes.hasPrefixIgnoringCase(buf, at: i, end: nameEnd, name)
                    }
                }
            }
            first = false
            i = lineEnd < limit ? lineEnd + 1 : limit
        }
        return known
    }

    /// mboxcl/mboxcl2: when the message at `messageStart` has a `Content-Length` field and its
    /// body of that many bytes is followed by the end of the input or, after empty lines, by a
    /// From line, the offset of that From line (or the end). Nil when there is no such field or
    /// it does not fit (then the lines decide).
    static func lengthEnd(_ buf: UnsafeBufferPointer<UInt8>, messageStart: Int, end: Int, _ lf: UInt8) -> Int? {
        guard Bytes.hasPrefix(buf, at: messageStart, end: end, from) else { return nil }
        let limit = min(end, messageStart &+ Limits.maxHeaderBlockBytes)
        var i = messageStart
        var length: Int?
        var first = true
        while i < limit {
            let lineEnd = Self.lineEnd(buf, from: i, to: limit, lf)
            let content = contentEnd(buf, lineStart: i, lineEnd: lineEnd, lf)
            let next = lineEnd < limit ? lineEnd + 1 : limit
            if content == i {
                guard let length, next <= end - length else { return nil }
                var target = next + length
                if target == end { return end }
                while target < end, buf[target] == Bytes.lf || buf[target] == Bytes.cr { target += 1 }
                if target == end { return end }
                let atLineStart = buf[target - 1] == lf || (lf == Bytes.lf && buf[target - 1] == Bytes.cr)
                return atLineStart && Bytes.hasPrefix(buf, at: target, end: end, from) ? target : nil
            }
            if !first, Bytes.hasPrefixIgnoringCase(buf, at: i, end: content, contentLength) {
                var k = i + contentLength.count
                while k < content, Bytes.isWSP(buf[k]) { k += 1 }
                var n = 0
                var digits = 0
                while k < content, buf[k] >= 0x30, buf[k] <= 0x39, digits < 15 {
                    n = n * 10 + Int(buf[k] - 0x30)
                    digits += 1
                    k += 1
                }
                while k < content, Bytes.isWSP(buf[k]) { k += 1 }
                length = digits > 0 && k == content ? n : nil
            }
            first = false
            i = next
        }
        return nil
    }

    /// The message files of a Maildir (`cur/` and `new/`; `tmp/` holds deliveries in progress),
    /// sorted by path. Hidden files (".DS_Store", Dovecot's dot-files) are skipped.
    public static func maildirFiles(at path: String) throws(MaildirError) -> [String] {
        guard PathKind.of(path) == .directory else {
            throw MaildirError("not a directory")
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
        guard foundSubfolder else { throw MaildirError("no cur/ or new/ folder in it") }
        return files.sorted()
    }

    /// Whether a directory is a Maildir (has cur/ or new/).
    public static func isMaildir(at path: String) -> Bool {
        ["cur", "new"].contains { PathKind.of(PathKind.join(path, $0)) == .directory }
    }
}

/// A folder is not a Maildir, or it cannot be listed. The message does not name the folder
/// itself: the caller does (`InputError`'s name).
public struct MaildirError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
