import Foundation
import GRDB
import NasCore
import NasOptimize

/// A study database: one SQLite file holding any number of studies, their trials and curves;
/// the durable `StudyStorage` backend.
///
/// Every finished trial is committed in its own transaction the moment it ends, and the file is
/// in WAL mode with full syncs, so a search killed at any point (Ctrl-C, `kill -9`, power loss)
/// keeps every trial that finished, and a REPL can read the study while a run writes it.
///
/// ```swift
/// let store = try StudyStore(path: "kws.db")
/// let study = try store.study(named: "kws") ?? store.createStudy(StudyRecord(
///     name: "kws", strategy: "ars_mobo", seed: 7, searchSpace: space.description,
///     objectives: [Objective(Metric.accuracy, .maximize), Objective(Metric.ram, .minimize)],
///     budget: [Constraint(Metric.ram, .lessOrEqual, 128 * 1024)], plannedTrials: 40, script: source))
/// let resumed = try store.resume(study)            // no trials yet for a new study
/// // ... replay resumed.trials through the strategy (see Resumption) ...
/// for _ in 0..<resumed.remaining {
///     var trial = try store.startTrial(in: study, x: x, parameters: decoded, seed: trialSeed)
///     // ... train and measure ...
///     trial.complete(metrics: [Metric.accuracy: 0.91, Metric.ram: 61_440])
///     try store.finish(trial, epochs: curve)        // committed: survives kill -9 from here on
/// }
/// try store.markFinished(study)
/// // budget.ram = 64 KB:
/// let front = try store.feasibleFront(of: study, within: [Constraint(Metric.ram, .lessOrEqual, 64 * 1024)])
/// ```
public final class StudyStore: StudyStorage, Sendable {
    /// The file this store reads and writes.
    public let path: String
    public var location: String { path }
    let pool: DatabasePool
    /// Held by a writer (`exclusive: true`) for the store's lifetime; see `StudyLock`.
    private let lock: StudyLock?

    /// Test hook: with `NASBOOK_FAULT_DB_FULL_AFTER=N` the store holds at most N finished trials
    /// and answers the next `finish` as SQLite does on a full disk (`SQLITE_FULL`), so tests of
    /// the binary can fill the "disk" mid-study on any machine (a real tiny tmpfs needs root).
    public static let fullAfterVariable = "NASBOOK_FAULT_DB_FULL_AFTER"
    private let fullAfter = ProcessInfo.processInfo.environment[StudyStore.fullAfterVariable].flatMap(Int.init)

    /// Opens the database at `path`, creating the file and upgrading its schema as needed, after
    /// `PRAGMA quick_check` found it whole (a damaged file throws `.corrupt`). With `exclusive`,
    /// the store is this study's only writer until it is released, or it throws `.locked`.
    public init(path: String, exclusive: Bool = false) throws {
        self.path = path
        lock = exclusive ? try StudyLock.acquire(for: path) : nil
        var configuration = Configuration()
        // A trial costs minutes of training; one fsync per commit is cheap insurance against
        // losing it to a power cut, not only to a killed process.
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        // A REPL and a run may share the file: wait for the other's short write, don't fail.
        configuration.busyMode = .timeout(10)
        do {
            pool = try Self.openPool(path, configuration)
            try Self.checkIntegrity(pool, path: path)
            try Self.migrate(pool)
        } catch let error as DatabaseError where [.SQLITE_CORRUPT, .SQLITE_NOTADB].contains(error.resultCode) {
            throw StudyStoreError.corrupt(path: path, detail: error.message ?? "\(error)")
        }
    }

