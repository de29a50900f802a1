// The run-time loader the executable opens the C libraries with, against the real libraries.
import CGraphviz
import CMaxMindDB
import HopTraceCore
import Testing

@testable import HopTraceDNS
@testable import HopTraceGeo
@testable import HopTraceGraphviz

@Suite struct DynamicLibraryTests {
    static let maxminddb = DynamicLibrary.candidates(soname: "libmaxminddb.so.0", dylib: "libmaxminddb.dylib")

    @Test func anAbsentLibraryNamesItselfTheNamesTriedAndTheLoadersReasons() {
        let names = ["libhoptrace-absent.so.1", "libhoptrace-absent.dylib"]
        let error = #expect(throws: DynamicLibraryError.self) {
            try DynamicLibrary("libhoptrace-absent", candidates: names)
        }
        guard case .libraryNotLoaded(let library, let tried, let reasons)? = error else {
            Issue.record("expected libraryNotLoaded, got \(String(describing: error))")
            return
        }
        #expect(library == "libhoptrace-absent")
        #expect(tried == names)
        // dlerror()'s text for each name, which names the file it could not open.
        #expect(reasons.count == 2)
        #expect(reasons.first?.contains("libhoptrace-absent.so.1") == true)
        #expect(reasons.last?.contains("libhoptrace-absent.dylib") == true)
        #expect(
            error?.description
                == "cannot load libhoptrace-absent (tried libhoptrace-absent.so.1, libhoptrace-absent.dylib): "
                + reasons.joined(separator: "; "))
    }

    @Test func anAbsentSymbolNamesTheLibraryTheSymbolAndTheLoadersReason() throws {
        let lib = try DynamicLibrary("libmaxminddb", candidates: Self.maxminddb)
        let error = #expect(throws: DynamicLibraryError.self) {
            try lib.function("MMDB_hoptrace_absent", as: (@convention(c) () -> Void).self)
        }
        guard case .symbolNotFound(let library, let path, let symbol, let reason)? = error else {
            Issue.record("expected symbolNotFound, got \(String(describing: error))")
            return
        }
        #expect(library == "libmaxminddb")
        #expect(path == lib.path)
        #expect(symbol == "MMDB_hoptrace_absent")
        #expect(reason.contains("MMDB_hoptrace_absent"))
        #expect(error?.description == "libmaxminddb (\(lib.path)) has no symbol MMDB_hoptrace_absent: \(reason)")
    }

    @Test func openingTwiceGivesTheSameHandle() throws {
        let first = try DynamicLibrary("libmaxminddb", candidates: Self.maxminddb)
        let second = try DynamicLibrary("libmaxminddb", candidates: Self.maxminddb)
        #expect(first.handle == second.handle)
        #expect(first.path == second.path)
    }

    @Test func aFunctionIsTheLibrarysOwn() throws {
        let lib = try DynamicLibrary("libmaxminddb", candidates: Self.maxminddb)
        let version = try lib.function("MMDB_lib_version", as: (@convention(c) () -> UnsafePointer<CChar>?).self)
        let text = try #require(version())
        // This test bundle links libmaxminddb: the loaded function must be the linked one's twin.
        #expect(String(cString: text) == String(cString: MMDB_lib_version()))
    }

    @Test func aVariableIsReadThroughItsAddress() throws {
        let cgraph = try DynamicLibrary(
            "libcgraph", candidates: DynamicLibrary.candidates(soname: "libcgraph.so.6", dylib: "libcgraph.dylib"))
        let directed = try cgraph.variable("Agdirected", as: Agdesc_t.self).pointee
        #expect(directed.directed == 1)
        #expect(directed.strict == 0)
        #expect(directed.maingraph == 1)
    }

    /// Every symbol each user's table names exists in the installed library (the tables are
    /// only built at first use, so a typo would otherwise surface in one command's failure).
    @Test func theThreeTablesLoadCompletely() throws {
        _ = try GraphvizLibrary.shared.get()
        _ = try UnboundLibrary.shared.get()
        _ = try MaxMindLibrary.shared.get()
    }
}
