import HopTraceCore
import Testing

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
