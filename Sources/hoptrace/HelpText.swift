/// Help text shared by `--help` and the manual page (scripts/package.d/manpage.py reads the
/// command definitions through `--experimental-dump-help`). A discussion ends with blocks that
/// the manual turns into sections: a heading line ending in ":", then entries, each a line
/// indented by two spaces (a command line, a number, a name) and its description indented by
/// four.
enum HelpText {
    /// The examples of each subcommand, by command name: the command line and what it does.
    static let examples: [String: [(command: String, purpose: String)]] = [
        "analyze": [
            (
                "hoptrace bounce.eml --dns-snapshot evidence.zone",
                "Analyse a bounce, answering every DNS question from a zone file: no network, the same report every time."
            ),
            (
                "hoptrace msg.eml --save-dns evidence.zone",
                "Analyse with live DNS, and keep every answer used, to replay later with --dns-snapshot."
            ),
            ("hoptrace receipt.eml --dot path.svg", "Also draw the relay topology (.svg, .png, .pdf or .dot)."),
            ("hoptrace mailbox.mbox --json --offline > reports.json", "One JSON document for a whole mailbox, no DNS."),
            ("hoptrace - --color=always < msg.eml | less -R", "Read standard input, keep the colours in a pager."),
        ],
        "spf": [
            (
                "hoptrace spf 192.0.2.1 example.com --sender alice@example.com",
                "Evaluate SPF for a client address and a MAIL FROM, with the trace."
            ),
            (
                "hoptrace spf --batch queries.txt --dns-snapshot evidence.zone --json",
                "Many queries from a file, one JSON line each."
            ),
        ],
        "map": [
            ("hoptrace map ~/Maildir --dot relays.svg", "Merge the paths of a Maildir's messages into one drawing."),
            ("hoptrace map bounces/*.eml --json", "The merged relay map of many message files, as JSON."),
            (
                "hoptrace map shards/007.mbox --partial > parts/007.jsonl",
                "One shard's partial map (run one per shard, on any cores or machines)."
            ),
            (
                "hoptrace map --merge parts/*.jsonl --dot map.svg",
                "Merge them: exactly the map of one run over the shards."
            ),
        ],
        "hops": [
            ("hoptrace hops archive.mbox --jsonl > hops.jsonl", "Every message's hops, one JSON line per message."),
            ("hoptrace hops -j 1 a.eml b.eml", "The hops of two messages on one thread, as text."),
        ],
        "version": [
            (
                "hoptrace version --verbose",
                "Name the version and commit, and whether Graphviz, libunbound and libmaxminddb load here."
            )
        ],
    ]

    /// The "Examples:" block of `command`'s discussion, with the blank line before it.
    static func examples(for command: String) -> String {
        block("Examples", (examples[command] ?? []).map { ($0.command, $0.purpose) })
    }

    /// The top-level command's discussion: the default subcommand, the exit statuses, the
    /// environment and the files read.
    static let overview =
        """
        With no subcommand, hoptrace analyses FILE: "hoptrace msg.eml" is "hoptrace analyze \
        msg.eml". The bundled example, with its DNS snapshot, is in the release's \
        share/doc/hoptrace/examples (/usr/share/doc/hoptrace/examples from the .deb).
        """
        + block(
            "Exit status",
            [
                ("0", "The analysis (or check) was done, whatever it found."),
                ("64", "A usage error: an unknown option, a missing or invalid value."),
                ("65", "The input is not readable as mail, or a zone file or batch line is malformed."),
                ("69", "A service that was asked for is unavailable: live DNS with no answering server."),
                ("74", "An I/O error: a file that cannot be read or written, a diagram that cannot be drawn."),
            ])
        + block(
            "Environment",
            [
                ("NO_COLOR", "When set and not empty, --color=auto does not colour (https://no-color.org)."),
                ("HOPTRACE_GEOIP_DIR", "A folder searched first for MaxMind databases (GeoLite2-City.mmdb, …)."),
            ])
        + block(
            "Files",
            [
                ("/usr/share/GeoIP, /var/lib/GeoIP", "Searched for MaxMind GeoIP and ASN databases."),
                (
                    "/usr/share/publicsuffix/public_suffix_list.dat",
                    "The Public Suffix List (Debian package publicsuffix); without it, the copy built in."
                ),
            ])

    private static func block(_ heading: String, _ entries: [(String, String)]) -> String {
        guard !entries.isEmpty else { return "" }
        return "\n\n\(heading):\n" + entries.map { "  \($0.0)\n    \($0.1)" }.joined(separator: "\n")
    }
}
