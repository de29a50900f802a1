import CUnbound
import HopTraceCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The live resolver: libunbound, validating DNSSEC when it has a trust anchor, reporting each
/// answer's status (secure, insecure, bogus), with a per-query timeout it enforces itself.
///
/// Offline use never stalls: when a query fails, the resolver checks whether any DNS server
/// answers at all (`probe`); if none does, that query and every query for the next
/// `offlineRecheck` return `.timeout` at once with the reason "no DNS server reachable: …".
///
/// How it runs: queries go to libunbound with `ub_resolve_async` (libunbound resolves in its
/// own thread; `ub_ctx_async(ctx, 1)`, since the default forks the process). Answers are
/// delivered only inside `ub_process`, which one dedicated pthread calls whenever `ub_fd`
/// is readable; the same thread expires queries past their deadline. So callers only await
/// a continuation and never block the cooperative pool.
public final class LiveResolver: DNSResolver {
    public struct Options: Sendable, Hashable {
        /// `IP[@PORT]`: forward every query to this server. nil: the servers in `resolvConf`.
        public var forwarder: String?
        /// The system resolver configuration read when there is no forwarder.
        public var resolvConf = "/etc/resolv.conf"
        /// Extra trust anchors: DS or DNSKEY lines in master-file syntax.
        public var trustAnchors: [String] = []
        /// Also use the root trust anchor of Debian's `dns-root-data` when the file exists.
        /// Turn it off when forwarding to a server that does not serve DNSSEC data for the
        /// root (a test server): every answer would be bogus.
        public var useSystemTrustAnchor = true
        /// Per query, as hoptrace waits for it.
        public var timeout: Duration = .seconds(3)
        /// Zones libunbound would answer itself (its built-in local zones: `test`, `invalid`,
        /// `onion`, RFC 1918 and documentation reverse zones…) that should be asked upstream.
        public var transparentZones: [String] = []
        /// `val-override-date` (YYYYMMDDhhmmss): validate signatures as of this date, so
        /// pre-signed test fixtures stay valid.
        public var validationDate: String?

        public init(
            forwarder: String? = nil, trustAnchors: [String] = [], useSystemTrustAnchor: Bool = true,
            timeout: Duration = .seconds(3), transparentZones: [String] = []
        ) {
            self.forwarder = forwarder
            self.trustAnchors = trustAnchors
            self.useSystemTrustAnchor = useSystemTrustAnchor
            self.timeout = timeout
            self.transparentZones = transparentZones
        }
    }

    /// Where Debian's `dns-root-data` puts the root key.
    public static let systemTrustAnchorPath = "/usr/share/dns/root.key"
    /// How long "no DNS server reachable" is believed before the servers are probed again.
    public static let offlineRecheck: Duration = .seconds(30)
    /// How long `probe` waits for each server.
    public static let probeTimeout: Duration = .milliseconds(1500)

    public let options: Options
    /// The servers asked, as `IP@PORT`.
    public let servers: [String]
    private let engine: UnboundEngine
    private let health = Locked<(offlineUntil: ContinuousClock.Instant, reason: String)?>(nil)

    public init(options: Options = Options()) throws(LiveResolverError) {
        self.options = options
        var servers: [ServerAddress] = []
        if let forwarder = options.forwarder {
            guard let server = ServerAddress(forwarder) else {
                throw LiveResolverError("not a resolver address: \"\(forwarder)\" (expected IP or IP@PORT)")
            }
            servers = [server]
        } else {
            servers = ServerAddress.fromResolvConf(options.resolvConf)
        }
        self.servers = servers.map(\.description)
        self.serverAddresses = servers
        engine = try UnboundEngine(options: options, servers: servers)
    }

    private let serverAddresses: [ServerAddress]

    deinit {
        engine.stop()
    }

    public func resolve(_ question: DNSQuestion) async -> DNSAnswer {
        if let problem = DNSName.problem(question.name) {
            return DNSAnswer(question: question, outcome: .servfail, reason: "not a valid DNS name: \(problem)")
        }
        if let offline = currentlyOffline() {
            return DNSAnswer(question: question, outcome: .timeout, reason: offline)
        }
        var answer = await engine.resolve(question, timeout: options.timeout)
        let failed: Bool
        switch answer.outcome {
        case .timeout: failed = true
        case .servfail: failed = answer.dnssec != .bogus
        default: failed = false
        }
        if failed, case .unreachable(let reason) = await probe() {
            let text = "no DNS server reachable: \(reason)"
            health.withLock { $0 = (ContinuousClock.now.advanced(by: LiveResolver.offlineRecheck), text) }
            answer.outcome = .timeout
            answer.reason = text
        }
        return answer
    }

