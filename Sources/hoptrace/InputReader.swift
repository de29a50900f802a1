#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import HopTraceCore
import HopTraceMessage
import HopTraceReport

/// File I/O for the commands: reads a file, standard input, an mbox or a Maildir, bounded by
/// `Limits.maxInputBytes`.
enum InputReader {
    enum Input {
        case message([UInt8])
        /// An mbox file's bytes.
        case mbox([UInt8])
        /// The message files of a Maildir.
        case maildir([String])
    }

    static func read(_ path: String) throws -> Input {
        if path == "-" {
            return try classify(readBounded(STDIN_FILENO, name: "standard input"))
        }
        switch PathKind.of(path) {
        case nil:
            throw CommandFailure(message: "\(path): no such file", code: Exit.ioError)
        case .directory:
            do {
                return .maildir(try Mailbox.maildirFiles(at: path))
            } catch let error as MaildirError {
                throw CommandFailure(message: "\(path): not a Maildir (\(error))", code: Exit.ioError)
            } catch {
                throw CommandFailure(message: "\(path): not a Maildir (\(SystemError.reason(error)))", code: Exit.ioError)
            }
        case .other:
            return try classify(readFile(path))
        }
    }

    static func classify(_ bytes: [UInt8]) -> Input {
        Mailbox.isMailbox(bytes) ? .mbox(bytes) : .message(bytes)
    }

    /// A whole file ("-": standard input), at most `Limits.maxInputBytes`.
    static func readFile(_ path: String) throws -> [UInt8] {
        if path == "-" { return try readBounded(STDIN_FILENO, name: "standard input") }
        guard let fd = FileDescriptor.openForReading(path) else {
            throw CommandFailure(message: "\(path): cannot be opened for reading", code: Exit.ioError)
        }
        defer { close(fd) }
        return try readBounded(fd, name: path)
    }

    /// Reads `fd` to its end; more than `limit` bytes is bad input (65), a failing read an I/O
    /// error (74). `read` is `read(2)` but for tests.
    static func readBounded(_ fd: Int32, name: String, limit: Int = Limits.maxInputBytes,
                            using read: FileDescriptor.ReadCall = FileDescriptor.systemRead) throws -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = 1 << 20
        // A regular file says its size: one allocation instead of doubling through a large
        // mailbox, and no chunk larger than the file.
        var status = stat()
        if fstat(fd, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG, status.st_size > 0 {
            let expected = min(Int(status.st_size), limit) + 1
            bytes.reserveCapacity(expected)
            chunk = min(chunk, expected)
        }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 1)
        defer { buffer.deallocate() }
        while true {
            let n: Int
            do {
                n = try FileDescriptor.readSome(fd, into: buffer, using: read)
            } catch {
                throw CommandFailure(message: "\(name): read failed: \(error)", code: Exit.ioError)
            }
            if n == 0 { break }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[..<n]))
            if bytes.count > limit {
                throw CommandFailure(
                    message: "\(name): input is larger than \(limit / (1024 * 1024)) MiB, the limit for one input file",
                    code: Exit.unreadableInput)
            }
        }
        return bytes
    }

    /// Reads one file of a Maildir; nil with the reason when it cannot be read.
    static func readMessageFile(_ file: String) -> Result<[UInt8], IntakeError> {
        guard let fd = FileDescriptor.openForReading(file) else {
            return .failure(IntakeError("cannot be opened for reading"))
        }
        defer { close(fd) }
        do {
            return .success(try readBounded(fd, name: file))
        } catch let failure as CommandFailure {
            return .failure(IntakeError(failure.message))
        } catch {
            return .failure(IntakeError("\(error)"))
        }
    }
}

/// Files and the standard streams through plain POSIX calls. `FileHandle` is in full
/// Foundation only, whose libraries (libFoundation, libFoundationInternationalization and ICU)
/// cost ~2.4 ms at every start on Linux; the executable uses FoundationEssentials instead.
enum FileDescriptor {
    /// `read(2)` and `write(2)`: parameters so that tests can make them transfer less than
    /// asked, or fail with EINTR, which real files rarely do on demand.
    typealias ReadCall = (Int32, UnsafeMutableRawPointer?, Int) -> Int
    typealias WriteCall = (Int32, UnsafeRawPointer?, Int) -> Int

    static func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
        read(fd, buffer, count)
    }

    static func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
        write(fd, buffer, count)
    }

    /// `path` opened read-only (not inherited by child processes), again when a signal
    /// interrupts the call; nil when it cannot be opened.
    static func openForReading(_ path: String) -> Int32? {
        while true {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            if fd >= 0 { return fd }
            if errno != EINTR { return nil }
        }
    }

    /// One read into `buffer`, again when a signal interrupts it before any byte arrived: the
    /// number of bytes read, 0 at the end of the file.
    static func readSome(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer,
                         using read: ReadCall = systemRead) throws(SystemError) -> Int {
        while true {
            let n = read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            if errno != EINTR { throw SystemError(code: errno) }
        }
    }

    /// Writes all of `bytes`: `write(2)` may take only part of them (a pipe, a signal in
    /// between), so it is called until the rest is written, and again after EINTR.
    static func writeAll(_ bytes: UnsafeRawBufferPointer, to fd: Int32,
                         using write: WriteCall = systemWrite) throws(SystemError) {
        var offset = 0
        while offset < bytes.count {
            let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw SystemError(code: errno)
            }
            offset += n
        }
    }
}

/// A failed system call's `errno`, described in the system's words (`strerror`).
struct SystemError: Error, CustomStringConvertible {
    var code: Int32
    var description: String { String(cString: strerror(code)) }

    /// Why a FoundationEssentials file operation failed: the POSIX reason it carries
    /// (`No such file or directory`), else the error as it describes itself. Full Foundation's
    /// `localizedDescription` is not there.
    static func reason(_ error: any Error) -> String {
        if let posix = error as? POSIXError { return SystemError(code: posix.code.rawValue).description }
        if let cocoa = error as? CocoaError, let posix = cocoa.underlying as? POSIXError {
            return SystemError(code: posix.code.rawValue).description
        }
        return "\(error)"
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

    private static func write(_ raw: UnsafeRawBufferPointer) throws {
        do {
            try FileDescriptor.writeAll(raw, to: STDOUT_FILENO)
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
        text.withUTF8 { try? FileDescriptor.writeAll(UnsafeRawBufferPointer($0), to: STDERR_FILENO) }
    }
}

/// Bytes bound for standard output, written out whenever `threshold` bytes have gathered: a
/// long batch streams in chunks instead of holding its whole output.
struct OutputBuffer {
    var bytes: [UInt8] = []
    let threshold: Int

    init(threshold: Int) {
        self.threshold = threshold
        bytes.reserveCapacity(threshold)
    }

    mutating func flushIfFull() throws {
        if bytes.count >= threshold { try flush() }
    }

    mutating func flush() throws {
        try StandardOutput.write(bytes[...])
        bytes.removeAll(keepingCapacity: true)
    }
}
