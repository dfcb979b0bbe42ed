import NasCore

/// One evaluated configuration: its point in the unit hypercube and its objectives (minimized).
/// A failed trial (training diverged, the network did not fit the device) has no objectives:
/// strategies fit their models to the successful trials and learn where failures happen.
public struct Observation: Sendable, Equatable {
    public let x: [Double]
    /// Empty for a failed trial.
    public let objectives: [Double]

    public init(x: [Double], objectives: [Double]) {
        self.x = x
        self.objectives = objectives
    }

    /// A trial at `x` that produced no objectives.
    public static func failure(at x: [Double]) -> Observation { Observation(x: x, objectives: []) }

    public var failed: Bool { objectives.isEmpty }
}

extension [Observation] {
    /// The trials that produced objectives: what surrogates and fronts are built from.
    public var successful: [Observation] { filter { !$0.failed } }
}

/// Proposes where to evaluate next. Strategies see only the unit hypercube, its domain
/// (descriptors, known constraints, analytic objectives) and past observations, so the study loop
/// and the search space mapping do not care which one runs. A proposal is always feasible under
/// `domain.isFeasible` when any feasible point can be found (see `SearchDomain.repair`).
public protocol Strategy {
    var name: String { get }
    mutating func propose(after history: [Observation], in domain: SearchDomain) -> [Double]
}

/// Independent uniform points (rejected while infeasible): the baseline every other strategy must beat.
public struct RandomSearch: Strategy {
    var rng: SeededGenerator
    public init(seed: UInt64) { rng = SeededGenerator(seed: seed) }
    public var name: String { "random" }
    public mutating func propose(after history: [Observation], in domain: SearchDomain) -> [Double] {
        var x = (0..<domain.dimensions).map { _ in rng.nextDouble() }
        for _ in 0..<SearchDomain.feasibleDraws where !domain.feasible(x) {
            x = (0..<domain.dimensions).map { _ in rng.nextDouble() }
        }
        return domain.repair(x, anchors: history.map(\.x), rng: &rng)
    }
}

/// Scrambled Sobol points (skipping infeasible ones): an even cover of the space, as initial designs use.
public struct SobolSearch: Strategy {
    var sequence: Sobol?
    var rng: SeededGenerator
    let seed: UInt64
    public init(seed: UInt64) {
        self.seed = seed
        rng = SeededGenerator(seed: seed &+ 0x5eed)
    }
    public var name: String { "sobol" }
    public mutating func propose(after history: [Observation], in domain: SearchDomain) -> [Double] {
        if sequence == nil { sequence = Sobol(dimensions: domain.dimensions, seed: seed) }
        var x = sequence!.next()
        for _ in 0..<SearchDomain.feasibleDraws where !domain.feasible(x) { x = sequence!.next() }
        return domain.repair(x, anchors: history.map(\.x), rng: &rng)
    }
}
