import HopTraceCore
import HopTraceTestSupport
import Testing

@testable import HopTraceReceived

// The from comment (TCP-info) read on byte ranges against the String routines it stands for,
// kept here as the reference: the items of a comment, the TCP-info reading, and the routing
// of a comment token past `comment`'s earlier branches. Generated comments mix the dialects'
// words with non-ASCII (combining marks, a no-break space, CR LF), unbalanced parentheses,
// unterminated quotes and very long runs.

private enum ReferenceItems {
    static func items(_ s: String) -> [ReceivedLexer.Item] {
        s.withUTF8Bytes { b in
            let n = b.count
            var out: [ReceivedLexer.Item] = []
            var i = 0
            func text(_ a: Int, _ z: Int) -> String { String(decoding: b[a..<z], as: UTF8.self) }
            while i < n {
                let c = b[i]
                if ReceivedLexer.isSpace(c) || c == UInt8(ascii: ",") {
                    i += 1
                    continue
                }
                if c == UInt8(ascii: "(") {
                    let closedEnd = ReceivedLexer.commentEnd(b, from: i)
                    let end = closedEnd ?? n
                    out.append(.nested(text(i + 1, closedEnd == nil ? end : end - 1)))
                    i = end
                } else if c == UInt8(ascii: "\"") {
                    var j = i + 1
                    while j < n && b[j] != UInt8(ascii: "\"") {
                        if b[j] == UInt8(ascii: "\\") { j += 1 }
                        j += 1
                    }
                    out.append(.quoted(text(i + 1, min(j, n))))
                    i = min(j + 1, n)
                } else if c == UInt8(ascii: "[") {
                    var j = i
                    while j < n && b[j] != UInt8(ascii: "]") { j += 1 }
                    while j < n && !ReceivedLexer.isSpace(b[j]) && b[j] != UInt8(ascii: ",")
                        && b[j] != UInt8(ascii: "(")
                    {
                        j += 1
                    }
                    out.append(.word(text(i, j)))
                    i = j
                } else {
                    var j = i
                    while j < n && !ReceivedLexer.isSpace(b[j]) && b[j] != UInt8(ascii: "(")
                        && b[j] != UInt8(ascii: ",")
                    {
                        j += 1
                    }
                    out.append(.word(text(i, j)))
                    i = j
                }
            }
            return out
        }
    }
}

