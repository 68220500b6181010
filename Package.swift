// swift-tools-version:6.0
import PackageDescription
import Foundation

// Swift 6 language mode package-wide (the two executables keep 5, reasons at their targets).

/// The kernels' own loops (depthwise convolution, activations, bias and normalisation passes,
/// optimiser updates) compiled for AVX2 when the machine building them has it: twice the lanes
/// of the x86-64 baseline (SSE2). Only when the building machine says so in /proc/cpuinfo, since
/// the binaries run where they are built (`make`, CI); elsewhere (another architecture, an older
/// CPU, no /proc) the baseline. No `-ffast-math`: results stay the same to the bit, only wider.
let kernelSettings: [SwiftSetting] = {
    #if arch(x86_64)
    guard let cpu = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return [] }
    let flags = Set(cpu.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).map(String.init))
    guard flags.isSuperset(of: ["avx2", "fma", "f16c", "bmi2"]) else { return [] }
    return [.unsafeFlags(["-target-cpu", "haswell"])]
    #else
    return []
    #endif
}()

let package = Package(
    name: "Plexus",
    products: [
        .library(name: "PlexusTensor", targets: ["PlexusTensor"]),
        .library(name: "PlexusNN", targets: ["PlexusNN"]),
        .library(name: "PlexusLang", targets: ["PlexusLang"]),
        .executable(name: "plexus", targets: ["plexus"]),
        .executable(name: "plexus-bench", targets: ["plexus-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // ONNX export: the generated onnx.pb.swift is committed (see its header), only the runtime
        // library is built here, never the protoc plugin.
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", exact: "0.9.20"),
    ],
    targets: [
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .systemLibrary(
            name: "CReadline",
            // No pkgConfig: readline's .pc adds -D_XOPEN_SOURCE flags SwiftPM warns about on every
            // build; its headers and library are in the default paths (the Makefile checks it is there).
            providers: [.apt(["libreadline-dev"])]
        ),
        .systemLibrary(
            name: "CHDF5",
            // Keras's weight files: Debian's serial HDF5 (headers under /usr/include/hdf5/serial).
            pkgConfig: "hdf5-serial",
            providers: [.apt(["libhdf5-dev"])]
        ),
        .target(name: "PlexusTensor", dependencies: ["CBLAS"], swiftSettings: kernelSettings),
        .target(name: "PlexusNN", dependencies: [
            "PlexusTensor", "CHDF5",
            .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ], swiftSettings: kernelSettings),
        .target(name: "PlexusLang", dependencies: ["PlexusNN"]),
        // The shell stays in Swift 5 mode: GNU readline calls back into it through C function
        // pointers that reach the shell's state through globals (the completion candidates, the
        // session, the SIGINT flag and the standard streams): 55 errors in Swift 6 mode
        // (Completion.swift, Shell.swift, Signals.swift, StandardStreams.swift), all "global mutable
        // state" or "main actor-isolated ... from a nonisolated context". Moving them needs the
        // callbacks to reach one MainActor-isolated shell object (readline runs on the main thread).
        .executableTarget(name: "plexus", dependencies: [
            "PlexusLang", "CReadline",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: [.swiftLanguageMode(.v5)]),
        // The benchmarks keep Swift 5 mode: their workload tables are global lets of closures taking
        // `inout RandomGenerator` and a global checksum var (17 errors in Swift 6 mode).
        .executableTarget(name: "plexus-bench", dependencies: ["PlexusNN", "PlexusLang", "CBLAS"],
                          swiftSettings: [.swiftLanguageMode(.v5)]),
        .testTarget(name: "PlexusTensorTests", dependencies: ["PlexusTensor"]),
        .testTarget(name: "PlexusNNTests", dependencies: [
            "PlexusNN",
            .product(name: "SwiftProtobuf", package: "swift-protobuf"),
        ]),
        .testTarget(name: "PlexusLangTests", dependencies: [
            "PlexusLang",
            .product(name: "SwiftProtobuf", package: "swift-protobuf"),
        ]),
        // Drives the built `plexus` binary through a pseudo-terminal and pipes (the debug build),
        // and replays the session scripts through the release build (TranscriptTests: they train
        // networks). `swift test` does not link executables, so `make test` builds both first; the
        // tests fail with the command to run when one is missing or older than the sources.
        .testTarget(name: "PlexusShellTests", dependencies: ["PlexusLang"]),
    ],
    swiftLanguageModes: [.v6]
)
