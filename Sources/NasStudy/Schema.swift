import Foundation
import GRDB
import NasCore

/// The store's tables, built by migrations so a file written by an older nasbook is upgraded in
/// place when opened. Add a migration for every change; never edit a registered one.
///
/// - `study`: one row per search (JSON text for objectives and budget).
/// - `trial`: one row per evaluated configuration, numbered within its study (JSON text for the
///   unit-cube point, the decoded parameters and the metrics).
/// - `epoch`: the training curve of a trial, deleted with it.
/// - `worker`: one row per worker process that took trials (`nasbook status` lists them).
///
/// v3 adds leases: a trial may be `planned` and carries the `owner` (worker id) and
/// `heartbeat` of its lease. SQLite cannot change a CHECK constraint in place, so that
/// migration rebuilds the trial table (SQLite's documented procedure: new table, copy, drop,
/// rename; GRDB runs migrations with foreign keys off, so the curves stay attached).
///
/// Times are seconds since 2001-01-01 UTC (REAL, Foundation's own reference date), so a record
/// reads back bit-identical to what was written; `sqlite3` shows them with
/// `datetime(started + 978307200, 'unixepoch')`.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration(StudyMigration.studiesTrialsEpochs.rawValue) { db in
            try db.create(table: "study") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull().unique()
                t.column("created", .double).notNull()
                t.column("strategy", .text).notNull()
                t.column("seed", .integer).notNull()
                t.column("searchSpace", .text).notNull()
                t.column("objectives", .text).notNull()
                t.column("budget", .text).notNull()
                t.column("plannedTrials", .integer).notNull()
                t.column("script", .text).notNull()
                t.column("scriptHash", .text).notNull()
                t.column("status", .text).notNull()
                    .check(sql: "status IN ('running', 'finished')")
            }
            try db.create(table: "trial") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("study", onDelete: .cascade).notNull()
                t.column("number", .integer).notNull()
                t.column("status", .text).notNull()
                    .check(sql: "status IN ('running', 'complete', 'failed', 'infeasible')")
                t.column("failureReason", .text)
                t.column("x", .text).notNull()
                t.column("parameters", .text).notNull()
                t.column("metrics", .text).notNull()
                t.column("seed", .integer).notNull()
                t.column("started", .double).notNull()
                t.column("finished", .double)
                t.column("seconds", .double)
                t.uniqueKey(["studyId", "number"])
            }
            try db.create(table: "epoch") { t in
                t.belongsTo("trial", onDelete: .cascade).notNull()
                t.column("epoch", .integer).notNull()
                t.column("loss", .double)
                t.column("accuracy", .double)
                t.column("validationLoss", .double)
                t.column("validationAccuracy", .double)
                t.column("seconds", .double).notNull()
                t.primaryKey(["trialId", "epoch"])
            }
        }
        migrator.registerMigration(StudyMigration.studyFingerprint.rawValue) { db in
            try db.alter(table: "study") { t in
                t.add(column: "fingerprint", .text).notNull().defaults(to: "{}")
            }
        }
        migrator.registerMigration(StudyMigration.trialLeasesWorkers.rawValue) { db in
            try db.create(table: "trial_v3") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("studyId", .integer).notNull().references("study", onDelete: .cascade)
                t.column("number", .integer).notNull()
                t.column("status", .text).notNull()
                    .check(sql: "status IN ('planned', 'running', 'complete', 'failed', 'infeasible')")
                t.column("failureReason", .text)
                t.column("x", .text).notNull()
                t.column("parameters", .text).notNull()
                t.column("metrics", .text).notNull()
                t.column("seed", .integer).notNull()
                t.column("started", .double).notNull()
                t.column("finished", .double)
                t.column("seconds", .double)
                t.column("owner", .text)
                t.column("heartbeat", .double)
                t.uniqueKey(["studyId", "number"])
            }
            try db.execute(sql: """
                INSERT INTO trial_v3 (id, studyId, number, status, failureReason, x, parameters, metrics, seed, started, finished, seconds)
                SELECT id, studyId, number, status, failureReason, x, parameters, metrics, seed, started, finished, seconds FROM trial
                """)
            try db.drop(table: "trial")
            try db.rename(table: "trial_v3", to: "trial")
            try db.create(index: "trial_on_status", on: "trial", columns: ["studyId", "status", "number"])
            try db.create(table: "worker") { t in
                t.primaryKey("id", .text)
                t.column("host", .text).notNull()
                t.column("pid", .integer).notNull()
                t.column("threads", .integer).notNull()
                t.column("studyId", .integer).references("study", onDelete: .setNull)
                t.column("started", .double).notNull()
                t.column("heartbeat", .double).notNull()
                t.column("state", .text).notNull().check(sql: "state IN ('waiting', 'training', 'stopped')")
            }
        }
        return migrator
    }
}

