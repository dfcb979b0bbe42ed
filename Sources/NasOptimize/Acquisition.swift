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

    /// Maximizes `score` over the feasible part of the unit hypercube: random candidates, then
    /// Gaussian perturbations around the best candidates and the given incumbents, shrinking step
    /// by step. Infeasible points are never scored; when no candidate was feasible the result is
    /// the domain's repair of the best-looking incumbent or draw. Returns the point and its score.
    public static func maximize(in domain: SearchDomain, incumbents: [[Double]], anchors: [[Double]],
                                rng: inout SeededGenerator, candidates: Int = 512,
                                _ score: ([Double]) -> Double) -> (x: [Double], score: Double) {
        func scored(_ x: [Double]) -> ([Double], Double) { (x, domain.feasible(x) ? score(x) : -.infinity) }
        var pool: [([Double], Double)] = (0..<candidates).map { _ in scored((0..<domain.dimensions).map { _ in rng.nextDouble() }) }
        pool += incumbents.map(scored)
        pool.sort { $0.1 > $1.1 }
        var best = Array(pool.prefix(8))
        var step = 0.1
        for _ in 0..<4 {
            var next = best
            for (x, _) in best {
                for _ in 0..<16 {
                    next.append(scored(x.map { min(max($0 + step * Double(rng.nextNormal()), 0), 1) }))
                }
            }
            next.sort { $0.1 > $1.1 }
            best = Array(next.prefix(8))
            step /= 2
        }
        guard best[0].1 == -.infinity else { return (best[0].0, best[0].1) }
        let x = domain.repair(best[0].0, anchors: anchors, rng: &rng)
        return (x, domain.feasible(x) ? score(x) : -.infinity)
    }
}

/// ParEGO (Knowles 2006): each proposal scalarizes the normalized objectives with a random
/// augmented Chebyshev weighting, fits one GP to that, and maximizes expected improvement times
/// the probability of feasibility (when trials have failed).
public struct ParEGO: Strategy {
    var rng: SeededGenerator
    var initial: SobolSearch
    public init(seed: UInt64) {
        rng = SeededGenerator(seed: seed)
        initial = SobolSearch(seed: seed)
    }
    public var name: String { "parego" }

    public mutating func propose(after history: [Observation], in domain: SearchDomain) -> [Double] {
        let successes = history.successful
        guard history.count >= domain.initialDesign, successes.count >= 2 else { return initial.propose(after: history, in: domain) }
        let m = successes[0].objectives.count
        let lo = (0..<m).map { k in successes.map { $0.objectives[k] }.min()! }
        let hi = (0..<m).map { k in successes.map { $0.objectives[k] }.max()! }
        var weights = (0..<m).map { _ in -log(max(rng.nextDouble(), 1e-12)) }
        let total = weights.reduce(0, +)
        weights = weights.map { $0 / total }
        let scalar = successes.map { o -> Double in
            let f = (0..<m).map { (o.objectives[$0] - lo[$0]) / max(hi[$0] - lo[$0], 1e-12) }
            return zip(weights, f).map { $0 * $1 }.max()! + 0.05 * zip(weights, f).reduce(0) { $0 + $1.0 * $1.1 }
        }
        let gp = GaussianProcess(x: successes.map(\.x), y: scalar)
        let success = successes.count < history.count ? GaussianProcess(x: history.map(\.x), y: history.map { $0.failed ? 0 : 1 }) : nil
        let best = scalar.min()!
        let incumbents = successes.indices.sorted { scalar[$0] < scalar[$1] }.prefix(4).map { successes[$0].x }
        return Acquisition.maximize(in: domain, incumbents: incumbents, anchors: history.map(\.x), rng: &rng) { x in
            let p = gp.predict(x)
            let feasibility = success.map { s in
                let q = s.predict(x)
                return Acquisition.probabilityBelow(mean: -q.mean, variance: q.variance, limit: -0.5)
            } ?? 1
            return feasibility * Acquisition.expectedImprovement(mean: p.mean, variance: p.variance, best: best)
        }.x
    }
}

/// Multi-objective BO with one GP per learned objective (exact values for analytic ones) and
/// Monte-Carlo expected hypervolume improvement times the probability of feasibility; `noisy`
/// uses the noisy variant (see `ExpectedHypervolumeImprovement`).
public struct ExpectedHypervolumeSearch: Strategy {
    var rng: SeededGenerator
    var initial: SobolSearch
    /// Proposes when EHVI is zero everywhere it looked (no candidate expected to beat the front
    /// within the reference box), which early on is common with a tight reference.
    var fallback: ParEGO
    let samples: Int
    let noisy: Bool

