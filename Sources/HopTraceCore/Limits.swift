/// Every input bound hoptrace enforces, in one place. The README's "Limits" table lists these;
/// tests exercise each one. Input is attacker-written: every loop over it is bounded by one of
/// these numbers or by the input's length.
public enum Limits {
    /// Largest input file or standard input accepted at all (bytes). Larger input is refused
    /// with exit 65 before it is parsed.
    public static let maxInputBytes = 64 * 1024 * 1024
    /// Largest header block read from one message or embedded part (bytes). The rest of an
    /// oversized block is skipped with a `limit-reached` finding.
    public static let maxHeaderBlockBytes = 4 * 1024 * 1024
    /// Most header fields read from one header block.
    public static let maxHeaderFields = 20_000
    /// Longest single header field (bytes, folded) that is parsed; longer ones are cut there.
    public static let maxHeaderFieldBytes = 128 * 1024
    /// Most Received headers turned into hops in one chain (the newest are kept).
    public static let maxHopsPerChain = 1_000
    /// Deepest MIME nesting followed.
    public static let maxMIMEDepth = 32
    /// Most MIME parts read from one message.
    public static let maxMIMEParts = 5_000
    /// Most embedded originals (chains) taken from one message.
    public static let maxEmbeddedChains = 64
    /// Most messages read from one mailbox.
    public static let maxMailboxMessages = 1_000_000
    /// Clock differences up to this many seconds between consecutive hops are not reported.
    public static let clockSkewToleranceSeconds = 60
}
