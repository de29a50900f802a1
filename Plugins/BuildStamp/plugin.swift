import Foundation
import PackagePlugin

/// Writes `BuildStamp.swift` into the hoptrace target at every build: the git commit the
/// package directory is checked out at, and whether tracked files differ from it, so that
/// `hoptrace --version` names the commit of a plain `swift build`. Outside a git work tree
/// (a source tarball), or without git, the commit is nil and the version says "commit
/// unknown".
///
/// A prebuild command, so it runs before every build (git is cheap here: `rev-parse` and a
/// `status` that takes no lock). The file is replaced only when its text changes, so an
/// unchanged commit does not recompile the target.
@main
struct BuildStamp: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("generated")
        let scratch = context.pluginWorkDirectoryURL.appendingPathComponent("scratch")
        return [
            .prebuildCommand(
                displayName: "Stamping the git commit into \(target.name)",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: [
                    "-c", Self.script, "build-stamp", context.package.directoryURL.path, output.path, scratch.path,
                ],
                outputFilesDirectory: output)
        ]
    }

    /// `$1` the package directory, `$2` the output directory, `$3` a scratch directory.
    /// The commit counts only when the package directory is the work tree's top, so a source
    /// tarball unpacked inside some other repository is not stamped with that repository's commit.
    static let script = #"""
        set -u
        root=$(cd "$1" && pwd -P)
        mkdir -p "$2" "$3"
        commit=""
        modified=false
        top=$(git -C "$root" rev-parse --show-toplevel 2>/dev/null) || top=""
        if [ -n "$top" ] && [ "$(cd "$top" && pwd -P)" = "$root" ]; then
            commit=$(git -C "$root" rev-parse --verify --quiet HEAD 2>/dev/null) || commit=""
            if [ -n "$commit" ] && [ -n "$(git --no-optional-locks -C "$root" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
                modified=true
            fi
        fi
        case "$commit" in *[!0-9a-f]*) commit="" ;; esac
        if [ -n "$commit" ]; then value="\"$commit\""; else value="nil"; fi
        cat > "$3/BuildStamp.swift" <<SWIFT
        // Generated at build time by Plugins/BuildStamp: the commit this build was made from.
        enum BuildStamp {
            /// The full commit id, or nil when the sources were not a git work tree.
            static let commit: String? = $value
            /// Whether tracked files differed from that commit.
            static let modified = $modified
        }
        SWIFT
        if cmp -s "$3/BuildStamp.swift" "$2/BuildStamp.swift"; then
            rm -f "$3/BuildStamp.swift"
        else
            mv "$3/BuildStamp.swift" "$2/BuildStamp.swift"
        fi
        """#
}
