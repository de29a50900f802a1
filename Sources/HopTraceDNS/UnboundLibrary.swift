import CUnbound
import HopTraceCore

/// The libunbound functions the live resolver calls, opened when the first live resolver is
/// made rather than linked (`DynamicLibrary` says why): snapshot and offline runs never load
/// libunbound, libevent, nettle and gmp. The signatures are those of `unbound.h` (1.17);
/// libunbound documents its functions as thread-safe, and the table is immutable.
struct UnboundLibrary: Sendable {
    let ub_ctx_create: @convention(c) () -> OpaquePointer?
    let ub_ctx_delete: @convention(c) (OpaquePointer?) -> Void
    let ub_ctx_set_option: @convention(c) (OpaquePointer?, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Int32
    let ub_ctx_set_fwd: @convention(c) (OpaquePointer?, UnsafePointer<CChar>?) -> Int32
    let ub_ctx_add_ta: @convention(c) (OpaquePointer?, UnsafePointer<CChar>?) -> Int32
    let ub_ctx_add_ta_file: @convention(c) (OpaquePointer?, UnsafePointer<CChar>?) -> Int32
    let ub_ctx_async: @convention(c) (OpaquePointer?, Int32) -> Int32
    let ub_resolve: @convention(c) (OpaquePointer?, UnsafePointer<CChar>?, Int32, Int32,
                                    UnsafeMutablePointer<UnsafeMutablePointer<ub_result>?>?) -> Int32
    let ub_resolve_async: @convention(c) (OpaquePointer?, UnsafePointer<CChar>?, Int32, Int32,
                                          UnsafeMutableRawPointer?, ub_callback_type?, UnsafeMutablePointer<Int32>?) -> Int32
    let ub_process: @convention(c) (OpaquePointer?) -> Int32
    let ub_fd: @convention(c) (OpaquePointer?) -> Int32
    let ub_cancel: @convention(c) (OpaquePointer?, Int32) -> Int32
    let ub_resolve_free: @convention(c) (UnsafeMutablePointer<ub_result>?) -> Void
    let ub_strerror: @convention(c) (Int32) -> UnsafePointer<CChar>?

    /// Opened once per process, at the first use; a failure is kept and reported at every use.
    static let shared = Result { () throws(DynamicLibraryError) in try UnboundLibrary() }

    private init() throws(DynamicLibraryError) {
        let lib = try DynamicLibrary("libunbound", candidates: DynamicLibrary.candidates(soname: "libunbound.so.8", dylib: "libunbound.dylib"))
        ub_ctx_create = try lib.function("ub_ctx_create")
        ub_ctx_delete = try lib.function("ub_ctx_delete")
        ub_ctx_set_option = try lib.function("ub_ctx_set_option")
        ub_ctx_set_fwd = try lib.function("ub_ctx_set_fwd")
        ub_ctx_add_ta = try lib.function("ub_ctx_add_ta")
        ub_ctx_add_ta_file = try lib.function("ub_ctx_add_ta_file")
        ub_ctx_async = try lib.function("ub_ctx_async")
        ub_resolve = try lib.function("ub_resolve")
        ub_resolve_async = try lib.function("ub_resolve_async")
        ub_process = try lib.function("ub_process")
        ub_fd = try lib.function("ub_fd")
        ub_cancel = try lib.function("ub_cancel")
        ub_resolve_free = try lib.function("ub_resolve_free")
        ub_strerror = try lib.function("ub_strerror")
    }

    /// `ub_strerror`'s text for a libunbound error code.
    func errorText(_ code: Int32) -> String {
        ub_strerror(code).map { String(cString: $0) } ?? "libunbound error \(code)"
    }
}
