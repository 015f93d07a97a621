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
        // JPEG output of shaded 3D views (Debian libturbojpeg0-dev).
        .systemLibrary(name: "CTurboJPEG", pkgConfig: "libturbojpeg", providers: [.apt(["libturbojpeg0-dev"])]),
        // Graphviz (libgvc, Debian libgraphviz-dev): lays out the workflow graph (section W).
        .systemLibrary(name: "CGraphviz", pkgConfig: "libgvc", providers: [.apt(["libgraphviz-dev"])]),

        // MRC/CCP4 maps: header, reader, writer, the Volume type.
        .target(name: "MapIO", dependencies: ["CCompression", "COpenSSL"]),
        // Atomic models (PDB/mmCIF) through gemmi (Debian gemmi-dev, header-only) behind a C interface.
        .target(name: "CGemmi", linkerSettings: [.linkedLibrary("z")]),
        .target(name: "ModelIO", dependencies: ["CGemmi"]),
        // Processing workflows (section W): Scipion workflow JSON and RELION default_pipeline.star as a graph,
        // laid out by Graphviz.
        .target(name: "WorkflowIO", dependencies: ["CGraphviz", "ImageData"]),
        // Other techniques (sections O.a, O.b): cross-link CSV lists and SAXS curves.
        .target(name: "TechniqueIO"),
        // Numerics on volumes: statistics, FFT, connected components, morphology, filters.
        .target(name: "VolumeNumerics", dependencies: ["MapIO", "CFFTW"]),
        // Image data for Levels 2–5: STAR files, MRC stacks, Euler angles, projections, CTF, 2D alignment (issue 12).
        .target(name: "ImageData", dependencies: ["MapIO", "VolumeNumerics", "CFFTW"], exclude: ["README.md"]),
        // Particles and their angles (Levels 3–4): Fourier reconstruction, orientation sampling (SCF, cryoEF).
        .target(name: "ParticleAnalysis", dependencies: ["MapIO", "VolumeNumerics", "ImageData", "RelionBridge"]),
        // Running RELION beside our own numerics (4.d's optional re-refinement): its inputs, the run, its outputs.
        .target(name: "RelionBridge", dependencies: ["MapIO", "VolumeNumerics", "ImageData"]),
        // Micrographs and particle coordinates (Level 5): glob or STAR list, single-image MRC micrographs.
        .target(name: "MicrographIO", dependencies: ["ImageData", "MapIO"]),
        // The analysis core: one file per report section; results are plain Codable values.
        .target(name: "Analysis", dependencies: ["MapIO", "ModelIO", "VolumeNumerics", "ImageData", "ParticleAnalysis",
                                                 "WorkflowIO", "TechniqueIO", "MicrographIO"], exclude: ["LevelA/README.md"]),
        // Cairo drawing of the figures that sections describe.
        .target(name: "Rendering", dependencies: ["Analysis", "VolumeNumerics", "CCairo", "CTurboJPEG", "WorkflowIO"]),
        // The default LaTeX templates, embedded in the binary.
        .target(name: "DefaultTemplates", path: "Templates", exclude: ["README.md"],
                resources: [.embedInCode("tex")]),
        // Report assembly: metrics.json, templates, LaTeX escaping, latexmk.
        .target(name: "Report", dependencies: [
            "Analysis", "MapIO", "ModelIO", "Rendering", "DefaultTemplates", "VolumeNumerics", "ImageData", "ParticleAnalysis",
            "WorkflowIO", "TechniqueIO", "MicrographIO", "EntryMetadata", "RelionBridge",
            .product(name: "Mustache", package: "swift-mustache"),
        ]),
        // EMDB entry metadata (header XML v3.0, REST API JSON); no network.
        .target(name: "EntryMetadata"),
        // Downloads from the EMDB and PDB archives (URLSession) through a content-addressed cache.
        .target(name: "EntryFetch", dependencies: ["EntryMetadata", "MapIO", "CCompression", "COpenSSL"]),
        .executableTarget(name: "emvalidate", dependencies: [
            "Report", "Analysis", "MapIO", "VolumeNumerics", "ImageData", "TechniqueIO", "EntryMetadata", "EntryFetch",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // `make bench`: times every section and whole reports on 128³, 256³ and 512³ phantoms; writes bench.json.
        .executableTarget(name: "EMBench", dependencies: ["Report", "Analysis", "MapIO", "ModelIO", "Rendering",
                                                          "VolumeNumerics", "ImageData", "ParticleAnalysis"]),

        // `make fuzz`: libFuzzer targets (built with -sanitize=fuzzer,address -D FUZZING); otherwise replay tools.
        .target(name: "FuzzTargets", dependencies: ["MapIO", "ModelIO"]),
        .executableTarget(name: "FuzzMRC", dependencies: ["FuzzTargets"]),
        .executableTarget(name: "FuzzMapFile", dependencies: ["FuzzTargets"]),
        .executableTarget(name: "FuzzModel", dependencies: ["FuzzTargets"]),

        // Shared by the test targets only: Gaussian-blob phantoms with analytic projections, a test CTF, random
        // orientations, simulated particles written as a RELION 3.1 STAR file and stack, the Level 0 seeded
        // generator, the runner of the Python oracles (Tests/Oracles) and the scratch folder removed at exit.
        .target(name: "TestSupport", dependencies: ["ImageData", "MapIO", "VolumeNumerics"], path: "Tests/TestSupport"),

        .testTarget(name: "MapIOTests", dependencies: ["MapIO", "TestSupport"]),
        .testTarget(name: "ModelIOTests", dependencies: ["ModelIO", "TestSupport"]),
        .testTarget(name: "WorkflowIOTests", dependencies: ["WorkflowIO", "TestSupport"]),
        .testTarget(name: "TechniqueIOTests", dependencies: ["TechniqueIO", "TestSupport"]),
        .testTarget(name: "VolumeNumericsTests", dependencies: ["VolumeNumerics", "MapIO", "TestSupport"]),
        .testTarget(name: "ImageDataTests", dependencies: ["ImageData", "VolumeNumerics", "MapIO", "TestSupport"]),
        .testTarget(name: "ParticleAnalysisTests", dependencies: ["ParticleAnalysis", "Analysis", "ImageData", "VolumeNumerics", "MapIO",
                                                                  "TestSupport"]),
        .testTarget(name: "AnalysisTests", dependencies: ["Analysis", "VolumeNumerics", "MapIO", "ImageData", "ParticleAnalysis",
                                                          "TestSupport"]),
        .testTarget(name: "RenderingTests", dependencies: ["Rendering", "Analysis", "MapIO", "TestSupport"]),
        .testTarget(name: "EntryMetadataTests", dependencies: ["EntryMetadata"]),
        .testTarget(name: "EntryFetchTests", dependencies: ["EntryFetch", "EntryMetadata", "MapIO", "TestSupport"]),
        .testTarget(name: "ReportTests", dependencies: ["Report", "Analysis", "MapIO", "Rendering", "ImageData", "VolumeNumerics",
                                                        "TestSupport"]),
        // Bad inputs, fuzz regressions, LaTeX safety, fault isolation, determinism (issue 7).
        .testTarget(name: "ReliabilityTests", dependencies: ["FuzzTargets", "Report", "Analysis", "MapIO", "ModelIO", "TestSupport"],
                    exclude: ["README.md"]),
    ],
    swiftLanguageModes: [.v5]
)
