import Crypto
import Foundation
import HopTraceDNS
import HopTraceTestSupport
import _CryptoExtras

@testable import HopTraceAuth

/// A signing key made in the test.
enum DKIMTestKey: @unchecked Sendable {
    // @unchecked: the swift-crypto key types are immutable value wrappers used from one test at a time.
    case rsa(_RSA.Signing.PrivateKey)
    case ed25519(Curve25519.Signing.PrivateKey)

    static func rsa(bits: Int) -> DKIMTestKey {
        .rsa(try! _RSA.Signing.PrivateKey(unsafeKeySize: _RSA.Signing.KeySize(bitCount: bits)))
    }
    static func ed25519() -> DKIMTestKey { .ed25519(Curve25519.Signing.PrivateKey()) }

    var algorithm: String {
        switch self {
        case .rsa: return "rsa-sha256"
        case .ed25519: return "ed25519-sha256"
        }
    }

    /// The public key as `p=` base64: SPKI DER for RSA (or bare PKCS#1), raw 32 bytes for Ed25519.
    func publicKeyBase64(pkcs1: Bool = false) -> String {
        switch self {
        case .rsa(let k):
            return (pkcs1 ? k.publicKey.pkcs1DERRepresentation : k.publicKey.derRepresentation).base64EncodedString()
        case .ed25519(let k): return k.publicKey.rawRepresentation.base64EncodedString()
        }
    }

    /// A key record for this key.
    func record(pkcs1: Bool = false, extra: String = "") -> String {
        switch self {
        case .rsa: return "v=DKIM1; k=rsa;\(extra) p=\(publicKeyBase64(pkcs1: pkcs1))"
        case .ed25519: return "v=DKIM1; k=ed25519;\(extra) p=\(publicKeyBase64())"
        }
    }

    func sign(_ data: [UInt8]) -> [UInt8] {
        let digest = SHA256.hash(data: data)
        switch self {
        case .rsa(let k): return Array(try! k.signature(for: digest, padding: .insecurePKCS1v1_5).rawRepresentation)
        case .ed25519(let k): return Array(try! k.signature(for: Array(digest)))
        }
    }
}

/// Options for one test signature.
struct DKIMSignOptions: Sendable {
    var domain = "example.com"
    var selector = "sel"
    var headers = ["From", "To", "Subject", "Date"]
    var headerCanon = DKIMCanonicalization.relaxed
    var bodyCanon = DKIMCanonicalization.relaxed
    var bodyLength: Int? = nil
    /// Sign only the first `bodyLength` canonical bytes; when true and bodyLength is nil, sign the whole body with l=.
    var lengthTagForWholeBody = false
    var timestamp: Int64? = 1_600_000_000
    var expiration: Int64? = nil
    var algorithmOverride: String? = nil
    var identity: String? = nil
    var extraTags = ""
    /// z= copies of these headers.
    var copyHeaders: [String] = []
}

/// A DKIM signer for tests, built on the library's canonicalisation (so a pass proves the
/// verifier agrees with it) and cross-checked against upstream vectors by the conformance tests.
enum DKIMTestSigner {
    /// Returns `message` (CRLF or LF) with a DKIM-Signature field prepended.
    static func sign(_ message: String, key: DKIMTestKey, _ o: DKIMSignOptions = DKIMSignOptions()) -> String {
        let (headers, body) = DKIMMessage.split(Array(message.utf8))!
        let canonicalBody = DKIMCanonicalizer.body(body, o.bodyCanon)
        var length = o.bodyLength
        if o.lengthTagForWholeBody && length == nil { length = canonicalBody.count }
        let hashed = canonicalBody.prefix(length ?? canonicalBody.count)
        let bh = Data(SHA256.hash(data: Array(hashed))).base64EncodedString()
        var tags =
            "v=1; a=\(o.algorithmOverride ?? key.algorithm); c=\(o.headerCanon.rawValue)/\(o.bodyCanon.rawValue); d=\(o.domain); s=\(o.selector);"
        if let t = o.timestamp { tags += " t=\(t);" }
        if let x = o.expiration { tags += " x=\(x);" }
        if let l = length { tags += " l=\(l);" }
        if let i = o.identity { tags += " i=\(i);" }
        if !o.copyHeaders.isEmpty {
            let copies = o.copyHeaders.compactMap { name -> String? in
                guard let h = headers.last(where: { $0.name.lowercased() == name.lowercased() }) else { return nil }
                return "\(h.name):" + zQuote(h.unfoldedValue)
            }
            tags += "\r\n\tz=" + copies.joined(separator: "|") + ";"
        }
        tags += o.extraTags
        tags += "\r\n\th=\(o.headers.joined(separator: ":")); bh=\(bh);\r\n\tb="
        let field = "DKIM-Signature: " + tags
        let input = headerInput(names: o.headers, headers: headers, canon: o.headerCanon, ownField: Array(field.utf8))
        let b = Data(key.sign(input)).base64EncodedString()
        return field + fold(b) + "\r\n" + message
    }

    static func headerInput(names: [String], headers: [DKIMHeaderField], canon: DKIMCanonicalization, ownField: [UInt8])
        -> [UInt8]
    {
        var input: [UInt8] = []
        for pick in DKIMCanonicalizer.selectHeaders(names, in: headers) {
            if let pick { input += DKIMCanonicalizer.header(headers[pick].raw, canon) }
        }
        input += DKIMCanonicalizer.signatureHeader(ownField, canon)
        return input
    }

