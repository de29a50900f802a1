import HopTraceMessage
import HopTraceTopology

/// The relay-map stage over many messages on several tasks at once, for `hoptrace map`: each
/// message is read, parsed and reduced to the chains the map folds in, and the results come
/// back in the messages' order, so the map folded from them is the map of one thread.
public enum MapBatch {
    /// Messages per window (as `hops`'s).
    public static let window = HopsBatch.window

    /// Each message's chains (nil: it could not be read as mail), in the messages' order,
    /// worked out on `threads` concurrent tasks, each taking the next message when it is free.
    public static func chains(_ messages: [SourceMessage], threads: Int) async -> [[RelayMap.Chain]?] {
        let workers = max(1, min(threads, messages.count))
        if workers == 1 { return messages.map(chains(of:)) }
        let done = await OrderedBatch.tasks(count: messages.count, threads: workers) { _, queue in
            var taken: [(Int, [RelayMap.Chain]?)] = []
            while let i = queue.next() { taken.append((i, chains(of: messages[i]))) }
            return taken
        }
        var all = [[RelayMap.Chain]?](repeating: nil, count: messages.count)
        for (i, chains) in done.joined() { all[i] = chains }
        return all
    }

    /// One message's chains as the map folds them in, or nil when it cannot be read as mail.
    public static func chains(of message: SourceMessage) -> [RelayMap.Chain]? {
        guard case .success(let bytes) = message.read(), let topologies = try? Analyzer.topologies(Array(bytes)) else {
            return nil
        }
        return topologies.map { RelayMap.Chain(topology: $0.0, times: $0.1) }
    }
}
