#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What a path names, from `stat(2)` (symbolic links followed): the commands take files and
/// Maildir folders alike. Own code because `FileManager.fileExists(atPath:isDirectory:)` takes
/// a `Bool` in FoundationEssentials and an `ObjCBool` in Apple's Foundation, and the
/// executable avoids full Foundation on Linux (its libraries cost ~2.4 ms at every start).
public enum PathKind: Sendable, Hashable {
    case directory
    /// A regular file, a device, a pipe…: anything to read as bytes.
    case other

    /// nil when nothing can be found there (no such path, or a folder on the way that cannot
    /// be searched) — where `FileManager.fileExists` says false.
    public static func of(_ path: String) -> PathKind? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return (status.st_mode & S_IFMT) == S_IFDIR ? .directory : .other
    }

    /// The names in `directory` (without "." and ".."), in the order `readdir(3)` gives them.
    public static func names(in directory: String) throws(SystemError) -> [String] {
        guard let stream = opendir(directory) else { throw SystemError(code: errno) }
        defer { closedir(stream) }
        var names: [String] = []
        while true {
            errno = 0
            guard let entry = readdir(stream) else {
                if errno != 0 { throw SystemError(code: errno) }
                return names
            }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
    }

    /// `directory` + "/" + `name`, as `NSString.appendingPathComponent` joins them on Linux for
    /// the names a directory holds (no slash in them): no second slash after one that ends
    /// `directory`, and an empty `directory` adds none. Nothing else is normalised, so the
    /// paths printed stay the ones the user typed.
    public static func join(_ directory: String, _ name: String) -> String {
        if directory.isEmpty { return name }
        if name.isEmpty { return directory }
        return directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }
}
