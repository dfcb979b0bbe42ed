import Foundation
import NasCore
import NasSearch
import XCTest
@testable import NasOptimize

/// ARS-MOBO as the paper gives it and its baselines TuRBO-1 and MORBO (the shared properties,
/// budget and failed trials, are in SearchDomainTests; improving on the design in StudyTests).
final class PaperStrategiesTests: XCTestCase {
    static let makers: [(String, @Sendable (UInt64) -> any Strategy)] = [
        ("ars_mobo", { ARSMOBO(seed: $0, settings: .quick) }), ("turbo", { TuRBO(seed: $0) }), ("morbo", { MORBO(seed: $0) }),
    ]

    /// Same seed, same proposals; another seed, other proposals, on a constrained problem with
    /// analytic objectives (the compression problem).
    func testSameSeedSameProposals() {
        let problem = TestProblem.compression(CompressionProblem(layers: 3))
        for (name, make) in Self.makers {
            var a = make(4), b = make(4), c = make(5)
            let s1 = ProblemStudy.run(problem, strategy: &a, trials: 16)
            let s2 = ProblemStudy.run(problem, strategy: &b, trials: 16)
            let s3 = ProblemStudy.run(problem, strategy: &c, trials: 16)
            XCTAssertEqual(s1.observations, s2.observations, name)
            XCTAssertNotEqual(s1.observations.suffix(6), s3.observations.suffix(6), name)
            XCTAssertTrue(s1.observations.allSatisfy { problem.domain.feasible($0.x) }, name)
        }
    }

    /// ARS-MOBO's measured alternatives (docs/method.md) keep the shared guarantees: same seed
    /// same proposals, every proposal within the budget, and each changes what is proposed.
    func testAlternativeSettingsStayDeterministicAndFeasible() {
        let problem = TestProblem.compression(CompressionProblem(layers: 3))
        var plainStrategy = ARSMOBO(seed: 4, settings: .quick)
        let plain = ProblemStudy.run(problem, strategy: &plainStrategy, trials: 16).observations
        let variants: [(String, (inout ARSMOBO.Settings) -> Void)] = [
            ("persistent", { $0.persistent = true }), ("trainOnCluster", { $0.trainOnCluster = true }),
            ("design", { $0.design = 1.5 }), ("choice", { $0.choice = .hypervolume }),
            ("observedChoice", { $0.choice = .observedHypervolume }),
            ("hypervolumeReward", { $0.score = .hypervolume }), ("policyWeights", { $0.weights = .policy }),
        ]
        for (name, change) in variants {
            var settings = ARSMOBO.Settings.quick
            change(&settings)
            var a = ARSMOBO(seed: 4, settings: settings), b = ARSMOBO(seed: 4, settings: settings)
            let s1 = ProblemStudy.run(problem, strategy: &a, trials: 16).observations
            let s2 = ProblemStudy.run(problem, strategy: &b, trials: 16).observations
            XCTAssertEqual(s1, s2, name)
            XCTAssertNotEqual(s1.suffix(4), plain.suffix(4), name)
            XCTAssertTrue(s1.allSatisfy { problem.domain.feasible($0.x) }, name)
        }
    }

    /// Each beats the uniform random search on ZDT1 in 4 inputs at 30 evaluations (two seeds
    /// each, so one lucky draw cannot carry it).
    func testBeatsRandomSearchOnZDT1() {
        let problem = TestProblem.zdt1(dimensions: 4)
        var random = 0.0
        for seed: UInt64 in [1, 2] {
            var r = RandomSearch(seed: seed)
            random += ProblemStudy.run(problem, strategy: &r, trials: 30).hypervolume
        }
        for (name, make) in Self.makers {
            var total = 0.0
            for seed: UInt64 in [1, 2] {
                var s = make(seed)
                total += ProblemStudy.run(problem, strategy: &s, trials: 30).hypervolume
            }
            XCTAssertGreaterThan(total, random, name)
        }
    }

