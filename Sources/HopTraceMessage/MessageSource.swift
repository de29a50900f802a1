#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import HopTraceCore

/// The messages of one input a command names: a message file, an mbox mailbox, a Maildir
/// folder, or standard input ("-"), told apart by what is there (a folder is a Maildir; a file
/// or standard input is an mbox when `Mailbox.isMailbox` says so). A file is read whole, at
/// most `Limits.maxInputBytes`; at most `Limits.maxMailboxMessages` messages are taken from an
/// mbox or a Maildir. A Maildir's files are read one at a time, when their message is
/// (`SourceMessage.read`), so only the message at hand is in memory.
public struct MessageSource: Sendable {
    public enum Form: Sendable, Hashable {
        /// One message, these bytes (also the one element of `messages`).
        case message([UInt8])
        case mbox
        case maildir
    }

    /// The input as named ("-": standard input).
    public let path: String
    public let form: Form
    /// In input order: an mbox's from its start, a Maildir's sorted by path.
    public let messages: [SourceMessage]

    /// The path, or "standard input" for "-".
    public var name: String { Self.name(path) }

    public static func name(_ path: String) -> String { path == "-" ? "standard input" : path }

    /// Reads `path` ("-": standard input) or lists the Maildir there.
    public init(path: String) throws(InputError) {
        if path == "-" {
            self.init(path: path, bytes: try FileInput.readBounded(STDIN_FILENO, name: Self.name(path)))
            return
        }
        switch PathKind.of(path) {
        case nil:
            throw InputError(.noSuchFile, name: path)
        case .directory:
            let files: [String]
            do {
                files = try Mailbox.maildirFiles(at: path)
            } catch {
                throw InputError(.notMaildir(error.description), name: path)
            }
            self.init(path: path, form: .maildir,
                      messages: files.prefix(Limits.maxMailboxMessages).map { SourceMessage(label: $0, content: .file($0)) })
        case .other:
            self.init(path: path, bytes: try FileInput.read(path))
        }
    }

    /// A message or an mbox already read (`path` names it).
    public init(path: String, bytes: [UInt8]) {
        if Mailbox.isMailbox(bytes) {
            self.init(path: path, form: .mbox, messages: Self.mbox(bytes))
        } else {
            self.init(path: path, form: .message(bytes), messages: [SourceMessage(label: Self.name(path), content: .bytes(bytes[...]))])
        }
    }

    private init(path: String, form: Form, messages: [SourceMessage]) {
        self.path = path
        self.form = form
        self.messages = messages
    }

    /// An mbox's messages (`Mailbox.split`), labelled with their 1-based position.
    public static func mbox(_ bytes: [UInt8]) -> [SourceMessage] {
        Mailbox.split(mbox: bytes).enumerated().map { SourceMessage(label: String($0.offset + 1), content: .bytes($0.element)) }
    }
}

/// One message of a `MessageSource`: its label and its bytes, or the Maildir file to read
/// them from.
public struct SourceMessage: Sendable {
    /// The Maildir file's path; an mbox message's 1-based position; for a single message, the
    /// input's name.
    public let label: String
    let content: Content

    enum Content: Sendable {
        case bytes(ArraySlice<UInt8>)
        case file(String)
    }

    /// The message's bytes; a Maildir file that cannot be read (at most
    /// `Limits.maxInputBytes`) is an `IntakeError` with the reason (the label names the file).
    public func read() -> Result<ArraySlice<UInt8>, IntakeError> {
        switch content {
        case let .bytes(bytes):
            return .success(bytes)
        case let .file(path):
            do {
                return .success(try FileInput.read(path)[...])
            } catch {
                return .failure(IntakeError(error.reason))
            }
        }
    }
}
