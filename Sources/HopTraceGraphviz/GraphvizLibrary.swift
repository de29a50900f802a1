import CGraphviz
import HopTraceCore

/// The libgvc and libcgraph functions the renderer calls, opened at the first drawing rather
/// than linked (`DynamicLibrary` says why). Each field's type is the function's own in the
/// installed `gvc.h` and `cgraph.h` (the `hoptrace_…_fn` types of the CGraphviz shim), so a
/// call that does not match the header does not compile. The table is immutable; the library
/// behind it is not thread-safe, so every call still runs on `GraphvizActor`.
struct GraphvizLibrary: Sendable {
    let gvContext: hoptrace_gvContext_fn
    let gvLayout: hoptrace_gvLayout_fn
    let gvRenderData: hoptrace_gvRenderData_fn
    let gvFreeRenderData: hoptrace_gvFreeRenderData_fn
    let agmemread: hoptrace_agmemread_fn
    let agclose: hoptrace_agclose_fn
    let agseterr: hoptrace_agseterr_fn
    let aglasterr: hoptrace_aglasterr_fn
    let agreseterrors: hoptrace_agreseterrors_fn

    /// Opened once per process, at the first use; a failure is kept and reported at every use.
    static let shared = Result { () throws(DynamicLibraryError) in try GraphvizLibrary() }

    private init() throws(DynamicLibraryError) {
        let gvc = try DynamicLibrary("libgvc", soname: "libgvc.so.6")
        let cgraph = try DynamicLibrary("libcgraph", soname: "libcgraph.so.6")
        gvContext = try gvc.function("gvContext")
        gvLayout = try gvc.function("gvLayout")
        gvRenderData = try gvc.function("gvRenderData")
        gvFreeRenderData = try gvc.function("gvFreeRenderData")
        agmemread = try cgraph.function("agmemread")
        agclose = try cgraph.function("agclose")
        agseterr = try cgraph.function("agseterr")
        aglasterr = try cgraph.function("aglasterr")
        agreseterrors = try cgraph.function("agreseterrors")
    }

    /// `gvRenderData`, with the length in the integer type the installed header gives it
    /// (`unsigned int *` up to Graphviz 12, `size_t *` from 13 on), returned as an `Int`:
    /// the status, the rendering (freed with `gvFreeRenderData`) and its length in bytes.
    func renderData(
        _ gvc: OpaquePointer?, _ graph: UnsafeMutablePointer<Agraph_t>?,
        format: String
    ) -> (status: Int32, data: UnsafeMutablePointer<CChar>?, length: Int) {
        func call<Length: BinaryInteger>(
            _ function: (
                OpaquePointer?, UnsafeMutablePointer<Agraph_t>?, UnsafePointer<CChar>?,
                UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, UnsafeMutablePointer<Length>?
            ) -> Int32
        ) -> (status: Int32, data: UnsafeMutablePointer<CChar>?, length: Int) {
            var data: UnsafeMutablePointer<CChar>?
            var length: Length = 0
            let status = function(gvc, graph, format, &data, &length)
            return (status, data, Int(length))
        }
        return call(gvRenderData)
    }
}

/// Whether libgvc and libcgraph can be used on this machine, for `hoptrace version --verbose`.
public enum GraphvizAvailability {
    /// Why hoptrace cannot draw diagrams (--dot) here (a library missing, or without a function hoptrace
    /// calls), or nil when it can. Opens the library when it is not open yet.
    public static var problem: DynamicLibraryError? {
        switch GraphvizLibrary.shared {
        case .success: return nil
        case .failure(let error): return error
        }
    }
}