    static func fold(_ b: String) -> String {
        var out = ""
        var line = 0
        for c in b {
            if line == 60 {
                out += "\r\n\t"
                line = 0
            }
            out.append(c)
            line += 1
        }
        return out
    }

    static func zQuote(_ v: String) -> String {
        var out = ""
        for b in v.utf8 {
            if b == 0x20 || b == 0x09 || b == 0x7C || b == 0x3B || b == 0x3D || b < 0x21 || b > 0x7E {
                out += String(format: "=%02X", b)
            } else {
                out.append(Character(Unicode.Scalar(b)))
            }
        }
        return out
    }
}

/// Test ARC sealer: adds one ARC set (AAR, AMS, AS) on top of a message.
enum ARCTestSealer {
    static func seal(
        _ message: String, key: DKIMTestKey, instance: Int, cv: String, domain: String = "example.org",
        selector: String = "arc", signedHeaders: [String] = ["From", "To", "Subject"]
    ) -> String {
        let (headers, body) = DKIMMessage.split(Array(message.utf8))!
        let aar = "ARC-Authentication-Results: i=\(instance); mx.\(domain); spf=pass smtp.mailfrom=example.com"
        let canonicalBody = DKIMCanonicalizer.body(body, .relaxed)
        let bh = Data(SHA256.hash(data: canonicalBody)).base64EncodedString()
        let amsField =
            "ARC-Message-Signature: i=\(instance); a=\(key.algorithm); c=relaxed/relaxed; d=\(domain); s=\(selector); t=1600000000;\r\n\th=\(signedHeaders.joined(separator: ":")); bh=\(bh); b="
        let withAAR = [DKIMHeaderField(name: "ARC-Authentication-Results", raw: Array(aar.utf8))] + headers
        let amsInput = DKIMTestSigner.headerInput(
            names: signedHeaders, headers: withAAR, canon: .relaxed, ownField: Array(amsField.utf8))
        let ams = amsField + DKIMTestSigner.fold(Data(key.sign(amsInput)).base64EncodedString())
        // The seal signs every earlier set, then this one.
        var input: [UInt8] = []
        let all =
            [
                DKIMHeaderField(name: "ARC-Message-Signature", raw: Array(ams.utf8)),
                DKIMHeaderField(name: "ARC-Authentication-Results", raw: Array(aar.utf8)),
            ] + headers
        for j in 1..<instance {
            for kind in ["arc-authentication-results", "arc-message-signature", "arc-seal"] {
                if let h = all.first(where: { $0.name.lowercased() == kind && arcInstance($0) == j }) {
                    input += DKIMCanonicalizer.header(h.raw, .relaxed)
                }
            }
        }
        input += DKIMCanonicalizer.header(Array(aar.utf8), .relaxed)
        input += DKIMCanonicalizer.header(Array(ams.utf8), .relaxed)
        let asField =
            "ARC-Seal: i=\(instance); a=\(key.algorithm); cv=\(cv); d=\(domain); s=\(selector); t=1600000000; b="
        input += DKIMCanonicalizer.signatureHeader(Array(asField.utf8), .relaxed)
        let seal = asField + DKIMTestSigner.fold(Data(key.sign(input)).base64EncodedString())
        return seal + "\r\n" + ams + "\r\n" + aar + "\r\n" + message
    }

    static func arcInstance(_ h: DKIMHeaderField) -> Int? {
        let v = h.unfoldedValue
        guard let r = v.range(of: "i=") else { return nil }
        return Int(v[r.upperBound...].prefix { $0.isNumber })
    }
}

/// The shared conformance folder (`../shared/conformance`, see `SharedFolder`).
enum Conformance {
    static func url(_ path: String) -> URL { SharedFolder.url("conformance/" + path) }
    static func exists(_ path: String) -> Bool { SharedFolder.contains("conformance/" + path) }

    /// Reads `name value` lines into a resolver (the first space separates them).
    static func zone(_ lines: Substring) -> [String: [DNSRecord]] {
        var zone: [String: [DNSRecord]] = [:]
        for line in lines.split(separator: "\n") where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let sp = line.firstIndex(of: " ") else { continue }
            zone[String(line[..<sp]), default: []].append(InMemoryResolver.txt(String(line[line.index(after: sp)...])))
        }
        return zone
    }

    /// Layout 1: DNS lines, an empty line, the message. Split on the first "\n\n".
    static func combined(_ path: String) throws -> (zone: [String: [DNSRecord]], message: [UInt8]) {
        let text = try String(contentsOf: url(path), encoding: .utf8)
        guard let r = text.range(of: "\n\n") else { throw CocoaError(.fileReadCorruptFile) }
        return (zone(text[..<r.lowerBound]), Array(String(text[r.upperBound...]).utf8))
    }

    /// Layout 2: a message file and its `.dns` sidecar.
    static func sidecar(_ path: String) throws -> (zone: [String: [DNSRecord]], message: [UInt8]) {
        let dns = try String(contentsOf: url(path + ".dns"), encoding: .utf8)
        let message = try Data(contentsOf: url(path))
        return (zone(Substring(dns)), Array(message))
    }
}