    /// Opens the pool. Two processes opening a new file at once both switch it to WAL, which
    /// needs a lock SQLite does not wait for (its busy timeout does not cover that switch): the
    /// loser sees SQLITE_BUSY and tries again shortly; anything else is thrown at once.
    static func openPool(_ path: String, _ configuration: Configuration) throws -> DatabasePool {
        var attempt = 0
        while true {
            do {
                return try DatabasePool(path: path, configuration: configuration)
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && attempt < 100 {
                attempt += 1
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
    }

    /// Upgrades the schema. A proposer and its workers may open a new file at the same moment,
    /// and each migration is its own transaction, so one process can find a table the other
    /// just created: it then reads which migrations are applied and tries again, until the
    /// schema is complete (a real error repeats and is thrown).
    static func migrate(_ pool: DatabasePool) throws {
        for attempt in 1...50 {
            do {
                try Schema.migrator.migrate(pool)
                return
            } catch let error as DatabaseError where error.resultCode == .SQLITE_ERROR && attempt < 50 {
                if try pool.read({ try Schema.migrator.hasCompletedMigrations($0) }) { return }
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
    }

    /// `PRAGMA quick_check`: every page and index entry readable (seconds even for big
    /// studies), so a damaged file is an error at open, not a resume on half the trials.
    static func checkIntegrity(_ pool: DatabasePool, path: String) throws {
        let problems = try pool.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check(5)") }
        guard problems == ["ok"] else {
            throw StudyStoreError.corrupt(path: path, detail: problems.joined(separator: "; "))
        }
    }

    // MARK: Studies

    /// Stores a new study and returns it with its id. Names are unique within a store.
    public func createStudy(_ study: StudyRecord) throws -> StudyRecord {
        try pool.write { db in
            if try StudyRecord.filter(Column("name") == study.name).fetchCount(db) > 0 {
                throw StudyStoreError.duplicateStudy(study.name)
            }
            return try study.inserted(db)
        }
    }

    /// By an indexed query rather than the protocol's scan of `studies()`.
    public func study(named name: String) throws -> StudyRecord? {
        try pool.read { db in try StudyRecord.filter(Column("name") == name).fetchOne(db) }
    }

    /// The most recently created study: what `nasbook run --resume` picks when not told which.
    public func latestStudy() throws -> StudyRecord? {
        try pool.read { db in try StudyRecord.order(Column("created").desc, Column("id").desc).fetchOne(db) }
    }

    /// All studies, oldest first.
    public func studies() throws -> [StudyRecord] {
        try pool.read { db in try StudyRecord.order(Column("created"), Column("id")).fetchAll(db) }
    }

    /// Records that the study ran all its trials; `resume` will reopen it if asked.
    public func markFinished(_ study: StudyRecord) throws {
        try setStatus(.finished, of: study)
    }

    /// Stores a new budget for the study, so the next session re-filters with what the user
    /// set last. Trials are untouched: feasibility is always recomputed from their metrics.
    @discardableResult
    public func updateBudget(_ budget: [Constraint], of study: StudyRecord) throws -> StudyRecord {
        let id = try savedID(study)
        var updated = study
        updated.budget = budget
        try pool.write { db in
            try db.execute(sql: "UPDATE study SET budget = ? WHERE id = ?", arguments: [try JSONColumn.encode(budget), id])
        }
        return updated
    }

    // MARK: Trials

    /// Writes a `running` trial, numbered after the study's last, and returns it. Call when
    /// training starts; a crash then leaves the row `running`, which `resume` clears.
    public func startTrial(in study: StudyRecord, x: [Double], parameters: [String: ParameterValue], seed: UInt64,
                           at start: Date = Date()) throws -> TrialRecord {
        let studyID = try savedID(study)
        return try pool.write { db in
            let last = try Int.fetchOne(db, sql: "SELECT MAX(number) FROM trial WHERE studyId = ?", arguments: [studyID]) ?? 0
            return try TrialRecord(studyID: studyID, number: last + 1, x: x, parameters: parameters, seed: seed, started: start)
                .inserted(db)
        }
    }

    /// Commits a trial's outcome and its training curve in one transaction. Call as soon as the
    /// trial ends (after `complete`, `fail` or `markInfeasible`): when this returns, the trial
    /// survives any crash.
    public func finish(_ trial: TrialRecord, epochs: [EpochRecord] = []) throws {
        guard let id = trial.id else { throw StudyStoreError.unsavedTrial(trial.number) }
        guard trial.status.isFinal else { throw StudyStoreError.trialStillRunning(trial.number) }
        try pool.write { db in try store(trial, id: id, epochs: epochs, db) }
    }

    /// Rewrites a finished trial's row and its curve (inside the caller's transaction).
    private func store(_ trial: TrialRecord, id: Int64, epochs: [EpochRecord], _ db: Database) throws {
        if let fullAfter, try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM trial WHERE status IN ('complete', 'failed', 'infeasible')") ?? 0 >= fullAfter {
            throw DatabaseError(resultCode: .SQLITE_FULL, message: "database or disk is full (simulated by \(Self.fullAfterVariable))")
        }
        try trial.update(db)
        try db.execute(sql: "DELETE FROM epoch WHERE trialId = ?", arguments: [id])
        for epoch in epochs { try EpochRow(trialID: id, epoch: epoch).insert(db) }
    }

    /// The study's trials in the order they were proposed, whatever their status.
    public func trials(of study: StudyRecord) throws -> [TrialRecord] {
        let id = try savedID(study)
        return try pool.read { db in
            try TrialRecord.filter(Column("studyId") == id).order(Column("number")).fetchAll(db)
        }
    }

    /// A trial's training curve, first epoch first.
    public func epochs(of trial: TrialRecord) throws -> [EpochRecord] {
        guard let id = trial.id else { throw StudyStoreError.unsavedTrial(trial.number) }
        return try pool.read { db in
            try EpochRow.filter(Column("trialId") == id).order(Column("epoch")).fetchAll(db).map(\.epoch)
        }
    }

    // MARK: Resume

    /// Prepares a study to continue: drops the trials a crash left `running` or `planned` (and
    /// their curves; a worker still training one loses its lease), marks the study `running`,
    /// and returns the finished trials to replay.
    public func resume(_ study: StudyRecord, keepingPlanned: Bool) throws -> Resumption {
        let id = try savedID(study)
        return try pool.write { db in
            let interrupted = try Int.fetchAll(db, sql: "SELECT number FROM trial WHERE studyId = ? AND status = 'running' ORDER BY number",
                                               arguments: [id])
            var planned: [TrialRecord] = []
            if keepingPlanned {
                for var trial in try TrialRecord.filter(Column("studyId") == id && Column("status") == TrialStatus.running.rawValue).fetchAll(db) {
                    trial.replan()
                    try trial.update(db)
                    try db.execute(sql: "DELETE FROM epoch WHERE trialId = ?", arguments: [trial.id])
                }
                planned = try TrialRecord.filter(Column("studyId") == id && Column("status") == TrialStatus.planned.rawValue)
                    .order(Column("number")).fetchAll(db)
            } else {
                try db.execute(sql: "DELETE FROM trial WHERE studyId = ? AND status IN ('running', 'planned')", arguments: [id])
            }
            try db.execute(sql: "UPDATE study SET status = 'running' WHERE id = ?", arguments: [id])
            guard let reopened = try StudyRecord.fetchOne(db, key: id) else { throw StudyStoreError.unsavedStudy(study.name) }
            let trials = try TrialRecord.filter(Column("studyId") == id && Column("status") != TrialStatus.planned.rawValue)
                .order(Column("number")).fetchAll(db)
            return Resumption(study: reopened, trials: trials, interrupted: interrupted, planned: planned)
        }
    }

    // MARK: Budgets

    /// The stored trials that fit `budget` (the study's own when nil) and are not dominated on
    /// the study's objectives, best first; the same answer as `trials(of:).feasibleFront(...)`.
    /// Only the metrics of complete trials are read to decide, then the front's few trials in
    /// full, which keeps a re-filter of 1,000 trials to a few milliseconds.
    public func feasibleFront(of study: StudyRecord, within budget: [Constraint]? = nil) throws -> [TrialRecord] {
        let id = try savedID(study)
        return try pool.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT id, number, metrics FROM trial WHERE studyId = ? AND status = 'complete'",
                                        arguments: [id])
            let metrics: [MetricValues?] = try rows.map { try JSONColumn.decode(MetricValues.self, $0, "metrics", table: TrialRecord.databaseTableName) }
            let numbers: [Int] = try rows.map { try $0.decode(forColumn: "number") }
            let front: [Int64] = try FeasibleFront.select(metrics, numbers: numbers, within: budget ?? study.budget,
                                                          objectives: study.objectives).map { try rows[$0].decode(forColumn: "id") }
            let byID = Dictionary(uniqueKeysWithValues: try TrialRecord.filter(keys: front).fetchAll(db).map { ($0.id!, $0) })
            return front.compactMap { byID[$0] }
        }
    }

    // MARK: Leases

    /// Writes a transaction that takes SQLite's write lock at its start (`BEGIN IMMEDIATE`), so
    /// two processes reading then updating the same rows are serialized instead of one failing
    /// to upgrade its read.
    private func immediate<T>(_ body: (Database) throws -> T) throws -> T {
        try pool.writeWithoutTransaction { db in
            var result: T?
            try db.inTransaction(.immediate) {
                result = try body(db)
                return .commit
            }
            return result!
        }
    }

    public func planTrials(in study: StudyRecord, points: [TrialPoint], at time: Date = Date()) throws -> [TrialRecord] {
        let studyID = try savedID(study)
        return try immediate { db in
            var last = try Int.fetchOne(db, sql: "SELECT MAX(number) FROM trial WHERE studyId = ?", arguments: [studyID]) ?? 0
            return try points.map { point in
                last += 1
                return try TrialRecord(studyID: studyID, number: last, x: point.x, parameters: point.parameters, seed: point.seed,
                                       started: time, status: .planned).inserted(db)
            }
        }
    }

    public func claimTrial(in study: StudyRecord, worker: String, at time: Date = Date()) throws -> TrialRecord? {
        let studyID = try savedID(study)
        return try immediate { db in
            guard var trial = try TrialRecord.filter(Column("studyId") == studyID && Column("status") == TrialStatus.planned.rawValue)
                .order(Column("number")).fetchOne(db) else { return nil }
            trial.lease(to: worker, at: time)
            try trial.update(db)
            return trial
        }
    }

    @discardableResult
    public func heartbeat(worker: String, at time: Date = Date()) throws -> [Int64] {
        try immediate { db in
            let t = time.timeIntervalSinceReferenceDate
            try db.execute(sql: "UPDATE worker SET heartbeat = ? WHERE id = ?", arguments: [t, worker])
            try db.execute(sql: "UPDATE trial SET heartbeat = ? WHERE owner = ? AND status = 'running'", arguments: [t, worker])
            return try Int64.fetchAll(db, sql: "SELECT id FROM trial WHERE owner = ? AND status = 'running' ORDER BY id", arguments: [worker])
        }
    }

    public func finish(_ trial: TrialRecord, epochs: [EpochRecord] = [], worker: String) throws -> Bool {
        guard let id = trial.id else { throw StudyStoreError.unsavedTrial(trial.number) }
        guard trial.status.isFinal else { throw StudyStoreError.trialStillRunning(trial.number) }
        return try immediate { db in
            let held = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM trial WHERE id = ? AND owner = ? AND status = 'running'",
                                        arguments: [id, worker]) ?? 0
            guard held == 1 else { return false }
            var stored = trial
            stored.owner = worker
            stored.heartbeat = try Double.fetchOne(db, sql: "SELECT heartbeat FROM trial WHERE id = ?", arguments: [id])
                .map(Date.init(timeIntervalSinceReferenceDate:))
            try store(stored, id: id, epochs: epochs, db)
            return true
        }
    }

    public func expireLeases(in study: StudyRecord, olderThan timeout: TimeInterval, at time: Date = Date()) throws -> [Int] {
        let studyID = try savedID(study)
        return try immediate { db in
            let limit = time.timeIntervalSinceReferenceDate - timeout
            let stale = try TrialRecord.fetchAll(db, sql: """
                SELECT * FROM trial WHERE studyId = ? AND status = 'running' AND owner IS NOT NULL AND heartbeat < ?
                ORDER BY number
                """, arguments: [studyID, limit])
            for var trial in stale {
                trial.replan()
                try trial.update(db)
                try db.execute(sql: "DELETE FROM epoch WHERE trialId = ?", arguments: [trial.id])
            }
            return stale.map(\.number)
        }
    }

    public func releaseTrials(of worker: String) throws -> [Int] {
        try immediate { db in
            let held = try TrialRecord.fetchAll(db, sql: "SELECT * FROM trial WHERE status = 'running' AND owner = ? ORDER BY number",
                                                arguments: [worker])
            for var trial in held {
                trial.replan()
                try trial.update(db)
                try db.execute(sql: "DELETE FROM epoch WHERE trialId = ?", arguments: [trial.id])
            }
            return held.map(\.number)
        }
    }

    public func registerWorker(_ worker: WorkerRecord) throws {
        try pool.write { db in try worker.save(db) }
    }

    public func workers() throws -> [WorkerRecord] {
        try pool.read { db in try WorkerRecord.order(Column("started"), Column("id")).fetchAll(db) }
    }

    // MARK: Helpers

    private func setStatus(_ status: StudyStatus, of study: StudyRecord) throws {
        let id = try savedID(study)
        try pool.write { db in
            try db.execute(sql: "UPDATE study SET status = ? WHERE id = ?", arguments: [status.rawValue, id])
        }
    }

    private func savedID(_ study: StudyRecord) throws -> Int64 {
        guard let id = study.id else { throw StudyStoreError.unsavedStudy(study.name) }
        return id
    }
}
