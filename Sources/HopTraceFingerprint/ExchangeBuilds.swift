import HopTraceCore

/// One published Microsoft Exchange build: a row of data/exchange-builds.tsv.
public struct ExchangeBuildRow: Sendable, Hashable {
    /// The build's parts: 4 (`[14, 3, 181, 6]`), or 3 for 4.0 to 2003, which Microsoft lists without a revision.
    public var build: [Int]
    /// `Exchange Server 2010`, `Exchange 2000 Server`, `Exchange Server Subscription Edition`.
    public var product: String
    /// `SP3 Update Rollup 5`, `CU23 Aug26SU`, `RTM`.
    public var release: String
    /// `YYYY-MM-DD`, or `YYYY-MM` when the source gives only the month.
    public var date: String
    /// The table's `end_of_support` value: `YYYY-MM-DD`, `<=YYYY-MM-DD` or `none`.
    public var endOfSupport: String
    /// Source tags (data/exchange-builds.tsv header).
    public var source: String

    public init(build: [Int], product: String, release: String, date: String, endOfSupport: String, source: String) {
        self.build = build
        self.product = product
        self.release = release
        self.date = date
        self.endOfSupport = endOfSupport
        self.source = source
    }

    /// Short dotted form, `14.3.181.6`.
    public var buildText: String { build.map(String.init).joined(separator: ".") }
    /// `Exchange Server 2010 SP3 Update Rollup 5`.
    public var releaseName: String { "\(product) \(release)" }
    /// `Microsoft Exchange Server 2010`: the product name reports use (the JSON contract's example).
    public var displayProduct: String { "Microsoft \(product)" }
    /// `Exchange 2016`, `Exchange 2000`: how people name the code line.
    public var codeLine: String {
        var name = product.replacing("Exchange Server ", with: "Exchange ")
        if name.hasSuffix(" Server") { name.removeLast(" Server".count) }
        return name
    }
    public var supportEnd: SupportEnd? {
        SupportEnd(tableValue: endOfSupport, source: ExchangeBuilds.endOfSupportSource)
    }
    /// The revision, 0 when the row has none: only used for ordering within one build.
    var revision: Int { build.count > 3 ? build[3] : 0 }
}

/// Maps a Microsoft build id from a Received header (`Microsoft SMTP Server id 14.3.181.6`,
/// `with mapi id 15.20.5546.023`) to an Exchange product and release.
///
/// Rules:
/// 1. all parts equal a published build → that release, `exact`;
/// 2. the same major.minor.build with another revision → that release, "revision differs"
///    (8.3.342.0 is written for 8.3.342.4, Exchange 2007 SP3 Update Rollup 12);
/// 3. Exchange 2007 only: the published build is one higher (8.1.358.0 ↔ 8.1.359.2, SP1 RU7) — real
///    2007 headers show this;
/// 4. otherwise the nearest published build below within the same major.minor → "interim build after
///    <release>" (15.1.557.21 lies between 2016 CU3 15.1.544.27 and CU4 15.1.669.32);
/// 5. Exchange Online first of all: 15.20 was never shipped on-premises, and any 14.x/15.x build written
///    by a Microsoft-operated host (`*.outlook.com`, `*.outlook.office365.com`,
///    `*.protection.outlook.com`, `*.prod.exchangelabs.com`) is the service, never an on-premises release.
public enum ExchangeBuilds {
    public static let exchangeOnline = "Exchange Online"

    struct LineKey: Hashable {
        var major: Int
        var minor: Int
    }
    /// The table's rows by major.minor, each line in table order. Built once.
    static let lines: [LineKey: [ExchangeBuildRow]] = Dictionary(
        grouping: table, by: { LineKey(major: $0.build[0], minor: $0.build[1]) })
    static let endOfSupportSource =
        "endoflife.date products/msexchange.md (end of extended support)"

