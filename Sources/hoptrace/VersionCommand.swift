import ArgumentParser
import HopTraceCore
import HopTraceDNS
import HopTraceGeo
import HopTraceGraphviz

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The release this source tree is (CHANGELOG.md), and the commit the build was made from
/// (`BuildStamp`, written at build time by Plugins/BuildStamp).
enum Release {
    static let version = "0.1.0"
}

/// A C library the executable opens at run time when a feature needs it: what for, the
/// sonames it opens, the Debian package that has them, and whether they open here.
struct RuntimeLibrary: Sendable {
    let name: String
    let sonames: [String]
    let debianPackages: [String]
    let purpose: String
    /// Why it cannot be used on this machine, or nil when it can (opens it).
    let problem: @Sendable () -> DynamicLibraryError?

    /// The sonames are the ones `GraphvizLibrary`, `UnboundLibrary` and `MaxMindLibrary`
    /// open; `VersionCommandTests` checks each package against the installed files.
    static let all: [RuntimeLibrary] = [
        RuntimeLibrary(
            name: "Graphviz", sonames: ["libgvc.so.6", "libcgraph.so.6"], debianPackages: ["libgvc6", "libcgraph6"],
            purpose: "--dot diagrams", problem: { GraphvizAvailability.problem }),
        RuntimeLibrary(
            name: "libunbound", sonames: ["libunbound.so.8"], debianPackages: ["libunbound8"],
            purpose: "live DNS (SPF, DKIM and DMARC replays without --dns-snapshot or --offline)",
            problem: { UnboundAvailability.problem }),
        RuntimeLibrary(
            name: "libmaxminddb", sonames: ["libmaxminddb.so.0"], debianPackages: ["libmaxminddb0"],
            purpose: "GeoIP and ASN databases (--geoip-db, --asn-db)", problem: { MaxMindAvailability.problem }),
    ]
}

extension RuntimeLibrary {
    /// The Swift runtime's shared library, loaded at start by a build that does not link it in
    /// (`--static-swift-stdlib` does).
    #if canImport(Darwin)
    static let swiftRuntime = "/usr/lib/swift/libswiftCore.dylib"
    #else
    static let swiftRuntime = "libswiftCore.so"
    #endif

    /// Whether the process has already loaded `library` (`dlopen` with `RTLD_NOLOAD` opens nothing).
    static func isLoaded(_ library: String) -> Bool {
        guard let handle = dlopen(library, RTLD_NOW | RTLD_NOLOAD) else { return false }
        dlclose(handle)
        return true
    }
}

/// `hoptrace version [--verbose]`; `hoptrace --version --verbose` runs it too (`HopTrace.main`).
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Print the version and the commit of the build; with --verbose, the C libraries it uses.",
        discussion: """
            The first line is the same as --version's: the version, then the commit in parentheses \
            ("commit unknown" when the build was not made from a git work tree; ", modified" when \
            tracked files differed from the commit). With --verbose, the lines after it name the C \
            libraries hoptrace opens only when a feature needs them, the Debian package of each, \
            and whether each can be loaded on this machine, and where the Public Suffix List is \
            read from.
            """ + HelpText.examples(for: "version")
    )

    @Flag(help: "Also name the C libraries, their Debian packages, and whether each is found here.")
    var verbose = false

    func run() throws {
        var lines = [VersionText.line(commit: BuildStamp.commit, modified: BuildStamp.modified)]
        if verbose {
            lines += VersionText.details(
                sharedSwiftRuntime: RuntimeLibrary.isLoaded(RuntimeLibrary.swiftRuntime),
                libraries: RuntimeLibrary.all.map { ($0, $0.problem()) },
                systemSuffixList: PublicSuffixList(contentsOfFile: PublicSuffixList.systemPath) != nil)
        }
        try StandardOutput.write(lines.joined(separator: "\n") + "\n")
    }
}
