#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A C library opened at run time with `dlopen`, and the symbols looked up in it.
///
/// Why: Graphviz, libunbound and libmaxminddb (with their own dependencies: cgraph, cdt, ltdl,
/// expat, libevent, nettle, gmp…) cost 3–4 ms at every start when the executable links
/// them, although most runs never draw, resolve live or look up a GeoIP database. So the
/// executable does not link them (their system library targets only give the C types); each
/// user opens its library the first time it is needed, through one table of function pointers
/// (`GraphvizLibrary`, `UnboundLibrary`, `MaxMindLibrary`) held in a `static let`, which Swift
/// initialises once per process, thread-safely.
///
/// A library is never closed: the C code keeps process-wide state and pointers into it
/// (Graphviz's plugins, libunbound's threads), and a second `dlopen` of the same library only
/// returns the same handle (the loader counts references), so the open is cheap to repeat.
public struct DynamicLibrary: @unchecked Sendable {
    // @unchecked: `handle` is an immutable pointer the loader owns for the process's lifetime;
    // `dlsym` on it is thread-safe.

    /// The library's name in messages (`libgvc`).
    public let name: String
    /// The candidate that opened.
    public let path: String
    /// What `dlopen` returned.
    public let handle: UnsafeMutableRawPointer

    /// Opens the first of `candidates` that loads. Immediate binding (`RTLD_NOW`), so a library
    /// whose own dependencies are missing fails here with the loader's reason instead of at
    /// some later call; local symbols (`RTLD_LOCAL`), so nothing it exports can stand in for
    /// another library's symbol.
    public init(_ name: String, candidates: [String]) throws(DynamicLibraryError) {
        var reasons: [String] = []
        for candidate in candidates {
            if let handle = dlopen(candidate, RTLD_NOW | RTLD_LOCAL) {
                self.name = name
                self.path = candidate
                self.handle = handle
                return
            }
            reasons.append(DynamicLibrary.lastError() ?? "\(candidate): not loaded")
        }
        throw .libraryNotLoaded(library: name, tried: candidates, reasons: reasons)
    }

    /// Opens the library `name` (`libgvc`) by its `soname` on Linux and as `name.dylib` on
    /// macOS (`candidates(soname:dylib:)`).
    public init(_ name: String, soname: String) throws(DynamicLibraryError) {
        try self.init(name, candidates: DynamicLibrary.candidates(soname: soname, dylib: name + ".dylib"))
    }

    /// The C function `symbol`, as the `@convention(c)` type `T` it has in the library's
    /// header. Nothing checks `T` against the library (`unsafeBitCast` only traps when `T` is
    /// not pointer-sized): the callers take `T` from the header itself, as a
    /// `typedef __typeof__(&symbol)` in their module's shim, so it cannot drift from it.
    public func function<T>(_ symbol: String, as type: T.Type = T.self) throws(DynamicLibraryError) -> T {
        unsafeBitCast(try address(of: symbol), to: T.self)
    }

    /// The C variable `symbol` (`Agdirected`), as a pointer to its type in the header.
    public func variable<T>(_ symbol: String, as type: T.Type) throws(DynamicLibraryError) -> UnsafeMutablePointer<T> {
        try address(of: symbol).assumingMemoryBound(to: T.self)
    }

    private func address(of symbol: String) throws(DynamicLibraryError) -> UnsafeMutableRawPointer {
        _ = dlerror()  // clear any earlier error, so the one read below is this lookup's
        guard let address = dlsym(handle, symbol) else {
            throw .symbolNotFound(
                library: name, path: path, symbol: symbol,
                reason: DynamicLibrary.lastError() ?? "no such symbol")
        }
        return address
    }

    /// `dlerror()`'s text: the loader's own words, kept per thread.
    private static func lastError() -> String? {
        guard let text = dlerror() else { return nil }
        return String(cString: text)
    }

    /// The names to try for a library: on Linux its soname (`libgvc.so.6`, the ABI the headers
    /// describe); on macOS its `.dylib` name, bare (found through `DYLD_*` paths and
    /// `/usr/local/lib`) and in Homebrew's prefix on Apple silicon, which the loader does not
    /// search by itself.
    public static func candidates(soname: String, dylib: String) -> [String] {
        #if canImport(Darwin)
        return [dylib, "/opt/homebrew/lib/" + dylib, "/usr/local/lib/" + dylib]
        #else
        return [soname]
        #endif
    }
}

/// Why a library or one of its symbols could not be loaded, with the loader's own reason.
public enum DynamicLibraryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No candidate opened; `reasons` holds `dlerror()`'s text for each, in order.
    case libraryNotLoaded(library: String, tried: [String], reasons: [String])
    /// The library opened but does not export `symbol` (another version than the headers').
    case symbolNotFound(library: String, path: String, symbol: String, reason: String)

    public var description: String {
        switch self {
        case .libraryNotLoaded(let library, let tried, let reasons):
            return "cannot load \(library) (tried \(tried.joined(separator: ", "))): \(reasons.joined(separator: "; "))"
        case .symbolNotFound(let library, let path, let symbol, let reason):
            return "\(library) (\(path)) has no symbol \(symbol): \(reason)"
        }
    }
}
