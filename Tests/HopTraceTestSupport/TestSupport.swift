import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Helpers shared by the test targets: where the package is, and running the built `hoptrace`
/// binary as a user would.
/// `kill(2)`, named apart from the work item that calls it.
private func killProcess(_ pid: pid_t, _ signal: Int32) -> Int32 { kill(pid, signal) }

public enum TestSupport {
    /// The package root (this file is `<root>/Tests/HopTraceTestSupport/TestSupport.swift`).
    public static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The binary built beside the test bundle (same scratch path and configuration).
    public static var binary: URL {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // On Linux the test runner is `<bin>/hoptracePackageTests.xctest`; walk up until a
        // folder holds the `hoptrace` executable.
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("hoptrace")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return packageRoot.appendingPathComponent(".build/debug/hoptrace")
    }

    public struct Run: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// Runs the binary with standard input from `stdin` (or empty), collecting both outputs.
    public static func run(_ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:]) throws -> Run
    {
        try runProcess(binary, arguments, stdin: stdin, environment: environment)
    }

    /// Runs `executable` with standard input from `stdin` (or empty), collecting both outputs;
    /// killed after `timeout` seconds when one is given.
    public static func runProcess(
        _ executable: URL, _ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:],
        timeout: Double? = nil
    ) throws -> Run {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        // Read both pipes concurrently so a large output cannot dead-lock the child.
        nonisolated(unsafe) var outData = Data()
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            outData = out.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        var timer: DispatchWorkItem?
        if let timeout {
            let pid = process.processIdentifier
            let kill = DispatchWorkItem { _ = killProcess(pid, SIGKILL) }
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: kill)
            timer = kill
        }
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        group.wait()
        process.waitUntilExit()
        timer?.cancel()
        return Run(
            status: process.terminationStatus,
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }

    /// A new temporary folder for one test (tests write only there).
    public static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hoptrace-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    public static func temporaryFile(_ name: String, _ bytes: [UInt8]) throws -> URL {
        let url = try temporaryDirectory().appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }
}
