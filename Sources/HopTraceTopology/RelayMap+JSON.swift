import HopTraceCore

extension RelayMap {
    /// The map's JSON document, pretty-printed, byte for byte `jsonValue.serialized()`, handed
    /// to `write` in pieces of about `chunk` bytes: no value tree of the whole map and no copy
    /// of the whole document are held, one node or step at a time.
    public func writeJSON(chunk: Int = 1 << 16, to write: (ArraySlice<UInt8>) throws -> Void) rethrows {
        var out: [UInt8] = []
        out.reserveCapacity(chunk + 4096)
        out += "{\n  \"version\": 1,\n  \"messages\": \(messages),\n  \"chains\": \(chains),\n".utf8
        try Self.writeArray("nodes", nodes.lazy.map(\.jsonValue), last: false, chunk: chunk, into: &out, write)
        try Self.writeArray("edges", steps.lazy.map(\.jsonValue), last: true, chunk: chunk, into: &out, write)
        out += "}\n".utf8
        try write(out[...])
    }

    /// `  "KEY": [ … ]` with its elements at the document's second level, as the pretty
    /// printer writes them; the buffer goes to `write` whenever it holds `chunk` bytes.
    private static func writeArray<S: Sequence<JSONValue>>(
        _ key: String, _ elements: S, last: Bool, chunk: Int, into out: inout [UInt8],
        _ write: (ArraySlice<UInt8>) throws -> Void
    ) rethrows {
        out += "  \"\(key)\": [".utf8
        var first = true
        for element in elements {
            out += (first ? "\n    " : ",\n    ").utf8
            first = false
            element.append(to: &out, prettyAtLevel: 2)
            if out.count >= chunk {
                try write(out[...])
                out.removeAll(keepingCapacity: true)
            }
        }
        out += (first ? "]" : "\n  ]").utf8
        out += (last ? "\n" : ",\n").utf8
    }
}

extension RelayMap.Node {
    /// One node of the map's JSON document.
    var jsonValue: JSONValue {
        .object([
            ("id", .int(id)),
            ("names", .array(names.map { .string($0) })),
            (
                "addresses",
                .array(
                    addresses.map {
                        .object([("ip", .string($0.ip.description)), ("scope", .string($0.scope.rawValue))])
                    })
            ),
            ("organisation", .string(organisation)),
            ("messages", .int(messages)),
        ])
    }
}

extension RelayMap.Step {
    /// One step (edge) of the map's JSON document.
    var jsonValue: JSONValue {
        .object([
            ("from", .int(from)), ("to", .int(to)), ("messages", .int(messages)),
            ("first_seen", RelayMap.jsonTime(firstSeen)), ("last_seen", RelayMap.jsonTime(lastSeen)),
        ])
    }
}

extension RelayMap {
    static func jsonTime(_ t: Int64?) -> JSONValue { t.map { .string(iso8601($0)) } ?? .null }
}
