import HopTraceCore
import HopTraceTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite struct IPAddressTests {
    @Test(arguments: [
        ("82.70.154.45", "82.70.154.45"),
        ("10.187.98.11", "10.187.98.11"),
        ("0.0.0.0", "0.0.0.0"),
        ("255.255.255.255", "255.255.255.255"),
        ("2a01:111:f400:7e06::204", "2a01:111:f400:7e06::204"),
        ("2A01:111:E400:7A1B::34", "2a01:111:e400:7a1b::34"),
        ("fe80::5874:aaae:2f96:918a%9", "fe80::5874:aaae:2f96:918a"),
        ("::1", "::1"),
        ("::", "::"),
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
        ("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
        ("2002:a05:6214:400e:b0:4b4:3f86:b38", "2002:a05:6214:400e:b0:4b4:3f86:b38"),
        ("::ffff:192.0.2.7", "192.0.2.7"),
        ("::ffff:c000:0207", "192.0.2.7"),
        ("64:ff9b::203.0.113.9", "64:ff9b::cb00:7109"),
        ("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"),
    ])
    func parsesAndPrintsCanonically(text: String, canonical: String) throws {
        let ip = try #require(IPAddress(text))
        #expect(ip.description == canonical)
    }

    @Test(arguments: [
        "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4 ", " 1.2.3.4", "1..2.3", "1234.1.1.1",
        "14.3.181.6.1", "::1::2", "1:2:3:4:5:6:7:8:9", "12345::", "g::1", ":::", "fe80::1%",
        "fe80::1%zone id", "1.2.3.4%eth0x;", "unknown", "[1.2.3.4]", "1:2:3:4:5:6:7:1.2.3.4",
        String(repeating: "1", count: 10_000),
    ])
    func rejects(text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test func mappedAddressesAreIPv4() {
        #expect(IPAddress("::ffff:10.0.0.1") == IPAddress("10.0.0.1"))
        #expect(IPAddress("::ffff:10.0.0.1")?.isIPv4 == true)
    }

    @Test(arguments: [
        ("10.0.0.0/8", "10.255.1.2", true),
        ("10.0.0.0/8", "11.0.0.1", false),
        ("100.64.0.0/10", "100.127.255.255", true),
        ("100.64.0.0/10", "100.128.0.0", false),
        ("0.0.0.0/0", "8.8.8.8", true),
        ("255.255.255.255/32", "255.255.255.255", true),
        ("fc00::/7", "fd12:3456::1", true),
        ("fc00::/7", "fe00::1", false),
        ("2001:db8::/32", "2001:db8:ffff::1", true),
        ("::1/128", "::1", true),
        ("::1/128", "::2", false),
        ("fe80::/10", "febf::1", true),
        ("2001:1::1/128", "2001:1::1", true),
        ("2001:1::1/128", "2001:1::2", false),
        ("10.0.0.0/8", "fd00::1", false),
    ])
    func networkContains(network: String, address: String, expected: Bool) throws {
        let net = try #require(IPNetwork(network))
        let ip = try #require(IPAddress(address))
        #expect(net.contains(ip) == expected)
    }

    @Test(arguments: ["10.0.0.0", "10.0.0.0/33", "::/129", "x/8", "10.0.0.0/-1"])
    func rejectsBadNetworks(text: String) {
        #expect(IPNetwork(text) == nil)
    }
}

/// The IPv6 reader against the C library's `inet_pton` on generated text: valid addresses in
/// every shape (compressed anywhere, IPv4 tails, upper case, leading zeros) and near-misses made
/// by mutating them. Both must accept the same strings and read the same 128 bits.
@Suite struct IPv6AgainstInetPtonTests {
    static func pton(_ text: String) -> (UInt64, UInt64)? {
        var raw = in6_addr()
        guard inet_pton(AF_INET6, text, &raw) == 1 else { return nil }
        return withUnsafeBytes(of: &raw) { b in
            var hi: UInt64 = 0
            var lo: UInt64 = 0
            for i in 0..<8 { hi = hi << 8 | UInt64(b[i]) }
            for i in 8..<16 { lo = lo << 8 | UInt64(b[i]) }
            return (hi, lo)
        }
    }

    static func bits(_ ip: IPAddress) -> (UInt64, UInt64) {
        switch ip {
        case .v4(let v): return (0, 0xffff_0000_0000 | UInt64(v))  // read back from ::ffff:a.b.c.d
        case .v6(let hi, let lo): return (hi, lo)
        }
    }

    typealias Generator = SplitMix64

    static func candidate(_ g: inout Generator) -> String {
        var groups = (0..<8).map { _ -> String in
            let v = UInt16.random(in: 0...UInt16.max, using: &g)
            switch Int.random(in: 0..<4, using: &g) {
            case 0: return "0"
            case 1: return String(v, radix: 16, uppercase: Bool.random(using: &g))
            case 2: return String(repeating: "0", count: Int.random(in: 0...3, using: &g)) + String(v & 0xff, radix: 16)
            default: return String(v >> 12, radix: 16)
            }
        }
        var tail = ""
        if Int.random(in: 0..<4, using: &g) == 0 {
            // Octets without leading zeros: inet_pton refuses "01" in an IPv4 tail.
            tail = (0..<4).map { _ in String(Int.random(in: 0...255, using: &g)) }.joined(separator: ".")
            groups.removeLast(2)
        }
        var text: String
        let count = groups.count
        if Int.random(in: 0..<3, using: &g) > 0 {
            let start = Int.random(in: 0...count, using: &g)
            let length = Int.random(in: 0...(count - start), using: &g)
            text = groups[..<start].joined(separator: ":") + "::" + groups[(start + length)...].joined(separator: ":")
            if !tail.isEmpty { text += (text.hasSuffix(":") ? "" : ":") + tail }
        } else {
            text = groups.joined(separator: ":") + (tail.isEmpty ? "" : ":" + tail)
        }
        // Near-misses: drop, double or change one character.
        if Int.random(in: 0..<3, using: &g) == 0, !text.isEmpty {
            var chars = Array(text)
            let i = Int.random(in: 0..<chars.count, using: &g)
            switch Int.random(in: 0..<3, using: &g) {
            case 0: chars.remove(at: i)
            case 1: chars.insert(chars[i], at: i)
            default: chars[i] = ["0", "f", ":", ".", "g", "1"].randomElement(using: &g)!
            }
            text = String(chars)
        }
        return text
    }

    @Test func agreesWithInetPton() {
        var g = Generator(state: 4291)
        var accepted = 0
        for _ in 0..<20_000 {
            let text = Self.candidate(&g)
            // inet_pton reads an IPv4 tail with a leading zero ("01") as invalid; this parser
            // accepts it as a dotted quad does (a documented leniency of parseIPv4).
            if text.split(separator: ":").last.map({
                $0.contains(".") && $0.split(separator: ".").contains { $0.count > 1 && $0.first == "0" }
            }) == true {
                continue
            }
            let mine = IPAddress(text).map(Self.bits)
            let theirs = Self.pton(text)
            #expect(mine?.0 == theirs?.0 && mine?.1 == theirs?.1, "\(text)")
            if theirs != nil { accepted += 1 }
        }
        // The generator makes both kinds in quantity.
        #expect(accepted > 5_000 && accepted < 19_000)
    }
}

/// IPv6 text written in place against RFC 5952 written group by group (the longest run of two
/// or more zero groups as `::`, the first of equal runs; lower-case hex without leading zeros),
/// on addresses rich in zero groups.
@Suite struct IPv6DescriptionTests {
    static func reference(_ g: [UInt16]) -> String {
        var best = (start: -1, length: 1)
        var i = 0
        while i < 8 {
            var j = i
            while j < 8 && g[j] == 0 { j += 1 }
            if j - i > best.length { best = (i, j - i) }
            i = max(j, i + 1)
        }
        var parts: [String] = []
        i = 0
        var text = ""
        while i < 8 {
            if i == best.start {
                text += (parts.isEmpty ? "" : parts.joined(separator: ":")) + "::"
                parts = []
                i += best.length
                continue
            }
            parts.append(String(g[i], radix: 16))
            i += 1
        }
        return text + parts.joined(separator: ":")
    }

    @Test func agreesWithGroupByGroupText() throws {
        var g = SplitMix64(state: 5952)
        for _ in 0..<20_000 {
            let groups = (0..<8).map { _ -> UInt16 in
                switch Int.random(in: 0..<4, using: &g) {
                case 0, 1: 0
                case 2: UInt16.random(in: 0...0xF, using: &g) << (4 * UInt16.random(in: 0...3, using: &g))
                default: UInt16.random(in: 0...0xFFFF, using: &g)
                }
            }
            let text = groups.map { String($0, radix: 16) }.joined(separator: ":")
            let ip = try #require(IPAddress(text))
            // IPv4-mapped addresses print as IPv4; every other one as IPv6 text.
            guard !ip.isIPv4 else { continue }
            #expect(ip.description == Self.reference(groups), "\(text)")
        }
    }
}

/// The byte reader (`init?(utf8:)`) gives the text reader's answer on every input: addresses of
/// both families, zones, and hostile or near-miss text.
@Suite struct IPAddressBytesTests {
    static func viaBytes(_ text: String) -> IPAddress? {
        Array(text.utf8).withUnsafeBufferPointer { IPAddress(utf8: $0) }
    }

    @Test func agreesWithTheTextReader() {
        var texts = [
            "82.70.154.45", "0.0.0.0", "255.255.255.255", "256.1.1.1", "1.2.3", "1..2.3", "01.2.3.4",
            "2a01:111:f400:7e06::204", "::", "::1", "1::", ":::", "::ffff:192.0.2.7", "64:ff9b::203.0.113.9",
            "fe80::1%eth0", "fe80::1%", "fe80::1%zone id", "fe80::1%é", "fe80::1%e\u{301}", "1.2.3.4%9",
            "fe80::1%a%b", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:1.2.3.4", "g::1", "",
            "12345::", "::1::2", "1.2.3.4 ", "[1.2.3.4]", String(repeating: "1", count: 70),
        ]
        var g = SplitMix64(state: 4291)
        let alphabet = Array("0123456789abcdefABCDEF:.%_-xz \u{0}é")
        for _ in 0..<20_000 {
            texts.append(
                String((0..<Int.random(in: 0...20, using: &g)).map { _ in alphabet.randomElement(using: &g)! }))
        }
        for text in texts {
            #expect(Self.viaBytes(text) == IPAddress(text), "\(text.debugDescription)")
        }
    }
}
