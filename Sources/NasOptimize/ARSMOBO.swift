import Foundation
import NasCore

/// ARS-MOBOpt, the algorithm of Deutel, Kontes, Mutschler, Teich, "Combining Multi-Objective
/// Bayesian Optimization with Reinforcement Learning for TinyML" (ACM TELO 2025), as the
/// authors' poster and slides give it (docs/method.md has the formulation, sources and our
/// choices): BO whose acquisition is optimized by competing local RL policies trained on the
/// surrogates with Augmented Random Search.
///
/// Per proposal, after the Sobol design: fit the surrogates (a GP per learned objective, exact
/// analytic costs, a success model once trials failed); draw Chebyshev weights; cluster the
/// observed Pareto front (in the search space) into L groups; from each centre, train a linear
/// policy a = Θ [x, 1] with ARS for I steps, each rollout moving the point H times by
/// δ tanh(a) on the GP posteriors and collecting the Monte-Carlo expected improvement of the
/// scalarized objectives at every point it visits; each trained policy then rolls out once
/// deterministically, and the best point any of them visited (by that acquisition) is evaluated.
/// Points over the known budget earn no reward and are never proposed.
public struct ARSMOBO: Strategy {
    public struct Settings: Sendable, Equatable {
        /// L: policies, one per cluster of the Pareto front (fewer while the front is smaller).
        public var policies = 4
        /// I: ARS steps each policy is trained for, per proposal.
        public var iterations = 8
        /// N: random directions per ARS step (2N rollouts), and K: how many of them update Θ.
        public var directions = 8
        public var top = 4
        /// α: ARS step size; ν: the scale of the exploration noise on Θ.
        public var stepSize = 0.1
        public var noise = 0.2
        /// H: moves per rollout.
        public var horizon = 6
        /// δ: the largest move per coordinate in one step, in the unit cube.
        public var moveLength = 0.1
        /// Monte-Carlo samples of the expected improvement (base samples fixed per proposal).
        public var samples = 32
        /// What a rollout earns: the sum of the acquisition over the points it visits (the RL
        /// return), or the best of them (the point a rollout proposes).
        public enum Reward: String, Sendable { case sum, best }
        public var reward = Reward.sum
        public init() {}
    }

    public let settings: Settings
    var rng: SeededGenerator
    var initial: SobolSearch

    public init(seed: UInt64, settings: Settings = Settings()) {
        rng = SeededGenerator(seed: seed)
        initial = SobolSearch(seed: seed)
        self.settings = settings
    }

    public var name: String { "ars_mobo" }

    public mutating func propose(after history: [Observation], in domain: SearchDomain) -> [Double] {
        let successes = history.successful
        guard history.count >= domain.initialDesign, successes.count >= 2 else { return initial.propose(after: history, in: domain) }
        let surrogates = Surrogates(history, in: domain)
        let chebyshev = ChebyshevScalarization(randomWeightsFor: successes.map(\.objectives), reference: domain.reference, rng: &rng)
        let acquisition = ScalarizedExpectedImprovement(history, in: domain, surrogates: surrogates, chebyshev: chebyshev,
                                                        samples: settings.samples, seed: rng.next())
        // Start points: the L-means centres of the observed front (its feasible part), each
        // pulled back into the budget when the mean of feasible points is not itself feasible.
        let feasible = successes.filter { domain.feasible($0.x) }
        let pool = feasible.isEmpty ? successes : feasible
        let front = Pareto.front(pool.map(\.objectives)).map { pool[$0].x }
        var repairRNG = SeededGenerator(seed: rng.next())
        let starts = KMeans.centres(of: front, count: max(1, settings.policies), rng: &rng)
            .map { domain.repair($0, anchors: front, rng: &repairRNG) }

        var ars = AugmentedRandomSearch.Settings()
        ars.normalizeStates = false  // V1: the state is a point of the unit cube already
        ars.stepSize = settings.stepSize
        ars.noise = settings.noise
        ars.directions = settings.directions
        ars.top = settings.top
        let evaluated = Set(history.map(\.x))
        var best: Candidate?  // the best point the deterministic rollouts visited
        var fallback: Candidate?  // the best point any training rollout visited
        for start in starts {
            var search = AugmentedRandomSearch(stateDimension: domain.dimensions + 1, actionDimension: domain.dimensions,
                                               settings: ars, seed: rng.next())
            for _ in 0..<settings.iterations {
                search.step { policy in
                    let r = rollout(policy, from: start, in: domain, acquisition: acquisition, excluding: evaluated)
                    if let c = r.best, fallback == nil || c.score > fallback!.score { fallback = c }
                    return (r.reward, [])
                }
            }
            if let c = rollout(search.policy(), from: start, in: domain, acquisition: acquisition, excluding: evaluated).best,
               best == nil || c.score > best!.score {
                best = c
            }
        }
        if let x = (best ?? fallback)?.x { return x }
        // Every rollout stayed on evaluated points or outside the budget: a uniform feasible point.
        var random = RandomSearch(seed: rng.next())
        return random.propose(after: history, in: domain)
    }

