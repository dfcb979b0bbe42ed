import Foundation
import NasCore
import NasSearch
import XCTest
@testable import NasOptimize

/// Batch proposals for parallel workers (`Strategy.proposeBatch`): every strategy proposes q
/// distinct points that avoid the pending ones, the same seed gives the same batch, nothing is
/// over the known budget, and a batch of one with nothing pending is the single proposal.
final class BatchProposalTests: XCTestCase {
    static let makers: [(String, @Sendable (UInt64) -> any Strategy)] = [
        ("random", { RandomSearch(seed: $0) }), ("sobol", { SobolSearch(seed: $0) }), ("nsga2", { NSGA2(seed: $0) }),
        ("parego", { ParEGO(seed: $0) }), ("turbo", { TuRBO(seed: $0) }), ("morbo", { MORBO(seed: $0) }),
        ("ars_mobo", { ARSMOBO(seed: $0, settings: .quick) }), ("ars_layers", { LayerwiseARSMOBO(seed: $0, settings: .quick) }),
        ("mobo", { ExpectedHypervolumeSearch(seed: $0, samples: 8) }), ("nehvi", { ExpectedHypervolumeSearch(seed: $0, samples: 8, noisy: true) }),
    ]

    /// A constrained problem (the compression problem has a flash and RAM budget), 24 trials in:
    /// past every strategy's initial design, so the models (not Sobol) propose.
    func setting() -> (TestProblem, [Observation]) {
        let problem = TestProblem.compression(CompressionProblem(layers: 3))
        var sobol = SobolSearch(seed: 11)
        return (problem, ProblemStudy.run(problem, strategy: &sobol, trials: 24).observations)
    }

    func testBatchesAreDistinctFeasibleAvoidPendingAndRepeatWithTheSeed() {
        let (problem, history) = setting()
        let domain = problem.domain
        var design = SobolSearch(seed: 99)
        let pending = [design.propose(after: history, in: domain)]
        for (name, make) in Self.makers {
            var a = make(3), b = make(3)
            let first = a.proposeBatch(4, after: history, pending: pending, in: domain)
            let again = b.proposeBatch(4, after: history, pending: pending, in: domain)
            XCTAssertEqual(first.count, 4, name)
            XCTAssertEqual(first, again, "same seed, same batch (\(name))")
            XCTAssertEqual(Set(first).count, 4, "distinct proposals (\(name)): \(first)")
            XCTAssertFalse(first.contains(pending[0]), "a pending point is not proposed again (\(name))")
            XCTAssertFalse(first.contains { x in history.contains { $0.x == x } }, "no evaluated point again (\(name))")
            XCTAssertTrue(first.allSatisfy(domain.feasible), "never over the budget (\(name))")
        }
    }

    /// One worker's batch is today's proposal, so a one-worker search is unchanged.
    func testABatchOfOneWithNothingPendingIsTheSingleProposal() {
        let (problem, history) = setting()
        for (name, make) in Self.makers {
            var a = make(5), b = make(5)
            XCTAssertEqual(a.proposeBatch(1, after: history, pending: [], in: problem.domain), [b.propose(after: history, in: problem.domain)], name)
        }
    }

    /// ARS-MOBO's batch starts with what its L policies found, best first: with two policies
    /// the first two points come from one round of policy training, the first being the
    /// single proposal.
    func testARSMOBOBatchLeadsWithItsPoliciesBestPoints() {
        let (problem, history) = setting()
        var single = ARSMOBO(seed: 8, settings: .quick), batched = ARSMOBO(seed: 8, settings: .quick)
        let one = single.propose(after: history, in: problem.domain)
        let batch = batched.proposeBatch(2, after: history, pending: [], in: problem.domain)
        XCTAssertEqual(batch.count, 2)
        XCTAssertEqual(batch[0], one, "the best policy's point leads the batch")
        XCTAssertNotEqual(batch[0], batch[1])
    }

    /// The GP strategies, whose batches are the Kriging believer's.
    static let believers: [(String, @Sendable (UInt64) -> any BelievingStrategy)] = [
        ("parego", { ParEGO(seed: $0) }), ("mobo", { ExpectedHypervolumeSearch(seed: $0, samples: 8) }),
        ("nehvi", { ExpectedHypervolumeSearch(seed: $0, samples: 8, noisy: true) }), ("turbo", { TuRBO(seed: $0) }),
        ("morbo", { MORBO(seed: $0) }), ("ars_mobo", { ARSMOBO(seed: $0, settings: .quick) }),
    ]

