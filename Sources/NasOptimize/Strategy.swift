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
///
/// Parallel searches ask for several points at once (`proposeBatch`): `count` new points,
/// distinct from each other and from the `pending` ones (proposed earlier, still training),
/// so q workers never train the same network. A batch of one with nothing pending is exactly
/// `propose`, which keeps one-worker searches (and their goldens) as they were.
public protocol Strategy {
    var name: String { get }
    mutating func propose(after history: [Observation], in domain: SearchDomain) -> [Double]
    /// `count` points to evaluate while `pending` ones are still being evaluated. The default
    /// is the constant liar (Ginsbourger, Le Riche & Carraro 2010): each pending or already
    /// chosen point enters the history with the worst objectives observed so far, and the
    /// strategy proposes again, so models steer away from it; samplers (random, Sobol) ignore
    /// the lies and simply draw more. The GP strategies are `BelievingStrategy`s: their batch
    /// is the Kriging believer's, and ARS-MOBO's leads with its policies' distinct points.
    mutating func proposeBatch(_ count: Int, after history: [Observation], pending: [[Double]], in domain: SearchDomain) -> [[Double]]
}

extension Strategy {
    public mutating func proposeBatch(_ count: Int, after history: [Observation], pending: [[Double]], in domain: SearchDomain) -> [[Double]] {
        constantLiarBatch(count, after: history, pending: pending, in: domain)
    }

    /// The constant-liar batch (see `proposeBatch`), for strategies that override it to fill
    /// what their own batch could not.
    public mutating func constantLiarBatch(_ count: Int, after history: [Observation], pending: [[Double]], chosen: [[Double]] = [],
                                           in domain: SearchDomain) -> [[Double]] {
        var batch = chosen
        guard count > batch.count else { return batch }
        if pending.isEmpty, batch.isEmpty, count >= 1 { batch.append(propose(after: history, in: domain)) }
        while batch.count < count {
            let lies = (pending + batch).map { Observation.lie(at: $0, history: history) }
            batch.append(propose(after: history + lies, in: domain))
        }
        return batch
    }
}

extension Observation {
    /// The constant liar's stand-in for a point still being evaluated: the worst value of
    /// each objective observed so far (CL-max, the cautious lie that pushes the next proposal
    /// away), or a failure when nothing succeeded yet.
    public static func lie(at x: [Double], history: [Observation]) -> Observation {
        let successes = history.successful
        guard let first = successes.first else { return .failure(at: x) }
        let worst = successes.dropFirst().reduce(first.objectives) { w, o in zip(w, o.objectives).map { max($0, $1) } }
        return Observation(x: x, objectives: worst)
    }
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