    struct Candidate {
        let x: [Double]
        let score: Double
    }

    /// H moves of `policy` from `start`: x ← clip(x + δ tanh(Θ [x, 1])), a move over the known
    /// budget cut back to the budget's edge. The reward is the sum of the acquisition over the
    /// points visited; `best` is the highest-scoring feasible visited point not already evaluated.
    func rollout(_ policy: AugmentedRandomSearch.Policy, from start: [Double], in domain: SearchDomain,
                 acquisition: ScalarizedExpectedImprovement, excluding evaluated: Set<[Double]>) -> (reward: Double, best: Candidate?) {
        var x = start, state = start + [1], previous = start
        var unused = SeededGenerator(seed: 0)  // repair draws only when it has no anchor
        var reward = 0.0
        var best: Candidate?
        for _ in 0..<settings.horizon {
            let action = policy.act(state)
            for i in x.indices {
                x[i] = min(max(x[i] + settings.moveLength * tanh(action[i]), 0), 1)
                state[i] = x[i]
            }
            if !domain.feasible(x) {
                // Over the budget: projected back onto the budget's edge, along the move from the
                // previous point (feasible, as the start is).
                guard domain.feasible(previous) else { continue }
                x = domain.repair(x, anchors: [previous], rng: &unused)
                for i in x.indices { state[i] = x[i] }
            }
            previous = x
            let score = acquisition(x)
            reward = settings.reward == .sum ? reward + score : max(reward, score)
            if !evaluated.contains(x), best == nil || score > best!.score { best = Candidate(x: x, score: score) }
        }
        return (reward, best)
    }
}

/// The rollout reward of ARS-MOBO: the expected improvement of a Chebyshev scalarization of the
/// objectives over the best scalarized observation, E[max(g* − g(y), 0)] with y drawn from the
/// surrogates' posteriors, estimated by Monte Carlo with the reparameterization trick
/// (y = μ + σ z, Wilson et al. 2017) on base samples z fixed per proposal, so every rollout is
/// scored against the same draws and ARS compares policies, not noise. Analytic objectives enter
/// exactly (σ = 0); the improvement is multiplied by the probability of feasibility.
struct ScalarizedExpectedImprovement {
    let surrogates: Surrogates
    let chebyshev: ChebyshevScalarization
    /// g*: the best scalarized value observed (within the budget when any trial is).
    let best: Double
    let draws: [[Double]]

    init(_ history: [Observation], in domain: SearchDomain, surrogates: Surrogates, chebyshev: ChebyshevScalarization,
         samples: Int, seed: UInt64) {
        self.surrogates = surrogates
        self.chebyshev = chebyshev
        let successes = history.successful
        let feasible = successes.filter { domain.feasible($0.x) }
        best = (feasible.isEmpty ? successes : feasible).map { chebyshev($0.objectives) }.min()!
        var normal = SeededGenerator(seed: seed)
        draws = (0..<max(1, samples)).map { _ in (0..<surrogates.objectiveCount).map { _ in Double(normal.nextNormal()) } }
    }

    func callAsFunction(_ x: [Double]) -> Double {
        let predictions = surrogates.predict(x)
        let sd = predictions.map { $0.variance.squareRoot() }
        var y = [Double](repeating: 0, count: predictions.count)
        var total = 0.0
        for z in draws {
            for k in y.indices { y[k] = predictions[k].mean + sd[k] * z[k] }
            total += max(best - chebyshev(y), 0)
        }
        guard total > 0 else { return 0 }
        return surrogates.feasibility(x) * total / Double(draws.count)
    }
}
