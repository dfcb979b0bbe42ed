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
public struct ARSMOBO: BelievingStrategy {
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
        /// Where a policy starts in its cluster of the Pareto front: the cluster's centre (its
        /// mean in the search space), or the cluster's member best under this proposal's
        /// scalarization, the incumbent the expected improvement is measured against.
        public enum Start: String, Sendable { case centre, incumbent }
        public var start = Start.centre
        /// How far below the best observed values the scalarization's ideal point lies, in
        /// normalized units (see `ChebyshevScalarization`; 0: at the observed best, where the
        /// front could not grow past its ends).
        public var utopia = 0.25
        /// Score points by the logarithm of a smoothed Monte-Carlo EI (Ament et al. 2023, the
        /// qLogEI of BoTorch) instead of the EI itself: see `ScalarizedExpectedImprovement.log`.
        public var logReward = false
        /// Keep each policy's Θ from one proposal to the next (the policy whose start lay nearest
        /// the new start hands its Θ on) instead of starting every policy at zero each proposal.
        public var persistent = false
        /// Where ARS trains a policy: from its cluster's centre only, or from the centre and every
        /// front point of its cluster (the states the policy meets), antithetic pairs sharing a start.
        public var trainOnCluster = false
        /// The Sobol design's size as a multiple of the domain's (`SearchDomain.initialDesign`).
        public var design = 1.0
        /// How the evaluated point is chosen among the L trained policies' proposals: by the
        /// scalarized EI that trained them (the paper's "best policy"), or by the noisy expected
        /// hypervolume improvement of the posterior (nehvi's acquisition, ours): every policy is
        /// trained under one weight vector, so its EI ranks the candidates along that one
        /// direction only, while the hypervolume improvement ranks them by what each adds to the
        /// whole front. Candidates no draw improves keep the EI's order behind the others.
        /// `observedHypervolume`: the same against the observed front (mobo's plain EHVI).
        public enum Choice: String, Sendable { case scalarized, hypervolume, observedHypervolume }
        public var choice = Choice.scalarized
        /// What a rollout point scores (ours, issue 12): the Monte-Carlo EI of the Chebyshev
        /// scalarization (the paper's), or the Monte-Carlo hypervolume improvement of the
        /// posterior draw over the observed feasible front, on the same base samples (the same
        /// seed draws the same normals), times the probability of feasibility: mobo's EHVI
        /// (`ExpectedHypervolumeImprovement`), scored at every point a rollout visits.
        /// With `.hypervolume` the weights only choose incumbent starts, and `logReward` is unused.
        public enum Score: String, Sendable { case scalarized, hypervolume }
        public var score = Score.scalarized
        /// Which Chebyshev weights score a policy's rollouts (ours, issue 12): one vector per
        /// proposal shared by all L policies (the paper's reading), or one per policy, drawn
        /// uniformly from the simplex from the seeded generator (the first policy keeps the
        /// proposal's vector). Policies under different weights are compared by their EI
        /// relative to their own incumbent, EI / g*: the expected fraction by which a point
        /// shortens the weighted Chebyshev distance from the utopian point to the best trial,
        /// a number without units whatever the weights (ARS is unchanged by the constant factor).
        public enum Weights: String, Sendable { case proposal, policy }
        public var weights = Weights.proposal
        public init() {}
    }

    public let settings: Settings
    var rng: SeededGenerator
    var initial: SobolSearch
    /// With `settings.persistent`: the start point and trained Θ of each policy of the last proposal.
    var trained: [(start: [Double], weights: [Double])] = []

    public init(seed: UInt64, settings: Settings = Settings()) {
        rng = SeededGenerator(seed: seed)
        initial = SobolSearch(seed: seed)
        self.settings = settings
    }

    public var name: String { "ars_mobo" }

    public mutating func propose(after history: [Observation], believing pending: [[Double]], in domain: SearchDomain) -> [Double] {
        guard let candidates = policyCandidates(after: history, believing: pending, excluding: Set(history.map(\.x) + pending), in: domain) else {
            return initial.propose(after: history, in: domain)
        }
        if let x = (candidates.best.first ?? candidates.fallback)?.x { return x }
        // Every rollout stayed on evaluated points or outside the budget: a uniform feasible point.
        var random = RandomSearch(seed: rng.next())
        return random.propose(after: history, in: domain)
    }

    /// A batch from one round of policy training: each of the L policies' best point (by the
    /// acquisition, best first, pending points excluded), as the paper's batch proposal for
    /// parallel workers, trained while the pending points are believed (see
    /// `BelievingStrategy`); when the front has fewer clusters than `count` or policies agree,
    /// the rest comes from the Kriging believer. Sobol points during the initial design.
    public mutating func proposeBatch(_ count: Int, after history: [Observation], pending: [[Double]], in domain: SearchDomain) -> [[Double]] {
        if count <= 1, pending.isEmpty { return count == 1 ? [propose(after: history, in: domain)] : [] }
        guard let candidates = policyCandidates(after: history, believing: pending, excluding: Set(history.map(\.x) + pending), in: domain) else {
            var sobol: [[Double]] = []
            while sobol.count < count { sobol.append(initial.propose(after: history, in: domain)) }
            return sobol
        }
        var chosen: [[Double]] = []
        for c in candidates.best where chosen.count < count && !chosen.contains(c.x) { chosen.append(c.x) }
        return krigingBelieverBatch(count, after: history, pending: pending, chosen: chosen, in: domain)
    }

    /// One round of ARS-MOBO: fit the surrogates, scalarize, start a policy from each centre of
    /// the front, train it with ARS on the acquisition and roll it out once deterministically.
    /// `best` holds each policy's best visited point not in `excluded`, highest score first
    /// (ties keep policy order); `fallback` the best point any training rollout visited. Nil
    /// during the initial design.
    /// `pending` points are believed: the surrogates are conditioned on their mean there and
    /// the believed points count as incumbents of the expected improvement.
    mutating func policyCandidates(after history: [Observation], believing pending: [[Double]] = [], excluding evaluated: Set<[Double]>,
                                   in domain: SearchDomain) -> (best: [Candidate], fallback: Candidate?)? {
        let successes = history.successful
        let designSize = max(2, Int((Double(domain.initialDesign) * settings.design).rounded()))
        guard !domain.inInitialDesign(history, pending: pending, size: designSize) else { return nil }
        let surrogates = Surrogates(history, in: domain).believing(pending)
        let chebyshev = ChebyshevScalarization(randomWeightsFor: successes.map(\.objectives), reference: domain.reference,
                                                utopia: settings.utopia, rng: &rng)
        let believed = history + surrogates.fantasies(at: pending)
        let acquisitionSeed = rng.next()
        let acquisition = ScalarizedExpectedImprovement(believed, in: domain, surrogates: surrogates, chebyshev: chebyshev,
                                                        samples: settings.samples, seed: acquisitionSeed)
        // With `score = .hypervolume`: the improvement over the feasible observed (and believed)
        // front, drawn on the same base samples as the scalarized EI (same seed, same order).
        let hypervolume = settings.score == .hypervolume
            ? ExpectedHypervolumeImprovement(believed.filter { $0.failed || domain.feasible($0.x) }, in: domain, surrogates: surrogates,
                                             reference: domain.reference(for: successes), samples: max(1, settings.samples),
                                             seed: acquisitionSeed)
            : nil
        // Start points: the L-means centres of the observed front (its feasible part), each
        // pulled back into the budget when the mean of feasible points is not itself feasible.
        let feasible = successes.filter { domain.feasible($0.x) }
        let pool = feasible.isEmpty ? successes : feasible
        let frontTrials = Pareto.front(pool.map(\.objectives)).map { pool[$0] }
        let front = frontTrials.map(\.x)
        var repairRNG = SeededGenerator(seed: rng.next())
        let centres = KMeans.centres(of: front, count: max(1, settings.policies), rng: &rng)
        // Each centre's cluster: the front points nearest to it (Lloyd's last assignment).
        let clusters: [[Observation]] = centres.indices.map { c in
            frontTrials.filter { t in centres.indices.min { KMeans.distance2(t.x, centres[$0]) < KMeans.distance2(t.x, centres[$1]) } == c }
        }
        // Each policy's scalarization and acquisition: the proposal's, or with `weights = .policy`
        // the first policy's is the proposal's and each other draws its own (same base samples).
        var scalarizations = [chebyshev], acquisitions = [acquisition]
        if settings.weights == .policy {
            for _ in centres.indices.dropFirst() {
                let own = ChebyshevScalarization(randomWeightsFor: successes.map(\.objectives), reference: domain.reference,
                                                 utopia: settings.utopia, rng: &rng)
                scalarizations.append(own)
                acquisitions.append(ScalarizedExpectedImprovement(believed, in: domain, surrogates: surrogates, chebyshev: own,
                                                                  samples: settings.samples, seed: acquisitionSeed))
            }
        }
        let scorers: [([Double]) -> Double] = centres.indices.map { c in
            if let hypervolume { return { hypervolume($0) } }
            let a = acquisitions[min(c, acquisitions.count - 1)]
            guard settings.weights == .policy else { return settings.logReward ? { a.log($0) } : { a($0) } }
            // EI / g*: comparable across the policies' weights (g* > 0 from a utopian point).
            let scale = max(a.best, 1e-12)
            return settings.logReward ? { a.log($0) - Foundation.log(scale) } : { a($0) / scale }
        }
        let starts: [[Double]] = centres.indices.map { c in
            let chebyshev = scalarizations[min(c, scalarizations.count - 1)]
            guard settings.start == .incumbent,
                  let incumbent = clusters[c].min(by: { chebyshev($0.objectives) < chebyshev($1.objectives) }) else {
                return domain.repair(centres[c], anchors: front, rng: &repairRNG)
            }
            return incumbent.x
        }

        var ars = AugmentedRandomSearch.Settings()
        ars.normalizeStates = false  // V1: the state is a point of the unit cube already
        ars.stepSize = settings.stepSize
        ars.noise = settings.noise
        ars.directions = settings.directions
        ars.top = settings.top
        var best: [Candidate] = []  // each policy's best point from its deterministic rollout
        var fallback: Candidate?  // the best point any training rollout visited
        var nowTrained: [(start: [Double], weights: [Double])] = []
        for (c, start) in starts.enumerated() {
            let score = scorers[c]
            var search = AugmentedRandomSearch(stateDimension: domain.dimensions + 1, actionDimension: domain.dimensions,
                                               settings: ars, seed: rng.next())
            if settings.persistent, let previous = trained.min(by: { KMeans.distance2($0.start, start) < KMeans.distance2($1.start, start) }),
               previous.weights.count == search.weights.count {
                search.weights = previous.weights
            }
            // Training states: the start, and with `trainOnCluster` its cluster's front points too.
            let states = settings.trainOnCluster ? [start] + clusters[c].map(\.x).filter { $0 != start } : [start]
            for _ in 0..<settings.iterations {
                var rolled = 0
                search.step { policy in
                    // Antithetic pairs (+, −) share a start: rollouts 2j and 2j + 1.
                    let from = states[(rolled / 2) % states.count]
                    rolled += 1
                    let r = rollout(policy, from: from, in: domain, score: score, excluding: evaluated)
                    if let c = r.best, fallback == nil || c.score > fallback!.score { fallback = c }
                    return (r.reward, [])
                }
            }
            nowTrained.append((start, search.weights))
            // The policy's candidate: the best point of its deterministic rollouts (one per state).
            var policyBest: Candidate?
            for from in states {
                if let c = rollout(search.policy(), from: from, in: domain, score: score, excluding: evaluated).best,
                   policyBest == nil || c.score > policyBest!.score {
                    policyBest = c
                }
            }
            if let policyBest { best.append(policyBest) }
        }
        if settings.persistent { trained = nowTrained }
        // Stable: equal scores keep policy order, so the first best is the one `propose` always took.
        var ranked = best.enumerated().sorted { $0.element.score > $1.element.score || ($0.element.score == $1.element.score && $0.offset < $1.offset) }
            .map(\.element)
        if settings.choice != .scalarized, ranked.count > 1 {
            let ehvi = ExpectedHypervolumeImprovement(believed, in: domain, surrogates: surrogates,
                                                      reference: domain.reference(for: successes), samples: settings.samples,
                                                      seed: rng.next(), noisy: settings.choice == .hypervolume)
            let gains = ranked.map { ehvi($0.x) }
            // Stable again: equal gains (0 where no draw improves) keep the EI's order.
            ranked = ranked.indices.sorted { gains[$0] > gains[$1] || (gains[$0] == gains[$1] && $0 < $1) }.map { ranked[$0] }
        }
        return (ranked, fallback)
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
        rollout(policy, from: start, in: domain, score: settings.logReward ? { acquisition.log($0) } : { acquisition($0) },
                excluding: evaluated)
    }

    /// The same with any point score (`score`: the log of an acquisition when `logReward`).
    func rollout(_ policy: AugmentedRandomSearch.Policy, from start: [Double], in domain: SearchDomain,
                 score acquire: ([Double]) -> Double, excluding evaluated: Set<[Double]>) -> (reward: Double, best: Candidate?) {
        let logReward = settings.logReward && settings.score == .scalarized
        var x = start, state = start + [1], previous = start
        var unused = SeededGenerator(seed: 0)  // repair draws only when it has no anchor
        // With log scores the return is log Σ EI (log-sum-exp of the points' log EI), from log 0.
        var reward = logReward ? -Double.infinity : 0.0
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
            let score = acquire(x)
            switch (settings.reward, logReward) {
            case (.sum, false): reward += score
            case (.sum, true): reward = Self.logAdd(reward, score)
            case (.best, _): reward = max(reward, score)
            }
            if !evaluated.contains(x), best == nil || score > best!.score { best = Candidate(x: x, score: score) }
        }
        // No point scored (every move left the budget from an infeasible start): the lowest
        // finite reward, so ARS's differences stay numbers.
        return (reward == -.infinity ? -Double.greatestFiniteMagnitude / 4 : reward, best)
    }

    /// log(e^a + e^b) without overflow.
    static func logAdd(_ a: Double, _ b: Double) -> Double {
        if a == -.infinity { return b }
        if b == -.infinity { return a }
        return max(a, b) + log1p(exp(-abs(a - b)))
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

    /// The temperature of the smoothed improvement, in scalarized units (BoTorch's qLogEI: 1e-6).
    static let temperature = 1e-6

    /// log of the Monte-Carlo EI with max(u, 0) replaced by τ softplus(u / τ), plus log P(feasible)
    /// (Ament, Daulton, Eriksson, Balandat, Bakshy, "Unexpected Improvements to Expected
    /// Improvement for Bayesian Optimization", NeurIPS 2023). Where no base sample improves, the
    /// plain estimate is exactly 0, so every such point ties and ARS sees no difference between
    /// a rollout that nearly improves and one far off; the smoothed log is finite everywhere,
    /// about log τ − (the smallest gap to g*) / τ there, and ranks points as the EI does where
    /// the EI is positive.
    func log(_ x: [Double]) -> Double {
        let predictions = surrogates.predict(x)
        let sd = predictions.map { $0.variance.squareRoot() }
        var y = [Double](repeating: 0, count: predictions.count)
        var total = -Double.infinity
        for z in draws {
            for k in y.indices { y[k] = predictions[k].mean + sd[k] * z[k] }
            let u = (best - chebyshev(y)) / Self.temperature
            // log softplus(u), stably: u > 30: log u; u < −30: u; else log(log1p(e^u)).
            let logSoftplus = u > 30 ? Foundation.log(u) : (u < -30 ? u : Foundation.log(log1p(exp(u))))
            total = ARSMOBO.logAdd(total, logSoftplus)
        }
        let feasibility = max(surrogates.feasibility(x), Double.leastNormalMagnitude)
        return Foundation.log(Self.temperature) - Foundation.log(Double(draws.count)) + total + Foundation.log(feasibility)
    }
}
