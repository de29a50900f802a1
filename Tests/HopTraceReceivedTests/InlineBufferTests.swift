import HopTraceCore
import HopTraceTestSupport
import Testing

@testable import HopTraceReceived

// The parse stage's stack-held lists (tokens, comment items, TLS comment words) against the
// array routines they stand in front of, below, at and above their inline capacity; the word
// clauses read on bytes (`for`, `id`, `envelope-from`) against `word` on the word's text; the
// findings order taken without a sort against the sort. Inputs mix real-world forms with
// control characters, unclosed comments, non-ASCII, invalid UTF-8 and long runs.

private let hostilePieces = [
    "\0", "\u{1}", "\u{7F}", "\r\n", "\r", "\t", "é", "\u{301}", "\u{A0}", "\u{FEFF}", "\u{FF}",
]

private func mixed(_ pieces: [String], count: Int, maxPieces: Int, seed: UInt64) -> [[UInt8]] {
    var rng = SplitMix64(state: seed)
    var out = pieces.map { Array($0.utf8) }
    for _ in 0..<count {
        var b: [UInt8] = []
        for _ in 0..<Int.random(in: 1...maxPieces, using: &rng) {
            if Int.random(in: 0..<8, using: &rng) == 0 {
                // A byte that cannot stand where it is in UTF-8.
                b.append([0x80, 0xBF, 0xC3, 0xE2, 0xFF].randomElement(using: &rng)!)
            } else {
                b += Array(pieces.randomElement(using: &rng)!.utf8)
            }
        }
        out.append(b)
    }
    return out
}

private let headerPieces =
    [
        "from mail.example.com ", "(mail.example.com [192.0.2.1]) ", "by mx.example.org ", "(Postfix) ",
        "with ESMTPS ", "id 4F1A2B3C ", "for <user@example.org>", "; ", "Sat, 21 Apr 2018 03:01:04 +0000",
        "(", ")", ";", " ", "[", "]", "[(134.97.4.21)]", "\\", "\\(", "a", "(a (b) c)", "(qmail 1 invoked by uid 4)",
        String(repeating: "w ", count: 45), String(repeating: "; ", count: 30), String(repeating: "(x)", count: 50),
    ] + hostilePieces

/// `held` (the stack-held list, copied out) against `reference` (the array routine) on generated
/// inputs of `pieces` and on runs of `unit` one below, at and one above `capacity`; both sides of
/// the capacity must have been read.
private func checkHeldList<T: Equatable>(
    pieces: [String], maxPieces: Int, seed: UInt64, unit: String, capacity: Int,
    reference: (UnsafeBufferPointer<UInt8>) -> [T], held: (UnsafeBufferPointer<UInt8>) -> [T]
) {
    var mismatches: [String] = []
    var sizes = Set<Int>()
    var inputs = mixed(pieces, count: 20_000, maxPieces: maxPieces, seed: seed)
    for n in (capacity - 1)...(capacity + 1) {
        inputs.append(Array(String(repeating: unit, count: n).utf8))
    }
    inputs.append([])
    for b in inputs {
        b.withUnsafeBufferPointer { p in
            let expected = reference(p)
            sizes.insert(min(expected.count, capacity + 1))
            if held(p) != expected { mismatches.append(String(decoding: b, as: UTF8.self).debugDescription) }
        }
    }
    #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
    #expect(sizes.contains(capacity) && sizes.contains(capacity + 1))
}

@Test func tokensHeldOnTheStackAreTheTokenArray() {
    checkHeldList(
        pieces: headerPieces, maxPieces: 14, seed: 0x70C3, unit: "a ", capacity: ReceivedLexer.inlineTokens,
        reference: { ReceivedLexer.tokens($0) }, held: { ReceivedLexer.withTokens($0) { Array($0) } })
}

private let commentPieces =
    [
        "mail.example.com ", "[192.0.2.1]", "[192.0.2.1]:25", "helo=x ", "\"EHLO name\"", "(may be forged)", ",", " ",
        "(", ")", "\"", "\\", "\\\"", "[unix socket]", "[", "]", "ident=u ", "TLS: TLSv1,256bits,AES256-SHA",
        String(repeating: "a,", count: 40),
    ] + hostilePieces

@Test func commentItemsHeldOnTheStackAreTheItemArray() {
    checkHeldList(
        pieces: commentPieces, maxPieces: 12, seed: 0x17E5, unit: "x ", capacity: ReceivedLexer.inlineItems,
        reference: { ReceivedLexer.itemRanges($0) }, held: { ReceivedLexer.withItemRanges($0) { Array($0) } })
}

