#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole inputs read through plain POSIX calls, bounded: a message file, standard input, a
/// zone file, a resolv.conf. One reader for every target that reads files (no Foundation).
public enum FileInput {
    /// The file at `path`, at most `limit` bytes.
    public static func read(_ path: String, limit: Int = Limits.maxInputBytes) throws(InputError) -> [UInt8] {
        guard let fd = FileDescriptor.openForReading(path) else {
            throw InputError(.cannotOpen(SystemError(code: errno)), name: path)
        }
        defer { close(fd) }
        return try readBounded(fd, name: path, limit: limit)
    }

    /// Reads `fd` to its end. More than `limit` bytes is `tooLarge`: a regular file that says
    /// it is larger is refused before it is read, other input (a pipe) once `limit` is passed.
    /// `read` is `read(2)` but for tests.
    public static func readBounded(
        _ fd: Int32, name: String, limit: Int = Limits.maxInputBytes,
        using read: FileDescriptor.ReadCall = FileDescriptor.systemRead
    ) throws(InputError) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = 1 << 20
        // A regular file says its size: it is read straight into an array of that size (one
        // allocation, no copy through a chunk), one byte more so that the end shows. Only a
        // file that grew meanwhile goes on in chunks.
        var status = stat()
        if fstat(fd, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG, status.st_size > 0 {
            if Int(status.st_size) > limit { throw InputError(.tooLarge(limit: limit), name: name) }
            let expected = Int(status.st_size) + 1
            var failure: SystemError?
            bytes = [UInt8](unsafeUninitializedCapacity: expected) { buffer, count in
                HugePages.advise(UnsafeMutableRawBufferPointer(buffer))
                while count < expected {
                    do throws(SystemError) {
                        let n = try FileDescriptor.readSome(
                            fd,
                            into: UnsafeMutableRawBufferPointer(UnsafeMutableBufferPointer(rebasing: buffer[count...])),
                            using: read)
                        if n == 0 { return }
                        count += n
                    } catch {
                        failure = error
                        return
                    }
                }
            }
            if let failure { throw InputError(.readFailed(failure), name: name) }
            if bytes.count < expected { return bytes }
            if bytes.count > limit { throw InputError(.tooLarge(limit: limit), name: name) }
            chunk = min(chunk, expected)
        }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 1)
        defer { buffer.deallocate() }
        while true {
            let n: Int
            do {
                n = try FileDescriptor.readSome(fd, into: buffer, using: read)
            } catch {
                throw InputError(.readFailed(error), name: name)
            }
            if n == 0 { break }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[..<n]))
            if bytes.count > limit { throw InputError(.tooLarge(limit: limit), name: name) }
        }
        return bytes
    }
}

/// A regular file mapped read-only, for inputs larger than one message may be (an mbox of
/// several GB): its pages are read when touched and can be given back (`release`), so memory
/// follows the part being read, not the file.
///
/// `@unchecked Sendable`: the mapping is `PROT_READ` and `MAP_PRIVATE`, never written and only
/// unmapped in `deinit`; `release` drops pages that the kernel refills from the file on the
/// next read, so concurrent readers always see the file's bytes.
public final class MappedFile: @unchecked Sendable {
    private let base: UnsafeMutableRawPointer?
    public let count: Int
    private static let pageSize = max(4096, Int(sysconf(Int32(_SC_PAGESIZE))))

