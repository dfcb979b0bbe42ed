import Foundation
import NasCore
import XCTest
@testable import NasStudy

/// A fresh database file per test, removed afterwards.
class StoreTestCase: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("nasstudy-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    var databasePath: String { directory.appendingPathComponent("study.db").path }

    func makeStudy(_ store: StudyStore, name: String = "kws", planned: Int = 10) throws -> StudyRecord {
        try store.createStudy(StudyRecord(
            name: name, strategy: "ars_mobo", seed: 7, searchSpace: "width: [8, 16, 32]",
            objectives: [Objective(Metric.accuracy, .maximize), Objective(Metric.ram, .minimize)],
            budget: [Constraint(Metric.ram, .lessOrEqual, 128 * 1024)], plannedTrials: planned, script: "s = search(...)\n"))
    }

    /// Starts and completes a trial with the given metrics.
    @discardableResult
    func addTrial(_ store: StudyStore, _ study: StudyRecord, _ metrics: MetricValues, status: TrialStatus = .complete) throws -> TrialRecord {
        var trial = try store.startTrial(in: study, x: [0.5], parameters: [:], seed: 1)
        switch status {
        case .complete: trial.complete(metrics: metrics)
        case .failed: trial.fail("diverged", metrics: metrics)
        case .infeasible: trial.markInfeasible("over budget", metrics: metrics)
        case .running, .planned: return trial
        }
        try store.finish(trial)
        return trial
    }
}
