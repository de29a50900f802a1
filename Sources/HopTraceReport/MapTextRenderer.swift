import HopTraceCore
import HopTraceReceived
import HopTraceTopology

/// The relay map of `hoptrace map` as terminal text: a summary line, the hosts, then the steps
/// by number of messages. Names and organisations come from messages: each goes through
/// `TerminalText.sanitize`.
public enum MapTextRenderer {
    /// `unreadable`: the messages that could not be read (said on the summary line).
    public static func render(_ map: RelayMap, unreadable: Int) -> String {
        var out = [
            "hoptrace map: \(map.messages) messages, \(map.chains) chains, \(map.nodes.count) hosts, \(map.steps.count) steps"
                + (unreadable > 0 ? " (\(unreadable) unreadable, skipped)" : "")
        ]
        out.append("Hosts:")
        for n in map.nodes {
            let addresses = n.addresses.map { $0.ip.description }.joined(separator: ", ")
            out.append(
                "  [\(n.id)] " + TerminalText.sanitize(n.names.joined(separator: " ≡ "))
                    + (addresses.isEmpty ? "" : " [\(addresses)]")
                    + (n.organisation.map { "  " + TerminalText.sanitize($0) } ?? "") + "  \(n.messages) msg")
        }
        out.append("Steps (messages, first and last seen):")
        for s in map.steps.sorted(by: { $0.messages > $1.messages }) {
            let seen = [s.firstSeen, s.lastSeen].compactMap {
                $0.map { MailTimestamp(utcSeconds: $0, offsetSeconds: nil, raw: "").iso8601 }
            }
            out.append(
                "  [\(s.from)] → [\(s.to)]  \(s.messages)" + (seen.isEmpty ? "" : "  " + seen.joined(separator: " … ")))
        }
        return out.joined(separator: "\n") + "\n"
    }
}
