import Foundation
import NasCore

/// `ars_layers`: nasbook's earlier reading of ARS-MOBO, from the paper's abstract alone (before
/// the authors' pseudo-code was read; the paper's algorithm is `ARSMOBO`): multi-objective BO
/// whose acquisition is optimized by an ensemble of competing ARS agents with linear policies
/// over decision descriptors. Kept as a named strategy because it measures differently (see
/// docs/method.md).
///
/// Each agent is anchored at a point of the observed Pareto front and owns a linear policy
/// shared by every decision of a kind: decision i (kind k, layer features f_i) moves by
/// a_i = w_k · [f_i, 1] (+ a small per-decision term) in logit space, so a policy encodes
/// moves like "prune layers with many weights harder" and generalizes across layers instead of
/// searching every dimension separately. A rollout turns a policy into a candidate (repaired into
/// the known budget) and is rewarded on the surrogates: the hypervolume improvement of its
/// optimistic prediction, or, when that is dominated, minus its normalized distance to the
/// region that would improve the front (so rewards never go flat). Each proposal, every agent
/// takes a few ARS steps; the candidates the agents found are scored by Monte-Carlo EHVI times
/// the probability of feasibility, the best is evaluated, and the agents compete: the weakest
/// restarts from the strongest policy at a new anchor.
public struct LayerwiseARSMOBO: Strategy {
    public struct Settings: Sendable, Equatable {
        public var agents = 4
        public var stepsPerProposal = 6
        public var directions = 8
        public var top = 4
        public var stepSize = 0.3
        public var noise = 0.6
        /// Optimism of the rollout reward, μ − β σ per learned objective: agent k of K uses
        /// β k / (K − 1), so the ensemble spans exploitation to exploration and EHVI arbitrates.
        public var beta = 1.0
        /// Weight of the per-decision state coordinate (0: policies act only through descriptors).
        public var perDecision = 0.5
        /// Monte-Carlo samples of the EHVI that picks among the agents' candidates (0: the
        /// rollout reward picks).
        public var samples = 32
        /// Candidates (best by rollout reward) scored by EHVI per proposal.
        public var finalists = 16
        /// Trust region: how far (in the unit cube, per decision) an agent moves from its anchor,
        /// initially and at most; halved after `patience` proposals of the agent that did not
        /// improve the front, doubled after two that did (as TuRBO adapts its region).
        public var initialLength = 0.2, maximumLength = 0.8, minimumLength = 0.01
        public var patience = 3
        public init() {}
    }

    public let settings: Settings
    var rng: SeededGenerator
    var initial: SobolSearch
    var agents: [Agent] = []

    struct Agent {
        var search: AugmentedRandomSearch
        /// The front point the agent moves from.
        var anchor: [Double]
        var length: Double
        var successes = 0, failures = 0
    }
    /// The last proposal and the agent it came from, to credit it once it is evaluated.
    var last: (x: [Double], agent: Int)?

    public init(seed: UInt64, settings: Settings = Settings()) {
        rng = SeededGenerator(seed: seed)
        initial = SobolSearch(seed: seed)
        self.settings = settings
    }

    public var name: String { "ars_layers" }

    /// Decision i's state: its descriptor's features plus a bias, placed in the block of its
    /// decision kind (so each kind has its own linear policy), then a scaled one-hot of i.
    static func states(_ domain: SearchDomain, perDecision: Double) -> [[Double]] {
        var kinds: [String] = []
        for d in domain.descriptors where !kinds.contains(d.decision) { kinds.append(d.decision) }
        let width = (domain.descriptors.map(\.features.count).max() ?? 0) + 1
        // Features centered and scaled per coordinate over the domain, so one step size fits all.
        let columns = (0..<(width - 1)).map { j in domain.descriptors.map { j < $0.features.count ? $0.features[j] : 0 } }
        let scales = columns.map { c -> (Double, Double) in
            let mean = c.reduce(0, +) / Double(c.count)
            let sd = (c.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(c.count)).squareRoot()
            return (mean, sd > 1e-12 ? sd : 1)
        }
        return domain.descriptors.enumerated().map { i, d in
            var s = [Double](repeating: 0, count: kinds.count * width)
            let base = kinds.firstIndex(of: d.decision)! * width
            for j in 0..<(width - 1) where j < d.features.count { s[base + j] = (d.features[j] - scales[j].0) / scales[j].1 }
            s[base + width - 1] = 1
            if perDecision > 0 {
                var own = [Double](repeating: 0, count: domain.dimensions)
                own[i] = perDecision
                s += own
            }
            return s
        }
    }