    public init(seed: UInt64, samples: Int = 32, noisy: Bool = false) {
        rng = SeededGenerator(seed: seed)
        initial = SobolSearch(seed: seed)
        fallback = ParEGO(seed: seed &+ 1)
        self.samples = samples
        self.noisy = noisy
    }
    public var name: String { noisy ? "nehvi" : "mobo" }

    public mutating func propose(after history: [Observation], in domain: SearchDomain) -> [Double] {
        let successes = history.successful
        guard history.count >= domain.initialDesign, successes.count >= 2 else { return initial.propose(after: history, in: domain) }
        let ehvi = ExpectedHypervolumeImprovement(history, in: domain, samples: samples, seed: rng.next(), noisy: noisy)
        let incumbents = Pareto.front(successes.map(\.objectives)).prefix(8).map { successes[$0].x }
        let best = Acquisition.maximize(in: domain, incumbents: incumbents, anchors: history.map(\.x), rng: &rng, candidates: 256) { ehvi($0) }
        return best.score > 0 ? best.x : fallback.propose(after: history, in: domain)
    }
}

/// Monte-Carlo expected hypervolume improvement over the observed front, from `Surrogates`
/// (fixed base samples, so deterministic for a seed), times the probability of feasibility.
///
/// The noisy variant (after Daulton et al. 2021, "Parallel Bayesian optimization of multiple
/// noisy objectives with expected hypervolume improvement") does not trust the observed values:
/// trained accuracy varies with the seed, so a lucky trial would otherwise shield its
/// neighbourhood forever. Each Monte-Carlo draw samples the surrogates at the observed points
/// too, and the candidate's improvement is measured against that draw's front. The observed
/// points' draws use their posterior marginals (not the joint posterior), and are fixed per
/// acquisition, so a candidate costs what it costs in the plain variant.
public struct ExpectedHypervolumeImprovement {
    let surrogates: Surrogates
    let reference: [Double]
    /// What the draws improve on, prepared once for every candidate.
    let baseline: Baseline
    enum Baseline {
        /// Every draw improves on the observed front: one batch per candidate.
        case observed(HypervolumeImprovement)
        /// Noisy: each draw improves on its own sampled front.
        case perDraw([HypervolumeImprovement])
    }
    let draws: [[Double]]

    /// The domain's reference, or else the worst observed value per objective plus 10% of its range.
    /// `surrogates`: models already fitted to `history` (nil: fit them here).
    public init(_ history: [Observation], in domain: SearchDomain, surrogates: Surrogates? = nil, samples: Int, seed: UInt64,
                noisy: Bool = false) {
        self.surrogates = surrogates ?? Surrogates(history, in: domain)
        let successes = history.successful
        let m = self.surrogates.objectiveCount
        self.reference = domain.reference ?? (0..<m).map { k in
            let values = successes.map { $0.objectives[k] }
            return values.max()! + 0.1 * max(values.max()! - values.min()!, 1e-9)
        }
        var normal = SeededGenerator(seed: seed)
        draws = (0..<samples).map { _ in (0..<m).map { _ in Double(normal.nextNormal()) } }
        let reference = self.reference
        if noisy {
            // Points on the first two observed fronts: the others are very unlikely to reach a
            // sampled front, and leaving them out keeps the draws cheap.
            let layers = Pareto.fronts(successes.map(\.objectives)).prefix(2).flatMap { $0 }
            let models = self.surrogates
            let posteriors = layers.map { models.predict(successes[$0].x) }
            baseline = .perDraw((0..<samples).map { _ in
                let sampled = posteriors.map { p in p.map { $0.mean + $0.variance.squareRoot() * Double(normal.nextNormal()) } }
                let front = Pareto.front(sampled).map { sampled[$0] }
                return HypervolumeImprovement(front: front, reference: reference)
            })
        } else {
            let front = Pareto.front(successes.map(\.objectives)).map { successes[$0].objectives }
            baseline = .observed(HypervolumeImprovement(front: front, reference: reference))
        }
    }

    public func callAsFunction(_ x: [Double]) -> Double {
        let predictions = surrogates.predict(x)
        let ys = draws.map { z in predictions.indices.map { predictions[$0].mean + predictions[$0].variance.squareRoot() * z[$0] } }
        // Each draw's improvement is 0 outside the reference box or behind the front.
        let gains: [Double]
        switch baseline {
        case .observed(let improvement): gains = improvement(batch: ys)
        case .perDraw(let improvements): gains = zip(ys, improvements).map { y, improvement in improvement(y) }
        }
        let gain = gains.reduce(0, +)  // draw by draw, in order, as before batching
        guard gain > 0 else { return 0 }
        return surrogates.feasibility(x) * gain / Double(draws.count)
    }
}
