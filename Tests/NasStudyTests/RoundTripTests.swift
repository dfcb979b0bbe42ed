import Foundation
import GRDB
import NasCore
import XCTest
@testable import NasStudy

/// Every field written is read back as it was.
final class RoundTripTests: StoreTestCase {
    func testStudyFieldsRoundTrip() throws {
        let store = try StudyStore(path: databasePath)
        let created = Date(timeIntervalSince1970: 1_790_000_000.123_456)
        let study = try store.createStudy(StudyRecord(
            name: "cifar tiny", strategy: "mobo", seed: UInt64.max - 3, searchSpace: #"{"width": [8, 64], "act": ["relu", "gelu"]}"#,
            objectives: [Objective(Metric.accuracy, .maximize), Objective(Metric.latency, .minimize), Objective(Metric.flash, .minimize)],
            budget: [Constraint(Metric.ram, .lessOrEqual, 65536), Constraint(Metric.floatAccuracy, .greater, 0.8)],
            plannedTrials: 40, script: "budget { ram <= 64 KB }\nsearch(cnn)\n", created: created))
        XCTAssertNotNil(study.id)
        let read = try XCTUnwrap(try StudyStore(path: databasePath).study(named: "cifar tiny"))
        XCTAssertEqual(read, study)
        XCTAssertEqual(read.seed, UInt64.max - 3)
        XCTAssertEqual(read.status, .running)
        XCTAssertEqual(read.scriptHash, StudyRecord.hash("budget { ram <= 64 KB }\nsearch(cnn)\n"))
        XCTAssertNotEqual(read.scriptHash, StudyRecord.hash("budget { ram <= 32 KB }\nsearch(cnn)\n"))
        let storedHash = try store.pool.read { db in try String.fetchOne(db, sql: "SELECT scriptHash FROM study") }
        XCTAssertEqual(storedHash, read.scriptHash)
    }

    func testTrialAndEpochFieldsRoundTrip() throws {
        let store = try StudyStore(path: databasePath)
        let study = try makeStudy(store)
        let start = Date()
        let parameters: [String: ParameterValue] = [
            "width": .number(16), "rate": .number(0.125), "activation": .string("relu"), "batch_norm": .bool(true),
            "kernels": .list([.number(3), .number(5), .number(1)]), "blocks": .list([.list([.string("conv"), .number(8)]), .bool(false)]),
            "one": .number(1), "zero": .number(0),
        ]
        var trial = try store.startTrial(in: study, x: [0, 1, 0.1, 1.0 / 3.0, .leastNonzeroMagnitude], parameters: parameters, seed: 1 << 63, at: start)
        var metrics: MetricValues = [
            Metric.accuracy: 0.9123456789012345, Metric.loss: .infinity, Metric.ram: 61_440, Metric.flash: 250_000,
            Metric.macs: 1.5e6, Metric.params: 24_000, Metric.latency: 0.0123, Metric.floatAccuracy: 0.915,
        ]
        // An unknown value is absent, never NaN: setting NaN removes it.
        metrics[.loss] = .nan
        XCTAssertNil(metrics[.loss])
        metrics[.loss] = .infinity
        trial.complete(metrics: metrics, at: start.addingTimeInterval(42.125))
        let epochs = [
            EpochRecord(epoch: 1, trainLoss: 2.3, trainAccuracy: 0.1, validationLoss: 2.2, validationAccuracy: 0.12, seconds: 1.5),
            EpochRecord(epoch: 2, trainLoss: .nan, trainAccuracy: 0.4, seconds: 1.25),
        ]
        try store.finish(trial, epochs: epochs)

        let read = try XCTUnwrap(try StudyStore(path: databasePath).trials(of: study).first)
        XCTAssertEqual(read.id, trial.id)
        XCTAssertEqual(read.studyID, study.id)
        XCTAssertEqual(read.number, 1)
        XCTAssertEqual(read.status, .complete)
        XCTAssertNil(read.failureReason)
        XCTAssertEqual(read.x, [0, 1, 0.1, 1.0 / 3.0, .leastNonzeroMagnitude])
        XCTAssertEqual(read.parameters, parameters)
        XCTAssertEqual(read.seed, 1 << 63)
        XCTAssertEqual(read.seconds, 42.125)
        XCTAssertEqual(read.started, start)
        XCTAssertEqual(read.finished, start.addingTimeInterval(42.125))
        XCTAssertEqual(read.metrics, metrics)

        let curve = try store.epochs(of: read)
        XCTAssertEqual(curve.count, 2)
        XCTAssertEqual(curve[0], epochs[0])
        XCTAssertTrue(curve[1].trainLoss.isNaN)
        XCTAssertEqual(curve[1].trainAccuracy, 0.4)
        XCTAssertNil(curve[1].validationLoss)
        XCTAssertEqual(curve[1].seconds, 1.25)
    }

