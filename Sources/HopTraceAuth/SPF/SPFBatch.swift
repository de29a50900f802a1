import HopTraceCore
import HopTraceDNS

/// The query list of `hoptrace spf --batch`: one check_host query per line.
///
///     batch     = *( line LF ) [ line ]
///     line      = query / snapshot / comment / blank
///     query     = IP sep DOMAIN sep SENDER sep HELO      ; SENDER "-": null sender, HELO "-": DOMAIN
///     snapshot  = "@snapshot" sep ZONEFILE              ; the rest of the line, spaces around it removed
///     comment   = "#" *any
///     sep       = 1*( SP / HTAB / CR )                  ; CR: the end of a CRLF line
///
/// An `@snapshot` line starts a new section: the queries after it are answered from that zone
/// file. Parsing only: no file is read here.
public enum SPFBatch {
    public struct Query: Sendable, Hashable {
        public var ip: IPAddress
        public var domain: String
        /// "" for the null sender.
        public var sender: String
        public var helo: String
    }

    /// Consecutive queries with one DNS source: the caller's (`snapshot` nil), or the zone file
    /// of the `@snapshot` line (`line`) before them.
    public struct Section: Sendable, Hashable {
        public var snapshot: String?
        public var line: Int
        public var queries: [Query] = []
    }

    /// The first bad line: its 1-based number and what is wrong, control characters removed.
    public struct LineError: Error, Sendable, Hashable, CustomStringConvertible {
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    /// The sections of a batch, the first one (line 0) for the queries before any `@snapshot`
    /// line. The first bad line fails the whole batch.
    ///
    /// One pass over the bytes with a cursor: a line's fields are found in place (no array of
    /// lines, none of fields), and only the fields become Strings (an ASCII line's without
    /// UTF-8 validation, which the scan for its end has already done). Every loop is bounded
    /// by the input's length.
    public static func parse(_ bytes: [UInt8]) throws(LineError) -> [Section] {
        var sections = [Section(snapshot: nil, line: 0)]
        var lineNumber = 0
        func bad(_ why: String) -> LineError {
            LineError(line: lineNumber, message: why)
        }
        let failure: LineError? = bytes.withUnsafeBufferPointer { buffer in
            let count = buffer.count
            var lineStart = 0
            while true {
                lineNumber += 1
                var lineEnd = lineStart
                var high: UInt8 = 0  // every byte of the line OR-ed: below 0x80 when it is ASCII
                while lineEnd < count && buffer[lineEnd] != 0x0A {
                    high |= buffer[lineEnd]
                    lineEnd += 1
                }
                let isASCII = high < 0x80
                // The fields: the first four kept as ranges, the rest only counted.
                var fields: (Range<Int>, Range<Int>, Range<Int>, Range<Int>) = (0..<0, 0..<0, 0..<0, 0..<0)
                var fieldCount = 0
                var lastFieldEnd = lineStart
                var i = lineStart
                while i < lineEnd {
                    while i < lineEnd && isBlank(buffer[i]) { i += 1 }
                    if i == lineEnd { break }
                    let fieldStart = i
                    while i < lineEnd && !isBlank(buffer[i]) { i += 1 }
                    switch fieldCount {
                    case 0: fields.0 = fieldStart..<i
                    case 1: fields.1 = fieldStart..<i
                    case 2: fields.2 = fieldStart..<i
                    case 3: fields.3 = fieldStart..<i
                    default: break
                    }
                    fieldCount += 1
                    lastFieldEnd = i
                }
                if fieldCount > 0 && buffer[fields.0.lowerBound] != UInt8(ascii: "#") {
                    func text(_ range: Range<Int>) -> String? {
                        let field = UnsafeBufferPointer(rebasing: buffer[range])
                        if isASCII { return String(decoding: field, as: UTF8.self) }
                        return String(validating: field, as: UTF8.self)
                    }
                    if buffer[fields.0.lowerBound] == UInt8(ascii: "@") {
                        // @snapshot ZONEFILE: the path is the rest of the line, so it may hold spaces.
                        guard buffer[fields.0].elementsEqual("@snapshot".utf8) else {
                            let directive = String(decoding: buffer[fields.0], as: UTF8.self)
                            return bad(
                                "unknown directive \"\(TerminalText.sanitize(directive))\" (only @snapshot ZONEFILE)")
                        }
                        guard fieldCount > 1 else { return bad("@snapshot needs a zone file path") }
                        guard let path = text(fields.1.lowerBound..<lastFieldEnd) else { return bad("not UTF-8") }
                        sections.append(Section(snapshot: path, line: lineNumber))
                    } else {
                        guard fieldCount == 4 else {
                            return bad("want 4 fields \"IP DOMAIN SENDER HELO\", found \(fieldCount)")
                        }
                        guard let ipText = text(fields.0), let domain = text(fields.1),
                            let senderField = text(fields.2), let heloField = text(fields.3)
                        else { return bad("not UTF-8") }
                        guard let ip = IPAddress(ipText) else { return bad(ipProblem(ipText)!) }
                        if let problem = domainProblem(domain) { return bad(problem) }
                        let sender = senderField == "-" ? "" : senderField
                        let helo = heloField == "-" ? domain : heloField
                        if sender.utf8.count > SPFLimits.maxIdentityBytes { return bad("SENDER is too long") }
                        if helo.utf8.count > SPFLimits.maxIdentityBytes { return bad("HELO is too long") }
                        sections[sections.count - 1].queries.append(
                            Query(ip: ip, domain: domain, sender: sender, helo: helo))
                    }
                }
                if lineEnd == count { return nil }
                lineStart = lineEnd + 1
            }
        }
        if let failure { throw failure }
        return sections
    }

