import Foundation
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
            return try classify(readBounded(FileHandle.standardInput, name: "standard input"))
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CommandFailure(message: "\(path): no such file", code: Exit.ioError)
        }
        if isDirectory.boolValue {
            do {
                return .maildir(try Mailbox.maildirFiles(at: path))
            } catch {
                throw CommandFailure(message: "\(path): not a Maildir (\(error))", code: Exit.ioError)
            }
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CommandFailure(message: "\(path): cannot be opened for reading", code: Exit.ioError)
        }
        defer { try? handle.close() }
        return try classify(readBounded(handle, name: path))
    }

    static func classify(_ bytes: [UInt8]) -> Input {
        Mailbox.isMailbox(bytes) ? .mbox(bytes) : .message(bytes)
    }

    static func readBounded(_ handle: FileHandle, name: String) throws -> [UInt8] {
        var bytes: [UInt8] = []
        // A regular file says its size: one allocation instead of doubling through a large mailbox.
        var status = stat()
        if fstat(handle.fileDescriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG, status.st_size > 0 {
            bytes.reserveCapacity(min(Int(status.st_size), Limits.maxInputBytes) + 1)
        }
        while true {
            let chunk: Data?
            do {
                chunk = try handle.read(upToCount: 1 << 20)
            } catch {
                throw CommandFailure(message: "\(name): read failed: \(error.localizedDescription)", code: Exit.ioError)
            }
            guard let chunk, !chunk.isEmpty else { break }
            bytes.append(contentsOf: chunk)
            if bytes.count > Limits.maxInputBytes {
                throw CommandFailure(
                    message: "\(name): input is larger than \(Limits.maxInputBytes / (1024 * 1024)) MiB, the limit for one input file",
                    code: Exit.unreadableInput)
            }
        }
        return bytes
    }

    /// Reads one file of a Maildir; nil with the reason when it cannot be read.
    static func readMessageFile(_ file: String) -> Result<[UInt8], IntakeError> {
        guard let handle = FileHandle(forReadingAtPath: file) else {
            return .failure(IntakeError("cannot be opened for reading"))
        }
        defer { try? handle.close() }
        do {
            return .success(try readBounded(handle, name: file))
        } catch let failure as CommandFailure {
            return .failure(IntakeError(failure.message))
        } catch {
            return .failure(IntakeError("\(error)"))
        }
    }
}

/// Standard output for large outputs, written straight from the bytes (no `Data` copy).
enum StandardOutput {
    static func write(_ bytes: ArraySlice<UInt8>) throws {
        try bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(STDOUT_FILENO, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw CommandFailure(message: "standard output: \(String(cString: strerror(errno)))", code: Exit.ioError)
                }
                offset += n
            }
        }
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
