import NasCore
import NasData
import NasLang
import NasNN
import NasOptimize
import NasRender
import NasSearch

/// `problem.*` test problems and `search(problem, strategy:, trials:, seed:)` on them.
enum SearchBuiltins {
    /// `search(trials:)` and `resume(trials:)`: how many trials a study runs.
    static let trialCount = ParameterType.integer(atLeast: 1, atMost: 100_000)

    /// A network study from `search(space, ...)`, for `resume`, `ask` and `tell`.
    static let study = TypedParameter<NetworkStudy>(networkStudy: "study")
    /// `resume(s, trials:)`: the trials in all; none: the study's own count.
    static let resumeTrials = TypedParameter<Int?>("trials", trialCount)
    /// A trial of a network study: its record (from `ask(s)`, `s.trials`, `s.pareto`) or its number.
    static let trialReference = ParameterType.either([
        .integer(atLeast: 1), .record(.trial, hint: "pass the record ask(s) returned (or one of s.trials), or its number"),
    ])
    /// `tell(s, t, accuracy: 0.91, latency: 3.2 ms)`: the trial, a measured value per searchable
    /// metric (any unit here; `tell` checks each against its metric's dimension), or why it failed.
    static let toldTrial = TypedParameter<Int>(trialNumber: "trial", trialReference)
    static let measured = Metric.searchable.map { ($0, TypedParameter<Quantity?>(optionalQuantity: $0.rawValue, .anyQuantity)) }
    static let failure = TypedParameter<String?>("failed", .string)

    // `search`'s parameters, declared once and read by `SearchSession` as `call[SearchBuiltins.trials]`.
    /// A network space or a test problem: the body tells them apart.
    static let space = TypedParameter<Value>(value: "space", .either([.kind("space"), .kind("problem")]))
    static let data = TypedParameter<Dataset>(dataset: "data", default: Value.none)
    static let target = TypedParameter<Value>(value: "target", .board, default: Value.none)
    static let strategy = TypedParameter<String>("strategy", .choice(strategies), default: "ars_mobo")
    static let trials = TypedParameter<Int>("trials", trialCount, default: 20)
    static let seed = TypedParameter<UInt64>.seed()
    static let objectives = TypedParameter<ObjectiveSet?>(optionalObjectives: "objectives")
    static let budget = TypedParameter<Budget?>(optionalBudget: "budget")
    static let model = TypedParameter<ModelSpec?>(optionalModelSpec: "model")
    /// Every trial needs samples on both sides of the split.
    static let validation = TypedParameter<Double>("validation", .number(NumberLimits(lower: 0, lowerIncluded: false, upper: 1, upperIncluded: false)),
                                                   default: 0.2)
    static let workers = TypedParameter<Int>("workers", .integer(atLeast: 0, atMost: 256), default: 1)
    /// Default: one per worker.
    static let batch = TypedParameter<Int?>("batch", .integer(atLeast: 1, atMost: 1024))
    static let mode = TypedParameter<ParallelOptions.Mode>("mode", default: .sync)
    static let lease = TypedParameter<Double>("lease", .number(NumberLimits(lower: 1, upper: 86_400)), default: 30)
    static let spawn = TypedParameter<Bool>("spawn", default: true)
    static let storage = TypedParameter<String?>("storage")

    /// The strategies' names, from their one registry (`NasOptimize.StrategyRegistry`).
    static let strategies = StrategyRegistry.names

