// DOTEncoder on a topology whose every name is fuzzed (FuzzTopology): the DOT must keep every
// name inside its quoting, with no raw control characters (DOTCheck).
import FuzzSupport
import HopTraceTopology

FuzzDriver.run { data, size in
    let input = FuzzTopology(FuzzDriver.bytes(data, size))
    let dot = DOTEncoder.encode(input.topology, annotations: input.annotations, options: input.options)
    DOTCheck.validate(dot, topology: input.topology)
    return 0
}
