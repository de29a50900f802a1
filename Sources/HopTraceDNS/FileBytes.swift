import HopTraceCore

/// Whole-file reads for the DNS target (zone files, resolv.conf), with its errors.
enum FileBytes {
    /// Reads at most `maxBytes`; a larger file is refused (before it is read when it says its
    /// size), not cut.
    static func read(_ path: String, maxBytes: Int) throws(ZoneFileError) -> [UInt8] {
        do {
            return try FileInput.read(path, limit: maxBytes)
        } catch {
            switch error.kind {
            case .cannotOpen(let reason):
                throw ZoneFileError(.io, line: 0, "cannot open \(path): \(reason)")
            case .readFailed(let reason):
                throw ZoneFileError(.io, line: 0, "cannot read \(path): \(reason)")
            case .tooLarge:
                throw ZoneFileError(
                    .limit, line: 0, "\(path) is more than the \(maxBytes) bytes accepted",
                    hint: "split the snapshot or raise ZoneFile.Limits.maxFileBytes")
            case .noSuchFile, .notMaildir, .lineTooLong:
                throw ZoneFileError(.io, line: 0, error.description)
            }
        }
    }
}
