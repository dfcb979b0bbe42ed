import Foundation
import NasCore
import NasOptimize
import XCTest
@testable import NasStudy

final class ResumeTests: StoreTestCase {
    func testResumeDropsInterruptedTrialsAndContinuesTheNumbering() throws {
        let store = try StudyStore(path: databasePath)
        let study = try makeStudy(store, planned: 6)
        try addTrial(store, study, [Metric.accuracy: 0.6, Metric.ram: 1000])
        try addTrial(store, study, [Metric.ram: 9e9], status: .infeasible)
        try addTrial(store, study, [Metric.accuracy: 0.8, Metric.ram: 3000])
        _ = try store.startTrial(in: study, x: [0.25], parameters: [:], seed: 4)  // killed while training
        try store.markFinished(study)
        try store.updateBudget([Constraint(Metric.ram, .lessOrEqual, 2000)], of: study)

        let resumed = try StudyStore(path: databasePath).resume(study)
        XCTAssertEqual(resumed.interrupted, [4])
        XCTAssertEqual(resumed.trials.map(\.number), [1, 2, 3])
        XCTAssertEqual(resumed.study.status, .running)
        XCTAssertEqual(resumed.study.budget, [Constraint(Metric.ram, .lessOrEqual, 2000)], "the stored study, not the caller's copy")
        XCTAssertEqual(try store.study(named: study.name)?.status, .running)
        XCTAssertEqual(resumed.remaining, 3)
        XCTAssertEqual(resumed.observations, [
            Observation(x: [0.5], objectives: [-0.6, 1000]), Observation(x: [0.5], objectives: [-0.8, 3000]),
        ])
        XCTAssertEqual(try store.startTrial(in: study, x: [0.25], parameters: [:], seed: 4).number, 4)
        XCTAssertEqual(try store.resume(study).interrupted, [4])
    }
}
