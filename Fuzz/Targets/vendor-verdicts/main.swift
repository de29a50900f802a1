// The vendors' filtering-verdict headers (X-Forefront-Antispam-Report, X-Spam-Status,
// X-Spamd-Result, …): the input is one header field, its name up to the first colon. The
// decoder keeps within its bounds (the value, the fields, each key and value), and its wording
// is built without a crash (the renderers escape it for their context).
import FuzzSupport
import HopTraceForensics
import HopTraceVerdicts

FuzzDriver.run { data, size in
    let text = String(decoding: FuzzDriver.bytes(data, size), as: UTF8.self)
    guard let colon = text.firstIndex(of: ":") else { return 0 }
    let name = String(text[..<colon])
    let value = String(text[text.index(after: colon)...])
    guard let decoded = VendorVerdictDecoder.decode(name: name, value: value, index: 0) else { return 0 }
    FuzzCheck.require(
        decoded.fields.count <= VendorVerdictLimits.fields,
        "\(decoded.fields.count) fields decoded, more than the bound")
    FuzzCheck.require(decoded.raw.utf8.count <= VendorVerdictLimits.valueBytes, "the value kept is over its bound")
    for field in decoded.fields {
        FuzzCheck.require(field.key.utf8.count <= VendorVerdictLimits.keyBytes, "a key kept is over its bound")
        FuzzCheck.require(
            field.value.utf8.count <= VendorVerdictLimits.fieldValueBytes, "a field value kept is over its bound")
    }
    _ = VendorVerdictText.summary(decoded)
    return 0
}
