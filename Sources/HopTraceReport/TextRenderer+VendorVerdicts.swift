import HopTraceForensics

extension TextRenderer {
    /// The lines under a hop for the filtering verdicts tied to it: one per vendor
    /// (`VendorVerdictText.lines`), sanitised for the terminal; `fitted` wraps them like every
    /// line. With `--wide` (`TextWidth.unlimited`) each header the verdicts were decoded from
    /// follows, as written.
    func vendorVerdictLines(_ auth: HopAuthentication?, width: Int) -> [String] {
        guard let auth, !auth.vendorVerdicts.isEmpty else { return [] }
        let pad = String(repeating: " ", count: width + 4)
        var out = VendorVerdictText.lines(auth.vendorVerdicts).map { pad + "filter: " + clean($0) }
        if self.width == .unlimited {
            for v in auth.vendorVerdicts {
                let unfolded = v.decoded.raw.split(whereSeparator: { $0 == "\r" || $0 == "\n" })
                    .map { $0.drop { $0 == " " || $0 == "\t" } }.joined(separator: " ")
                out.append(pad + "  " + clean(v.decoded.header) + ": " + clean(unfolded))
            }
        }
        return out
    }
}
