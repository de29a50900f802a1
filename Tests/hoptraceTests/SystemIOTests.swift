import Foundation
import HopTraceCore
import HopTraceTestSupport
import Testing

@testable import hoptrace

#if canImport(Glibc)
import Glibc
#endif

/// The POSIX I/O behind `InputReader`, `StandardOutput` and `StandardError` (the executable has
/// no `FileHandle`): every byte written however little each `write(2)` takes, EINTR retried,
/// failures with the system's reason and the commands' exit codes. Short transfers and EINTR
/// come from stand-ins for `read(2)`/`write(2)`; real descriptors check the same code on files
/// and pipes.
@Suite struct SystemIOTests {
    /// A `write(2)` stand-in: takes at most `step` bytes per call and fails with EINTR on the
    /// calls listed, collecting what it took.
    final class ShortWriter: @unchecked Sendable {
        var taken: [UInt8] = []
        var calls = 0
        var interruptions = 0
        let step: Int
        let interrupted: Set<Int>

        init(step: Int, interrupted: Set<Int> = []) {
            self.step = step
            self.interrupted = interrupted
        }

        func write(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
            calls += 1
            if interrupted.contains(calls) {
                interruptions += 1
                errno = EINTR
                return -1
            }
            let n = min(step, count)
            taken += UnsafeRawBufferPointer(start: buffer, count: n)
            return n
        }
    }

    /// A `read(2)` stand-in handing out `data` at most `step` bytes at a time, failing with
    /// EINTR on the calls listed and with `failure` once `data` is used up (nil: end of file).
    final class ShortReader: @unchecked Sendable {
        let data: [UInt8]
        var offset = 0
        var calls = 0
        let step: Int
        let interrupted: Set<Int>
        let failure: Int32?

        init(_ data: [UInt8], step: Int, interrupted: Set<Int> = [], failure: Int32? = nil) {
            self.data = data
            self.step = step
            self.interrupted = interrupted
            self.failure = failure
        }

        func read(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
            calls += 1
            if interrupted.contains(calls) {
                errno = EINTR
                return -1
            }
            if offset == data.count, let failure {
                errno = failure
                return -1
            }
            let n = min(step, count, data.count - offset)
            data[offset..<offset + n].withUnsafeBytes { buffer!.copyMemory(from: $0.baseAddress!, byteCount: n) }
            offset += n
            return n
        }
    }

    static let text = Array("Received: from a.example.net by mx.example.org; Mon, 3 Feb 2025 10:00:05 +0000\r\n".utf8)

    @Test(arguments: [1, 3, 7, 1000])
    func shortWritesAreContinuedUntilEveryByteIsWritten(step: Int) throws {
        let writer = ShortWriter(step: step, interrupted: [2, 3, 5])
        try Self.text.withUnsafeBytes { try FileDescriptor.writeAll($0, to: 1, using: writer.write) }
        #expect(writer.taken == Self.text)
        #expect(writer.calls - writer.interruptions == (Self.text.count + step - 1) / step)
        #expect(writer.interruptions == (step < Self.text.count / 4 ? 3 : 0))
    }