extension StampState {
    /// The from comment read as text, item by item as Strings.
    mutating func referenceTCPInfo(_ c: String, into h: inout ReceivedHeader) {
        // SquirrelMail (and other webmail) injecting over HTTP:
        // `from 144.137.3.98 (SquirrelMail authenticated user jmmail) by host with HTTP`.
        let words = c.containsIgnoringCase(" authenticated user ") ? c.split(separator: " ") : []
        if words.count == 4, words[1].equalsIgnoringCase("authenticated"), words[2].equalsIgnoringCase("user") {
            h.software.append(String(words[0]))
            from.authenticated = String(words[3])
            return
        }
        let items = ReferenceItems.items(c)
        var i = 0
        var names: [String] = []
        var sawLiteral = false
        var leftovers: [String] = []
        var notes: [String] = []
        while i < items.count {
            switch items[i] {
            case .nested(let n):
                // Sendmail: `(host [ip] (may be forged))`.
                if n.trimmedSpaces.equalsIgnoringCase("may be forged") {
                    from.mayBeForged = true
                } else {
                    leftovers.append("(\(n))")
                }
            case .quoted(let q):
                // vger.kernel.org: `"EHLO name"`.
                let p = q.split(separator: " ", maxSplits: 1)
                if p.count == 2, ["helo", "ehlo", "lhlo"].contains(p[0].asciiLowered) {
                    from.helo = String(p[1])
                } else if p.count == 1, ["helo", "ehlo", "lhlo"].contains(p[0].asciiLowered) {
                    // An empty HELO.
                } else {
                    leftovers.append("\"\(q)\"")
                }
            case .word(let w):
                // Keywords are compared with ASCII case ignored, as bytes (no lower-cased copy).
                if let a = AddressLiteral.parse(w) {
                    if from.address == nil || from.topLevelLiteral {
                        from.address = a
                        from.topLevelLiteral = false
                    }
                    if let p = a.port { from.port = p }
                    if w.hasPrefix("[") {
                        from.bracketedLiteral = true
                        // Exim: `([IP]:port)`.
                        if a.port != nil, w.utf8.last != UInt8(ascii: "]") { from.eximPortLiteral = true }
                    } else if a.port == nil {
                        from.bareAddress = true
                    }
                    sawLiteral = true
                } else if Self.isRedacted(w) {
                    from.redacted = true
                    sawLiteral = true
                } else if Self.isStatusWord(ignoringCase: w) {
                    // CommuniGate `([IP] verified)`, qmail-ldap/Courier `softdnserr` (a failed
                    // lookup), SMTPSVC `RDNS failed`, Clearswift `unverified`: notes, no host.
                    notes.append(w)
                } else if w.equalsIgnoringCase("may"), i + 2 < items.count, case .word(let b) = items[i + 1],
                    case .word(let f) = items[i + 2],
                    b.equalsIgnoringCase("be"), f.equalsIgnoringCase("forged")
                {
                    // Sendmail's `may be forged`, written without its own parentheses.
                    from.mayBeForged = true
                    i += 2
                } else if w.equalsIgnoringCase("uid"), i + 1 < items.count, case .word(let n) = items[i + 1],
                    MailDateParser.number(n, maxDigits: 10) != nil
                {
                    // DragonFly Mail Agent: `from user (uid 1000)`, a local submission.
                    from.localUser = true
                    notes.append("uid " + n)
                    i += 1
                } else if w.equalsIgnoringCase("tls:") {
                    // Courier: `(AUTH: LOGIN user, TLS: TLSv1/SSLv3,256bits,AES256-SHA)`.
                    var info = TLSInfo(raw: String(c.trimmedSpaces))
                    var parts: [String] = []
                    while i + 1 < items.count, case .word(let p) = items[i + 1] {
                        parts.append(p)
                        i += 1
                    }
                    if let v = parts.first { info.version = v }
                    for p in parts.dropFirst() {
                        if p.asciiLowered.hasSuffix("bits"), MailDateParser.number(p.dropLast(4), maxDigits: 5) != nil {
                            info.bits = String(p.dropLast(4))
                        } else if info.cipher == nil {
                            info.cipher = p
                        }
                    }
                    if h.tls == nil { h.tls = info }
                    tlsFromComment = true
                } else if Self.isHelloVerb(ignoringCase: w) {
                    // qmail/IronPort `(HELO name)`, Zimbra `(LHLO name)`, Yahoo `(EHLO )`,
                    // CommuniGate `(account x HELO name)`.
                    if i + 1 < items.count, case .word(let next) = items[i + 1] {
                        from.helo = next
                        i += 1
                    } else {
                        from.helo = from.helo ?? ""
                    }
                } else if ASCIIBytes.startsAsCharacters(w, "helo=") {
                    // Exim 4 `helo=NAME`.
                    from.helo = String(w.dropFirst(5))
                } else if ASCIIBytes.startsAsCharacters(w, "ident=") {
                    from.ident = String(w.dropFirst(6))
                } else if ASCIIBytes.startsAsCharacters(w, "port=") {
                    from.port = Int(w.dropFirst(5))
                } else if ASCIIBytes.startsAsCharacters(w, "ident:") {
                    // Sendmail `IDENT:user@host` (or `IDENT:user@[ip]`).
                    let rest = w.dropFirst(6)
                    if let at = rest.utf8.lastIndex(of: UInt8(ascii: "@")) {
                        from.ident = String(rest[..<at])
                        let host = rest[rest.utf8.index(after: at)...]
                        if let a = AddressLiteral.parse(host) {
                            from.address = a
                            sawLiteral = true
                        } else if !host.isEmpty {
                            names.append(String(host))
                        }
                    } else {
                        from.ident = String(rest)
                    }
                } else if w.equalsIgnoringCase("account"), i + 1 < items.count, case .word(let next) = items[i + 1] {
                    // CommuniGate Pro: `(account user@domain HELO host)`.
                    from.authenticated = next
                    i += 1
                } else if w.equalsIgnoringCase("auth:"), i + 2 < items.count, case .word(let method) = items[i + 1],
                    case .word(let user) = items[i + 2], Self.isSASLMechanism(method)
                {
                    // Courier: `(AUTH: LOGIN user)`, `(AUTH: CRAM-MD5 user@example.com, )`.
                    from.authenticated = "\(user) (\(method))"
                    i += 2
                } else if w.equalsIgnoringCase("auth:"), i + 1 < items.count, case .word(let next) = items[i + 1] {
                    // Courier: `from (AUTH: e40a9cea)`.
                    from.authenticated = next
                    i += 1
                } else if let at = w.utf8.lastIndex(of: UInt8(ascii: "@")),
                    let a = AddressLiteral.parse(w[w.utf8.index(after: at)...])
                {
                    from.address = a
                    sawLiteral = true
                    if i + 2 < items.count, case .word(let with) = items[i + 1], with.equalsIgnoringCase("with"),
                        case .word(let method) = items[i + 2]
                    {
                        // Yahoo (qmail): `(user@IP with login)`, an authenticated user and method.
                        from.authenticated = "\(w[..<at]) (\(method))"
                        i += 2
                    } else {
                        // qmail: `(user@1.2.3.4)`, the ident answer.
                        from.ident = String(w[..<at])
                        from.qmailIdent = true
                    }
                } else if w.equalsIgnoringCase("rdns") || ASCIIBytes.startsAsCharacters(w, "rhost-flags-") {
                    // SMTPSVC `RDNS failed`, vger's `rhost-flags-OK-OK-OK-OK`: notes about the
                    // lookup, no host. Kept in `comments`.
                    notes.append(w)
                } else if w.equalsIgnoringCase("[unix socket]") || w.equalsIgnoringCase("[local]") {
                    // Cyrus `[unix socket]`, OpenSMTPD `[local]`: a peer with no network address.
                    notes.append(w)
                } else if w.equalsIgnoringCase("unknown") {
                    from.explicitNoName = true
                } else if let at = w.utf8.lastIndex(of: UInt8(ascii: "@")), at != w.startIndex,
                    Self.looksLikeHost(String(w[w.utf8.index(after: at)...]))
                {
                    // Sendmail with an IDENT answer: `(julliard@localhost [127.0.0.1])`,
                    // `(lnchuser@localhost)` — the part before `@` is the ident user.
                    from.ident = String(w[..<at])
                    names.append(String(w[w.utf8.index(after: at)...]))
                } else if names.isEmpty && Self.looksLikeHost(w) {
                    names.append(w)
                } else {
                    leftovers.append(w)
                }
            }
            i += 1
        }
        // Exim 3: `(mail)` after `[ip.port]` is the ident.
        if from.topLevelLiteral, !sawLiteral, names.count == 1, !names[0].utf8.contains(UInt8(ascii: ".")),
            from.ident == nil, leftovers.isEmpty
        {
            from.ident = names[0]
            return
        }
        if let n = names.first {
            if from.commentName == nil { from.commentName = n } else { leftovers.append(n) }
        }
        if !leftovers.isEmpty { h.unparsed.append(contentsOf: leftovers) }
        if !notes.isEmpty { h.comments.append(notes.joined(separator: " ")) }
    }

}

