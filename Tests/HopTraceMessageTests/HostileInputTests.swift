import HopTraceCore
import Testing

@testable import HopTraceMessage

/// Attacker-written input: every case ends with a bounded result or an IntakeError.
@Suite struct HostileInputTests {
    /// `pattern` repeated (by doubling, so building 50 MB stays cheap) to at least `count` bytes.
    static func repeated(_ pattern: [UInt8], toAtLeast count: Int) -> [UInt8] {
        var a = pattern
        a.reserveCapacity(count * 2)
        while a.count < count { a += a }
        return Array(a[..<(count / pattern.count * pattern.count)])
    }

    @Test func fiftyMegabyteHeaderLine() throws {
        let input =
            bytes("From: a@example.org\nX-Big: ") + [UInt8](repeating: UInt8(ascii: "a"), count: 50 << 20)
            + bytes("\n\nbody")
        let r = try MessageIntake.read(input)
        let fields = r.chains[0].headers.fields
        #expect(fields.map(\.name) == ["From", "X-Big"])
        #expect(fields[1].raw.count == Limits.maxHeaderFieldBytes)
        #expect(fields[1].value.utf8.count == Limits.maxHeaderFieldBytes - "X-Big: ".utf8.count)
        #expect(r.findings.map(\.kind) == [.limitReached, .limitReached])
        #expect(r.mime?.rawBody == ArraySlice(bytes("body")))
    }

    @Test func fiftyMegabyteFoldedHeaderBlock() throws {
        let input =
            bytes("From: a@example.org\nX-Fold: start\n")
            + Self.repeated(bytes(" continued line\n"), toAtLeast: 50 << 20) + bytes("\nbody")
        let r = try MessageIntake.read(input)
        let fields = r.chains[0].headers.fields
        #expect(fields.map(\.name) == ["From", "X-Fold"])
        #expect(fields[1].raw.count == Limits.maxHeaderFieldBytes)
        #expect(r.findings.count == 2)
        #expect(r.findings.allSatisfy { $0.kind == .limitReached })
        #expect(r.findings[1].summary.contains("\(Limits.maxHeaderBlockBytes) bytes"))
        #expect(r.mime?.rawBody == ArraySlice(bytes("body")))
    }

    @Test func fiftyMegabytesOfShortFields() throws {
        let input = Self.repeated(bytes("X-Many-Fields: value\n"), toAtLeast: 50 << 20) + bytes("\nbody")
        let r = try MessageIntake.read(input)
        #expect(r.chains[0].headers.fields.count == Limits.maxHeaderFields)
        #expect(r.findings.map(\.kind) == [.limitReached])
        #expect(r.mime?.rawBody == ArraySlice(bytes("body")))
    }

    @Test func tenThousandFieldsBeyondTheLimit() throws {
        var input: [UInt8] = []
        for n in 0..<(Limits.maxHeaderFields + 10_000) { input += bytes("X-F\(n): \(n)\n") }
        input += bytes("\nbody")
        let r = try MessageIntake.read(input)
        let fields = r.chains[0].headers.fields
        #expect(fields.count == Limits.maxHeaderFields)
        #expect(fields.last?.name == "X-F\(Limits.maxHeaderFields - 1)")
        #expect(fields.last?.location.headerIndex == Limits.maxHeaderFields - 1)
        #expect(r.findings.map(\.kind) == [.limitReached])
        #expect(r.findings[0].summary.contains("\(Limits.maxHeaderFields)"))
        #expect(r.mime?.rawBody == ArraySlice(bytes("body")))
    }

    @Test func hundredThousandCharacterHeaderLine() throws {
        let value = String(repeating: "x", count: 100_000)
        let r = try MessageIntake.read(bytes("Subject: \(value)\nTo: b@example.net\n\n"))
        #expect(r.chains[0].headers.fields.map(\.name) == ["Subject", "To"])
        #expect(r.chains[0].headers.fields[0].value.utf8.count == 100_000)
        #expect(r.findings.isEmpty)
    }

