import HopTraceCore

extension RelayMap {
    /// The map's JSON document, pretty-printed, byte for byte `jsonValue.serialized()`, handed
    /// to `write` in pieces of about `chunk` bytes: no value tree and no copy of the whole
    /// document are held; each node and step is written straight to bytes
    /// (`JSONPrettyFields`) from the same fields `jsonValue` collects.
    public func writeJSON(chunk: Int = 1 << 16, to write: (ArraySlice<UInt8>) throws -> Void) rethrows {
        var out = JSONPrettyFields(JSONBuffer(capacity: chunk + 4096), level: 2)
        out.out.append(utf8: "{\n  \"version\": 1,\n  \"messages\": \(messages),\n  \"chains\": \(chains),\n")
        try Self.writeArray("nodes", nodes, last: false, chunk: chunk, into: &out, write) { $1.writeFields(&$0) }
        try Self.writeArray("edges", steps, last: true, chunk: chunk, into: &out, write) { $1.writeFields(&$0) }
        out.out.append("}\n")
        try Self.hand(out.out, to: write)
    }

    /// The buffer's bytes to `write`, then forgotten.
    private static func hand(_ buffer: JSONBuffer, to write: (ArraySlice<UInt8>) throws -> Void) rethrows {
        try write(buffer.bytes[...])
        buffer.removeAll()
    }

    /// `  "KEY": [ … ]` with its objects at the document's second level, as the pretty
    /// printer writes them; the buffer goes to `write` whenever it holds `chunk` bytes.
    private static func writeArray<Element>(
        _ key: String, _ elements: [Element], last: Bool, chunk: Int, into out: inout JSONPrettyFields,
        _ write: (ArraySlice<UInt8>) throws -> Void, _ fields: (inout JSONPrettyFields, Element) -> Void
    ) rethrows {
        out.out.append(utf8: "  \"\(key)\": [")
        for (i, element) in elements.enumerated() {
            out.out.append(i == 0 ? "\n    " : ",\n    ")
            out.begin()
            fields(&out, element)
            out.end()
            if out.out.count >= chunk { try hand(out.out, to: write) }
        }
        out.out.append(elements.isEmpty ? "]" : "\n  ]")
        out.out.append(last ? "\n" : ",\n")
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
        w.field("first_seen", iso8601: firstSeen)
        w.field("last_seen", iso8601: lastSeen)
    }
}
