import CMaxMindDB
import HopTraceCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The libmaxminddb functions `MaxMindDatabase` calls, opened when the first database file is
/// opened rather than linked (`DynamicLibrary` says why): most machines have no GeoIP database,
/// and a run without one never loads the library. Each field's type is the function's own in
/// the installed `maxminddb.h` (the `hoptrace_…_fn` types of the CMaxMindDB shim), so a call
/// that does not match the header does not compile. The library is thread-safe (see
/// `MaxMindDatabase`) and the table is immutable.
struct MaxMindLibrary: Sendable {
    let MMDB_open: hoptrace_MMDB_open_fn
    let MMDB_close: hoptrace_MMDB_close_fn
    let MMDB_lookup_sockaddr: hoptrace_MMDB_lookup_sockaddr_fn
    let MMDB_aget_value: hoptrace_MMDB_aget_value_fn
    let MMDB_get_entry_data_list: hoptrace_MMDB_get_entry_data_list_fn
    let MMDB_free_entry_data_list: hoptrace_MMDB_free_entry_data_list_fn
    let MMDB_strerror: hoptrace_MMDB_strerror_fn

    /// Opened once per process, at the first use; a failure is kept and reported at every use.
    static let shared = Result { () throws(DynamicLibraryError) in try MaxMindLibrary() }

    private init() throws(DynamicLibraryError) {
        let lib = try DynamicLibrary("libmaxminddb", soname: "libmaxminddb.so.0")
        MMDB_open = try lib.function("MMDB_open")
        MMDB_close = try lib.function("MMDB_close")
        MMDB_lookup_sockaddr = try lib.function("MMDB_lookup_sockaddr")
        MMDB_aget_value = try lib.function("MMDB_aget_value")
        MMDB_get_entry_data_list = try lib.function("MMDB_get_entry_data_list")
        MMDB_free_entry_data_list = try lib.function("MMDB_free_entry_data_list")
        MMDB_strerror = try lib.function("MMDB_strerror")
    }

    /// `MMDB_strerror`'s text for a libmaxminddb status code.
    func errorText(_ code: Int32) -> String {
        MMDB_strerror(code).map { String(cString: $0) } ?? "libmaxminddb error \(code)"
    }
}

/// Whether libmaxminddb can be used on this machine, for `hoptrace version --verbose`.
public enum MaxMindAvailability {
    /// Why hoptrace cannot read GeoIP and ASN databases here (a library missing, or without a function hoptrace
    /// calls), or nil when it can. Opens the library when it is not open yet.
    public static var problem: DynamicLibraryError? {
        switch MaxMindLibrary.shared {
        case .success: return nil
        case .failure(let error): return error
        }
    }
}
