import NasData
import XCTest
@testable import NasOptimize

final class SearchDomainTests: XCTestCase {
    static func strategies() -> [any Strategy] {
        [RandomSearch(seed: 2), SobolSearch(seed: 2), NSGA2(seed: 2, populationSize: 8), ParEGO(seed: 2),
         ExpectedHypervolumeSearch(seed: 2, samples: 8), ARSMOBO(seed: 2, agents: 2, stepsPerProposal: 2, samples: 8)]
    }

    /// A budget that rules out most of the space (about 8% of it is feasible) is never violated,
    /// by any strategy, through the initial design and the model-based proposals.
    func testInfeasiblePointsAreNeverProposed() {
        let problem = TestProblem.zdt1(dimensions: 4)
        var domain = problem.domain
        domain.isFeasible = { x in x[1] + x[2] + x[3] < 0.8 }
        domain.initialDesign = 6
        for var strategy in Self.strategies() {
            let study = Study.run(problem, in: domain, strategy: &strategy, trials: 16)
            XCTAssertEqual(study.observations.count, 16)
            for o in study.observations {
                XCTAssertTrue(domain.feasible(o.x), "\(strategy.name) proposed \(o.x)")
                XCTAssertTrue(o.x.allSatisfy { (0...1).contains($0) })
            }
            XCTAssertGreaterThan(study.hypervolume, 0, strategy.name)
        }
    }

    /// Analytic objectives get no surrogate: predictions are the exact values with no variance.
    func testAnalyticObjectivesReplaceTheirModel() {
        let problem = TestProblem.zdt1(dimensions: 3)
        var domain = problem.domain
        domain.analyticObjectives = { x in [x[0], nil] }
        var random = RandomSearch(seed: 1)
        let history = Study.run(problem, strategy: &random, trials: 10).observations
        let surrogates = Surrogates(history, in: domain)
        XCTAssertNil(surrogates.models[0])
        XCTAssertNotNil(surrogates.models[1])
        let p = surrogates.predict([0.37, 0.2, 0.9])
        XCTAssertEqual(p[0].mean, 0.37)
        XCTAssertEqual(p[0].variance, 0)
        XCTAssertGreaterThan(p[1].variance, 0)
        // A search that knows f1 exactly still works end to end.
        var mobo = ExpectedHypervolumeSearch(seed: 1, samples: 8)
        domain.initialDesign = 6
        let study = Study.run(problem, in: domain, strategy: &mobo, trials: 14)
        XCTAssertGreaterThan(study.hypervolume, study.hypervolumeHistory[5])
    }

    /// Trials fail wherever x0 > 0.6 (an unknown constraint). Every strategy keeps going, and the
    /// probability of feasibility learns the failing region.
    func testFailedTrialsAreToleratedAndLearned() {
        let problem = TestProblem.zdt1(dimensions: 2)
        var domain = problem.domain
        domain.initialDesign = 8
        for var strategy in Self.strategies() {
            var study = Study(problem: problem, strategy: strategy.name)
            for _ in 0..<14 {
                let x = strategy.propose(after: study.observations, in: domain)
                study.record(x[0] > 0.6 ? .failure(at: x) : Observation(x: x, objectives: problem.evaluate(x)))
            }
            XCTAssertTrue(study.observations.contains(where: \.failed), strategy.name)
            XCTAssertFalse(study.paretoIndices.isEmpty, strategy.name)
            XCTAssertTrue(study.paretoIndices.allSatisfy { !study.observations[$0].failed })
            if strategy.name == "mobo" {
                let surrogates = Surrogates(study.observations, in: domain)
                XCTAssertLessThan(surrogates.feasibility([0.95, 0.5]), 0.5)
                XCTAssertGreaterThan(surrogates.feasibility([0.2, 0.5]), 0.5)
            }
        }
    }

    func testRepairFindsAFeasiblePointNearTheCandidate() {
        let domain = SearchDomain(dimensions: 2, isFeasible: { $0[0] + $0[1] <= 1 })
        var rng = SeededGenerator(seed: 3)
        let repaired = domain.repair([1, 1], anchors: [[0, 0]], rng: &rng)
        XCTAssertTrue(domain.feasible(repaired))
        XCTAssertEqual(repaired[0] + repaired[1], 1, accuracy: 1e-5)
        // Nothing feasible anywhere: the candidate comes back unchanged and Study records a failure.
        let impossible = SearchDomain(dimensions: 2, isFeasible: { _ in false })
        XCTAssertEqual(impossible.repair([0.5, 0.5], anchors: [], rng: &rng), [0.5, 0.5])
        var random = RandomSearch(seed: 1)
        let study = Study.run(.zdt1(dimensions: 2), in: impossible, strategy: &random, trials: 2)
        XCTAssertTrue(study.observations.allSatisfy(\.failed))
        XCTAssertEqual(study.hypervolume, 0)
    }
}
