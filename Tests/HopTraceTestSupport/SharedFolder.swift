import Foundation
import Testing

/// `../shared` beside the checkout: the conformance suites and the real-world corpus, kept
/// outside the package (read-only). A test that reads it carries `.requiresShared(path)`.
///
/// Where the folder or the file is absent the test does not run: it is skipped, with the
/// missing path in the skip message, or, when the environment has `CI=true`, it fails (CI
/// always has the folder beside its clone, so an absent one means the suites silently ran
/// nowhere).
public enum SharedFolder {
    /// `<package root>/../shared`.
    public static let root = TestSupport.packageRoot.deletingLastPathComponent().appendingPathComponent("shared")

    /// `../shared/<relative>`.
    public static func url(_ relative: String) -> URL { root.appendingPathComponent(relative) }

    /// `../shared/<relative>`, as a path.
    public static func path(_ relative: String) -> String { url(relative).path }

    /// Whether `../shared/<relative>` exists.
    public static func contains(_ relative: String) -> Bool {
        FileManager.default.fileExists(atPath: path(relative))
    }

    /// Whether this run is CI's (`CI=true`), where a missing folder is a failure.
    static var underCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// Why a test that needs `../shared/<relative>` cannot run, or nil when it can.
    static func missing(_ relative: String) -> String? {
        guard FileManager.default.fileExists(atPath: root.path) else {
            return "../shared is missing: the conformance suites did not run; CI needs it beside the clone"
        }
        guard contains(relative) else {
            return "../shared/\(relative) is missing: the conformance suites did not run; CI needs it beside the clone"
        }
        return nil
    }

    /// What a test that needs the folder reports when it cannot run under CI.
    public struct Missing: Error, CustomStringConvertible {
        public var description: String
    }
}

extension Trait where Self == ConditionTrait {
    /// Runs the test (or every test of the suite) only when `../shared/<relative>` exists;
    /// otherwise skips it with the missing path, or fails it when `CI=true` (`SharedFolder`).
    public static func requiresShared(_ relative: String, sourceLocation: SourceLocation = #_sourceLocation) -> Self {
        .enabled("../shared/\(relative) is absent: skipped (CI=true fails instead)", sourceLocation: sourceLocation) {
            guard let reason = SharedFolder.missing(relative) else { return true }
            if SharedFolder.underCI { throw SharedFolder.Missing(description: reason) }
            return false
        }
    }
}