    /// Maps the regular file open at `fd` (`count` bytes, from `fstat`); `name` labels errors.
    public init(fd: Int32, count: Int, name: String) throws(InputError) {
        self.count = count
        guard count > 0 else {
            base = nil
            return
        }
        let p = mmap(nil, count, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let p, p != MAP_FAILED else { throw InputError(.readFailed(SystemError(code: errno)), name: name) }
        base = p
    }

    deinit {
        if let base { munmap(base, count) }
    }

    /// The file's bytes.
    public var buffer: UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: base?.assumingMemoryBound(to: UInt8.self), count: base == nil ? 0 : count)
    }

    /// A copy of `range`, whose pages are then given back with those around it: a page fault
    /// maps the cached pages near it as well (Linux "fault-around", 64 KiB by default), and
    /// those would otherwise stay counted.
    public func copy(_ range: Range<Int>) -> [UInt8] {
        let bytes = Array(UnsafeBufferPointer(rebasing: buffer[range.clamped(to: 0..<count)]))
        release(max(0, range.lowerBound - Self.faultAround)..<min(count, range.upperBound + Self.faultAround))
        return bytes
    }

    /// Twice Linux's default fault-around window.
    private static let faultAround = 128 << 10

    /// Gives back every page that holds a byte of `range` (`MADV_DONTNEED`): they no longer
    /// count towards the process's memory and are read from the file again when touched (also
    /// by a reader of the neighbouring bytes on another thread).
    public func release(_ range: Range<Int>) {
        guard let base else { return }
        let r = range.clamped(to: 0..<count)
        guard !r.isEmpty else { return }
        let first = r.lowerBound / Self.pageSize * Self.pageSize
        let last = (r.upperBound + Self.pageSize - 1) / Self.pageSize * Self.pageSize
        guard last > first else { return }
        _ = madvise(base + first, last - first, Int32(MADV_DONTNEED))
    }
}

extension FileInput {
    /// The size of the regular file open at `fd`; nil for anything else (a pipe, a terminal).
    public static func regularFileSize(_ fd: Int32) -> Int? {
        var status = stat()
        guard fstat(fd, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int(status.st_size)
    }
}

/// An input the user named that cannot be read. The command line's exit code: `tooLarge` is
/// input unreadable as mail (65), every other kind an I/O error (74).
public struct InputError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// Nothing is at the path.
        case noSuchFile
        /// A folder that is not a Maildir (no `cur/` or `new/`), or cannot be listed.
        case notMaildir(String)
        case cannotOpen(SystemError)
        case readFailed(SystemError)
        /// More than `limit` bytes.
        case tooLarge(limit: Int)
        /// A line of more than `limit` bytes in an input read line by line.
        case lineTooLong(limit: Int)
    }

    public var kind: Kind
    /// The path, or "standard input".
    public var name: String

    public init(_ kind: Kind, name: String) {
        self.kind = kind
        self.name = name
    }

    /// What is wrong, without the name: where the name is said already (a Maildir file's
    /// path labels its entry).
    public var reason: String {
        switch kind {
        case .noSuchFile: "no such file"
        case .notMaildir(let why):
            "not a Maildir (\(why)); a folder is read as a Maildir with cur/ and new/: name the message files instead"
        case .cannotOpen: "cannot be opened for reading"
        case .readFailed(let error): "read failed: \(error)"
        case .tooLarge(let limit): "input is larger than \(limit / (1024 * 1024)) MiB, the limit for one input file"
        case .lineTooLong(let limit): "a line is longer than \(limit / (1024 * 1024)) MiB, the limit for one line"
        }
    }

    public var description: String { "\(name): \(reason)" }
}

/// Files and the standard streams through plain POSIX calls. `FileHandle` is in full
/// Foundation only, whose libraries (libFoundation, libFoundationInternationalization and ICU)
/// cost ~2.4 ms at every start on Linux; the executable uses FoundationEssentials instead.
public enum FileDescriptor {
    /// The standard streams.
    public static let standardInput = STDIN_FILENO
    public static let standardOutput = STDOUT_FILENO
    public static let standardError = STDERR_FILENO

    /// `read(2)` and `write(2)`: parameters so that tests can make them transfer less than
    /// asked, or fail with EINTR, which real files rarely do on demand.
    public typealias ReadCall = (Int32, UnsafeMutableRawPointer?, Int) -> Int
    public typealias WriteCall = (Int32, UnsafeRawPointer?, Int) -> Int

