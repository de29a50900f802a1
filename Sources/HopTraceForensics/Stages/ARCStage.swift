import HopTraceAuth
import HopTraceCore
import HopTraceMessage
import HopTraceReceived

/// ARC (RFC 8617): the chain validated when DNS is there, and each instance read as a ledger
/// entry of what that intermediary saw (also offline), tied to the hop that added it.
struct ARCStage: Sendable {
    var validation: ARCValidation?
    var ledger: [ARCLedgerEntry] = []
    var notes: [ForensicsNote] = []

    /// `headers`: the chain's fields as the signature verifiers read them (`DKIMStage.headers`).
    static func read(
        input: ForensicsInput, headers: [DKIMHeaderField], verdicts: AttributedVerdicts, attribution: HopAttribution
    ) async -> ARCStage {
        var out = ARCStage()
        let block = input.chain.headers
        let arcFields = block.fields.filter {
            $0.is("ARC-Seal") || $0.is("ARC-Message-Signature") || $0.is("ARC-Authentication-Results")
        }
        guard !arcFields.isEmpty else { return out }
        if let resolver = input.resolver {
            out.validation = await ARCVerifier(resolver: resolver).validate(
                headers: headers, body: input.body.map(Array.init) ?? [])
            if input.body == nil { out.notes.append(.arcWithoutBody) }
        } else {
            out.notes.append(.arcOffline)
        }
        // The ledger: instances in order, capped at the RFC's 50.
        var seals: [Int: String] = [:]
        for f in block.fields where f.is("ARC-Seal") {
            if let s = try? ARCParser.seal(field: f.raw), (1...50).contains(s.instance), seals[s.instance] == nil {
                seals[s.instance] = s.domain
            }
        }
        var aars: [Int: (authserv: String?, index: Int)] = [:]
        for f in block.fields where f.is("ARC-Authentication-Results") {
            if let a = try? ARCParser.authenticationResults(field: f.raw), (1...50).contains(a.instance),
                aars[a.instance] == nil
            {
                aars[a.instance] = (a.authservID, f.location.headerIndex)
            }
        }
        let hops = attribution.hops
        let copies = (verdicts.perHop.flatMap { $0 } + verdicts.unattributed).filter {
            $0.header.lowercased() == "arc-authentication-results"
        }
        for i in Set(seals.keys).union(aars.keys).sorted() {
            var tie = ARCTie.none
            let sealDomain = seals[i]
            let authserv = aars[i]?.authserv
            if let authserv,
                let k = hops.indices.last(where: {
                    attribution.receiverNames($0).contains(DomainName.normalized(authserv))
                })
            {
                tie = .authservID(authserv, hop: hops[k].index)
            } else if let d = sealDomain, let reg = attribution.registrable(d),
                let k = hops.indices.last(where: {
                    attribution.receiverNames($0).contains { attribution.registrable($0) == reg }
                })
            {
                tie = .sealDomain(d, hop: hops[k].index)
            } else if let idx = aars[i]?.index, let k = attribution.hopBelow(headerIndex: idx) {
                tie = .position(hop: hops[k].index)
            }
            out.ledger.append(
                ARCLedgerEntry(
                    instance: i, sealDomain: sealDomain, authservID: authserv,
                    verdicts: copies.filter { $0.instance == i }, tie: tie))
        }
        return out
    }
}