private let commentPieces: [String] = [
    "HELO", "ehlo", "LHLO", "helo=", "HELO=", "ident=", "port=", "port=25", "ident:", "IDENT:", "[1.2.3.4]",
    "1.2.3.4", "[1.2.3.4]:25", "1.2.3.4:587", "[10.0.8.6.13219]", "[(134.97.4.21)]", "[IPv6:2001:db8::1]",
    "fe80::1%12", "%", "[x.x.x.x]", "[]", "[REDACTED]", "user", "@", "@[1.2.3.4]", "user@1.2.3.4", "with", "login",
    "may", "be", "forged", "(may be forged)", "uid", "1000", "99999999999", "TLS:", "TLSv1/SSLv3", "256bits",
    "AES256-SHA", "AUTH:", "LOGIN", "CRAM-MD5", "account", "rdns", "RDNS", "failed", "rhost-flags-", "OK-OK",
    "[unix socket]", "[local]", "unknown", "Unknown", "verified", "softdnserr", "SOFTDNSERROR", "mail.example.com",
    "localhost", "x_y-z", "authenticated", "user", " authenticated user ", "SquirrelMail", "not using tls",
    "using TLS", "version=TLSv1.2", "cipher=X", "envelope-from", "Authenticated sender:", "client cn",
    "google transport", "encrypted", "ssl", "s", "(", ")", "\"", "\\", " ", ",", "\t", "\r\n", ":", "=",
    "may be forged", "MAY BE FORGED", "uid 1000", "UID 12a", "HELO x.example", "EHLO", "user@1.2.3.4 with login",
    "user@[1.2.3.4]", "lnchuser@localhost", "@localhost", "AUTH: LOGIN user", "AUTH: e40a9cea", "TLS: TLSv1,256bits,X",
    "account a@b HELO h", "IDENT:u@[1.2.3.4]", "ident:u@host", "RDNS failed", "[1.2.3.4] verified", "mail",
    "é", "\u{301}", "\u{A0}", "\u{2003}", "\u{0600}", "\u{212A}", "\0",
]