    static func register(into r: inout BuiltinRegistry, session: SearchSession) {
        // Strategy and metric names as bare words: `strategy: ars_mobo`, `s.best(by: accuracy)`.
        for name in strategies + Metric.searchable.map(\.name) { r.define(name, .string(name)) }
        r.observeBudgets { budget, context in session.budgetChanged(budget, context: context) }
        r.register(Builtin("resume", declaring: [study, resumeTrials],
                           doc: "Continues a network study stopped by Ctrl-C, or runs it on to `trials` trials in all; finished trials are kept, not rerun, and the strategy picks up where it was. `nasbook run --resume` does the same for a study in the database.") { call in
            try session.resume(try call[study], trials: try call[resumeTrials], call: call)
        })
        r.register(Builtin("ask", declaring: [study],
                           doc: "For trials measured outside nasbook (a real board in the loop): t = ask(s) has the study's strategy propose the next configuration within the board and the budget, stores it as a running trial and returns it: t.trial, t.settings, t.model (its architecture, for train or export), its computed ram, flash, macs and latency. Make the study with search(space, data, target, trials: N, workers: 0) to have nasbook train nothing itself; works with --db and every storage.") { call in
            try session.ask(try call[study], call: call)
        })
        r.register(Builtin("tell", declaring: [study, toldTrial] + measured.map(\.1) + [failure],
                           doc: "Records what was measured for a trial from ask(s): tell(s, t, accuracy: 0.91, latency: 3.2 ms); values not given keep nasbook's computed costs; every objective needs a value, or tell(s, t, failed: \"why\").") { call in
            try session.tell(try call[study], call: call)
        })
        let zdt1Dims = TypedParameter<Int>("dims", .integer(atLeast: 1, atMost: 1000), default: 10)
        r.register(Builtin("problem.zdt1", declaring: [zdt1Dims],
                           doc: "ZDT1: two objectives, convex Pareto front f2 = 1 - sqrt(f1); dims inputs in [0, 1].") { call in
            .native(ProblemValue(problem: .zdt1(dimensions: try call[zdt1Dims])))
        })
        let dtlz2Dims = TypedParameter<Int>("dims", .integer(atLeast: 2, atMost: 1000), default: 7)
        let dtlz2Objectives = TypedParameter<Int>("objectives", .integer(atLeast: 2, atMost: 10), default: 3)
        r.register(Builtin("problem.dtlz2", declaring: [dtlz2Dims, dtlz2Objectives],
                           doc: "DTLZ2: a spherical Pareto front in `objectives` objectives; dims inputs in [0, 1].") { call in
            let m = try call[dtlz2Objectives], d = try call[dtlz2Dims]
            guard d >= m else { throw call.error("problem.dtlz2: needs dims >= objectives", at: "dims") }
            return .native(ProblemValue(problem: .dtlz2(dimensions: d, objectives: m)))
        })
        r.register(Builtin("problem.branin_currin", [], doc: "Branin and Currin functions: two objectives on two inputs.") { _ in
            .native(ProblemValue(problem: .braninCurrin))
        })
        let compressionLayers = TypedParameter<Int>("layers", .integer(atLeast: 2, atMost: 100), default: 10)
        r.register(Builtin("problem.compression", declaring: [compressionLayers, seed],
                           doc: "A synthetic compression search over a CNN: per layer a pruning rate and a bit-width, plus width and input resolution (2 layers + 2 inputs); minimizes error, flash and MACs under flash and RAM budgets, with flash and MACs known analytically.") { call in
            .native(ProblemValue(problem: .compression(CompressionProblem(layers: try call[compressionLayers], seed: try call[seed]))))
        })
        r.register(Builtin("search", declaring: [space, data, target, strategy, trials, seed, objectives, budget, model, validation,
                                                 workers, batch, mode, lease, spawn, storage],
                           doc: "Searches a space for networks for a board: search(space, data, target, strategy: ars_mobo, trials: 20, seed: 1). storage: keeps the trials in a SQLite file (\"kws.db\") or a PostgreSQL database (\"postgresql://user:password@host/db\"; workers on other machines join it with `nasbook worker URL --study NAME`), instead of the --db of `nasbook run`. workers: N trains N trials at once in N worker processes (workers: 0 trains nothing: ask/tell) (each with cores / N training threads) over the study's storage; batch: q proposals outstanding at once (default N); mode: \"sync\" (batches told in trial order: the same seed and batch give the same study whatever the workers and timing) or \"async\" (a new trial as soon as one ends); lease: seconds without a heartbeat after which a worker's trial runs again elsewhere (default 30); spawn: false only proposes, for workers started elsewhere with `nasbook worker DB --study NAME`. Each trial builds, trains, compresses (prune, bits, channels, fine-tune) and measures int8 accuracy and exact costs; networks over the board or the budget are skipped before training. Objectives and budget default to the declared `objectives` and `budget`; model sets the family and its fixed settings (default cnn; cnn1d for sequences, mlp for feature vectors). Strategies: ars_mobo (the paper's ARS-MOBOpt: expected improvement of a random Chebyshev scalarization, optimized by ARS-trained linear policies started from clusters of the Pareto front), ars_layers (our earlier per-layer ARS variant), turbo (TuRBO-1), morbo (MORBO, trust regions on the front), mobo (EHVI), nehvi (noisy EHVI: the front is resampled from the surrogates, for noisy accuracies), parego (single-candidate qParEGO), nsga2, sobol, random. Also searches test problems: search(problem.zdt1(dims: 10), strategy: mobo, trials: 60).") { call in
            switch try call[space] {
            case .native(let p as ProblemValue): return try searchProblem(p, call)
            case .space(let space): return try session.search(space, call)
            case let other:
                throw call.error("search: the first argument must be a space or a problem, not \(other.typeName)", at: space.name,
                                 hint: "declare one with `space name { width in [8, 16] ... }`, or use problem.zdt1(dims: 10)")
            }
        })
    }

