// swift-tools-version:6.0
// hoptrace's fuzz targets (libFuzzer). A package of its own so that the main package's build and
// `swift test` never see sanitizer flags: scripts/fuzz builds it with
// `-Xswiftc -sanitize=fuzzer,address` into Fuzz/.build, which rebuilds the main package's
// library targets instrumented.
//
// Adding a target: a folder Targets/<name>/ with one main.swift (see Targets/received/main.swift)
// and its name in `fuzzTargets` below; seeds in corpus/<name>/. scripts/fuzz --list reads this list.
import PackageDescription

/// Every fuzz target: the executable `fuzz-<name>` built from Targets/<name>/main.swift.
let fuzzTargets = [
    "message",  // whole-message analysis, offline, to JSON and text (hoptrace FILE --offline --json)
    "hops",  // the parse stage alone: intake, Received chain, hops JSON line (hoptrace hops)
    "received",  // one Received field value
    "zone",  // a DNS snapshot (zone file), and its re-written text read again
    "spf",  // an SPF record; check_host against a snapshot zone given in the same input
    "auth-results",  // Authentication-Results, ARC-Authentication-Results, Received-SPF
    "taglist",  // DKIM/ARC/DMARC tag lists and the signature, key and record parsers on them
    "mbox",  // the mailbox splitter and index
    "msg",  // Outlook .msg (MS-CFB) and TNEF, through intake
    "dot",  // DOTEncoder on a topology of fuzzed names: no control characters, no quoting breakout
    "graphviz",  // the same DOT laid out and drawn as SVG by Graphviz (one thread)
    "report",  // the incident report of a message, as HTML and as Markdown (hoptrace FILE --report)
    "vendor-verdicts",  // one vendor filtering-verdict header (X-Forefront-Antispam-Report, X-Spam-Status, …)
    "partial-map",  // a partial map (map --partial) read, replayed, written again and read back (map --merge)
]

let package = Package(
    name: "hoptrace-fuzz",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "hoptrace", path: "..")
    ],
    targets: [
        .target(name: "CFuzzer"),
        .target(
            name: "FuzzSupport",
            dependencies: ["CFuzzer", .product(name: "HopTraceKit", package: "hoptrace")]),
    ]
        + fuzzTargets.map { name in
            .executableTarget(
                name: "fuzz-\(name)",
                dependencies: ["FuzzSupport", .product(name: "HopTraceKit", package: "hoptrace")],
                path: "Targets/\(name)")
        }
)
