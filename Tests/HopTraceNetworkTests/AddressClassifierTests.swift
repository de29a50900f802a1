import HopTraceCore
import HopTraceNetwork
import Testing

@Suite struct AddressClassifierTests {
    @Test(arguments: [
        ("82.70.154.45", AddressScope.public),
        ("62.239.224.235", .public),
        ("10.187.98.11", .private),
        ("172.16.0.1", .private),
        ("172.31.255.255", .private),
        ("172.32.0.1", .public),
        ("192.168.1.26", .private),
        ("100.64.0.1", .shared),
        ("100.127.255.254", .shared),
        ("127.0.0.1", .loopback),
        ("127.0.1.1", .loopback),
        ("169.254.10.1", .linkLocal),
        ("192.0.2.7", .documentation),
        ("198.51.100.1", .documentation),
        ("203.0.113.9", .documentation),
        ("0.0.0.0", .reserved),
        ("198.18.0.1", .reserved),
        ("224.0.0.1", .reserved),
        ("240.0.0.1", .reserved),
        ("255.255.255.255", .reserved),
        ("192.0.0.9", .public),
        ("192.0.0.1", .reserved),
        ("192.88.99.2", .reserved),
        ("::1", .loopback),
        ("::", .reserved),
        ("2a01:111:f400:7e06::204", .public),
        ("2603:10b6::1", .public),
        ("fd00::1", .private),
        ("fc00::1", .private),
        ("fe80::5874:aaae:2f96:918a", .linkLocal),
        ("fec0::1", .reserved),
        ("ff02::1", .reserved),
        ("2001:db8::1", .documentation),
        ("3fff::1", .documentation),
        ("2001::1", .public),
        ("2001:2::1", .reserved),
        ("4000::1", .reserved),
        ("::ffff:10.1.2.3", .private),
        ("64:ff9b::8.8.8.8", .public),
        ("64:ff9b::10.0.0.1", .private),
        ("2002:a05:6214:400e:b0:4b4:3f86:b38", .private),  // 6to4 of 10.5.98.20: Gmail's internal hops
        ("2002:0808:0808::1", .public),
    ])
    func classifies(address: String, scope: AddressScope) throws {
        let ip = try #require(IPAddress(address))
        #expect(AddressClassifier.scope(of: ip) == scope)
    }

    @Test func mostSpecificRowWins() throws {
        let ip = try #require(IPAddress("192.0.0.9"))
        let entry = try #require(AddressClassifier.entry(for: ip))
        #expect(entry.network.prefixLength == 32)
        #expect(entry.rfc == "RFC 7723")
    }

    @Test func everyDataRowParses() {
        #expect(SpecialPurposeTable.entries.count == SpecialPurposeTable.rows.count)
    }
}

/// `entry(for:)` compares masked integers per family; the answer must be the first table row
/// whose network holds the address, as `IPNetwork.contains` says: checked at every row's
/// edges (first and last address, one step outside) and on spread-out addresses.
@Test func entryIsTheFirstRowWhoseNetworkHoldsTheAddress() {
    var addresses: [IPAddress] = []
    for e in SpecialPurposeTable.entries {
        let p = e.network.prefixLength
        switch e.network.address {
        case .v4(let net):
            let size: UInt32 = p == 0 ? .max : p >= 32 ? 0 : (UInt32.max >> UInt32(p))
            for a in [net, net | size, net &- 1, (net | size) &+ 1, net ^ 1] { addresses.append(.v4(a)) }
        case .v6(let hi, let lo):
            let loSize: UInt64 = p <= 64 ? .max : p >= 128 ? 0 : (UInt64.max >> UInt64(p - 64))
            let hiSize: UInt64 = p == 0 ? .max : p >= 64 ? 0 : (UInt64.max >> UInt64(p))
            for (h, l) in [
                (hi, lo), (hi | hiSize, lo | loSize), (hi, lo &- 1), (hi &+ 1, lo), (hi &- 1, lo), (hi ^ 1, lo),
            ] {
                addresses.append(.v6(h, l))
            }
        }
    }
    var x: UInt64 = 0x1234_5678_9ABC_DEF1
    for _ in 0..<20_000 {
        x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        addresses.append(.v4(UInt32(truncatingIfNeeded: x >> 32)))
        addresses.append(.v6(x, x.byteSwapped))
    }
    var mismatches: [String] = []
    for ip in addresses {
        let fast = AddressClassifier.entry(for: ip)
        let slow = SpecialPurposeTable.entries.first { $0.network.contains(ip) }
        if fast?.network != slow?.network || fast?.name != slow?.name { mismatches.append(ip.description) }
    }
    #expect(mismatches.isEmpty, "\(mismatches.prefix(20))")
}