    @Test func aFailingWriteThrowsTheSystemsReason() {
        let full: FileDescriptor.WriteCall = { _, _, _ in
            errno = ENOSPC
            return -1
        }
        do {
            try Self.text.withUnsafeBytes { try FileDescriptor.writeAll($0, to: 1, using: full) }
            Issue.record("no error")
        } catch let error as SystemError {
            #expect(error.code == ENOSPC)
            #expect(error.description == "No space left on device")
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test func nothingToWriteCallsNothing() throws {
        let writer = ShortWriter(step: 1)
        try [UInt8]().withUnsafeBytes { try FileDescriptor.writeAll($0, to: 1, using: writer.write) }
        #expect(writer.calls == 0)
    }

    /// A `writev(2)` stand-in: takes at most `step` bytes per call across the pieces it is
    /// given, fails with EINTR on the calls listed, and records how many pieces each call had.
    final class ShortGatherer: @unchecked Sendable {
        var taken: [UInt8] = []
        var piecesPerCall: [Int] = []
        let step: Int
        let interrupted: Set<Int>

        init(step: Int, interrupted: Set<Int> = []) {
            self.step = step
            self.interrupted = interrupted
        }

        func writev(_ fd: Int32, _ vectors: UnsafePointer<iovec>?, _ count: Int32) -> Int {
            piecesPerCall.append(Int(count))
            if interrupted.contains(piecesPerCall.count) {
                errno = EINTR
                return -1
            }
            var left = step
            for v in UnsafeBufferPointer(start: vectors, count: Int(count)) where left > 0 {
                let n = min(left, v.iov_len)
                taken += UnsafeRawBufferPointer(start: v.iov_base, count: n)
                left -= n
            }
            return step - left
        }
    }

    /// Pieces of 0 to 6 bytes (empty ones among them), 3,000 of them: more than one call holds.
    static let pieces: [[UInt8]] = (0..<3000).map { i in (0..<(i % 7)).map { UInt8(truncatingIfNeeded: i + $0) } }

    @Test(arguments: [1, 4, 1000, 1 << 20])
    func gatheredPiecesAreWrittenWholeAndInOrder(step: Int) throws {
        let writer = ShortGatherer(step: step, interrupted: [2, 5])
        try Self.withPieces(Self.pieces) { try FileDescriptor.writeAll($0, to: 1, using: writer.writev) }
        #expect(writer.taken == Self.pieces.flatMap { $0 })
        #expect(writer.piecesPerCall.allSatisfy { (1...FileDescriptor.piecesPerCall).contains($0) })
        if step == 1 << 20 {
            // 2,571 non-empty pieces: three calls, and the interrupted second one made again.
            #expect(writer.piecesPerCall == [1024, 1024, 1024, 523])
        }
    }

    @Test func gatheringNothingCallsNothingAndAFailureThrows() throws {
        let writer = ShortGatherer(step: 1)
        try Self.withPieces([[], []]) { try FileDescriptor.writeAll($0, to: 1, using: writer.writev) }
        #expect(writer.piecesPerCall.isEmpty)
        let full: FileDescriptor.WritevCall = { _, _, _ in
            errno = EPIPE
            return -1
        }
        #expect(throws: SystemError(code: EPIPE)) {
            try Self.withPieces(Self.pieces) { try FileDescriptor.writeAll($0, to: 1, using: full) }
        }
    }

    @Test func gatheredPiecesGoThroughARealPipeWhole() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        // 4,000 pieces of 300 bytes: more than a pipe holds, and than one call takes.
        let pieces = (0..<4000).map { i in [UInt8](repeating: UInt8(truncatingIfNeeded: i), count: 300) }
        let (reading, writing) = (fds[0], fds[1])
        let writer = Thread {
            try? Self.withPieces(pieces) { try FileDescriptor.writeAll($0, to: writing) }
            close(writing)
        }
        writer.start()
        let bytes = try InputReader.readBounded(reading, name: "pipe")
        close(reading)
        #expect(bytes == pieces.flatMap { $0 })
    }

    /// `body` with pointers to each of `pieces` (copied into one buffer that outlives the call).
    static func withPieces(_ pieces: [[UInt8]], _ body: ([UnsafeRawBufferPointer]) throws -> Void) throws {
        let all = pieces.flatMap { $0 }
        try all.withUnsafeBytes { raw in
            var offset = 0
            var list: [UnsafeRawBufferPointer] = []
            for piece in pieces {
                list.append(UnsafeRawBufferPointer(rebasing: raw[offset..<offset + piece.count]))
                offset += piece.count
            }
            try body(list)
        }
    }

    @Test(arguments: [1, 5, 1 << 20])
    func shortAndInterruptedReadsGiveTheWholeInput(step: Int) throws {
        let reader = ShortReader(Self.text, step: step, interrupted: [1, 4])
        let bytes = try InputReader.readBounded(0, name: "test", using: reader.read)
        #expect(bytes == Self.text)
    }

