import HopTraceCore

/// After the last token: what the collected words and comments say about the from-side, the
/// by-side and the protocol.
extension StampState {
    // MARK: resolving

    mutating func finish(into h: inout ReceivedHeader) {
        if let words = productWords, !words.isEmpty { h.software.append(words.joined(separator: " ")) }
        if !overWords.isEmpty && overWords.count < 4 { h.unparsed.append(overWords.joined(separator: " ")) }
        if from.claimStep > 0 {
            h.unparsed.append(["claiming", "to", "be"].prefix(from.claimStep).joined(separator: " "))
        }
        if sawFrom {
            resolveFromValue(into: &h)
            var f = ReceivedFrom()
            let valueAddress = from.value.flatMap { AddressLiteral.parse($0) }
            let valueIsUnknown =
                from.value.map { $0.equalsIgnoringCase("unknown") || Self.isStatusWord(ignoringCase: $0) } == true
            if from.localUser {
                // DragonFly Mail Agent: `from user (uid N)`: the local user who submitted it.
                from.ident = from.ident ?? from.value
            } else if from.helo != nil {
                // A HELO stated as such: the domain after `from` is the receiver's own view of the
                // peer (qmail/IronPort `from unknown (HELO x)`, Exim `from rdns (… helo=x)`).
                f.helo = from.helo!.isEmpty ? nil : from.helo
                if let n = from.commentName {
                    f.rdns = n
                } else if let v = from.value, valueAddress == nil, !valueIsUnknown {
                    f.rdns = v
                }
            } else if from.topLevelLiteral, let n = from.commentName {
                // Exim 3: `from rdns (helo) [ip.port]`.
                f.helo = n
                f.rdns = from.value
            } else if from.commentName == nil, valueAddress == nil, let v = from.value, !valueIsUnknown,
                fromValueIsReverseName(h)
            {
                // Exim `from NAME ([IP]:port)`, qmail `from NAME (IP)` / `(ident@IP)`, fwtk
                // `NAME(IP)`: the name is the receiver's verified reverse name; the client's HELO
                // is not written (Exim and qmail leave it out when it equals that name).
                f.rdns = v
            } else {
                // RFC 5321: the domain after `from` is the EHLO name; the comment holds the
                // reverse name (Postfix `helo (rdns [ip])`, hMailServer, Google).
                f.helo = from.value.map { Self.isStatusWord(ignoringCase: $0) } == true ? nil : from.value
                if let n = from.commentName, !n.equalsIgnoringCase("unknown") { f.rdns = n }
            }
            if from.value.map({ Self.isStatusWord(ignoringCase: $0) }) == true { h.comments.append(from.value!) }
            if let a = from.address ?? valueAddress {
                f.ip = a.ip
                f.ipText = a.text
                f.zone = a.zone
                f.port = from.port ?? a.port
            } else {
                f.port = from.port
            }
            f.ident = from.ident
            f.authenticated = from.authenticated
            f.mayBeForged = from.mayBeForged
            f.redacted = from.redacted
            h.from = f
        }
        if sawBy {
            var b = ReceivedBy()
            b.redacted = byRedacted
            if let n = byName, Self.isStatusWord(ignoringCase: n) {
                // qmail names itself `softdnserror` when its own reverse lookup failed.
                h.comments.append(n)
            } else if let n = byName {
                if let a = AddressLiteral.parse(n) {
                    // Gmail's internal hops: `by 2002:a05:6214:…` (an address, no name);
                    // qmail-ldap `by 212.198.2.120`.
                    b.ip = a.ip
                    b.ipText = a.text
                    b.zone = a.zone
                } else {
                    b.name = n
                }
            }
            if let a = byAddress {
                b.ip = a.ip
                b.ipText = a.text
                b.zone = a.zone
            }
            h.by = b
        }
        if !viaWords.isEmpty { h.via = viaWords.text }
        if !withList.isEmpty {
            let kw = withKeyword
            var p = Self.protocolInfo(kw)
            if tlsFromComment { p.tls = true }
            h.with = p
            // Exchange: `with Microsoft SMTP Server id 15.1.557.21`, `with mapi id 15.20.5546.023`.
            // That id is the server's build, not a message id. (Compared as bytes: no character
            // outside ASCII is canonically equivalent to these ASCII words.)
            if kw.equalsIgnoringCase("microsoft smtp server") || kw.equalsIgnoringCase("mapi"), let id = h.id {
                h.serverBuild = id
                h.id = nil
            }
        }
    }

    /// The `with` clause's words as one keyword (the one word itself when there is one).
    var withKeyword: String { withList.text }

    /// Whether the from-domain is the receiver's reverse name rather than the client's HELO,
    /// from how the address after it was written (no HELO stated, no name in the comment).
    func fromValueIsReverseName(_ h: ReceivedHeader) -> Bool {
        if from.eximPortLiteral || from.qmailIdent || (from.glued && from.bareAddress) { return true }
        // Exim with port logging off writes `([IP])`, as Sendmail and Exchange do for a HELO
        // name: only the Exim product comment tells them apart.
        if from.bracketedLiteral, h.software.contains(where: { $0.hasPrefixIgnoringCase("exim") }) { return true }
        // qmail `from NAME (IP)` (`with SMTP`, `QMQP`, or `ESMTPA` with an AUTH patch, no
        // product comment but qmail's own). Exchange, KumoMTA and IronPort write the same shape
        // with the HELO name; they name a product, another keyword or a by-side address.
        if from.bareAddress, byAddress == nil, from.address?.ip.isIPv4 == true {
            let kw = withKeyword
            guard kw == "SMTP" || kw == "QMQP" || kw == "ESMTPA" else { return false }
            return h.software.allSatisfy { $0.hasPrefixIgnoringCase("qmail") || $0.hasPrefixIgnoringCase("qpsmtpd") }
        }
        return false
    }

