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
public struct TuRBO: Strategy {
    /// Candidates drawn in the region per proposal (TuRBO uses min(100 d, 5000); a joint
    /// Thompson sample costs O(p³), so fewer here).
    public var candidates = 256

    var rng: SeededGenerator
    var initial: SobolSearch
    var region: TrustRegion?
    /// Where the current run started in the history: earlier trials belong to collapsed runs.
    var runStart = 0
    /// The last proposal, its scalarization and the best scalarized value it had to beat.
    var pending: (x: [Double], chebyshev: ChebyshevScalarization, best: Double)?

    public init(seed: UInt64) {
        rng = SeededGenerator(seed: seed)
        initial = SobolSearch(seed: seed)
    }

    public var name: String { "turbo" }

    public mutating func propose(after history: [Observation], in domain: SearchDomain) -> [Double] {
        credit(history, dimensions: domain.dimensions)
        if region?.collapsed == true {
            region = nil
            runStart = history.count
        }
        let run = Array(history[min(runStart, history.count)...])
        let successes = run.successful
        guard run.count >= domain.initialDesign, successes.count >= 2 else { return initial.propose(after: history, in: domain) }
        let chebyshev = ChebyshevScalarization(randomWeightsFor: successes.map(\.objectives), reference: domain.reference, rng: &rng)
        let scalar = successes.map { chebyshev($0.objectives) }
        let gp = GaussianProcess(x: successes.map(\.x), y: scalar)
        // The centre: the best scalarized trial within the budget (any, when none is).
        let ranked = successes.indices.sorted { scalar[$0] < scalar[$1] }
        let centre = ranked.first { domain.feasible(successes[$0].x) } ?? ranked[0]
        if region == nil { region = TrustRegion(center: successes[centre].x) }
        region!.center = successes[centre].x
        let points = region!.candidates(candidates, weights: TrustRegion.normalized(gp.hyperparameters.lengthscales), rng: &rng)
        var admissible = CandidateFilter.admissible(points, in: domain, success: SuccessModel(run))
        if admissible.isEmpty { admissible = [domain.repair(points[0], anchors: history.map(\.x), rng: &rng)] }
        let draw = gp.sample(at: admissible, normals: admissible.map { _ in Double(rng.nextNormal()) })
        let x = admissible[draw.indices.min { draw[$0] < draw[$1] }!]
        pending = (x, chebyshev, scalar[centre])
        return x
    }

    /// Counts the last proposal as a success when its scalarized value improved on the best by
    /// TuRBO's margin of 10⁻³ |best|; a failed trial is a failure.
    mutating func credit(_ history: [Observation], dimensions: Int) {
        guard let pending, let newest = history.last, newest.x == pending.x else { return }
        self.pending = nil
        let improved = !newest.failed && pending.chebyshev(newest.objectives) < pending.best - 1e-3 * abs(pending.best)
        region?.record(improved: improved, dimensions: dimensions)
    }
}
