import Foundation
import NasCore

/// The Kriging believer (Ginsbourger, Le Riche & Carraro, "Kriging is well-suited to
/// parallelize optimization", 2010): while points are still being evaluated, a model-based
/// strategy believes its own model there. Each pending point enters every Gaussian process as
/// an observation at the process's posterior mean, with the hyperparameters fitted to the real
/// observations kept (not refitted to the fantasies). Conditioning on the mean leaves the mean
/// everywhere unchanged and shrinks the variance around the pending point to the noise, and the
/// fantasy joins the incumbents (best value, Pareto front), so the acquisition there, and in
/// its neighbourhood, drops to what an evaluated point of that value would leave: the next
/// proposal of the batch goes elsewhere.
///
/// Unlike the constant liar (the worst value seen, `Observation.lie`), the believer does not
/// pretend a promising pending point is bad, so it does not push the rest of the batch out of a
/// good region, only off the pending points themselves.
///
/// Strategies adopt it by proposing with `believing:` (the pending points): their batch is
/// then built one point at a time, each chosen point believed for the next.
public protocol BelievingStrategy: Strategy {
    /// The next point after `history` (real observations only) while `pending` points are
    /// being evaluated: the strategy's models believe their posterior mean there. With nothing
    /// pending this is `propose(after:in:)`.
    mutating func propose(after history: [Observation], believing pending: [[Double]], in domain: SearchDomain) -> [Double]
}

extension BelievingStrategy {
    public mutating func propose(after history: [Observation], in domain: SearchDomain) -> [Double] {
        propose(after: history, believing: [], in: domain)
    }

    public mutating func proposeBatch(_ count: Int, after history: [Observation], pending: [[Double]], in domain: SearchDomain) -> [[Double]] {
        krigingBelieverBatch(count, after: history, pending: pending, in: domain)
    }

    /// The Kriging-believer batch: `count` points, each proposed while the pending ones, the
    /// `chosen` ones (a strategy's own batch so far) and the earlier points of this batch are
    /// believed.
    public mutating func krigingBelieverBatch(_ count: Int, after history: [Observation], pending: [[Double]], chosen: [[Double]] = [],
                                              in domain: SearchDomain) -> [[Double]] {
        var batch = chosen
        while batch.count < count { batch.append(propose(after: history, believing: pending + batch, in: domain)) }
        return batch
    }
}

extension SearchDomain {
    /// Whether the space-filling design still proposes: fewer than `initialDesign` points
    /// evaluated or pending (a batch fills the design as a sequential search would, counting
    /// the points still being evaluated), or fewer than two successes to fit models to.
    public func inInitialDesign(_ history: [Observation], pending: [[Double]], size: Int? = nil) -> Bool {
        history.count + pending.count < (size ?? initialDesign) || history.successful.count < 2
    }
}

extension Surrogates {
    /// Every model believing `points` (see `GaussianProcess.believing`): the objectives' GPs and
    /// the success model (a pending point is believed as likely to succeed as the model says).
    public func believing(_ points: [[Double]]) -> Surrogates {
        guard !points.isEmpty else { return self }
        return Surrogates(models: models.map { $0?.believing(points) }, analytic: analytic,
                          success: success?.believing(points), objectiveCount: objectiveCount)
    }

    init(models: [GaussianProcess?], analytic: (@Sendable ([Double]) -> [Double?])?, success: SuccessModel?, objectiveCount: Int) {
        self.models = models
        self.analytic = analytic
        self.success = success
        self.objectiveCount = objectiveCount
    }

    /// What the believer takes the pending `points` to score: each objective's posterior mean
    /// (the exact value for analytic ones), as observations that join the observed front.
    public func fantasies(at points: [[Double]]) -> [Observation] {
        points.map { x in Observation(x: x, objectives: predict(x).map(\.mean)) }
    }
}

extension SuccessModel {
    /// The success model believing `points` (see `GaussianProcess.believing`).
    public func believing(_ points: [[Double]]) -> SuccessModel { SuccessModel(model: model.believing(points)) }

    init(model: GaussianProcess) { self.model = model }
}
