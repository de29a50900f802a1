import Foundation
import HopTraceCore
import Testing

@testable import HopTraceMessage

/// `MessageSource`: a file, an mbox and a Maildir as labelled messages, and the inputs that
/// cannot be read as typed errors.
@Suite struct MessageSourceTests {
    static func folder() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hoptrace-source-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.path
    }

    static let message = Array("Received: from a by b; Mon, 3 Feb 2025 10:00:05 +0000\nSubject: x\n\nbody\n".utf8)

    @Test func aFileIsOneMessageLabelledWithItsPath() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/m.eml"
        try Data(Self.message).write(to: URL(fileURLWithPath: path))
        let source = try MessageSource(path: path)
        #expect(source.form == .message(Self.message))
        #expect(source.messages.map(\.label) == [path])
        #expect(try source.messages[0].read().get() == Self.message[...])
    }

    @Test func anMboxIsItsMessagesLabelledByPosition() {
        let mbox = Array(
            "From a@example.org Sat Aug 20 09:14:02 2016\nSubject: one\n\nx\n\nFrom b@example.org Sat Aug 20 09:15:02 2016\nSubject: two\n\ny\n"
                .utf8)
        let source = MessageSource(path: "-", bytes: mbox)
        #expect(source.form == .mbox)
        #expect(source.name == "standard input")
        #expect(source.messages.map(\.label) == ["1", "2"])
    }

    /// A Maildir's files in path order, each read when asked; one that cannot be read is that
    /// message's error, with the reason alone (the label is the path).
    @Test func aMaildirIsItsFilesReadOneAtATime() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for sub in ["cur", "new", "tmp"] {
            try FileManager.default.createDirectory(atPath: dir + "/" + sub, withIntermediateDirectories: true)
        }
        try Data(Self.message).write(to: URL(fileURLWithPath: dir + "/new/2"))
        try Data(Self.message).write(to: URL(fileURLWithPath: dir + "/cur/1"))
        try Data(Self.message).write(to: URL(fileURLWithPath: dir + "/cur/.hidden"))
        try Data(Self.message).write(to: URL(fileURLWithPath: dir + "/tmp/3"))
        let source = try MessageSource(path: dir)
        #expect(source.form == .maildir)
        #expect(source.messages.map(\.label) == [dir + "/cur/1", dir + "/new/2"])
        try FileManager.default.removeItem(atPath: dir + "/new/2")
        #expect(try source.messages[0].read().get() == Self.message[...])
        guard case .failure(let error) = source.messages[1].read() else {
            Issue.record("a removed file was read")
            return
        }
        #expect(error.description == "cannot be opened for reading")
    }

    @Test func inputsThatCannotBeReadAreTypedErrors() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: InputError(.noSuchFile, name: dir + "/none")) { try MessageSource(path: dir + "/none") }
        #expect {
            try MessageSource(path: dir)
        } throws: { error in
            guard let error = error as? InputError, case .notMaildir = error.kind else { return false }
            return error.description.hasPrefix("\(dir): not a Maildir (")
        }
    }
}