    /// The from-domain must be a host name (or address literal): words after it, or text no
    /// host name holds (an envelope address, a date, a sentence), go to `unparsed` instead.
    mutating func resolveFromValue(into h: inout ReceivedHeader) {
        guard let v = from.value else { return }
        if from.extraWords.isEmpty, from.address == nil, from.commentName == nil, !from.redacted, from.helo == nil,
            v.utf8.contains(UInt8(ascii: "@")), !v.hasPrefix("[")
        {
            // qmail-scanner `from SENDER by HOST by uid N with qmail-scanner-1.12`, AOL
            // `from user@aol.com by imo-d20.mx.aol.com (mail_out_v36_r4.14.)`: with no
            // connection details after it, the envelope sender stands where a name would.
            // (After a `(rdns [IP])` comment an address is text where the HELO belongs.)
            if h.envelopeFrom == nil { h.envelopeFrom = stripAngles(v) } else { h.unparsed.append(v) }
            from.value = nil
            return
        }
        if !from.extraWords.isEmpty {
            let kw = withKeyword
            if kw.containsIgnoringCase("groupwise"), !v.utf8.contains(UInt8(ascii: ".")), from.address == nil,
                from.commentName == nil,
                from.extraWords.allSatisfy({ Self.looksLikeHost($0) && AddressLiteral.parse($0) == nil })
            {
                // Novell GroupWise names its MTA by the GroupWise domain, which may hold spaces:
                // `from Delta County-MTA by mail.deltacounty.com with Novell_GroupWise`.
                from.value = ([v] + from.extraWords).joined(separator: " ")
                return
            }
            if v.hasPrefix("[") {
                // An address literal as written (or a broken one): the words after it are
                // what could not be read.
                h.unparsed.append(from.extraWords.joined(separator: " "))
            } else {
                h.unparsed.append(([v] + from.extraWords).joined(separator: " "))
                from.value = nil
            }
            return
        }
        if v.withUTF8Bytes({ $0.contains(where: Self.neverInHostName) }), AddressLiteral.parse(v) == nil {
            h.unparsed.append(v)
            from.value = nil
        }
    }

    /// Bytes no host name, address literal or HELO argument holds, but addresses, dates and
    /// prose do.
    static func neverInHostName(_ c: UInt8) -> Bool {
        c == UInt8(ascii: "@") || c == UInt8(ascii: "<") || c == UInt8(ascii: ">") || c == UInt8(ascii: ",")
            || c == UInt8(ascii: "\"") || c == UInt8(ascii: "/") || c == UInt8(ascii: "=")
    }

    /// RFC 3848 keyword semantics: `[UTF8](E)SMTP|LMTP` + `S` (TLS) + `A` (authenticated),
    /// case-insensitive (Exim writes lower case), plus the unregistered TLS spellings.
    static func protocolInfo(_ kw: String) -> ProtocolInfo {
        if let (tls, auth) = kw.withUTF8Bytes(protocolFlags) {
            return ProtocolInfo(keyword: kw, authenticated: auth, tls: tls)
        }
        return protocolInfoByCharacters(kw)
    }

    /// `protocolInfo`'s TLS and authentication flags read from the keyword's bytes, or nil when
    /// the keyword is not ASCII (an ASCII byte is a character of its own there, except CR LF,
    /// which no pattern here holds).
    static func protocolFlags(_ b: UnsafeBufferPointer<UInt8>) -> (tls: Bool, auth: Bool)? {
        guard b.allSatisfy({ $0 < 0x80 }) else { return nil }
        var tls = false
        var auth = false
        let start = ASCIIBytes.hasPrefix(b, "utf8") ? 4 : 0
        let body = UnsafeBufferPointer(rebasing: b[start...])
        let suffixStart =
            ASCIIBytes.hasPrefix(body, "esmtp")
            ? 5 : ASCIIBytes.hasPrefix(body, "smtp") || ASCIIBytes.hasPrefix(body, "lmtp") ? 4 : nil
        if let suffixStart {
            let rest = UnsafeBufferPointer(rebasing: body[suffixStart...])
            if ASCIIBytes.equal(rest, "s") {
                tls = true
            } else if ASCIIBytes.equal(rest, "a") {
                auth = true
            } else if ASCIIBytes.equal(rest, "sa") {
                tls = true
                auth = true
            }
        }
        if ASCIIBytes.contains(b, "/tls") || ASCIIBytes.hasSuffix(b, "-tls")
            || ASCIIBytes.contains(b, " encrypted smtp")
        {
            tls = true
        }
        return (tls, auth)
    }

    /// `protocolInfo` for a keyword with non-ASCII characters, read by Character.
    static func protocolInfoByCharacters(_ kw: String) -> ProtocolInfo {
        let l = kw.asciiLowered
        var tls = false
        var auth = false
        var u = Substring(l)
        if u.hasPrefix("utf8") { u = u.dropFirst(4) }
        if u.hasPrefix("esmtp") || u.hasPrefix("smtp") || u.hasPrefix("lmtp") {
            switch u.dropFirst(u.hasPrefix("esmtp") ? 5 : 4) {
            case "s": tls = true
            case "a": auth = true
            case "sa":
                tls = true
                auth = true
            default: break
            }
        }
        // IronPort `ESMTP/TLS/<cipher>`, CommuniGate `ESMTP-TLS`, MessageLabs `<cipher> encrypted SMTP`.
        if l.containsIgnoringCase("/tls") || l.hasSuffix("-tls") || l.containsIgnoringCase(" encrypted smtp") {
            tls = true
        }
        return ProtocolInfo(keyword: kw, authenticated: auth, tls: tls)
    }
}