extension StudyRecord: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "study"

    public init(row: Row) throws {
        id = try row.decode(forColumn: "id")
        name = try row.decode(forColumn: "name")
        created = Date(timeIntervalSinceReferenceDate: try row.decode(forColumn: "created"))
        strategy = try row.decode(forColumn: "strategy")
        seed = UInt64(databaseBits: try row.decode(forColumn: "seed"))
        searchSpace = try row.decode(forColumn: "searchSpace")
        objectives = try JSONColumn.decode([Objective].self, row, "objectives", table: Self.databaseTableName)
        budget = try JSONColumn.decode([Constraint].self, row, "budget", table: Self.databaseTableName)
        plannedTrials = try row.decode(forColumn: "plannedTrials")
        script = try row.decode(forColumn: "script")
        status = try Self.decodeEnum(row, "status")
        fingerprint = try JSONColumn.decode([String: String].self, row, "fingerprint", table: Self.databaseTableName)
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["name"] = name
        container["fingerprint"] = try JSONColumn.encode(fingerprint)
        container["created"] = created.timeIntervalSinceReferenceDate
        container["strategy"] = strategy
        container["seed"] = seed.databaseBits
        container["searchSpace"] = searchSpace
        container["objectives"] = try JSONColumn.encode(objectives)
        container["budget"] = try JSONColumn.encode(budget)
        container["plannedTrials"] = plannedTrials
        container["script"] = script
        container["scriptHash"] = scriptHash
        container["status"] = status.rawValue
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension TrialRecord: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "trial"

    public init(row: Row) throws {
        id = try row.decode(forColumn: "id")
        studyID = try row.decode(forColumn: "studyId")
        number = try row.decode(forColumn: "number")
        status = try Self.decodeEnum(row, "status")
        failureReason = try row.decode(forColumn: "failureReason")
        x = try JSONColumn.decode([Double].self, row, "x", table: Self.databaseTableName)
        parameters = try JSONColumn.decode([String: ParameterValue].self, row, "parameters", table: Self.databaseTableName)
        metrics = try JSONColumn.decode(MetricValues.self, row, "metrics", table: Self.databaseTableName)
        seed = UInt64(databaseBits: try row.decode(forColumn: "seed"))
        started = Date(timeIntervalSinceReferenceDate: try row.decode(forColumn: "started"))
        finished = try row.decode(Double?.self, forColumn: "finished").map(Date.init(timeIntervalSinceReferenceDate:))
        seconds = try row.decode(forColumn: "seconds")
        owner = try row.decode(forColumn: "owner")
        heartbeat = try row.decode(Double?.self, forColumn: "heartbeat").map(Date.init(timeIntervalSinceReferenceDate:))
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["studyId"] = studyID
        container["number"] = number
        container["status"] = status.rawValue
        container["failureReason"] = failureReason
        container["x"] = try JSONColumn.encode(x)
        container["parameters"] = try JSONColumn.encode(parameters)
        container["metrics"] = try JSONColumn.encode(metrics)
        container["seed"] = seed.databaseBits
        container["started"] = started.timeIntervalSinceReferenceDate
        container["finished"] = finished?.timeIntervalSinceReferenceDate
        container["seconds"] = seconds
        container["owner"] = owner
        container["heartbeat"] = heartbeat?.timeIntervalSinceReferenceDate
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension WorkerRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "worker"

    public init(row: Row) throws {
        id = try row.decode(forColumn: "id")
        host = try row.decode(forColumn: "host")
        pid = try row.decode(forColumn: "pid")
        threads = try row.decode(forColumn: "threads")
        studyID = try row.decode(forColumn: "studyId")
        started = Date(timeIntervalSinceReferenceDate: try row.decode(forColumn: "started"))
        heartbeat = Date(timeIntervalSinceReferenceDate: try row.decode(forColumn: "heartbeat"))
        state = try Self.decodeEnum(row, "state")
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["host"] = host
        container["pid"] = pid
        container["threads"] = threads
        container["studyId"] = studyID
        container["started"] = started.timeIntervalSinceReferenceDate
        container["heartbeat"] = heartbeat.timeIntervalSinceReferenceDate
        container["state"] = state.rawValue
    }
}

/// An `epoch` row: one epoch of a trial's curve (NasCore's `EpochRecord`) and the trial it
/// belongs to.
struct EpochRow: FetchableRecord, PersistableRecord {
    static let databaseTableName = "epoch"
    let trialID: Int64
    let epoch: EpochRecord

    init(trialID: Int64, epoch: EpochRecord) {
        self.trialID = trialID
        self.epoch = epoch
    }

    /// SQLite stores NaN as NULL, so a NULL loss or accuracy reads back as the NaN it was.
    init(row: Row) throws {
        trialID = try row.decode(forColumn: "trialId")
        epoch = EpochRecord(epoch: try row.decode(forColumn: "epoch"), trainLoss: try row.decode(Double?.self, forColumn: "loss") ?? .nan,
                            trainAccuracy: try row.decode(Double?.self, forColumn: "accuracy") ?? .nan,
                            validationLoss: try row.decode(forColumn: "validationLoss"),
                            validationAccuracy: try row.decode(forColumn: "validationAccuracy"),
                            seconds: try row.decode(forColumn: "seconds"))
    }

    func encode(to container: inout PersistenceContainer) throws {
        container["trialId"] = trialID
        container["epoch"] = epoch.epoch
        container["loss"] = epoch.trainLoss
        container["accuracy"] = epoch.trainAccuracy
        container["validationLoss"] = epoch.validationLoss
        container["validationAccuracy"] = epoch.validationAccuracy
        container["seconds"] = epoch.seconds
    }
}

extension FetchableRecord where Self: TableRecord {
    static func decodeEnum<E: RawRepresentable>(_ row: Row, _ column: String) throws -> E where E.RawValue == String {
        let raw: String = try row.decode(forColumn: column)
        guard let value = E(rawValue: raw) else {
            throw StudyStoreError.corruptColumn(table: databaseTableName, column: column, reason: "unknown value \"\(raw)\"")
        }
        return value
    }
}