    @Test func aFailingReadIsAnIOErrorWithTheReason() {
        let reader = ShortReader(Self.text, step: 10, failure: EIO)
        do {
            _ = try InputReader.readBounded(0, name: "in.eml", using: reader.read)
            Issue.record("no error")
        } catch let failure as CommandFailure {
            #expect(failure.message == "in.eml: read failed: Input/output error")
            #expect(failure.code.rawValue == 74)
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test func inputOverTheLimitIsBadInput() {
        let reader = ShortReader(Array(repeating: 0x41, count: 3 << 20), step: 1 << 20)
        do {
            _ = try InputReader.readBounded(0, name: "big", limit: 2 << 20, using: reader.read)
            Issue.record("no error")
        } catch let failure as CommandFailure {
            #expect(failure.message == "big: input is larger than 2 MiB, the limit for one input file")
            #expect(failure.code.rawValue == 65)
        } catch {
            Issue.record("\(error)")
        }
        // Exactly at the limit is accepted.
        let atLimit = ShortReader(Array(repeating: 0x41, count: 2 << 20), step: 1 << 20)
        #expect((try? InputReader.readBounded(0, name: "big", limit: 2 << 20, using: atLimit.read))?.count == 2 << 20)
    }

    /// A regular file is read straight into an array of its size; one that grows while it is
    /// read (the stand-in gives more than `fstat` said) goes on in chunks, and a short or
    /// interrupted read is continued, all up to the limit.
    @Test(arguments: [1, 7, 1 << 20])
    func aRegularFileThatGrowsWhileReadIsReadWhole(step: Int) throws {
        let file = try TestSupport.temporaryFile("small.eml", Array(Self.text.prefix(10)))
        let fd = open(file.path, O_RDONLY)
        #expect(fd >= 0)
        defer { close(fd) }
        let grown = Self.text + Self.text
        let reader = ShortReader(grown, step: step, interrupted: [2])
        #expect(try InputReader.readBounded(fd, name: "small.eml", using: reader.read) == grown)
        let same = ShortReader(Array(Self.text.prefix(10)), step: step)
        #expect(try InputReader.readBounded(fd, name: "small.eml", using: same.read) == Array(Self.text.prefix(10)))
        let tooMuch = ShortReader(grown, step: step)
        #expect(throws: CommandFailure.self) {
            try InputReader.readBounded(fd, name: "small.eml", limit: 20, using: tooMuch.read)
        }
        let failing = ShortReader(Array(Self.text.prefix(4)), step: 1, failure: EIO)
        #expect(throws: CommandFailure.self) {
            try InputReader.readBounded(fd, name: "small.eml", using: failing.read)
        }
    }

    /// A large input is read into memory advised for huge pages: whole 2 MiB blocks inside
    /// the buffer only, none for a buffer under 4 MiB, and the bytes read are the file's.
    @Test func aLargeFileIsReadIntoHugePageAdvisedMemoryWhole() throws {
        let big = (0..<(9 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 13) }
        let file = try TestSupport.temporaryFile("large.mbox", big)
        #expect(try InputReader.readFile(file.path) == big)
        let huge = 2 << 20
        for size in [1 << 20, (4 << 20) - 1, 4 << 20, 9 << 20] {
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
            defer { buffer.deallocate() }
            guard let advised = HugePages.advise(buffer) else {
                // Refused (huge pages unsupported here) or too small.
                #expect(size < 2 * huge || madviseUnsupported())
                continue
            }
            #expect(size >= 2 * huge)
            #expect(advised.lowerBound >= 0 && advised.upperBound <= size && !advised.isEmpty)
            let address = Int(bitPattern: buffer.baseAddress!)
            #expect((address + advised.lowerBound) % huge == 0 && (address + advised.upperBound) % huge == 0)
        }
    }

    /// Whether this kernel refuses MADV_HUGEPAGE (built without transparent huge pages).
    func madviseUnsupported() -> Bool {
        let size = 8 << 20
        let p = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let p, p != MAP_FAILED else { return true }
        defer { munmap(p, size) }
        let aligned = UnsafeMutableRawPointer(bitPattern: (Int(bitPattern: p) + (2 << 20) - 1) / (2 << 20) * (2 << 20))!
        return madvise(aligned, 2 << 20, Int32(MADV_HUGEPAGE)) != 0
    }