    /// The strategy named `name`, or an error listing the known ones.
    static func strategy(named name: String, _ call: BuiltinCall, seed: UInt64, dimensions: Int) throws -> any Strategy {
        guard let entry = StrategyRegistry.entry(named: name) else {
            throw call.error("search: unknown strategy \"\(name)\"", at: "strategy",
                             hint: Suggestions.hint(for: name, in: strategies) ?? "use one of: " + strategies.joined(separator: ", "))
        }
        if let limit = entry.maxDimensions, dimensions > limit {
            throw call.error("search: \(name) supports up to \(limit) dimensions, this search has \(dimensions)", at: "strategy")
        }
        return entry.make(seed)
    }

    static func searchProblem(_ p: ProblemValue, _ call: BuiltinCall) throws -> Value {
        let trials = try call[Self.trials]
        var strategy = try strategy(named: try call[Self.strategy], call, seed: try call[Self.seed], dimensions: p.problem.dimensions)
        return .native(StudyValue(study: ProblemStudy.run(p.problem, strategy: &strategy, trials: trials)))
    }
}

struct ProblemValue: NativeValue {
    let problem: TestProblem
    var typeName: String { "problem" }
    var memberNames: [String] { ["name", "dims", "objectives", "reference"] }
    func member(_ name: String) -> Value? {
        switch name {
        case "name": return .string(problem.name)
        case "dims": return .number(Double(problem.dimensions))
        case "objectives": return .number(Double(problem.objectives))
        case "reference": return .list(problem.reference.map { .number($0) })
        default: return nil
        }
    }
    var summary: String { "problem \(problem.name)" }
    func render() -> String { summary + "\n" }
}

/// A finished study: `s.pareto` (records), `s.hypervolume`, `s.trials`, `s.history`.
struct StudyValue: NativeValue {
    let study: ProblemStudy

    var typeName: String { "study" }
    var memberNames: [String] { ["pareto", "hypervolume", "trials", "history", "strategy"] }

    func member(_ name: String) -> Value? {
        let observations = study.observations  // read from the study's storage once
        switch name {
        case "pareto": return .list(study.paretoIndices.map { record(observations[$0], trial: $0) })
        case "hypervolume": return .number(study.hypervolume)
        case "trials": return .list(observations.enumerated().map { record($1, trial: $0) })
        case "history": return .list(study.hypervolumeHistory.map { .number($0) })
        case "strategy": return .string(study.strategy)
        default: return nil
        }
    }

    func record(_ o: Observation, trial: Int) -> Value {
        .record(Record(kind: .trial, [("trial", .number(Double(trial + 1)))]
            + o.objectives.enumerated().map { ("f\($0 + 1)", .number($1)) }))
    }

    var summary: String {
        "study of \(study.problem.name) with \(study.strategy): \(study.hypervolumeHistory.count) trials, "
            + "\(study.paretoIndices.count) on the front, hypervolume \(NumberFormat.plain(study.hypervolume))"
    }

    func render() -> String {
        let observations = study.observations
        let front = study.paretoIndices.sorted { observations[$0].objectives[0] < observations[$1].objectives[0] }
        let columns = [TextTable.Column("trial", .right)] + (1...study.problem.objectives).map { TextTable.Column("f\($0)", .right) }
        let rows = front.map { i in [String(i + 1)] + observations[i].objectives.map { NumberFormat.plain($0) } }
        return summary + "\n" + TextTable(columns: columns, rows: rows).render() + "\n"
    }
}
