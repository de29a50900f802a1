#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CMaxMindDB
import HopTraceCore

/// The libmaxminddb functions `MaxMindDatabase` calls, opened when the first database file is
/// opened rather than linked (`DynamicLibrary` says why): most machines have no GeoIP database,
/// and a run without one never loads the library. The signatures are those of `maxminddb.h`
/// (1.7); the library is thread-safe (see `MaxMindDatabase`) and the table is immutable.
struct MaxMindLibrary: Sendable {
    let MMDB_open: @convention(c) (UnsafePointer<CChar>?, UInt32, UnsafeMutablePointer<MMDB_s>?) -> Int32
    let MMDB_close: @convention(c) (UnsafeMutablePointer<MMDB_s>?) -> Void
    let MMDB_lookup_sockaddr: @convention(c) (UnsafePointer<MMDB_s>?, UnsafePointer<sockaddr>?,
                                              UnsafeMutablePointer<Int32>?) -> MMDB_lookup_result_s
    let MMDB_aget_value: @convention(c) (UnsafeMutablePointer<MMDB_entry_s>?, UnsafeMutablePointer<MMDB_entry_data_s>?,
                                         UnsafePointer<UnsafePointer<CChar>?>?) -> Int32
    let MMDB_get_entry_data_list: @convention(c) (UnsafeMutablePointer<MMDB_entry_s>?,
                                                  UnsafeMutablePointer<UnsafeMutablePointer<MMDB_entry_data_list_s>?>?) -> Int32
    let MMDB_free_entry_data_list: @convention(c) (UnsafeMutablePointer<MMDB_entry_data_list_s>?) -> Void
    let MMDB_strerror: @convention(c) (Int32) -> UnsafePointer<CChar>?

    /// Opened once per process, at the first use; a failure is kept and reported at every use.
    static let shared = Result { () throws(DynamicLibraryError) in try MaxMindLibrary() }

    private init() throws(DynamicLibraryError) {
        let lib = try DynamicLibrary("libmaxminddb", candidates: DynamicLibrary.candidates(soname: "libmaxminddb.so.0", dylib: "libmaxminddb.dylib"))
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
