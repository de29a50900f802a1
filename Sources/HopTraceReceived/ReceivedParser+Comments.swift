import HopTraceCore

/// Comments in a Received header: TCP-info (`(HELO [IP])`, `(rdns [IP]:port)`), authentication
/// and TLS details, status words and product names, as each dialect writes them.
extension StampState {
    // MARK: comments

    mutating func comment(_ c: String, into h: inout ReceivedHeader) {
        if clause == .with && !withWords.isEmpty {
            defer { withClosedByComment = true }
            // Microsoft writes the version glued to the keyword: `Microsoft SMTPSVC(6.0.3790.0)`,
            // `Internet Mail Service (5.5.2653.19)` (Exchange 5.5: that is the Exchange build).
            let kw = withWords.joined(separator: " ")
            if !withClosedByComment,
                kw.equalsIgnoringCase("microsoft smtpsvc") || kw.equalsIgnoringCase("internet mail service")
            {
                h.software.append("\(kw)(\(c))")
                if kw.equalsIgnoringCase("internet mail service") { h.serverBuild = c }
                return
            }
        }
        let s = c.trimmedSpaces
        if s.equalsIgnoringCase("not using tls") {
            // Active!Hunter states plain SMTP: understood, kept as written.
            h.comments.append(c)
            return
        }
        if let tls = Self.tlsInfo(s) {
            tlsFromComment = true
            if h.tls == nil { h.tls = tls } else { h.comments.append(c) }
            return
        }
        if s.hasPrefixIgnoringCase("envelope-from") || s.hasPrefixIgnoringCase("envelope-sender") {
            // Exim `(envelope-from <x>)`, qmail-ldap `(envelope-sender <x>)`.
            let rest = s.drop(while: { !$0.isWhitespace && $0 != "<" })
            if h.envelopeFrom == nil { h.envelopeFrom = stripAngles(String(rest)) } else { h.comments.append(c) }
            return
        }
        if s.hasPrefixIgnoringCase("envelope sender:") {
            // Active!Hunter: `(envelope sender: <x>)`.
            let rest = s.dropFirst("envelope sender:".count)
            if h.envelopeFrom == nil { h.envelopeFrom = stripAngles(String(rest)) } else { h.comments.append(c) }
            return
        }
        if s.hasPrefixIgnoringCase("authenticated sender:") {
            // Postfix `(Authenticated sender: x)`.
            setAuthenticated(String(s.dropFirst("authenticated sender:".count).trimmedSpaces), c, &h)
            return
        }
        if s.hasPrefixIgnoringCase("authenticated") {
            // Sendmail `(authenticated bits=0)`, Haraka after the id, `(authenticated as x)`.
            let rest = String(s.dropFirst("authenticated".count).trimmedSpaces)
            setAuthenticated(rest.isEmpty ? "yes" : rest, c, &h)
            return
        }
        if s.hasPrefixIgnoringCase("no client certificate") || s.hasPrefixIgnoringCase("client did not present")
            || s.hasPrefixIgnoringCase("client cn") || s.hasPrefixIgnoringCase("client certificate")
        {
            // Postfix's TLS client-certificate notes: understood, kept as written.
            h.comments.append(c)
            return
        }
        switch clause {
        case .from:
            tcpInfo(c, into: &h)
        case .start where !sawFrom:
            // Norton AntiVirus Gateway writes the from-side as a comment: `(from HELO [IP]) by …`.
            let items = ReceivedLexer.items(c)
            if items.count == 3, case .word(let kw) = items[0], kw.equalsIgnoringCase("from"),
                case .word(let name) = items[1], !name.utf8.contains(UInt8(ascii: "@")),
                case .word(let lit) = items[2], lit.hasPrefix("["), let a = AddressLiteral.parse(lit)
            {
                sawFrom = true
                from.value = name
                from.address = a
                from.topLevelLiteral = true
                return
            }
            // Sendmail local submission `(from user@localhost) by …`, Yahoo `(user@IP with login)`.
            h.comments.append(c)
        case .by where productWords != nil:
            // SurfControl's version after its product name.
            h.software.append(productWords!.joined(separator: " ") + " (" + s + ")")
            productWords = nil
        case .by:
            if let a = AddressLiteral.parse(s), byAddress == nil {
                // Exchange writes the receiving address bare in parentheses: `by HOST (10.0.0.1)`.
                byAddress = a
            } else {
                // `(Postfix)`, `(8.15.2/8.15.2)`, `(Lotus Domino Release 8.5.3FP6)`, `(MDaemon PRO v19.0.2)`.
                h.software.append(String(s))
            }
        case .with:
            // `(Exim 4.82_1-5b7a7c0-XX)`, `(SimpleEmailService-2411284699)`, `(courier-0.40)`.
            h.software.append(String(s))
        default:
            // `(ORCPT <rfc822;x>)` (vger), `(Google Transport Security)`, and anything else.
            h.comments.append(c)
        }
    }