    @Test func readsAWholeFileAndAnEmptyOne() throws {
        let big = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }  // more than one 1 MiB chunk
        let file = try TestSupport.temporaryFile("big.eml", big)
        #expect(try InputReader.readFile(file.path) == big)
        let empty = try TestSupport.temporaryFile("empty.eml", [])
        #expect(try InputReader.readFile(empty.path) == [])
        #expect(try InputReader.readMessageFile(file.path).get() == big)
    }

    @Test func aFileThatCannotBeOpenedSaysSo() throws {
        let path = "/nonexistent/hoptrace/x.eml"
        #expect(FileDescriptor.openForReading(path) == nil)
        do {
            _ = try InputReader.readFile(path)
            Issue.record("no error")
        } catch let failure as CommandFailure {
            #expect(failure.message == "\(path): cannot be opened for reading")
            #expect(failure.code.rawValue == 74)
        }
        // A Maildir's message: the reason alone (the path is the line's label).
        guard case .failure(let error) = InputReader.readMessageFile(path) else {
            Issue.record("no error")
            return
        }
        #expect(error.description == "cannot be opened for reading")
    }

    @Test func aFolderOpensButCannotBeRead() throws {
        let folder = try TestSupport.temporaryDirectory()
        do {
            _ = try InputReader.readFile(folder.path)
            Issue.record("no error")
        } catch let failure as CommandFailure {
            #expect(failure.message == "\(folder.path): read failed: Is a directory")
            #expect(failure.code.rawValue == 74)
        }
    }

    @Test func aPipeIsReadToItsEndAndWrittenWhole() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let data = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 % 251) }  // more than a pipe holds
        let (reading, writing) = (fds[0], fds[1])
        let writer = Thread {
            data.withUnsafeBytes { try? FileDescriptor.writeAll($0, to: writing) }
            close(writing)
        }
        writer.start()
        let bytes = try InputReader.readBounded(reading, name: "pipe")
        close(reading)
        #expect(bytes == data)
    }

    #if canImport(Glibc)
    /// A real EINTR: a signal whose handler is installed without SA_RESTART interrupts a
    /// `read(2)` blocked on an empty pipe; the read is made again and gets the bytes written
    /// after. The signal is sent until the reading thread reports an interrupted read.
    @Test func aSignalDuringABlockedReadIsRetried() throws {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in }
        action.sa_flags = 0
        sigemptyset(&action.sa_mask)
        var previous = sigaction()
        #expect(sigaction(SIGUSR2, &action, &previous) == 0)
        defer { sigaction(SIGUSR2, &previous, nil) }

        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer {
            close(fds[0])
            close(fds[1])
        }
        let state = ReaderState()
        let reading = fds[0]
        let reader = Thread {
            // A thread inherits its creator's blocked signals, and the test runs on a worker
            // thread of the concurrency runtime, which blocks them.
            var signals = sigset_t()
            sigemptyset(&signals)
            sigaddset(&signals, SIGUSR2)
            pthread_sigmask(SIG_UNBLOCK, &signals, nil)
            state.set { $0.thread = pthread_self() }
            let counting: FileDescriptor.ReadCall = { fd, buffer, count in
                let n = Glibc.read(fd, buffer, count)
                if n < 0 && errno == EINTR { state.set { $0.interruptions += 1 } }
                return n
            }
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 16, alignment: 1)
            defer { buffer.deallocate() }
            let n = try? FileDescriptor.readSome(reading, into: buffer, using: counting)
            state.set {
                $0.result = n.map { Array(buffer[..<$0]) } ?? []
                $0.done = true
            }
        }
        reader.start()
        let deadline = Date().addingTimeInterval(10)
        while state.get({ $0.interruptions }) == 0 && Date() < deadline {
            if let thread = state.get({ $0.thread }) { pthread_kill(thread, SIGUSR2) }
            usleep(5_000)
        }
        #expect(state.get({ $0.interruptions }) > 0, "the read was never interrupted")
        #expect(state.get({ $0.done }) == false)
        let text = Array("after\n".utf8)
        try text.withUnsafeBytes { try FileDescriptor.writeAll($0, to: fds[1]) }
        while !state.get({ $0.done }) && Date() < deadline { usleep(1_000) }
        #expect(state.get({ $0.result }) == text)
        // The thread gone before the handler is: no signal for it can be pending then.
        while !reader.isFinished && Date() < deadline { usleep(1_000) }
    }

    final class ReaderState: @unchecked Sendable {
        struct Values {
            var thread: pthread_t?
            var interruptions = 0
            var result: [UInt8]?
            var done = false
        }
        private var values = Values()
        private let lock = NSLock()
        func set(_ change: (inout Values) -> Void) {
            lock.lock()
            change(&values)
            lock.unlock()
        }
        func get<T>(_ read: (Values) -> T) -> T {
            lock.lock()
            defer { lock.unlock() }
            return read(values)
        }
    }
    #endif

    @Test func fileErrorsGiveThePOSIXReason() {
        do {
            try "x".write(toFile: "/nonexistent/hoptrace/x.zone", atomically: true, encoding: .utf8)
            Issue.record("no error")
        } catch {
            #expect(SystemError.reason(error) == "No such file or directory")
        }
        #expect(SystemError.reason(POSIXError(.EISDIR)) == "Is a directory")
        #expect(SystemError.reason(OtherError(text: "plain")) == "OtherError(text: \"plain\")")
    }

    struct OtherError: Error {
        var text: String
    }
}
