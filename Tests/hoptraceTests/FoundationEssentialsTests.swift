import Foundation
import HopTraceTestSupport
import Testing

#if canImport(Glibc)
private let glibcLoader = true
#else
private let glibcLoader = false
#endif

/// The executable imports FoundationEssentials, never full Foundation: on Linux, full Foundation
/// loads libFoundation, libFoundationInternationalization and ICU at every start (~2.4 ms),
/// for APIs hoptrace does not need. A dependency or a new `import Foundation` under Sources/
/// would bring them back without any test failing but this one. Checked through glibc's loader
/// trace (`LD_DEBUG=files`, see `LazyLibraryTests`); skipped where the C library is not glibc.
@Suite(.enabled(if: glibcLoader, "needs glibc's loader (LD_DEBUG)"))
struct FoundationEssentialsTests {
    static let fullFoundation = ["libFoundation", "libFoundationInternationalization", "lib_FoundationICU"]

    /// Start-up alone, each command's ordinary run (a whole analysis with DKIM, ARC and SPF
    /// replayed from a snapshot, hops, map, an SPF batch), and an error exit.
    @Test(arguments: [
        ["--version"],
        ["SAMPLE", "--dns-snapshot", "SNAPSHOT", "--json"],
        ["hops", "MESSAGE", "--jsonl"],
        ["map", "MESSAGE"],
        ["spf", "--batch", "EMPTY"],
        ["/nonexistent/hoptrace/x.eml"],
    ])
    func loadsNoneOfFullFoundationsLibraries(_ arguments: [String]) throws {
        let message = try TestSupport.temporaryFile("m.eml", CommandLineTests.simpleMessage)
        let empty = try TestSupport.temporaryFile("empty.batch", Array("\n".utf8))
        let samples = TestSupport.packageRoot.appendingPathComponent("samples")
        let replace = [
            "MESSAGE": message.path, "EMPTY": empty.path,
            "SAMPLE": samples.appendingPathComponent("forward-arc.eml").path,
            "SNAPSHOT": samples.appendingPathComponent("forward-arc.zone").path,
        ]
        let (run, names) = try LazyLibraryTests.traced(arguments.map { replace[$0] ?? $0 })
        #expect(run.status == (arguments[0].hasPrefix("/nonexistent") ? 74 : 0), "\(run.stdout.prefix(500))")
        #expect(LazyLibraryTests.isLoaded("libFoundationEssentials", names), "the trace names the libraries loaded")
        for library in Self.fullFoundation {
            #expect(
                !LazyLibraryTests.isLoaded(library, names),
                "\(library) loaded by hoptrace \(arguments.joined(separator: " "))")
        }
    }
}
