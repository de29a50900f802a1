import HopTraceCore
import HopTraceMessage
import HopTraceReport

/// Whole inputs for the commands ("-": standard input), with `FileInput`'s errors as exit codes.
enum InputReader {
    /// A whole file ("-": standard input), at most `Limits.maxInputBytes`.
    static func readFile(_ path: String) throws -> [UInt8] {
        if path == "-" { return try readBounded(FileDescriptor.standardInput, name: MessageSource.name(path)) }
        do {
            return try FileInput.read(path)
        } catch {
            throw CommandFailure(error)
        }
    }

    /// Reads `fd` to its end; more than `limit` bytes is bad input (65), a failing read an I/O
    /// error (74). `read` is `read(2)` but for tests.
    static func readBounded(
        _ fd: Int32, name: String, limit: Int = Limits.maxInputBytes,
        using read: FileDescriptor.ReadCall = FileDescriptor.systemRead
    ) throws -> [UInt8] {
        do {
            return try FileInput.readBounded(fd, name: name, limit: limit, using: read)
        } catch {
            throw CommandFailure(error)
        }
    }

    /// One file of a Maildir, as `SourceMessage.read` reads it: the reason alone when it
    /// cannot be read (the path labels the message).
    static func readMessageFile(_ file: String) -> Result<[UInt8], IntakeError> {
        Result { () throws(InputError) in try FileInput.read(file) }.mapError { IntakeError($0.reason) }
    }

    /// The messages of `path` ("-": standard input): a message, an mbox or a Maildir.
    static func messages(_ path: String) throws -> MessageSource {
        do {
            return try MessageSource(path: path)
        } catch {
            throw CommandFailure(error)
        }
    }
}

extension CommandFailure {
    /// An input read whole that is not mail (65): the message names the input, says what it
    /// looks like when its first bytes tell, and what to give instead.
    init(notMail error: any Error, name: String) {
        let advice =
            "give the message's raw source (headers first, as saved with \"Save as .eml\" or \"Show original\")"
        let message: String
        if let intake = error as? IntakeError, let content = intake.content {
            message = "\(name) looks like \(content), not a mail message: \(advice)"
        } else if let intake = error as? IntakeError, intake.message == IntakeError.empty {
            message = "\(name): empty input, no message in it: \(advice)"
        } else {
            message = "\(name): \(error): \(advice)"
        }
        self.init(message: message, code: Exit.unreadableInput)
    }

    /// An input that cannot be read: too large is bad input (65), the rest I/O errors (74).
    init(_ error: InputError) {
        switch error.kind {
        case .tooLarge, .lineTooLong:
            self.init(message: error.description, code: Exit.unreadableInput)
        default:
            self.init(message: error.description, code: Exit.ioError)
        }
    }
}

/// Standard output for large outputs, written straight from the bytes (no copy). A failing
/// write is an I/O error (74) with the system's reason.
enum StandardOutput {
    static func write(_ bytes: ArraySlice<UInt8>) throws {
        try bytes.withUnsafeBytes { raw in try write(raw) }
    }

    static func write(_ text: String) throws {
        var text = text
        try text.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
    }

    /// Each of `pieces` in turn, gathered into as few system calls as they fit in.
    static func write(_ pieces: [UnsafeRawBufferPointer]) throws {
        do {
            try FileDescriptor.writeAll(pieces, to: FileDescriptor.standardOutput)
        } catch {
            throw CommandFailure(message: "standard output: \(error)", code: Exit.ioError)
        }
    }

    static func write(_ raw: UnsafeRawBufferPointer) throws {
        do {
            try FileDescriptor.writeAll(raw, to: FileDescriptor.standardOutput)
        } catch {
            throw CommandFailure(message: "standard output: \(error)", code: Exit.ioError)
        }
    }
}

/// Standard error, for warnings, progress and the last error: when writing there fails, there
/// is nowhere left to say so, and the exit status still tells.
enum StandardError {
    static func write(_ text: String) {
        var text = text
        text.withUTF8 { try? FileDescriptor.writeAll(UnsafeRawBufferPointer($0), to: FileDescriptor.standardError) }
    }
}