    private func currentlyOffline() -> String? {
        health.withLock { state in
            guard let s = state else { return nil }
            if ContinuousClock.now >= s.offlineUntil {
                state = nil
                return nil
            }
            return s.reason
        }
    }

    /// Whether any configured DNS server answers at all (any response, even REFUSED, counts):
    /// one small UDP query (`. NS`) to each server at once, each on its own thread, so the
    /// whole check takes at most `probeTimeout`. For the command line to say "offline"
    /// before it starts.
    public func probe() async -> DNSReachability {
        let servers = serverAddresses
        guard !servers.isEmpty else { return .unreachable(reason: "no nameserver configured") }
        return await withTaskGroup(of: (ServerAddress, ServerAddress.ProbeOutcome).self) { group in
            for server in servers {
                group.addTask {
                    await DedicatedThread.run { (server, server.probe(timeout: LiveResolver.probeTimeout)) }
                }
            }
            var reasons: [ServerAddress: String] = [:]
            for await (server, outcome) in group {
                switch outcome {
                case .success:
                    group.cancelAll()
                    return .reachable(server: server.description)
                case .failure(let why):
                    reasons[server] = why
                }
            }
            // In configuration order, so the message is stable.
            return .unreachable(
                reason: servers.compactMap { s in reasons[s].map { "\(s): \($0)" } }.joined(separator: "; "))
        }
    }
}

public enum DNSReachability: Sendable, Hashable {
    case reachable(server: String)
    case unreachable(reason: String)
}

public struct LiveResolverError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The libunbound context and the thread that drives it.
///
/// `@unchecked Sendable`: `ctx` is used from the caller's threads (`ub_resolve_async`) and
/// the poll thread (`ub_process`, `ub_cancel`); libunbound documents its functions as
/// thread-safe. Every other mutable field is inside `state`, behind its lock. `ctx` is
/// freed once, after the poll thread has been joined.
final class UnboundEngine: @unchecked Sendable {
    private let ub: UnboundLibrary
    private let ctx: OpaquePointer
    private let state = Locked(State())
    private var thread: pthread_t?

    struct State {
        var pending: [ObjectIdentifier: PendingQuery] = [:]
        var stopping = false
    }

    /// One query in flight. Passed to C as the callback's `mydata`, retained once for C.
    final class PendingQuery: @unchecked Sendable {
        // @unchecked: `asyncID` is only read and written under the engine's state lock;
        // everything else is immutable.
        let question: DNSQuestion
        let deadline: ContinuousClock.Instant
        let timeout: Duration
        let continuation: CheckedContinuation<DNSAnswer, Never>
        /// Unowned: a query C never calls back (cancelled late) must not keep the engine, and
        /// with it the libunbound context and thread, alive. Callbacks only run on the poll
        /// thread, which the engine outlives.
        unowned let engine: UnboundEngine
        var asyncID: Int32?

        init(
            _ question: DNSQuestion, timeout: Duration, engine: UnboundEngine,
            continuation: CheckedContinuation<DNSAnswer, Never>
        ) {
            self.question = question
            self.timeout = timeout
            self.deadline = ContinuousClock.now.advanced(by: timeout)
            self.engine = engine
            self.continuation = continuation
        }
    }

