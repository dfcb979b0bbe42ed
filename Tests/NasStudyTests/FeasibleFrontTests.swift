import Foundation
import NasCore
import XCTest
@testable import NasStudy

/// The budget re-filter against a filter written the obvious, slow way.
final class FeasibleFrontTests: StoreTestCase {
    /// Trials with coarse (so often tied) metrics, some incomplete or missing a metric.
    func randomTrials(_ count: Int, seed: UInt64) -> [TrialRecord] {
        var rng = SeededGenerator(seed: seed)
        return (1...count).map { n in
            var metrics: MetricValues = [
                Metric.accuracy: Double(rng.nextInt(below: 20)) / 20,
                Metric.ram: Double(rng.nextInt(below: 16) * 8192),
                Metric.latency: Double(rng.nextInt(below: 10)) / 100,
            ]
            if rng.nextInt(below: 15) == 0 { metrics[Metric.latency] = nil }
            var trial = TrialRecord(studyID: 1, number: n, x: [rng.nextDouble()], parameters: [:], seed: 0, started: Date())
            switch rng.nextInt(below: 10) {
            case 0: trial.fail("diverged", metrics: metrics)
            case 1: trial.markInfeasible("over budget", metrics: metrics)
            default: trial.complete(metrics: metrics)
            }
            return trial
        }
    }

    /// Written out directly: directions compared as >= / <=, no negation, no Pareto module.
    func bruteForce(_ trials: [TrialRecord], _ budget: [Constraint], _ objectives: [Objective]) -> Set<Int> {
        func fits(_ t: TrialRecord) -> Bool {
            guard t.status == .complete, objectives.allSatisfy({ t.metrics[$0.metric] != nil }) else { return false }
            return budget.allSatisfy { c in
                guard let v = t.metrics[c.metric] else { return false }
                switch c.comparison {
                case .lessOrEqual: return v <= c.limit
                case .less: return v < c.limit
                case .greaterOrEqual: return v >= c.limit
                case .greater: return v > c.limit
                case .equal: return v == c.limit
                }
            }
        }
        func noWorse(_ a: TrialRecord, _ b: TrialRecord, _ o: Objective) -> Bool {
            o.direction == .maximize ? a.metrics[o.metric]! >= b.metrics[o.metric]! : a.metrics[o.metric]! <= b.metrics[o.metric]!
        }
        let feasible = trials.filter(fits)
        return Set(feasible.filter { t in
            !feasible.contains { u in
                objectives.allSatisfy { noWorse(u, t, $0) } && objectives.contains { !noWorse(t, u, $0) }
            }
        }.map(\.number))
    }

    func testMatchesBruteForceAcrossBudgets() {
        let objectives = [Objective(Metric.accuracy, .maximize), Objective(Metric.ram, .minimize), Objective(Metric.latency, .minimize)]
        let budgets: [[Constraint]] = [
            [],
            [Constraint(Metric.ram, .lessOrEqual, 64 * 1024)],
            [Constraint(Metric.ram, .less, 64 * 1024), Constraint(Metric.latency, .lessOrEqual, 0.05)],
            [Constraint(Metric.accuracy, .greaterOrEqual, 0.5), Constraint(Metric.ram, .greater, 8192)],
            [Constraint(Metric.ram, .equal, 0)],
            [Constraint(Metric.flash, .lessOrEqual, 1e9)],  // no trial has flash: nothing fits
        ]
        for seed in 1...4 {
            let trials = randomTrials(300, seed: UInt64(seed))
            for budget in budgets {
                for objectives in [objectives, Array(objectives.prefix(2)), [objectives[0]]] {
                    let front = trials.feasibleFront(within: budget, objectives: objectives)
                    XCTAssertEqual(Set(front.map(\.number)), bruteForce(trials, budget, objectives), "seed \(seed), budget \(budget)")
                    XCTAssertEqual(front.count, Set(front.map(\.number)).count)
                    // Best first on the first objective, ties broken by the next, then by number.
                    for (a, b) in zip(front, front.dropFirst()) {
                        let ka = objectives.map { $0.minimized(a.metrics[$0.metric]!) } + [Double(a.number)]
                        let kb = objectives.map { $0.minimized(b.metrics[$0.metric]!) } + [Double(b.number)]
                        XCTAssertTrue(ka.lexicographicallyPrecedes(kb), "\(a.number) before \(b.number)")
                    }
                }
            }
        }
        XCTAssertTrue(randomTrials(50, seed: 9).feasibleFront(within: budgets[5], objectives: objectives).isEmpty)
    }

    func testTheStoreReadsTheSameFrontAsTheTrialsInMemory() throws {
        let store = try StudyStore(path: databasePath)
        let study = try makeStudy(store)
        for t in randomTrials(200, seed: 11) {
            try addTrial(store, study, t.metrics, status: t.status)
        }
        let stored = try store.trials(of: study)
        for budget in [[], [Constraint(Metric.ram, .lessOrEqual, 64 * 1024)], [Constraint(Metric.accuracy, .greater, 0.6)]] {
            let front = try store.feasibleFront(of: study, within: budget)
            XCTAssertFalse(front.isEmpty)
            XCTAssertEqual(front, stored.feasibleFront(within: budget, objectives: study.objectives))
            XCTAssertEqual(Set(front.map(\.number)), bruteForce(stored, budget, study.objectives))
        }
    }

    func testTighteningTheBudgetRefiltersStoredTrials() throws {
        let store = try StudyStore(path: databasePath)
        let study = try makeStudy(store)  // budget ram <= 128 KB; accuracy up, ram down
        try addTrial(store, study, [Metric.accuracy: 0.95, Metric.ram: 200 * 1024])  // over any budget
        try addTrial(store, study, [Metric.accuracy: 0.90, Metric.ram: 100 * 1024])
        try addTrial(store, study, [Metric.accuracy: 0.80, Metric.ram: 60 * 1024])
        try addTrial(store, study, [Metric.accuracy: 0.70, Metric.ram: 70 * 1024])  // dominated by 3
        try addTrial(store, study, [Metric.accuracy: 0.99, Metric.ram: 10 * 1024], status: .failed)
        XCTAssertEqual(try store.feasibleFront(of: study).map(\.number), [2, 3])
        XCTAssertEqual(try store.feasibleFront(of: study, within: [Constraint(Metric.ram, .lessOrEqual, 64 * 1024)]).map(\.number), [3])
        XCTAssertEqual(try store.feasibleFront(of: study, within: []).map(\.number), [1, 2, 3])
        let tighter = try store.updateBudget([Constraint(Metric.ram, .lessOrEqual, 32 * 1024)], of: study)
        XCTAssertEqual(try store.feasibleFront(of: tighter).map(\.number), [])
    }
}
