import NasData

/// One evaluated configuration: its point in the unit hypercube and its objectives (minimized).
public struct Observation: Sendable, Equatable {
    public let x: [Double]
    public let objectives: [Double]

    public init(x: [Double], objectives: [Double]) {
        self.x = x
        self.objectives = objectives
    }
}

/// Proposes where to evaluate next. Strategies see only the unit hypercube and past
/// observations, so the study loop and the search space mapping do not care which one runs.
public protocol Strategy {
    var name: String { get }
    mutating func propose(after history: [Observation], dimensions: Int) -> [Double]
}

/// Independent uniform points: the baseline every other strategy must beat.
public struct RandomSearch: Strategy {
    var rng: SeededGenerator
    public init(seed: UInt64) { rng = SeededGenerator(seed: seed) }
    public var name: String { "random" }
    public mutating func propose(after history: [Observation], dimensions: Int) -> [Double] {
        (0..<dimensions).map { _ in rng.nextDouble() }
    }
}

/// Scrambled Sobol points: an even cover of the space, as initial designs use.
public struct SobolSearch: Strategy {
    var sequence: Sobol?
    let seed: UInt64
    public init(seed: UInt64) { self.seed = seed }
    public var name: String { "sobol" }
    public mutating func propose(after history: [Observation], dimensions: Int) -> [Double] {
        if sequence == nil { sequence = Sobol(dimensions: dimensions, seed: seed) }
        return sequence!.next()
    }
}

/// Evaluated trials of one problem and what they achieved.
public struct Study: Sendable {
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
        hypervolumeHistory.append(Hypervolume.of(observations.map(\.objectives), reference: problem.reference))
    }

    public var paretoIndices: [Int] { Pareto.front(observations.map(\.objectives)) }
    public var hypervolume: Double { hypervolumeHistory.last ?? 0 }

    /// Runs `trials` evaluations with a strategy.
    public static func run(_ problem: TestProblem, strategy: inout some Strategy, trials: Int) -> Study {
        var study = Study(problem: problem, strategy: strategy.name)
        for _ in 0..<trials {
            let x = strategy.propose(after: study.observations, dimensions: problem.dimensions)
            study.record(Observation(x: x, objectives: problem.evaluate(x)))
        }
        return study
    }
}
