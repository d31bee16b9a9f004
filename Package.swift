// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Ember",
    products: [
        .library(name: "Ember", targets: ["Ember"]),
        .executable(name: "ember", targets: ["ember"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .systemLibrary(
            name: "COpenBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        .target(name: "CEmberKernels"),
        .target(
            name: "Ember",
            dependencies: ["COpenBLAS", "CEmberKernels"]),
        .executableTarget(
            name: "ember",
            dependencies: [
                "Ember",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "EmberBench",
            dependencies: ["Ember"],
            path: "Benchmarks/Ember"),
        .testTarget(
            name: "EmberTests",
            dependencies: ["Ember"]),
    ]
)
