import HopTraceCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A DNS server: address and port, written `IP@PORT` as libunbound takes it.
struct ServerAddress: Sendable, Hashable, CustomStringConvertible {
    var ip: IPAddress
    var port: UInt16

    /// `IP` or `IP@PORT`.
    init?(_ text: String) {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count <= 2, let ip = IPAddress(parts[0]) else { return nil }
        var port: UInt16 = 53
        if parts.count == 2 {
            guard let p = UInt16(parts[1]), p > 0 else { return nil }
            port = p
        }
        self.ip = ip
        self.port = port
    }

    init(ip: IPAddress, port: UInt16) {
        self.ip = ip
        self.port = port
    }

    var description: String { "\(ip)@\(port)" }

    /// The `nameserver` lines of a resolv.conf (zone-scoped IPv6 addresses are skipped:
    /// libunbound cannot forward to them). With none, glibc asks 127.0.0.1, and so does this.
    static func fromResolvConf(_ path: String) -> [ServerAddress] {
        let text = (try? FileBytes.read(path, maxBytes: 1 << 20)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        var servers: [ServerAddress] = []
        for line in text.split(whereSeparator: \.isNewline) {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard words.count >= 2, words[0] == "nameserver", !words[1].contains("%"),
                let ip = IPAddress(words[1])
            else { continue }
            servers.append(ServerAddress(ip: ip, port: 53))
        }
        return servers.isEmpty ? [ServerAddress(ip: .v4(0x7f00_0001), port: 53)] : servers
    }

    enum ProbeOutcome: Sendable, Hashable {
        case success
        case failure(String)
    }

    /// Sends one `. NS` query and waits up to `timeout` for any reply with its id. Blocking:
    /// call it on a dedicated thread.
    func probe(timeout: Duration) -> ProbeOutcome {
        var storage = sockaddr_storage()
        /// Puts `address` at the start of `storage`; its size is the length `connect` takes.
        func store<Address>(_ address: Address) -> socklen_t {
            withUnsafeMutableBytes(of: &storage) { $0.storeBytes(of: address, as: Address.self) }
            return socklen_t(MemoryLayout<Address>.size)
        }
        let length: socklen_t
        let family: Int32
        switch ip {
        case .v4(let v):
            family = AF_INET
            var sin = sockaddr_in()
            sin.sin_family = sa_family_t(AF_INET)
            sin.sin_port = port.bigEndian
            sin.sin_addr.s_addr = v.bigEndian
            length = store(sin)
        case .v6(let hi, let lo):
            family = AF_INET6
            var sin6 = sockaddr_in6()
            sin6.sin6_family = sa_family_t(AF_INET6)
            sin6.sin6_port = port.bigEndian
            withUnsafeMutableBytes(of: &sin6.sin6_addr) { a in
                for i in 0..<8 {
                    a[i] = UInt8(truncatingIfNeeded: hi >> (56 - 8 * UInt64(i)))
                    a[8 + i] = UInt8(truncatingIfNeeded: lo >> (56 - 8 * UInt64(i)))
                }
            }
            length = store(sin6)
        }
        #if canImport(Glibc)
        let fd = socket(family, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let fd = socket(family, SOCK_DGRAM, 0)
        #endif
        guard fd >= 0 else { return .failure("no socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let connected = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, length) }
        }
        guard connected == 0 else { return .failure(String(cString: strerror(errno))) }
        let id = UInt16.random(in: 0...UInt16.max)
        // Header: id, RD, one question; question: root, type NS, class IN.
        let query: [UInt8] = [UInt8(id >> 8), UInt8(id & 0xff), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 1]
        guard query.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) == query.count else {
            return .failure(String(cString: strerror(errno)))
        }
        let deadline = ContinuousClock.now.advanced(by: timeout)
        var reply = [UInt8](repeating: 0, count: 512)
        while true {
            let remaining = ContinuousClock.now.duration(to: deadline)
            let ms = remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000
            guard ms > 0 else { return .failure("no answer within \(LiveResolver.format(timeout))") }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, Int32(min(ms, 60_000)))
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { return .failure("no answer within \(LiveResolver.format(timeout))") }
            let n = reply.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == ECONNREFUSED { return .failure("connection refused (nothing listens there)") }
                return .failure(String(cString: strerror(errno)))
            }
            // Any reply to our id counts, whatever its rcode: the server is there (an
            // authoritative-only server answers REFUSED for the root, and is still usable as a
            // forwarder for its zones). One exception: NXDOMAIN for the root zone, which no
            // working resolver can say. Sandboxed and air-gapped machines often run a stub that
            // answers NXDOMAIN to everything; trusting it would turn every SPF check into "none".
            if n >= 12 && reply[0] == UInt8(id >> 8) && reply[1] == UInt8(id & 0xff) && reply[2] & 0x80 != 0 {
                if reply[3] & 0x0F == 3 {
                    return .failure(
                        "it answers NXDOMAIN even for the root zone, so it is not a working resolver (no DNS beyond this machine)"
                    )
                }
                return .success
            }
        }
    }
}
