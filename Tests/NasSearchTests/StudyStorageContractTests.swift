import Foundation
import NasCore
import NasStudy
import NasStudyPostgres
import PostgresTestCluster
import XCTest

/// The `StudyStorage` contract, run on every backend: whatever keeps the trials, a search
/// must see the same numbers, outcomes, curves, resumes and fronts.
final class StudyStorageContractTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("nassearch-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    /// The class's throwaway PostgreSQL cluster (see `PostgresTestCluster`) goes with it.
    override class func tearDown() { TestClusters.release(self) }

    /// One fresh storage of each kind: memory, a SQLite file, and a new database on a
    /// throwaway PostgreSQL server (left out, with a message, only where PostgreSQL is not
    /// installed).
    func backends() throws -> [any StudyStorage] {
        var storages: [any StudyStorage] = [MemoryStudyStorage(), try StudyStore(path: directory.appendingPathComponent("study-\(UUID().uuidString).db").path)]
        do {
            storages.append(try PostgresStudyStorage(url: try TestClusters.cluster(for: Self.self).createDatabase()))
        } catch let failure as PostgresTestCluster.Failure {
            guard case .notInstalled = failure else { throw failure }
            print("StudyStorageContractTests: PostgreSQL backend not tested: \(failure)")
        }
        return storages
    }

    func record(_ name: String = "kws") -> StudyRecord {
        StudyRecord(name: name, strategy: "random", seed: 7, searchSpace: "width [8, 16]",
                    objectives: [Objective(.accuracy, .maximize), Objective(.ram, .minimize)],
                    budget: [Constraint(.ram, .lessOrEqual, 64 * 1024)], plannedTrials: 5)
    }

    func testStudiesAreNamedUniquelyAndListedOldestFirst() throws {
        for storage in try backends() {
            let a = try storage.createStudy(record("a"))
            let b = try storage.createStudy(record("b"))
            XCTAssertNotNil(a.id, storage.location)
            XCTAssertNotEqual(a.id, b.id, storage.location)
            XCTAssertThrowsError(try storage.createStudy(record("a")), storage.location) { error in
                XCTAssertEqual(error as? StudyStoreError, .duplicateStudy("a"))
            }
            XCTAssertEqual(try storage.studies().map(\.name), ["a", "b"], storage.location)
            XCTAssertEqual(try storage.study(named: "b")?.id, b.id, storage.location)
            XCTAssertEqual(try storage.latestStudy()?.name, "b", storage.location)
        }
    }

    func testTrialsAreNumberedStoredWithCurvesAndClosedOnce() throws {
        for storage in try backends() {
            let study = try storage.createStudy(record())
            var first = try storage.startTrial(in: study, x: [0.25], parameters: ["width": .number(8)], seed: 11, at: Date())
            var second = try storage.startTrial(in: study, x: [0.75], parameters: ["width": .number(16)], seed: 12, at: Date())
            XCTAssertEqual([first.number, second.number], [1, 2], storage.location)
            XCTAssertThrowsError(try storage.finish(first, epochs: []), storage.location) { error in
                XCTAssertEqual(error as? StudyStoreError, .trialStillRunning(1))
            }
            first.complete(metrics: [.accuracy: 0.8, .ram: 40_000])
            let curve = [EpochRecord(epoch: 1, trainLoss: 1.5, trainAccuracy: 0.4, validationLoss: 1.6, validationAccuracy: 0.35, seconds: 2),
                         EpochRecord(epoch: 2, trainLoss: 0.9, trainAccuracy: 0.7, seconds: 2)]
            try storage.finish(first, epochs: curve)
            second.markInfeasible("ram 80.0 KB breaks ram <= 64.0 KB", metrics: [.ram: 80_000])
            try storage.finish(second, epochs: [])

            let trials = try storage.trials(of: study)
            XCTAssertEqual(trials.map(\.number), [1, 2], storage.location)
            XCTAssertEqual(trials.map(\.status), [.complete, .infeasible], storage.location)
            XCTAssertEqual(trials[0].metrics, [.accuracy: 0.8, .ram: 40_000], storage.location)
            XCTAssertEqual(trials[0].parameters, ["width": .number(8)], storage.location)
            XCTAssertEqual(trials[0].seed, 11, storage.location)
            XCTAssertEqual(trials[1].failureReason, "ram 80.0 KB breaks ram <= 64.0 KB", storage.location)
            XCTAssertEqual(try storage.epochs(of: trials[0]), curve, storage.location)
            XCTAssertEqual(try storage.epochs(of: trials[1]), [], storage.location)
        }
    }

    func testResumeDropsRunningTrialsAndRenumbersAfterTheLastFinished() throws {
        for storage in try backends() {
            let study = try storage.createStudy(record())
            var done = try storage.startTrial(in: study, x: [0.1], parameters: [:], seed: 1, at: Date())
            done.fail("diverged")
            try storage.finish(done, epochs: [])
            _ = try storage.startTrial(in: study, x: [0.2], parameters: [:], seed: 2, at: Date())  // killed mid-training
            try storage.markFinished(study)

            let resumed = try storage.resume(study)
            XCTAssertEqual(resumed.study.status, .running, storage.location)
            XCTAssertEqual(resumed.trials.map(\.number), [1], storage.location)
            XCTAssertEqual(resumed.interrupted, [2], storage.location)
            XCTAssertEqual(resumed.remaining, 4, storage.location)
            XCTAssertEqual(try storage.trials(of: study).map(\.number), [1], storage.location)
            let next = try storage.startTrial(in: study, x: [0.2], parameters: [:], seed: 2, at: Date())
            XCTAssertEqual(next.number, 2, "the interrupted trial runs again under its number (\(storage.location))")
        }
    }

    func testFeasibleFrontFollowsTheBudgetGivenOrStored() throws {
        for storage in try backends() {
            let study = try storage.createStudy(record())
            // (accuracy, ram): 3 dominates nothing it should not; 4 is over the stored 64 KB budget.
            for (accuracy, ram) in [(0.6, 10_000.0), (0.7, 30_000.0), (0.65, 40_000.0), (0.9, 100_000.0)] {
                var trial = try storage.startTrial(in: study, x: [accuracy], parameters: [:], seed: 1, at: Date())
                trial.complete(metrics: [.accuracy: accuracy, .ram: ram])
                try storage.finish(trial, epochs: [])
            }
            XCTAssertEqual(try storage.feasibleFront(of: study, within: nil).map(\.number), [2, 1], storage.location)
            XCTAssertEqual(try storage.feasibleFront(of: study, within: []).map(\.number), [4, 2, 1], storage.location)
            let tighter = try storage.updateBudget([Constraint(.ram, .lessOrEqual, 20_000)], of: study)
            XCTAssertEqual(try storage.feasibleFront(of: tighter, within: nil).map(\.number), [1], storage.location)
            XCTAssertEqual(try storage.study(named: "kws")?.budget, [Constraint(.ram, .lessOrEqual, 20_000)], storage.location)
        }
    }

    func testUnsavedStudiesAndTrialsAreRefused() throws {
        for storage in try backends() {
            XCTAssertThrowsError(try storage.trials(of: record("never stored")), storage.location) { error in
                XCTAssertEqual(error as? StudyStoreError, .unsavedStudy("never stored"))
            }
        }
    }
}
