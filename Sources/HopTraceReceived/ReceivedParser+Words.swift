import HopTraceCore

/// Word tests of `StampState.word` on a word's bytes where the bytes give the Character
/// answer; the rest by Character.
extension StampState {
    /// The `for` clause's word: its comma-separated parts, each without one leading `<` and one
    /// trailing `>`, empty parts left out. An ASCII word is cut on its bytes (each byte is a
    /// Character there, CR LF aside, which no word holds); any other word by Character.
    static func appendRecipients(_ w: String, to out: inout [String]) {
        if w.withUTF8Bytes({ appendRecipients(bytes: $0, to: &out) }) { return }
        for piece in w.split(separator: ",") {
            var r = Substring(piece)
            if r.hasPrefix("<") { r = r.dropFirst() }
            if r.hasSuffix(">") { r = r.dropLast() }
            if !r.isEmpty { out.append(String(r)) }
        }
    }

    /// `appendRecipients` of the word whose bytes are `b` when it is ASCII (then answers true);
    /// false, with nothing appended, for any other word.
    static func appendRecipients(bytes b: UnsafeBufferPointer<UInt8>, to out: inout [String]) -> Bool {
        guard b.allSatisfy({ $0 < 0x80 }) else { return false }
        var start = 0
        func part(_ a: Int, _ z: Int) {
            var a = a
            var z = z
            if a < z, b[a] == UInt8(ascii: "<") { a += 1 }
            if a < z, b[z - 1] == UInt8(ascii: ">") { z -= 1 }
            if a < z { out.append(String(decoding: b[a..<z], as: UTF8.self)) }
        }
        for i in 0..<b.count where b[i] == UInt8(ascii: ",") {
            if i > start { part(start, i) }
            start = i + 1
        }
        if start < b.count { part(start, b.count) }
        return true
    }

    /// `word` of the word whose bytes are `w`, for the clauses whose value is a part of the word
    /// (`for`, `id`, `envelope-from`), when the bytes decide it: the kept part is made into a
    /// String, and the word itself never is. False, with nothing changed, otherwise.
    mutating func wordFromBytes(_ w: UnsafeBufferPointer<UInt8>, into h: inout ReceivedHeader) -> Bool {
        switch clause {
        case .recipients:
            return Self.appendRecipients(bytes: w, to: &h.recipients)
        case .id where !valueTaken && h.id == nil:
            guard let kept = Self.plainStripped(w) else { return false }
            h.id = String(decoding: w[kept], as: UTF8.self)
            valueTaken = true
            return true
        case .envelopeFrom where !valueTaken && h.envelopeFrom == nil:
            guard let kept = Self.plainStripped(w) else { return false }
            h.envelopeFrom = String(decoding: w[kept], as: UTF8.self)
            valueTaken = true
            return true
        default:
            return false
        }
    }

    /// `w.hasSuffix(",")`: by the last byte when the byte before it is ASCII (then the comma is
    /// a Character of its own), else by Character.
    static func endsWithComma(_ w: String) -> Bool {
        let u = w.utf8
        guard u.last == UInt8(ascii: ",") else { return false }
        if u.count == 1 || u[u.index(u.endIndex, offsetBy: -2)] < 0x80 { return true }
        return w.hasSuffix(",")
    }
}

extension StampState {
    /// `s.drop(while: { !$0.isWhitespace && $0 != "<" })`: on the bytes while they are ASCII
    /// (an ASCII white space byte or `<` with an ASCII byte or the end after it is a Character
    /// of its own), by Character once a non-ASCII byte comes first.
    static func fromFirstSpaceOrAngle(_ s: Substring) -> Substring {
        let u = s.utf8
        var i = u.startIndex
        while i < u.endIndex {
            let c = u[i]
            if c >= 0x80 { break }
            if c == UInt8(ascii: "<") || c == 0x20 || (c >= 0x09 && c <= 0x0D) {
                let next = u.index(after: i)
                if next == u.endIndex || u[next] < 0x80 { return s[i...] }
                break
            }
            i = u.index(after: i)
        }
        return s.drop(while: { !$0.isWhitespace && $0 != "<" })
    }
}

extension StampState {
    /// The byte ranges of `b` between separator bytes, empty ones left out: what `splitBytes`
    /// cuts, as offsets.
    static func byteWords(_ b: UnsafeBufferPointer<UInt8>, where isSeparator: (UInt8) -> Bool) -> [Range<Int>] {
        InlineList.array({ scanByteWords(b, where: isSeparator, $0) }, reserve: 8)
    }

    /// Hands the ranges of `byteWords` to `emit` in order; stops and answers false as soon as
    /// `emit` answers false, else answers true.
    @inline(__always)
    static func scanByteWords(
        _ b: UnsafeBufferPointer<UInt8>, where isSeparator: (UInt8) -> Bool, _ emit: (Range<Int>) -> Bool
    ) -> Bool {
        var start = 0
        for i in 0..<b.count where isSeparator(b[i]) {
            if i > start, !emit(start..<i) { return false }
            start = i + 1
        }
        return start == b.count || emit(start..<b.count)
    }

    /// Most ranges `withByteWords` holds on the stack; more are cut again into an array.
    static let inlineByteWords = 32

    /// Calls `body` with `byteWords(b, where: isSeparator)`, held in a stack buffer when there
    /// are at most `inlineByteWords` of them.
    static func withByteWords<R>(
        _ b: UnsafeBufferPointer<UInt8>, where isSeparator: (UInt8) -> Bool,
        _ body: (UnsafeBufferPointer<Range<Int>>) -> R
    ) -> R {
        InlineList.with(capacity: inlineByteWords, { scanByteWords(b, where: isSeparator, $0) }, body)
    }
}

extension StampState {
    /// `s` without the white space around it and one `<` … `>` pair (`withoutAngles` of
    /// `trimmedSpaces`). The text itself when nothing is cut.
    func stripAngles(_ s: String) -> String {
        let cut = s.withUTF8Bytes { Self.plainStripped($0) }
        guard let cut else { return String(Self.withoutAngles(s.trimmedSpaces)) }
        if cut.count == s.utf8.count { return s }
        return s.withUTF8Bytes { String(decoding: $0[cut], as: UTF8.self) }
    }

    /// `stripAngles` of the text of `s`, from its bytes when they decide.
    func stripAngles(_ s: Substring) -> String {
        let kept = s.withUTF8Bytes { b in Self.plainStripped(b).map { String(decoding: b[$0], as: UTF8.self) } }
        return kept ?? stripAngles(String(s))
    }

    /// The bytes of `b` that `withoutAngles(trimmedSpaces)` keeps, when the bytes decide: ASCII
    /// at both ends once trimmed (so `trimmedSpaces` cuts by bytes), and an ASCII byte (or
    /// nothing) beside each bracket cut. Nil otherwise.
    static func plainStripped(_ b: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        guard let trimmed = plainTrimmed(b, 0, b.count) else { return nil }
        if trimmed.isEmpty { return trimmed }
        var x = trimmed.lowerBound
        var y = trimmed.upperBound
        if b[x] == UInt8(ascii: "<") {
            guard x + 1 == y || b[x + 1] < 0x80 else { return nil }
            x += 1
        }
        if y > x, b[y - 1] == UInt8(ascii: ">") {
            guard y - 1 == x || b[y - 2] < 0x80 else { return nil }
            y -= 1
        }
        return x..<y
    }
}
