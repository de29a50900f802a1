import HopTraceCore
import HopTraceNetwork

/// A partial map: what `RelayMap.add(message:)` was given for each message of a shard, in
/// order, so that shards analysed apart merge into exactly the map one run over all of them
/// gives. (A map alone cannot be merged exactly: which node a host joins depends on the hosts
/// seen before it, so counts, node order and names need the messages' order.)
///
/// JSON Lines, each line one JSON object:
/// - `{"hoptrace_partial_map":1}` opens a part;
/// - `{"host":N,"names":[…],"addresses":[…],"organisation":…}` defines host N (1, 2, … in
///   order; a host is defined once per part, before the first message that shows it);
/// - `{"message":[{"hosts":[N,…],"steps":[[FROM,TO,TIME],…]}]}` is one message: its chains,
///   each the hosts it showed (as defined above) and its steps between them (positions in
///   `hosts`, counted from 0; TIME in UTC seconds, or null);
/// - `{"end":{"messages":M,"unreadable":U}}` closes the part: M message lines were written, U
///   messages could not be read. A part without it was cut short.
///
/// Parts can follow one another in one file (a concatenation of partial maps is one).
public enum PartialMap {
    public static let version = 1
    /// A line longer than this is refused (one message's chains take a few kilobytes).
    public static let maxLineBytes = 4 << 20

    /// Hop times a partial map may carry (UTC seconds of years 1 to 9999; mail dates give
    /// years 1000 to 9999): the dates written from them stay dates.
    public static let times: ClosedRange<Int64> = -62_135_596_800...253_402_300_799

    /// The line that opens a part.
    public static var header: [UInt8] { Array("{\"hoptrace_partial_map\":\(version)}\n".utf8) }
}

/// Writes the lines of one part of a partial map, message by message.
public struct PartialMapWriter {
    private var ids: [RelayMap.Sighting: Int] = [:]
    public private(set) var messages = 0

    public init() {}

    /// The lines of one message: a definition for each host not seen before in this part,
    /// then the message line.
    public mutating func lines(message chains: [RelayMap.Chain]) -> [UInt8] {
        var out: [UInt8] = []
        var fields: [JSONValue] = []
        fields.reserveCapacity(chains.count)
        for chain in chains {
            var hosts: [JSONValue] = []
            hosts.reserveCapacity(chain.sightings.count)
            for sighting in chain.sightings {
                if let id = ids[sighting] {
                    hosts.append(.int(id))
                    continue
                }
                let id = ids.count + 1
                ids[sighting] = id
                JSONValue.object([
                    ("host", .int(id)),
                    ("names", .array(sighting.names.map { .string($0) })),
                    ("addresses", .array(sighting.addresses.map { .string($0.ip.description) })),
                    ("organisation", .string(sighting.organisation)),
                ]).append(to: &out)
                out.append(0x0A)
                hosts.append(.int(id))
            }
            let steps = chain.steps.map { step -> JSONValue in
                .array([.int(step.from), .int(step.to), step.time.map { .int(Int($0)) } ?? .null])
            }
            fields.append(.object([("hosts", .array(hosts)), ("steps", .array(steps))]))
        }
        JSONValue.object([("message", .array(fields))]).append(to: &out)
        out.append(0x0A)
        messages += 1
        return out
    }

    /// The line that closes the part.
    public func end(unreadable: Int) -> [UInt8] {
        var out: [UInt8] = []
        JSONValue.object([("end", .object([("messages", .int(messages)), ("unreadable", .int(unreadable))]))])
            .append(to: &out)
        out.append(0x0A)
        return out
    }
}

/// Why a partial map cannot be read: the line, and what is wrong with it.
public struct PartialMapError: Error, Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var reason: String
    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }
    public var description: String { line > 0 ? "line \(line): \(reason)" : reason }
}

/// Reads partial maps line by line into what each line says. Nothing is trusted: every
/// host number, position, address and count is checked, and a part must end with its end line.
public struct PartialMapReader {
    public enum Entry: Sendable, Hashable {
        /// One message's chains, as `RelayMap.add(message:)` takes them.
        case message([RelayMap.Chain])
        /// A part ended: its message count (checked) and unreadable messages.
        case end(messages: Int, unreadable: Int)
    }

    private var sightings: [RelayMap.Sighting] = []
    private var inPart = false
    private var messagesInPart = 0
    private var lineNumber = 0
    private var parts = 0

    public init() {}

