import NasCore
import NasOptimize

/// A search of a test problem (ZDT1, DTLZ2, ...) and what it achieved: the analytic
/// benchmarks the strategies are measured on, run through the same `SearchLoop` as network
/// searches. Objectives are the problem's, already minimized.
public struct ProblemStudy: Sendable {
    public let problem: TestProblem
    public let strategy: String
    public private(set) var observations: [Observation] = []
    /// Hypervolume after each trial, for progress plots.
    public private(set) var hypervolumeHistory: [Double] = []

    public init(problem: TestProblem, strategy: String) {
        self.problem = problem
        self.strategy = strategy
    }

    public mutating func record(_ observation: Observation) {
        observations.append(observation)
        hypervolumeHistory.append(Hypervolume.of(observations.successful.map(\.objectives), reference: problem.reference))
    }

    /// Indices into `observations` of the successful trials on the Pareto front.
    public var paretoIndices: [Int] {
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
        var study = ProblemStudy(problem: problem, strategy: strategy.name)
        var loop = SearchLoop(trials: trials)
        var any: any Strategy = strategy
        _ = loop.run(strategy: &any, domain: domain) { x in
            let observation = domain.feasible(x) ? Observation(x: x, objectives: problem.evaluate(x)) : .failure(at: x)
            study.record(observation)
            return .evaluated(observation)
        }
        // Hand the advanced strategy back: the caller may continue with it. The loop never
        // replaces it, so the cast cannot fail.
        strategy = any as! S
        return study
    }
}
