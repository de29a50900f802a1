import HopTraceCore

/// Comments in a Received header: TCP-info (`(HELO [IP])`, `(rdns [IP]:port)`), authentication
/// and TLS details, status words and product names, as each dialect writes them.
extension StampState {
    // MARK: comments

    /// A comment whose text `c` is `bytes[content]`.
    mutating func comment(_ c: String, _ content: Range<Int>, into h: inout ReceivedHeader) {
        if clause == .with && !withList.isEmpty {
            defer { withClosedByComment = true }
            // Microsoft writes the version glued to the keyword: `Microsoft SMTPSVC(6.0.3790.0)`,
            // `Internet Mail Service (5.5.2653.19)` (Exchange 5.5: that is the Exchange build).
            let kw = withKeyword
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
            let rest = Self.fromFirstSpaceOrAngle(s)
            if h.envelopeFrom == nil { h.envelopeFrom = stripAngles(rest) } else { h.comments.append(c) }
            return
        }
        if s.hasPrefixIgnoringCase("envelope sender:") {
            // Active!Hunter: `(envelope sender: <x>)`.
            let rest = s.dropFirst("envelope sender:".count)
            if h.envelopeFrom == nil { h.envelopeFrom = stripAngles(rest) } else { h.comments.append(c) }
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
            tcpInfo(content.lowerBound, content.upperBound, into: &h)
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
            if let a = s.withUTF8Bytes({ AddressLiteral.decide($0) }) ?? AddressLiteral.parse(s), byAddress == nil {
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

    /// Words a receiver writes about its lookup where a name could stand (never a host name),
    /// ASCII case ignored.
    static func isStatusWord(ignoringCase w: String) -> Bool {
        w.withUTF8Bytes { isStatusWord(ignoringCase: $0) }
    }

    /// SASL mechanism names (IANA registry) as Courier writes them after `AUTH:`.
    static func isSASLMechanism(_ w: String) -> Bool {
        let l = w.asciiLowered
        return [
            "login", "plain", "cram-md5", "digest-md5", "gssapi", "ntlm", "xoauth2", "oauthbearer",
            "external", "anonymous", "scram-sha-1", "scram-sha-256", "scram-sha-1-plus", "scram-sha-256-plus",
        ].contains(l)
    }

    /// `HELO`, `EHLO` or `LHLO`, ASCII case ignored.
    static func isHelloVerb<S: StringProtocol>(ignoringCase w: S) -> Bool {
        w.withUTF8Bytes { isHelloVerb(ignoringCase: $0) }
    }

    static func looksLikeHost(_ w: String) -> Bool {
        w.withUTF8Bytes { looksLikeHost($0) }
    }

    /// TLS details in any of the dialects' comment forms, or nil.
    static func tlsInfo(_ s: Substring) -> TLSInfo? {
        s.withUTF8Bytes { b in mayBeTLS(b) ? tlsInfo(s, b) : nil }
    }

    /// What separates the `key=value` fields of a TLS comment: space, comma, tab.
    static func isTLSFieldSeparator(_ c: UInt8) -> Bool {
        c == UInt8(ascii: " ") || c == UInt8(ascii: ",") || c == 0x09
    }

    /// Cheap pre-check of `tlsInfo` (every comment of every header comes here): each form it
    /// reads mentions TLS, SSL, a cipher or Google's transport.
    static func mayBeTLS(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        b.count < 512 && b.contains(where: { $0 == UInt8(ascii: "s") || $0 == UInt8(ascii: "S") })
            && (ASCIIBytes.contains(b, "tls") || ASCIIBytes.contains(b, "ssl") || ASCIIBytes.contains(b, "cipher")
                || ASCIIBytes.contains(b, "encrypted") || ASCIIBytes.contains(b, "google transport"))
    }

    /// `tlsInfo` past its pre-checks. Each pattern is matched against the lower-cased text, as
    /// bytes of `b`; a prefix by Character (see `ASCIIBytes.startsAsCharacters`).
    static func tlsInfo(_ s: Substring, _ b: UnsafeBufferPointer<UInt8>) -> TLSInfo? {
        // Postfix: `using TLSv1.2 with cipher AECDH-AES256-SHA (256/256 bits)`.
        if ASCIIBytes.startsAsCharacters(s, b, "using tls") || ASCIIBytes.startsAsCharacters(s, b, "using ssl") {
            // The words between ASCII separators, as byte ranges of `b` (each cut is a character
            // boundary, so a word's text is its bytes decoded).
            return Self.withByteWords(
                b,
                where: {
                    $0 == UInt8(ascii: " ") || $0 == 0x09 || $0 == UInt8(ascii: "(") || $0 == UInt8(ascii: ")")
                }
            ) { words in
                func word(_ k: Int) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: b[words[k]]) }
                func text(_ k: Int) -> String { String(decoding: b[words[k]], as: UTF8.self) }
                var info = TLSInfo(raw: String(s))
                if words.count > 1, !ASCIIBytes.equal(word(1), "tls") || words.count > 2 {
                    info.version = text(1)
                }
                if let ci = words.indices.first(where: { ASCIIBytes.equal(word($0), "cipher") }), ci + 1 < words.count {
                    info.cipher = text(ci + 1)
                }
                if let bi = words.indices.first(where: { ASCIIBytes.equal(word($0), "bits") }), bi > 0 {
                    info.bits = text(bi - 1)
                }
                // Mimecast `(Using TLS)` names no version.
                if ASCIIBytes.equal(b, "using tls") { info.version = nil }
                return info
            }
        }
        // Sendmail/Google/Proofpoint/hMailServer `version=… cipher=… bits=…`, Exchange `version=…, cipher=…`.
        if ASCIIBytes.contains(b, "version=") && ASCIIBytes.contains(b, "cipher=") {
            var info = TLSInfo(raw: String(s))
            // `key=value` pieces between ASCII separators, read one at a time (no list of them).
            _ = Self.scanByteWords(b, where: Self.isTLSFieldSeparator) { part in
                // `key=value`, both non-empty (the value may hold further `=`).
                guard let eq = b[part].firstIndex(of: UInt8(ascii: "=")), eq != part.lowerBound,
                    eq + 1 != part.upperBound
                else { return true }
                let key = UnsafeBufferPointer(rebasing: b[part.lowerBound..<eq])
                let value = { String(decoding: b[(eq + 1)..<part.upperBound], as: UTF8.self) }
                if ASCIIBytes.equal(key, "version") {
                    info.version = value()
                } else if ASCIIBytes.equal(key, "cipher") {
                    info.cipher = value()
                } else if ASCIIBytes.equal(key, "bits") {
                    info.bits = value()
                }
                return true
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
