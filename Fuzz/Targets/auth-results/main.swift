// One header value through the recorded-verdict parsers: Authentication-Results (RFC 8601),
// ARC-Authentication-Results, Received-SPF (RFC 7208 §9.1).
import FuzzSupport
import HopTraceAuth

FuzzDriver.run { data, size in
    let bytes = FuzzDriver.bytes(data, size)
    let value = String(decoding: bytes, as: UTF8.self)
    _ = AuthenticationResultsParser.parse(value)
    _ = AuthenticationResultsParser.parse(value, field: .original)
    _ = AuthenticationResultsParser.parseARC(value)
    _ = ReceivedSPFParser.parse(value)
    _ = try? ARCParser.authenticationResults(field: bytes)
    return 0
}
