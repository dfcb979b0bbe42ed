import Foundation
import NasCore

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
public struct ParEGO: BelievingStrategy {
    var rng: SeededGenerator
    var initial: SobolSearch
    public init(seed: UInt64) {
        rng = SeededGenerator(seed: seed)
        initial = SobolSearch(seed: seed)
    }
    public var name: String { "parego" }

    public mutating func propose(after history: [Observation], believing pending: [[Double]], in domain: SearchDomain) -> [Double] {
        let successes = history.successful
        guard !domain.inInitialDesign(history, pending: pending) else { return initial.propose(after: history, in: domain) }
        let chebyshev = ChebyshevScalarization(randomWeightsFor: successes.map(\.objectives), rng: &rng)
        let scalar = successes.map { chebyshev($0.objectives) }
        let gp = GaussianProcess(x: successes.map(\.x), y: scalar).believing(pending)
        let success = SuccessModel(history)?.believing(pending)
        // A pending point is believed to score the model's mean there: it may be the best.
        let best = (scalar + pending.map { gp.predict($0).mean }).min()!
        let incumbents = successes.indices.sorted { scalar[$0] < scalar[$1] }.prefix(4).map { successes[$0].x }
        return Acquisition.maximize(in: domain, incumbents: incumbents, anchors: history.map(\.x), rng: &rng) { x in
            let p = gp.predict(x)
            let feasibility = success?.probability(x) ?? 1
            return feasibility * Acquisition.expectedImprovement(mean: p.mean, variance: p.variance, best: best)
        }.x
    }
}

/// The augmented Chebyshev scalarization of ParEGO (Knowles 2006): objectives normalized to
/// [0, 1] by their observed range, then max_k w_k f_k + 0.05 Σ_k w_k f_k, minimized. Every point
/// of a Pareto front minimizes it for some weights, so drawing weights at random per proposal
/// spreads a single-objective search over the front (ParEGO, TuRBO, ARS-MOBO's rewards).
///
/// With a hypervolume `reference` (ours, for ARS-MOBO and TuRBO): each objective is normalized
/// from its best observed value to the reference instead, and every normalized unit beyond the
/// reference adds 1 unweighted. Without it, a small random weight on accuracy makes the
/// cheapest, chance-level network the scalarized optimum, though it adds no hypervolume.
public struct ChebyshevScalarization: Sendable {
    public let weights: [Double]
    let lower: [Double]
    let range: [Double]
    /// Per objective, the normalized value past which a point leaves the reference box (nil:
    /// no reference, no penalty).
    let limit: [Double]?
    /// The weight of the linear term: keeps weakly dominated points from tying with dominating ones.
    static let augmentation = 0.05
    /// How far the ideal point lies below the best observed value, in normalized units (0: at it).
    let utopia: Double

    /// `observed` (non-empty) sets the normalization: per objective its lowest and highest value
    /// (or the reference, where it lies above the lowest).
    ///
    /// `utopia` > 0 measures from a utopian point, that far below the best observed value of
    /// every objective (in normalized units), instead of from the best observed values. A
    /// weighted Chebyshev scalarization reaches every Pareto-optimal point for some weights only
    /// from a utopian point: from the observed best, a point beyond the front's end in one
    /// objective has a normalized value below 0 there, the max is taken by the other objective,
    /// which got worse, so no weights make such a point the optimum and the front cannot grow
    /// past its observed ends (only the small augmentation term pulls that way).
    public init(weights: [Double], observed: [[Double]], reference: [Double]? = nil, utopia: Double = 0) {
        let m = weights.count
        self.weights = weights
        self.utopia = utopia
        let lower = (0..<m).map { k in observed.map { $0[k] }.min()! }
        self.lower = lower
        let range = (0..<m).map { k -> Double in
            if let reference, reference[k] > lower[k] { return reference[k] - lower[k] }
            return max(observed.map { $0[k] }.max()! - lower[k], 1e-12)
        }
        self.range = range
        limit = reference.map { r in (0..<m).map { k in (r[k] - lower[k]) / range[k] } }
    }

    /// Weights drawn uniformly from the simplex (normalized exponential draws).
    public init(randomWeightsFor observed: [[Double]], reference: [Double]? = nil, utopia: Double = 0,
                rng: inout SeededGenerator) {
        var weights = (0..<observed[0].count).map { _ in -log(max(rng.nextDouble(), 1e-12)) }
        let total = weights.reduce(0, +)
        weights = weights.map { $0 / total }
        self.init(weights: weights, observed: observed, reference: reference, utopia: utopia)
    }

    public func callAsFunction(_ y: [Double]) -> Double {
        var largest = -Double.infinity, sum = 0.0, outside = 0.0
        for k in weights.indices {
            let f = (y[k] - lower[k]) / range[k]
            let term = weights[k] * (f + utopia)
            largest = max(largest, term)
            sum += term
            if let limit, f > limit[k] { outside += f - limit[k] }
        }
        return largest + Self.augmentation * sum + outside
    }
}

/// Multi-objective BO with one GP per learned objective (exact values for analytic ones) and
/// Monte-Carlo expected hypervolume improvement times the probability of feasibility; `noisy`
/// uses the noisy variant (see `ExpectedHypervolumeImprovement`).
public struct ExpectedHypervolumeSearch: BelievingStrategy {
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

    public mutating func propose(after history: [Observation], believing pending: [[Double]], in domain: SearchDomain) -> [Double] {
        let successes = history.successful
        guard !domain.inInitialDesign(history, pending: pending) else { return initial.propose(after: history, in: domain) }
        // Believed pending points join the front the improvement is measured against; the
        // reference stays the real observations' (a fantasy is no evidence of the range).
        let surrogates = Surrogates(history, in: domain).believing(pending)
        let ehvi = ExpectedHypervolumeImprovement(history + surrogates.fantasies(at: pending), in: domain, surrogates: surrogates,
                                                  reference: domain.reference(for: successes), samples: samples, seed: rng.next(), noisy: noisy)
        let incumbents = Pareto.front(successes.map(\.objectives)).prefix(8).map { successes[$0].x }
        let best = Acquisition.maximize(in: domain, incumbents: incumbents, anchors: history.map(\.x), rng: &rng, candidates: 256) { ehvi($0) }
        return best.score > 0 ? best.x : fallback.propose(after: history, believing: pending, in: domain)
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
    /// `reference`: the hypervolume's reference point (nil: the domain's for `history`).
    public init(_ history: [Observation], in domain: SearchDomain, surrogates: Surrogates? = nil, reference: [Double]? = nil,
                samples: Int, seed: UInt64, noisy: Bool = false) {
        self.surrogates = surrogates ?? Surrogates(history, in: domain)
        let successes = history.successful
        let m = self.surrogates.objectiveCount
        self.reference = reference ?? domain.reference(for: successes)
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
