import Foundation
import NasCore

/// A trust region as TuRBO (Eriksson et al. 2019) keeps one: a box around a centre whose side is
/// `length` times a per-input factor (the GP's lengthscales, normalized to geometric mean 1),
/// clipped to the unit cube; it doubles after `successTolerance` proposals in a row that
/// improved and halves after `failureTolerance` in a row that did not. Below `minimumLength` the
/// region has collapsed and its owner restarts it. TuRBO-1 keeps one, MORBO several.
public struct TrustRegion: Sendable, Equatable {
    /// TuRBO's constants: initial 0.8, between 0.5⁷ and 1.6, three successes to double.
    public static let initialLength = 0.8, minimumLength = 0.0078125, maximumLength = 1.6  // 0.5⁷ the minimum
    public static let successTolerance = 3

    public var center: [Double]
    public var length = TrustRegion.initialLength
    public var successes = 0, failures = 0

    public init(center: [Double]) { self.center = center }

    /// TuRBO's failure tolerance for proposals of one point: ⌈max(4, d)⌉.
    public static func failureTolerance(dimensions: Int) -> Int { max(4, dimensions) }

    public var collapsed: Bool { length < Self.minimumLength }

    /// Counts the outcome of a proposal from this region and resizes it.
    public mutating func record(improved: Bool, dimensions: Int) {
        if improved {
            successes += 1
            failures = 0
        } else {
            failures += 1
            successes = 0
        }
        if successes >= Self.successTolerance {
            length = min(2 * length, Self.maximumLength)
            successes = 0
        } else if failures >= Self.failureTolerance(dimensions: dimensions) {
            length /= 2
            failures = 0
        }
    }

    /// `count` uniform points of the box (side `length` × `weights[i]` per input; weights empty:
    /// all 1), clipped to the unit cube.
    public func candidates(_ count: Int, weights: [Double], rng: inout SeededGenerator) -> [[Double]] {
        let bounds = center.indices.map { i -> (Double, Double) in
            let half = 0.5 * length * (weights.isEmpty ? 1 : weights[i])
            return (max(center[i] - half, 0), min(center[i] + half, 1))
        }
        return (0..<count).map { _ in bounds.map { lo, hi in lo + (hi - lo) * rng.nextDouble() } }
    }

    /// `values` divided by their geometric mean (TuRBO's lengthscale weighting).
    static func normalized(_ values: [Double]) -> [Double] {
        guard !values.isEmpty else { return [] }
        let mean = exp(values.reduce(0) { $0 + log(max($1, 1e-12)) } / Double(values.count))
        return values.map { $0 / mean }
    }
}

/// Thompson sampling's pick among trust-region candidates: the feasible candidates (known
/// budget), and of those the ones the success model does not expect to fail (all of them when
/// it expects every one to fail).
enum CandidateFilter {
    static func admissible(_ points: [[Double]], in domain: SearchDomain, success: SuccessModel?) -> [[Double]] {
        let feasible = points.filter(domain.feasible)
        guard let success, !feasible.isEmpty else { return feasible }
        let probabilities = feasible.map(success.probability)
        let likely = feasible.indices.filter { probabilities[$0] >= 0.5 }.map { feasible[$0] }
        return likely.isEmpty ? [feasible[probabilities.indices.max { probabilities[$0] < probabilities[$1] }!]] : likely
    }
}
