import HopTraceCore
import HopTraceReceived
import HopTraceTopology

/// The relay map of `hoptrace map` as terminal text: a summary line, the hosts, then the steps,
/// each list by number of messages (most first). A host is shown by its names (else its
/// public address); a host with neither is an unnamed host, one per message that showed it, and
/// is said so with its number. Names and organisations come from messages: each goes through
/// `TerminalText.sanitize`.
public enum MapTextRenderer {
    /// `unreadable`: the messages that could not be read (said on the summary line).
    public static func render(_ map: RelayMap, unreadable: Int) -> String {
        var out = [
            "hoptrace map: \(map.messages) messages, \(map.chains) chains, \(map.nodes.count) hosts, \(map.steps.count) steps"
                + (unreadable > 0 ? " (\(unreadable) unreadable, skipped)" : "")
        ]
        out.append("Hosts (messages):")
        // Stable: equal counts keep the map's order.
        for n in map.nodes.enumerated().sorted(by: {
            ($1.element.messages, $0.offset) < ($0.element.messages, $1.offset)
        })
        .map(\.element) {
            let addresses = n.addresses.map { $0.ip.description }.joined(separator: ", ")
            let name =
                n.names.isEmpty
                ? (addresses.isEmpty ? unnamed(n.id) + " (no name and no public address)" : addresses)
                : TerminalText.sanitize(n.names.joined(separator: " ≡ ")) + (addresses.isEmpty ? "" : " [\(addresses)]")
            out.append(
                "  \(n.messages)  " + name + (n.organisation.map { "  " + TerminalText.sanitize($0) } ?? ""))
        }
        out.append("Steps (messages, first and last seen):")
        for s in map.steps.enumerated().sorted(by: {
            ($1.element.messages, $0.offset) < ($0.element.messages, $1.offset)
        })
        .map(\.element) {
            let seen = [s.firstSeen, s.lastSeen].compactMap {
                $0.map { MailTimestamp(utcSeconds: $0, offsetSeconds: nil, raw: "").iso8601 }
            }
            out.append(
                "  \(s.messages)  \(label(map, s.from)) → \(label(map, s.to))"
                    + (seen.isEmpty ? "" : "  " + seen.joined(separator: " … ")))
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// A host with neither a name nor a public address.
    static func unnamed(_ id: Int) -> String { "unnamed host #\(id)" }

    /// A host in a step: its first name, else its first public address, else its number.
    static func label(_ map: RelayMap, _ id: Int) -> String {
        guard map.nodes.indices.contains(id - 1) else { return unnamed(id) }
        let n = map.nodes[id - 1]
        if let name = n.names.first { return TerminalText.sanitize(name) }
        if let address = n.addresses.first { return address.ip.description }
        return unnamed(id)
    }
}
