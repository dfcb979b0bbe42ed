import Foundation
import NasCore
import NasStudy

/// A study database on a PostgreSQL server: the `StudyStorage` that several processes and
/// machines share (issue 15). Same tables as the SQLite store (see `PostgresSchema`), same
/// contract (`StudyStorageContractTests` runs on it against a throwaway cluster).
///
/// ```swift
/// let storage = try PostgresStudyStorage(url: "postgresql://nas:secret@db.lab/nas")
/// let study = try storage.study(named: "kws") ?? storage.createStudy(record)
/// ```
///
/// Why it is safe with several writers where the SQLite store takes a file lock:
/// - numbering: `startTrial` locks the study row (`SELECT ... FOR UPDATE`) before it reads the
///   highest number, so two proposers never hand out the same number;
/// - a finished trial is one transaction (row and curve), committed by the server before
///   `finish` returns: it survives the worker, the proposer and a server restart.
///
/// One connection, used under a lock (libpq connections are not thread-safe); a connection
/// the server dropped is re-opened at the next call.
public final class PostgresStudyStorage: StudyStorage, @unchecked Sendable {
    public let server: PostgresLocation
    public var location: String { server.redacted }
    let db: PostgresConnection
    private let lock = NSLock()

    /// Connects and brings the schema up to date (see `PostgresSchema.migrate`). With
    /// `exclusive`, this process is the database's one proposer for as long as the storage
    /// lives, or it throws `StudyStoreError.locked` naming the holder (see `ProposerLock`).
    public convenience init(url: String, exclusive: Bool = false) throws {
        try self.init(try PostgresLocation(url), exclusive: exclusive)
    }

    public init(_ location: PostgresLocation, exclusive: Bool = false) throws {
        server = location
        db = try PostgresConnection(location)
        try PostgresSchema.migrate(db)
        if exclusive {
            try ProposerLock.acquire(db)
            // The server releases a session lock with its session: take it again on reconnecting.
            db.onReconnect = { try ProposerLock.acquire($0) }
        }
    }

    /// This process's proposer storage of the database at `url`: the one already open (a
    /// script or REPL session with two searches shares it, as SQLite stores of one file share
    /// their `StudyLock`), or a new exclusive one.
    public static func proposer(url: String) throws -> PostgresStudyStorage {
        let location = try PostgresLocation(url)
        return try proposers.withLock { open in
            open = open.filter { $0.value.storage != nil }
            if let mine = open[location.url]?.storage { return mine }
            let storage = try PostgresStudyStorage(location, exclusive: true)
            open[location.url] = WeakStorage(storage: storage)
            return storage
        }
    }

    private struct WeakStorage { weak var storage: PostgresStudyStorage? }
    nonisolated(unsafe) private static var proposersByURL: [String: WeakStorage] = [:]
    private static let proposers = RegistryLock()

    /// Guards `proposersByURL`.
    private final class RegistryLock: @unchecked Sendable {
        private let lock = NSLock()
        func withLock<T>(_ body: (inout [String: WeakStorage]) throws -> T) rethrows -> T {
            lock.lock()
            defer { lock.unlock() }
            return try body(&PostgresStudyStorage.proposersByURL)
        }
    }

