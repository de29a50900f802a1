import HopTraceCore

/// A DKIM key record, the TXT record at `<selector>._domainkey.<domain>` (RFC 6376 §3.6.1,
/// RFC 8463 for k=ed25519).
///
///     key-v-tag    = %x76 [FWS] "=" [FWS] %x44.4B.49.4D.31        ; "DKIM1", first tag if present
///     key-h-tag    = %x68 [FWS] "=" [FWS] key-h-tag-alg *( [FWS] ":" [FWS] key-h-tag-alg )
///     key-k-tag    = %x6b [FWS] "=" [FWS] key-k-tag-type          ; "rsa" (default) / "ed25519"
///     key-n-tag    = %x6e [FWS] "=" [FWS] qp-section
///     key-p-tag    = %x70 [FWS] "=" [ [FWS] base64string ]          ; empty: key revoked
///     key-s-tag    = %x73 [FWS] "=" [FWS] key-s-tag-type *( [FWS] ":" [FWS] key-s-tag-type )  ; "email" / "*"
///     key-t-tag    = %x74 [FWS] "=" [FWS] key-t-tag-flag *( [FWS] ":" [FWS] key-t-tag-flag )  ; "y" / "s"
public struct DKIMKeyRecord: Sendable, Hashable {
    public var version: String?
    /// `h=`: acceptable hash algorithms (nil: all).
    public var hashAlgorithms: [String]?
    /// `k=` (default "rsa").
    public var keyType: String
    public var notes: String?
    /// `p=` decoded; empty when the key is revoked.
    public var publicKey: [UInt8]
    /// `s=` (default ["*"]).
    public var serviceTypes: [String]
    /// `t=` flags.
    public var flags: [String]
    public var tags: [DKIMTag]
    public var raw: String

    public var isRevoked: Bool { publicKey.isEmpty }
    /// `t=y`: the domain is testing DKIM (RFC 6376: verifiers MUST NOT treat such mail differently).
    public var isTesting: Bool { flags.contains("y") }
    /// `t=s`: i= must be exactly d=, not a subdomain.
    public var isStrict: Bool { flags.contains("s") }
}

public enum DKIMKeyRecordParser {
    /// Parses the TXT text (the record's strings joined). Offsets in errors index the text's UTF-8.
    public static func parse(_ text: String) throws(DKIMSyntaxError) -> DKIMKeyRecord {
        let bytes = Array(text.utf8)
        let tags = try DKIMTagList.tagList(bytes)
        var byName: [String: DKIMTag] = [:]
        for t in tags { byName[t.name] = t }
        var version: String?
        if let v = byName["v"] {
            guard v.value == "DKIM1" else {
                throw DKIMSyntaxError(
                    .invalid, offset: v.valueRange.lowerBound, tag: "v", reason: "key record v=\(v.value) is not DKIM1")
            }
            guard tags.first?.name == "v" else {
                throw DKIMSyntaxError(
                    .invalid, offset: v.offset, tag: "v", reason: "v= is not the first tag of the key record",
                    hint: "RFC 6376 §3.6.1: if present, v= MUST be the first tag")
            }
            version = v.value
        }
        guard let p = byName["p"] else {
            throw DKIMSyntaxError(
                .incomplete, offset: bytes.count, tag: "p", reason: "key record has no p= tag",
                hint: "p= is required (empty p= means revoked)")
        }
        var key: [UInt8] = []
        if !DKIMTagList.stripFWS(p.value).isEmpty {
            guard let decoded = DKIMBase64.decode(p.value) else {
                throw DKIMSyntaxError(
                    .invalid, offset: p.valueRange.lowerBound, tag: "p", reason: "p= is not valid base64")
            }
            guard decoded.count <= DKIMLimits.maxPublicKeyBytes else {
                throw DKIMSyntaxError(
                    .invalid, offset: p.valueRange.lowerBound, tag: "p",
                    reason:
                        "p= decodes to \(decoded.count) bytes, more than the \(DKIMLimits.maxPublicKeyBytes) accepted")
            }
            key = decoded
        }
        func list(_ name: String) -> [String]? {
            byName[name].map {
                $0.value.split(separator: ":").map { DKIMTagList.stripFWS(String($0)) }.filter { !$0.isEmpty }
            }
        }
        return DKIMKeyRecord(
            version: version, hashAlgorithms: list("h"),
            keyType: byName["k"].map { DKIMTagList.stripFWS($0.value) } ?? "rsa",
            notes: byName["n"]?.value, publicKey: key, serviceTypes: list("s") ?? ["*"], flags: list("t") ?? [],
            tags: tags, raw: text)
    }
}
