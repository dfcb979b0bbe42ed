import NasCore
import NasSearch
import XCTest
@testable import NasOptimize

final class SearchDomainTests: XCTestCase {
    static func strategies() -> [any Strategy] {
        var hypervolumePick = ARSMOBO.Settings.quick
        hypervolumePick.choice = .hypervolume  // the policies' proposals ranked by noisy EHVI
        return [RandomSearch(seed: 2), SobolSearch(seed: 2), NSGA2(seed: 2, populationSize: 8), ParEGO(seed: 2),
         ExpectedHypervolumeSearch(seed: 2, samples: 8), ARSMOBO(seed: 2, settings: .quick), LayerwiseARSMOBO(seed: 2, settings: .quick),
         TuRBO(seed: 2), MORBO(seed: 2), ARSMOBO(seed: 2, settings: hypervolumePick)]
    }

    /// A budget that rules out most of the space (about 8% of it is feasible) is never violated,
    /// by any strategy, through the initial design and the model-based proposals.
    func testInfeasiblePointsAreNeverProposed() {
        let problem = TestProblem.zdt1(dimensions: 4)
        var domain = problem.domain
        domain.isFeasible = { x in x[1] + x[2] + x[3] < 0.8 }
        domain.initialDesign = 6
        for var strategy in Self.strategies() {
            let study = ProblemStudy.run(problem, in: domain, strategy: &strategy, trials: 16)
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
        let history = ProblemStudy.run(problem, strategy: &random, trials: 10).observations
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
        let study = ProblemStudy.run(problem, in: domain, strategy: &mobo, trials: 14)
        XCTAssertGreaterThan(study.hypervolume, study.hypervolumeHistory[5])
    }

    /// Trials fail wherever x0 > 0.6 (an unknown constraint). Every strategy keeps going, and the
    /// probability of feasibility learns the failing region.
    func testFailedTrialsAreToleratedAndLearned() {
        let problem = TestProblem.zdt1(dimensions: 2)
        var domain = problem.domain
        domain.initialDesign = 8
        for var strategy in Self.strategies() {
            let study = ProblemStudy(problem: problem, strategy: strategy.name)
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
        let study = ProblemStudy.run(.zdt1(dimensions: 2), in: impossible, strategy: &random, trials: 2)
        XCTAssertTrue(study.observations.allSatisfy(\.failed))
        XCTAssertEqual(study.hypervolume, 0)
    }
}

final class CompressionProblemTests: XCTestCase {
    func testDenseNetworkAndDomain() {
        let problem = CompressionProblem(layers: 10, seed: 1)
        XCTAssertEqual(problem.dimensions, 22)
        let dense: [Double] = (0..<10).flatMap { _ -> [Double] in [0, 1] } + [1, 1]
        let f = problem.evaluate(dense)
        XCTAssertEqual(f[0], 1 - (0.1 + 0.82 * exp(-problem.sensitivity.reduce(0) { $0 + 0.15 * $1 * pow(4, -6) })), accuracy: 1e-12)
        XCTAssertEqual(f[1], 1 / CompressionProblem.flashBudget, accuracy: 1e-12)
        XCTAssertEqual(f[2], 1, accuracy: 1e-12)
        XCTAssertFalse(problem.feasible(dense), "the dense network is over budget")
        // Pruning and fewer bits cost accuracy and save flash; the domain's analytic objectives agree.
        let domain = problem.domain
        var rng = SeededGenerator(seed: 2)
        for _ in 0..<20 {
            let x = (0..<22).map { _ in rng.nextDouble() }
            let exact = domain.analyticObjectives!(x)
            XCTAssertNil(exact[0])
            XCTAssertEqual(exact[1], problem.evaluate(x)[1])
            XCTAssertEqual(exact[2], problem.evaluate(x)[2])
            XCTAssertEqual(domain.feasible(x), problem.feasible(x))
        }
        var pruned = dense
        pruned[8] = 0.5
        XCTAssertGreaterThan(problem.evaluate(pruned)[0], f[0])
        XCTAssertLessThan(problem.evaluate(pruned)[1], f[1])
        XCTAssertEqual(domain.descriptors.filter { $0.layer == 4 }.map(\.decision), ["prune", "bits"])
    }
}

final class LayerwiseARSMOBOStateTests: XCTestCase {
    /// Decisions of one kind share a policy block holding their standardized layer features and
    /// a bias; the per-decision one-hot comes after the blocks.
    func testStatesGroupDecisionsByKind() {
        let domain = CompressionProblem(layers: 4).domain  // prune, bits per layer; width; resolution
        let states = LayerwiseARSMOBO.states(domain, perDecision: 0.5)
        let width = 3 + 1  // three features and a bias per kind
        XCTAssertEqual(states.count, 10)
        XCTAssertEqual(states[0].count, 4 * width + 10)
        for (i, d) in domain.descriptors.enumerated() {
            let block = ["prune", "bits", "width", "resolution"].firstIndex(of: d.decision)! * width
            XCTAssertEqual(states[i][block + width - 1], 1, "bias of \(d.decision)")
            XCTAssertEqual(states[i][4 * width + i], 0.5)
            let outside = states[i].indices.filter { ($0 < block || $0 >= block + width) && $0 < 4 * width }
            XCTAssertTrue(outside.allSatisfy { states[i][$0] == 0 })
        }
        // Layer 0 and layer 3 prune decisions differ in their (standardized) position feature.
        XCTAssertLessThan(states[0][0], 0)
        XCTAssertGreaterThan(states[6][0], 0)
        XCTAssertEqual(states[0][0], states[1][width], "prune and bits of one layer see the same features")
    }
}
