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

    /// Each backend twice over the same trials: for SQLite two stores on one file, for
    /// PostgreSQL two connections to one database, as two processes (a proposer and a worker,
    /// or two workers) open them.
    func sharedBackends() throws -> [(any StudyStorage, any StudyStorage)] {
        let memory = MemoryStudyStorage()
        let path = directory.appendingPathComponent("shared-\(UUID().uuidString).db").path
        var pairs: [(any StudyStorage, any StudyStorage)] = [(memory, memory), (try StudyStore(path: path), try StudyStore(path: path))]
        // PostgreSQL: two connections to one database, as two machines open it.
        do {
            let url = try TestClusters.cluster(for: Self.self).createDatabase()
            pairs.append((try PostgresStudyStorage(url: url), try PostgresStudyStorage(url: url)))
        } catch let failure as PostgresTestCluster.Failure {
            guard case .notInstalled = failure else { throw failure }
            print("StudyStorageContractTests: PostgreSQL backend not tested: \(failure)")
        }
        return pairs
    }

    func points(_ count: Int) -> [TrialPoint] {
        (1...count).map { TrialPoint(x: [Double($0) / 10], parameters: ["width": .number(Double(8 * $0))], seed: UInt64($0)) }
    }

    /// Three planned trials, the first finished by worker "w1", the second claimed by it and
    /// still running, the third still planned: a batch interrupted mid-way.
    func studyInterruptedMidBatch(proposer: any StudyStorage, worker: any StudyStorage) throws -> (StudyRecord, TrialRecord) {
        let study = try proposer.createStudy(record())
        _ = try proposer.planTrials(in: study, points: points(3), at: Date())
        var done = try XCTUnwrap(try worker.claimTrial(in: study, worker: "w1", at: Date()))
        done.complete(metrics: [.accuracy: 0.7, .ram: 5])
        XCTAssertTrue(try worker.finish(done, epochs: [], worker: "w1"))
        return (study, try XCTUnwrap(try worker.claimTrial(in: study, worker: "w1", at: Date())))
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

    // MARK: Leases

    func testPlannedTrialsAreNumberedAfterTheLastAndClaimedInNumberOrder() throws {
        for storage in try backends() {
            let study = try storage.createStudy(record())
            var first = try storage.startTrial(in: study, x: [0.5], parameters: [:], seed: 1, at: Date())
            first.complete(metrics: [.accuracy: 0.5, .ram: 1])
            try storage.finish(first, epochs: [])
            let planned = try storage.planTrials(in: study, points: points(3), at: Date())
            XCTAssertEqual(planned.map(\.number), [2, 3, 4], storage.location)
            XCTAssertEqual(planned.map(\.status), [.planned, .planned, .planned], storage.location)
            XCTAssertEqual(try storage.trials(of: study).map(\.status), [.complete, .planned, .planned, .planned], storage.location)
            XCTAssertEqual(try storage.pendingTrials(of: study).map(\.number), [2, 3, 4], storage.location)

            let claimed = try XCTUnwrap(try storage.claimTrial(in: study, worker: "w1", at: Date()), storage.location)
            XCTAssertEqual(claimed.number, 2, storage.location)
            XCTAssertEqual(claimed.status, .running, storage.location)
            XCTAssertEqual(claimed.owner, "w1", storage.location)
            XCTAssertNotNil(claimed.heartbeat, storage.location)
            XCTAssertEqual(claimed.parameters, ["width": .number(8)], storage.location)
            XCTAssertEqual(claimed.seed, 1, storage.location)
            XCTAssertEqual(try storage.trials(of: study).first { $0.number == 2 }?.owner, "w1", storage.location)
            XCTAssertEqual(try storage.claimTrial(in: study, worker: "w2", at: Date())?.number, 3, storage.location)
            XCTAssertEqual(try storage.claimTrial(in: study, worker: "w1", at: Date())?.number, 4, storage.location)
            XCTAssertNil(try storage.claimTrial(in: study, worker: "w2", at: Date()), storage.location)
            // An in-process trial started meanwhile still numbers after every planned one.
            XCTAssertEqual(try storage.startTrial(in: study, x: [0.1], parameters: [:], seed: 9, at: Date()).number, 5, storage.location)
        }
    }

    /// Two claimers racing over one study (for SQLite, two stores on one file, as two worker
    /// processes) never get the same trial, and between them get every planned one.
    func testTwoClaimersNeverGetTheSameTrial() throws {
        for (a, b) in try sharedBackends() {
            let study = try a.createStudy(record())
            _ = try a.planTrials(in: study, points: points(40), at: Date())
            let claims = ClaimLog()
            DispatchQueue.concurrentPerform(iterations: 2) { i in
                let storage = i == 0 ? a : b
                do {
                    while let trial = try storage.claimTrial(in: study, worker: "w\(i)", at: Date()) { claims.add(trial.number) }
                } catch {
                    claims.fail("\(error)")
                }
            }
            XCTAssertEqual(claims.errors, [], a.location)
            XCTAssertEqual(claims.numbers.sorted(), Array(1...40), "every trial claimed exactly once (\(a.location))")
            XCTAssertEqual(Set(try a.trials(of: study).map(\.status)), [.running], a.location)
        }
    }

    func testAFinishedLeaseIsStoredOnceAndOnlyByItsOwner() throws {
        for (proposer, worker) in try sharedBackends() {
            let study = try proposer.createStudy(record())
            _ = try proposer.planTrials(in: study, points: points(1), at: Date())
            var trial = try XCTUnwrap(try worker.claimTrial(in: study, worker: "w1", at: Date()))
            XCTAssertThrowsError(try worker.finish(trial, epochs: [], worker: "w1"), worker.location) { error in
                XCTAssertEqual(error as? StudyStoreError, .trialStillRunning(1))
            }
            trial.complete(metrics: [.accuracy: 0.9, .ram: 100])
            XCTAssertFalse(try worker.finish(trial, epochs: [], worker: "w2"), "not w2's lease (\(worker.location))")
            XCTAssertEqual(try proposer.trials(of: study).map(\.status), [.running], proposer.location)
            let curve = [EpochRecord(epoch: 1, trainLoss: 1, trainAccuracy: 0.5, seconds: 1)]
            XCTAssertTrue(try worker.finish(trial, epochs: curve, worker: "w1"), worker.location)
            XCTAssertFalse(try worker.finish(trial, epochs: curve, worker: "w1"), "a second finish stores nothing (\(worker.location))")
            let stored = try proposer.trials(of: study)
            XCTAssertEqual(stored.map(\.status), [.complete], proposer.location)
            XCTAssertEqual(stored.first?.owner, "w1", proposer.location)
            XCTAssertEqual(stored.first?.metrics, [.accuracy: 0.9, .ram: 100], proposer.location)
            XCTAssertEqual(try proposer.epochs(of: stored[0]), curve, proposer.location)
        }
    }

    /// A worker that stops renewing its lease loses the trial: it is planned again (its curve
    /// dropped), another worker runs it, and the first worker's late outcome is refused.
    func testAnExpiredLeaseIsPlannedAgainAndTheLateFinishIsRefused() throws {
        for (proposer, worker) in try sharedBackends() {
            let study = try proposer.createStudy(record())
            _ = try proposer.planTrials(in: study, points: points(2), at: Date())
            let t0 = Date()
            var stalled = try XCTUnwrap(try worker.claimTrial(in: study, worker: "stalled", at: t0))
            let alive = try XCTUnwrap(try worker.claimTrial(in: study, worker: "alive", at: t0))
            XCTAssertEqual(try worker.heartbeat(worker: "alive", at: t0 + 50), [alive.id!], worker.location)
            XCTAssertEqual(try proposer.expireLeases(in: study, olderThan: 30, at: t0 + 20), [], "not stale yet (\(proposer.location))")
            XCTAssertEqual(try proposer.expireLeases(in: study, olderThan: 30, at: t0 + 60), [1], proposer.location)
            XCTAssertEqual(try worker.heartbeat(worker: "stalled", at: t0 + 61), [], "the lease is gone (\(worker.location))")

            let replanned = try XCTUnwrap(try proposer.trials(of: study).first { $0.number == 1 })
            XCTAssertEqual(replanned.status, .planned, proposer.location)
            XCTAssertNil(replanned.owner, proposer.location)
            XCTAssertEqual(replanned.parameters, stalled.parameters, "same configuration (\(proposer.location))")
            var rerun = try XCTUnwrap(try worker.claimTrial(in: study, worker: "alive", at: t0 + 62))
            XCTAssertEqual(rerun.number, 1, worker.location)

            stalled.complete(metrics: [.accuracy: 0.1, .ram: 1])
            XCTAssertFalse(try worker.finish(stalled, epochs: [], worker: "stalled"), "late outcome refused (\(worker.location))")
            rerun.complete(metrics: [.accuracy: 0.8, .ram: 1])
            XCTAssertTrue(try worker.finish(rerun, epochs: [], worker: "alive"), worker.location)
            let first = try XCTUnwrap(try proposer.trials(of: study).first { $0.number == 1 })
            XCTAssertEqual(first.metrics[.accuracy], 0.8, "the rerun's outcome, once (\(proposer.location))")
            XCTAssertEqual(try proposer.trials(of: study).count, 2, proposer.location)
            // An in-process trial (no owner) is never expired.
            _ = try proposer.startTrial(in: study, x: [0.9], parameters: [:], seed: 3, at: t0)
            XCTAssertEqual(try proposer.expireLeases(in: study, olderThan: 1, at: t0 + 1000), [2], "only the leased trial (\(proposer.location))")
        }
    }

    func testResumeDropsPlannedAndLeasedTrials() throws {
        for (proposer, worker) in try sharedBackends() {
            let (study, claimed) = try studyInterruptedMidBatch(proposer: proposer, worker: worker)
            var leased = claimed

            let resumed = try proposer.resume(study)
            XCTAssertEqual(resumed.trials.map(\.number), [1], proposer.location)
            XCTAssertEqual(resumed.interrupted, [2], proposer.location)
            XCTAssertEqual(resumed.remaining, 4, proposer.location)
            XCTAssertNil(try worker.claimTrial(in: study, worker: "w1", at: Date()), "planned trials dropped (\(worker.location))")
            leased.complete(metrics: [.accuracy: 0.7, .ram: 5])
            XCTAssertFalse(try worker.finish(leased, epochs: [], worker: "w1"), "its lease went with the resume (\(worker.location))")
            XCTAssertEqual(try proposer.trials(of: study).map(\.number), [1], proposer.location)
        }
    }

    /// A synchronous batch interrupted mid-way: resuming with `keepingPlanned` keeps the
    /// planned trial and plans the running one again, both under their own numbers and seeds,
    /// takes the running one's lease, and new trials are numbered after them.
    func testResumeKeepingPlannedRunsTheInterruptedBatchUnderItsOwnNumbers() throws {
        for (proposer, worker) in try sharedBackends() {
            let (study, claimed) = try studyInterruptedMidBatch(proposer: proposer, worker: worker)
            var leased = claimed

            let resumed = try proposer.resume(study, keepingPlanned: true)
            XCTAssertEqual(resumed.trials.map(\.number), [1], proposer.location)
            XCTAssertEqual(resumed.interrupted, [2], proposer.location)
            XCTAssertEqual(resumed.planned.map(\.number), [2, 3], proposer.location)
            XCTAssertEqual(resumed.planned.map(\.seed), [2, 3], "their own seeds (\(proposer.location))")
            XCTAssertEqual(resumed.planned.map(\.status), [.planned, .planned], proposer.location)
            XCTAssertEqual(resumed.planned.map(\.owner), [nil, nil], proposer.location)
            leased.complete(metrics: [.accuracy: 0.7, .ram: 5])
            XCTAssertFalse(try worker.finish(leased, epochs: [], worker: "w1"), "its lease went with the resume (\(worker.location))")
            let again = try XCTUnwrap(try worker.claimTrial(in: study, worker: "w2", at: Date()))
            XCTAssertEqual([again.number], [2], "the interrupted trial runs again first (\(worker.location))")
            XCTAssertEqual(try proposer.planTrials(in: study, points: points(1), at: Date()).map(\.number), [4], proposer.location)
        }
    }

    /// A stopping worker (SIGTERM) gives its leases back: its running trial is planned again at
    /// once, other workers' leases are untouched, and its late finish is refused.
    func testAReleasedLeaseIsPlannedAgainAtOnce() throws {
        for (proposer, worker) in try sharedBackends() {
            let study = try proposer.createStudy(record())
            _ = try proposer.planTrials(in: study, points: points(3), at: Date())
            var mine = try XCTUnwrap(try worker.claimTrial(in: study, worker: "w1", at: Date()))
            let other = try XCTUnwrap(try worker.claimTrial(in: study, worker: "w2", at: Date()))
            XCTAssertEqual(try worker.releaseTrials(of: "w1"), [mine.number], worker.location)
            let trials = try proposer.trials(of: study)
            XCTAssertEqual(trials.map(\.status), [.planned, .running, .planned], proposer.location)
            XCTAssertEqual(trials[0].owner, nil, proposer.location)
            XCTAssertEqual(trials[1].owner, "w2", "another worker's lease stays (\(proposer.location))")
            mine.complete(metrics: [.accuracy: 0.7, .ram: 5])
            XCTAssertFalse(try worker.finish(mine, epochs: [], worker: "w1"), "released, so not stored (\(worker.location))")
            XCTAssertEqual(try worker.claimTrial(in: study, worker: "w3", at: Date())?.number, mine.number, worker.location)
            XCTAssertEqual(try worker.releaseTrials(of: "nobody"), [], worker.location)
            _ = other
        }
    }

    func testWorkersAreRegisteredAndUpdated() throws {
        for (a, b) in try sharedBackends() {
            let study = try a.createStudy(record())
            let t0 = Date(timeIntervalSinceReferenceDate: 800_000_000)
            var w = WorkerRecord(id: "host:1:abc", host: "host", pid: 1, threads: 2, studyID: study.id, started: t0)
            try a.registerWorker(w)
            try b.registerWorker(WorkerRecord(id: "host:2:def", host: "host", pid: 2, threads: 1, studyID: nil, started: t0 + 1))
            w.state = .training
            try a.registerWorker(w)
            try b.heartbeat(worker: w.id, at: t0 + 10)
            let rows = try a.workers()
            XCTAssertEqual(rows.map(\.id), ["host:1:abc", "host:2:def"], a.location)
            XCTAssertEqual(rows[0].state, .training, a.location)
            XCTAssertEqual(rows[0].heartbeat, t0 + 10, a.location)
            XCTAssertEqual(rows[0].studyID, study.id, a.location)
            XCTAssertEqual(rows[1].studyID, nil, a.location)
        }
    }
}

/// Numbers claimed from several threads, and any error they met.
final class ClaimLog: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var numbers: [Int] = []
    private(set) var errors: [String] = []
    func add(_ n: Int) { lock.lock(); numbers.append(n); lock.unlock() }
    func fail(_ e: String) { lock.lock(); errors.append(e); lock.unlock() }
}