    mutating func setAuthenticated(_ v: String, _ c: String, _ h: inout ReceivedHeader) {
        if sawFrom, from.authenticated == nil { from.authenticated = v } else { h.comments.append(c) }
    }

    // TCP-info = address-literal / ( Domain FWS address-literal )       (RFC 5321 §4.4)
    // and the dialects' richer forms inside the from comment.
    mutating func tcpInfo(_ c: String, into h: inout ReceivedHeader) {
        // SquirrelMail (and other webmail) injecting over HTTP:
        // `from 144.137.3.98 (SquirrelMail authenticated user jmmail) by host with HTTP`.
        let words = c.containsIgnoringCase(" authenticated user ") ? c.split(separator: " ") : []
        if words.count == 4, words[1].equalsIgnoringCase("authenticated"), words[2].equalsIgnoringCase("user") {
            h.software.append(String(words[0]))
            from.authenticated = String(words[3])
            return
        }
        let items = ReceivedLexer.items(c)
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
                if p.count == 2, Self.isHelloVerb(p[0].asciiLowered) {
                    from.helo = String(p[1])
                } else if p.count == 1, Self.isHelloVerb(p[0].asciiLowered) { /* empty HELO */
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

    /// Words a receiver writes about its lookup where a name could stand: never a host name.
    static func isStatusWord(_ lowered: String) -> Bool {
        lowered == "verified" || lowered == "unverified" || lowered == "failed"
            || lowered == "softdnserr" || lowered == "softdnserror"
    }

    /// `isStatusWord(w.asciiLowered)`, compared as bytes with no lower-cased copy.
    static func isStatusWord(ignoringCase w: String) -> Bool {
        w.equalsIgnoringCase("verified") || w.equalsIgnoringCase("unverified") || w.equalsIgnoringCase("failed")
            || w.equalsIgnoringCase("softdnserr") || w.equalsIgnoringCase("softdnserror")
    }

    /// SASL mechanism names (IANA registry) as Courier writes them after `AUTH:`.
    static func isSASLMechanism(_ w: String) -> Bool {
        let l = w.asciiLowered
        return [
            "login", "plain", "cram-md5", "digest-md5", "gssapi", "ntlm", "xoauth2", "oauthbearer",
            "external", "anonymous", "scram-sha-1", "scram-sha-256", "scram-sha-1-plus", "scram-sha-256-plus",
        ].contains(l)
    }

    static func isHelloVerb(_ lowered: String) -> Bool {
        lowered == "helo" || lowered == "ehlo" || lowered == "lhlo"
    }

    /// `isHelloVerb(w.asciiLowered)`, compared as bytes with no lower-cased copy.
    static func isHelloVerb(ignoringCase w: String) -> Bool {
        w.equalsIgnoringCase("helo") || w.equalsIgnoringCase("ehlo") || w.equalsIgnoringCase("lhlo")
    }

    static func looksLikeHost(_ w: String) -> Bool {
        !w.isEmpty && w.utf8.count <= 255
            && w.utf8.allSatisfy { c in
                (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                    || c == UInt8(ascii: "-") || c == UInt8(ascii: ".") || c == UInt8(ascii: "_")
            }
    }

    /// TLS details in any of the dialects' comment forms, or nil.
    static func tlsInfo(_ s: Substring) -> TLSInfo? {
        // Cheap pre-check (every comment of every header comes here): each form below
        // mentions TLS, SSL, a cipher or Google's transport.
        guard s.utf8.count < 512, s.utf8.contains(where: { $0 == UInt8(ascii: "s") || $0 == UInt8(ascii: "S") }) else {
            return nil
        }
        guard
            s.containsIgnoringCase("tls") || s.containsIgnoringCase("ssl") || s.containsIgnoringCase("cipher")
                || s.containsIgnoringCase("encrypted") || s.containsIgnoringCase("google transport")
        else { return nil }
        return s.withUTF8Bytes { tlsInfo(s, $0) }
    }

    /// `tlsInfo` past its pre-checks. Each pattern is matched against the lower-cased text, as
    /// bytes of `b`; a prefix by Character (see `ASCIIBytes.startsAsCharacters`).
    static func tlsInfo(_ s: Substring, _ b: UnsafeBufferPointer<UInt8>) -> TLSInfo? {
        // Postfix: `using TLSv1.2 with cipher AECDH-AES256-SHA (256/256 bits)`.
        if ASCIIBytes.startsAsCharacters(s, b, "using tls") || ASCIIBytes.startsAsCharacters(s, b, "using ssl") {
            let words = s.splitBytes {
                $0 == UInt8(ascii: " ") || $0 == 0x09 || $0 == UInt8(ascii: "(") || $0 == UInt8(ascii: ")")
            }
            var info = TLSInfo(raw: String(s))
            if words.count > 1, !words[1].equalsIgnoringCase("tls") || words.count > 2 {
                info.version = String(words[1])
            }
            if let ci = words.firstIndex(where: { $0.equalsIgnoringCase("cipher") }), ci + 1 < words.count {
                info.cipher = String(words[ci + 1])
            }
            if let bi = words.firstIndex(where: { $0.equalsIgnoringCase("bits") }), bi > 0 {
                info.bits = String(words[bi - 1])
            }
            // Mimecast `(Using TLS)` names no version.
            if ASCIIBytes.equal(b, "using tls") { info.version = nil }
            return info
        }
        // Sendmail/Google/Proofpoint/hMailServer `version=… cipher=… bits=…`, Exchange `version=…, cipher=…`.
        if ASCIIBytes.contains(b, "version=") && ASCIIBytes.contains(b, "cipher=") {
            var info = TLSInfo(raw: String(s))
            for part in s.splitBytes(where: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: ",") || $0 == 0x09 }) {
                // `key=value`, both non-empty (the value may hold further `=`).
                guard let eq = part.utf8.firstIndex(of: UInt8(ascii: "=")), eq != part.startIndex,
                    part.utf8.index(after: eq) != part.endIndex
                else { continue }
                let key = part[..<eq]
                let value = String(part[part.utf8.index(after: eq)...])
                if key.equalsIgnoringCase("version") {
                    info.version = value
                } else if key.equalsIgnoringCase("cipher") {
                    info.cipher = value
                } else if key.equalsIgnoringCase("bits") {
                    info.bits = value
                }
            }
            return info
        }
        // Exim: `TLSv1.3:TLS_AES_256_GCM_SHA384:256`, older `TLS-1.0:RSA_ARCFOUR_MD5:16`.
        if ASCIIBytes.startsAsCharacters(s, b, "tls") || ASCIIBytes.startsAsCharacters(s, b, "ssl"),
            !b.contains(UInt8(ascii: " ")), b.contains(UInt8(ascii: ":"))
        {
            let p = s.split(separator: ":", omittingEmptySubsequences: false)
            var info = TLSInfo(raw: String(s))
            info.version = String(p[0])
            if p.count > 1 { info.cipher = String(p[1]) }
            if p.count > 2 { info.bits = String(p[2]) }
            return info
        }
        // Exim 4.93+ `(TLS1.3)` before `tls <cipher>`: the version alone.
        if ASCIIBytes.startsAsCharacters(s, b, "tls1") || ASCIIBytes.startsAsCharacters(s, b, "tlsv1"),
            !b.contains(UInt8(ascii: " ")), !b.contains(UInt8(ascii: ":"))
        {
            return TLSInfo(version: String(s), raw: String(s))
        }
        // mail.zeus03.de: `(TLS_AES_256_GCM_SHA384 encrypted, authenticated)`.
        if ASCIIBytes.contains(b, " encrypted"), let first = s.split(separator: " ").first {
            return TLSInfo(cipher: String(first), raw: String(s))
        }
        // Exchange `(TLS)`, Mimecast `(Using TLS)`, Google's internal `(Google Transport Security)`.
        if ASCIIBytes.equal(b, "tls") || ASCIIBytes.equal(b, "google transport security") {
            return TLSInfo(raw: String(s))
        }
        return nil
    }
}