    /// What one line says (nil for a line that only defines a host, opens a part, or is blank).
    public mutating func read(line: ArraySlice<UInt8>) throws(PartialMapError) -> Entry? {
        lineNumber += 1
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return nil }
        guard line.count <= PartialMap.maxLineBytes else {
            throw fail("longer than \(PartialMap.maxLineBytes / (1 << 20)) MiB")
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(line)
        } catch {
            throw fail("not JSON (\(error))")
        }
        guard case .object(let pairs) = value, let (key, body) = pairs.first, pairs.count >= 1 else {
            throw fail("not a partial map line (a JSON object is expected)")
        }
        switch key {
        case "hoptrace_partial_map":
            guard case .int(let version) = body, version == PartialMap.version else {
                throw fail("partial map version \(body.serialized(pretty: false)) is not \(PartialMap.version)")
            }
            guard !inPart else { throw fail("a new part begins before the previous one's end line") }
            inPart = true
            parts += 1
            sightings.removeAll()
            messagesInPart = 0
            return nil
        case "host":
            try requirePart()
            try defineHost(pairs)
            return nil
        case "message":
            try requirePart()
            guard case .array(let chains) = body else { throw fail("\"message\" is not a list of chains") }
            messagesInPart += 1
            return .message(try chains.map { (c) throws(PartialMapError) in try chain(c) })
        case "end":
            try requirePart()
            let messages = try integer(body, "messages")
            let unreadable = try integer(body, "unreadable")
            guard messages == messagesInPart else {
                throw fail("the end line counts \(messages) messages, the part has \(messagesInPart)")
            }
            inPart = false
            return .end(messages: messages, unreadable: unreadable)
        default:
            throw fail("unknown line \"\(TerminalText.sanitize(String(key.prefix(40))))\"")
        }
    }

    /// Called after the last line: a part still open was cut short.
    public func finish() throws(PartialMapError) {
        if inPart {
            throw PartialMapError(
                line: 0, reason: "ends inside a part (no end line after \(messagesInPart) messages): cut short?")
        }
        if parts == 0 { throw PartialMapError(line: 0, reason: "no partial map in it") }
    }

    private func fail(_ reason: String) -> PartialMapError { PartialMapError(line: lineNumber, reason: reason) }

    private func requirePart() throws(PartialMapError) {
        guard inPart else { throw fail("no {\"hoptrace_partial_map\":\(PartialMap.version)} line opens this part") }
    }

    private func field(_ value: JSONValue, _ name: String) -> JSONValue? {
        guard case .object(let pairs) = value else { return nil }
        return pairs.first { $0.0 == name }?.1
    }

    private func integer(_ value: JSONValue, _ name: String) throws(PartialMapError) -> Int {
        guard case .int(let n)? = field(value, name), n >= 0 else { throw fail("\"\(name)\" is not a count") }
        return n
    }

    private mutating func defineHost(_ pairs: [(String, JSONValue)]) throws(PartialMapError) {
        let object = JSONValue.object(pairs)
        guard case .int(let id)? = field(object, "host"), id == sightings.count + 1 else {
            throw fail("hosts must be numbered 1, 2, … in order (expected \(sightings.count + 1))")
        }
        guard case .array(let nameValues)? = field(object, "names"),
            case .array(let addressValues)? = field(object, "addresses")
        else { throw fail("host \(id) has no \"names\" or \"addresses\" list") }
        var names: [String] = []
        for value in nameValues {
            guard case .string(let name) = value, !name.isEmpty else {
                throw fail("host \(id): a name is not a string")
            }
            names.append(name)
        }
        var addresses: [HostAddress] = []
        for value in addressValues {
            guard case .string(let text) = value, let ip = IPAddress(text) else {
                throw fail("host \(id): an address is not an IP address")
            }
            // The map keeps public addresses only: a private one would join hosts of different networks.
            guard AddressClassifier.scope(of: ip) == .public else {
                throw fail("host \(id): \(ip) is not a public address")
            }
            addresses.append(HostAddress(ip: ip, scope: .public))
        }
        let organisation: String?
        switch field(object, "organisation") {
        case .string(let org)?: organisation = org
        case .null?, nil: organisation = nil
        default: throw fail("host \(id): \"organisation\" is not a string")
        }
        sightings.append(RelayMap.Sighting(names: names, addresses: addresses, organisation: organisation))
    }

    private func chain(_ value: JSONValue) throws(PartialMapError) -> RelayMap.Chain {
        guard case .array(let hostValues)? = field(value, "hosts"), case .array(let stepValues)? = field(value, "steps")
        else { throw fail("a chain has no \"hosts\" or \"steps\" list") }
        var hosts: [RelayMap.Sighting] = []
        hosts.reserveCapacity(hostValues.count)
        for host in hostValues {
            guard case .int(let id) = host, id >= 1, id <= sightings.count else {
                throw fail("a chain names a host not defined before it")
            }
            hosts.append(sightings[id - 1])
        }
        var steps: [RelayMap.ChainStep] = []
        steps.reserveCapacity(stepValues.count)
        for step in stepValues {
            guard case .array(let parts) = step, parts.count == 3, case .int(let from) = parts[0],
                case .int(let to) = parts[1], hosts.indices.contains(from), hosts.indices.contains(to)
            else { throw fail("a step is not [from, to, time] with positions among the chain's hosts") }
            let time: Int64?
            switch parts[2] {
            case .int(let t) where PartialMap.times.contains(Int64(t)): time = Int64(t)
            case .int: throw fail("a step's time is not a date of years 1 to 9999")
            case .null: time = nil
            default: throw fail("a step's time is neither seconds nor null")
            }
            steps.append(RelayMap.ChainStep(from: from, to: to, time: time))
        }
        return RelayMap.Chain(sightings: hosts, steps: steps)
    }
}
