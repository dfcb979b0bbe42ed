import NasCore

/// Augmented Random Search (Mania, Guy & Recht 2018): trains a linear policy a = M s by
/// finite differences along random directions. V1 uses raw states; V2 normalizes states by
/// their running mean and standard deviation. Each step evaluates `directions` antithetic pairs
/// M ± ν δ, keeps the `top` directions whose better reward is highest, and moves M by
/// α / (top · σ_R) Σ (r+ − r−) δ, σ_R being the standard deviation of the kept rewards.
/// ARS-MOBO's agents are instances of this, with rollouts scored by an acquisition function.
public struct AugmentedRandomSearch: Sendable {
    public struct Settings: Sendable, Equatable {
        public var stepSize = 0.02
        public var noise = 0.03
        public var directions = 8
        public var top = 4
        public var normalizeStates = true  // V2; false: V1
        public init() {}
    }

    /// Running mean and variance of every state coordinate seen (Welford), for V2.
    public struct StateNormalizer: Sendable, Equatable {
        var count = 0.0
        var mean: [Double]
        var m2: [Double]

        init(dimension: Int) {
            mean = .init(repeating: 0, count: dimension)
            m2 = .init(repeating: 0, count: dimension)
        }

        mutating func observe(_ state: [Double]) {
            count += 1
            for i in state.indices {
                let delta = state[i] - mean[i]
                mean[i] += delta / count
                m2[i] += delta * (state[i] - mean[i])
            }
        }

        func normalize(_ state: [Double]) -> [Double] {
            state.indices.map { i in
                let variance = count > 1 ? m2[i] / (count - 1) : 1
                return (state[i] - mean[i]) / (variance > 1e-12 ? variance.squareRoot() : 1)
            }
        }
    }

    public let stateDimension: Int
    public let actionDimension: Int
    public var settings: Settings
    /// Row-major actionDimension x stateDimension.
    public var weights: [Double]
    public private(set) var normalizer: StateNormalizer
    var rng: SeededGenerator

    public init(stateDimension: Int, actionDimension: Int, settings: Settings = Settings(), seed: UInt64) {
        self.stateDimension = stateDimension
        self.actionDimension = actionDimension
        self.settings = settings
        weights = .init(repeating: 0, count: stateDimension * actionDimension)
        normalizer = StateNormalizer(dimension: stateDimension)
        rng = SeededGenerator(seed: seed)
    }

    /// A linear policy a = M s' (s' the normalized state under V2): what a rollout runs.
    public struct Policy: Sendable {
        public let weights: [Double]
        let stateDimension: Int
        let actionDimension: Int
        let normalizer: StateNormalizer?

        public func act(_ state: [Double]) -> [Double] {
            let s = normalizer?.normalize(state) ?? state
            return (0..<actionDimension).map { a in
                var sum = 0.0
                for j in 0..<stateDimension { sum += weights[a * stateDimension + j] * s[j] }
                return sum
            }
        }
    }

    /// The policy with weights `m` (default: the current ones) and the current normalization.
    public func policy(_ m: [Double]? = nil) -> Policy {
        Policy(weights: m ?? weights, stateDimension: stateDimension, actionDimension: actionDimension,
               normalizer: settings.normalizeStates ? normalizer : nil)
    }

    /// One ARS update. `rollout` runs a policy and returns its reward and the states it visited.
    /// Returns the best reward seen in this step and the policy that got it.
    @discardableResult
    public mutating func step(_ rollout: (Policy) -> (reward: Double, states: [[Double]])) -> (reward: Double, policy: Policy) {
        let n = weights.count
        var results: [(plus: Double, minus: Double, delta: [Double])] = []
        var visited: [[Double]] = []
        var best = (reward: -Double.infinity, policy: policy())
        for _ in 0..<max(1, settings.directions) {
            let delta = (0..<n).map { _ in Double(rng.nextNormal()) }
            let plusWeights = zip(weights, delta).map { $0 + settings.noise * $1 }
            let minusWeights = zip(weights, delta).map { $0 - settings.noise * $1 }
            let plusPolicy = policy(plusWeights), minusPolicy = policy(minusWeights)
            let plus = rollout(plusPolicy), minus = rollout(minusPolicy)
            visited += plus.states + minus.states
            results.append((plus.reward, minus.reward, delta))
            if plus.reward > best.reward { best = (plus.reward, plusPolicy) }
            if minus.reward > best.reward { best = (minus.reward, minusPolicy) }
        }
        let kept = results.sorted { max($0.plus, $0.minus) > max($1.plus, $1.minus) }.prefix(max(1, min(settings.top, results.count)))
        let rewards = kept.flatMap { [$0.plus, $0.minus] }
        let mean = rewards.reduce(0, +) / Double(rewards.count)
        let sigma = (rewards.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(rewards.count)).squareRoot()
        if sigma > 1e-12 {
            let scale = settings.stepSize / (Double(kept.count) * sigma)
            for direction in kept {
                let difference = direction.plus - direction.minus
                for i in 0..<n { weights[i] += scale * difference * direction.delta[i] }
            }
        }
        if settings.normalizeStates { for state in visited { normalizer.observe(state) } }
        return best
    }
}
