import HopTraceMessage
import HopTraceTopology

/// The relay-map stage over many messages on several tasks at once, for `hoptrace map`: each
/// message is read, parsed and reduced to the chains the map folds in, and the results come
/// back in the messages' order, so the map folded from them is the map of one thread.
public enum MapBatch {
    /// Messages per window (as `hops`'s).
    public static let window = HopsBatch.window

    /// Each message's chains (nil: it could not be read as mail), in the messages' order,
    /// worked out on `threads` concurrent tasks, task `w` taking messages `w`, `w + threads`, ….
    public static func chains(_ messages: [SourceMessage], threads: Int) async -> [[RelayMap.Chain]?] {
        let workers = max(1, min(threads, messages.count))
        if workers == 1 { return messages.map(chains(of:)) }
        var out = [[RelayMap.Chain]?](repeating: nil, count: messages.count)
        await withTaskGroup(of: (Int, [[RelayMap.Chain]?]).self) { group in
            for worker in 0..<workers {
                group.addTask {
                    var mine: [[RelayMap.Chain]?] = []
                    var i = worker
                    while i < messages.count {
                        mine.append(chains(of: messages[i]))
                        i += workers
                    }
                    return (worker, mine)
                }
            }
            for await (worker, mine) in group {
                for (k, chains) in mine.enumerated() { out[worker + k * workers] = chains }
            }
        }
        return out
    }

    /// One message's chains as the map folds them in, or nil when it cannot be read as mail.
    public static func chains(of message: SourceMessage) -> [RelayMap.Chain]? {
        guard case .success(let bytes) = message.read(), let topologies = try? Analyzer.topologies(Array(bytes)) else {
            return nil
        }
        return topologies.map { RelayMap.Chain(topology: $0.0, times: $0.1) }
    }
}
