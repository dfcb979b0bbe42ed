import Foundation
import NasCore
import NasOptimize

/// Where a study's trials live: one protocol, several backends (Optuna's Storage split). The
/// search loop, `resume`, `replay --cached` and budget re-filtering speak only this protocol,
/// so a study behaves the same in memory (`MemoryStudyStorage`: tests, a REPL session without
/// `--db`) and in a file (`StudyStore`: SQLite through GRDB, crash-safe, resumable).
///
/// The contract every backend keeps (`StudyStorageContractTests` runs it on each):
/// - Study names are unique (`duplicateStudy`); ids are assigned on `createStudy`.
/// - `startTrial` numbers trials 1, 2, 3... per study, after the highest stored number, and
///   stores them `running`; `finish` stores the outcome and the curve at once, or nothing
///   (`trialStillRunning` for a trial not yet closed, `unsavedTrial` for one never started).
/// - `trials(of:)` returns a study's trials in number order; `resume` drops the `running` ones
///   (a crashed session's), marks the study `running` and returns the finished ones to replay.
/// - Feasibility is never stored: `feasibleFront` recomputes it from the metrics under the
///   budget given (the study's own by default), with `NasCore.FeasibleFront`.
///
/// What the next backends and workers add (issue 15), and where:
/// - PostgreSQL: a third conformance with the same tables (the migrations in `Schema` are
///   plain SQL apart from SQLite's `PRAGMA`s); several machines then share one study.
/// - Trial leases: a trial row gains `owner` (worker id) and `heartbeat` columns and a
///   `planned` state before `running`; a backend's `startTrial` becomes "claim the next
///   planned trial or insert one" in one transaction, and `resume` drops only `running` rows
///   whose heartbeat is older than the lease instead of every `running` row. Nothing above the
///   protocol changes: the loop still starts, finishes and replays trials.
/// - Batch ask: `startTrials(in:points:)` (a default implementation calls `startTrial` per
///   point) lets a strategy's L proposals be claimed by L workers at once; numbers stay unique
///   because they are assigned inside the backend's transaction.
public protocol StudyStorage: AnyObject, Sendable {
    /// Where the trials are kept, for messages: a file path, or "memory".
    var location: String { get }

    /// Stores a new study and returns it with its id. Names are unique within a storage.
    func createStudy(_ study: StudyRecord) throws -> StudyRecord
    /// All studies, oldest first.
    func studies() throws -> [StudyRecord]
    /// Records that the study ran all its trials; `resume` reopens it if asked.
    func markFinished(_ study: StudyRecord) throws
    /// Keeps a new budget with the study; trials are untouched.
    @discardableResult
    func updateBudget(_ budget: [Constraint], of study: StudyRecord) throws -> StudyRecord

    /// A new `running` trial, numbered after the study's last.
    func startTrial(in study: StudyRecord, x: [Double], parameters: [String: ParameterValue], seed: UInt64,
                    at start: Date) throws -> TrialRecord
    /// Stores a closed trial's outcome and its curve, atomically.
    func finish(_ trial: TrialRecord, epochs: [EpochRecord]) throws
    /// The study's trials in number order, whatever their status.
    func trials(of study: StudyRecord) throws -> [TrialRecord]
    /// A trial's curve, first epoch first.
    func epochs(of trial: TrialRecord) throws -> [EpochRecord]
    /// Drops the trials a dead session left `running`, marks the study `running` and returns
    /// what to replay.
    func resume(_ study: StudyRecord) throws -> Resumption
    /// The stored trials that fit `budget` (the study's own when nil), not dominated on the
    /// study's objectives, best first.
    func feasibleFront(of study: StudyRecord, within budget: [Constraint]?) throws -> [TrialRecord]
}

extension StudyStorage {
    public func study(named name: String) throws -> StudyRecord? { try studies().first { $0.name == name } }

    /// The most recently created study: what `nasbook run --resume` picks when not told which.
    public func latestStudy() throws -> StudyRecord? { try studies().last }

    /// Starts one trial per point, in order (see the protocol's note on batch ask).
    public func startTrials(in study: StudyRecord, points: [(x: [Double], parameters: [String: ParameterValue], seed: UInt64)],
                            at start: Date = Date()) throws -> [TrialRecord] {
        try points.map { try startTrial(in: study, x: $0.x, parameters: $0.parameters, seed: $0.seed, at: start) }
    }
}

/// Where a study stands when it is picked up again.
///
/// Replaying: rebuild the strategy from `study.strategy` and `study.seed`, then for each of
/// `trials` in order ask it for a proposal after the observations so far and discard it (a
/// stateful strategy such as Sobol must still advance; a deterministic one proposes
/// `trial.x` again), recording the stored trial instead. New trials are numbered after the
/// last stored one by `startTrial`.
public struct Resumption: Sendable {
    /// The study as stored (its latest budget included), marked `running` again.
    public let study: StudyRecord
    /// The finished trials (complete, failed, infeasible) in proposal order.
    public let trials: [TrialRecord]
    /// Numbers of trials that were running when the previous session died. Their rows are
    /// gone: the replayed strategy proposes them again and they run under the same numbers,
    /// so a resumed study matches one that was never interrupted.
    public let interrupted: [Int]

