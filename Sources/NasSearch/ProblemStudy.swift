import NasCore
import NasOptimize
import NasStudy

/// A search of a test problem (ZDT1, DTLZ2, ...) and what it achieved: the analytic
/// benchmarks the strategies are measured on, run through the same `SearchLoop` as network
/// searches, with their trials in a `Study` as network searches keep theirs (in memory: a test
/// problem is cheap to rerun). Objectives are the problem's, already minimized, stored as the
/// metrics `f1`, `f2`, ...; a point the domain calls infeasible is a `failed` trial.
public final class ProblemStudy {
    public let problem: TestProblem
    /// The one place the trials live.
    public let study: Study
    /// Hypervolume after each trial, for progress plots (derived: recomputing it from the stored
    /// trials would make every `record` quadratic).
    public private(set) var hypervolumeHistory: [Double] = []

    /// The most objectives a study can store: one metric each (`Metric.problemObjectives`).
    public static let maxObjectives = Metric.problemObjectives.count

    /// A new study of `problem` in its own `MemoryStudyStorage`. `seed` is recorded with it (the
    /// strategy arrives built, its seed inside it).
    public init(problem: TestProblem, strategy: String, seed: UInt64 = 0, trials: Int = 0) {
        precondition(problem.objectives <= Self.maxObjectives,
                     "a problem study stores at most \(Self.maxObjectives) objectives")  // the builtins allow 10
        self.problem = problem
        let objectives = Metric.problemObjectives.prefix(problem.objectives).map { Objective($0, .minimize) }
        do {
            study = try Study.create(in: MemoryStudyStorage(), Study.Description(
                name: problem.name, searchSpace: problem.name, strategy: strategy, seed: seed, objectives: objectives,
                budget: [], trials: trials, fingerprint: ["problem": problem.name]))
        } catch {
            // A new, empty memory storage has no study to clash with.
            preconditionFailure("a memory study storage refused its first study: \(error)")
        }
    }

    public var strategy: String { study.record.strategy }

    /// Stores one evaluated point as a trial: complete with its objectives, or failed.
    public func record(_ observation: Observation) {
        do {
            var trial = try study.start(x: observation.x, parameters: [:], seed: study.record.seed)
            if observation.failed {
                trial.fail("outside the problem's feasible region")
            } else {
                var metrics = MetricValues()
                for (k, value) in observation.objectives.enumerated() { metrics[Metric.problemObjectives[k]] = value }
                trial.complete(metrics: metrics)
            }
            try study.finish(trial)
        } catch {
            // Only an unsaved study or trial makes a memory storage throw, and both were saved here.
            preconditionFailure("a memory study storage refused a trial: \(error)")
        }
        hypervolumeHistory.append(Hypervolume.of(observations.successful.map(\.objectives), reference: problem.reference))
    }

    /// The stored trials as the strategies see them, in trial order: objectives (minimized) for
    /// a complete trial, none for a failed one.
    public var observations: [Observation] {
        let objectives = study.record.objectives
        // A memory storage throws only for a study it does not hold; this one holds it.
        return ((try? study.trials()) ?? []).map { trial in
            trial.objectiveVector(objectives).map { Observation(x: trial.x, objectives: $0) } ?? .failure(at: trial.x)
        }
    }

    /// Indices into `observations` of the successful trials on the Pareto front.
    public var paretoIndices: [Int] {
        let observations = self.observations
        let indices = observations.indices.filter { !observations[$0].failed }
        return Pareto.front(indices.map { observations[$0].objectives }).map { indices[$0] }
    }
    public var hypervolume: Double { hypervolumeHistory.last ?? 0 }

    /// Runs `trials` evaluations with a strategy in `domain` (default: the problem's). A proposal
    /// the domain calls infeasible (only when no feasible point could be found) is recorded as a
    /// failed trial without being evaluated.
    public static func run<S: Strategy>(_ problem: TestProblem, in domain: SearchDomain? = nil, strategy: inout S,
                                        trials: Int) -> ProblemStudy {
        let domain = domain ?? problem.domain
        let study = ProblemStudy(problem: problem, strategy: strategy.name, trials: trials)
        var loop = SearchLoop(trials: trials)
        var any: any Strategy = strategy
        _ = loop.run(strategy: &any, domain: domain) { x in
            let observation = domain.feasible(x) ? Observation(x: x, objectives: problem.evaluate(x)) : .failure(at: x)
            study.record(observation)
            return .evaluated(observation)
        }
        try? study.study.markFinished()  // cannot fail: the memory storage holds this study
        // Hand the advanced strategy back: the caller may continue with it. The loop never
        // replaces it, so the cast cannot fail.
        strategy = any as! S
        return study
    }

    /// How the points of a batch are chosen: by the strategy's own `proposeBatch` (the Kriging
    /// believer for the GP strategies), or by the constant liar, which the GP strategies used
    /// before: kept to measure one against the other.
    public enum BatchRule: String, Sendable, CaseIterable {
        case strategy
        case constantLiar = "cl"
    }

    /// Runs `trials` evaluations in synchronous batches of `batch` points, as a parallel search
    /// with `batch` workers does: each batch is proposed after every earlier one was evaluated
    /// and is told in order (the last batch is cut to the trials left).
    public static func run<S: Strategy>(_ problem: TestProblem, in domain: SearchDomain? = nil, strategy: inout S, trials: Int,
                                        batch: Int, rule: BatchRule = .strategy) -> ProblemStudy {
        precondition(batch >= 1, "a batch has at least one point")
        let domain = domain ?? problem.domain
        let study = ProblemStudy(problem: problem, strategy: strategy.name, trials: trials)
        var history: [Observation] = []
        while history.count < trials {
            let count = min(batch, trials - history.count)
            let points = rule == .constantLiar ? strategy.constantLiarBatch(count, after: history, pending: [], in: domain)
                                               : strategy.proposeBatch(count, after: history, pending: [], in: domain)
            for x in points {
                let observation = domain.feasible(x) ? Observation(x: x, objectives: problem.evaluate(x)) : .failure(at: x)
                study.record(observation)
                history.append(observation)
            }
        }
        try? study.study.markFinished()  // cannot fail: the memory storage holds this study
        return study
    }
}
