import Foundation

@testable import HopTraceDNS

/// A real authoritative server (NLnet Labs nsd) on 127.0.0.1, on a free port, with its config
/// and zones in a temporary directory. Started and stopped by the test that needs it; it
/// never listens beyond loopback.
public final class NSDServer: @unchecked Sendable {
    // @unchecked: set up once in `start`, then only read; `stop` is called once by the owner.
    public static let path = ["/usr/sbin/nsd", "/usr/bin/nsd", "/usr/local/sbin/nsd"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }
    public static var available: Bool { path != nil }

    public let directory: URL
    public let port: UInt16
    private let process: SpawnedProcess

    /// `127.0.0.1@PORT`, as `--resolver` and `LiveResolver.Options.forwarder` take it.
    public var forwarder: String { "127.0.0.1@\(port)" }

    public struct Zone: Sendable {
        public var name: String
        /// File name inside the directory (already written there).
        public var file: String

        public init(name: String, file: String) {
            self.name = name
            self.file = file
        }
    }

    private init(directory: URL, port: UInt16, process: SpawnedProcess) {
        self.directory = directory
        self.port = port
        self.process = process
    }

    /// Starts nsd serving `zones` (files already in `directory`) and waits until it answers.
    public static func start(in directory: URL, zones: [Zone]) throws -> NSDServer {
        guard let nsd = path else { throw Failure("nsd not installed") }
        var lastError = "nsd did not start"
        for _ in 0..<5 {
            let port = try freePort()
            let dir = directory.path
            var conf = """
                server:
                    ip-address: 127.0.0.1
                    port: \(port)
                    do-ip6: no
                    server-count: 1
                    username: ""
                    chroot: ""
                    zonesdir: "\(dir)"
                    database: ""
                    zonelistfile: "\(dir)/zone.list"
                    xfrdfile: "\(dir)/xfrd.state"
                    xfrdir: "\(dir)"
                    pidfile: "\(dir)/nsd.pid"
                    logfile: "\(dir)/nsd.log"
                    verbosity: 1
                remote-control:
                    control-enable: no

                """
            for zone in zones {
                conf += "zone:\n    name: \(zone.name)\n    zonefile: \(zone.file)\n"
            }
            let confPath = directory.appendingPathComponent("nsd.conf")
            try conf.write(to: confPath, atomically: true, encoding: .utf8)
            let process = try SpawnedProcess(nsd, ["-d", "-c", confPath.path])
            let server = NSDServer(directory: directory, port: port, process: process)
            // Ready when it answers a query (about 1 s); give up after 10 s or if it exits.
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline && process.isRunning {
                if case .success = ServerAddress(ip: .v4(0x7f00_0001), port: port).probe(timeout: .milliseconds(200)) {
                    return server
                }
                Thread.sleep(forTimeInterval: 0.1)
            }
            lastError =
                (try? String(contentsOf: directory.appendingPathComponent("nsd.log"), encoding: .utf8)) ?? lastError
            server.stop()
        }
        throw Failure("nsd did not start: \(lastError)")
    }

    /// TERM by PID, then wait for it (nsd's workers exit with it).
    public func stop() {
        process.stop()
    }

    /// A port free for UDP and TCP on 127.0.0.1 right now (bind to 0, read it, close).
    public static func freePort() throws -> UInt16 {
        for _ in 0..<20 {
            let udp = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
            defer { close(udp) }
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
            addr.sin_port = 0
            var len = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { p -> Bool in
                    bind(udp, p, len) == 0 && getsockname(udp, p, &len) == 0
                }
            }
            guard bound else { continue }
            let port = UInt16(bigEndian: addr.sin_port)
            // The same port must be free for TCP too (nsd listens on both).
            let tcp = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(tcp) }
            let tcpFree = withUnsafeMutablePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(tcp, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                }
            }
            if tcpFree { return port }
        }
        throw Failure("no free port on 127.0.0.1")
    }

    /// Why nsd could not be started.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }
}

/// A child process started with `posix_spawn`, with the signal mask and dispositions reset.
/// Foundation's `Process` starts children with SIGTERM blocked here, so nsd ignored TERM and
/// every stop took the full grace period.
final class SpawnedProcess: @unchecked Sendable {
    // @unchecked: `pid` is immutable; `exited` is only touched by the owning test's thread.
    let pid: pid_t
    private var exited = false

    init(_ path: String, _ arguments: [String]) throws {
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attr, &empty)
        posix_spawnattr_setsigdefault(&attr, &all)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        let rc = posix_spawn(&pid, path, &actions, &attr, argv, environ)
        guard rc == 0 else { throw NSDServer.Failure("cannot start \(path): \(String(cString: strerror(rc)))") }
        self.pid = pid
    }

    var isRunning: Bool {
        if exited { return false }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid { exited = true }
        return !exited
    }

    /// TERM, wait up to 10 s, then KILL; always reaps.
    func stop() {
        guard isRunning else { return }
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(10)
        while isRunning && Date() < deadline { usleep(20_000) }
        if isRunning {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            exited = true
        }
    }
}
