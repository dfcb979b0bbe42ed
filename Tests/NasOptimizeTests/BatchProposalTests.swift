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

    func testTheLieIsTheWorstObservedValue() {
        let history = [Observation(x: [0], objectives: [1, 5]), Observation(x: [1], objectives: [3, 2]), .failure(at: [0.5])]
        XCTAssertEqual(Observation.lie(at: [0.2], history: history), Observation(x: [0.2], objectives: [3, 5]))
        XCTAssertEqual(Observation.lie(at: [0.2], history: [.failure(at: [0.1])]), .failure(at: [0.2]))
    }
}
