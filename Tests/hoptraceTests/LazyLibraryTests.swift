import Foundation
import HopTraceTestSupport
import Testing

#if canImport(Glibc)
private let glibcLoader = true
#else
private let glibcLoader = false
#endif

/// The executable opens Graphviz, libunbound and libmaxminddb at first use, not at start
/// (HopTraceCore's `DynamicLibrary`), and a library that cannot be loaded fails the way the
/// feature's other failures do. Checked through glibc's loader: `LD_DEBUG=files` traces every
/// object loaded, and a directory on `LD_LIBRARY_PATH` holding empty files under the libraries'
/// sonames makes them fail to load ("file too short"). Skipped where the C library is not glibc.
@Suite(.enabled(if: glibcLoader, "needs glibc's loader (LD_DEBUG, LD_LIBRARY_PATH)"))
struct LazyLibraryTests {
    static let lazyLibraries = ["libgvc", "libcgraph", "libcdt", "libunbound", "libmaxminddb"]

    /// The objects a run loaded, from trace lines such as
    /// `  1234:\tfile=libgvc.so.6 [0];  dynamically loaded by …`.
    static func loaded(_ trace: String) -> Set<String> {
        var names: Set<String> = []
        for line in trace.split(separator: "\n") {
            guard let start = line.range(of: "\tfile=")?.upperBound else { continue }
            names.insert(String(line[start...].prefix { $0 != " " }))
        }
        return names
    }

    static func isLoaded(_ library: String, _ names: Set<String>) -> Bool {
        names.contains { $0.hasPrefix(library + ".") }
    }

    static func traced(_ arguments: [String]) throws -> (TestSupport.Run, Set<String>) {
        let run = try TestSupport.run(arguments, environment: ["LD_DEBUG": "files"])
        let names = loaded(run.stderr)
        // The trace is there at all: otherwise the checks below would pass for nothing.
        #expect(names.contains { $0.hasPrefix("libc.so") }, "no loader trace on standard error")
        return (run, names)
    }

    @Test(arguments: [["--version"], ["hops", "MESSAGE"], ["spf", "--batch", "EMPTY"]])
    func startingLoadsNoneOfThem(_ arguments: [String]) throws {
        let message = try TestSupport.temporaryFile("m.eml", CommandLineTests.simpleMessage)
        let empty = try TestSupport.temporaryFile("empty.batch", Array("\n".utf8))
        let args = arguments.map { $0 == "MESSAGE" ? message.path : $0 == "EMPTY" ? empty.path : $0 }
        let (run, names) = try Self.traced(args)
        #expect(run.status == 0)
        for library in Self.lazyLibraries {
            #expect(!Self.isLoaded(library, names), "\(library) loaded by hoptrace \(arguments.joined(separator: " "))")
        }
    }

    @Test func drawingLoadsGraphvizAndNothingElse() throws {
        let message = try TestSupport.temporaryFile("m.eml", CommandLineTests.simpleMessage)
        let out = message.deletingLastPathComponent().appendingPathComponent("out.svg")
        let (run, names) = try Self.traced([message.path, "--offline", "--dot", out.path])
        #expect(run.status == 0)
        #expect(FileManager.default.fileExists(atPath: out.path))
        #expect(Self.isLoaded("libgvc", names))
        #expect(!Self.isLoaded("libunbound", names))
        #expect(!Self.isLoaded("libmaxminddb", names))
    }

    /// Runs hoptrace with the three libraries replaced by empty files.
    static func withBrokenLibraries(_ arguments: [String]) throws -> TestSupport.Run {
        let dir = try TestSupport.temporaryDirectory()
        for soname in ["libgvc.so.6", "libcgraph.so.6", "libunbound.so.8", "libmaxminddb.so.0"] {
            try Data().write(to: dir.appendingPathComponent(soname))
        }
        let inherited = ProcessInfo.processInfo.environment["LD_LIBRARY_PATH"].map { ":" + $0 } ?? ""
        return try TestSupport.run(arguments, environment: ["LD_LIBRARY_PATH": dir.path + inherited])
    }

    @Test func aGraphvizThatCannotBeLoadedIsARenderFailure() throws {
        let message = try TestSupport.temporaryFile("m.eml", CommandLineTests.simpleMessage)
        let out = message.deletingLastPathComponent().appendingPathComponent("out.svg")
        let run = try Self.withBrokenLibraries([message.path, "--offline", "--dot", out.path])
        #expect(run.status == 74)
        #expect(run.stderr.split(separator: "\n").count == 1)
        #expect(run.stderr.contains("\(out.path): Graphviz is not available: cannot load libgvc (tried libgvc.so.6): "))
        #expect(run.stderr.contains("file too short"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test func aLibunboundThatCannotBeLoadedIsLiveDNSUnavailable() throws {
        // Fails before any query: nothing is sent, not even to the loopback address named.
        let run = try Self.withBrokenLibraries(["spf", "192.0.2.1", "example.com", "--resolver", "127.0.0.1@9"])
        #expect(run.status == 69)
        #expect(run.stderr.split(separator: "\n").count == 1)
        #expect(run.stderr.contains("live DNS unavailable: cannot load libunbound (tried libunbound.so.8): "))
        #expect(run.stderr.contains("file too short"))
    }

    @Test func aLibmaxminddbThatCannotBeLoadedIsAGeoIPWarning() throws {
        let message = try TestSupport.temporaryFile("m.eml", CommandLineTests.simpleMessage)
        let database = try TestSupport.temporaryFile("city.mmdb", Array("not opened".utf8))
        let run = try Self.withBrokenLibraries([message.path, "--offline", "--geoip-db", database.path, "--json"])
        #expect(run.status == 0)
        #expect(run.stdout.hasPrefix("{"))
        #expect(
            run.stderr.contains(
                "GeoIP city/country database not used: \(database.path): cannot be opened: cannot load libmaxminddb (tried libmaxminddb.so.0): "
            ))
    }
}
