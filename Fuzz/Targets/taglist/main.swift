// RFC 6376 tag=value lists in both dialects, and the parsers built on them: DKIM-Signature,
// DKIM key records, ARC-Seal, ARC-Message-Signature, DMARC records.
import FuzzSupport
import HopTraceAuth

FuzzDriver.run { data, size in
    let bytes = FuzzDriver.bytes(data, size)
    let text = String(decoding: bytes, as: UTF8.self)
    var warnings: [TagListSyntaxError] = []
    _ = try? TagList.parse(bytes, dialect: .signature, maxTags: 256, warnings: &warnings)
    _ = try? TagList.parse(bytes, dialect: .record, maxTags: 256, warnings: &warnings)
    _ = try? DKIMTagList.tagList(bytes)
    _ = try? DKIMSignatureParser.parse(field: bytes)
    _ = try? DKIMSignatureParser.parse(field: bytes, kind: .arcMessageSignature)
    _ = try? ARCParser.seal(field: bytes)
    _ = try? ARCParser.messageSignature(field: bytes)
    _ = try? DKIMKeyRecordParser.parse(text)
    _ = DMARCParser.isDMARCRecord(text)
    _ = try? DMARCParser.parse(text)
    return 0
}
