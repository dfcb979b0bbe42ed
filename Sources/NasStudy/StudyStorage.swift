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
/// Leased trials (parallel and distributed searches, issue 15). One process, the *proposer*
/// (the one that runs `search`), asks the strategy and stores proposals as `planned` trials;
/// any number of *workers* (child processes, or `nasbook worker` on other machines) claim them,
/// train, and finish them. Every backend keeps these meanings:
/// - `planTrials` numbers the new trials after the study's last in one transaction, so numbers
///   stay unique even if two processes plan at once.
/// - `claimTrial` turns the lowest-numbered `planned` trial into a `running` one owned by the
///   worker, in one transaction: two workers never get the same trial.
/// - `heartbeat` renews the worker's row and the lease of every trial it holds; a lease whose
///   heartbeat is older than the timeout is taken back by `expireLeases` (the trial is
///   `planned` again, its curve dropped) and runs again elsewhere.
/// - `finish(_:epochs:worker:)` stores an outcome only while that worker still holds the lease,
///   and says whether it did: a worker that lost its lease (it stalled, the proposer expired it)
///   stores nothing, so no trial is ever recorded twice.
/// - `resume` drops every `running` trial (leased or not) and every `planned` one: they have
///   no outcome yet and the replayed strategy proposes them again. A worker still training one
///   of them then finds its lease gone and its outcome is refused. One proposer per study at a
///   time keeps that safe (SQLite: `StudyStore(path:exclusive:)`'s lock, which workers do not
///   take). `resume(_:keepingPlanned: true)` (a synchronous parallel search) instead keeps the
///   `planned` trials and plans the `running` ones again (owner, heartbeat and curve dropped,
///   the lease gone as above): they run under their own numbers and seeds, as the interrupted
///   batch would have.
/// - Existing in-process calls (`startTrial`, `finish(_:epochs:)`) keep their meaning: their
///   trials have no owner.
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
    /// `keepingPlanned`: planned trials stay and running ones are planned again (see above).
    func resume(_ study: StudyRecord, keepingPlanned: Bool) throws -> Resumption
    /// The stored trials that fit `budget` (the study's own when nil), not dominated on the
    /// study's objectives, best first.
    func feasibleFront(of study: StudyRecord, within budget: [Constraint]?) throws -> [TrialRecord]

    // MARK: Leases (see the protocol's note)

    /// Stores each point as a `planned` trial, numbered after the study's last, in one
    /// transaction, and returns them in order.
    func planTrials(in study: StudyRecord, points: [TrialPoint], at time: Date) throws -> [TrialRecord]
    /// The lowest-numbered `planned` trial of the study, now `running` and leased to `worker`
    /// (owner and heartbeat set, started at `time`); nil when none is planned.
    func claimTrial(in study: StudyRecord, worker: String, at time: Date) throws -> TrialRecord?
    /// Renews the worker's row and the heartbeat of every `running` trial it owns; returns the
    /// ids of the trials it still holds (a lost lease is missing).
    @discardableResult
    func heartbeat(worker: String, at time: Date) throws -> [Int64]
    /// Stores a leased trial's outcome and curve while `worker` still holds its lease; false,
    /// storing nothing, when the lease was lost (expired, or the trial dropped by `resume`).
    func finish(_ trial: TrialRecord, epochs: [EpochRecord], worker: String) throws -> Bool
    /// Takes back the leases of the study's `running` trials whose owner's heartbeat is older
    /// than `timeout` seconds before `time`: they become `planned` again, owner cleared and curve
    /// dropped. Returns their numbers. Trials without an owner (in-process runs) are untouched.
    func expireLeases(in study: StudyRecord, olderThan timeout: TimeInterval, at time: Date) throws -> [Int]
    /// Gives back every lease `worker` holds (it is stopping: SIGTERM, Ctrl-C): its `running`
    /// trials become `planned` again at once, as an expired lease would after the timeout.
    /// Returns their numbers.
    func releaseTrials(of worker: String) throws -> [Int]
    /// Stores or replaces the worker's row (a worker calls it when it starts and when its state
    /// changes).
    func registerWorker(_ worker: WorkerRecord) throws
    /// Every worker row, oldest first.
    func workers() throws -> [WorkerRecord]
}

extension StudyStorage {
    public func study(named name: String) throws -> StudyRecord? { try studies().first { $0.name == name } }

    /// Reopens the study, dropping its planned and running trials (see the protocol's note).
    public func resume(_ study: StudyRecord) throws -> Resumption { try resume(study, keepingPlanned: false) }

    /// The most recently created study: what `nasbook run --resume` picks when not told which.
    public func latestStudy() throws -> StudyRecord? { try studies().last }

