import HopTraceCore
import HopTraceTopology

/// A topology whose every text comes from the fuzz input: host names, software, organisation
/// names and domains, protocols, TLS versions, `via`, annotation labels, the title and the graph
/// name. The input is cut into texts at 0xFF (a byte UTF-8 never uses, so every character,
/// control characters and quotes included, can be in a text); the texts are dealt out in turn,
/// from the start again when they run out.
public struct FuzzTopology {
    public var topology: Topology
    public var annotations: [EdgeAnnotation]
    public var options: DOTEncoder.Options

    public init(_ bytes: [UInt8]) {
        var texts = bytes.split(separator: 0xFF, omittingEmptySubsequences: false).map {
            String(decoding: $0, as: UTF8.self)
        }
        if texts.isEmpty { texts = [""] }
        var next = 0
        func text() -> String {
            defer { next += 1 }
            return texts[next % texts.count]
        }
        let hostCount = min(max(texts.count / 4, 2), 12)
        let scopes: [AddressScope] = [.public, .private, .loopback, .documentation]
        var hosts: [Host] = []
        for i in 0..<hostCount {
            let names = (0..<(i % 3 + 1)).map { _ in text() }
            let typed = IPAddress(text())
            let address = typed ?? IPAddress("192.0.2.\(i + 1)")!
            let zone: Zone = i % 4 == 1 ? .internal : (i % 4 == 3 ? .unknown : .internetFacing)
            hosts.append(
                Host(
                    id: i, names: names, addresses: [HostAddress(ip: address, scope: scopes[i % scopes.count])],
                    organisation: i % 3 == 2 ? nil : "o\(i % 3)", zone: zone, hops: [i + 1],
                    software: [text()]))
        }
        let organisations = (0..<2).map { n in
            Organisation(
                id: "o\(n)", name: text(), domains: [text(), text()], asns: [64_500 + n], hosts: [],
                basis: n == 0 ? .knownOperator : .registrableDomain)
        }
        var edges: [Edge] = []
        var annotations: [EdgeAnnotation] = []
        for hop in 1..<hostCount {
            let delay = text().unicodeScalars.count
            edges.append(
                Edge(
                    hop: hop, from: hop - 1, to: hop, protocolName: text(), authenticated: hop % 2 == 0,
                    tls: hop % 3 != 0, tlsVersion: text(), delaySeconds: hop % 2 == 0 ? delay * 997 : -delay,
                    via: text()))
            let severities: [Severity] = [.error, .warning, .info]
            annotations.append(EdgeAnnotation(hop: hop, severity: severities[hop % 3], label: text()))
        }
        topology = Topology(
            hosts: hosts, organisations: organisations, edges: edges, boundaries: [1],
            aliases: [HostAlias(host: 0, names: [text()], confidence: .likely, evidence: [])],
            reentries: [])
        self.annotations = annotations
        let title = text()
        options = DOTEncoder.Options(title: title.isEmpty ? nil : title, graphName: text(), legend: next % 2 == 0)
    }
}
