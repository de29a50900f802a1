import HopTraceCore

extension SoftwareFingerprinter {
    /// An `unsupported-software` finding (severity warning) when `product` was already out of support on
    /// the hop's date, e.g. "hop 3 ran Exchange Server 2010 (SP3 Update Rollup 5), out of support since
    /// 2020-10-13, on 2021-05-02". nil when it was supported then or no end date is known.
    ///
    /// Exchange 2016 and 2019 ended on 2025-10-14, but a paid Extended Security Update programme kept
    /// patching 2016 CU23 and 2019 CU14/CU15 into 2026; a build released after the end
    /// date says so.
    public static func supportFindings(product: SoftwareIdentification, hopIndex: Int, at utcSeconds: Int64) -> Finding?
    {
        guard product.isUnsupported(at: utcSeconds), let end = product.endOfSupport else { return nil }
        var name = product.product
        if name.hasPrefix("Microsoft Exchange") { name.removeFirst("Microsoft ".count) }
        var detail = product.release
        if let release = detail, release.hasPrefix(name + " ") { detail = String(release.dropFirst(name.count + 1)) }
        if let note = product.note, let release = detail, !product.exact {
            if note.hasPrefix("interim build") {
                detail = "interim build after \(release)"
            } else if note.hasPrefix("revision differs") {
                detail = "\(release), revision differs"
            } else {
                detail = "≈ \(release)"
            }
        }
        var summary = "hop \(hopIndex) ran \(name)"
        if let detail { summary += " (\(detail))" } else if let version = product.version { summary += " \(version)" }
        summary +=
            ", out of support since \(end.lastDay)\(end.exactDate ? "" : " at the latest"), on \(CivilDate.isoDay(utcSeconds))"
        if let released = product.releaseDate, released > end.lastDay {
            summary += "; this build was released \(released) under the paid Extended Security Update programme"
        }
        return Finding(kind: .unsupportedSoftware, severity: .warning, hops: [hopIndex], summary: summary)
    }

    /// `supportFindings(product:hopIndex:at:)` over every identification of a hop, one finding per product.
    public static func supportFindings(
        for identifications: [SoftwareIdentification], hopIndex: Int,
        at utcSeconds: Int64
    ) -> [Finding] {
        var seen = Set<String>()
        return identifications.compactMap { id in
            guard seen.insert(id.product).inserted else { return nil }
            return supportFindings(product: id, hopIndex: hopIndex, at: utcSeconds)
        }
    }
}