    @Test func multipartNestedTenThousandDeep() throws {
        let depth = 10_000
        var s = "From: a@example.org\n"
        for n in 0..<depth { s += "Content-Type: multipart/mixed; boundary=b\(n)\n\n--b\(n)\n" }
        s += "Content-Type: text/rfc822-headers\n\nReceived: from deep by deeper; Sat, 20 Aug 2016 09:14:02 +0000\n"
        for n in stride(from: depth - 1, through: 0, by: -1) { s += "--b\(n)--\n" }
        let r = try MessageIntake.read(bytes(s))
        #expect(r.chains.count == 1)
        #expect(r.findings.map(\.kind) == [.limitReached])
        #expect(r.findings[0].summary.contains("deeper than \(Limits.maxMIMEDepth)"))
        var levels = 0
        var part = try #require(r.mime)
        while let child = part.children.first {
            part = child
            levels += 1
        }
        #expect(levels == Limits.maxMIMEDepth)
    }

    @Test func messageRFC822NestedTenThousandDeep() throws {
        var s = ""
        for _ in 0..<10_000 { s += "From: a@example.org\nContent-Type: message/rfc822\n\n" }
        s += "From: innermost@example.org\n\nbody\n"
        let r = try MessageIntake.read(bytes(s))
        // Each message is itself message/rfc822: every level below the outer one is a chain.
        #expect(r.chains.count == 1 + Limits.maxMIMEDepth)
        #expect(r.embedded.prefix(3) == ["1 message/rfc822", "1.1 message/rfc822", "1.1.1 message/rfc822"])
        #expect(r.findings.map(\.kind) == [.limitReached])
    }

    @Test func boundaryThatNeverClosesThroughIntake() throws {
        let s =
            "From: a@example.org\nContent-Type: multipart/report; report-type=delivery-status; boundary=zz\n\n--zz\n\nx\n--zz\nContent-Type: text/rfc822-headers\n\nReceived: from a by b; Sat, 20 Aug 2016 09:14:02 +0000\nSubject: cut short"
        let r = try MessageIntake.read(bytes(s))
        #expect(r.embedded == ["2 text/rfc822-headers"])
        #expect(r.chains[1].headers.first("Subject")?.value == "cut short")
    }

    @Test func inputLargerThanTheLimitIsRefused() {
        let input = bytes("From: a@example.org\n\n") + [UInt8](repeating: 0x41, count: Limits.maxInputBytes)
        #expect(
            throws: IntakeError("input is larger than \(Limits.maxInputBytes) bytes", position: Limits.maxInputBytes)
        ) {
            try MessageIntake.read(input)
        }
    }

    struct Garbage: Sendable, CustomTestStringConvertible {
        var name: String
        var input: [UInt8]
        var testDescription: String { name }
    }

    @Test(arguments: [
        Garbage(name: "64 KiB of NUL", input: [UInt8](repeating: 0, count: 1 << 16)),
        Garbage(
            name: "64 KiB of noise", input: (0..<65_536).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 13) }),
        Garbage(name: "From line only", input: bytes("From \n")),
        Garbage(name: "From line then body", input: bytes("From x\n\nno header here")),
        Garbage(name: "bare colon", input: bytes(":\n")),
        Garbage(name: "blank lines", input: bytes("\r\n\r\n")),
    ])
    func garbageIsAnIntakeError(_ c: Garbage) {
        #expect(throws: IntakeError.self) { try MessageIntake.read(c.input) }
    }

    /// Garbage after a valid first line is read as far as it goes, never a crash.
    @Test func garbageAfterAValidHeader() throws {
        var input = bytes("X-A: b\n")
        var x: UInt32 = 12345
        for _ in 0..<200_000 {
            x = x &* 1_103_515_245 &+ 12_345
            input.append(UInt8(truncatingIfNeeded: x >> 16))
        }
        let r = try MessageIntake.read(input)
        #expect(r.chains[0].headers.fields.first?.name == "X-A")
        #expect(r.chains.count >= 1)
    }

    @Test func unterminatedStructuresInContentType() throws {
        let r = try MessageIntake.read(
            bytes(
                "From: a@example.org\nContent-Type: multipart/mixed; boundary=\"unterminated (comment\n\n--unterminated (comment\n\nx\n"
            ))
        #expect(r.chains.count == 1)
    }
}
