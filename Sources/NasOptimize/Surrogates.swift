import Foundation
import NasCore

/// The models a model-based strategy scores candidates with: one GP per learned objective (exact
/// values for the domain's analytic objectives instead) and, once some trial has failed, a
/// probability of feasibility for that unknown constraint.
public struct Surrogates {
    /// Per objective: a GP, or nil where the domain computes the objective exactly.
    let models: [GaussianProcess?]
    let analytic: (@Sendable ([Double]) -> [Double?])?
    /// nil while no trial has failed.
    let success: SuccessModel?
    public let objectiveCount: Int

    /// `history` must contain at least one successful trial.
    public init(_ history: [Observation], in domain: SearchDomain) {
        let successes = history.successful
        precondition(!successes.isEmpty, "surrogates need a successful trial")
        let m = successes[0].objectives.count
        objectiveCount = m
        analytic = domain.analyticObjectives
        let known = domain.analyticObjectives?(successes[0].x).map { $0 != nil } ?? .init(repeating: false, count: m)
        models = (0..<m).map { k in
            k < known.count && known[k] ? nil : GaussianProcess(x: successes.map(\.x), y: successes.map { $0.objectives[k] })
        }
        success = SuccessModel(history)
    }

    /// Mean and variance per objective; analytic objectives have variance zero.
    public func predict(_ x: [Double]) -> [(mean: Double, variance: Double)] {
        let exact = analytic?(x)
        return models.indices.map { k in
            if let model = models[k] { return model.predict(x) }
            return (exact![k]!, 0)
        }
    }

    /// Probability that evaluating `x` succeeds: P(latent success score > 1/2) under the
    /// success GP, 1 while no trial has failed.
    public func feasibility(_ x: [Double]) -> Double { success?.probability(x) ?? 1 }
}

/// Where trials fail (an unknown constraint: training diverged, the network could not be built):
/// a GP regression on success (1) / failure (0) labels over every trial, read as the probability
/// that the latent success score exceeds 1/2.
public struct SuccessModel {
    let model: GaussianProcess

    /// nil while no trial has failed (every point is then taken to succeed).
    public init?(_ history: [Observation]) {
        guard history.contains(where: \.failed) else { return nil }
        model = GaussianProcess(x: history.map(\.x), y: history.map { $0.failed ? 0 : 1 })
    }

    public func probability(_ x: [Double]) -> Double {
        let p = model.predict(x)
        return Acquisition.probabilityBelow(mean: -p.mean, variance: p.variance, limit: -0.5)
    }
}

extension Surrogates {
    /// One Thompson sample of every objective jointly at `points`: per point its objective
    /// vector, learned objectives drawn from their GP's joint posterior (independent across
    /// objectives), analytic ones exact.
    public func sample(at points: [[Double]], rng: inout SeededGenerator) -> [[Double]] {
        var columns: [[Double]] = []
        for model in models {
            if let model {
                columns.append(model.sample(at: points, normals: points.map { _ in Double(rng.nextNormal()) }))
            } else {
                columns.append([])
            }
        }
        return points.indices.map { c in
            let exact = columns.contains(where: \.isEmpty) ? analytic?(points[c]) : nil
            return columns.indices.map { k in columns[k].isEmpty ? exact![k]! : columns[k][c] }
        }
    }

    /// Per input, the geometric mean over the learned objectives' GPs of their lengthscales,
    /// scaled to geometric mean 1 across inputs: how a trust region stretches its box (long
    /// sides where the objectives vary slowly). All ones when every objective is analytic.
    public var relativeLengthscales: [Double] {
        let learned = models.compactMap { $0?.hyperparameters.lengthscales }
        guard let d = learned.first?.count else { return [] }
        let perInput = (0..<d).map { i in exp(learned.reduce(0) { $0 + log($1[i]) } / Double(learned.count)) }
        return TrustRegion.normalized(perInput)
    }
}