    /// Complete trials as the strategies see them (objectives minimized), in order.
    public var observations: [Observation] {
        trials.compactMap { t in t.objectiveVector(study.objectives).map { Observation(x: t.x, objectives: $0) } }
    }

    /// How many of the planned trials are still to run.
    public var remaining: Int { max(0, study.plannedTrials - trials.count) }
}

/// A study storage in memory: the same contract as the SQLite store, nothing written to disk.
/// For tests, and for searches that asked for no database. Thread-safe (one lock).
public final class MemoryStudyStorage: StudyStorage, @unchecked Sendable {
    private let lock = NSLock()
    private var studyRecords: [StudyRecord] = []
    private var trialRecords: [Int64: [TrialRecord]] = [:]
    private var curves: [Int64: [EpochRecord]] = [:]
    private var nextStudyID: Int64 = 1
    private var nextTrialID: Int64 = 1

    public init() {}

    public var location: String { "memory" }

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    private func savedID(_ study: StudyRecord) throws -> Int64 {
        guard let id = study.id, studyRecords.contains(where: { $0.id == id }) else { throw StudyStoreError.unsavedStudy(study.name) }
        return id
    }

    public func createStudy(_ study: StudyRecord) throws -> StudyRecord {
        try locked {
            guard !studyRecords.contains(where: { $0.name == study.name }) else { throw StudyStoreError.duplicateStudy(study.name) }
            var stored = study
            stored.id = nextStudyID
            nextStudyID += 1
            studyRecords.append(stored)
            return stored
        }
    }

    public func studies() throws -> [StudyRecord] { locked { studyRecords } }

    public func markFinished(_ study: StudyRecord) throws {
        try locked {
            let id = try savedID(study)
            studyRecords[studyRecords.firstIndex { $0.id == id }!].status = .finished
        }
    }

    @discardableResult
    public func updateBudget(_ budget: [Constraint], of study: StudyRecord) throws -> StudyRecord {
        try locked {
            let id = try savedID(study)
            studyRecords[studyRecords.firstIndex { $0.id == id }!].budget = budget
            var updated = study
            updated.budget = budget
            return updated
        }
    }

    public func startTrial(in study: StudyRecord, x: [Double], parameters: [String: ParameterValue], seed: UInt64,
                           at start: Date = Date()) throws -> TrialRecord {
        try locked {
            let id = try savedID(study)
            let last = trialRecords[id]?.map(\.number).max() ?? 0
            var trial = TrialRecord(studyID: id, number: last + 1, x: x, parameters: parameters, seed: seed, started: start)
            trial.id = nextTrialID
            nextTrialID += 1
            trialRecords[id, default: []].append(trial)
            return trial
        }
    }

    public func finish(_ trial: TrialRecord, epochs: [EpochRecord] = []) throws {
        try locked {
            guard let id = trial.id, let i = trialRecords[trial.studyID]?.firstIndex(where: { $0.id == id }) else {
                throw StudyStoreError.unsavedTrial(trial.number)
            }
            guard trial.status != .running else { throw StudyStoreError.trialStillRunning(trial.number) }
            trialRecords[trial.studyID]![i] = trial
            curves[id] = epochs
        }
    }

    public func trials(of study: StudyRecord) throws -> [TrialRecord] {
        try locked { (trialRecords[try savedID(study)] ?? []).sorted { $0.number < $1.number } }
    }

    public func epochs(of trial: TrialRecord) throws -> [EpochRecord] {
        try locked {
            guard let id = trial.id else { throw StudyStoreError.unsavedTrial(trial.number) }
            return curves[id] ?? []
        }
    }

    public func resume(_ study: StudyRecord) throws -> Resumption {
        try locked {
            let id = try savedID(study)
            let all = (trialRecords[id] ?? []).sorted { $0.number < $1.number }
            let running = all.filter { $0.status == .running }
            for t in running { curves[t.id!] = nil }
            trialRecords[id] = all.filter { $0.status != .running }
            let i = studyRecords.firstIndex { $0.id == id }!
            studyRecords[i].status = .running
            return Resumption(study: studyRecords[i], trials: trialRecords[id]!, interrupted: running.map(\.number))
        }
    }

    public func feasibleFront(of study: StudyRecord, within budget: [Constraint]? = nil) throws -> [TrialRecord] {
        let stored = locked { studyRecords.first { $0.id == study.id } } ?? study
        return try trials(of: study).feasibleFront(within: budget ?? stored.budget, objectives: stored.objectives)
    }
}
