import NasCore
import NasOptimize
import NasStudy
import XCTest
@testable import NasSearch

/// The one ask/tell loop: counting, skipping, stopping, giving up, and replay that leaves the
/// strategy exactly where an uninterrupted run would have it.
final class SearchLoopTests: XCTestCase {
    let problem = TestProblem.zdt1(dimensions: 3)

    func evaluate(_ x: [Double]) -> SearchLoop.Told { .evaluated(Observation(x: x, objectives: problem.evaluate(x))) }

    func testRunsUntilTheTrialsAreEvaluatedAndSkipsDoNotCount() {
        var strategy: any Strategy = RandomSearch(seed: 3)
        var loop = SearchLoop(trials: 5, maxProposals: 100)
        var asked = 0
        let ending = loop.run(strategy: &strategy, domain: problem.domain) { x in
            asked += 1
            // Every other proposal is "over budget": told, not counted.
            return asked.isMultiple(of: 2) ? .skipped(.failure(at: x)) : evaluate(x)
        }
        XCTAssertEqual(ending, .completed)
        XCTAssertEqual(loop.evaluated, 5)
        XCTAssertEqual(asked, 9)
        XCTAssertEqual(loop.observations.count, 9, "skipped proposals are observations too")
    }

    func testGivesUpAfterMaxProposalsAndStopsWhenAsked() {
        var strategy: any Strategy = RandomSearch(seed: 3)
        var loop = SearchLoop(trials: 3, maxProposals: 4)
        XCTAssertEqual(loop.run(strategy: &strategy, domain: problem.domain) { .skipped(.failure(at: $0)) }, .exhausted)
        XCTAssertEqual(loop.proposals, 4)
        XCTAssertEqual(loop.evaluated, 0)

        var stopping = SearchLoop(trials: 3)
        var calls = 0
        XCTAssertEqual(stopping.run(strategy: &strategy, domain: problem.domain, shouldStop: { calls += 1; return calls > 2 }) { evaluate($0) },
                       .stopped)
        XCTAssertEqual(stopping.evaluated, 2)
        var interrupted = SearchLoop(trials: 3)
        XCTAssertEqual(interrupted.run(strategy: &strategy, domain: problem.domain) { _ in .stopped }, .stopped)
        XCTAssertEqual(interrupted.evaluated, 0)
    }

    /// Stop after 4 trials, replay them into a fresh strategy, run the rest: the same 10 points
    /// as one uninterrupted run, and no replayed proposal diverges.
    func testReplayThenContinueEqualsAnUninterruptedRun() {
        for make in [{ RandomSearch(seed: 9) as any Strategy }, { SobolSearch(seed: 9) as any Strategy }, { NSGA2(seed: 9) as any Strategy }] {
            var whole = make()
            var uninterrupted = SearchLoop(trials: 10)
            _ = uninterrupted.run(strategy: &whole, domain: problem.domain) { evaluate($0) }

            var first = make()
            var partial = SearchLoop(trials: 4)
            _ = partial.run(strategy: &first, domain: problem.domain) { evaluate($0) }
            var fresh = make()
            var resumed = SearchLoop(trials: 10)
            let diverged = resumed.replay(partial.observations.map { .init(x: $0.x, observation: $0, counted: true) },
                                          strategy: &fresh, domain: problem.domain) { _, _ in }
            XCTAssertEqual(diverged, 0, fresh.name)
            XCTAssertEqual(resumed.evaluated, 4)
            _ = resumed.run(strategy: &fresh, domain: problem.domain) { evaluate($0) }
            XCTAssertEqual(resumed.observations, uninterrupted.observations, fresh.name)
        }
    }

    func testProblemStudiesRunOnTheLoop() {
        var a = RandomSearch(seed: 5), b = RandomSearch(seed: 5)
        let study = ProblemStudy.run(problem, strategy: &a, trials: 12)
        var loop = SearchLoop(trials: 12)
        var strategy: any Strategy = b
        _ = loop.run(strategy: &strategy, domain: problem.domain) { evaluate($0) }
        XCTAssertEqual(study.observations, loop.observations)
        XCTAssertEqual(study.hypervolumeHistory.count, 12)
        XCTAssertEqual(study.hypervolumeHistory, study.hypervolumeHistory.sorted(), "hypervolume never falls")
        // The caller's strategy advanced with the run: its next proposal is the 13th point.
        XCTAssertEqual(a.propose(after: study.observations, in: problem.domain),
                       strategy.propose(after: loop.observations, in: problem.domain))
        _ = b
    }

    /// A problem search keeps its trials where a network search does: one `Study` over a
    /// `StudyStorage` (memory), each trial complete with its objectives as metrics f1, f2, ...,
    /// or failed; what the study reports is read back from there.
    func testProblemStudiesKeepTheirTrialsInAStudy() throws {
        var strategy = RandomSearch(seed: 3)
        let run = ProblemStudy.run(problem, strategy: &strategy, trials: 9)
        XCTAssertEqual(run.study.storage.location, "memory")
        XCTAssertEqual(run.study.record.objectives, [Objective(.f1, .minimize), Objective(.f2, .minimize)])
        XCTAssertEqual(try run.study.storage.studies().map(\.status), [.finished])
        let trials = try run.study.trials()
        XCTAssertEqual(trials.map(\.number), Array(1...9))
        XCTAssertTrue(trials.allSatisfy { $0.status == .complete })
        for (trial, observation) in zip(trials, run.observations) {
            XCTAssertEqual(trial.x, observation.x)
            XCTAssertEqual([trial.metrics[.f1], trial.metrics[.f2]], observation.objectives.map { Optional($0) })
        }
        // Infeasible proposals are failed trials, and the front skips them.
        let impossible = SearchDomain(dimensions: 3, isFeasible: { _ in false })
        var random = RandomSearch(seed: 1)
        let failed = ProblemStudy.run(problem, in: impossible, strategy: &random, trials: 3)
        XCTAssertEqual(try failed.study.trials().map(\.status), [.failed, .failed, .failed])
        XCTAssertTrue(failed.observations.allSatisfy(\.failed))
        XCTAssertEqual(failed.paretoIndices, [])
        XCTAssertEqual(failed.hypervolume, 0)
    }
}
