import Foundation
import NasData

/// Acquisition functions and their optimization, shared by the model-based strategies.
public enum Acquisition {
    static func normalPDF(_ z: Double) -> Double { exp(-0.5 * z * z) / (2 * Double.pi).squareRoot() }
    static func normalCDF(_ z: Double) -> Double { 0.5 * erfc(-z / 2.0.squareRoot()) }

    /// Expected improvement below `best` for a Gaussian prediction (minimization).
    public static func expectedImprovement(mean: Double, variance: Double, best: Double) -> Double {
        let sd = variance.squareRoot()
        guard sd > 1e-12 else { return max(best - mean, 0) }
        let z = (best - mean) / sd
        return (best - mean) * normalCDF(z) + sd * normalPDF(z)
    }

    /// Probability that a Gaussian prediction lies at or below `limit` (a feasibility constraint).
    public static func probabilityBelow(mean: Double, variance: Double, limit: Double) -> Double {
        normalCDF((limit - mean) / max(variance.squareRoot(), 1e-12))
    }

    /// Maximizes `score` over the unit hypercube: random candidates, then Gaussian perturbations
    /// around the best candidates and the given incumbents, shrinking step by step.
    public static func maximize(dimensions: Int, incumbents: [[Double]], rng: inout SeededGenerator,
                                candidates: Int = 512, _ score: ([Double]) -> Double) -> [Double] {
        var pool: [([Double], Double)] = (0..<candidates).map { _ in
            let x = (0..<dimensions).map { _ in rng.nextDouble() }
            return (x, score(x))
        }
        pool += incumbents.map { ($0, score($0)) }
        pool.sort { $0.1 > $1.1 }
        var best = Array(pool.prefix(8))
        var step = 0.1
        for _ in 0..<4 {
            var next = best
            for (x, _) in best {
                for _ in 0..<16 {
                    let y = x.map { min(max($0 + step * Double(rng.nextNormal()), 0), 1) }
                    next.append((y, score(y)))
                }
            }
            next.sort { $0.1 > $1.1 }
            best = Array(next.prefix(8))
            step /= 2
        }
        return best[0].0
    }
}

/// ParEGO (Knowles 2006): each proposal scalarizes the normalized objectives with a random
/// augmented Chebyshev weighting, fits one GP to that, and maximizes expected improvement.
public struct ParEGO: Strategy {
    var rng: SeededGenerator
    var initial: SobolSearch
    public init(seed: UInt64) {
        rng = SeededGenerator(seed: seed)
        initial = SobolSearch(seed: seed)
    }
    public var name: String { "parego" }

    public mutating func propose(after history: [Observation], dimensions: Int) -> [Double] {
        guard history.count >= 2 * (dimensions + 1) else { return initial.propose(after: history, dimensions: dimensions) }
        let m = history[0].objectives.count
        let lo = (0..<m).map { k in history.map { $0.objectives[k] }.min()! }
        let hi = (0..<m).map { k in history.map { $0.objectives[k] }.max()! }
        var weights = (0..<m).map { _ in -log(max(rng.nextDouble(), 1e-12)) }
        let total = weights.reduce(0, +)
        weights = weights.map { $0 / total }
        let scalar = history.map { o -> Double in
            let f = (0..<m).map { (o.objectives[$0] - lo[$0]) / max(hi[$0] - lo[$0], 1e-12) }
            return zip(weights, f).map { $0 * $1 }.max()! + 0.05 * zip(weights, f).reduce(0) { $0 + $1.0 * $1.1 }
        }
        let gp = GaussianProcess(x: history.map(\.x), y: scalar)
        let best = scalar.min()!
        let incumbents = history.indices.sorted { scalar[$0] < scalar[$1] }.prefix(4).map { history[$0].x }
        return Acquisition.maximize(dimensions: dimensions, incumbents: incumbents, rng: &rng) { x in
            let p = gp.predict(x)
            return Acquisition.expectedImprovement(mean: p.mean, variance: p.variance, best: best)
        }
    }
}

/// Multi-objective BO with one GP per objective and Monte-Carlo expected hypervolume
/// improvement (fixed base samples, so proposals are deterministic for a seed).
public struct ExpectedHypervolumeSearch: Strategy {
    var rng: SeededGenerator
    var initial: SobolSearch
    /// Proposes when EHVI is zero everywhere it looked (no candidate expected to beat the front
    /// within the reference box), which early on is common with a tight reference.
    var fallback: ParEGO
    let samples: Int
    let reference: [Double]?

    /// `reference`: the hypervolume reference (e.g. from budgets); nil: the worst observed value
    /// per objective plus 10% of its range, recomputed each proposal (documented, never zero).
    public init(seed: UInt64, reference: [Double]? = nil, samples: Int = 32) {
        rng = SeededGenerator(seed: seed)
        initial = SobolSearch(seed: seed)
        fallback = ParEGO(seed: seed &+ 1)
        self.samples = samples
        self.reference = reference
    }
    public var name: String { "mobo" }

    public mutating func propose(after history: [Observation], dimensions: Int) -> [Double] {
        guard history.count >= 2 * (dimensions + 1) else { return initial.propose(after: history, dimensions: dimensions) }
        let ehvi = ExpectedHypervolumeImprovement(history, reference: reference, samples: samples, seed: rng.next())
        let incumbents = Pareto.front(history.map(\.objectives)).prefix(8).map { history[$0].x }
        let x = Acquisition.maximize(dimensions: dimensions, incumbents: incumbents, rng: &rng, candidates: 256) { ehvi($0) }
        return ehvi(x) > 0 ? x : fallback.propose(after: history, dimensions: dimensions)
    }
}

/// Monte-Carlo expected hypervolume improvement over the observed front, from one GP per
/// objective and fixed base samples (deterministic for a seed).
public struct ExpectedHypervolumeImprovement {
    let models: [GaussianProcess]
    let front: [[Double]]
    let reference: [Double]
    let base: Double
    let draws: [[Double]]

    /// `reference` nil: the worst observed value per objective plus 10% of its range (documented,
    /// never zero).
    public init(_ history: [Observation], reference: [Double]?, samples: Int, seed: UInt64) {
        let m = history[0].objectives.count
        self.reference = reference ?? (0..<m).map { k in
            let values = history.map { $0.objectives[k] }
            return values.max()! + 0.1 * max(values.max()! - values.min()!, 1e-9)
        }
        models = (0..<m).map { k in GaussianProcess(x: history.map(\.x), y: history.map { $0.objectives[k] }) }
        front = Pareto.front(history.map(\.objectives)).map { history[$0].objectives }
        base = Hypervolume.of(front, reference: self.reference)
        var normal = SeededGenerator(seed: seed)
        draws = (0..<samples).map { _ in (0..<m).map { _ in Double(normal.nextNormal()) } }
    }

    public func callAsFunction(_ x: [Double]) -> Double {
        let predictions = models.map { $0.predict(x) }
        var gain = 0.0
        for z in draws {
            let y = predictions.indices.map { predictions[$0].mean + predictions[$0].variance.squareRoot() * z[$0] }
            if zip(y, reference).allSatisfy({ $0 < $1 }), !front.contains(where: { Pareto.dominates($0, y) }) {
                gain += Hypervolume.of(front + [y], reference: reference) - base
            }
        }
        return gain / Double(draws.count)
    }
}
