import HopTraceCore
import HopTraceMessage
import HopTraceNetwork
import HopTraceReceived

/// The pipeline: message → chains → hops → address scopes → findings.
/// Later stages (software, topology, authentication) extend it; each reads the previous
/// stages' values only.
public enum Analyzer {
    /// Analyses one message. Throws only when the input cannot be read as mail at all.
    public static func analyze(_ bytes: [UInt8]) throws(IntakeError) -> Report {
        let intake = try MessageIntake.read(bytes)
        let chains = intake.chains.map(analyzeChain)
        return Report(reportKind: intake.reportKind, chains: chains, findings: intake.findings)
    }

    /// Analyses every message of an mbox mailbox; a message that cannot be read is recorded as
    /// such and the others go on.
    public static func analyzeMailbox(_ bytes: [UInt8]) -> BatchReport {
        let messages = Mailbox.split(mbox: bytes)
        return BatchReport(entries: messages.enumerated().map { i, slice in
            BatchReport.Entry(label: String(i + 1), result: Result(catching: { () throws(IntakeError) in try analyze(Array(slice)) }))
        })
    }

    static let summaryHeaders = ["Subject", "From", "To", "Date", "Message-ID"]

    static func analyzeChain(_ input: ChainInput) -> ChainReport {
        let received = input.headers.fields(named: "Received").map { (value: $0.value, location: Optional($0.location)) }
        let chain = ChainBuilder.build(received)
        let hops = chain.hops.map { hop in
            HopReport(hop: hop,
                      fromScope: hop.received.from?.ip.map(AddressClassifier.scope(of:)),
                      byScope: hop.received.by?.ip.map(AddressClassifier.scope(of:)))
        }
        let summary: [(name: String, value: String)] = summaryHeaders.compactMap { name in
            input.headers.first(name).map { (name: name, value: EncodedWords.decode($0.value)) }
        }
        return ChainReport(source: input.source, part: input.part, container: input.container,
                           summary: summary, hops: hops, findings: chain.findings)
    }
}
