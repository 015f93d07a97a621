// swift-tools-version:6.0
// emvalidate: validation reports for cryo-EM density maps.
// Module dependencies run one way: MapIO → VolumeNumerics → Analysis → Rendering → Report → emvalidate.
import PackageDescription

let package = Package(
    name: "EMValidate",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "emvalidate", targets: ["emvalidate"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
    ],
    targets: [
        // System libraries (Debian: libcairo2-dev, libfftw3-dev, zlib1g-dev, libbz2-dev).
        .systemLibrary(name: "CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"])]),
        .systemLibrary(name: "CFFTW", pkgConfig: "fftw3f", providers: [.apt(["libfftw3-dev"])]),
        .systemLibrary(name: "CCompression", providers: [.apt(["zlib1g-dev", "libbz2-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),

        // MRC/CCP4 maps: header, reader, writer, the Volume type.
        .target(name: "MapIO", dependencies: ["CCompression", "COpenSSL"]),
        // Atomic models (PDB/mmCIF) through gemmi (Debian gemmi-dev, header-only) behind a C interface.
        .target(name: "CGemmi", linkerSettings: [.linkedLibrary("z")]),
        .target(name: "ModelIO", dependencies: ["CGemmi"]),
        // Numerics on volumes: statistics, FFT, connected components, morphology, filters.
        .target(name: "VolumeNumerics", dependencies: ["MapIO", "CFFTW"]),
        // The analysis core: one file per report section; results are plain Codable values.
        .target(name: "Analysis", dependencies: ["MapIO", "ModelIO", "VolumeNumerics"], exclude: ["LevelA/README.md"]),
        // Cairo drawing of the figures that sections describe.
        .target(name: "Rendering", dependencies: ["Analysis", "VolumeNumerics", "CCairo"]),
        // The default LaTeX templates, embedded in the binary.
        .target(name: "DefaultTemplates", path: "Templates", exclude: ["README.md"],
                resources: [.embedInCode("tex")]),
        // Report assembly: metrics.json, templates, LaTeX escaping, latexmk.
        .target(name: "Report", dependencies: [
            "Analysis", "MapIO", "ModelIO", "Rendering", "DefaultTemplates", "EntryMetadata",
            .product(name: "Mustache", package: "swift-mustache"),
        ]),
        // EMDB entry metadata (header XML v3.0, REST API JSON); no network.
        .target(name: "EntryMetadata"),
        // Downloads from the EMDB and PDB archives (URLSession) through a content-addressed cache.
        .target(name: "EntryFetch", dependencies: ["EntryMetadata", "MapIO", "CCompression", "COpenSSL"]),
        .executableTarget(name: "emvalidate", dependencies: [
            "Report", "Analysis", "MapIO", "EntryMetadata", "EntryFetch",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // `make bench`: times every section and the whole report on 128³ and 256³ phantoms.
        .executableTarget(name: "EMBench", dependencies: ["Report", "Analysis", "MapIO", "Rendering"]),

        // `make fuzz`: libFuzzer targets (built with -sanitize=fuzzer,address -D FUZZING); otherwise replay tools.
        .target(name: "FuzzTargets", dependencies: ["MapIO", "ModelIO"]),
        .executableTarget(name: "FuzzMRC", dependencies: ["FuzzTargets"]),
        .executableTarget(name: "FuzzMapFile", dependencies: ["FuzzTargets"]),
        .executableTarget(name: "FuzzModel", dependencies: ["FuzzTargets"]),

        .testTarget(name: "MapIOTests", dependencies: ["MapIO"]),
        .testTarget(name: "ModelIOTests", dependencies: ["ModelIO"]),
        .testTarget(name: "VolumeNumericsTests", dependencies: ["VolumeNumerics", "MapIO"]),
        .testTarget(name: "AnalysisTests", dependencies: ["Analysis", "VolumeNumerics", "MapIO"]),
        .testTarget(name: "RenderingTests", dependencies: ["Rendering", "Analysis", "MapIO"]),
        .testTarget(name: "EntryMetadataTests", dependencies: ["EntryMetadata"]),
        .testTarget(name: "EntryFetchTests", dependencies: ["EntryFetch", "EntryMetadata", "MapIO"]),
        .testTarget(name: "ReportTests", dependencies: ["Report", "Analysis", "MapIO", "Rendering"]),
        // Bad inputs, fuzz regressions, LaTeX safety, fault isolation, determinism (issue 7).
        .testTarget(name: "ReliabilityTests", dependencies: ["FuzzTargets", "Report", "Analysis", "MapIO", "ModelIO"],
                    exclude: ["README.md"]),
    ],
    swiftLanguageModes: [.v5]
)
