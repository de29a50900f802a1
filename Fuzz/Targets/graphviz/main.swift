// The fuzzed topology's DOT (as in the dot target) laid out and drawn as SVG by Graphviz
// (GraphvizRenderer serialises every call: libFuzzer's one thread is the only caller). DOT the
// encoder wrote must always parse and lay out, and the SVG holds no raw control characters.
import FuzzSupport
import HopTraceGraphviz
import HopTraceTopology

FuzzDriver.run { data, size in
    let input = FuzzTopology(FuzzDriver.bytes(data, size))
    let dot = DOTEncoder.encode(input.topology, annotations: input.annotations, options: input.options)
    DOTCheck.validate(dot, topology: input.topology)
    let drawn: Result<[UInt8], GraphvizError> = FuzzDriver.wait {
        do {
            return .success(try await GraphvizRenderer.render(dot: dot, format: .svg))
        } catch let error as GraphvizError {
            return .failure(error)
        } catch {
            return .failure(.render("\(error)"))
        }
    }
    guard case .success(let svg) = drawn else {
        FuzzCheck.fail("Graphviz refused the encoder's DOT: \(drawn)\n\(dot)")
    }
    FuzzCheck.noControlCharacters(String(decoding: svg, as: UTF8.self), in: "the SVG")
    return 0
}
