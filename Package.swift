// swift-tools-version:6.0
import PackageDescription

/// The engine's numeric targets are optimized even in debug builds: training at -Onone is about
/// eight times slower, which would make searches in the test suite and golden examples minutes long.
let optimized: [SwiftSetting] = [.unsafeFlags(["-O"])]

let package = Package(
    name: "nasbook",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "nasbook", targets: ["nasbook"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // Files: atomic writes (temporary file, fsync, rename) and the trust boundary that decides
        // which paths a script or session may read and write. Foundation only.
        .target(name: "NasFiles"),
        // Tables and other text rendering; no knowledge of the language or the engine.
        .target(name: "NasRender"),
        // The .nas language: lexer, parser, resolver, interpreter, values, builtins registry.
        .target(name: "NasLang", dependencies: ["NasRender", "NasFiles"]),
        // Datasets for training: synthetic generators, file loaders (IDX, CIFAR-10, .ts, CSV, .npy),
        // stratified splits, normalization and augmentation. Foundation only.
        .target(name: "NasData", swiftSettings: optimized),
        // libedit, as Debian's libedit-dev installs it.
        .systemLibrary(name: "CLibEdit", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]),
        // C shim for libedit's variadic and global APIs, and the SIGINT flag.
        .target(name: "CLineEditorShim", dependencies: ["CLibEdit"]),
        // Interactive line editing (history, completion, Ctrl-C) with a plain fallback.
        .target(name: "LineEditor", dependencies: ["CLineEditorShim", "NasFiles"]),
        // The notebook-style REPL: multi-line cells, :commands, completion, evaluation.
        .target(name: "NasREPL", dependencies: ["NasLang", "LineEditor", "NasFiles"]),
        // Hot loops of the training engine (GEMM, im2col) and of batched float/int8 inference, with
        // runtime AVX-512/AVX2 dispatch.
        .target(name: "CNasKernels", cSettings: [.unsafeFlags(["-O3"])]),
        // Tensors, layers with explicit forward/backward, losses, optimizers, schedules.
        .target(name: "NasNN", dependencies: ["CNasKernels", "NasData"], swiftSettings: optimized),
        // Deployment cost: lowering to runtime ops, the tensor-arena plan, flash/RAM/latency per board.
        .target(name: "NasCost", dependencies: ["NasNN"], swiftSettings: optimized),
        // Compression: magnitude pruning masks, per-channel weight quantization, fine-tuning constraints.
        .target(name: "NasCompress", dependencies: ["NasNN", "CNasKernels"], swiftSettings: optimized),
        // Integer-only inference: folded float reference, int8 calibration, fixed-point requantization.
        .target(name: "NasQuant", dependencies: ["NasNN", "NasCost", "CNasKernels"], swiftSettings: optimized),
        // Export: C99 sources (int8 kernels, weights, a statically planned arena) and .tflite files.
        .target(name: "NasExport", dependencies: ["NasQuant", "NasCost", "NasNN", "NasFiles"]),
        // Trials: build -> train -> compress -> fine-tune -> int8 accuracy and exact costs.
        .target(name: "NasTrial", dependencies: ["NasNN", "NasData", "NasCost", "NasCompress", "NasQuant"], swiftSettings: optimized),
        // Exact hypervolume for four and more objectives (HV4D+ and a bounded dimension sweep), in C
        // because the sweeps are branchy scans over a few thousand points per point.
        .target(name: "CNasHypervolume", cSettings: [.unsafeFlags(["-O3"])]),
        // Multi-objective optimization: Pareto sorting, hypervolume.
        // Optimized even in debug builds: the strategies' inner loops (GP fits, EHVI) would make
        // the test suite minutes long at -Onone.
        .target(name: "NasOptimize", dependencies: ["NasData", "CNasHypervolume"], swiftSettings: optimized),
        // Study storage in SQLite: studies, trials, per-epoch curves; crash-safe appends, resume,
        // budget re-filtering of the stored trials. No knowledge of the language.
        .target(name: "NasStudy", dependencies: ["NasOptimize", "NasFiles", .product(name: "GRDB", package: "GRDB.swift")]),
        // The engine's builtins for the language: datasets, models, training, summaries.
        .target(name: "EngineBuiltins", dependencies: ["NasLang", "NasRender", "NasNN", "NasData", "NasCost", "NasCompress", "NasQuant", "NasOptimize", "NasTrial", "NasStudy", "NasExport", "NasFiles"]),
        // The command-line front end: REPL, run, check, replay.
        .executableTarget(
            name: "nasbook",
            dependencies: [
                "NasLang", "NasREPL", "LineEditor", "EngineBuiltins", "NasFiles",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Benchmarks (bench/train-bench runs them next to their peers).
        .executableTarget(
            name: "nasbook-bench",
            dependencies: ["NasNN", "NasData", "NasCost", "NasOptimize", "NasStudy", "NasQuant", "NasExport", "NasFiles", "NasTrial", "CNasKernels", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "bench/Sources/nasbook-bench",
            // Several files and an @main type (main.swift would otherwise be top-level code).
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
        .testTarget(name: "NasLangTests", dependencies: ["NasLang", "NasRender", "EngineBuiltins", "CNasKernels"],
                    exclude: ["Golden"]),
        .testTarget(name: "NasFilesTests", dependencies: ["NasFiles"]),
        .testTarget(name: "NasRenderTests", dependencies: ["NasRender"], exclude: ["Golden"]),
        .testTarget(name: "NasNNTests", dependencies: ["NasNN", "NasData"]),
        .testTarget(name: "NasDataTests", dependencies: ["NasData"]),
        .testTarget(name: "NasCostTests", dependencies: ["NasCost", "NasNN", "NasData"]),
        .testTarget(name: "NasCompressTests", dependencies: ["NasCompress", "NasNN", "NasData"]),
        .testTarget(name: "NasOptimizeTests", dependencies: ["NasOptimize", "NasData"]),
        // Test helper: writes a study trial by trial so CrashSafetyTests can kill it mid-run.
        .executableTarget(name: "nas-study-crash-writer", dependencies: ["NasStudy"], path: "Tests/NasStudyCrashWriter"),
        .testTarget(name: "NasStudyTests", dependencies: ["NasStudy", "NasOptimize", "NasData", "nas-study-crash-writer", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "NasExportTests", dependencies: ["NasExport", "NasQuant", "NasNN", "NasData", "NasCost"]),
        .testTarget(name: "NasQuantTests", dependencies: ["NasQuant", "NasNN", "NasData", "NasCost", "CNasKernels"]),
        .testTarget(name: "EngineBuiltinsTests", dependencies: ["EngineBuiltins", "NasLang"]),
        .testTarget(name: "NasREPLTests", dependencies: ["NasREPL", "NasLang", "EngineBuiltins", "LineEditor"]),
        .testTarget(name: "NasbookCLITests", dependencies: ["nasbook"]),
    ]
)
