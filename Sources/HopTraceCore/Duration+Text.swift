extension Duration {
    /// Seconds with four decimals (`0.0381`, rounded half up), for `--stats` lines: integer
    /// arithmetic on the duration's own components (no printf in FoundationEssentials). A
    /// negative duration (not one a monotonic clock gives) reads `0.0000`.
    public var fourDecimalSeconds: String {
        let (seconds, attoseconds) = components
        guard seconds >= 0, attoseconds >= 0 else { return "0.0000" }
        let units = seconds * 10_000 + (attoseconds + 50_000_000_000_000) / 100_000_000_000_000  // 1e14 as per 1e-4 s
        let fraction = String(units % 10_000)
        return "\(units / 10_000)." + String(repeating: "0", count: 4 - fraction.count) + fraction
    }
}
