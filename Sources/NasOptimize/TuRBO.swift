import Foundation
import NasCore

/// TuRBO-1 (Eriksson, Pearce, Gardner, Turner, Poloczek, "Scalable global optimization via
/// local Bayesian optimization", NeurIPS 2019), the paper's strongest baseline: one trust region
/// around the best observation, candidates from Thompson sampling of a GP inside it, the region
/// doubled after 3 successes in a row and halved after max(4, d) failures, and a fresh start
/// (a new space-filling design, earlier trials set aside) once it collapses below 0.5⁷.
///
/// Several objectives are scalarized by a random augmented Chebyshev weighting per proposal
/// (ParEGO's, as the paper's multi-objective use of TuRBO needs); the GP models the scalarized
/// values, the region is centred on the best of them, and a proposal succeeds when its
/// scalarized value beats that best under the weights that proposed it.
public struct TuRBO: BelievingStrategy {
    /// Candidates drawn in the region per proposal (TuRBO uses min(100 d, 5000); a joint
    /// Thompson sample costs O(p³), so fewer here).
    public var candidates = 256

    var rng: SeededGenerator
    var initial: SobolSearch
    var region: TrustRegion?
    /// Where the current run started in the history: earlier trials belong to collapsed runs.
    var runStart = 0
    /// Proposals not yet credited, each with its scalarization and the best scalarized value it
    /// had to beat (several while a batch is out).
    var outstanding: [Outstanding] = []

    struct Outstanding {
        let x: [Double]
        let chebyshev: ChebyshevScalarization
        let best: Double
    }

    public init(seed: UInt64) {
        rng = SeededGenerator(seed: seed)
        initial = SobolSearch(seed: seed)
    }

    public var name: String { "turbo" }

    /// Pending points are believed (see `BelievingStrategy`): the GP of the scalarized values
    /// is conditioned on its mean there, so the Thompson draw near them is the mean and the
    /// rest of the batch spreads out; only real outcomes move the region.
    public mutating func propose(after history: [Observation], believing pending: [[Double]], in domain: SearchDomain) -> [Double] {
        credit(history, pending: pending, dimensions: domain.dimensions)
        if region?.collapsed == true {
            region = nil
            runStart = history.count
        }
        let run = Array(history[min(runStart, history.count)...])
        let successes = run.successful
        guard !domain.inInitialDesign(run, pending: pending) else { return initial.propose(after: history, in: domain) }
        let chebyshev = ChebyshevScalarization(randomWeightsFor: successes.map(\.objectives), reference: domain.reference, rng: &rng)
        let scalar = successes.map { chebyshev($0.objectives) }
        let gp = GaussianProcess(x: successes.map(\.x), y: scalar).believing(pending)
        // The centre: the best scalarized trial within the budget (any, when none is).
        let ranked = successes.indices.sorted { scalar[$0] < scalar[$1] }
        let centre = ranked.first { domain.feasible(successes[$0].x) } ?? ranked[0]
        if region == nil { region = TrustRegion(center: successes[centre].x) }
        region!.center = successes[centre].x
        let points = region!.candidates(candidates, weights: TrustRegion.normalized(gp.hyperparameters.lengthscales), rng: &rng)
        var admissible = CandidateFilter.admissible(points, in: domain, success: SuccessModel(run)?.believing(pending))
        if admissible.isEmpty { admissible = [domain.repair(points[0], anchors: history.map(\.x), rng: &rng)] }
        let draw = gp.sample(at: admissible, normals: admissible.map { _ in Double(rng.nextNormal()) })
        let x = admissible[draw.indices.min { draw[$0] < draw[$1] }!]
        outstanding.append(Outstanding(x: x, chebyshev: chebyshev, best: scalar[centre]))
        return x
    }

    /// Credits each outstanding proposal whose trial is now in `history`: a success when its
    /// scalarized value improved on the best by TuRBO's margin of 10⁻³ |best|; a failed trial
    /// is a failure. A proposal still pending waits (a fantasy is never counted); one neither
    /// evaluated nor pending was dropped and is forgotten.
    mutating func credit(_ history: [Observation], pending: [[Double]], dimensions: Int) {
        guard !outstanding.isEmpty else { return }
        let recent = history.suffix(outstanding.count + pending.count + 1)
        var waiting: [Outstanding] = []
        for proposal in outstanding {
            if let outcome = recent.last(where: { $0.x == proposal.x }) {
                let improved = !outcome.failed && proposal.chebyshev(outcome.objectives) < proposal.best - 1e-3 * abs(proposal.best)
                region?.record(improved: improved, dimensions: dimensions)
            } else if pending.contains(proposal.x) {
                waiting.append(proposal)
            }
        }
        outstanding = waiting
    }
}
