// Proves the setup: the three C libraries the later stages use are installed,
// found through pkg-config and linkable from Swift.
import CGraphviz
import CMaxMindDB
import CUnbound
import Testing

@Suite struct SystemLibraryTests {
    @Test func libmaxminddbReportsItsVersion() {
        let version = String(cString: MMDB_lib_version())
        #expect(version.split(separator: ".").count >= 2)
    }

    @Test func libunboundReportsItsVersion() {
        let version = String(cString: ub_version())
        #expect(version.split(separator: ".").count >= 2)
    }

    @Test func libunboundContextCanBeCreatedAndFreed() {
        let ctx = ub_ctx_create()
        #expect(ctx != nil)
        ub_ctx_delete(ctx)
    }

    @Test func graphvizContextLoadsItsPlugins() {
        // gvContext is created and freed once in this test; Graphviz is not thread-safe,
        // and this is the only test here that touches it.
        guard let gvc = gvContext() else {
            Issue.record("gvContext() returned NULL")
            return
        }
        let version = String(cString: gvcVersion(gvc))
        #expect(!version.isEmpty)
        _ = gvFreeContext(gvc)
    }
}
