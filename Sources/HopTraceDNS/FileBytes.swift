#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reads and writes with POSIX calls (this target does not need Foundation).
enum FileBytes {
    /// Reads at most `maxBytes`; a larger file is refused before it is read, not cut.
    static func read(_ path: String, maxBytes: Int) throws(ZoneFileError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw ZoneFileError(.io, line: 0, "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var st = stat()
        if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, Int(st.st_size) > maxBytes {
            throw ZoneFileError(.limit, line: 0, "\(path) is \(st.st_size) bytes, more than the \(maxBytes) accepted",
                                hint: "split the snapshot or raise ZoneFile.Limits.maxFileBytes")
        }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ZoneFileError(.io, line: 0, "cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            // A pipe or a growing file has no size up front: bound what is read.
            guard out.count + n <= maxBytes else {
                throw ZoneFileError(.limit, line: 0, "\(path) is more than the \(maxBytes) bytes accepted",
                                    hint: "split the snapshot or raise ZoneFile.Limits.maxFileBytes")
            }
            out.append(contentsOf: chunk[0..<n])
        }
        return out
    }
}

#if canImport(Glibc)
private let systemRead = Glibc.read
#elseif canImport(Darwin)
private let systemRead = Darwin.read
#endif
