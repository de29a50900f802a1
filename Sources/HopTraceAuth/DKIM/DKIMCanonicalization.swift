import HopTraceCore

/// RFC 6376 §3.4 canonicalisation, and the header selection of §5.4.2, shared by the verifier,
/// ARC and the tests' signer.
public enum DKIMCanonicalizer {
    static let cr: UInt8 = 0x0D, lf: UInt8 = 0x0A, sp: UInt8 = 0x20, tab: UInt8 = 0x09

    /// Turns every bare LF (not preceded by CR) into CRLF. Mail files on disk usually use LF;
    /// signers hashed the CRLF form that went over SMTP.
    public static func crlf(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.contains(lf) else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 32)
        var prev: UInt8 = 0
        for b in bytes {
            if b == lf && prev != cr { out.append(cr) }
            out.append(b)
            prev = b
        }
        return out
    }

    /// One header field canonicalised, with its CRLF. `raw` is name ":" value as written (CRLF folds).
    public static func header(_ raw: [UInt8], _ c: DKIMCanonicalization) -> [UInt8] {
        switch c {
        case .simple:
            return raw + [cr, lf]
        case .relaxed:
            return relaxedHeader(raw) + [cr, lf]
        }
    }

    /// §3.4.2: lower-case name; unfold; runs of WSP → one SP; no WSP at the value's ends or
    /// around the colon.
    static func relaxedHeader(_ raw: [UInt8]) -> [UInt8] {
        guard let colon = raw.firstIndex(of: 0x3A) else { return raw }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var nameEnd = colon
        while nameEnd > 0, raw[nameEnd - 1] == sp || raw[nameEnd - 1] == tab { nameEnd -= 1 }
        for b in raw[..<nameEnd] { out.append(b >= 0x41 && b <= 0x5A ? b + 0x20 : b) }
        out.append(0x3A)
        var pendingSpace = false
        var started = false
        for b in raw[(colon + 1)...] {
            if b == cr || b == lf { continue }
            if b == sp || b == tab {
                pendingSpace = true
                continue
            }
            if pendingSpace && started { out.append(sp) }
            pendingSpace = false
            started = true
            out.append(b)
        }
        return out
    }

    /// The signature field itself, `b=` emptied, canonicalised, without the final CRLF (§3.7).
    public static func signatureHeader(_ rawWithEmptySignature: [UInt8], _ c: DKIMCanonicalization) -> [UInt8] {
        switch c {
        case .simple: return rawWithEmptySignature
        case .relaxed: return relaxedHeader(rawWithEmptySignature)
        }
    }

    /// The canonical body (CRLF-normalised input), before any `l=` cut.
    public static func body(_ body: [UInt8], _ c: DKIMCanonicalization) -> [UInt8] {
        let body = crlf(body)
        switch c {
        case .simple:
            // §3.4.3: remove all empty lines at the end; an empty body becomes CRLF.
            var end = body.count
            while end >= 2, body[end - 2] == cr, body[end - 1] == lf {
                end -= 2
            }
            var out = Array(body[..<end])
            out += [cr, lf]
            return out
        case .relaxed:
            // §3.4.4: WSP at line ends removed, WSP runs → SP, empty lines at the end removed;
            // an empty body stays empty (RFC 6376 erratum 3192 / RFC 8463 practice).
            var out: [UInt8] = []
            out.reserveCapacity(body.count)
            var line: [UInt8] = []
            var i = 0
            let n = body.count
            var emptyRun = 0
            func flush(_ l: inout [UInt8], terminated: Bool) {
                var t = l
                while let last = t.last, last == sp || last == tab { t.removeLast() }
                if t.isEmpty {
                    if terminated { emptyRun += 1 }
                } else {
                    for _ in 0..<emptyRun { out += [cr, lf] }
                    emptyRun = 0
                    out += t
                    out += [cr, lf]
                }
                l.removeAll(keepingCapacity: true)
            }
            var inSpace = false
            while i < n {
                let b = body[i]
                if b == cr && i + 1 < n && body[i + 1] == lf {
                    inSpace = false
                    flush(&line, terminated: true)
                    i += 2
                    continue
                }
                if b == sp || b == tab {
                    if !inSpace { line.append(sp) }
                    inSpace = true
                } else {
                    inSpace = false
                    line.append(b)
                }
                i += 1
            }
            if !line.isEmpty { flush(&line, terminated: false) }
            return out
        }
    }

    /// §5.4.2: for each name in h= (left to right), the bottom-most instance not yet used; a name
    /// with no instance left selects nothing (it signs as the empty string: over-signing).
    /// Returns, for each h= entry, the index into `headers` or nil.
    public static func selectHeaders(_ names: [String], in headers: [DKIMHeaderField]) -> [Int?] {
        var used = Set<Int>()
        var byName: [String: [Int]] = [:]
        for (i, h) in headers.enumerated() { byName[h.name.lowercased(), default: []].append(i) }
        return names.map { name in
            guard let candidates = byName[name.lowercased()] else { return nil }
            for i in candidates.reversed() where !used.contains(i) {
                used.insert(i)
                return i
            }
            return nil
        }
    }
}

/// A header field as the DKIM and ARC code reads it: the name, and the whole field's bytes
/// (name, colon, folded value; no final CRLF), bare LF already turned into CRLF.
public struct DKIMHeaderField: Sendable, Hashable {
    public var name: String
    public var raw: [UInt8]
    /// Where the field stood in the input, when it came from the message parser.
    public var location: SourceLocation?

    public init(name: String, raw: [UInt8], location: SourceLocation? = nil) {
        self.name = name
        self.raw = DKIMCanonicalizer.crlf(raw)
        self.location = location
    }

    /// The value unfolded (after the colon), lenient UTF-8: for display and comparison.
    public var unfoldedValue: String {
        guard let colon = raw.firstIndex(of: 0x3A) else { return "" }
        let v = raw[(colon + 1)...].filter { $0 != 0x0D && $0 != 0x0A }
        var s = DKIMText.lenientString(Array(v))
        while s.first == " " || s.first == "\t" { s.removeFirst() }
        return s
    }
}
