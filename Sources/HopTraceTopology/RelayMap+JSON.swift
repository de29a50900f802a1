import HopTraceCore

extension RelayMap {
    /// The map's JSON document, pretty-printed, byte for byte `jsonValue.serialized()`, handed
    /// to `write` in pieces of about `chunk` bytes: no value tree and no copy of the whole
    /// document are held; each node and step is written straight to bytes
    /// (`JSONPrettyFields`) from the same fields `jsonValue` collects.
    public func writeJSON(chunk: Int = 1 << 16, to write: (ArraySlice<UInt8>) throws -> Void) rethrows {
        var out = JSONPrettyFields(out: [], level: 2)
        out.out.reserveCapacity(chunk + 4096)
        out.out += "{\n  \"version\": 1,\n  \"messages\": \(messages),\n  \"chains\": \(chains),\n".utf8
        try Self.writeArray("nodes", nodes, last: false, chunk: chunk, into: &out, write) { $1.writeFields(&$0) }
        try Self.writeArray("edges", steps, last: true, chunk: chunk, into: &out, write) { $1.writeFields(&$0) }
        out.out += "}\n".utf8
        try write(out.out[...])
    }

    /// `  "KEY": [ … ]` with its objects at the document's second level, as the pretty
    /// printer writes them; the buffer goes to `write` whenever it holds `chunk` bytes.
    private static func writeArray<Element>(
        _ key: String, _ elements: [Element], last: Bool, chunk: Int, into out: inout JSONPrettyFields,
        _ write: (ArraySlice<UInt8>) throws -> Void, _ fields: (inout JSONPrettyFields, Element) -> Void
    ) rethrows {
        out.out += "  \"\(key)\": [".utf8
        for (i, element) in elements.enumerated() {
            out.out += (i == 0 ? "\n    " : ",\n    ").utf8
            out.begin()
            fields(&out, element)
            out.end()
            if out.out.count >= chunk {
                try write(out.out[...])
                out.out.removeAll(keepingCapacity: true)
            }
        }
        out.out += (elements.isEmpty ? "]" : "\n  ]").utf8
        out.out += (last ? "\n" : ",\n").utf8
    }
}

extension RelayMap.Node {
    /// One node of the map's JSON document.
    var jsonValue: JSONValue {
        var list = JSONFieldList()
        writeFields(&list)
        return list.value
    }

    func writeFields<W: JSONFieldWriter>(_ w: inout W) {
        w.field("id", id)
        w.field("names", strings: names)
        w.objects("addresses", addresses) { $1.writeFields(into: &$0) }
        w.field("organisation", organisation)
        w.field("messages", messages)
    }
}

extension RelayMap.Step {
    /// One step (edge) of the map's JSON document.
    var jsonValue: JSONValue {
        var list = JSONFieldList()
        writeFields(&list)
        return list.value
    }

    func writeFields<W: JSONFieldWriter>(_ w: inout W) {
        w.field("from", from)
        w.field("to", to)
        w.field("messages", messages)
        w.field("first_seen", firstSeen.map(RelayMap.iso8601))
        w.field("last_seen", lastSeen.map(RelayMap.iso8601))
    }
}
