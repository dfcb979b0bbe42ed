import NasCore
import NasSearch
import XCTest
@testable import NasOptimize

final class StudyTests: XCTestCase {
    func testSobolMatchesItsDefinition() {
        // First points of the unscrambled sequence in two dimensions.
        var s = Sobol(dimensions: 2)
        let points = (0..<4).map { _ in s.next() }
        XCTAssertEqual(points, [[0, 0], [0.5, 0.5], [0.75, 0.25], [0.25, 0.75]])
        // Every 2^k prefix puts exactly one point in each interval of width 2^-k, per coordinate.
        var t = Sobol(dimensions: Sobol.maxDimensions, seed: 5)
        let many = (0..<256).map { _ in t.next() }
        for d in 0..<Sobol.maxDimensions {
            XCTAssertEqual(Set(many.map { Int($0[d] * 256) }).count, 256, "dimension \(d)")
        }
    }

    func testStudiesAreDeterministicAndHypervolumeGrows() {
        let problem = TestProblem.dtlz2(dimensions: 4, objectives: 3)
        for make in [{ (seed: UInt64) -> any Strategy in RandomSearch(seed: seed) }, { SobolSearch(seed: $0) }] {
            var a = make(7), b = make(7), c = make(8)
            let s1 = ProblemStudy.run(problem, strategy: &a, trials: 60)
            let s2 = ProblemStudy.run(problem, strategy: &b, trials: 60)
            let s3 = ProblemStudy.run(problem, strategy: &c, trials: 60)
            XCTAssertEqual(s1.observations, s2.observations)
            XCTAssertNotEqual(s1.observations, s3.observations)
            XCTAssertGreaterThan(s1.hypervolume, 0)
            // Never falls (up to the rounding of summing the same volume in another order).
            XCTAssertTrue(zip(s1.hypervolumeHistory, s1.hypervolumeHistory.dropFirst()).allSatisfy { $1 >= $0 - 1e-12 })
        }
    }

    func testProblemsAtKnownPoints() {
        XCTAssertEqual(TestProblem.zdt1(dimensions: 3).evaluate([0.25, 0, 0]), [0.25, 0.5])
        let dtlz = TestProblem.dtlz2(dimensions: 3, objectives: 2).evaluate([0, 0.5, 0.5])
        XCTAssertEqual(dtlz[0], 1, accuracy: 1e-12)
        XCTAssertEqual(dtlz[1], 0, accuracy: 1e-12)
        // Branin's minimum value 0.397887 at (pi, 2.275), i.e. x = ((pi + 5) / 15, 2.275 / 15).
        let branin = TestProblem.braninCurrin.evaluate([(Double.pi + 5) / 15, 2.275 / 15])[0]
        XCTAssertEqual(branin, 0.397887, accuracy: 1e-5)
    }
}

final class StrategyTests: XCTestCase {
    /// Every strategy ends with more hypervolume than its initial design had, on ZDT1 and DTLZ2.
    func testStrategiesImproveOnTheirInitialDesign() {
        for problem in [TestProblem.zdt1(dimensions: 2), .dtlz2(dimensions: 3, objectives: 3)] {
            let initial = 2 * (problem.dimensions + 1)
            var strategies: [any Strategy] = [NSGA2(seed: 3, populationSize: 8), ParEGO(seed: 3),
                                              ExpectedHypervolumeSearch(seed: 3, samples: 16),
                                              ExpectedHypervolumeSearch(seed: 3, samples: 16, noisy: true),
                                              ARSMOBO(seed: 3, settings: .quick), LayerwiseARSMOBO(seed: 3, settings: .quick),
                                              TuRBO(seed: 3), MORBO(seed: 3)]
            for index in strategies.indices {
                let study = ProblemStudy.run(problem, strategy: &strategies[index], trials: 30)
                let start = study.hypervolumeHistory[(strategies[index].name == "nsga2" ? 8 : initial) - 1]
                XCTAssertGreaterThan(study.hypervolume, start + 1e-6, "\(strategies[index].name) on \(problem.name)")
            }
        }
    }

    /// At an observed front point the plain EHVI sees nothing to gain (the point is already on
    /// the front), while the noisy variant still credits it when the observations are noisy: the
    /// resampled front may lie behind it.
    func testNoisyEHVICreditsAnObservedPointWhenObservationsAreNoisy() {
        var rng = SeededGenerator(seed: 11)
        let history = (0..<12).map { _ -> Observation in
            let x = [rng.nextDouble(), rng.nextDouble()]
            // A noisy 2-objective trade-off: the noise makes the observed front partly luck.
            return Observation(x: x, objectives: [x[0] + 0.2 * rng.nextDouble(), 1 - x[0] + 0.2 * rng.nextDouble()])
        }
        let domain = SearchDomain(dimensions: 2, reference: [1.5, 1.5])
        let front = Pareto.front(history.map(\.objectives)).map { history[$0].x }
        let plain = ExpectedHypervolumeImprovement(history, in: domain, samples: 64, seed: 1)
        let noisy = ExpectedHypervolumeImprovement(history, in: domain, samples: 64, seed: 1, noisy: true)
        let plainGain = front.map { plain($0) }.reduce(0, +), noisyGain = front.map { noisy($0) }.reduce(0, +)
        XCTAssertGreaterThan(noisyGain, plainGain)
        XCTAssertGreaterThan(noisyGain, 0)
    }

    /// Model-based search beats random search at equal evaluations on ZDT1.
    func testModelBasedSearchBeatsRandom() {
        let problem = TestProblem.zdt1(dimensions: 3)
        var random: any Strategy = RandomSearch(seed: 5)
        var mobo: any Strategy = ExpectedHypervolumeSearch(seed: 5, samples: 16)
        let r = ProblemStudy.run(problem, strategy: &random, trials: 30).hypervolume
        let m = ProblemStudy.run(problem, strategy: &mobo, trials: 30).hypervolume
        XCTAssertGreaterThan(m, r)
    }
}
