#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Large fresh buffers backed by huge pages where the system gives them on request.
public enum HugePages {
    /// The size of a huge page on x86-64 and most arm64 Linux systems.
    static let size = 2 << 20

    /// Asks the kernel to back the whole 2 MiB blocks inside `buffer` with huge pages
    /// (`MADV_HUGEPAGE`, for systems where transparent huge pages are enabled on request): a
    /// large buffer filled from the start then takes one page fault per 2 MiB instead of one
    /// per 4 KiB (a whole mailbox read into memory; a task's output buffer). Only a hint:
    /// nothing changes where huge pages are disabled or unavailable, and buffers under 4 MiB
    /// are left alone. Returns the offsets in `buffer` of the memory advised, nil when none was.
    @discardableResult
    public static func advise(_ buffer: UnsafeMutableRawBufferPointer) -> Range<Int>? {
        #if os(Linux)
        guard let base = buffer.baseAddress, buffer.count >= 2 * size else { return nil }
        let address = Int(bitPattern: base)
        let start = (address + size - 1) / size * size
        let end = (address + buffer.count) / size * size
        guard end > start, let first = UnsafeMutableRawPointer(bitPattern: start),
            madvise(first, end - start, Int32(MADV_HUGEPAGE)) == 0
        else { return nil }
        return (start - address)..<(end - address)
        #else
        return nil
        #endif
    }
}
