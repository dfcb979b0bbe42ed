import NasLang
import NasOptimize
import NasRender

/// `problem.*` test problems and `search(problem, strategy:, trials:, seed:)` on them.
enum SearchBuiltins {
    static let strategies = ["random", "sobol", "nsga2", "parego", "mobo", "ars_mobo"]

    static func register(into r: inout BuiltinRegistry) {
        r.register(Builtin("problem.zdt1", [.init("dims", default: .number(10))],
                           doc: "ZDT1: two objectives, convex Pareto front f2 = 1 - sqrt(f1); dims inputs in [0, 1].") { call in
            .native(ProblemValue(problem: .zdt1(dimensions: try call.positiveInteger("dims", limit: 1000))))
        })
        r.register(Builtin("problem.dtlz2", [.init("dims", default: .number(7)), .init("objectives", default: .number(3))],
                           doc: "DTLZ2: a spherical Pareto front in `objectives` objectives; dims inputs in [0, 1].") { call in
            let m = try call.positiveInteger("objectives", limit: 10)
            let d = try call.positiveInteger("dims", limit: 1000)
            guard m >= 2, d >= m else { throw call.error("problem.dtlz2: needs objectives >= 2 and dims >= objectives") }
            return .native(ProblemValue(problem: .dtlz2(dimensions: d, objectives: m)))
        })
        r.register(Builtin("problem.branin_currin", [], doc: "Branin and Currin functions: two objectives on two inputs.") { _ in
            .native(ProblemValue(problem: .braninCurrin))
        })
        r.register(Builtin("problem.compression", [.init("layers", default: .number(10)), .init("seed", default: .number(1))],
                           doc: "A synthetic compression search over a CNN: per layer a pruning rate and a bit-width, plus width and input resolution (2 layers + 2 inputs); minimizes error, flash and MACs under flash and RAM budgets, with flash and MACs known analytically.") { call in
            let layers = try call.positiveInteger("layers", limit: 100)
            guard layers >= 2 else { throw call.error("problem.compression: needs layers >= 2", at: "layers") }
            return .native(ProblemValue(problem: .compression(CompressionProblem(layers: layers, seed: try call.seed()))))
        })
        r.register(Builtin("search", [
            .init("problem"), .init("strategy", default: .string("sobol")), .init("trials", default: .number(50)),
            .init("seed", default: .number(1)),
        ], doc: "Searches a problem with a strategy (\"random\", \"sobol\", \"nsga2\", \"parego\", \"mobo\" = EHVI, \"ars_mobo\" = EHVI optimized by an ensemble of ARS agents) and returns the study: its Pareto front, hypervolume and trials.") { call in
            guard case .native(let p as ProblemValue) = call["problem"] else {
                throw call.error("search: 'problem' must be a problem, not \(call["problem"].typeName)", at: "problem",
                                 hint: "for example: search(problem.zdt1(dims: 10), strategy: \"sobol\", trials: 50)")
            }
            let trials = try call.positiveInteger("trials", limit: 100_000)
            let seed = try call.seed()
            let name = try call.string("strategy")
            let needsSobol = ["sobol", "parego", "mobo", "ars_mobo"].contains(name)
            if needsSobol, p.problem.dimensions > Sobol.maxDimensions {
                throw call.error("search: \(name) supports up to \(Sobol.maxDimensions) dimensions", at: "strategy")
            }
            var strategy: any Strategy
            switch name {
            case "random": strategy = RandomSearch(seed: seed)
            case "sobol": strategy = SobolSearch(seed: seed)
            case "nsga2": strategy = NSGA2(seed: seed)
            case "parego": strategy = ParEGO(seed: seed)
            case "mobo": strategy = ExpectedHypervolumeSearch(seed: seed)
            case "ars_mobo": strategy = ARSMOBO(seed: seed)
            default:
                throw call.error("search: unknown strategy \"\(name)\"", at: "strategy",
                                 hint: Suggestions.hint(for: name, in: strategies) ?? "use one of: " + strategies.joined(separator: ", "))
            }
            return .native(StudyValue(study: Study.run(p.problem, strategy: &strategy, trials: trials)))
        })
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
    let study: Study

    var typeName: String { "study" }
    var memberNames: [String] { ["pareto", "hypervolume", "trials", "history", "strategy"] }

    func member(_ name: String) -> Value? {
        switch name {
        case "pareto": return .list(study.paretoIndices.map { record(study.observations[$0], trial: $0) })
        case "hypervolume": return .number(study.hypervolume)
        case "trials": return .list(study.observations.enumerated().map { record($1, trial: $0) })
        case "history": return .list(study.hypervolumeHistory.map { .number($0) })
        case "strategy": return .string(study.strategy)
        default: return nil
        }
    }

    func record(_ o: Observation, trial: Int) -> Value {
        .record(Record(kind: "trial", [("trial", .number(Double(trial + 1)))]
            + o.objectives.enumerated().map { ("f\($0 + 1)", .number($1)) }))
    }

    var summary: String {
        "study of \(study.problem.name) with \(study.strategy): \(study.observations.count) trials, "
            + "\(study.paretoIndices.count) on the front, hypervolume \(Quantity.format(study.hypervolume))"
    }

    func render() -> String {
        let front = study.paretoIndices.sorted { study.observations[$0].objectives[0] < study.observations[$1].objectives[0] }
        let columns = [TextTable.Column("trial", .right)] + (1...study.problem.objectives).map { TextTable.Column("f\($0)", .right) }
        let rows = front.map { i in [String(i + 1)] + study.observations[i].objectives.map { Quantity.format($0) } }
        return summary + "\n" + TextTable(columns: columns, rows: rows).render() + "\n"
    }
}