    /// The anchor moved by the policy's actions, each squashed to at most `length`.
    static func candidate(_ policy: AugmentedRandomSearch.Policy, anchor: [Double], length: Double, states: [[Double]]) -> [Double] {
        states.indices.map { i in min(max(anchor[i] + length * tanh(policy.act(states[i])[0]), 0), 1) }
    }

    public mutating func propose(after history: [Observation], in domain: SearchDomain) -> [Double] {
        let successes = history.successful
        guard history.count >= domain.initialDesign, successes.count >= 2 else { return initial.propose(after: history, in: domain) }
        let states = Self.states(domain, perDecision: settings.perDecision)
        let reward = RolloutReward(history, in: domain)
        let front = Pareto.front(successes.map(\.objectives)).map { successes[$0] }
        // Anchors: front points inside the reference box (they carry the hypervolume); while
        // there are none, the few closest to entering it.
        let gaps = front.map { o in o.objectives.indices.map { (o.objectives[$0] - reward.reference[$0]) / reward.scale[$0] }.max()! }
        let inside = front.indices.filter { gaps[$0] < 0 }
        let bases = inside.isEmpty ? Array(front.indices.sorted { gaps[$0] < gaps[$1] }.prefix(3)) : inside
        func anchor() -> [Double] { front[bases[rng.nextInt(below: bases.count)]].x }
        if agents.isEmpty {
            var ars = AugmentedRandomSearch.Settings()
            ars.normalizeStates = false  // states are normalized above; V2's running statistics would drift between proposals
            ars.stepSize = settings.stepSize
            ars.noise = settings.noise
            ars.directions = settings.directions
            ars.top = settings.top
            agents = (0..<max(1, settings.agents)).map { _ in
                Agent(search: AugmentedRandomSearch(stateDimension: states[0].count, actionDimension: 1, settings: ars, seed: rng.next()),
                      anchor: anchor(), length: settings.initialLength)
            }
        } else {
            credit(history, reference: reward.reference)
            // The front moves: an agent whose anchor left the anchors re-anchors; one whose
            // region collapsed restarts at the initial length.
            let onFront = Set(bases.map { front[$0].x })
            for index in agents.indices where !onFront.contains(agents[index].anchor) || agents[index].length < settings.minimumLength {
                if agents[index].length < settings.minimumLength { agents[index].length = settings.initialLength }
                agents[index].anchor = anchor()
            }
        }
        var repairRNG = SeededGenerator(seed: rng.next())
        let anchors = history.map(\.x)
        var found: [(x: [Double], reward: Double, agent: Int)] = []
        var agentBest = [Double](repeating: -.infinity, count: agents.count)
        for index in agents.indices {
            let anchor = agents[index].anchor, length = agents[index].length
            let beta = agents.count > 1 ? settings.beta * Double(index) / Double(agents.count - 1) : settings.beta
            for _ in 0..<settings.stepsPerProposal {
                let step = agents[index].search.step { policy in
                    let x = domain.repair(Self.candidate(policy, anchor: anchor, length: length, states: states), anchors: anchors, rng: &repairRNG)
                    return (domain.feasible(x) ? reward(x, beta: beta) : -.greatestFiniteMagnitude, states)
                }
                agentBest[index] = max(agentBest[index], step.reward)
                let x = domain.repair(Self.candidate(step.policy, anchor: anchor, length: length, states: states), anchors: anchors, rng: &repairRNG)
                if domain.feasible(x) { found.append((x, step.reward, index)) }
            }
        }
        // The agents' best candidates compete on EHVI times the probability of feasibility.
        let finalists = found.sorted { $0.reward > $1.reward }.prefix(settings.finalists)
        let ehvi = settings.samples > 0 ? ExpectedHypervolumeImprovement(history, in: domain, surrogates: reward.surrogates, samples: settings.samples, seed: rng.next()) : nil
        var best: (x: [Double], score: Double, reward: Double, agent: Int)?
        for c in finalists where !history.contains(where: { $0.x == c.x }) {
            let score = ehvi?(c.x) ?? c.reward
            if best == nil || score > best!.score || (score == best!.score && c.reward > best!.reward) {
                best = (c.x, score, c.reward, c.agent)
            }
        }
        // Competition: the weakest agent takes the strongest one's policy at a fresh anchor.
        if let best, let weakest = agentBest.indices.min(by: { agentBest[$0] < agentBest[$1] }), weakest != best.agent {
            agents[weakest].search.weights = agents[best.agent].search.weights
            agents[weakest].length = agents[best.agent].length
            agents[weakest].anchor = anchor()
        }
        if let best {
            last = (best.x, best.agent)
            return best.x
        }
        // Nothing new turned up (every agent re-found evaluated points): a uniform feasible point.
        last = nil
        var random = RandomSearch(seed: rng.next())
        return random.propose(after: history, in: domain)
    }

