// swift-tools-version: 6.1
import PackageDescription

// Release builds of the hot-path modules skip dynamic exclusivity checks: every
// connection slab is confined to its worker thread by construction.
let hotPathSettings: [SwiftSetting] = [
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
]

let package = Package(
    name: "Ringway",
    products: [
        .executable(name: "ringway", targets: ["ringway"]),
        .executable(name: "ringway-bench", targets: ["ringway-bench"]),
    ],
    targets: [
        .target(
            name: "CRingwayEngine",
            path: "CSources/CRingwayEngine",
            cSettings: [.define("_GNU_SOURCE"), .unsafeFlags(["-O2"])],
            linkerSettings: [.linkedLibrary("uring"), .linkedLibrary("ssl"), .linkedLibrary("crypto")]
        ),
        .target(name: "RingwayHTTP", swiftSettings: hotPathSettings),
        .target(name: "RingwayIO", dependencies: ["CRingwayEngine"], swiftSettings: hotPathSettings),
        .target(name: "RingwayRouter", dependencies: ["RingwayHTTP"], swiftSettings: hotPathSettings),
        .target(
            name: "RingwayProxy",
            dependencies: ["RingwayIO", "RingwayHTTP", "RingwayRouter", "RingwayObserve", "CRingwayEngine"],
            swiftSettings: hotPathSettings
        ),
        .executableTarget(
            name: "ringway", dependencies: ["RingwayProxy", "RingwayRouter", "RingwayObserve", "RingwayIO", "RingwayHTTP"]),
        .target(name: "RingwayBenchCore", path: "Benchmarks/RingwayBenchCore"),
        .target(
            name: "RingwayMockUpstream", dependencies: ["RingwayIO", "RingwayHTTP", "CRingwayEngine"],
            path: "Benchmarks/MockUpstream", swiftSettings: hotPathSettings),
        .executableTarget(
            name: "ringway-bench", dependencies: ["RingwayBenchCore", "RingwayMockUpstream"],
            path: "Benchmarks/RingwayBench"),
        // A corpus replayer in a plain build; a libFuzzer target when built by tools/fuzz.sh.
        .executableTarget(name: "ringway-fuzz-http", dependencies: ["RingwayHTTP"], path: "Tests/Fuzz/HTTPFuzz"),
        .executableTarget(
            name: "ringway-microbench", dependencies: ["RingwayHTTP", "RingwayIO", "RingwayRouter", "RingwayObserve"], path: "Benchmarks/Microbench",
            swiftSettings: hotPathSettings),
        .testTarget(name: "RingwayHTTPTests", dependencies: ["RingwayHTTP"]),
        .testTarget(name: "RingwayIOTests", dependencies: ["RingwayIO"]),
        .testTarget(name: "RingwayRouterTests", dependencies: ["RingwayRouter", "RingwayHTTP"]),
        .testTarget(name: "RingwayProxyTests", dependencies: ["RingwayProxy", "RingwayIO"]),
        .testTarget(name: "RingwayEndToEndTests", dependencies: []),
        .testTarget(name: "RingwayBenchTests", dependencies: ["RingwayBenchCore"]),
        .testTarget(name: "RingwayMockUpstreamTests", dependencies: ["RingwayMockUpstream"]),
        .target(name: "CRingwayAtomics", path: "CSources/CRingwayAtomics"),
        .target(name: "RingwayObserve", dependencies: ["CRingwayAtomics", "RingwayHTTP"], path: "Sources/RingwayObserve",
                swiftSettings: hotPathSettings),
        .testTarget(name: "RingwayObserveTests", dependencies: ["RingwayObserve"]),
    ]
)