    func locked<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(db)
    }

    /// The migrations recorded in this database, in the order applied (for tests and `status`).
    public func appliedMigrations() throws -> [String] {
        try locked { db in
            try db.execute("SELECT identifier FROM \(PostgresSchema.migrationsTable) ORDER BY applied, identifier").values.compactMap { $0[0] }
        }
    }

    /// One proposer per study database, as the SQLite store's `StudyLock` keeps per file: a
    /// session-level advisory lock, which the server releases when the holder's connection
    /// ends however it ends (`kill -9`, a lost machine), so a crash never leaves it stale.
    enum ProposerLock {
        /// Any fixed pair: "nasb" "prop".
        static let key: (Int32, Int32) = (0x6e61_7362, 0x7072_6f70)

        static func acquire(_ db: PostgresConnection) throws {
            let got = try db.execute("SELECT pg_try_advisory_lock($1, $2) AS got", [Int(key.0), Int(key.1)])
            guard try got.text(0, "got") == "t" else {
                let holder = try db.execute("""
                    SELECT a.application_name AS name, host(a.client_addr) AS address FROM pg_locks l
                    JOIN pg_stat_activity a ON a.pid = l.pid
                    WHERE l.locktype = 'advisory' AND l.classid = $1::oid AND l.objid = $2::oid AND l.granted LIMIT 1
                    """, [Int(UInt32(bitPattern: key.0)), Int(UInt32(bitPattern: key.1))])
                var who = "another process"
                if holder.count == 1, let name = try holder.text(0, "name"), !name.isEmpty {
                    who = name + (try holder.text(0, "address").map { " (from \($0))" } ?? "")
                }
                throw StudyStoreError.locked(path: db.location.redacted, holder: who)
            }
        }
    }

    // MARK: Studies

    static let studyColumns = #"id, name, created, strategy, seed, "searchSpace", objectives, budget, "plannedTrials", script, status, fingerprint"#

    public func createStudy(_ study: StudyRecord) throws -> StudyRecord {
        do {
            return try locked { db in
                let rows = try db.execute("""
                    INSERT INTO study (name, created, strategy, seed, "searchSpace", objectives, budget, "plannedTrials", script,
                                       "scriptHash", status, fingerprint)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id
                    """, [study.name, study.created.timeIntervalSinceReferenceDate, study.strategy, Int64(bitPattern: study.seed),
                          study.searchSpace, try StudyJSON.encode(study.objectives), try StudyJSON.encode(study.budget),
                          study.plannedTrials, study.script, study.scriptHash, study.status.rawValue,
                          try StudyJSON.encode(study.fingerprint)])
                return study.stored(as: try Self.int64(rows, 0, "id", table: "study"))
            }
        } catch let error as PostgresError where error.isUniqueViolation {
            throw StudyStoreError.duplicateStudy(study.name)
        }
    }

    public func studies() throws -> [StudyRecord] {
        try locked { db in
            let rows = try db.execute("SELECT \(Self.studyColumns) FROM study ORDER BY created, id")
            return try (0..<rows.count).map { try Self.study(rows, $0) }
        }
    }

    /// By the unique index rather than the protocol's scan of `studies()`.
    public func study(named name: String) throws -> StudyRecord? {
        try locked { db in
            let rows = try db.execute("SELECT \(Self.studyColumns) FROM study WHERE name = $1", [name])
            return rows.count == 0 ? nil : try Self.study(rows, 0)
        }
    }

    public func markFinished(_ study: StudyRecord) throws {
        let id = try savedID(study)
        try locked { db in _ = try db.execute("UPDATE study SET status = 'finished' WHERE id = $1", [id]) }
    }

    @discardableResult
    public func updateBudget(_ budget: [Constraint], of study: StudyRecord) throws -> StudyRecord {
        let id = try savedID(study)
        try locked { db in _ = try db.execute("UPDATE study SET budget = $1 WHERE id = $2", [try StudyJSON.encode(budget), id]) }
        var updated = study
        updated.budget = budget
        return updated
    }

    // MARK: Trials

    static let trialColumns = #"id, "studyId", number, status, "failureReason", x, parameters, metrics, seed, started, finished, seconds, owner, heartbeat"#

    public func startTrial(in study: StudyRecord, x: [Double], parameters: [String: ParameterValue], seed: UInt64,
                           at start: Date = Date()) throws -> TrialRecord {
        let studyID = try savedID(study)
        return try locked { db in
            try db.transaction {
                // The study row's lock makes "highest number + 1" safe between processes.
                guard try db.execute("SELECT id FROM study WHERE id = $1 FOR UPDATE", [studyID]).count == 1 else {
                    throw StudyStoreError.unsavedStudy(study.name)
                }
                let rows = try db.execute("""
                    INSERT INTO trial ("studyId", number, status, x, parameters, metrics, seed, started)
                    SELECT $1, COALESCE(MAX(number), 0) + 1, 'running', $2, $3, $4, $5, $6 FROM trial WHERE "studyId" = $1
                    RETURNING \(Self.trialColumns)
                    """, [studyID, try StudyJSON.encode(x), try StudyJSON.encode(parameters), try StudyJSON.encode(MetricValues()),
                          Int64(bitPattern: seed), start.timeIntervalSinceReferenceDate])
                return try Self.trial(rows, 0)
            }
        }
    }

    public func finish(_ trial: TrialRecord, epochs: [EpochRecord] = []) throws {
        guard let id = trial.id else { throw StudyStoreError.unsavedTrial(trial.number) }
        guard trial.status.isFinal else { throw StudyStoreError.trialStillRunning(trial.number) }
        try locked { db in
            try db.transaction {
                let updated = try db.execute("""
                    UPDATE trial SET status = $2, "failureReason" = $3, x = $4, parameters = $5, metrics = $6, seed = $7,
                                     started = $8, finished = $9, seconds = $10, owner = $11, heartbeat = $12
                    WHERE id = $1
                    """, [id, trial.status.rawValue, trial.failureReason, try StudyJSON.encode(trial.x), try StudyJSON.encode(trial.parameters),
                          try StudyJSON.encode(trial.metrics), Int64(bitPattern: trial.seed), trial.started.timeIntervalSinceReferenceDate,
                          trial.finished?.timeIntervalSinceReferenceDate, trial.seconds, trial.owner,
                          trial.heartbeat?.timeIntervalSinceReferenceDate])
                guard updated.affected == 1 else { throw StudyStoreError.unsavedTrial(trial.number) }
                try Self.replaceCurve(of: id, with: epochs, db)
            }
        }
    }

    static func replaceCurve(of trialID: Int64, with epochs: [EpochRecord], _ db: PostgresConnection) throws {
        try db.execute(#"DELETE FROM epoch WHERE "trialId" = $1"#, [trialID])
        for e in epochs {
            try db.execute("""
                INSERT INTO epoch ("trialId", epoch, loss, accuracy, "validationLoss", "validationAccuracy", seconds)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                """, [trialID, e.epoch, e.trainLoss, e.trainAccuracy, e.validationLoss, e.validationAccuracy, e.seconds])
        }
    }

    public func trials(of study: StudyRecord) throws -> [TrialRecord] {
        let id = try savedID(study)
        return try locked { db in try Self.trials(#"WHERE "studyId" = $1 ORDER BY number"#, [id], db) }
    }

    public func epochs(of trial: TrialRecord) throws -> [EpochRecord] {
        guard let id = trial.id else { throw StudyStoreError.unsavedTrial(trial.number) }
        return try locked { db in
            let rows = try db.execute("""
                SELECT epoch, loss, accuracy, "validationLoss", "validationAccuracy", seconds FROM epoch
                WHERE "trialId" = $1 ORDER BY epoch
                """, [id])
            return try (0..<rows.count).map { r in
                EpochRecord(epoch: try Self.int(rows, r, "epoch", table: "epoch"),
                            trainLoss: try Self.double(rows, r, "loss", table: "epoch") ?? .nan,
                            trainAccuracy: try Self.double(rows, r, "accuracy", table: "epoch") ?? .nan,
                            validationLoss: try Self.double(rows, r, "validationLoss", table: "epoch"),
                            validationAccuracy: try Self.double(rows, r, "validationAccuracy", table: "epoch"),
                            seconds: try Self.double(rows, r, "seconds", table: "epoch") ?? .nan)
            }
        }
    }

    // MARK: Resume

    public func resume(_ study: StudyRecord, keepingPlanned: Bool) throws -> Resumption {
        let id = try savedID(study)
        return try locked { db in
            try db.transaction {
                let interrupted: [Int]
                if keepingPlanned {
                    // A synchronous batch's trials run again under their own numbers and seeds:
                    // running ones are planned again (a worker still training one finds its lease gone).
                    let replanned = try db.execute("""
                        UPDATE trial SET status = 'planned', owner = NULL, heartbeat = NULL, metrics = $2, "failureReason" = NULL,
                                         finished = NULL, seconds = NULL
                        WHERE "studyId" = $1 AND status = 'running' RETURNING id, number
                        """, [id, try StudyJSON.encode(MetricValues())])
                    for r in 0..<replanned.count {
                        try db.execute(#"DELETE FROM epoch WHERE "trialId" = $1"#, [try Self.int64(replanned, r, "id", table: "trial")])
                    }
                    interrupted = try (0..<replanned.count).map { try Self.int(replanned, $0, "number", table: "trial") }.sorted()
                } else {
                    // Planned and running trials have no outcome: the replayed strategy proposes them
                    // again (a worker still training one finds its lease gone).
                    let dropped = try db.execute("""
                        DELETE FROM trial WHERE "studyId" = $1 AND status IN ('running', 'planned') RETURNING number, status
                        """, [id])
                    interrupted = try (0..<dropped.count).filter { try dropped.text($0, "status") == "running" }
                        .map { try Self.int(dropped, $0, "number", table: "trial") }.sorted()
                }
                let rows = try db.execute("UPDATE study SET status = 'running' WHERE id = $1 RETURNING \(Self.studyColumns)", [id])
                guard rows.count == 1 else { throw StudyStoreError.unsavedStudy(study.name) }
                // One statement, so one snapshot: a worker may claim a planned trial meanwhile
                // (each statement of a READ COMMITTED transaction sees the latest commits), and
                // two reads could miss it in both.
                let trials = try Self.trials(#"WHERE "studyId" = $1 ORDER BY number"#, [id], db)
                return Resumption(reopened: try Self.study(rows, 0), finished: trials.filter(\.status.isFinal), interrupted: interrupted,
                                  planned: trials.filter { !$0.status.isFinal })
            }
        }
    }

    // MARK: Budgets

    /// Decides on the metrics of complete trials only, then reads the front's trials in full,
    /// as the SQLite store does.
    public func feasibleFront(of study: StudyRecord, within budget: [Constraint]? = nil) throws -> [TrialRecord] {
        let id = try savedID(study)
        return try locked { db in
            let rows = try db.execute(#"SELECT id, number, metrics FROM trial WHERE "studyId" = $1 AND status = 'complete'"#, [id])
            let metrics: [MetricValues?] = try (0..<rows.count).map {
                try StudyJSON.decode(MetricValues.self, from: Self.text(rows, $0, "metrics", table: "trial"), table: "trial", column: "metrics")
            }
            let numbers = try (0..<rows.count).map { try Self.int(rows, $0, "number", table: "trial") }
            let front = try FeasibleFront.select(metrics, numbers: numbers, within: budget ?? study.budget, objectives: study.objectives)
                .map { try Self.int64(rows, $0, "id", table: "trial") }
            guard !front.isEmpty else { return [] }
            let byID = Dictionary(uniqueKeysWithValues: try Self.trials("WHERE id = ANY($1::bigint[])", ["{" + front.map(String.init).joined(separator: ",") + "}"], db)
                .map { ($0.id!, $0) })
            return front.compactMap { byID[$0] }
        }
    }

    // MARK: Rows

    func savedID(_ study: StudyRecord) throws -> Int64 {
        guard let id = study.id else { throw StudyStoreError.unsavedStudy(study.name) }
        return id
    }

    static func trials(_ clause: String, _ parameters: [any PostgresBindable], _ db: PostgresConnection) throws -> [TrialRecord] {
        let rows = try db.execute("SELECT \(trialColumns) FROM trial \(clause)", parameters)
        return try (0..<rows.count).map { try trial(rows, $0) }
    }

    static func study(_ rows: PostgresRows, _ r: Int) throws -> StudyRecord {
        let t = "study"
        let status: StudyStatus = try enumeration(rows, r, "status", table: t)
        return StudyRecord(
            storedID: try int64(rows, r, "id", table: t), name: try text(rows, r, "name", table: t),
            created: Date(timeIntervalSinceReferenceDate: try requiredDouble(rows, r, "created", table: t)),
            strategy: try text(rows, r, "strategy", table: t), seed: UInt64(bitPattern: try int64(rows, r, "seed", table: t)),
            searchSpace: try text(rows, r, "searchSpace", table: t),
            objectives: try json([Objective].self, rows, r, "objectives", table: t),
            budget: try json([Constraint].self, rows, r, "budget", table: t),
            plannedTrials: try int(rows, r, "plannedTrials", table: t), script: try text(rows, r, "script", table: t),
            status: status, fingerprint: try json([String: String].self, rows, r, "fingerprint", table: t))
    }

    static func trial(_ rows: PostgresRows, _ r: Int) throws -> TrialRecord {
        let t = "trial"
        let status: TrialStatus = try enumeration(rows, r, "status", table: t)
        return TrialRecord(
            storedID: try int64(rows, r, "id", table: t), studyID: try int64(rows, r, "studyId", table: t),
            number: try int(rows, r, "number", table: t), status: status, failureReason: try rows.text(r, "failureReason"),
            x: try json([Double].self, rows, r, "x", table: t),
            parameters: try json([String: ParameterValue].self, rows, r, "parameters", table: t),
            metrics: try json(MetricValues.self, rows, r, "metrics", table: t),
            seed: UInt64(bitPattern: try int64(rows, r, "seed", table: t)),
            started: Date(timeIntervalSinceReferenceDate: try requiredDouble(rows, r, "started", table: t)),
            finished: try double(rows, r, "finished", table: t).map(Date.init(timeIntervalSinceReferenceDate:)),
            seconds: try double(rows, r, "seconds", table: t), owner: try rows.text(r, "owner"),
            heartbeat: try double(rows, r, "heartbeat", table: t).map(Date.init(timeIntervalSinceReferenceDate:)))
    }

    static func text(_ rows: PostgresRows, _ r: Int, _ column: String, table: String) throws -> String {
        guard let value = try rows.text(r, column) else {
            throw StudyStoreError.corruptColumn(table: table, column: column, reason: "NULL where a value is required")
        }
        return value
    }

    /// A column holding one of an enum's raw values (a status, a state); any other text is a
    /// corrupt column, as SQLite's `decodeEnum` says it.
    static func enumeration<E: RawRepresentable>(_ rows: PostgresRows, _ r: Int, _ column: String, table: String) throws -> E
        where E.RawValue == String {
        let raw = try text(rows, r, column, table: table)
        guard let value = E(rawValue: raw) else {
            throw StudyStoreError.corruptColumn(table: table, column: column, reason: "unknown value \"\(raw)\"")
        }
        return value
    }

    static func json<T: Decodable>(_ type: T.Type, _ rows: PostgresRows, _ r: Int, _ column: String, table: String) throws -> T {
        try StudyJSON.decode(type, from: text(rows, r, column, table: table), table: table, column: column)
    }

    static func int64(_ rows: PostgresRows, _ r: Int, _ column: String, table: String) throws -> Int64 {
        let raw = try text(rows, r, column, table: table)
        guard let value = Int64(raw) else { throw StudyStoreError.corruptColumn(table: table, column: column, reason: "not an integer: \(raw)") }
        return value
    }

    static func int(_ rows: PostgresRows, _ r: Int, _ column: String, table: String) throws -> Int {
        Int(try int64(rows, r, column, table: table))
    }

    /// PostgreSQL prints float8 as the shortest text that reads back to the same bits (with
    /// `extra_float_digits` > 0), and its non-finite values as NaN, Infinity, -Infinity.
    static func double(_ rows: PostgresRows, _ r: Int, _ column: String, table: String) throws -> Double? {
        guard let raw = try rows.text(r, column) else { return nil }
        switch raw {
        case "NaN": return .nan
        case "Infinity": return .infinity
        case "-Infinity": return -.infinity
        default:
            guard let value = Double(raw) else { throw StudyStoreError.corruptColumn(table: table, column: column, reason: "not a number: \(raw)") }
            return value
        }
    }

    static func requiredDouble(_ rows: PostgresRows, _ r: Int, _ column: String, table: String) throws -> Double {
        guard let value = try double(rows, r, column, table: table) else {
            throw StudyStoreError.corruptColumn(table: table, column: column, reason: "NULL where a value is required")
        }
        return value
    }
}
