import Foundation
import HopTraceCore
import HopTraceDNS
import Testing
import Yams

/// The openspf RFC 7208 suite (`../shared/conformance/spf/rfc7208-tests.yml`, see its README),
/// read into cases whose `zonedata` is kept as records per name. The tests that use it carry
/// `.requiresShared(RFC7208Suite.file)`; without the file there are no cases.
public enum RFC7208Suite {
    /// The suite's file under `../shared`.
    public static let file = "conformance/spf/rfc7208-tests.yml"

    public struct Case: Sendable, CustomTestStringConvertible {
        public var scenario: String
        public var name: String
        public var helo: String
        public var host: String
        public var mailfrom: String
        /// Acceptable results, preferred first.
        public var results: [String]
        public var explanation: String?
        /// The scenario's `zonedata`, by lower-case owner name.
        public var zone: [String: Entry]

        public var testDescription: String { "\(name) (\(scenario))" }

        /// The zone as the snapshot file `--dns-snapshot` reads (TIMEOUT as `;! timeout NAME *`).
        public var zoneFile: ZoneFile {
            var file = ZoneFile()
            for (name, entry) in zone {
                file.addName(name)
                for record in entry.records { file.add(record, at: name) }
                if entry.timeout {
                    file.add(ZoneFile.Directive(.timeout, name: name, type: nil, reason: "suite TIMEOUT"))
                }
            }
            return file
        }
    }

    /// One owner name of a scenario's `zonedata`.
    public struct Entry: Sendable, Hashable {
        public var records: [DNSRecord] = []
        /// `TIMEOUT`: every type without records times out.
        public var timeout = false
    }

    public static let cases: [Case] = (try? load()) ?? []

    static func load() throws -> [Case] {
        guard SharedFolder.contains(file) else { return [] }
        let text = try String(contentsOfFile: SharedFolder.path(file), encoding: .utf8)
        var out: [Case] = []
        for document in try Yams.compose_all(yaml: text) {
            let scenario = scalar(document["description"]) ?? "?"
            let zone = Self.zone(document["zonedata"])
            guard case .mapping(let tests)? = document["tests"] else { continue }
            for (key, test) in tests {
                let results: [String]
                switch test["result"] {
                case .sequence(let seq)?: results = seq.compactMap(scalar)
                case let node?: results = [scalar(node) ?? ""]
                case nil: results = []
                }
                out.append(
                    Case(
                        scenario: scenario, name: scalar(key) ?? "?",
                        helo: scalar(test["helo"]) ?? "", host: scalar(test["host"]) ?? "",
                        mailfrom: scalar(test["mailfrom"]) ?? "", results: results,
                        explanation: scalar(test["explanation"]), zone: zone))
            }
        }
        return out
    }

    /// A target name as `DNSRecord` holds it: absolute without the trailing dot (the suite
    /// writes both `e1.example.com.` and `e1.example.com`). Case is kept (ptr-case-change).
    static func target(_ node: Node) -> String {
        var name = scalar(node) ?? ""
        if name.hasSuffix(".") && name.count > 1 { name.removeLast() }
        return name
    }

    static func scalar(_ node: Node?) -> String? {
        if case .scalar(let s)? = node { return s.string }
        return nil
    }

    /// README rules: lower-case owners; `TXT`/`SPF` as string or list of strings; `NONE`;
    /// SPF entries copied to TXT only when the name has no TXT entry at all; bare `TIMEOUT`.
    static func zone(_ node: Node?) -> [String: Entry] {
        var zone: [String: Entry] = [:]
        guard case .mapping(let names)? = node else { return [:] }
        for (owner, list) in names {
            let name = DNSQuestion.normalize(scalar(owner) ?? "")
            var entry = zone[name] ?? Entry()
            var spf: [DNSRecord] = []
            var hasTXTEntry = false
            guard case .sequence(let items) = list else { continue }
            for item in items {
                if scalar(item) == "TIMEOUT" {
                    entry.timeout = true
                    continue
                }
                guard case .mapping(let m) = item, let (k, v) = m.first, let type = scalar(k) else { continue }
                func strings() -> [[UInt8]]? {
                    if case .sequence(let parts) = v { return parts.map { Array((scalar($0) ?? "").utf8) } }
                    guard let s = scalar(v), s != "NONE" else { return nil }
                    return [Array(s.utf8)]
                }
                switch type {
                case "SPF":
                    if let s = strings() { spf.append(.txt(s)) }
                case "TXT":
                    hasTXTEntry = true
                    if let s = strings() { entry.records.append(.txt(s)) }
                case "A":
                    if let ip = scalar(v).flatMap({ IPAddress($0) }) { entry.records.append(.a(ip)) }
                case "AAAA":
                    if let ip = scalar(v).flatMap({ IPAddress($0) }) { entry.records.append(.aaaa(ip)) }
                case "MX":
                    if case .sequence(let pair) = v, pair.count == 2 {
                        entry.records.append(
                            .mx(preference: Int(scalar(pair[0]) ?? "0") ?? 0, exchange: target(pair[1])))
                    }
                case "PTR":
                    entry.records.append(.ptr(target(v)))
                case "CNAME":
                    entry.records.append(.cname(target(v)))
                default:
                    Issue.record("unknown zonedata type \(type)")
                }
            }
            if !hasTXTEntry { entry.records += spf }
            zone[name] = entry
        }
        return zone
    }
}