    /// Widens the region of the agent whose last proposal added hypervolume, narrows it after
    /// `patience` proposals that did not.
    mutating func credit(_ history: [Observation], reference: [Double]) {
        guard let last, last.agent < agents.count, let newest = history.last, newest.x == last.x else { return }
        self.last = nil
        let before = Hypervolume.of(history.dropLast().successful.map(\.objectives), reference: reference)
        let after = newest.failed ? before : Hypervolume.of(history.successful.map(\.objectives), reference: reference)
        if after > before {
            agents[last.agent].successes += 1
            agents[last.agent].failures = 0
            if agents[last.agent].successes >= 2 {
                agents[last.agent].length = min(2 * agents[last.agent].length, settings.maximumLength)
                agents[last.agent].successes = 0
            }
        } else {
            agents[last.agent].failures += 1
            agents[last.agent].successes = 0
            if agents[last.agent].failures >= settings.patience {
                agents[last.agent].length /= 2
                agents[last.agent].failures = 0
            }
        }
    }
}

/// The reward of one rollout, on the surrogates: the hypervolume improvement of the optimistic
/// prediction (μ − β σ for learned objectives, exact values for analytic ones) over the observed
/// front, or, when that prediction improves nothing, minus the smallest uniform shift (in
/// objectives normalized by their observed range) that would make it improve the front.
struct RolloutReward {
    let surrogates: Surrogates
    let front: [[Double]]
    let reference: [Double]
    let base: Double
    let scale: [Double]

    init(_ history: [Observation], in domain: SearchDomain) {
        surrogates = Surrogates(history, in: domain)
        let successes = history.successful
        let m = surrogates.objectiveCount
        let values = (0..<m).map { k in successes.map { $0.objectives[k] } }
        let reference = domain.reference(for: successes)
        self.reference = reference
        front = Pareto.front(successes.map(\.objectives)).map { successes[$0].objectives }
        base = Hypervolume.of(front, reference: reference)
        scale = (0..<m).map { k in max(reference[k] - values[k].min()!, 1e-12) }
    }

    func callAsFunction(_ x: [Double], beta: Double) -> Double {
        let p = surrogates.predict(x)
        let y = p.map { $0.mean - beta * $0.variance.squareRoot() }
        // Shift needed to leave the dominated region and enter the reference box.
        var shift = y.indices.map { (y[$0] - reference[$0]) / scale[$0] }.max()!
        for f in front {
            let escape = y.indices.map { (y[$0] - f[$0]) / scale[$0] }.min()!
            shift = max(shift, escape)
        }
        let feasibility = surrogates.feasibility(x)
        if shift >= 0 { return -shift * feasibility - (1 - feasibility) }
        return feasibility * (Hypervolume.of(front + [y], reference: reference) - base)
    }
}
