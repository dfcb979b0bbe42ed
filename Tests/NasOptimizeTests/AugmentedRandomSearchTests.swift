import NasCore
import XCTest
@testable import NasOptimize

final class AugmentedRandomSearchTests: XCTestCase {
    /// A contextual task: for each of a fixed set of states, the action should match a hidden
    /// linear map of it; the reward is minus the squared error over the set. ARS must learn it,
    /// V2 also when the states are badly scaled.
    func learn(normalize: Bool, scales: [Double]) -> (first: Double, last: Double) {
        var rng = SeededGenerator(seed: 1)
        let states: [[Double]] = (0..<12).map { _ in scales.map { scale in scale * rng.nextDouble() * 2 - scale } }
        let hidden: [Double] = [0.8, -0.5, 0.3, 0.2, 0.6, -0.9]  // 2 actions x 3 state coordinates
        var settings = AugmentedRandomSearch.Settings()
        settings.normalizeStates = normalize
        settings.stepSize = 0.05
        var ars = AugmentedRandomSearch(stateDimension: 3, actionDimension: 2, settings: settings, seed: 4)
        func reward(_ policy: AugmentedRandomSearch.Policy) -> (reward: Double, states: [[Double]]) {
            var error = 0.0
            for s in states {
                let a = policy.act(s)
                for k in 0..<2 {
                    var target = 0.0
                    for j in 0..<3 { target += hidden[k * 3 + j] * s[j] / scales[j] }
                    let e = a[k] - target
                    error += e * e
                }
            }
            return (-error, states)
        }
        let first = reward(ars.policy()).reward
        for _ in 0..<300 { ars.step(reward) }
        return (first, reward(ars.policy()).reward)
    }

    func testV1LearnsAWellScaledTask() {
        let (first, last) = learn(normalize: false, scales: [1, 1, 1])
        XCTAssertGreaterThan(last, first * 0.05, "error falls by more than 95%: \(first) -> \(last)")
    }

    func testV2LearnsABadlyScaledTask() {
        let (first, last) = learn(normalize: true, scales: [100, 0.01, 1])
        XCTAssertGreaterThan(last, first * 0.1, "\(first) -> \(last)")
    }

    func testSameSeedSameWeights() {
        var a = AugmentedRandomSearch(stateDimension: 2, actionDimension: 1, seed: 9)
        var b = AugmentedRandomSearch(stateDimension: 2, actionDimension: 1, seed: 9)
        let rollout = { (p: AugmentedRandomSearch.Policy) in (reward: -abs(p.weights[0] - 1) - abs(p.weights[1] + 2), states: [[1.0, 2.0]]) }
        for _ in 0..<20 {
            a.step(rollout)
            b.step(rollout)
        }
        XCTAssertEqual(a.weights, b.weights)
    }
}