    func testFailedAndInfeasibleTrialsKeepReasonAndMetrics() throws {
        let store = try StudyStore(path: databasePath)
        let study = try makeStudy(store)
        try addTrial(store, study, [Metric.ram: 300_000], status: .infeasible)
        try addTrial(store, study, [Metric.loss: .nan], status: .failed)
        let trials = try store.trials(of: study)
        XCTAssertEqual(trials.map(\.number), [1, 2])
        XCTAssertEqual(trials.map(\.status), [.infeasible, .failed])
        XCTAssertEqual(trials.map(\.failureReason), ["over budget", "diverged"])
        XCTAssertEqual(trials[0].metrics, [Metric.ram: 300_000])
        XCTAssertNil(trials[0].objectiveVector(study.objectives))
    }

    func testStudyLookupsAndStatus() throws {
        let store = try StudyStore(path: databasePath)
        XCTAssertNil(try store.latestStudy())
        let first = try makeStudy(store, name: "a")
        let second = try makeStudy(store, name: "b")
        XCTAssertEqual(try store.latestStudy()?.name, "b")
        XCTAssertEqual(try store.studies().map(\.name), ["a", "b"])
        XCTAssertNil(try store.study(named: "c"))
        XCTAssertThrowsError(try makeStudy(store, name: "a")) { error in
            XCTAssertEqual(error as? StudyStoreError, .duplicateStudy("a"))
        }
        try store.markFinished(first)
        XCTAssertEqual(try store.study(named: "a")?.status, .finished)
        XCTAssertEqual(try store.study(named: "b")?.status, .running)
        let tighter = try store.updateBudget([Constraint(Metric.ram, .lessOrEqual, 64 * 1024)], of: second)
        XCTAssertEqual(try store.study(named: "b"), tighter)
    }

    func testMisuseIsRefusedWithAClearError() throws {
        let store = try StudyStore(path: databasePath)
        let unsaved = StudyRecord(name: "ghost", strategy: "sobol", seed: 1, searchSpace: "", objectives: [], plannedTrials: 1)
        XCTAssertThrowsError(try store.startTrial(in: unsaved, x: [], parameters: [:], seed: 1)) { error in
            XCTAssertEqual(error as? StudyStoreError, .unsavedStudy("ghost"))
        }
        let study = try makeStudy(store)
        let running = try store.startTrial(in: study, x: [0.1], parameters: [:], seed: 1)
        XCTAssertThrowsError(try store.finish(running)) { error in
            XCTAssertEqual(error as? StudyStoreError, .trialStillRunning(1))
            XCTAssertTrue("\(error)".contains("still running"))
        }
    }

    func testCorruptJSONIsReportedNotCrashed() throws {
        let store = try StudyStore(path: databasePath)
        let study = try makeStudy(store)
        try addTrial(store, study, [Metric.accuracy: 0.5])
        try store.pool.write { db in try db.execute(sql: "UPDATE trial SET metrics = '{not json'") }
        XCTAssertThrowsError(try store.trials(of: study)) { error in
            guard case .corruptColumn(table: "trial", column: "metrics", _)? = error as? StudyStoreError else {
                return XCTFail("unexpected \(error)")
            }
        }
    }
}
