import ArgumentParser
import Foundation
import HopTraceTestSupport
import Testing

@testable import hoptrace

/// `--version`, `hoptrace version --verbose`, and the examples the help and the man page show.
struct VersionCommandTests {
    static var versionLine: Regex<(Substring, Substring, Substring, Substring?)> {
        #/^(\d+\.\d+\.\d+) \(commit ([0-9a-f]{12}(, modified)?|unknown)\)$/#
    }

    @Test func theVersionLineNamesTheVersionThenTheCommit() {
        #expect(VersionText.line(commit: nil, modified: false) == "\(Release.version) (commit unknown)")
        let commit = "55ecd39a1b2c3d4e5f60718293a4b5c6d7e8f901"
        #expect(VersionText.line(commit: commit, modified: false) == "\(Release.version) (commit 55ecd39a1b2c)")
        #expect(
            VersionText.line(commit: commit, modified: true) == "\(Release.version) (commit 55ecd39a1b2c, modified)")
    }

    @Test func versionPrintsOneParseableLine() throws {
        let run = try TestSupport.run(["--version"])
        #expect(run.status == 0)
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count == 1)
        let match = try #require(try Self.versionLine.wholeMatch(in: String(lines[0])), "\(run.stdout)")
        #expect(match.output.1 == Release.version)
    }

    /// Built from a git work tree, the binary names a commit of this repository (the build
    /// may be older than HEAD, so not necessarily HEAD itself).
    @Test func aBuildFromAGitWorkTreeNamesOneOfItsCommits() throws {
        let root = TestSupport.packageRoot
        guard FileManager.default.fileExists(atPath: root.appendingPathComponent(".git").path),
            let head = try? Self.git(["rev-parse", "HEAD"], in: root), !head.isEmpty
        else { return }
        let run = try TestSupport.run(["--version"])
        let line = run.stdout.trimmingCharacters(in: .newlines)
        let match = try #require(try Self.versionLine.wholeMatch(in: line), "\(line)")
        let commit = String(match.output.2.prefix(12))
        #expect(commit != "unknown", "a build in a git work tree says which commit")
        #expect(try Self.git(["cat-file", "-t", commit], in: root) == "commit")
    }

    @Test func versionDashDashVerboseIsTheVersionSubcommandWithVerbose() throws {
        #expect(HopTrace.versionArguments(["--version", "--verbose"]) == ["version", "--verbose"])
        #expect(HopTrace.versionArguments(["--verbose", "--version"]) == ["version", "--verbose"])
        #expect(HopTrace.versionArguments(["--version"]) == ["--version"])
        #expect(HopTrace.versionArguments(["x.eml", "--verbose"]) == ["x.eml", "--verbose"])
        let flags = try TestSupport.run(["--version", "--verbose"])
        let command = try TestSupport.run(["version", "--verbose"])
        #expect(flags.status == 0 && command.status == 0)
        #expect(flags.stdout == command.stdout)
        #expect(try TestSupport.run(["version"]).stdout == (try TestSupport.run(["--version"]).stdout))
    }

    /// Every library, its sonames and Debian packages, and whether it loads; this build (the
    /// test's, linked to the toolchain's runtime) says so about the Swift runtime.
    @Test func verboseNamesEachLibraryItsPackagesAndWhetherItLoads() throws {
        let run = try TestSupport.run(["version", "--verbose"])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3 + RuntimeLibrary.all.count + 1, "\(run.stdout)")
        #expect(lines[1].hasPrefix("Swift runtime: the toolchain's shared libraries"), "\(lines[1])")
        for library in RuntimeLibrary.all {
            let line = try #require(lines.first { $0.hasPrefix("  \(library.name) (") }, "\(run.stdout)")
            for name in library.sonames + library.debianPackages { #expect(line.contains(name), "\(line)") }
            // scripts/setup installs all three, so each loads on a machine that ran it.
            #expect(line.hasSuffix(": found"), "\(line)")
        }
        #expect(lines.last?.hasPrefix("Public Suffix List: ") == true)
    }

    /// The packages named are the ones holding the sonames (checked where dpkg is).
    @Test func eachDebianPackageHoldsItsLibrary() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/dpkg-query") else { return }
        for library in RuntimeLibrary.all {
            for (soname, package) in zip(library.sonames, library.debianPackages) {
                let files = try Self.run("/usr/bin/dpkg-query", ["-L", package])
                #expect(
                    files.split(separator: "\n").contains { $0.hasSuffix("/" + soname) },
                    "\(package) has no \(soname)")
            }
        }
    }

    @Test func aMissingLibraryIsNamedWithTheLoadersReason() {
        let missing = RuntimeLibrary(
            name: "libnothing", sonames: ["libnothing.so.9"], debianPackages: ["libnothing9"], purpose: "nothing",
            problem: { nil })
        let lines = VersionText.details(
            sharedSwiftRuntime: false,
            libraries: [
                (
                    missing,
                    .libraryNotLoaded(library: "libnothing", tried: ["libnothing.so.9"], reasons: ["gone\u{1B}[2J"])
                )
            ],
            systemSuffixList: false)
        #expect(lines[0] == "Swift runtime: built into the executable")
        #expect(
            lines[2]
                == "  libnothing (libnothing.so.9; Debian libnothing9) for nothing: not found: cannot load libnothing (tried libnothing.so.9): gone\\x1B[2J"
        )
        #expect(lines[3].contains("the copy built in"))
    }

    /// Each example of the help and the man page is a command line the definitions accept
    /// (the shell's redirections and pipes left out).
    @Test func everyExampleParses() throws {
        let commands = HopTrace.configuration.subcommands.map { $0.configuration.commandName ?? "" }
        #expect(Set(HelpText.examples.keys) == Set(commands), "an example for every subcommand")
        for (_, examples) in HelpText.examples {
            for example in examples {
                var words = example.command.split(separator: " ").map(String.init)
                #expect(words.removeFirst() == "hoptrace")
                if let end = words.firstIndex(where: { [">", "<", "|"].contains($0) }) { words = Array(words[..<end]) }
                #expect(throws: Never.self, "\(example.command)") { _ = try HopTrace.parseAsRoot(words) }
            }
        }
    }

    @Test func helpShowsTheExamplesAndTheExitStatuses() throws {
        let root = try TestSupport.run(["--help"])
        #expect(root.stdout.contains("Exit status:\n  0\n"), "\(root.stdout)")
        let spf = try TestSupport.run(["spf", "--help"])
        #expect(spf.stdout.contains("Examples:\n  hoptrace spf 192.0.2.1 example.com"), "\(spf.stdout)")
    }

    static func git(_ arguments: [String], in directory: URL) throws -> String {
        try run("/usr/bin/env", ["git", "-C", directory.path] + arguments)
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
