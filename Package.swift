// swift-tools-version:6.0
// hoptrace — forensic analysis of email header paths.
// Target map: see ../shared/DESIGN.md ("Layout") and README.md.
import PackageDescription

/// The pkg-config name of a C library whose headers a system library target needs, or nil where
/// the headers are on the compiler's default path. pkg-config's `Libs` would also link the
/// library into the executable, which opens these libraries with dlopen at first use instead
/// (HopTraceCore's DynamicLibrary: they cost ~4 ms at every start, and most runs never use
/// them). Debian's headers are in /usr/include and /usr/include/<multiarch>, found without it;
/// Homebrew's prefix is not, so on macOS pkg-config stays (and the libraries are linked there).
func headersFrom(pkgConfig name: String) -> String? {
    #if os(macOS)
    return name
    #else
    return nil
    #endif
}

let package = Package(
    name: "hoptrace",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "hoptrace", targets: ["hoptrace"]),
        // The library targets, for packages that build on them by path (the fuzz targets in
        // Fuzz/, built with sanitizer flags the normal build never sees).
        .library(
            name: "HopTraceKit",
            targets: [
                "HopTraceCore", "HopTraceMessage", "HopTraceReceived", "HopTraceNetwork", "HopTraceDNS",
                "HopTraceAuth", "HopTraceFingerprint", "HopTraceGeo", "HopTraceTopology", "HopTraceGraphviz",
                "HopTraceForensics", "HopTraceReport", "HopTraceVerdicts",
            ]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // DKIM and ARC signatures: RSA-SHA256 (_CryptoExtras) and Ed25519 (RFC 8463).
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        // Tests only: reads the RFC 7208 suite's YAML scenarios.
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // C libraries, one system library target each (module map + shim header): their types
        // only, never linked into the executable (see headersFrom above).
        // `providers` only prints hints; scripts/setup installs the packages.
        .systemLibrary(
            name: "CGraphviz", pkgConfig: headersFrom(pkgConfig: "libgvc"),
            providers: [.apt(["libgraphviz-dev", "graphviz"]), .brew(["graphviz"])]),
        .systemLibrary(
            name: "CMaxMindDB", pkgConfig: headersFrom(pkgConfig: "libmaxminddb"),
            providers: [.apt(["libmaxminddb-dev"]), .brew(["libmaxminddb"])]),
        .systemLibrary(
            name: "CUnbound", pkgConfig: headersFrom(pkgConfig: "libunbound"),
            providers: [.apt(["libunbound-dev"]), .brew(["unbound"])]),

        .target(name: "HopTraceCore"),
        .target(name: "HopTraceMessage", dependencies: ["HopTraceCore"]),
        .target(name: "HopTraceReceived", dependencies: ["HopTraceCore"]),
        .target(name: "HopTraceNetwork", dependencies: ["HopTraceCore"]),
        .target(name: "HopTraceDNS", dependencies: ["HopTraceCore", "CUnbound"]),
        .target(
            name: "HopTraceAuth",
            dependencies: [
                "HopTraceCore", "HopTraceDNS", "HopTraceMessage",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]),
        .target(name: "HopTraceFingerprint", dependencies: ["HopTraceCore", "HopTraceReceived"]),
        .target(name: "HopTraceGeo", dependencies: ["HopTraceCore", "CMaxMindDB"]),
        .target(name: "HopTraceTopology", dependencies: ["HopTraceCore", "HopTraceReceived", "HopTraceNetwork"]),
        .target(name: "HopTraceGraphviz", dependencies: ["HopTraceCore", "HopTraceTopology", "CGraphviz"]),
        // Filtering products' verdict headers decoded into typed values, meanings from data/.
        .target(name: "HopTraceVerdicts", dependencies: ["HopTraceCore"]),
        // Authentication forensics: stages that take typed values and return typed values
        // (verdicts and software tied to hops, SPF replay, forwarding breaks, DKIM/ARC, DMARC).
        .target(
            name: "HopTraceForensics",
            dependencies: [
                "HopTraceCore", "HopTraceMessage", "HopTraceReceived", "HopTraceNetwork",
                "HopTraceDNS", "HopTraceAuth", "HopTraceFingerprint", "HopTraceTopology", "HopTraceVerdicts",
            ]),
        .target(
            name: "HopTraceReport",
            dependencies: [
                "HopTraceCore", "HopTraceMessage", "HopTraceReceived", "HopTraceNetwork",
                "HopTraceDNS", "HopTraceAuth", "HopTraceFingerprint", "HopTraceGeo", "HopTraceTopology",
                "HopTraceVerdicts",
                "HopTraceForensics",
            ]),
        .executableTarget(
            name: "hoptrace",
            dependencies: [
                "HopTraceReport", "HopTraceDNS", "HopTraceAuth", "HopTraceGeo", "HopTraceGraphviz", "HopTraceTopology",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            plugins: ["BuildStamp"]),
        // Writes the git commit of the build into the executable (`hoptrace --version`).
        .plugin(name: "BuildStamp", capability: .buildTool()),

        // Test helpers: the package's paths, ../shared (SharedFolder), the built binary, nsd, the
        // RFC 7208 suite's reader.
        .target(
            name: "HopTraceTestSupport",
            dependencies: ["HopTraceCore", "HopTraceDNS", .product(name: "Yams", package: "Yams")],
            path: "Tests/HopTraceTestSupport"),
        .testTarget(name: "HopTraceCoreTests", dependencies: ["HopTraceCore", "HopTraceTestSupport"]),
        .testTarget(name: "HopTraceMessageTests", dependencies: ["HopTraceMessage", "HopTraceTestSupport"]),
        .testTarget(name: "HopTraceReceivedTests", dependencies: ["HopTraceReceived", "HopTraceTestSupport"]),
        .testTarget(name: "HopTraceNetworkTests", dependencies: ["HopTraceNetwork"]),
        .testTarget(name: "HopTraceDNSTests", dependencies: ["HopTraceDNS", "HopTraceTestSupport"]),
        .testTarget(
            name: "HopTraceFingerprintTests",
            dependencies: ["HopTraceFingerprint", "HopTraceReceived", "HopTraceTestSupport"]),
        .testTarget(name: "HopTraceGeoTests", dependencies: ["HopTraceGeo", "HopTraceTestSupport"]),
        .testTarget(
            name: "HopTraceTopologyTests",
            dependencies: ["HopTraceTopology", "HopTraceReceived", "HopTraceNetwork", "HopTraceTestSupport"],
            exclude: ["Golden"]),
        .testTarget(
            name: "HopTraceGraphvizTests", dependencies: ["HopTraceGraphviz", "HopTraceTopology"],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "HopTraceAuthTests",
            dependencies: [
                "HopTraceAuth", "HopTraceDNS", "HopTraceMessage", "HopTraceTestSupport",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]),
        .testTarget(name: "HopTraceVerdictsTests", dependencies: ["HopTraceVerdicts"]),
        .testTarget(
            name: "HopTraceForensicsTests",
            dependencies: [
                "HopTraceForensics", "HopTraceReport", "HopTraceDNS", "HopTraceTopology", "HopTraceMessage",
                "HopTraceTestSupport",
            ]),
        .testTarget(
            name: "HopTraceReportTests",
            dependencies: ["HopTraceReport", "HopTraceDNS", "HopTraceGeo", "HopTraceTestSupport"], exclude: ["Golden"]),
        // Calls the C libraries directly, so it links them (the executable does not).
        .testTarget(
            name: "SystemLibraryTests",
            dependencies: [
                "CGraphviz", "CMaxMindDB", "CUnbound", "HopTraceCore",
                "HopTraceGraphviz", "HopTraceDNS", "HopTraceGeo",
            ],
            linkerSettings: [
                .linkedLibrary("gvc"), .linkedLibrary("cgraph"),
                .linkedLibrary("maxminddb"), .linkedLibrary("unbound"),
            ]),
        // Every test that runs the built executable is here.
        .testTarget(
            name: "hoptraceTests", dependencies: ["hoptrace", "HopTraceDNS", "HopTraceTestSupport"],
            exclude: ["Fixtures"]),
    ]
)