    /// ARS training raises the rollout reward: after a few ARS steps from a front point the
    /// trained policy collects more expected improvement than the untrained (zero) policy.
    func testTrainedPolicyCollectsMoreImprovement() {
        let problem = TestProblem.zdt1(dimensions: 3)
        var sobol = SobolSearch(seed: 3)
        let history = ProblemStudy.run(problem, strategy: &sobol, trials: 6).observations
        let domain = problem.domain
        var rng = SeededGenerator(seed: 8)
        let chebyshev = ChebyshevScalarization(randomWeightsFor: history.map(\.objectives), rng: &rng)
        let acquisition = ScalarizedExpectedImprovement(history, in: domain, surrogates: Surrogates(history, in: domain),
                                                        chebyshev: chebyshev, samples: 16, seed: 9)
        let strategy = ARSMOBO(seed: 1)
        let start = history[Pareto.front(history.map(\.objectives))[0]].x
        var settings = AugmentedRandomSearch.Settings()
        settings.normalizeStates = false
        settings.stepSize = 0.3
        settings.noise = 0.5
        var search = AugmentedRandomSearch(stateDimension: 4, actionDimension: 3, settings: settings, seed: 2)
        let evaluated = Set(history.map(\.x))
        let untrained = strategy.rollout(search.policy(), from: start, in: domain, acquisition: acquisition, excluding: evaluated).reward
        for _ in 0..<10 {
            search.step { (strategy.rollout($0, from: start, in: domain, acquisition: acquisition, excluding: evaluated).reward, []) }
        }
        let trained = strategy.rollout(search.policy(), from: start, in: domain, acquisition: acquisition, excluding: evaluated).reward
        XCTAssertGreaterThan(trained, untrained)
    }

    /// The scalarized EI is zero where the posterior is certain not to improve, positive where
    /// it may, and falls with the probability of feasibility.
    func testScalarizedExpectedImprovement() {
        let history = [Observation(x: [0.0], objectives: [0, 1]), Observation(x: [1.0], objectives: [1, 0]),
                       Observation(x: [0.5], objectives: [0.5, 0.5])]
        let exact = SearchDomain(dimensions: 1, analyticObjectives: { x in [x[0], 1 - x[0]] })
        let chebyshev = ChebyshevScalarization(weights: [0.5, 0.5], observed: history.map(\.objectives))
        XCTAssertEqual(chebyshev([0.25, 0.75]), 0.5 * 0.75 + 0.05 * 0.5, accuracy: 1e-12)
        // Exact objectives: g(x) = 0.5 max(x, 1 − x) + 0.025, least at the observed 0.5: no
        // point can improve on it.
        let certain = ScalarizedExpectedImprovement(history, in: exact, surrogates: Surrogates(history, in: exact),
                                                    chebyshev: chebyshev, samples: 8, seed: 1)
        XCTAssertEqual(certain([0.5]), 0)
        XCTAssertEqual(certain([0.2]), 0)
        // Learned objectives seen only at the ends: the middle may well improve, less so where
        // a trial failed.
        let ends = Array(history.prefix(2)), learned = SearchDomain(dimensions: 1)
        let open = ScalarizedExpectedImprovement(ends, in: learned, surrogates: Surrogates(ends, in: learned),
                                                 chebyshev: chebyshev, samples: 64, seed: 1)
        XCTAssertGreaterThan(open([0.5]), 0.05)
        let failed = ends + [.failure(at: [0.5])]
        let risky = ScalarizedExpectedImprovement(failed, in: learned, surrogates: Surrogates(failed, in: learned),
                                                  chebyshev: chebyshev, samples: 64, seed: 1)
        XCTAssertLessThan(risky([0.5]), 0.5 * open([0.5]))
    }

    /// From the observed best values, no weights make a point past the front's end the
    /// scalarized optimum (the max is taken by the objective that got worse); from a utopian
    /// point, weights that favour the improved objective do.
    func testUtopianPointLetsTheFrontGrowPastItsEnds() {
        // ZDT1-like front f2 = 1 − √f1 observed up to f1 = 0.3; the point beyond is f1 = 0.6.
        let observed = [[0.0, 1.0], [0.1, 1 - 0.1.squareRoot()], [0.3, 1 - 0.3.squareRoot()]]
        let beyond = [0.6, 1 - 0.6.squareRoot()]
        let end = observed[2]
        // (Up to w2 = 0.9: past a ratio of about 16 the augmentation term alone tips it.)
        for w2 in stride(from: 0.05, through: 0.9, by: 0.05) {
            let plain = ChebyshevScalarization(weights: [1 - w2, w2], observed: observed, reference: [1.1, 1.1])
            XCTAssertLessThan(plain(end), plain(beyond), "w2 \(w2)")
        }
        let utopian = ChebyshevScalarization(weights: [0.1, 0.9], observed: observed, reference: [1.1, 1.1], utopia: 0.25)
        XCTAssertLessThan(utopian(beyond), utopian(end))
        // Points inside the observed range keep their order under any margin.
        let inside = ChebyshevScalarization(weights: [0.5, 0.5], observed: observed, reference: [1.1, 1.1], utopia: 0.25)
        XCTAssertLessThan(inside([0.1, 0.5]), inside([0.1, 0.6]))
    }

