import CGraphviz
import HopTraceCore

/// The libgvc and libcgraph functions the renderer calls, opened at the first drawing rather
/// than linked (`DynamicLibrary` says why). The signatures are those of Graphviz 2.42's
/// `gvc.h` and `cgraph.h`. The table is immutable; the library behind it is not thread-safe,
/// so every call still runs on `GraphvizActor`.
struct GraphvizLibrary: Sendable {
    let gvContext: @convention(c) () -> OpaquePointer?
    let gvLayout: @convention(c) (OpaquePointer?, UnsafeMutablePointer<Agraph_t>?, UnsafePointer<CChar>?) -> Int32
    let gvRenderData: @convention(c) (OpaquePointer?, UnsafeMutablePointer<Agraph_t>?, UnsafePointer<CChar>?,
                                      UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, UnsafeMutablePointer<UInt32>?) -> Int32
    let gvFreeRenderData: @convention(c) (UnsafeMutablePointer<CChar>?) -> Void
    let agmemread: @convention(c) (UnsafePointer<CChar>?) -> UnsafeMutablePointer<Agraph_t>?
    let agclose: @convention(c) (UnsafeMutablePointer<Agraph_t>?) -> Int32
    let agseterr: @convention(c) (agerrlevel_t) -> agerrlevel_t
    let aglasterr: @convention(c) () -> UnsafeMutablePointer<CChar>?
    let agreseterrors: @convention(c) () -> Int32

    /// Opened once per process, at the first use; a failure is kept and reported at every use.
    static let shared = Result { () throws(DynamicLibraryError) in try GraphvizLibrary() }

    private init() throws(DynamicLibraryError) {
        let gvc = try DynamicLibrary("libgvc", candidates: DynamicLibrary.candidates(soname: "libgvc.so.6", dylib: "libgvc.dylib"))
        let cgraph = try DynamicLibrary("libcgraph", candidates: DynamicLibrary.candidates(soname: "libcgraph.so.6", dylib: "libcgraph.dylib"))
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
}
