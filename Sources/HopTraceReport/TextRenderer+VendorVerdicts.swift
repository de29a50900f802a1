import HopTraceForensics

extension TextRenderer {
    /// The lines under a hop for the filtering verdicts tied to it: one per vendor
    /// (`VendorVerdictText.lines`), sanitised for the terminal; `fitted` wraps them like every line.
    func vendorVerdictLines(_ auth: HopAuthentication?, width: Int) -> [String] {
        guard let auth, !auth.vendorVerdicts.isEmpty else { return [] }
        let pad = String(repeating: " ", count: width + 4)
        return VendorVerdictText.lines(auth.vendorVerdicts).map { pad + "filter: " + clean($0) }
    }
}
