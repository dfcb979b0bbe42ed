import Foundation
import NasCore

// What a `StudyStorage` backend outside this module (NasStudyPostgres) needs to store and
// rebuild records exactly as the SQLite store does: the schema's migration names, the JSON
// text of the JSON columns, and initializers for records read back from a server.

/// The store's schema versions, by the names every backend records in its migrations table
/// (SQLite: GRDB's `grdb_migrations`; PostgreSQL: `nasbook_migrations`). A backend applies
/// them in this order, each once; a study database of either kind at the same version has the
/// same tables and columns.
public enum StudyMigration: String, CaseIterable, Sendable {
    case studiesTrialsEpochs = "v1: studies, trials, epochs"
    case studyFingerprint = "v2: study fingerprint"
    case trialLeasesWorkers = "v3: trial leases, workers"
}

/// The JSON text columns (points, parameters, metrics, objectives, budget, fingerprint) as
/// every backend writes them, so one study reads the same from SQLite and PostgreSQL.
public enum StudyJSON {
    /// `value` as the column's text (sorted keys; non-finite numbers as "nan", "inf", "-inf").
    public static func encode<T: Encodable>(_ value: T) throws -> String { try JSONColumn.encode(value) }

    /// The column's text decoded, or `StudyStoreError.corruptColumn` naming table and column.
    public static func decode<T: Decodable>(_ type: T.Type, from text: String, table: String, column: String) throws -> T {
        try JSONColumn.decode(type, text: text, table: table, column: column)
    }
}

extension StudyRecord {
    /// A study as a backend read it back, id included.
    public init(storedID id: Int64, name: String, created: Date, strategy: String, seed: UInt64, searchSpace: String,
                objectives: [Objective], budget: [Constraint], plannedTrials: Int, script: String, status: StudyStatus,
                fingerprint: [String: String]) {
        self.init(name: name, strategy: strategy, seed: seed, searchSpace: searchSpace, objectives: objectives, budget: budget,
                  plannedTrials: plannedTrials, script: script, fingerprint: fingerprint, created: created)
        self.id = id
        self.status = status
    }

    /// This study as stored under `id` (what `createStudy` returns).
    public func stored(as id: Int64) -> StudyRecord {
        var copy = self
        copy.id = id
        return copy
    }
}

extension TrialRecord {
    /// A trial as a backend read it back, id included.
    public init(storedID id: Int64, studyID: Int64, number: Int, status: TrialStatus, failureReason: String?, x: [Double],
                parameters: [String: ParameterValue], metrics: MetricValues, seed: UInt64, started: Date, finished: Date?,
                seconds: Double?, owner: String?, heartbeat: Date?) {
        self.init(studyID: studyID, number: number, x: x, parameters: parameters, seed: seed, started: started, status: status)
        self.id = id
        self.owner = owner
        self.heartbeat = heartbeat
        self.failureReason = failureReason
        self.metrics = metrics
        self.finished = finished
        self.seconds = seconds
    }
}

extension Resumption {
    /// What a backend's `resume` returns: the reopened study, its finished trials in number
    /// order, and the numbers of the trials it dropped.
    public init(reopened study: StudyRecord, finished trials: [TrialRecord], interrupted: [Int], planned: [TrialRecord] = []) {
        self.init(study: study, trials: trials, interrupted: interrupted, planned: planned)
    }
}
