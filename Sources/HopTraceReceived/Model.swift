import HopTraceCore

/// The sending side of a Received header (`from` clause and the comments around it).
public struct ReceivedFrom: Sendable, Hashable {
    /// The name the client gave (HELO/EHLO), or the from-domain as written.
    public var helo: String?
    /// The reverse DNS name the receiver looked up, when it wrote one apart from the HELO.
    public var rdns: String?
    public var ip: IPAddress?
    /// The address exactly as written (`IPv6:…`, brackets and zone removed).
    public var ipText: String?
    /// An IPv6 zone id (`%12`) when one was written.
    public var zone: String?
    public var port: Int?
    public var ident: String?
    /// `(Authenticated sender: x)`, `(authenticated bits=0)`, `(account x …)`; with the SASL
    /// method when the line names one: `user (LOGIN)` from `(AUTH: LOGIN user)` or
    /// `(user@IP with login)`.
    public var authenticated: String?
    /// Sendmail's `(may be forged)`.
    public var mayBeForged: Bool = false
    /// The address was written but withheld (`[x.x.x.x]`, `[]`, `[here-redacted]`): there is
    /// no address to classify, and nothing unreadable either.
    public var redacted: Bool = false

    public init(
        helo: String? = nil, rdns: String? = nil, ip: IPAddress? = nil, ipText: String? = nil,
        zone: String? = nil, port: Int? = nil, ident: String? = nil,
        authenticated: String? = nil, mayBeForged: Bool = false, redacted: Bool = false
    ) {
        self.helo = helo
        self.rdns = rdns
        self.ip = ip
        self.ipText = ipText
        self.zone = zone
        self.port = port
        self.ident = ident
        self.authenticated = authenticated
        self.mayBeForged = mayBeForged
        self.redacted = redacted
    }
}

/// The receiving side (`by` clause).
public struct ReceivedBy: Sendable, Hashable {
    public var name: String?
    public var ip: IPAddress?
    public var ipText: String?
    public var zone: String?
    /// The address was written but withheld (`[x.x.x.x]`, `[]`, `[here-redacted]`).
    public var redacted: Bool = false

    public init(
        name: String? = nil, ip: IPAddress? = nil, ipText: String? = nil, zone: String? = nil, redacted: Bool = false
    ) {
        self.name = name
        self.ip = ip
        self.ipText = ipText
        self.zone = zone
        self.redacted = redacted
    }
}

/// TLS details from any of the dialects' comments.
public struct TLSInfo: Sendable, Hashable {
    public var version: String?
    public var cipher: String?
    public var bits: String?
    /// The comment text it came from.
    public var raw: String

    public init(version: String? = nil, cipher: String? = nil, bits: String? = nil, raw: String) {
        self.version = version
        self.cipher = cipher
        self.bits = bits
        self.raw = raw
    }
}

/// A date-time from a Received header, kept in UTC seconds with the writer's own offset.
public struct MailTimestamp: Sendable, Hashable, Comparable {
    /// Seconds since 1970-01-01T00:00:00Z.
    public var utcSeconds: Int64
    /// The zone offset the writer used, in seconds east of UTC (nil when it wrote none).
    public var offsetSeconds: Int?
    /// The date text as written.
    public var raw: String

    public init(utcSeconds: Int64, offsetSeconds: Int?, raw: String) {
        self.utcSeconds = utcSeconds
        self.offsetSeconds = offsetSeconds
        self.raw = raw
    }

    public static func < (a: MailTimestamp, b: MailTimestamp) -> Bool { a.utcSeconds < b.utcSeconds }

    /// `2016-08-20T09:14:02Z`.
    public var iso8601: String { UTCCalendar.iso8601(utcSeconds) }
}

/// What `with` says about the session (RFC 3848 keywords and the dialects' own words).
public struct ProtocolInfo: Sendable, Hashable {
    /// The keyword as written (`ESMTPSA`, `esmtps`, `Microsoft SMTP Server`, `mapi`, `LMTP`…).
    public var keyword: String
    /// The client authenticated (an `A` in an RFC 3848 keyword, `ESMTPA`…).
    public var authenticated: Bool
    /// The session used TLS (an `S` in an RFC 3848 keyword, or a TLS comment).
    public var tls: Bool

    public init(keyword: String, authenticated: Bool, tls: Bool) {
        self.keyword = keyword
        self.authenticated = authenticated
        self.tls = tls
    }
}

/// One Received header, parsed. Every field is optional: real headers omit any of them.
public struct ReceivedHeader: Sendable, Hashable {
    /// The unfolded header value as written.
    public var raw: String
    public var from: ReceivedFrom?
    public var by: ReceivedBy?
    /// `via` clause (`Frontend Transport`, `Mailbox Transport`).
    public var via: String?
    public var with: ProtocolInfo?
    public var id: String?
    /// `for` recipients, angle brackets removed.
    public var recipients: [String]
    /// `(envelope-from <x>)`, `envelope-from <x>`, `(envelope-sender <x>)`.
    public var envelopeFrom: String?
    public var tls: TLSInfo?
    public var timestamp: MailTimestamp?
    /// Software named in the header (`Exim 4.82_1-5b7a7c0-XX`, `Postfix`, `8.15.2/8.15.2`,
    /// `MDaemon PRO v19.0.2`, `Microsoft SMTP Server id 15.1.557.21` → build kept in `serverBuild`).
    public var software: [String]
    /// A Microsoft build id (`id 15.1.557.21` after `Microsoft SMTP Server` or `mapi`).
    public var serverBuild: String?
    /// Comments not otherwise understood, kept verbatim.
    public var comments: [String]
    /// A header that is one comment only (qmail's `(qmail 123 invoked from network)`):
    /// no from/by, the comment kept here.
    public var commentOnly: String?
    /// Parts that could not be read, verbatim. Non-empty means an `unparsed-received` finding.
    public var unparsed: [String]

    public init(raw: String) {
        self.raw = raw
        self.recipients = []
        self.software = []
        self.comments = []
        self.unparsed = []
    }
}

/// One hop of a chain: a parsed Received header in travel order.
public struct Hop: Sendable, Hashable {
    /// 1 = oldest (the bottom-most Received).
    public var index: Int
    public var received: ReceivedHeader
    /// Where the header stood.
    public var location: SourceLocation?
    /// Seconds since the previous hop's timestamp; negative when the clocks disagree.
    /// nil for the first hop or when either timestamp is missing.
    public var delaySeconds: Int?

    public init(index: Int, received: ReceivedHeader, location: SourceLocation?, delaySeconds: Int?) {
        self.index = index
        self.received = received
        self.location = location
        self.delaySeconds = delaySeconds
    }
}

/// A chain of hops, oldest first, with the findings about its shape.
public struct HopChain: Sendable, Hashable {
    public var hops: [Hop]
    public var findings: [Finding]

    public init(hops: [Hop], findings: [Finding]) {
        self.hops = hops
        self.findings = findings
    }
}
