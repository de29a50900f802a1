// One Received field value (the bytes as a header value, invalid UTF-8 replaced) through the
// Received grammar and its dialects, then a one-field chain.
import FuzzSupport
import HopTraceReceived

FuzzDriver.run { data, size in
    let value = String(decoding: FuzzDriver.bytes(data, size), as: UTF8.self)
    _ = ReceivedParser.parse(value)
    _ = ChainBuilder.build([(value: value, location: nil)])
    return 0
}
