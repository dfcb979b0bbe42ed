import Foundation
import NasCore

/// MORBO (after Daulton, Eriksson, Balandat, Bakshy, "Multi-objective Bayesian optimization over
/// high-dimensional search spaces", UAI 2022), one point per proposal (the paper's MORBO-1
/// baseline): several TuRBO trust regions, each centred on a point of the observed Pareto front
/// (the ones contributing the most hypervolume), candidates drawn in every region, one joint
/// Thompson sample of every objective's GP over all of them, and the candidate whose sample adds
/// the most hypervolume to the observed front is evaluated. The region that proposed it counts a
/// success when the hypervolume grew (then it re-centres on the new point), a failure otherwise;
/// regions resize as TuRBO's and restart at another front point when they collapse.
public struct MORBO: BelievingStrategy {
    /// Trust regions (MORBO's default for high-dimensional problems is 5; fewer fit a budget of
    /// a few dozen trials).
    public var regions = 3
    /// Candidates drawn per region per proposal.
    public var candidatesPerRegion = 128

    var rng: SeededGenerator
    var initial: SobolSearch
    var trustRegions: [TrustRegion] = []
    /// Proposals not yet credited, each with its region and the reference it was scored
    /// against (several while a batch is out).
    var outstanding: [(x: [Double], region: Int, reference: [Double])] = []

    public init(seed: UInt64) {
        rng = SeededGenerator(seed: seed)
        initial = SobolSearch(seed: seed)
    }

    public var name: String { "morbo" }

    /// Pending points are believed (see `BelievingStrategy`): every GP is conditioned on its
    /// mean there and the believed points join the front the sampled gains are measured
    /// against; regions follow, and are credited by, real outcomes only.
    public mutating func propose(after history: [Observation], believing pending: [[Double]], in domain: SearchDomain) -> [Double] {
        let successes = history.successful
        guard !domain.inInitialDesign(history, pending: pending) else { return initial.propose(after: history, in: domain) }
        let feasible = successes.filter { domain.feasible($0.x) }
        let pool = feasible.isEmpty ? successes : feasible
        let reference = domain.reference(for: successes)
        credit(history, pending: pending, in: domain)
        let frontIndices = Pareto.front(pool.map(\.objectives))
        let front = frontIndices.map { pool[$0].objectives }
        let contributions = Hypervolume.contributions(front, reference: reference)
        let byContribution = frontIndices.indices.sorted { contributions[$0] > contributions[$1] }.map { pool[frontIndices[$0]].x }
        // Regions follow the front: one whose centre was dominated, or that collapsed, moves to
        // the most contributing front point no other region holds; new regions fill up to `regions`.
        for r in trustRegions.indices where trustRegions[r].collapsed || !byContribution.contains(trustRegions[r].center) {
            let taken = Set(trustRegions.indices.filter { $0 != r }.map { trustRegions[$0].center })
            let centre = byContribution.first { !taken.contains($0) } ?? byContribution[0]
            if trustRegions[r].collapsed { trustRegions[r] = TrustRegion(center: centre) } else { trustRegions[r].center = centre }
        }
        for x in byContribution where trustRegions.count < max(1, regions) && !trustRegions.contains(where: { $0.center == x }) {
            trustRegions.append(TrustRegion(center: x))
        }
        let surrogates = Surrogates(history, in: domain).believing(pending)
        let weights = surrogates.relativeLengthscales
        var points: [[Double]] = [], owners: [Int] = []
        for r in trustRegions.indices {
            let drawn = CandidateFilter.admissible(trustRegions[r].candidates(candidatesPerRegion, weights: weights, rng: &rng),
                                                   in: domain, success: SuccessModel(history)?.believing(pending))
            points += drawn
            owners += drawn.map { _ in r }
        }
        if points.isEmpty {
            points = [domain.repair(trustRegions[0].center, anchors: history.map(\.x), rng: &rng)]
            owners = [0]
        }
        let samples = surrogates.sample(at: points, rng: &rng)
        let believedFront = front + surrogates.fantasies(at: pending.filter(domain.feasible)).map(\.objectives)
        let base = Hypervolume.of(believedFront, reference: reference)
        let gains = samples.map { y -> Double in
            guard zip(y, reference).allSatisfy({ $0 < $1 }), !believedFront.contains(where: { Pareto.dominates($0, y) || $0 == y }) else { return 0 }
            return Hypervolume.of(believedFront + [y], reference: reference) - base
        }
        var pick = gains.indices.max { gains[$0] < gains[$1] }!
        if gains[pick] <= 0 {
            // No sample improves the front: the best one under a random Chebyshev weighting.
            let chebyshev = ChebyshevScalarization(randomWeightsFor: successes.map(\.objectives), rng: &rng)
            pick = samples.indices.min { chebyshev(samples[$0]) < chebyshev(samples[$1]) }!
        }
        outstanding.append((points[pick], owners[pick], reference))
        return points[pick]
    }

    /// Credits the region of each outstanding proposal whose trial is now in `history`: a
    /// success when the trial added hypervolume to the trials before it (the region then
    /// centres on it), a failure otherwise. A proposal still pending waits (a fantasy is never
    /// counted); one neither evaluated nor pending was dropped and is forgotten.
    mutating func credit(_ history: [Observation], pending: [[Double]], in domain: SearchDomain) {
        guard !outstanding.isEmpty else { return }
        let recent = max(0, history.count - outstanding.count - pending.count - 1)
        var waiting: [(x: [Double], region: Int, reference: [Double])] = []
        for proposal in outstanding {
            guard let index = history[recent...].lastIndex(where: { $0.x == proposal.x }) else {
                if pending.contains(proposal.x) { waiting.append(proposal) }
                continue
            }
            guard proposal.region < trustRegions.count else { continue }
            let newest = history[index]
            var improved = false
            if !newest.failed, domain.feasible(newest.x) {
                let feasibleBefore = Array(history[..<index]).successful.filter { domain.feasible($0.x) }.map(\.objectives)
                let before = Hypervolume.of(feasibleBefore, reference: proposal.reference)
                let after = Hypervolume.of(feasibleBefore + [newest.objectives], reference: proposal.reference)
                improved = after > before + 1e-12
            }
            trustRegions[proposal.region].record(improved: improved, dimensions: domain.dimensions)
            if improved { trustRegions[proposal.region].center = newest.x }
        }
        outstanding = waiting
    }
}
