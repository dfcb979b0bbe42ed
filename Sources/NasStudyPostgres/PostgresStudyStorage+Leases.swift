import Foundation
import NasCore
import NasStudy

/// Leased trials on PostgreSQL (see `StudyStorage`'s note): the proposer plans, workers on any
/// machine claim, heartbeat and finish. Row locks do what SQLite's immediate transactions do:
/// - `planTrials` locks the study row, so numbers stay unique with several proposers;
/// - `claimTrial` takes the lowest-numbered planned row with `FOR UPDATE SKIP LOCKED`: two
///   workers claiming at once get different trials, and neither waits for the other;
/// - `finish(_:epochs:worker:)` stores only `WHERE owner = worker AND status = 'running'`, in
///   the same transaction as the curve: a worker that lost its lease stores nothing.
extension PostgresStudyStorage {
    public func planTrials(in study: StudyRecord, points: [TrialPoint], at time: Date = Date()) throws -> [TrialRecord] {
        let studyID = try savedID(study)
        return try locked { db in
            try db.transaction {
                guard try db.execute("SELECT id FROM study WHERE id = $1 FOR UPDATE", [studyID]).count == 1 else {
                    throw StudyStoreError.unsavedStudy(study.name)
                }
                let last = try db.execute(#"SELECT COALESCE(MAX(number), 0) AS last FROM trial WHERE "studyId" = $1"#, [studyID])
                var number = try Self.int(last, 0, "last", table: "trial")
                return try points.map { point in
                    number += 1
                    let rows = try db.execute("""
                        INSERT INTO trial ("studyId", number, status, x, parameters, metrics, seed, started)
                        VALUES ($1, $2, 'planned', $3, $4, $5, $6, $7) RETURNING \(Self.trialColumns)
                        """, [studyID, number, try StudyJSON.encode(point.x), try StudyJSON.encode(point.parameters),
                              try StudyJSON.encode(MetricValues()), Int64(bitPattern: point.seed), time.timeIntervalSinceReferenceDate])
                    return try Self.trial(rows, 0)
                }
            }
        }
    }

    public func claimTrial(in study: StudyRecord, worker: String, at time: Date = Date()) throws -> TrialRecord? {
        let studyID = try savedID(study)
        return try locked { db in
            let rows = try db.execute("""
                UPDATE trial SET status = 'running', owner = $2, heartbeat = $3, started = $3
                WHERE id = (SELECT id FROM trial WHERE "studyId" = $1 AND status = 'planned' ORDER BY number LIMIT 1
                            FOR UPDATE SKIP LOCKED)
                RETURNING \(Self.trialColumns)
                """, [studyID, worker, time.timeIntervalSinceReferenceDate])
            return rows.count == 0 ? nil : try Self.trial(rows, 0)
        }
    }

    @discardableResult
    public func heartbeat(worker: String, at time: Date = Date()) throws -> [Int64] {
        try locked { db in
            try db.transaction {
                let t = time.timeIntervalSinceReferenceDate
                try db.execute("UPDATE worker SET heartbeat = $2 WHERE id = $1", [worker, t])
                let held = try db.execute("UPDATE trial SET heartbeat = $2 WHERE owner = $1 AND status = 'running' RETURNING id", [worker, t])
                return try (0..<held.count).map { try Self.int64(held, $0, "id", table: "trial") }.sorted()
            }
        }
    }

    public func finish(_ trial: TrialRecord, epochs: [EpochRecord] = [], worker: String) throws -> Bool {
        guard let id = trial.id else { throw StudyStoreError.unsavedTrial(trial.number) }
        guard trial.status.isFinal else { throw StudyStoreError.trialStillRunning(trial.number) }
        return try locked { db in
            try db.transaction {
                let updated = try db.execute("""
                    UPDATE trial SET status = $3, "failureReason" = $4, metrics = $5, finished = $6, seconds = $7
                    WHERE id = $1 AND owner = $2 AND status = 'running'
                    """, [id, worker, trial.status.rawValue, trial.failureReason, try StudyJSON.encode(trial.metrics),
                          trial.finished?.timeIntervalSinceReferenceDate, trial.seconds])
                guard updated.affected == 1 else { return false }
                try Self.replaceCurve(of: id, with: epochs, db)
                return true
            }
        }
    }

    public func expireLeases(in study: StudyRecord, olderThan timeout: TimeInterval, at time: Date = Date()) throws -> [Int] {
        let studyID = try savedID(study)
        return try locked { db in
            try db.transaction {
                let stale = try db.execute("""
                    UPDATE trial SET status = 'planned', owner = NULL, heartbeat = NULL, metrics = $3, "failureReason" = NULL,
                                     finished = NULL, seconds = NULL
                    WHERE "studyId" = $1 AND status = 'running' AND owner IS NOT NULL AND heartbeat < $2
                    RETURNING id, number
                    """, [studyID, time.timeIntervalSinceReferenceDate - timeout, try StudyJSON.encode(MetricValues())])
                for r in 0..<stale.count {
                    try db.execute(#"DELETE FROM epoch WHERE "trialId" = $1"#, [try Self.int64(stale, r, "id", table: "trial")])
                }
                return try (0..<stale.count).map { try Self.int(stale, $0, "number", table: "trial") }.sorted()
            }
        }
    }

    public func releaseTrials(of worker: String) throws -> [Int] {
        try locked { db in
            try db.transaction {
                let held = try db.execute("""
                    UPDATE trial SET status = 'planned', owner = NULL, heartbeat = NULL, metrics = $2, "failureReason" = NULL,
                                     finished = NULL, seconds = NULL
                    WHERE status = 'running' AND owner = $1
                    RETURNING id, number
                    """, [worker, try StudyJSON.encode(MetricValues())])
                for r in 0..<held.count {
                    try db.execute(#"DELETE FROM epoch WHERE "trialId" = $1"#, [try Self.int64(held, r, "id", table: "trial")])
                }
                return try (0..<held.count).map { try Self.int(held, $0, "number", table: "trial") }.sorted()
            }
        }
    }

    public func registerWorker(_ worker: WorkerRecord) throws {
        try locked { db in
            _ = try db.execute("""
                INSERT INTO worker (id, host, pid, threads, "studyId", started, heartbeat, state) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                ON CONFLICT (id) DO UPDATE SET host = EXCLUDED.host, pid = EXCLUDED.pid, threads = EXCLUDED.threads,
                    "studyId" = EXCLUDED."studyId", started = EXCLUDED.started, heartbeat = EXCLUDED.heartbeat, state = EXCLUDED.state
                """, [worker.id, worker.host, worker.pid, worker.threads, worker.studyID, worker.started.timeIntervalSinceReferenceDate,
                      worker.heartbeat.timeIntervalSinceReferenceDate, worker.state.rawValue])
        }
    }

    public func workers() throws -> [WorkerRecord] {
        try locked { db in
            let rows = try db.execute(#"SELECT id, host, pid, threads, "studyId", started, heartbeat, state FROM worker ORDER BY started, id"#)
            return try (0..<rows.count).map { r in
                let t = "worker"
                let state: WorkerState = try Self.enumeration(rows, r, "state", table: t)
                return WorkerRecord(id: try Self.text(rows, r, "id", table: t), host: try Self.text(rows, r, "host", table: t),
                                    pid: try Self.int(rows, r, "pid", table: t), threads: try Self.int(rows, r, "threads", table: t),
                                    studyID: try rows.text(r, "studyId").map { _ in try Self.int64(rows, r, "studyId", table: t) },
                                    started: Date(timeIntervalSinceReferenceDate: try Self.requiredDouble(rows, r, "started", table: t)),
                                    heartbeat: Date(timeIntervalSinceReferenceDate: try Self.requiredDouble(rows, r, "heartbeat", table: t)),
                                    state: state)
            }
        }
    }
}
