import HopTraceCore
import HopTraceReceived
import HopTraceTestSupport
import Testing

@testable import HopTraceFingerprint

/// `NeedleSet` and the one-pass `ReceivedScan` searches give what one search per needle
/// (`ASCIIFold.firstRange`, `TextScan.find`/`tag`, `ReceivedScan.byClause`) gives.
@Suite struct NeedleSetTests {
    /// The first occurrence of `needle` at or after `from`, ASCII case ignored, by the plainest loop.
    static func reference(_ needle: [UInt8], in hay: [UInt8], from: Int) -> Int? {
        guard needle.count <= hay.count, from <= hay.count - needle.count else { return nil }
        for i in from...(hay.count - needle.count)
        where (0..<needle.count).allSatisfy({ ASCIIFold.lower(hay[i + $0]) == ASCIIFold.lower(needle[$0]) }) {
            return i
        }
        return nil
    }

    static func check(_ set: NeedleSet, _ needles: [String], _ hay: [UInt8], split: Int) {
        let hits = hay.withUnsafeBufferPointer { set.hits(in: $0, split: split) }
        for (k, n) in needles.enumerated() {
            let expected = reference(Array(n.utf8), in: hay, from: 0)
            #expect(hits.first(k) == expected, "\(n) in \(hay)")
            #expect(
                hits.firstAfterSplit(k) == reference(Array(n.utf8), in: hay, from: split),
                "\(n) in \(hay) from \(split)")
            // The byte search the one pass stands for.
            let single = hay.withUnsafeBufferPointer { h in
                Array(n.utf8).withUnsafeBufferPointer { ASCIIFold.firstRange(of: $0, in: h)?.lowerBound }
            }
            #expect(hits.first(k) == single)
        }
        #expect(hits.isASCII == hay.allSatisfy { $0 < 0x80 })
    }

    /// Overlapping needles: prefixes of each other, sharing first bytes, repeated letters.
    static let overlapping = ["a", "aa", "aaa", "(ab", "(abc", "(b", "ba", "bA(", "Ab", "(", " by ", "y ", "c\u{7F}"]

    @Test func randomTextsFromTheNeedlesOwnBytes() {
        let set = NeedleSet(Self.overlapping)
        var g = SplitMix64(state: 0x5EED)
        let alphabet: [UInt8] = Array("aAbBcC( )y".utf8) + [0x7F, 0x80, 0xC3, 0xA9, 0xFF, 0x0D, 0x0A]
        for _ in 0..<3000 {
            let hay = (0..<Int.random(in: 0...40, using: &g)).map { _ in alphabet.randomElement(using: &g)! }
            Self.check(set, Self.overlapping, hay, split: Int.random(in: 0...hay.count, using: &g))
        }
    }

    @Test func receivedNeedlesInRandomHeaders() {
        let needles = ReceivedNeedle.texts
        var g = SplitMix64(state: 42)
        // Pieces of the needles themselves, cut anywhere and case-flipped, with filler.
        let pieces =
            needles.flatMap { n -> [String] in
                let cut = n.index(n.startIndex, offsetBy: n.count / 2)
                return [n, n.uppercased(), n.lowercased(), String(n[..<cut]), String(n[cut...])]
            } + [" ", "(", ")", "by ", "é", "\u{301}", "\r\n", "x"]
        for _ in 0..<800 {
            let text = (0..<Int.random(in: 0...12, using: &g)).map { _ in pieces.randomElement(using: &g)! }.joined()
            let hay = Array(text.utf8)
            Self.check(ReceivedNeedle.set, needles, hay, split: Int.random(in: 0...hay.count, using: &g))
        }
    }

    @Test func edgeTexts() {
        let set = NeedleSet(Self.overlapping)
        Self.check(set, Self.overlapping, [], split: 0)
        // Needles at the very end, and one byte short of it.
        for n in Self.overlapping {
            let hay = Array(("xxxx" + n).utf8)
            Self.check(set, Self.overlapping, hay, split: 0)
            Self.check(set, Self.overlapping, Array(hay.dropLast()), split: 2)
            Self.check(set, Self.overlapping, hay, split: hay.count)
        }
        // A long header: the needles far in, after many near misses.
        var long = [UInt8](repeating: UInt8(ascii: "("), count: 50_000)
        long += Array(" (ABC".utf8) + [0xFF] + Array("aaa".utf8)
        Self.check(set, Self.overlapping, long, split: 25_000)
        Self.check(set, Self.overlapping, long, split: long.count)
    }

    // MARK: ReceivedScan

    static let fragments = [
        "from ", "by ", "BY", "bY\t", "by\r\n", "b", "y", " ", "(", ")", "[", "]", "x.example.com ", "with ESMTP ",
        "(Exim 4.91)", "(eximx)", "(Exim", "(Postfix, from userid 0)", "(8.15.2/8.15.2)", "(SGI-8.9.3/8.8.7)",
        "(8.12.5/8.12.5/herald)", "(Sun Java(tm) System Messaging Server 6.1)", "(Merak 8.0.3)", "(IceWarp 10)",
        "(LHLO x) ", "mapi id 15.20.1.2", "Microsoft SMTP Server id 15.1.2.3", "with Microsoft SMTPSVC(6.0.3790.3959)",
        "Internet Mail Service (5.5.2653.19)", "(SG)", "(KumoMTA 10.0.0.1)", "é", "\u{301}", "\u{A0}", "\r\n",
    ]

    static func randomHeader(_ g: inout SplitMix64) -> String {
        (0..<Int.random(in: 0...10, using: &g)).map { _ in fragments.randomElement(using: &g)! }.joined()
    }

    @Test func byClauseOnBytesAsOnCharacters() {
        var g = SplitMix64(state: 7)
        for _ in 0..<4000 {
            let text = Self.randomHeader(&g)[...]
            let slow = ReceivedScan.byClause(in: text)
            if let offset = text.withUTF8Bytes(ReceivedScan.byClauseOffset(in:)) {
                #expect(
                    text.utf8.distance(from: text.startIndex, to: slow.startIndex) == offset, "\(text.debugDescription)"
                )
            } else {
                #expect(text.utf8.contains { $0 >= 0x80 }, "\(text.debugDescription)")
            }
        }
    }

    @Test func scanSearchesAsSingleSearches() {
        var g = SplitMix64(state: 99)
        for _ in 0..<1500 {
            let scan = ReceivedScan(ReceivedHeader(raw: Self.randomHeader(&g)), headerIndex: nil)
            #expect(scan.byPart == ReceivedScan.byClause(in: scan.raw))
            for n in ReceivedNeedle.allCases {
                #expect(scan.find(n) == TextScan.find(n.text, in: scan.byPart), "\(n) in \(scan.raw.debugDescription)")
                #expect(scan.findInRaw(n) == TextScan.find(n.text, in: scan.raw))
                if n.text.hasPrefix("(") {
                    for wordEnd in [true, false] {
                        let expected = TextScan.tag(String(n.tagPrefix), in: scan.byPart, wordEnd: wordEnd)
                        let got = scan.tag(n, wordEnd: wordEnd)
                        #expect(got == expected && got?.startIndex == expected?.startIndex, "\(n)")
                    }
                }
            }
        }
    }

    /// Up to 30 random pieces, half the time followed by a long comment body and `/)`.
    static func commentText(_ pieces: [String], _ g: inout SplitMix64) -> String {
        var text = (0..<Int.random(in: 1...30, using: &g)).map { _ in pieces.randomElement(using: &g)! }.joined()
        if Bool.random(using: &g) {
            text += String(repeating: "a", count: Int.random(in: 150...300, using: &g)) + "/)"
        }
        return text
    }

    /// A comment ruled out by bytes is one the Sendmail rule would skip: its inside has no `/`
    /// or has a space.
    @Test func sendmailPrecheckRulesOutOnlySkippedComments() {
        var g = SplitMix64(state: 3)
        let pieces = ["(", ")", "/", " ", "8.15.2", "x", "(8.1.2/8.1.2)", "-"]
        for _ in 0..<3000 {
            let text = Self.commentText(pieces, &g)
            let s = text[...]
            let bytes = Array(s.utf8)
            for (at, b) in bytes.enumerated() where b == UInt8(ascii: "(") {
                let ruledOut = bytes.withUnsafeBufferPointer { ReceivedScan.cannotBeSendmailComment(at: at, in: $0) }
                guard ruledOut else { continue }
                let inside = TextScan.parenthesized(at: s.utf8.index(s.startIndex, offsetBy: at), in: s)
                #expect(!inside.contains("/") || inside.contains(" "), "\(text) at \(at)")
            }
        }
    }

    /// A comment the second byte check rules out has no Sendmail version as `sendmail(commentAt:)`
    /// reads it: its first `/`-field, less a vendor prefix, does not start with `8.`.
    @Test func sendmailVersionCheckRulesOutOnlyCommentsWithoutVersion() {
        var g = SplitMix64(state: 4)
        let pieces = [
            "(", ")", "/", " ", "8.15.2", "8.", "8", ".", "x", "(8.1.2/8.1.2)", "-", "SGI-8.9.3", "-8", "\r\n",
        ]
        for _ in 0..<5000 {
            let text = Self.commentText(pieces, &g)
            let s = text[...]
            let bytes = Array(s.utf8)
            for (at, b) in bytes.enumerated() where b == UInt8(ascii: "(") {
                let (ruledOut, holds) = bytes.withUnsafeBufferPointer {
                    (
                        ReceivedScan.cannotBeSendmailComment(at: at, in: $0),
                        ReceivedScan.mayHoldSendmailVersion(at: at, in: $0)
                    )
                }
                guard !ruledOut, !holds else { continue }
                let inside = TextScan.parenthesized(at: s.utf8.index(s.startIndex, offsetBy: at), in: s)
                let fields = inside.split(separator: "/", omittingEmptySubsequences: false)
                var binary = fields[0]
                if let dash = binary.lastIndex(of: "-"), binary[binary.index(after: dash)...].first == "8" {
                    binary = binary[binary.index(after: dash)...]
                }
                #expect(fields.count < 2 || !binary.hasPrefix("8."), "\(text.debugDescription) at \(at)")
            }
        }
    }

    /// Exim's id rule on Characters, as written before the byte version.
    static func eximReference(_ id: String) -> Bool {
        let groups = id.split(separator: "-", omittingEmptySubsequences: false).map(\.count)
        guard groups == [6, 6, 2] || groups == [6, 11, 4] else { return false }
        return id.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" }
    }

    @Test func eximMessageIDOnBytesAsOnCharacters() {
        var g = SplitMix64(state: 11)
        let pieces = [
            "a", "Z", "0", "9", "-", "abcdef", "1fZ55o", "0006DP", "3H", "00000000000", "3Hx4", "é", "\r\n",
            "e\u{301}", "_", "@", "[", "`", "{", "/", ":",
        ]
        var shaped = [
            "1fZ55o-0006DP-3H", "1fZ55o-00000000000-3Hx4", "1fZ55o-0006DP-3H-", "-1fZ55o-0006DP-3H",
            "1fZ55o-0006DP-3\r\n", "1fZ55o-0006DP-3é", "1fZ55o-0006DP", "",
        ]
        for _ in 0..<5000 {
            shaped.append((0..<Int.random(in: 0...8, using: &g)).map { _ in pieces.randomElement(using: &g)! }.joined())
        }
        // Three or four groups near the two shapes' lengths, now and then with a character that is not allowed.
        let characters = ["a", "Z", "0", "9", "q", "é", "\r\n", "_", "e\u{301}", "{"]
        for _ in 0..<5000 {
            let lengths = [[6, 6, 2], [6, 11, 4], [5, 6, 2], [6, 11, 3], [6, 6, 2, 1]].randomElement(using: &g)!
            shaped.append(
                lengths.map { n in
                    (0..<n).map { _ in
                        Int.random(in: 0..<20, using: &g) == 0
                            ? characters.randomElement(using: &g)! : characters[Int.random(in: 0..<5, using: &g)]
                    }.joined()
                }.joined(separator: "-"))
        }
        for id in shaped {
            #expect(ReceivedScan.isEximMessageID(id) == Self.eximReference(id), "\(id.debugDescription)")
        }
    }

    @Test func unknownAsLowercasedDoes() {
        for name in [
            "unknown", "UNKNOWN", "Unknown", "un\u{212A}nown", "unknow", "unknown.", "", "ünknown", "UNKNOWN\u{301}",
        ] {
            #expect(ReceivedScan.isUnknown(name) == (name.lowercased() == "unknown"), "\(name)")
        }
    }
}