    /// The smoothed log EI agrees with log EI where some base sample improves, and is finite
    /// and ordered by the gap to the best value where none does (the plain estimate is 0 there).
    func testSmoothedLogExpectedImprovement() {
        let history = [Observation(x: [0.0], objectives: [0, 1]), Observation(x: [1.0], objectives: [1, 0])]
        let chebyshev = ChebyshevScalarization(weights: [0.5, 0.5], observed: history.map(\.objectives))
        let learned = SearchDomain(dimensions: 1)
        let open = ScalarizedExpectedImprovement(history, in: learned, surrogates: Surrogates(history, in: learned),
                                                 chebyshev: chebyshev, samples: 64, seed: 1)
        XCTAssertGreaterThan(open([0.5]), 0)
        XCTAssertEqual(open.log([0.5]), Foundation.log(open([0.5])), accuracy: 1e-3)
        // Exact objectives: g(x) = 0.5 max(x, 1 − x) + 0.025, least at the observed 0.5, so
        // nothing improves; the gap to it is 0.025 at x = 0.45 and 0.2 at x = 0.1.
        let exact = SearchDomain(dimensions: 1, analyticObjectives: { x in [x[0], 1 - x[0]] })
        let mid = [Observation(x: [0.5], objectives: [0.5, 0.5])]
        let certain = ScalarizedExpectedImprovement(mid, in: exact, surrogates: Surrogates(mid, in: exact),
                                                    chebyshev: chebyshev, samples: 8, seed: 1)
        XCTAssertEqual(certain([0.2]), 0)
        XCTAssertEqual(certain([0.1]), 0)
        let near = certain.log([0.45]), far = certain.log([0.1])
        XCTAssertTrue(near.isFinite && far.isFinite, "\(near) \(far)")
        XCTAssertGreaterThan(near, far)
    }

    func testKMeansFindsSeparatedClusters() {
        let points = [[0.0, 0.0], [0.1, 0.0], [0.0, 0.1], [1.0, 1.0], [0.9, 1.0], [1.0, 0.9]]
        var rng = SeededGenerator(seed: 1)
        let centres = KMeans.centres(of: points, count: 2, rng: &rng).sorted { $0[0] < $1[0] }
        XCTAssertEqual(centres.count, 2)
        XCTAssertEqual(centres[0][0], 1.0 / 30, accuracy: 1e-12)
        XCTAssertEqual(centres[1][1], 2.9 / 3, accuracy: 1e-12)
        // Fewer distinct points than clusters: the points themselves.
        XCTAssertEqual(KMeans.centres(of: [[0.5], [0.5], [0.2]], count: 4, rng: &rng), [[0.5], [0.2]])
    }

    func testTrustRegionDoublesHalvesAndCollapses() {
        var region = TrustRegion(center: [0.5, 0.5])
        for _ in 0..<3 { region.record(improved: true, dimensions: 2) }
        XCTAssertEqual(region.length, 1.6)
        for _ in 0..<4 { region.record(improved: false, dimensions: 2) }  // max(4, d) failures
        XCTAssertEqual(region.length, 0.8)
        for _ in 0..<(4 * 7) { region.record(improved: false, dimensions: 2) }
        XCTAssertTrue(region.collapsed)
        var rng = SeededGenerator(seed: 1)
        let narrow = TrustRegion(center: [0.9, 0.1])
        for x in narrow.candidates(50, weights: [2, 0.5], rng: &rng) {
            XCTAssertTrue((0.9 - 0.8...1).contains(x[0]) && (0...0.1 + 0.2).contains(x[1]), "\(x)")
        }
    }

    /// A joint posterior draw with zero normals is the posterior mean; its spread at one point
    /// matches the predicted variance.
    func testJointPosteriorSample() {
        var rng = SeededGenerator(seed: 3)
        let x = (0..<10).map { _ in [rng.nextDouble(), rng.nextDouble()] }
        let gp = GaussianProcess(x: x, y: x.map { sin(3 * $0[0]) + $0[1] })
        let points = [[0.2, 0.3], [0.25, 0.3], [0.9, 0.9]]
        let mean = gp.sample(at: points, normals: [0, 0, 0])
        for (p, m) in zip(points, mean) { XCTAssertEqual(m, gp.predict(p).mean, accuracy: 1e-9) }
        let one = gp.sample(at: [points[2]], normals: [1])[0] - mean[2]
        XCTAssertEqual(one * one, gp.predict(points[2]).variance, accuracy: 1e-6 + 1e-3 * gp.predict(points[2]).variance)
        // Nearby points move together: the second point's draw follows the first's normal.
        let shifted = gp.sample(at: points, normals: [2, 0, 0])
        XCTAssertGreaterThan((shifted[1] - mean[1]) * (shifted[0] - mean[0]), 0)
    }
}
