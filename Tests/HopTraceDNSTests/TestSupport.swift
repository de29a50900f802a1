#if canImport(Glibc)
import Glibc
#endif

func writeFile(_ path: String, _ bytes: [UInt8]) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { throw TestError("cannot create \(path)") }
    defer { close(fd) }
    let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    guard n == bytes.count else { throw TestError("short write to \(path)") }
}

func removeFile(_ path: String) { unlink(path) }

struct TestError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
