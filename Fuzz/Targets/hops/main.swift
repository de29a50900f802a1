// The parse stage alone, as `hoptrace hops` runs it: intake, the Received chain with its
// order, delays and continuity, address scopes; then its JSON line and text, which must hold
// no raw control characters.
import FuzzSupport
import HopTraceCore
import HopTraceMessage
import HopTraceReport

FuzzDriver.run { data, size in
    let bytes = FuzzDriver.bytes(data, size)
    let result = Result<HopsReport, IntakeError> { () throws(IntakeError) in try Analyzer.hops(bytes[...]) }
    var line: [UInt8] = []
    JSONRenderer.appendHopsLine(label: "fuzz", result, to: &line)
    FuzzCheck.noControlCharacters(String(decoding: line, as: UTF8.self), in: "the hops JSON line")
    FuzzCheck.noControlCharacters(
        TextRenderer(color: false).renderHops(label: "fuzz", result), in: "the hops text")
    return 0
}
