import HopTraceCore

/// The from comment (TCP-info), read on the header's bytes: a word is tested as bytes, and a
/// String is made only of what is kept or of the rare word a test needs as text.
extension StampState {
    /// Whether a comment whose trimmed bytes are `s` takes one of `comment`'s branches before
    /// the clause switch (`not using tls`, TLS details, envelope sender, authentication,
    /// client certificate notes): each test here is the one that branch makes, or a weaker one.
    static func commentHasOwnBranch(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        if ASCIIBytes.equal(s, "not using tls") { return true }
        // `tlsInfo`'s own pre-check: it answers nil whenever that fails.
        if mayBeTLS(s) { return true }
        return ASCIIBytes.hasPrefix(s, "envelope-from") || ASCIIBytes.hasPrefix(s, "envelope-sender")
            || ASCIIBytes.hasPrefix(s, "envelope sender:") || ASCIIBytes.hasPrefix(s, "authenticated")
            || ASCIIBytes.hasPrefix(s, "no client certificate") || ASCIIBytes.hasPrefix(s, "client did not present")
            || ASCIIBytes.hasPrefix(s, "client cn") || ASCIIBytes.hasPrefix(s, "client certificate")
    }

    /// The bytes `trimmedSpaces` keeps of `a..<z`, when it keeps them by bytes (ASCII at both
    /// ends); nil when it would trim by Character.
    func plainTrimmed(_ a: Int, _ z: Int) -> Range<Int>? { Self.plainTrimmed(bytes, a, z) }

    /// `plainTrimmed` of `b[a..<z]`.
    static func plainTrimmed(_ b: UnsafeBufferPointer<UInt8>, _ a: Int, _ z: Int) -> Range<Int>? {
        var x = a
        var y = z
        while x < y, ASCIIFold.isSpace(b[x]) { x += 1 }
        if x == y { return x..<x }
        while y > x, ASCIIFold.isSpace(b[y - 1]) { y -= 1 }
        guard b[x] < 0x80, b[y - 1] < 0x80 else { return nil }
        return x..<y
    }

    /// A comment token: from-side comments that take no earlier branch of `comment` go to
    /// `tcpInfo` on their bytes, other comments with ASCII ends to `plainComment`; the rest
    /// (and what `plainComment` leaves) to `comment` as text.
    mutating func commentToken(_ t: ReceivedToken, into h: inout ReceivedHeader) {
        let a = t.start + 1
        let z = max(t.start + 1, t.end - 1)
        if let r = plainTrimmed(a, z) {
            if clause == .from, !Self.commentHasOwnBranch(UnsafeBufferPointer(rebasing: bytes[r])) {
                tcpInfo(a, z, into: &h)
                return
            }
            if plainComment(a, z, trimmed: r, into: &h) { return }
        }
        comment(text(a, z), a..<z, into: &h)
    }

    /// The text of `bytes[a..<z]`.
    func text(_ a: Int, _ z: Int) -> String { String(decoding: bytes[a..<z], as: UTF8.self) }

    // TCP-info = address-literal / ( Domain FWS address-literal )       (RFC 5321 §4.4)
    // and the dialects' richer forms inside the from comment, whose text is `bytes[a..<z]`.
    mutating func tcpInfo(_ lo: Int, _ hi: Int, into h: inout ReceivedHeader) {
        let cb = UnsafeBufferPointer(rebasing: bytes[lo..<hi])
        // SquirrelMail (and other webmail) injecting over HTTP:
        // `from 144.137.3.98 (SquirrelMail authenticated user jmmail) by host with HTTP`.
        if ASCIIBytes.contains(cb, " authenticated user ") {
            let c = String(decoding: cb, as: UTF8.self)
            let words = c.split(separator: " ")
            if words.count == 4, words[1].equalsIgnoringCase("authenticated"), words[2].equalsIgnoringCase("user") {
                h.software.append(String(words[0]))
                from.authenticated = String(words[3])
                return
            }
        }
        ReceivedLexer.withItemRanges(cb) { items in tcpInfo(cb, items, into: &h) }
    }