    init(options: LiveResolver.Options, servers: [ServerAddress]) throws(LiveResolverError) {
        // libunbound is loaded here, by the first live resolver, not at start (UnboundLibrary).
        let ub: UnboundLibrary
        do {
            ub = try UnboundLibrary.shared.get()
        } catch {
            throw LiveResolverError(error.description)
        }
        guard let ctx = ub.ub_ctx_create() else { throw LiveResolverError("libunbound: cannot create a context") }
        // Configure into a local first: if a step fails, this init throws and deinit must
        // not run on a half-made object (the context is freed here instead).
        func check(_ rc: Int32, _ what: String) throws(LiveResolverError) {
            if rc != 0 {
                ub.ub_ctx_delete(ctx)
                throw LiveResolverError("libunbound: \(what): \(ub.errorText(rc))")
            }
        }
        // Threads, not the default fork: a forked child would inherit (and flush) our stdout.
        try check(ub.ub_ctx_async(ctx, 1), "async mode")
        // libunbound's default, made explicit: the test server and local forwarders are on 127.0.0.1.
        try check(ub.ub_ctx_set_option(ctx, "do-not-query-localhost:", "no"), "do-not-query-localhost")
        // A dead server fails in under a second instead of ~17 s (measured with libunbound 1.17).
        try check(ub.ub_ctx_set_option(ctx, "infra-cache-max-rtt:", "1000"), "infra-cache-max-rtt")
        try check(ub.ub_ctx_set_option(ctx, "outbound-msg-retry:", "1"), "outbound-msg-retry")
        for zone in options.transparentZones {
            let z = DNSQuestion.normalize(zone)
            try check(
                ub.ub_ctx_set_option(ctx, "local-zone:", "\(z == "." ? "." : z + ".") transparent"),
                "local-zone \(zone)")
        }
        if let date = options.validationDate {
            try check(ub.ub_ctx_set_option(ctx, "val-override-date:", date), "val-override-date \(date)")
        }
        for server in servers {
            try check(ub.ub_ctx_set_fwd(ctx, server.description), "forwarder \(server)")
        }
        for anchor in options.trustAnchors {
            try check(ub.ub_ctx_add_ta(ctx, anchor), "trust anchor \"\(anchor.prefix(60))\"")
        }
        if options.useSystemTrustAnchor, access(LiveResolver.systemTrustAnchorPath, R_OK) == 0 {
            try check(
                ub.ub_ctx_add_ta_file(ctx, LiveResolver.systemTrustAnchorPath),
                "trust anchor file \(LiveResolver.systemTrustAnchorPath)")
        }
        // libunbound reads its configuration (trust anchors above all) only when the first
        // query finalises the context. Do that now with a name its built-in `localhost` zone
        // answers without any network, so a bad anchor fails here and not at query time.
        var probeResult: UnsafeMutablePointer<ub_result>?
        let finalised = ub.ub_resolve(ctx, "localhost.", 1, 1, &probeResult)
        if let probeResult { ub.ub_resolve_free(probeResult) }
        try check(finalised, "configuration (check the trust anchors)")
        self.ub = ub
        self.ctx = ctx
        let unmanaged = Unmanaged.passRetained(self)
        guard let thread = DedicatedThread.start({ unmanaged.takeRetainedValue().pollLoop() }) else {
            // Fully initialised: throwing runs deinit, which frees the context.
            unmanaged.release()
            throw LiveResolverError("cannot start the DNS thread")
        }
        self.thread = thread
    }

    deinit {
        ub.ub_ctx_delete(ctx)
    }

    /// Stops and joins the poll thread. Called once, by the resolver's deinit (no query can
    /// be in flight then: each `resolve` call keeps the resolver alive until it returns).
    func stop() {
        state.withLock { $0.stopping = true }
        if let thread {
            pthread_join(thread, nil)
            self.thread = nil
        }
    }

    private func pollLoop() {
        var pfd = pollfd(fd: ub.ub_fd(ctx), events: Int16(POLLIN), revents: 0)
        while !state.withLock({ $0.stopping }) {
            // 50 ms bounds how late a timeout fires and how long stop() waits.
            if poll(&pfd, 1, 50) > 0 { _ = ub.ub_process(ctx) }
            expire()
        }
    }

    /// Answers `.timeout` for every query past its deadline, and cancels it in libunbound.
    private func expire() {
        let now = ContinuousClock.now
        let expired: [PendingQuery] = state.withLock { state in
            let late = state.pending.values.filter { $0.deadline <= now }
            for q in late { state.pending[ObjectIdentifier(q)] = nil }
            return late
        }
        for query in expired {
            let id = state.withLock { _ in query.asyncID }
            // After a successful cancel the callback never runs: release C's reference here.
            // Without an id (still being submitted) the callback will come and release it.
            if let id, ub.ub_cancel(ctx, id) == 0 {
                Unmanaged.passUnretained(query).release()
            }
            query.continuation.resume(
                returning: DNSAnswer(
                    question: query.question, outcome: .timeout,
                    reason: "no answer within \(LiveResolver.format(query.timeout))"))
        }
    }