private func generatedComments(count: Int, seed: UInt64) -> [String] {
    var rng = SplitMix64(state: seed)
    var out = commentPieces
    for _ in 0..<count {
        var c = ""
        for _ in 0..<Int.random(in: 1...9, using: &rng) {
            c += commentPieces.randomElement(using: &rng)!
            if Bool.random(using: &rng) { c += " " }
        }
        out.append(c)
    }
    out.append(String(repeating: "(", count: 5000) + "x")
    out.append(String(repeating: "a.b ", count: 3000) + "[1.2.3.4]")
    out.append(String(repeating: "\"x", count: 2000))
    out.append("[" + String(repeating: "1", count: 10_000))
    return out
}

/// A state reading a from clause over `bytes`, with the from-side facts a generated case sets.
private func fromState(_ bytes: UnsafeBufferPointer<UInt8>, _ variant: Int) -> StampState {
    var s = StampState(bytes: bytes)
    s.clause = .from
    s.sawFrom = true
    s.valueTaken = true
    s.from.value = "host.example"
    if variant & 1 != 0 { s.from.topLevelLiteral = true }
    if variant & 2 != 0 { s.from.address = AddressLiteral.parse("[10.0.0.1]") }
    if variant & 4 != 0 { s.from.helo = "earlier" }
    return s
}

private func facts(_ s: StampState, _ h: ReceivedHeader) -> String {
    var out = ""
    dump(s.from, to: &out)
    dump(h, to: &out)
    return out + "tls \(s.tlsFromComment)"
}

@Test func commentItemRangesGiveTheItemsReadAsText() {
    var mismatches: [String] = []
    for c in generatedComments(count: 4000, seed: 0x7C9) where ReceivedLexer.items(c) != ReferenceItems.items(c) {
        mismatches.append(c.debugDescription)
    }
    #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
}

@Test func tcpInfoOnBytesReadsAsTheTextRoutine() {
    var mismatches: [String] = []
    for (n, c) in generatedComments(count: 6000, seed: 0x7CA).enumerated() {
        var copy = c
        copy.withUTF8 { b in
            var byBytes = fromState(b, n)
            var asText = fromState(b, n)
            var h1 = ReceivedHeader(raw: "")
            var h2 = ReceivedHeader(raw: "")
            byBytes.tcpInfo(0, b.count, into: &h1)
            asText.referenceTCPInfo(c, into: &h2)
            if facts(byBytes, h1) != facts(asText, h2) { mismatches.append(c.debugDescription) }
        }
    }
    #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
}

@Test func fromCommentTokensRouteAsTheCommentText() {
    var mismatches: [String] = []
    for (n, c) in generatedComments(count: 6000, seed: 0x7CB).enumerated() {
        var whole = "(" + c + ")"
        whole.withUTF8 { b in
            var routed = fromState(b, n)
            var asText = fromState(b, n)
            var h1 = ReceivedHeader(raw: "")
            var h2 = ReceivedHeader(raw: "")
            routed.commentToken(ReceivedToken(kind: .comment, start: 0, end: b.count), into: &h1)
            asText.comment(c, 1..<(b.count - 1), into: &h2)
            if facts(routed, h1) != facts(asText, h2) { mismatches.append(c.debugDescription) }
        }
    }
    #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
}

@Test func fromCommentWordTestsOnBytesAnswerAsTheLowerCasedCopy() {
    var mismatches: [String] = []
    for c in generatedComments(count: 3000, seed: 0x7CC) {
        for w in [c] + c.split(separator: " ").map(String.init) {
            if StampState.isStatusWord(ignoringCase: w)
                != ["verified", "unverified", "failed", "softdnserr", "softdnserror"].contains(w.asciiLowered)
            {
                mismatches.append("status \(w.debugDescription)")
            }
            if StampState.isHelloVerb(ignoringCase: w) != ["helo", "ehlo", "lhlo"].contains(w.asciiLowered) {
                mismatches.append("hello \(w.debugDescription)")
            }
        }
    }
    #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
}
