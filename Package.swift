// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Ember",
    products: [
        .library(name: "Ember", targets: ["Ember"]),
        .library(name: "EmberVision", targets: ["EmberVision"]),
        .library(name: "EmberTensorBoard", targets: ["EmberTensorBoard"]),
        .library(name: "EmberDistributed", targets: ["EmberDistributed"]),
        .executable(name: "ember", targets: ["ember"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CDNNL",
            providers: [.apt(["libdnnl-dev"])]),
        .systemLibrary(
            name: "CSystemZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(
            name: "CZip", pkgConfig: "libzip",
            providers: [.apt(["libzip-dev"])]),
        .systemLibrary(
            name: "CTurboJPEG", pkgConfig: "libturbojpeg",
            providers: [.apt(["libturbojpeg0-dev"])]),
        .systemLibrary(
            name: "CPNG", pkgConfig: "libpng",
            providers: [.apt(["libpng-dev"])]),
        .systemLibrary(
            name: "CMPI", pkgConfig: "ompi-c",
            providers: [.apt(["libopenmpi-dev"])]),
        .target(name: "CEmberKernels"),
        .target(
            name: "Ember",
            dependencies: ["CDNNL", "CEmberKernels", "CZip"]),
        .target(
            name: "EmberVision",
            dependencies: [
                "Ember", "CEmberKernels", "CSystemZlib", "CTurboJPEG", "CPNG",
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        .target(
            name: "EmberTensorBoard",
            dependencies: ["Ember", "EmberVision", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            exclude: ["Protos"]),
        .target(
            name: "EmberDistributed",
            dependencies: ["Ember", "CMPI"]),
        .executableTarget(
            name: "ember",
            dependencies: [
                "Ember",
                "EmberVision",
                "EmberTensorBoard",
                "EmberDistributed",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "EmberBench",
            dependencies: ["EmberVision"],
            path: "Benchmarks/Ember"),
        .executableTarget(
            name: "EmberDistributedBench",
            dependencies: ["EmberDistributed", "EmberVision"],
            path: "Benchmarks/Distributed"),
        .target(name: "CFuzzerDriver", path: "Fuzz/CFuzzerDriver"),
        .executableTarget(
            name: "FuzzImageDecoder",
            dependencies: ["EmberVision", "CFuzzerDriver"],
            path: "Fuzz/FuzzImageDecoder"),
        .executableTarget(
            name: "FuzzSafeTensors",
            dependencies: ["Ember", "CFuzzerDriver"],
            path: "Fuzz/FuzzSafeTensors"),
        .executableTarget(
            name: "FuzzPickle",
            dependencies: ["Ember", "CFuzzerDriver"],
            path: "Fuzz/FuzzPickle"),
        .executableTarget(
            name: "FuzzPth",
            dependencies: ["Ember", "CFuzzerDriver"],
            path: "Fuzz/FuzzPth"),
        .executableTarget(
            name: "FuzzCheckpoint",
            dependencies: ["Ember", "CFuzzerDriver"],
            path: "Fuzz/FuzzCheckpoint"),
        .executableTarget(
            name: "FuzzEventFile",
            dependencies: ["EmberTensorBoard", "CFuzzerDriver"],
            path: "Fuzz/FuzzEventFile"),
        .executableTarget(
            name: "FuzzIDX",
            dependencies: ["EmberVision", "CFuzzerDriver"],
            path: "Fuzz/FuzzIDX"),
        .executableTarget(
            name: "DistributedChecks",
            dependencies: ["EmberDistributed", "EmberVision"],
            path: "Tests/DistributedChecks"),
        .testTarget(
            name: "EmberTests",
            dependencies: ["Ember"]),
        .testTarget(
            name: "EmberVisionTests",
            dependencies: ["EmberVision"]),
        .testTarget(
            name: "EmberTensorBoardTests",
            dependencies: ["EmberTensorBoard"]),
        .testTarget(
            name: "EmberDistributedTests",
            dependencies: ["EmberDistributed"]),
        .testTarget(
            name: "CLITests",
            dependencies: ["ember", "EmberVision", "EmberTensorBoard"]),
    ]
)