    /// The field separators of a batch line: space, tab, and the CR of a CRLF line end.
    static func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D
    }

    /// Why `ip` is not a client IP for check_host, nil when it is one.
    public static func ipProblem(_ ip: String) -> String? {
        IPAddress(ip) == nil ? "\"\(TerminalText.sanitize(ip))\" is not an IPv4 or IPv6 address" : nil
    }

    /// Why `domain` cannot be check_host's domain (empty, a space or control character, longer
    /// than `SPFLimits.maxIdentityBytes`), nil when it can.
    public static func domainProblem(_ domain: String) -> String? {
        // A byte at or below 0x20, or 0x7F, is always such a character itself in UTF-8.
        if domain.isEmpty || domain.withUTF8Bytes({ $0.contains { $0 <= 0x20 || $0 == 0x7F } })
            || domain.utf8.count > SPFLimits.maxIdentityBytes
        {
            return "\"\(TerminalText.sanitize(domain))\" is not a domain name"
        }
        return nil
    }
}

extension SPFBatch {
    /// Evaluates the queries of each section with its resolver, in order, one line per query:
    /// the result word, or with `json` the evaluation's JSON object. The lines are handed to
    /// `write` in chunks of about `chunk` bytes, the last one at the end. Nothing is carried
    /// from one query to the next: a live resolver gets a new `CachingResolver` per query (one
    /// check_host never asks twice); an in-memory snapshot is asked directly. What is shared is
    /// the parse of each distinct record text (one `SPFRecordCache`), a pure function of the
    /// text. Without `json` no trace is built (`SPFOptions.keepsTrace`). Returns the number of
    /// queries evaluated.
    public static func evaluate(
        _ plan: [(dns: any DNSResolver, queries: [Query])], json: Bool, chunk: Int = 1 << 16,
        write: (ArraySlice<UInt8>) throws -> Void
    ) async rethrows -> Int {
        var out: [UInt8] = []
        out.reserveCapacity(chunk)
        let options = SPFOptions(keepsTrace: json)
        let records = SPFRecordCache()
        var count = 0
        for (base, queries) in plan {
            let inMemory = base is SnapshotResolver
            let shared = SPFEvaluator(resolver: base, options: options, recordCache: records)
            for query in queries {
                let evaluator =
                    inMemory
                    ? shared
                    : SPFEvaluator(resolver: CachingResolver(wrapping: base), options: options, recordCache: records)
                let evaluation = await evaluator.checkHost(
                    ip: query.ip, domain: query.domain, sender: query.sender, helo: query.helo)
                if json {
                    evaluation.jsonValue.append(to: &out)
                } else {
                    out += evaluation.result.rawValue.utf8
                }
                out.append(0x0A)
                if out.count >= chunk {
                    try write(out[...])
                    out.removeAll(keepingCapacity: true)
                }
            }
            count += queries.count
        }
        try write(out[...])
        return count
    }
}