    public static func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
        read(fd, buffer, count)
    }

    public static func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
        write(fd, buffer, count)
    }

    /// `writev(2)`, a parameter for the same reason as `WriteCall`.
    public typealias WritevCall = (Int32, UnsafePointer<iovec>?, Int32) -> Int

    public static func systemWritev(_ fd: Int32, _ pieces: UnsafePointer<iovec>?, _ count: Int32) -> Int {
        writev(fd, pieces, count)
    }

    /// The most pieces one `writev(2)` call takes (the system's IOV_MAX, 1024 on Linux).
    public static let piecesPerCall = 1024

    /// `path` opened read-only (not inherited by child processes), again when a signal
    /// interrupts the call; nil when it cannot be opened (`errno` says why).
    public static func openForReading(_ path: String) -> Int32? {
        while true {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            if fd >= 0 { return fd }
            if errno != EINTR { return nil }
        }
    }

    /// One read into `buffer`, again when a signal interrupts it before any byte arrived: the
    /// number of bytes read, 0 at the end of the file.
    public static func readSome(
        _ fd: Int32, into buffer: UnsafeMutableRawBufferPointer,
        using read: ReadCall = systemRead
    ) throws(SystemError) -> Int {
        while true {
            let n = read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            if errno != EINTR { throw SystemError(code: errno) }
        }
    }

    /// Writes all of `bytes`: `write(2)` may take only part of them (a pipe, a signal in
    /// between), so it is called until the rest is written, and again after EINTR.
    public static func writeAll(
        _ bytes: UnsafeRawBufferPointer, to fd: Int32,
        using write: WriteCall = systemWrite
    ) throws(SystemError) {
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

extension FileDescriptor {
    /// Writes `pieces` one after another, gathered up to `piecesPerCall` at a time into one
    /// `writev(2)` call (a mailbox's output is one piece per message: one `write(2)` each was
    /// 10,000 system calls for 10,000 messages). A call may take only part of what it was
    /// given: the rest goes in the next, and a call interrupted by a signal is made again.
    public static func writeAll(
        _ pieces: [UnsafeRawBufferPointer], to fd: Int32, using call: WritevCall = systemWritev
    ) throws(SystemError) {
        var vectors = pieces.compactMap { piece -> iovec? in
            guard let base = piece.baseAddress, piece.count > 0 else { return nil }
            return iovec(iov_base: UnsafeMutableRawPointer(mutating: base), iov_len: piece.count)
        }
        var next = 0
        while next < vectors.count {
            let count = min(piecesPerCall, vectors.count - next)
            let n = vectors.withUnsafeBufferPointer { call(fd, $0.baseAddress! + next, Int32(count)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw SystemError(code: errno)
            }
            // Past the pieces written whole; into the one written in part.
            var written = n
            while next < vectors.count, written >= vectors[next].iov_len {
                written -= vectors[next].iov_len
                next += 1
            }
            if written > 0, next < vectors.count {
                vectors[next].iov_base += written
                vectors[next].iov_len -= written
            }
        }
    }
}

/// A failed system call's `errno`, described in the system's words (`strerror`).
public struct SystemError: Error, Sendable, Hashable, CustomStringConvertible {
    public var code: Int32
    public init(code: Int32) { self.code = code }
    public var description: String { String(cString: strerror(code)) }
}

extension FileInput {
    /// Hands each line of `fd` (without its LF) to `body`, reading `chunk` bytes at a time, so
    /// memory follows the longest line, not the input. A line longer than `maxLine` bytes is
    /// `lineTooLong`. The last line needs no LF.
    public static func forEachLine(
        _ fd: Int32, name: String, maxLine: Int, chunk: Int = 1 << 20,
        _ body: (ArraySlice<UInt8>) throws -> Void
    ) throws {
        // Errors of `body` pass through; reading errors are `InputError`s.
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 1)
        defer { buffer.deallocate() }
        var pending: [UInt8] = []
        while true {
            let n: Int
            do {
                n = try FileDescriptor.readSome(fd, into: buffer, using: FileDescriptor.systemRead)
            } catch {
                throw InputError(.readFailed(error), name: name)
            }
            if n == 0 { break }
            pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[..<n]))
            var start = 0
            while let end = pending[start...].firstIndex(of: 0x0A) {
                guard end - start <= maxLine else { throw InputError(.lineTooLong(limit: maxLine), name: name) }
                try body(pending[start..<end])
                start = end + 1
            }
            pending.removeFirst(start)
            guard pending.count <= maxLine else { throw InputError(.lineTooLong(limit: maxLine), name: name) }
        }
        if !pending.isEmpty { try body(pending[...]) }
    }
}