    /// Host-name suffixes of Exchange Online servers: `*.prod.outlook.com` mailbox and client-access servers, `*.mail.protection.outlook.com`,
    /// `*.eop-<region>.prod.protection.outlook.com` and `*.outbound.protection.outlook.com` EOP hosts,
    /// `*.outlook.office365.com`, and the older `*.prod.exchangelabs.com`.
    /// A header's host names are the writer's claim: a forged hop can name any host.
    public static let microsoftHostSuffixes = [".outlook.com", ".outlook.office365.com", ".prod.exchangelabs.com"]

    public static func isMicrosoftHosted(_ host: String?) -> Bool {
        guard let name = host.map(DomainName.normalized), !name.isEmpty else { return false }
        return microsoftHostSuffixes.contains { name.hasSuffix($0) }
    }

    /// Parses a build in short (`14.3.181.6`) or long (`14.03.0181.006`) form: 3 or 4 dot-separated
    /// decimal parts, each read as an integer, so both forms give the same parts.
    /// Read by bytes: a part of ASCII digits is as many characters as bytes, and a byte that is
    /// no digit or dot (a non-ASCII one included) makes the text no build, as in
    /// `parseBuildByCharacters`.
    public static func parseBuild(_ text: String) -> [Int]? {
        guard text.utf8.count <= 4 * 6 + 3 else { return nil }
        var out: [Int] = []
        var value = 0
        var digits = 0
        for c in text.utf8 {
            if c == UInt8(ascii: ".") {
                guard digits > 0, out.count < 3 else { return nil }
                out.append(value)
                (value, digits) = (0, 0)
            } else {
                guard c >= 0x30, c <= 0x39, digits < 6 else { return nil }
                value = value * 10 + Int(c - 0x30)
                digits += 1
            }
        }
        guard digits > 0, out.count >= 2 else { return nil }
        out.append(value)
        return out
    }

