import HopTraceCore

/// `comment` on a comment's bytes, for the usual comments whose trimmed text starts and ends
/// with ASCII (`trimmedSpaces` then cuts them by bytes): the branches are told from the bytes,
/// and a String is made only of what is stored. Every other comment goes to `comment`.
extension StampState {
    /// Reads the comment `bytes[a..<z]`, whose trimmed bytes are `bytes[r]` (`plainTrimmed`),
    /// as `comment` would, when it can tell each branch from the bytes. Returns false, having
    /// changed nothing, for `comment` to read it.
    mutating func plainComment(_ a: Int, _ z: Int, trimmed r: Range<Int>, into h: inout ReceivedHeader) -> Bool {
        let s = UnsafeBufferPointer(rebasing: bytes[r])
        let closesWith = clause == .with && !withList.isEmpty
        if closesWith && !withClosedByComment {
            // Microsoft's version glued to the keyword is left to `comment`.
            let kw = withKeyword
            if kw.equalsIgnoringCase("microsoft smtpsvc") || kw.equalsIgnoringCase("internet mail service") {
                return false
            }
        }
        if ASCIIBytes.equal(s, "not using tls") { return false }
        // `mayBeTLS` on the decoded text answers true only when it does on the bytes (decoding
        // keeps every ASCII byte and never shortens), so `tlsInfo` is asked only then.
        if Self.mayBeTLS(s) {
            guard let tls = Self.tlsInfo(String(decoding: s, as: UTF8.self)[...]) else { return false }
            if closesWith { withClosedByComment = true }
            tlsFromComment = true
            if h.tls == nil { h.tls = tls } else { h.comments.append(self.text(a, z)) }
            return true
        }
        if Self.commentHasOwnBranch(s) { return false }
        switch clause {
        case .from:
            return false
        case .start where !sawFrom:
            return false
        case .by where productWords != nil:
            return false
        case .by:
            // `comment` keeps the first bare address as the by-side address; any other text
            // (and an address after one is known) is a product name.
            if byAddress == nil,
                let found = AddressLiteral.parse(bytes: s, text: { String(decoding: s, as: UTF8.self) })
            {
                byAddress = found
            } else {
                h.software.append(String(decoding: s, as: UTF8.self))
            }
        case .with:
            h.software.append(String(decoding: s, as: UTF8.self))
        default:
            h.comments.append(text(a, z))
        }
        if closesWith { withClosedByComment = true }
        return true
    }
}
