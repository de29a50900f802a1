/// The identities and names of a check (RFC 7208 §4.3): the sender split at its "@", and
/// whether a domain or a name built by macro expansion can be checked or asked at all.
extension SPFEvaluator {
    /// Splits a sender at its last "@"; an empty local part, or none, is "postmaster" (§4.3).
    public static func split(sender: String) -> (local: String, domain: String) {
        // In ASCII text every byte is a character, so the last "@" byte is the last "@"; the
        // byte search is the one over characters without stepping through characters.
        var text = sender
        let search = text.withUTF8 { bytes -> (ascii: Bool, offset: Int?) in
            (!bytes.contains { $0 >= 0x80 }, bytes.lastIndex(of: UInt8(ascii: "@")))
        }
        let at: String.Index?
        if search.ascii {
            at = search.offset.map { sender.utf8.index(sender.utf8.startIndex, offsetBy: $0) }
        } else {
            at = sender.lastIndex(of: "@")
        }
        guard let at else { return ("postmaster", sender) }
        let local = String(sender[..<at])
        return (local.isEmpty ? "postmaster" : local, String(sender[sender.utf8.index(after: at)...]))
    }

    /// RFC 7208 §4.3: a <domain> that is malformed (empty label, label over 63 octets, over 253
    /// octets, a domain literal, not ASCII) or not multi-label gives `none`. Returns why, or nil.
    ///
    /// Reads the bytes once. For ASCII text a byte is a character (a "." or "[" never joins
    /// another into one), so this is the character-wise reading of the rules; text with any
    /// other byte is decided by its first character alone (a literal or not ASCII).
    public static func malformedDomainReason(_ domain: String) -> String? {
        var text = domain
        return text.withUTF8 { all -> String? in
            var bytes = all
            if bytes.last == UInt8(ascii: ".") { bytes = UnsafeBufferPointer(rebasing: bytes.dropLast()) }
            if bytes.isEmpty { return "empty" }
            let shape = NameShape(bytes)
            if !shape.isASCII {
                return domain.hasPrefix("[") ? "a domain literal" : "contains spaces, control or non-ASCII characters"
            }
            if bytes[0] == UInt8(ascii: "[") { return "a domain literal" }
            if !shape.isVisibleASCII { return "contains spaces, control or non-ASCII characters" }
            if bytes.count > SPFLimits.maxDomainLength { return "longer than 253 characters" }
            if shape.hasEmptyLabel { return "has an empty label" }
            if shape.hasLongLabel { return "has a label longer than 63 characters" }
            if shape.labels < 2 { return "not a multi-label domain name" }
            return nil
        }
    }

    /// A name built by macro expansion that DNS cannot carry (empty or over-long label) is
    /// treated as non-existent: no query, no match (RFC 7208 §4.3 and §4.8 by analogy; the
    /// suite's invalid-domain-* tests accept this). Returns why, or nil when it can be asked.
    static func unqueryableReason(_ name: String) -> String? {
        if name.isEmpty { return "empty name" }
        if name.utf8.count > SPFLimits.maxDomainLength { return "longer than 253 characters" }
        var text = name
        let shape = text.withUTF8 { NameShape($0) }
        if shape.isASCII {
            if shape.hasEmptyLabel { return "empty label" }
            if shape.hasLongLabel { return "label longer than 63 characters" }
            return nil
        }
        // Non-ASCII (a sender or HELO expanded by a macro): labels split at "." characters.
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        if labels.contains(where: { $0.isEmpty }) { return "empty label" }
        if labels.contains(where: { $0.utf8.count > 63 }) { return "label longer than 63 characters" }
        return nil
    }

    /// The labels of a name's bytes (split at "."), read in one pass.
    struct NameShape {
        var labels = 1
        var hasEmptyLabel = false
        var hasLongLabel = false
        /// Every byte is below 0x80.
        var isASCII = true
        /// Every byte is visible ASCII (0x21–0x7E): no space, control or non-ASCII byte.
        var isVisibleASCII = true

        init(_ bytes: UnsafeBufferPointer<UInt8>) {
            var length = 0
            for byte in bytes {
                if byte == UInt8(ascii: ".") {
                    if length == 0 { hasEmptyLabel = true }
                    labels += 1
                    length = 0
                    continue
                }
                length += 1
                if length > 63 { hasLongLabel = true }
                if byte < 0x21 || byte > 0x7E {
                    isVisibleASCII = false
                    if byte >= 0x80 { isASCII = false }
                }
            }
            if length == 0 { hasEmptyLabel = true }
        }
    }
}
