import HopTraceCore

/// One piece of software seen on a mail path, with the header text that names it.
///
/// `exact` means the header names the product explicitly and, for Microsoft Exchange, that the build
/// matched a published build in all its parts. When it is `false`, `release` is the nearest published
/// release (see `note`: "revision differs", "interim build after …") or the identification rests on a
/// shape or a host name rather than a product tag.
public struct SoftwareIdentification: Sendable, Hashable {
    /// Which party of a hop the identification is about.
    public enum Side: String, Sendable, Hashable {
        /// The receiving server: it wrote the Received header (or the header that names the software).
        case by
        /// The sending server of the hop, known from its host name (`from a9-54.smtp-out.amazonses.com`).
        case from
        /// The program that composed the message (`X-Mailer`, `User-Agent`); no hop ran it.
        case client
    }

    /// Where the identification came from. Forensics quotes evidence.
    public struct Evidence: Sendable, Hashable {
        /// The header field name (`Received`, `X-hMailServer-Spam`).
        public var header: String
        /// 0-based position of the field in its header block (top = 0), when known.
        public var headerIndex: Int?
        /// The exact text matched, as written in the header.
        public var text: String

        public init(header: String, headerIndex: Int?, text: String) {
            self.header = header
            self.headerIndex = headerIndex
            self.text = text
        }
    }

    /// `Microsoft Exchange Server 2010`, `Exchange Online`, `Exim`, `Postfix`, `Amazon SES`…
    public var product: String
    /// The version as written (normalised for Exchange builds: `14.03.0181.006` → `14.3.181.6`).
    public var version: String?
    /// The release when known: `Exchange Server 2010 SP3 Update Rollup 5`, `Windows Server 2003`.
    public var release: String?
    public var exact: Bool
    /// Why the match is approximate, or what else the evidence says.
    public var note: String?
    /// The server's role on the path: `Frontend Transport`, `MAPI (mailbox server)`, `inbound MX`…
    public var role: String?
    public var evidence: Evidence
    public var side: Side
    /// The release date of `release` (`YYYY-MM-DD` or `YYYY-MM`), when the table knows it.
    public var releaseDate: String?
    /// When the product's support ended; nil when unknown or not applicable (services, open source).
    public var endOfSupport: SupportEnd?

    public init(
        product: String, version: String? = nil, release: String? = nil, exact: Bool,
        note: String? = nil, role: String? = nil, evidence: Evidence, side: Side = .by,
        releaseDate: String? = nil, endOfSupport: SupportEnd? = nil
    ) {
        self.product = product
        self.version = version
        self.release = release
        self.exact = exact
        self.note = note
        self.role = role
        self.evidence = evidence
        self.side = side
        self.releaseDate = releaseDate
        self.endOfSupport = endOfSupport
    }

    /// True when the product was already out of support at `utcSeconds` (seconds since 1970, UTC).
    public func isUnsupported(at utcSeconds: Int64) -> Bool {
        guard let end = endOfSupport else { return false }
        return utcSeconds >= end.firstUnsupportedUTC
    }
}

/// The end of a product's (extended) support.
public struct SupportEnd: Sendable, Hashable {
    /// The last day of support, `YYYY-MM-DD`.
    public var lastDay: String
    /// False when the source gives only an upper bound ("support ended, on this day at the latest").
    public var exactDate: Bool
    /// Where the date comes from.
    public var source: String

    public init(lastDay: String, exactDate: Bool = true, source: String) {
        self.lastDay = lastDay
        self.exactDate = exactDate
        self.source = source
    }

    /// Midnight UTC after the last day of support. Microsoft's lifecycle dates are Pacific time; a UTC
    /// day boundary moves the edge by hours, which a hop date cannot resolve anyway.
    public var firstUnsupportedUTC: Int64 {
        (CivilDate.daysSinceEpoch(lastDay) ?? 0) * 86_400 + 86_400
    }

    /// Parses the `end_of_support` column of data/exchange-builds.tsv: `DATE`, `<=DATE` or `none`.
    init?(tableValue: String, source: String) {
        if tableValue == "none" { return nil }
        if tableValue.hasPrefix("<=") {
            self.init(lastDay: String(tableValue.dropFirst(2)), exactDate: false, source: source)
        } else {
            self.init(lastDay: tableValue, exactDate: true, source: source)
        }
    }
}

/// Support dates (`YYYY-MM-DD`) as days since 1970-01-01, so they compare with hop timestamps.
enum CivilDate {
    static func daysSinceEpoch(_ iso: String) -> Int64? {
        let parts = iso.split(separator: "-").map { Int64($0) }
        guard parts.count == 3, let y = parts[0], let m = parts[1], let d = parts[2],
            (1...12).contains(m), (1...31).contains(d)
        else { return nil }
        return UTCCalendar.daysFromCivil(year: y, month: m, day: d)
    }

    /// `YYYY-MM-DD` of the UTC day holding `utcSeconds`.
    static func isoDay(_ utcSeconds: Int64) -> String { UTCCalendar.isoDay(utcSeconds) }
}

extension SoftwareIdentification {
    /// For the diagram: the release when known (`Exchange Server 2010 SP3 Update Rollup 5`),
    /// else product and version (`Exim 4.82`).
    public var shortName: String {
        if let release { return release }
        if let version, !ASCIIFold.contains(product, version, ignoringCase: false) { return product + " " + version }
        return product
    }

    /// `Exim 4.82`, `Microsoft Exchange Server 2010 (Exchange Server 2010 SP3 Update Rollup 5)`.
    public var displayName: String {
        var s = product
        if let version, !product.contains(version) { s += " " + version }
        if let release { s += " (" + release + ")" }
        return s
    }
}
