import HopTraceCore

/// Reading DNS wire format (RFC 1035 §3, §4.1): record data from libunbound and the CNAME
/// chain from its answer packet. Every read is bounds-checked; malformed data is an error
/// value, never a trap.
enum DNSWire {
    struct Malformed: Error, Sendable {
        var reason: String
    }

    /// One record's RDATA as libunbound hands it over (names uncompressed).
    static func record(type: DNSRecordType, rdata: [UInt8]) throws(Malformed) -> DNSRecord {
        switch type {
        case .a:
            guard rdata.count == 4 else { throw Malformed(reason: "A data of \(rdata.count) octets") }
            return .a(.v4(rdata.reduce(0) { $0 << 8 | UInt32($1) }))
        case .aaaa:
            guard rdata.count == 16 else { throw Malformed(reason: "AAAA data of \(rdata.count) octets") }
            let hi = rdata[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let lo = rdata[8..<16].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            return .aaaa(.v6(hi, lo))
        case .txt:
            var strings: [[UInt8]] = []
            var i = 0
            while i < rdata.count {
                let n = Int(rdata[i])
                guard i + 1 + n <= rdata.count else { throw Malformed(reason: "TXT string runs past its record") }
                strings.append(Array(rdata[(i + 1)..<(i + 1 + n)]))
                i += 1 + n
            }
            return .txt(strings)
        case .mx:
            guard rdata.count >= 3 else { throw Malformed(reason: "MX data of \(rdata.count) octets") }
            var i = 2
            let exchange = try name(rdata, at: &i, compressed: false)
            guard i == rdata.count else { throw Malformed(reason: "MX data longer than its name") }
            return .mx(preference: Int(rdata[0]) << 8 | Int(rdata[1]), exchange: exchange)
        case .ptr, .cname:
            var i = 0
            let target = try name(rdata, at: &i, compressed: false)
            guard i == rdata.count else { throw Malformed(reason: "\(type.rawValue) data longer than its name") }
            return type == .ptr ? .ptr(target) : .cname(target)
        }
    }

    /// A name at `i` in `data`, lower-cased, without trailing dot ("." for the root).
    /// Compression pointers are followed only inside a whole message (`packet` true), and at
    /// most 64 times, so a pointer loop ends.
    static func name(_ data: [UInt8], at i: inout Int, compressed: Bool) throws(Malformed) -> String {
        var labels: [String] = []
        var p = i
        var jumped = false
        var jumps = 0
        var wire = 1
        while true {
            guard p < data.count else { throw Malformed(reason: "name runs past its data") }
            let n = Int(data[p])
            if n == 0 {
                p += 1
                break
            }
            if n & 0xc0 == 0xc0 {
                guard compressed else { throw Malformed(reason: "compressed name in record data") }
                guard p + 1 < data.count, jumps < 64 else { throw Malformed(reason: "bad compression pointer") }
                if !jumped { i = p + 2 }
                jumped = true
                jumps += 1
                p = (n & 0x3f) << 8 | Int(data[p + 1])
                continue
            }
            guard n <= DNSName.maxLabelOctets else { throw Malformed(reason: "label type \(n >> 6) not supported") }
            guard p + 1 + n <= data.count else { throw Malformed(reason: "label runs past its data") }
            wire += n + 1
            guard wire <= DNSName.maxWireOctets else { throw Malformed(reason: "name longer than 255 octets") }
            labels.append(DNSName.labelText(data[(p + 1)..<(p + 1 + n)]))
            p += 1 + n
        }
        if !jumped { i = p }
        return labels.isEmpty ? "." : labels.joined(separator: ".").lowercased()
    }

    /// The CNAME chain from `qname` in a whole response's answer section: the targets in order.
    /// Bounded by the number of CNAME records (a loop stops when a name repeats).
    static func cnameChain(packet: [UInt8], from qname: String) -> [String] {
        guard packet.count >= 12 else { return [] }
        let qdcount = Int(packet[4]) << 8 | Int(packet[5])
        let ancount = Int(packet[6]) << 8 | Int(packet[7])
        var i = 12
        var map: [String: String] = [:]
        do {
            for _ in 0..<qdcount {
                _ = try name(packet, at: &i, compressed: true)
                i += 4
            }
            for _ in 0..<ancount {
                let owner = try name(packet, at: &i, compressed: true)
                guard i + 10 <= packet.count else { break }
                let type = Int(packet[i]) << 8 | Int(packet[i + 1])
                let rdlength = Int(packet[i + 8]) << 8 | Int(packet[i + 9])
                i += 10
                guard i + rdlength <= packet.count else { break }
                if type == 5 {
                    var j = i
                    let target = try name(packet, at: &j, compressed: true)
                    if map[owner] == nil { map[owner] = target }
                }
                i += rdlength
            }
        } catch {
            // A malformed packet yields the part of the chain read so far.
        }
        var chain: [String] = []
        var seen: Set<String> = [qname]
        var current = qname
        while let next = map[current], seen.insert(next).inserted {
            chain.append(next)
            current = next
        }
        return chain
    }
}