    /// The believer's point: a strategy that, from the same state, would propose x again
    /// proposes elsewhere once x is pending, and not next to it (without the belief, the same
    /// seed gives x itself, so this fails when pending points are ignored).
    func testAPendingPointsNeighbourhoodIsNotProposedAgain() {
        let (problem, history) = setting()
        for (name, make) in Self.believers {
            var single = make(4), believing = make(4)
            let x = single.propose(after: history, in: problem.domain)
            let next = believing.propose(after: history, believing: [x], in: problem.domain)
            let distance = zip(x, next).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
            XCTAssertGreaterThan(distance, 0.05, "\(name) proposed \(next) next to the pending \(x)")
            XCTAssertTrue(problem.domain.feasible(next), name)
        }
    }

    /// Believing a point leaves the GP's mean where it was (conditioning on the mean) and its
    /// hyperparameters as fitted, and shrinks the variance there to about the noise.
    func testBelievingKeepsTheMeanAndHyperparametersAndShrinksTheVariance() {
        let x: [[Double]] = [[0.1, 0.2], [0.8, 0.3], [0.4, 0.9], [0.6, 0.6], [0.2, 0.7]]
        let gp = GaussianProcess(x: x, y: x.map { sin(5 * $0[0]) + $0[1] * $0[1] })
        let pending: [Double] = [0.5, 0.4]
        let believed = gp.believing([pending])
        XCTAssertEqual(believed.hyperparameters, gp.hyperparameters)
        for probe in [[0.5, 0.4], [0.3, 0.3], [0.9, 0.9]] {
            XCTAssertEqual(believed.predict(probe).mean, gp.predict(probe).mean, accuracy: 1e-6)
            XCTAssertLessThanOrEqual(believed.predict(probe).variance, gp.predict(probe).variance + 1e-12)
        }
        // As an observation there would: at most the noise (in the output's units), and well
        // below the variance before.
        let variance = believed.predict(pending).variance
        XCTAssertLessThanOrEqual(variance, gp.scale * gp.scale * gp.hyperparameters.noise * (1 + 1e-9))
        XCTAssertLessThan(variance, 0.25 * gp.predict(pending).variance)
    }

    /// TuRBO's region counts real outcomes only: a batch of four out (believed, not told)
    /// changes no counter, and once their outcomes arrive each counts once.
    func testTuRBOCountsOutcomesNotFantasies() {
        let (problem, history) = setting()
        var turbo = TuRBO(seed: 2)
        let batch = turbo.proposeBatch(4, after: history, pending: [], in: problem.domain)
        let region = turbo.region!
        XCTAssertEqual(region.successes + region.failures, 0, "no fantasy counted")
        XCTAssertEqual(turbo.outstanding.count, 4)
        let outcomes = batch.map { Observation(x: $0, objectives: problem.evaluate($0)) }
        var expected = region
        for (proposal, outcome) in zip(turbo.outstanding, outcomes) {
            XCTAssertEqual(proposal.x, outcome.x)
            expected.record(improved: proposal.chebyshev(outcome.objectives) < proposal.best - 1e-3 * abs(proposal.best),
                            dimensions: problem.domain.dimensions)
        }
        _ = turbo.propose(after: history + outcomes, in: problem.domain)
        XCTAssertEqual(turbo.outstanding.count, 1, "the four are credited, the new proposal waits")
        let after = turbo.region!
        XCTAssertEqual([after.length, Double(after.successes), Double(after.failures)],
                       [expected.length, Double(expected.successes), Double(expected.failures)], "each outcome counted once")
    }

    func testTheLieIsTheWorstObservedValue() {
        let history = [Observation(x: [0], objectives: [1, 5]), Observation(x: [1], objectives: [3, 2]), .failure(at: [0.5])]
        XCTAssertEqual(Observation.lie(at: [0.2], history: history), Observation(x: [0.2], objectives: [3, 5]))
        XCTAssertEqual(Observation.lie(at: [0.2], history: [.failure(at: [0.1])]), .failure(at: [0.2]))
    }
}