    /// `parseBuild` over the string's characters.
    static func parseBuildByCharacters(_ text: String) -> [Int]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (3...4).contains(parts.count) else { return nil }
        var out: [Int] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 6, part.allSatisfy({ $0.isASCII && $0.isNumber }),
                let value = Int(part)
            else { return nil }
            out.append(value)
        }
        return out
    }

    /// How a build relates to the published table.
    public enum MatchKind: String, Sendable, Hashable {
        case exact
        /// Same major.minor.build, another revision.
        case revisionDiffers = "revision differs"
        /// Exchange 2007: the published build number is one higher.
        case adjacentBuild = "adjacent build"
        /// Between two published builds: `row` is the one below.
        case interim = "interim build"
        /// Below the first published build of its major.minor: `row` is that first build.
        case beforeFirstRelease = "before first release"
        /// No published build has this major.minor.
        case unknownLine = "unknown line"
    }

    public struct Match: Sendable, Hashable {
        public var kind: MatchKind
        /// The matched row (for `.interim`, the nearest published build below).
        public var row: ExchangeBuildRow?
        /// For `.interim`: the next published build above, when there is one.
        public var next: ExchangeBuildRow?
    }

    /// Matches parsed build parts against the on-premises table (rules 1–4 above).
    public static func match(_ parts: [Int]) -> Match {
        let line = lines[LineKey(major: parts[0], minor: parts[1])] ?? []
        guard !line.isEmpty else { return Match(kind: .unknownLine) }
        if let row = line.first(where: { $0.build == parts }) { return Match(kind: .exact, row: row) }

        let revision = parts.count > 3 ? parts[3] : 0
        let sameBuild = line.filter { $0.build[2] == parts[2] }
        if !sameBuild.isEmpty {
            // Several rows share a build number from 2013 on (CU, then SUs in the revision): take the
            // highest revision at or below the written one, else the lowest (the base release).
            let row = sameBuild.last(where: { $0.revision <= revision }) ?? sameBuild[0]
            return Match(kind: .revisionDiffers, row: row)
        }
        if parts[0] == 8, let row = line.first(where: { $0.build[2] == parts[2] + 1 }) {
            return Match(kind: .adjacentBuild, row: row)
        }
        // Floor on the build number, then the lowest revision of that build: the release itself, not a
        // later security fix on its branch (15.1.557 is "after CU3 15.1.544.27", not "after 15.1.544.30").
        guard let below = line.last(where: { $0.build[2] < parts[2] }) else {
            return Match(kind: .beforeFirstRelease, row: line[0])
        }
        let base = line.first { $0.build[2] == below.build[2] } ?? below
        let next = line.first { $0.build[2] > parts[2] }
        return Match(kind: .interim, row: base, next: next)
    }

    /// Identifies the Exchange product behind a build id. `host` is the name of the server that wrote
    /// the id (the Received header's `by` name); it tells Exchange Online apart. Returns nil when `build`
    /// is not a 3- or 4-part numeric build. The evidence is the build text; callers that know the
    /// header replace it.
    public static func lookup(_ build: String, host: String?) -> SoftwareIdentification? {
        guard let parts = parseBuild(build) else { return nil }
        let version = parts.map(String.init).joined(separator: ".")
        let evidence = SoftwareIdentification.Evidence(header: "Received", headerIndex: nil, text: build)
        let m = match(parts)
        let hosted = isMicrosoftHosted(host)

        if parts[0] == 15 && parts[1] == 20 {
            var note = "15.20 builds were never shipped on-premises: Exchange Online"
            if let host, hosted { note += " (\(host))" }
            return SoftwareIdentification(
                product: exchangeOnline, version: version, exact: false,
                note: note, evidence: evidence)
        }
        if hosted && parts[0] >= 14 {
            var note = "Microsoft-operated host \(host ?? "")"
            if let row = m.row {
                note = "\(row.codeLine) code line on a " + note
                switch m.kind {
                case .exact: note += "; same build number as on-premises \(row.releaseName)"
                case .revisionDiffers: note += "; on-premises \(row.releaseName) has revision \(row.buildText)"
                case .interim, .adjacentBuild:
                    note += "; no on-premises release: between \(row.releaseName) (\(row.buildText))"
                    if let next = m.next { note += " and \(next.releaseName) (\(next.buildText))" }
                case .beforeFirstRelease: note += "; below the first on-premises build \(row.buildText)"
                case .unknownLine: break
                }
            }
            return SoftwareIdentification(
                product: exchangeOnline, version: version, exact: false,
                note: note, evidence: evidence)
        }

        guard let row = m.row else {
            return SoftwareIdentification(
                product: "Microsoft Exchange Server", version: version, exact: false,
                note: "\(parts[0]).\(parts[1]) is not a published Exchange Server line", evidence: evidence)
        }
        var id = SoftwareIdentification(
            product: row.displayProduct, version: version, release: row.releaseName,
            exact: m.kind == .exact, evidence: evidence,
            releaseDate: row.date, endOfSupport: row.supportEnd)
        switch m.kind {
        case .exact:
            // A 3-part row (4.0–2003) matched by a 3-part id: Microsoft publishes no revision for these.
            break
        case .revisionDiffers:
            id.note =
                row.build.count == 3
                ? "revision differs: the published build \(row.buildText) has no revision part"
                : "revision differs: the published build is \(row.buildText)"
        case .adjacentBuild:
            id.note = "build number one below the published \(row.buildText), as Exchange 2007 headers show"
        case .interim:
            var note = "interim build after \(row.releaseName) (\(row.buildText))"
            if let next = m.next {
                note +=
                    "; next published: \(next.product == row.product ? next.release : next.releaseName) (\(next.buildText))"
            }
            id.note = note
        case .beforeFirstRelease:
            id.release = nil
            id.releaseDate = nil
            id.note = "earlier than the first published build of this line, \(row.releaseName) (\(row.buildText))"
        case .unknownLine:
            break
        }
        return id
    }
}