    func resolve(_ question: DNSQuestion, timeout: Duration) async -> DNSAnswer {
        await withCheckedContinuation { continuation in
            let query = PendingQuery(question, timeout: timeout, engine: self, continuation: continuation)
            state.withLock { $0.pending[ObjectIdentifier(query)] = query }
            let context = Unmanaged.passRetained(query).toOpaque()
            var id: Int32 = 0
            let rc = ub.ub_resolve_async(
                ctx, DNSName.masterFileText(question.name), question.type.code, 1,
                context, unboundCallback, &id)
            if rc != 0 {
                Unmanaged<PendingQuery>.fromOpaque(context).release()
                let wasPending = state.withLock { $0.pending.removeValue(forKey: ObjectIdentifier(query)) != nil }
                if wasPending {
                    continuation.resume(
                        returning: DNSAnswer(
                            question: question, outcome: .servfail, reason: "libunbound: \(ub.errorText(rc))"))
                }
                return
            }
            state.withLock { _ in query.asyncID = id }
        }
    }

    /// Runs on the poll thread, inside `ub_process`.
    fileprivate func deliver(_ query: PendingQuery, error: Int32, result: UnsafeMutablePointer<ub_result>?) {
        let answer = self.answer(query.question, error: error, result: result)
        if let result { ub.ub_resolve_free(result) }
        let wasPending = state.withLock { $0.pending.removeValue(forKey: ObjectIdentifier(query)) != nil }
        if wasPending { query.continuation.resume(returning: answer) }
    }

    /// Maps a libunbound result. Everything is copied out; the result is freed by the caller.
    func answer(_ q: DNSQuestion, error: Int32, result: UnsafeMutablePointer<ub_result>?) -> DNSAnswer {
        guard error == 0, let r = result?.pointee else {
            return DNSAnswer(question: q, outcome: .servfail, reason: "libunbound: \(ub.errorText(error))")
        }
        // A bogus answer may still carry data and rcode 0 (measured): check it first.
        if r.bogus != 0 {
            let why = r.why_bogus.map { String(cString: $0) } ?? "DNSSEC validation failed"
            return DNSAnswer(question: q, outcome: .servfail, dnssec: .bogus, reason: why)
        }
        let dnssec: DNSSECStatus = r.secure != 0 ? .secure : .insecure
        var cnames: [String] = []
        if let packet = r.answer_packet, r.answer_len > 0 {
            let bytes = Array(UnsafeRawBufferPointer(start: packet, count: Int(r.answer_len)))
            cnames = DNSWire.cnameChain(packet: bytes, from: q.name)
        }
        if q.type == .cname { cnames = [] }
        if r.nxdomain != 0 || r.rcode == 3 {
            return DNSAnswer(question: q, outcome: .nxdomain, cnames: cnames, dnssec: dnssec)
        }
        guard r.rcode == 0 else {
            let name = [1: "FORMERR", 2: "SERVFAIL", 4: "NOTIMP", 5: "REFUSED"][Int(r.rcode)] ?? "RCODE \(r.rcode)"
            return DNSAnswer(
                question: q, outcome: .servfail, cnames: cnames, dnssec: dnssec, reason: "server answered \(name)")
        }
        guard r.havedata != 0, let data = r.data, let lengths = r.len else {
            return DNSAnswer(question: q, outcome: .nodata, cnames: cnames, dnssec: dnssec)
        }
        var records: [DNSRecord] = []
        var i = 0
        while let item = data[i] {
            let bytes = Array(UnsafeRawBufferPointer(start: item, count: Int(max(0, lengths[i]))))
            do {
                records.append(try DNSWire.record(type: q.type, rdata: bytes))
            } catch {
                return DNSAnswer(
                    question: q, outcome: .servfail, cnames: cnames, dnssec: dnssec,
                    reason: "malformed \(q.type.rawValue) record: \(error.reason)")
            }
            i += 1
        }
        return DNSAnswer(
            question: q, outcome: records.isEmpty ? .nodata : .answer(records), cnames: cnames, dnssec: dnssec)
    }
}

/// The C callback: no captures allowed, so the query travels in `mydata`.
private func unboundCallback(
    _ mydata: UnsafeMutableRawPointer?, _ error: Int32, _ result: UnsafeMutablePointer<ub_result>?
) {
    guard let mydata else {
        // Never the case (every query passes itself); the library is loaded if C calls back.
        if let result, case .success(let ub) = UnboundLibrary.shared { ub.ub_resolve_free(result) }
        return
    }
    let query = Unmanaged<UnboundEngine.PendingQuery>.fromOpaque(mydata).takeRetainedValue()
    query.engine.deliver(query, error: error, result: result)
}

extension LiveResolver {
    /// "3 s", "0.5 s".
    static func format(_ d: Duration) -> String {
        let ms = d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000
        return ms % 1000 == 0 ? "\(ms / 1000) s" : "\(Double(ms) / 1000) s"
    }
}
