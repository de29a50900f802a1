// swift-tools-version:6.0
// hoptrace — forensic analysis of email header paths.
// Target map: see ../shared/DESIGN.md ("Layout") and README.md.
import PackageDescription

let package = Package(
    name: "hoptrace",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "hoptrace", targets: ["hoptrace"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // C libraries, one system library target each (module map + shim header).
        // `providers` only prints hints; scripts/setup installs the packages.
        .systemLibrary(name: "CGraphviz", pkgConfig: "libgvc",
                       providers: [.apt(["libgraphviz-dev", "graphviz"]), .brew(["graphviz"])]),
        .systemLibrary(name: "CMaxMindDB", pkgConfig: "libmaxminddb",
                       providers: [.apt(["libmaxminddb-dev"]), .brew(["libmaxminddb"])]),
        .systemLibrary(name: "CUnbound", pkgConfig: "libunbound",
                       providers: [.apt(["libunbound-dev", "libevent-dev", "nettle-dev"]), .brew(["unbound"])]),

        .target(name: "HopTraceCore"),
        .target(name: "HopTraceMessage", dependencies: ["HopTraceCore"]),
        .target(name: "HopTraceReceived", dependencies: ["HopTraceCore"]),
        .target(name: "HopTraceNetwork", dependencies: ["HopTraceCore"]),
        .target(name: "HopTraceReport", dependencies: [
            "HopTraceCore", "HopTraceMessage", "HopTraceReceived", "HopTraceNetwork",
        ]),
        .executableTarget(name: "hoptrace", dependencies: [
            "HopTraceReport",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .testTarget(name: "HopTraceCoreTests", dependencies: ["HopTraceCore"]),
        .testTarget(name: "HopTraceMessageTests", dependencies: ["HopTraceMessage"]),
        .testTarget(name: "HopTraceReceivedTests", dependencies: ["HopTraceReceived"]),
        .testTarget(name: "HopTraceNetworkTests", dependencies: ["HopTraceNetwork"]),
        .testTarget(name: "HopTraceReportTests", dependencies: ["HopTraceReport"]),
        .testTarget(name: "SystemLibraryTests", dependencies: ["CGraphviz", "CMaxMindDB", "CUnbound"]),
        .testTarget(name: "hoptraceTests", dependencies: ["hoptrace"]),
    ]
)
