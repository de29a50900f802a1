import HopTraceCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The messages of one input a command names: a message file, an mbox mailbox, a Maildir
/// folder, or standard input ("-"), told apart by what is there (a folder is a Maildir; a file
/// or standard input is an mbox when `Mailbox.isMailbox` says so).
///
/// A file (or standard input redirected from one) of at most `Limits.maxInputBytes` is read
/// whole; a larger one that starts with an mbox From line is mapped (`MappedFile`) and split in
/// one pass, and each message is copied out when its turn comes, its pages then given back, so
/// memory follows one message (and the index of 8 bytes per message), not the file. A larger
/// file that is not an mbox, and a pipe of more than `Limits.maxInputBytes`, are refused.
/// Each message is bounded by `Limits.maxInputBytes`: a larger one is that message's error and
/// the others go on. At most `Limits.maxMailboxMessages` messages are taken from an mbox or a
/// Maildir; when there are more, one last entry says so. A Maildir's files are read one at a
/// time, when their message is (`SourceMessage.read`).
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
    public let messages: Messages

    /// The path, or "standard input" for "-".
    public var name: String { Self.name(path) }

    public static func name(_ path: String) -> String { path == "-" ? "standard input" : path }

    /// How every output names a message of this input: an mbox message as `FILE:N` (its input as
    /// named and its 1-based position), a Maildir file by its path, a single message by the
    /// input's name. `own` is the message's `SourceMessage.label`.
    public func label(_ own: String) -> String {
        form == .mbox ? "\(path):\(own)" : own
    }

    /// Reads `path` ("-": standard input) or lists the Maildir there.
    public init(path: String) throws(InputError) {
        if path == "-" {
            self = try Self.open(STDIN_FILENO, path: path)
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
            var list = files.prefix(Limits.maxMailboxMessages).map { SourceMessage(label: $0, content: .file($0)) }
            if files.count > Limits.maxMailboxMessages {
                list.append(
                    SourceMessage(label: files[Limits.maxMailboxMessages], content: .unreadable(Messages.tooMany)))
            }
            self.init(path: path, form: .maildir, messages: Messages(.list(list)))
        case .other:
            guard let fd = FileDescriptor.openForReading(path) else {
                throw InputError(.cannotOpen(SystemError(code: errno)), name: path)
            }
            defer { close(fd) }
            self = try Self.open(fd, path: path)
        }
    }

    /// The input open at `fd`: read whole, or mapped when it is a regular file too large to be
    /// one message.
    private static func open(_ fd: Int32, path: String) throws(InputError) -> MessageSource {
        guard let size = FileInput.regularFileSize(fd), size > Limits.maxInputBytes else {
            return MessageSource(path: path, bytes: try FileInput.readBounded(fd, name: name(path)))
        }
        let file = try MappedFile(fd: fd, count: size, name: name(path))
        guard Mailbox.isMailbox(file.buffer) else {
            throw InputError(.tooLarge(limit: Limits.maxInputBytes), name: name(path))
        }
        let index = Mailbox.index(file.buffer) { file.release(0..<$0) }
        file.release(0..<size)
        return MessageSource(path: path, form: .mbox, messages: Messages(.mapped(file, index)))
    }

    /// A message or an mbox already read (`path` names it).
    public init(path: String, bytes: [UInt8]) {
        if Mailbox.isMailbox(bytes) {
            self.init(path: path, form: .mbox, messages: Self.mboxMessages(bytes))
        } else {
            self.init(
                path: path, form: .message(bytes),
                messages: Messages(.list([SourceMessage(label: Self.name(path), content: .bytes(bytes[...]))])))
        }
    }

    private init(path: String, form: Form, messages: Messages) {
        self.path = path
        self.form = form
        self.messages = messages
    }

    /// An mbox's messages (`Mailbox.index`), labelled with their 1-based position.
    public static func mbox(_ bytes: [UInt8]) -> [SourceMessage] {
        Array(mboxMessages(bytes))
    }

    static func mboxMessages(_ bytes: [UInt8]) -> Messages {
        Messages(.array(bytes, bytes.withUnsafeBufferPointer { Mailbox.index($0) }))
    }

    /// The messages of a source, made one at a time from an mbox's index (8 bytes a message)
    /// or listed (a Maildir's files, one message).
    public struct Messages: RandomAccessCollection, Sendable {
        enum Storage: Sendable {
            case list([SourceMessage])
            case array([UInt8], Mailbox.Index)
            case mapped(MappedFile, Mailbox.Index)
        }

        static let tooMany = "more than \(Limits.maxMailboxMessages) messages in the mailbox; the rest were not read"

        let storage: Storage

        init(_ storage: Storage) { self.storage = storage }

        public var startIndex: Int { 0 }

        public var endIndex: Int {
            switch storage {
            case .list(let list): list.count
            case .array(_, let index), .mapped(_, let index): index.starts.count + (index.truncated ? 1 : 0)
            }
        }

        public subscript(position: Int) -> SourceMessage {
            switch storage {
            case .list(let list):
                return list[position]
            case .array(let bytes, let index):
                if position == index.starts.count {
                    return SourceMessage(label: String(position + 1), content: .unreadable(Self.tooMany))
                }
                return SourceMessage(label: String(position + 1), content: .bytes(bytes[index.range(position)]))
            case .mapped(let file, let index):
                if position == index.starts.count {
                    return SourceMessage(label: String(position + 1), content: .unreadable(Self.tooMany))
                }
                return SourceMessage(label: String(position + 1), content: .mapped(file, index.range(position)))
            }
        }
    }
}

/// One message of a `MessageSource`: its label and its bytes, or where to read them from.
public struct SourceMessage: Sendable {
    /// The Maildir file's path; an mbox message's 1-based position; for a single message, the
    /// input's name.
    public let label: String
    let content: Content

    enum Content: Sendable {
        case bytes(ArraySlice<UInt8>)
        case file(String)
        /// A range of a mapped mbox, copied out when read.
        case mapped(MappedFile, Range<Int>)
        /// Not read, for this reason.
        case unreadable(String)
    }

    /// The message's bytes; a Maildir file that cannot be read or an mbox message larger than
    /// `Limits.maxInputBytes` is an `IntakeError` with the reason (the label names the message).
    public func read() -> Result<ArraySlice<UInt8>, IntakeError> {
        switch content {
        case .bytes(let bytes):
            return .success(bytes)
        case .file(let path):
            do {
                return .success(try FileInput.read(path)[...])
            } catch {
                return .failure(IntakeError(error.reason))
            }
        case .mapped(let file, let range):
            guard range.count <= Limits.maxInputBytes else {
                return .failure(
                    IntakeError(
                        "message is larger than \(Limits.maxInputBytes / (1024 * 1024)) MiB, the limit for one message")
                )
            }
            return .success(file.copy(range)[...])
        case .unreadable(let why):
            return .failure(IntakeError(why))
        }
    }
}
