import Foundation
import HopTraceCore
import Testing

@testable import HopTraceMessage

@Suite struct MailboxTests {
    static let mbox = """
        From alice@example.org Sat Aug 20 09:14:02 2016
        From: alice@example.org
        Subject: one

        first body
        >From here on, mboxrd escapes body lines.

        From the desk of Alice: no digit, so no separator.

        From bob@example.net Sat Aug 20 09:15:02 2016
        From: bob@example.net
        Subject: two

        second body

        From MAILER-DAEMON Sat Aug 20 09:16:02 2016
        Subject: three

        third
        """

    @Test(arguments: [false, true])
    func splitsMessages(_ useCRLF: Bool) throws {
        let input = useCRLF ? crlf(Self.mbox) : bytes(Self.mbox)
        let messages = Mailbox.split(mbox: input)
        #expect(messages.count == 3)
        let subjects = try messages.map { try MessageIntake.read($0).chains[0].headers.first("Subject")?.value }
        #expect(subjects == ["one", "two", "three"])
        #expect(messages[0].startIndex == 0)
        #expect(messages[2].endIndex == input.count)
        let first = String(decoding: messages[0], as: UTF8.self)
        #expect(first.contains("From the desk of Alice"))
        #expect(Mailbox.isMailbox(input))
    }

    @Test(arguments: [
        ("From: a@example.org\n\nFrom b Sat Aug 20 09:14:02 2016\n", false),  // an .eml, not an mbox
        ("From a Sat Aug 20 09:14:02 2016\nFrom: a@example.org\n\nbody\n", false),  // one message
        ("From a Sat Aug 20 09:14:02 2016\nSubject: x\n\n\nFrom b Sat Aug 20 09:15:02 2016\nSubject: y\n", true),
        ("", false),
    ])
    func detectsMailboxes(_ text: String, _ expected: Bool) {
        #expect(Mailbox.isMailbox(bytes(text)) == expected)
    }

    @Test func emptyAndSingleMessageInput() {
        #expect(Mailbox.split(mbox: []).isEmpty)
        let one = bytes("From: a@example.org\n\nbody\n")
        #expect(Mailbox.split(mbox: one).map { Array($0) } == [one])
    }

    @Test func splitsManyMessages() throws {
        var input: [UInt8] = []
        for n in 0..<10_000 {
            input += bytes(
                "From sender@example.org Sat Aug 20 09:14:02 2016\nReceived: from h\(n) by mx; Sat, 20 Aug 2016 09:14:02 +0000\nSubject: \(n)\n\nbody \(n)\n\n"
            )
        }
        let messages = Mailbox.split(mbox: input)
        #expect(messages.count == 10_000)
        #expect(try MessageIntake.read(messages[9_999]).chains[0].headers.first("Subject")?.value == "9999")
    }

    @Test func listsMaildirFiles() throws {
        let fm = FileManager.default
        let root = fm.temporaryDirectory.appendingPathComponent("hoptrace-maildir-\(UUID().uuidString)").path
        defer { try? fm.removeItem(atPath: root) }
        for sub in ["cur", "new", "tmp"] {
            try fm.createDirectory(atPath: root + "/" + sub, withIntermediateDirectories: true)
        }
        let files = [
            "cur/1471684442.M1P1.host:2,S", "new/1471684443.M2P2.host", "cur/1471684441.M0P0.host:2,", "tmp/ignored",
            "cur/.hidden",
        ]
        for f in files { try Data("From: a@example.org\n\n".utf8).write(to: URL(fileURLWithPath: root + "/" + f)) }
        #expect(Mailbox.isMaildir(at: root))
        #expect(
            try Mailbox.maildirFiles(at: root) == [
                root + "/cur/1471684441.M0P0.host:2,",
                root + "/cur/1471684442.M1P1.host:2,S",
                root + "/new/1471684443.M2P2.host",
            ])
        #expect(throws: MaildirError.self) { try Mailbox.maildirFiles(at: root + "/cur/nonexistent") }
        #expect(throws: MaildirError.self) { try Mailbox.maildirFiles(at: root + "/tmp") }
    }
}
