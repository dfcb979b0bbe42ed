import Foundation
import NasData

/// ARS-MOBO, after our reading of Deutel et al. (see docs/method.md): after a Sobol design, one
/// GP per objective; an ensemble of ARS agents whose linear policies map each decision's
/// description (for a network: a layer's features; here: which input it is) to that decision's
/// action; a rollout applies a policy to every decision to form a candidate, rewarded by the
/// candidate's expected hypervolume improvement. Agents compete: the best candidate any agent
/// produced is evaluated, and the weakest agent restarts from the best agent's policy.
public struct ARSMOBO: Strategy {
    public let agentCount: Int
    public let stepsPerProposal: Int
    let samples: Int
    var rng: SeededGenerator
    var initial: SobolSearch
    /// Proposes when EHVI is zero everywhere the agents and the uniform points looked.
    var fallback: ParEGO
    var agents: [AugmentedRandomSearch] = []

    public init(seed: UInt64, agents: Int = 4, stepsPerProposal: Int = 4, samples: Int = 16) {
        rng = SeededGenerator(seed: seed)
        initial = SobolSearch(seed: seed)
        fallback = ParEGO(seed: seed &+ 1)
        agentCount = max(1, agents)
        self.stepsPerProposal = max(1, stepsPerProposal)
        self.samples = samples
    }

    public var name: String { "ars_mobo" }

    /// Decision i's description: a one-hot of its index plus a bias, so a linear policy can set
    /// every decision independently (network searches describe layers instead).
    static func states(_ dimensions: Int) -> [[Double]] {
        (0..<dimensions).map { i in (0..<dimensions).map { $0 == i ? 1 : 0 } + [1] }
    }

    static func candidate(_ policy: AugmentedRandomSearch.Policy, states: [[Double]]) -> [Double] {
        states.map { 1 / (1 + exp(-policy.act($0)[0])) }
    }

    public mutating func propose(after history: [Observation], in domain: SearchDomain) -> [Double] {
        let dimensions = domain.dimensions
        guard history.count >= domain.initialDesign, history.successful.count >= 2 else { return initial.propose(after: history, in: domain) }
        let anchors = history.map(\.x)
        let states = Self.states(dimensions)
        if agents.isEmpty {
            var settings = AugmentedRandomSearch.Settings()
            settings.normalizeStates = false  // one-hot states need none
            settings.stepSize = 0.5
            settings.noise = 0.5
            settings.directions = 4
            settings.top = 2
            agents = (0..<agentCount).map { _ in
                var agent = AugmentedRandomSearch(stateDimension: dimensions + 1, actionDimension: 1, settings: settings, seed: rng.next())
                // Start each agent at a random point of the space: logit of a uniform draw per decision.
                agent.weights = (0..<dimensions).map { _ in
                    let u = min(max(rng.nextDouble(), 0.02), 0.98)
                    return log(u / (1 - u))
                } + [0]
                return agent
            }
        }
        let ehvi = ExpectedHypervolumeImprovement(history, in: domain, samples: samples, seed: rng.next())
        // Rollouts repair infeasible candidates (bisection towards the nearest feasible past
        // point), so an agent is rewarded for the feasible point its policy leads to.
        var repairRNG = SeededGenerator(seed: rng.next())
        func rollout(_ policy: AugmentedRandomSearch.Policy) -> [Double] {
            domain.repair(Self.candidate(policy, states: states), anchors: anchors, rng: &repairRNG)
        }
        var best = (score: -Double.infinity, x: [Double](), agent: 0)
        var agentBest = [Double](repeating: -.infinity, count: agents.count)
        for index in agents.indices {
            for _ in 0..<stepsPerProposal {
                let result = agents[index].step { policy in
                    let x = rollout(policy)
                    return (domain.feasible(x) ? ehvi(x) : 0, states)
                }
                agentBest[index] = max(agentBest[index], result.reward)
                if result.reward > best.score {
                    best = (result.reward, rollout(result.policy), index)
                }
            }
        }
        // A few uniform points compete too: when the acquisition is flat where the agents are
        // (common once they converge), they keep the search from re-proposing the same point.
        for _ in 0..<64 {
            let x = (0..<dimensions).map { _ in rng.nextDouble() }
            guard domain.feasible(x) else { continue }
            let score = ehvi(x)
            if score > best.score { best = (score, x, best.agent) }
        }
        // Competition: the weakest agent restarts near the strongest one's policy.
        if let weakest = agentBest.indices.min(by: { agentBest[$0] < agentBest[$1] }), weakest != best.agent {
            agents[weakest].weights = agents[best.agent].weights.map { $0 + 0.3 * Double(rng.nextNormal()) }
        }
        return best.score > 0 ? best.x : fallback.propose(after: history, in: domain)
    }
}
