import CUnbound
import HopTraceCore

/// The libunbound functions the live resolver calls, opened when the first live resolver is
/// made rather than linked (`DynamicLibrary` says why): snapshot and offline runs never load
/// libunbound, libevent, nettle and gmp. Each field's type is the function's own in the
/// installed `unbound.h` (the `hoptrace_…_fn` types of the CUnbound shim), so a call that does
/// not match the header does not compile. libunbound documents its functions as thread-safe,
/// and the table is immutable.
struct UnboundLibrary: Sendable {
    let ub_ctx_create: hoptrace_ub_ctx_create_fn
    let ub_ctx_delete: hoptrace_ub_ctx_delete_fn
    let ub_ctx_set_option: hoptrace_ub_ctx_set_option_fn
    let ub_ctx_set_fwd: hoptrace_ub_ctx_set_fwd_fn
    let ub_ctx_add_ta: hoptrace_ub_ctx_add_ta_fn
    let ub_ctx_add_ta_file: hoptrace_ub_ctx_add_ta_file_fn
    let ub_ctx_async: hoptrace_ub_ctx_async_fn
    let ub_resolve: hoptrace_ub_resolve_fn
    let ub_resolve_async: hoptrace_ub_resolve_async_fn
    let ub_process: hoptrace_ub_process_fn
    let ub_fd: hoptrace_ub_fd_fn
    let ub_cancel: hoptrace_ub_cancel_fn
    let ub_resolve_free: hoptrace_ub_resolve_free_fn
    let ub_strerror: hoptrace_ub_strerror_fn

    /// Opened once per process, at the first use; a failure is kept and reported at every use.
    static let shared = Result { () throws(DynamicLibraryError) in try UnboundLibrary() }

    private init() throws(DynamicLibraryError) {
        let lib = try DynamicLibrary("libunbound", soname: "libunbound.so.8")
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

/// Whether libunbound can be used on this machine, for `hoptrace version --verbose`.
public enum UnboundAvailability {
    /// Why hoptrace cannot resolve live DNS here (a library missing, or without a function hoptrace
    /// calls), or nil when it can. Opens the library when it is not open yet.
    public static var problem: DynamicLibraryError? {
        switch UnboundLibrary.shared {
        case .success: return nil
        case .failure(let error): return error
        }
    }
}
