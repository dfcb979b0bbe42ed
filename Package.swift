// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "nasbook",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "nasbook", targets: ["nasbook"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // Tables and other text rendering; no knowledge of the language or the engine.
        .target(name: "NasRender"),
        // The .nas language: lexer, parser, resolver, interpreter, values, builtins registry.
        .target(name: "NasLang", dependencies: ["NasRender"]),
        // Datasets for training: synthetic generators, file loaders (IDX, CIFAR-10, .ts, CSV, .npy),
        // stratified splits, normalization and augmentation. Foundation only.
        .target(name: "NasData"),
        // libedit, as Debian's libedit-dev installs it.
        .systemLibrary(name: "CLibEdit", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]),
        // C shim for libedit's variadic and global APIs, and the SIGINT flag.
        .target(name: "CLineEditorShim", dependencies: ["CLibEdit"]),
        // Interactive line editing (history, completion, Ctrl-C) with a plain fallback.
        .target(name: "LineEditor", dependencies: ["CLineEditorShim"]),
        // The notebook-style REPL: multi-line cells, :commands, completion, evaluation.
        .target(name: "NasREPL", dependencies: ["NasLang", "LineEditor"]),
        // Hot loops of the training engine (GEMM, im2col) with runtime AVX-512/AVX2 dispatch.
        .target(name: "CNasKernels", cSettings: [.unsafeFlags(["-O3"])]),
        // Tensors, layers with explicit forward/backward, losses, optimizers, schedules.
        .target(name: "NasNN", dependencies: ["CNasKernels", "NasData"]),
        // Deployment cost: lowering to runtime ops, the tensor-arena plan, flash/RAM/latency per board.
        .target(name: "NasCost", dependencies: ["NasNN"]),
        // Compression: magnitude pruning masks, per-channel weight quantization, fine-tuning constraints.
        .target(name: "NasCompress", dependencies: ["NasNN"]),
        // Integer-only inference: folded float reference, int8 calibration, fixed-point requantization.
        .target(name: "NasQuant", dependencies: ["NasNN", "NasCost"]),
        // Trials: build -> train -> compress -> fine-tune -> int8 accuracy and exact costs.
        .target(name: "NasTrial", dependencies: ["NasNN", "NasData", "NasCost", "NasCompress", "NasQuant"]),
        // Multi-objective optimization: Pareto sorting, hypervolume.
        // Optimized even in debug builds: the strategies' inner loops (GP fits, EHVI) would make
        // the test suite minutes long at -Onone.
        .target(name: "NasOptimize", dependencies: ["NasData"], swiftSettings: [.unsafeFlags(["-O"])]),
        // The engine's builtins for the language: datasets, models, training, summaries.
        .target(name: "EngineBuiltins", dependencies: ["NasLang", "NasRender", "NasNN", "NasData", "NasCost", "NasCompress", "NasQuant", "NasOptimize", "NasTrial"]),
        // The command-line front end: REPL, run, check, replay.
        .executableTarget(
            name: "nasbook",
            dependencies: [
                "NasLang", "NasREPL", "LineEditor", "EngineBuiltins",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Benchmarks (bench/train-bench runs them next to their peers).
        .executableTarget(
            name: "nasbook-bench",
            dependencies: ["NasNN", "NasData", "NasCost", "NasOptimize", "CNasKernels", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "bench/Sources/nasbook-bench"
        ),
        .testTarget(name: "NasLangTests", dependencies: ["NasLang", "NasRender", "EngineBuiltins", "CNasKernels"],
                    exclude: ["Golden"]),
        .testTarget(name: "NasNNTests", dependencies: ["NasNN", "NasData"]),
        .testTarget(name: "NasDataTests", dependencies: ["NasData"]),
        .testTarget(name: "NasCostTests", dependencies: ["NasCost", "NasNN", "NasData"]),
        .testTarget(name: "NasCompressTests", dependencies: ["NasCompress", "NasNN", "NasData"]),
        .testTarget(name: "NasOptimizeTests", dependencies: ["NasOptimize", "NasData"]),
        .testTarget(name: "NasQuantTests", dependencies: ["NasQuant", "NasNN", "NasData", "NasCost"]),
        .testTarget(name: "EngineBuiltinsTests", dependencies: ["EngineBuiltins", "NasLang"]),
        .testTarget(name: "NasREPLTests", dependencies: ["NasREPL", "NasLang", "EngineBuiltins"]),
        .testTarget(name: "NasbookCLITests", dependencies: ["nasbook"]),
    ]
)
