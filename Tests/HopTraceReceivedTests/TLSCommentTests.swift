import HopTraceCore
import HopTraceTestSupport
import Testing

@testable import HopTraceReceived

// `StampState.tlsInfo` reads its patterns from the comment's bytes; this is the routine it
// stands for, matching against a lower-cased copy by Character. Both must give the same answer
// for every comment, generated ones included (non-ASCII, combining marks after a keyword,
// unbalanced parentheses, very long text).

/// TLS details in any of the dialects' comment forms, or nil (lower-cased copy, by Character).
private func referenceTLSInfo(_ s: Substring) -> TLSInfo? {
    // Cheap pre-check (every comment of every header comes here): each form below
    // mentions TLS, SSL, a cipher or Google's transport.
    guard s.utf8.count < 512, s.utf8.contains(where: { $0 == UInt8(ascii: "s") || $0 == UInt8(ascii: "S") }) else {
        return nil
    }
    guard
        s.containsIgnoringCase("tls") || s.containsIgnoringCase("ssl") || s.containsIgnoringCase("cipher")
            || s.containsIgnoringCase("encrypted") || s.containsIgnoringCase("google transport")
    else { return nil }
    let l = s.asciiLowered
    // Postfix: `using TLSv1.2 with cipher AECDH-AES256-SHA (256/256 bits)`.
    if l.hasPrefix("using tls") || l.hasPrefix("using ssl") {
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
        if l == "using tls" { info.version = nil }
        return info
    }
    // Sendmail/Google/Proofpoint/hMailServer `version=… cipher=… bits=…`, Exchange `version=…, cipher=…`.
    if l.containsIgnoringCase("version=") && l.containsIgnoringCase("cipher=") {
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
    if l.hasPrefix("tls") || l.hasPrefix("ssl"), !l.utf8.contains(UInt8(ascii: " ")),
        l.utf8.contains(UInt8(ascii: ":"))
    {
        let p = s.split(separator: ":", omittingEmptySubsequences: false)
        var info = TLSInfo(raw: String(s))
        info.version = String(p[0])
        if p.count > 1 { info.cipher = String(p[1]) }
        if p.count > 2 { info.bits = String(p[2]) }
        return info
    }
    // Exim 4.93+ `(TLS1.3)` before `tls <cipher>`: the version alone.
    if l.hasPrefix("tls1") || l.hasPrefix("tlsv1"), !l.utf8.contains(UInt8(ascii: " ")),
        !l.utf8.contains(UInt8(ascii: ":"))
    {
        return TLSInfo(version: String(s), raw: String(s))
    }
    // mail.zeus03.de: `(TLS_AES_256_GCM_SHA384 encrypted, authenticated)`.
    if l.containsIgnoringCase(" encrypted"), let first = s.split(separator: " ").first {
        return TLSInfo(cipher: String(first), raw: String(s))
    }
    // Exchange `(TLS)`, Mimecast `(Using TLS)`, Google's internal `(Google Transport Security)`.
    if l == "tls" || l == "google transport security" { return TLSInfo(raw: String(s)) }
    return nil
}

private let tlsPieces: [String] = [
    "using", "Using", "TLS", "tls", "SSL", "ssl", "TLSv1.2", "tlsv1", "TLS1.3", "with", "cipher", "CIPHER",
    "version=", "cipher=", "bits=", "256", "ECDHE-RSA-AES128-GCM-SHA256", "(256/256 bits)", " ", " ", "\t", ",",
    ":", "=", "(", ")", "encrypted", " encrypted", "authenticated", "Google Transport Security", "google",
    "transport", "security", "\u{301}", "\u{0600}", "é", "\u{212A}", "\r\n", "\0", "s", "S",
]

@Test func tlsCommentsReadAsBytesAnswerAsByCharacter() {
    var rng = SplitMix64(state: 0x7153)
    var comments: [String] = [
        "using TLSv1.2 with cipher AECDH-AES256-SHA (256/256 bits)", "Using TLS", "using tls\u{301}",
        "using ssl\u{301} x", "TLSv1.3:TLS_AES_256_GCM_SHA384:256", "tls\u{301}:x", "TLS1.3", "tlsv1\u{301}",
        "version=TLS1_2 cipher=ECDHE-RSA-AES128-GCM-SHA256 bits=128/128", "TLS", "tls\u{301}",
        "TLS_AES_256_GCM_SHA384 encrypted, authenticated", "Google Transport Security",
        String(repeating: "tls ", count: 200),
    ]
    for _ in 0..<30_000 {
        var c = ""
        for _ in 0..<Int.random(in: 1...8, using: &rng) { c += tlsPieces.randomElement(using: &rng)! }
        comments.append(c)
    }
    var mismatches: [String] = []
    for c in comments {
        let s = c.trimmedSpaces
        if StampState.tlsInfo(s) != referenceTLSInfo(s) { mismatches.append(c.debugDescription) }
    }
    #expect(mismatches.isEmpty, "\(mismatches.prefix(20))")
}