    /// The study's trials that are not final yet (planned or running), in number order.
    public func pendingTrials(of study: StudyRecord) throws -> [TrialRecord] {
        try trials(of: study).filter { !$0.status.isFinal }
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
    /// With `keepingPlanned`: the trials still to run under their stored numbers and seeds
    /// (planned ones, and the interrupted ones planned again; a live worker may have claimed
    /// one since, so it may read `running`), in number order.
    public internal(set) var planned: [TrialRecord] = []

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
    private var workerRecords: [WorkerRecord] = []
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
            guard trial.status.isFinal else { throw StudyStoreError.trialStillRunning(trial.number) }
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

    public func resume(_ study: StudyRecord, keepingPlanned: Bool) throws -> Resumption {
        try locked {
            let id = try savedID(study)
            let all = (trialRecords[id] ?? []).sorted { $0.number < $1.number }
            let running = all.filter { $0.status == .running }
            for t in running { curves[t.id!] = nil }
            let planned: [TrialRecord] = keepingPlanned ? all.filter { !$0.status.isFinal }.map { t -> TrialRecord in
                var replanned = t
                if t.status == .running { replanned.replan() }
                return replanned
            } : []
            if !keepingPlanned { for t in all where !t.status.isFinal { curves[t.id!] = nil } }
            let finished = all.filter { $0.status.isFinal }
            trialRecords[id] = (finished + planned).sorted { $0.number < $1.number }
            let i = studyRecords.firstIndex { $0.id == id }!
            studyRecords[i].status = .running
            return Resumption(study: studyRecords[i], trials: finished, interrupted: running.map(\.number), planned: planned)
        }
    }

    public func feasibleFront(of study: StudyRecord, within budget: [Constraint]? = nil) throws -> [TrialRecord] {
        let stored = locked { studyRecords.first { $0.id == study.id } } ?? study
        return try trials(of: study).feasibleFront(within: budget ?? stored.budget, objectives: stored.objectives)
    }

    // MARK: Leases

    public func planTrials(in study: StudyRecord, points: [TrialPoint], at time: Date = Date()) throws -> [TrialRecord] {
        try locked {
            let id = try savedID(study)
            var last = trialRecords[id]?.map(\.number).max() ?? 0
            return points.map { point in
                last += 1
                var trial = TrialRecord(studyID: id, number: last, x: point.x, parameters: point.parameters, seed: point.seed,
                                        started: time, status: .planned)
                trial.id = nextTrialID
                nextTrialID += 1
                trialRecords[id, default: []].append(trial)
                return trial
            }
        }
    }

    public func claimTrial(in study: StudyRecord, worker: String, at time: Date = Date()) throws -> TrialRecord? {
        try locked {
            let id = try savedID(study)
            guard let i = trialRecords[id]?.indices.filter({ trialRecords[id]![$0].status == .planned })
                .min(by: { trialRecords[id]![$0].number < trialRecords[id]![$1].number }) else { return nil }
            trialRecords[id]![i].lease(to: worker, at: time)
            return trialRecords[id]![i]
        }
    }

    @discardableResult
    public func heartbeat(worker: String, at time: Date = Date()) throws -> [Int64] {
        locked {
            if let w = workerRecords.firstIndex(where: { $0.id == worker }) { workerRecords[w].heartbeat = time }
            var held: [Int64] = []
            for (study, trials) in trialRecords {
                for i in trials.indices where trials[i].status == .running && trials[i].owner == worker {
                    trialRecords[study]![i].heartbeat = time
                    held.append(trials[i].id!)
                }
            }
            return held.sorted()
        }
    }

    public func finish(_ trial: TrialRecord, epochs: [EpochRecord] = [], worker: String) throws -> Bool {
        try locked {
            guard let id = trial.id else { throw StudyStoreError.unsavedTrial(trial.number) }
            guard trial.status.isFinal else { throw StudyStoreError.trialStillRunning(trial.number) }
            guard let i = trialRecords[trial.studyID]?.firstIndex(where: { $0.id == id }),
                  trialRecords[trial.studyID]![i].status == .running, trialRecords[trial.studyID]![i].owner == worker else { return false }
            var stored = trial
            stored.owner = worker
            stored.heartbeat = trialRecords[trial.studyID]![i].heartbeat
            trialRecords[trial.studyID]![i] = stored
            curves[id] = epochs
            return true
        }
    }

    public func expireLeases(in study: StudyRecord, olderThan timeout: TimeInterval, at time: Date = Date()) throws -> [Int] {
        try locked {
            let id = try savedID(study)
            var expired: [Int] = []
            for i in (trialRecords[id] ?? []).indices {
                let t = trialRecords[id]![i]
                guard t.status == .running, t.owner != nil, let beat = t.heartbeat, time.timeIntervalSince(beat) > timeout else { continue }
                trialRecords[id]![i].replan()
                curves[t.id!] = nil
                expired.append(t.number)
            }
            return expired.sorted()
        }
    }

    public func releaseTrials(of worker: String) throws -> [Int] {
        locked {
            var released: [Int] = []
            for id in trialRecords.keys {
                for i in trialRecords[id]!.indices where trialRecords[id]![i].status == .running && trialRecords[id]![i].owner == worker {
                    curves[trialRecords[id]![i].id!] = nil
                    trialRecords[id]![i].replan()
                    released.append(trialRecords[id]![i].number)
                }
            }
            return released.sorted()
        }
    }

    public func registerWorker(_ worker: WorkerRecord) throws {
        locked {
            if let i = workerRecords.firstIndex(where: { $0.id == worker.id }) { workerRecords[i] = worker } else { workerRecords.append(worker) }
        }
    }

    public func workers() throws -> [WorkerRecord] { locked { workerRecords } }
}