@Test func tlsWordsHeldOnTheStackAreTheWordArray() {
    let pieces =
        [
            "using TLSv1.2 ", "with cipher ", "ECDHE-RSA-AES128-GCM-SHA256 ", "(128/128 bits)", "version=TLS1_3",
            "cipher=TLS_AES_256_GCM_SHA384", "bits=256/256", ",", " ", "\t", "(", ")", "=",
            String(repeating: "a ", count: 40),
        ] + hostilePieces
    let separators: [(UInt8) -> Bool] = [
        { $0 == UInt8(ascii: " ") || $0 == 0x09 || $0 == UInt8(ascii: "(") || $0 == UInt8(ascii: ")") },
        StampState.isTLSFieldSeparator,
    ]
    var mismatches: [String] = []
    var inputs = mixed(pieces, count: 10_000, maxPieces: 10, seed: 0x7154)
    for n in (StampState.inlineByteWords - 1)...(StampState.inlineByteWords + 1) {
        inputs.append(Array(String(repeating: "x ", count: n).utf8))
    }
    for b in inputs {
        b.withUnsafeBufferPointer { p in
            for isSeparator in separators {
                let held = StampState.withByteWords(p, where: isSeparator) { Array($0) }
                if held != StampState.byteWords(p, where: isSeparator) {
                    mismatches.append(String(decoding: b, as: UTF8.self).debugDescription)
                }
            }
        }
    }
    #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
    // The `version=` form, read field by field, and the `using` form.
    let tls = StampState.tlsInfo("version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 bits=256/256")
    #expect(tls?.version == "TLS1_3" && tls?.cipher == "TLS_AES_256_GCM_SHA384" && tls?.bits == "256/256")
    let postfix = StampState.tlsInfo("using TLSv1.2 with cipher AECDH-AES256-SHA (256/256 bits)")
    #expect(postfix?.version == "TLSv1.2" && postfix?.cipher == "AECDH-AES256-SHA" && postfix?.bits == "256/256")
}

@Test func clauseWordsReadOnBytesAnswerAsTheWordText() {
    let pieces =
        [
            "<", ">", ",", "user@example.org", "<user@example.org>", "4F1A2B3C", "<0MYJ00DJ@host>", "@", " ", "\u{301}",
            "<\u{301}", "\u{301}>", "\u{A0}",
        ] + hostilePieces
    var mismatches: [String] = []
    for b in mixed(pieces, count: 20_000, maxPieces: 6, seed: 0xC1A5) {
        b.withUnsafeBufferPointer { p in
            let text = String(decoding: p, as: UTF8.self)
            for clause in [Clause.recipients, .id, .envelopeFrom, .from, .by, .with] {
                for taken in [false, true] {
                    var start = ReceivedHeader(raw: "")
                    if taken { start.id = "kept" }
                    var fast = StampState(bytes: p)
                    fast.clause = clause
                    fast.valueTaken = taken
                    var fastHeader = start
                    if !fast.wordFromBytes(p, into: &fastHeader) { fast.word(text, into: &fastHeader) }
                    var reference = StampState(bytes: p)
                    reference.clause = clause
                    reference.valueTaken = taken
                    var referenceHeader = start
                    reference.word(text, into: &referenceHeader)
                    if fastHeader != referenceHeader || fast.valueTaken != reference.valueTaken {
                        mismatches.append("\(clause) \(text.debugDescription)")
                    }
                }
            }
        }
    }
    #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
}

@Test func findingsInOrderAreTakenAsTheSortWouldOrderThem() {
    let kinds: [FindingKind] = [.unparsedReceived, .clockSkew, .chainGap]
    var rng = SplitMix64(state: 0x50F7)
    var mismatches = 0
    for round in 0..<5000 {
        let n = Int.random(in: 0...6, using: &rng)
        let findings: [(hop: Int, finding: Finding)] = (0..<n).map { k in
            let hop = round % 2 == 0 ? k + Int.random(in: 0...1, using: &rng) : Int.random(in: 0...3, using: &rng)
            let kind = kinds.randomElement(using: &rng)!
            return (hop, Finding(kind: kind, severity: .warning, hops: [hop], summary: "\(k)"))
        }
        let reference = findings.enumerated().sorted { a, b in
            if a.element.hop != b.element.hop { return a.element.hop < b.element.hop }
            if a.element.finding.kind.rawValue != b.element.finding.kind.rawValue {
                return a.element.finding.kind.rawValue < b.element.finding.kind.rawValue
            }
            return a.offset < b.offset
        }.map { $0.element.finding }
        if ChainBuilder.ordered(findings) != reference { mismatches += 1 }
    }
    #expect(mismatches == 0)
}

@Test func wordListsReadAsTheirWordsJoined() {
    let pieces = ["ESMTPS", "Microsoft", "SMTP", "Server", "a b", "", " ", "é", "\u{301}", "\0"]
    var rng = SplitMix64(state: 0x3041)
    for _ in 0..<2000 {
        let words = (0..<Int.random(in: 0...5, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }
        var list = WordList()
        for w in words { list.append(w) }
        #expect(list.text == words.joined(separator: " ") && list.count == words.count)
        #expect(list.isEmpty == words.isEmpty && WordList(words).text == list.text)
    }
}
