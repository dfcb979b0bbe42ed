import Foundation

/// The models a model-based strategy scores candidates with: one GP per learned objective (exact
/// values for the domain's analytic objectives instead) and, once some trial has failed, a
/// probability of feasibility for that unknown constraint.
public struct Surrogates {
    /// Per objective: a GP, or nil where the domain computes the objective exactly.
    let models: [GaussianProcess?]
    let analytic: (@Sendable ([Double]) -> [Double?])?
    /// A GP regression on success (1) / failure (0) labels; nil while no trial has failed.
    let success: GaussianProcess?
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
        success = successes.count < history.count
            ? GaussianProcess(x: history.map(\.x), y: history.map { $0.failed ? 0 : 1 })
            : nil
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
    public func feasibility(_ x: [Double]) -> Double {
        guard let success else { return 1 }
        let p = success.predict(x)
        return Acquisition.probabilityBelow(mean: -p.mean, variance: p.variance, limit: -0.5)
    }
}