    /// `tcpInfo` of the comment `cb` whose items are `items`.
    mutating func tcpInfo(
        _ cb: UnsafeBufferPointer<UInt8>, _ items: UnsafeBufferPointer<ReceivedLexer.ItemRange>,
        into h: inout ReceivedHeader
    ) {
        /// Item `k`'s bytes when it is a word.
        func wordBytes(_ k: Int) -> UnsafeBufferPointer<UInt8>? {
            guard k < items.count, items[k].kind == .word else { return nil }
            return UnsafeBufferPointer(rebasing: cb[items[k].start..<items[k].end])
        }
        func itemText(_ k: Int) -> String { String(decoding: cb[items[k].start..<items[k].end], as: UTF8.self) }
        var i = 0
        var names: [String] = []
        var sawLiteral = false
        var leftovers: [String] = []
        var notes: [String] = []
        while i < items.count {
            switch items[i].kind {
            case .nested:
                // Sendmail: `(host [ip] (may be forged))`.
                let n = itemText(i)
                if n.trimmedSpaces.equalsIgnoringCase("may be forged") {
                    from.mayBeForged = true
                } else {
                    leftovers.append("(\(n))")
                }
            case .quoted:
                // vger.kernel.org: `"EHLO name"`.
                let q = itemText(i)
                let p = q.split(separator: " ", maxSplits: 1)
                if p.count == 2, Self.isHelloVerb(ignoringCase: p[0]) {
                    from.helo = String(p[1])
                } else if p.count == 1, Self.isHelloVerb(ignoringCase: p[0]) {
                    // An empty HELO: nothing to keep.
                } else {
                    leftovers.append("\"\(q)\"")
                }
            case .word:
                let wb = wordBytes(i)!
                // Keywords are compared with ASCII case ignored, as bytes (no lower-cased copy);
                // `AddressLiteral.parse` answers from the bytes unless the word needs its text.
                let first = wb.first
                if let a = AddressLiteral.parse(bytes: wb, text: { itemText(i) }) {
                    if from.address == nil || from.topLevelLiteral {
                        from.address = a
                        from.topLevelLiteral = false
                    }
                    if let p = a.port { from.port = p }
                    // A parsed literal's second byte is ASCII (`mayBeAddress`), so a first `[`
                    // is a Character of its own.
                    if first == UInt8(ascii: "[") {
                        from.bracketedLiteral = true
                        // Exim: `([IP]:port)`.
                        if a.port != nil, wb.last != UInt8(ascii: "]") { from.eximPortLiteral = true }
                    } else if a.port == nil {
                        from.bareAddress = true
                    }
                    sawLiteral = true
                } else if first == UInt8(ascii: "["), Self.isRedacted(itemText(i)) {
                    from.redacted = true
                    sawLiteral = true
                } else if Self.isStatusWord(ignoringCase: wb) {
                    // CommuniGate `([IP] verified)`, qmail-ldap/Courier `softdnserr` (a failed
                    // lookup), SMTPSVC `RDNS failed`, Clearswift `unverified`: notes, no host.
                    notes.append(itemText(i))
                } else if ASCIIBytes.equal(wb, "may"), let b = wordBytes(i + 1), let f = wordBytes(i + 2),
                    ASCIIBytes.equal(b, "be"), ASCIIBytes.equal(f, "forged")
                {
                    // Sendmail's `may be forged`, written without its own parentheses.
                    from.mayBeForged = true
                    i += 2
                } else if ASCIIBytes.equal(wb, "uid"), wordBytes(i + 1) != nil,
                    MailDateParser.number(Substring(itemText(i + 1)), maxDigits: 10) != nil
                {
                    // DragonFly Mail Agent: `from user (uid 1000)`, a local submission.
                    from.localUser = true
                    notes.append("uid " + itemText(i + 1))
                    i += 1
                } else if ASCIIBytes.equal(wb, "tls:") {
                    // Courier: `(AUTH: LOGIN user, TLS: TLSv1/SSLv3,256bits,AES256-SHA)`.
                    var info = TLSInfo(raw: String(String(decoding: cb, as: UTF8.self).trimmedSpaces))
                    var parts: [String] = []
                    while wordBytes(i + 1) != nil {
                        parts.append(itemText(i + 1))
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
                } else if Self.isHelloVerb(ignoringCase: wb) {
                    // qmail/IronPort `(HELO name)`, Zimbra `(LHLO name)`, Yahoo `(EHLO )`,
                    // CommuniGate `(account x HELO name)`.
                    if wordBytes(i + 1) != nil {
                        from.helo = itemText(i + 1)
                        i += 1
                    } else {
                        from.helo = from.helo ?? ""
                    }
                } else if ASCIIBytes.hasPrefix(wb, "helo="), ASCIIBytes.startsAsCharacters(itemText(i), "helo=") {
                    // Exim 4 `helo=NAME`.
                    from.helo = String(itemText(i).dropFirst(5))
                } else if ASCIIBytes.hasPrefix(wb, "ident="), ASCIIBytes.startsAsCharacters(itemText(i), "ident=") {
                    from.ident = String(itemText(i).dropFirst(6))
                } else if ASCIIBytes.hasPrefix(wb, "port="), ASCIIBytes.startsAsCharacters(itemText(i), "port=") {
                    from.port = Int(itemText(i).dropFirst(5))
                } else if ASCIIBytes.hasPrefix(wb, "ident:"), ASCIIBytes.startsAsCharacters(itemText(i), "ident:") {
                    // Sendmail `IDENT:user@host` (or `IDENT:user@[ip]`).
                    let w = itemText(i)
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
                } else if ASCIIBytes.equal(wb, "account"), wordBytes(i + 1) != nil {
                    // CommuniGate Pro: `(account user@domain HELO host)`.
                    from.authenticated = itemText(i + 1)
                    i += 1
                } else if ASCIIBytes.equal(wb, "auth:"), wordBytes(i + 1) != nil, wordBytes(i + 2) != nil,
                    Self.isSASLMechanism(itemText(i + 1))
                {
                    // Courier: `(AUTH: LOGIN user)`, `(AUTH: CRAM-MD5 user@example.com, )`.
                    from.authenticated = "\(itemText(i + 2)) (\(itemText(i + 1)))"
                    i += 2
                } else if ASCIIBytes.equal(wb, "auth:"), wordBytes(i + 1) != nil {
                    // Courier: `from (AUTH: e40a9cea)`.
                    from.authenticated = itemText(i + 1)
                    i += 1
                } else if wb.contains(UInt8(ascii: "@")), let found = Self.userAtAddress(itemText(i)) {
                    let (w, at, a) = found
                    from.address = a
                    sawLiteral = true
                    if let with = wordBytes(i + 1), ASCIIBytes.equal(with, "with"), wordBytes(i + 2) != nil {
                        // Yahoo (qmail): `(user@IP with login)`, an authenticated user and method.
                        from.authenticated = "\(w[..<at]) (\(itemText(i + 2)))"
                        i += 2
                    } else {
                        // qmail: `(user@1.2.3.4)`, the ident answer.
                        from.ident = String(w[..<at])
                        from.qmailIdent = true
                    }
                } else if ASCIIBytes.equal(wb, "rdns")
                    || (ASCIIBytes.hasPrefix(wb, "rhost-flags-")
                        && ASCIIBytes.startsAsCharacters(itemText(i), "rhost-flags-"))
                {
                    // SMTPSVC `RDNS failed`, vger's `rhost-flags-OK-OK-OK-OK`: notes about the
                    // lookup, no host. Kept in `comments`.
                    notes.append(itemText(i))
                } else if ASCIIBytes.equal(wb, "[unix socket]") || ASCIIBytes.equal(wb, "[local]") {
                    // Cyrus `[unix socket]`, OpenSMTPD `[local]`: a peer with no network address.
                    notes.append(itemText(i))
                } else if ASCIIBytes.equal(wb, "unknown") {
                    from.explicitNoName = true
                } else if wb.contains(UInt8(ascii: "@")), let found = Self.userAtHost(itemText(i)) {
                    let (w, at) = found
                    // Sendmail with an IDENT answer: `(julliard@localhost [127.0.0.1])`,
                    // `(lnchuser@localhost)` — the part before `@` is the ident user.
                    from.ident = String(w[..<at])
                    names.append(String(w[w.utf8.index(after: at)...]))
                } else if names.isEmpty && Self.looksLikeHost(wb) {
                    names.append(itemText(i))
                } else {
                    leftovers.append(itemText(i))
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

    /// `user@address`: the word, its last `@` and the address after it.
    static func userAtAddress(_ w: String) -> (String, String.Index, AddressLiteral)? {
        guard let at = w.utf8.lastIndex(of: UInt8(ascii: "@")),
            let a = AddressLiteral.parse(w[w.utf8.index(after: at)...])
        else { return nil }
        return (w, at, a)
    }

    /// `user@host` with a user before the last `@`: the word and that `@`.
    static func userAtHost(_ w: String) -> (String, String.Index)? {
        guard let at = w.utf8.lastIndex(of: UInt8(ascii: "@")), at != w.startIndex,
            Self.looksLikeHost(String(w[w.utf8.index(after: at)...]))
        else { return nil }
        return (w, at)
    }

    /// `isStatusWord(ignoringCase:)` on a word's bytes: `verified`, `unverified`, `failed`,
    /// `softdnserr`, `softdnserror`.
    static func isStatusWord(ignoringCase w: UnsafeBufferPointer<UInt8>) -> Bool {
        ASCIIBytes.equal(w, "verified") || ASCIIBytes.equal(w, "unverified") || ASCIIBytes.equal(w, "failed")
            || ASCIIBytes.equal(w, "softdnserr") || ASCIIBytes.equal(w, "softdnserror")
    }

    /// `isHelloVerb(ignoringCase:)` on a word's bytes.
    static func isHelloVerb(ignoringCase w: UnsafeBufferPointer<UInt8>) -> Bool {
        ASCIIBytes.equal(w, "helo") || ASCIIBytes.equal(w, "ehlo") || ASCIIBytes.equal(w, "lhlo")
    }

    /// `looksLikeHost` on a word's bytes.
    static func looksLikeHost(_ w: UnsafeBufferPointer<UInt8>) -> Bool {
        !w.isEmpty && w.count <= 255
            && w.allSatisfy { c in
                (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                    || c == UInt8(ascii: "-") || c == UInt8(ascii: ".") || c == UInt8(ascii: "_")
            }
    }
}
