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
        // The shared vocabulary, defined once: metrics, objectives, constraints, metric values,
        // Pareto sorting and the feasible front, trial status and epochs, the seeded generator,
        // quantities and the one number formatter, per-layer lists and their fitting rule,
        // bit-widths. Foundation only; every engine module uses it.
        .target(name: "NasCore"),
        // Tables and other text rendering; no knowledge of the language or the engine.
        .target(name: "NasRender"),
        // The .nas language: lexer, parser, resolver, interpreter, values, builtins registry.
        .target(name: "NasLang", dependencies: ["NasCore", "NasRender", "NasFiles"]),
        // Datasets for training: synthetic generators, file loaders (IDX, CIFAR-10, .ts, CSV, .npy),
        // stratified splits, normalization and augmentation. Foundation only.
        .target(name: "NasData", dependencies: ["NasCore"], swiftSettings: optimized),
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
        .target(name: "NasNN", dependencies: ["NasCore", "CNasKernels", "NasData"], swiftSettings: optimized),
        // Deployment cost: lowering to runtime ops, the tensor-arena plan, flash/RAM/latency per board.
        .target(name: "NasCost", dependencies: ["NasCore", "NasNN"], swiftSettings: optimized),
        // Compression: magnitude pruning masks, per-channel weight quantization, fine-tuning constraints.
        .target(name: "NasCompress", dependencies: ["NasCore", "NasNN", "CNasKernels"], swiftSettings: optimized),
        // Integer-only inference: folded float reference, int8 calibration, fixed-point requantization.
        .target(name: "NasQuant", dependencies: ["NasCore", "NasNN", "NasCost", "CNasKernels"], swiftSettings: optimized),
        // Export: C99 sources (int8 kernels, weights, a statically planned arena) and .tflite files.
        .target(name: "NasExport", dependencies: ["NasCore", "NasQuant", "NasCost", "NasNN", "NasFiles"]),
        // Trials: build -> train -> compress -> fine-tune -> int8 accuracy and exact costs.
        .target(name: "NasTrial", dependencies: ["NasCore", "NasNN", "NasData", "NasCost", "NasCompress", "NasQuant"], swiftSettings: optimized),
        // Exact hypervolume for four and more objectives (HV4D+ and a bounded dimension sweep), in C
        // because the sweeps are branchy scans over a few thousand points per point.
        .target(name: "CNasHypervolume", cSettings: [.unsafeFlags(["-O3"])]),
        // Multi-objective optimization: hypervolume, surrogates, acquisitions, strategies, test problems.
        // Optimized even in debug builds: the strategies' inner loops (GP fits, EHVI) would make
        // the test suite minutes long at -Onone.
        .target(name: "NasOptimize", dependencies: ["NasCore", "CNasHypervolume"], swiftSettings: optimized),
        // Study storage: the `StudyStorage` protocol and its backends, SQLite (studies, trials,
        // per-epoch curves; crash-safe appends, resume) and memory; budget re-filtering of the
        // stored trials. No knowledge of the language.
        .target(name: "NasStudy", dependencies: ["NasCore", "NasOptimize", "NasFiles", .product(name: "GRDB", package: "GRDB.swift")]),
        // libpq, PostgreSQL's C client, as Debian's libpq-dev installs it. Synchronous calls fit
        // the worker's claim-train-finish loop, and a system library costs no build time (see
        // docs/architecture.md for why not postgres-nio).
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        // The PostgreSQL study store (issue 15): a small typed libpq wrapper (connections,
        // parameterized statements, transactions, errors with SQLSTATE, password-free
        // locations) and `PostgresStudyStorage`, the same tables as the SQLite store. Its own
        // module, so NasStudy needs no libpq.
        .target(name: "NasStudyPostgres", dependencies: ["NasCore", "NasStudy", "CLibPQ"]),
        // The search use case without the language: the ask/tell loop every search runs (test
        // problems and network searches), test-problem studies, the `Study` whose trials live
        // in one `StudyStorage` (SQLite or memory) with open/resume/fingerprint checks, and the
        // cost oracle (memoized costs of a space's points from the cost model); network spaces,
        // their knobs' domains, model specs and the decoder from points to trial plans.
        .target(name: "NasSearch", dependencies: ["NasCore", "NasOptimize", "NasStudy", "NasStudyPostgres", "NasTrial", "NasCost", "NasNN", "NasData"]),
        // The engine's builtins for the language: datasets, models, training, summaries.
        .target(name: "EngineBuiltins", dependencies: ["NasCore", "NasSearch", "NasLang", "NasRender", "NasNN", "NasData", "NasCost", "NasCompress", "NasQuant", "NasOptimize", "NasTrial", "NasStudy", "NasExport", "NasFiles"]),
        // The command-line front end: REPL, run, check, replay.
        .executableTarget(
            name: "nasbook",
            dependencies: [
                "NasCore", "NasLang", "NasREPL", "LineEditor", "EngineBuiltins", "NasFiles", "NasSearch", "NasStudy",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Benchmarks (bench/train-bench runs them next to their peers).
        .executableTarget(
            name: "nasbook-bench",
            dependencies: ["NasCore", "NasSearch", "NasNN", "NasData", "NasCost", "NasOptimize", "NasStudy", "NasQuant", "NasExport", "NasFiles", "NasTrial", "NasCompress", "CNasKernels", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "bench/Sources/nasbook-bench",
            // Several files and an @main type (main.swift would otherwise be top-level code).
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
        .testTarget(name: "NasLangTests", dependencies: ["NasCore", "NasLang", "NasRender", "EngineBuiltins", "CNasKernels"],
                    exclude: ["Golden"]),
        .testTarget(name: "NasCoreTests", dependencies: ["NasCore"]),
        .testTarget(name: "NasFilesTests", dependencies: ["NasFiles"]),
        .testTarget(name: "NasRenderTests", dependencies: ["NasRender"], exclude: ["Golden"]),
        .testTarget(name: "NasNNTests", dependencies: ["NasCore", "NasNN", "NasData"]),
        .testTarget(name: "NasDataTests", dependencies: ["NasCore", "NasData"]),
        .testTarget(name: "NasCostTests", dependencies: ["NasCore", "NasCost", "NasNN", "NasData"]),
        .testTarget(name: "NasCompressTests", dependencies: ["NasCore", "NasCompress", "NasNN", "NasData"]),
        .testTarget(name: "NasOptimizeTests", dependencies: ["NasCore", "NasOptimize", "NasSearch"]),
        // Test helper: writes a study trial by trial so CrashSafetyTests can kill it mid-run.
        .executableTarget(name: "nas-study-crash-writer", dependencies: ["NasCore", "NasStudy"], path: "Tests/NasStudyCrashWriter"),
        .testTarget(name: "NasStudyTests", dependencies: ["NasCore", "NasStudy", "NasOptimize", "nas-study-crash-writer", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "NasSearchTests", dependencies: ["NasCore", "NasSearch", "NasStudy", "NasOptimize", "NasTrial", "NasNN", "NasCost",
                                                           "NasStudyPostgres", "PostgresTestCluster"]),
        // Test helper: a throwaway PostgreSQL server (initdb + pg_ctl in a temporary folder, on
        // 127.0.0.1 at a free port) for the tests of the PostgreSQL study store.
        .target(name: "PostgresTestCluster", path: "Tests/PostgresTestCluster"),
        .testTarget(name: "NasStudyPostgresTests", dependencies: ["NasCore", "NasStudy", "NasStudyPostgres", "PostgresTestCluster"]),
        .testTarget(name: "NasTrialTests", dependencies: ["NasCore", "NasTrial", "NasNN", "NasData", "NasCost"]),
        .testTarget(name: "NasExportTests", dependencies: ["NasCore", "NasExport", "NasQuant", "NasNN", "NasData", "NasCost", "NasCompress"]),
        .testTarget(name: "NasQuantTests", dependencies: ["NasCore", "NasQuant", "NasNN", "NasData", "NasCost", "CNasKernels"]),
        .testTarget(name: "EngineBuiltinsTests", dependencies: ["NasCore", "EngineBuiltins", "NasLang", "NasSearch", "NasStudy", "NasNN", "NasCost", "NasCompress", "NasQuant",
                                                             "NasExport"]),
        .testTarget(name: "NasREPLTests", dependencies: ["NasREPL", "NasLang", "EngineBuiltins", "LineEditor"]),
        .testTarget(name: "NasbookCLITests", dependencies: ["nasbook", "PostgresTestCluster"]),
    ]
)
