import HopTraceCore

/// The wording of `--version` and `hoptrace version --verbose`.
enum VersionText {
    /// `0.1.0 (commit 55ecd39a1b2c)`: the version first, so the line's first word is all a
    /// script needs; "commit unknown" when the build was not made from a git work tree.
    static func line(commit: String?, modified: Bool) -> String {
        guard let commit else { return "\(Release.version) (commit unknown)" }
        return "\(Release.version) (commit \(commit.prefix(12))\(modified ? ", modified" : ""))"
    }

    /// The lines after the first with --verbose: where the Swift runtime is; each C library,
    /// what needs it, its Debian packages, and whether it loads here (else the loader's reason);
    /// then the Public Suffix List's source.
    static func details(
        sharedSwiftRuntime: Bool, libraries: [(RuntimeLibrary, DynamicLibraryError?)], systemSuffixList: Bool
    ) -> [String] {
        var lines = [
            sharedSwiftRuntime
                ? "Swift runtime: the toolchain's shared libraries (libswiftCore.so), "
                    + "so this build needs Swift installed"
                : "Swift runtime: built into the executable",
            "C libraries, each opened only when a feature needs it:",
        ]
        for (library, problem) in libraries {
            let state = problem.map { "not found: \(TerminalText.sanitize($0.description))" } ?? "found"
            let sonames = library.sonames.joined(separator: ", ")
            let packages = library.debianPackages.joined(separator: ", ")
            lines.append("  \(library.name) (\(sonames); Debian \(packages)) for \(library.purpose): \(state)")
        }
        lines.append(
            systemSuffixList
                ? "Public Suffix List: \(PublicSuffixList.systemPath) (Debian package publicsuffix)"
                : "Public Suffix List: the copy built in "
                    + "(\(PublicSuffixList.systemPath) not found: Debian package publicsuffix)"
        )
        return lines
    }
}
