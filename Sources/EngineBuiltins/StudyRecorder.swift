import Foundation
import NasCore
import NasLang
import NasNN
import NasStudy
import NasTrial

/// Writes a network study's trials to the study database as they finish, and reads a stored
/// study back for `--resume` / `replay --cached`. The one place that speaks both the engine's
/// and the store's vocabulary.
final class StudyRecorder {
    let store: StudyStore
    private(set) var record: StudyRecord

    private init(store: StudyStore, record: StudyRecord) {
        self.store = store
        self.record = record
    }

    /// What `search` needs to describe its study to the store.
    struct Description {
        let space: SearchSpace
        let strategy: String
        let seed: UInt64
        let objectives: [Objective]
        let budget: Budget?
        let trials: Int
        /// What the trials depend on beyond space, strategy and seed; see `StudyRecord.fingerprint`.
        let fingerprint: [String: String]
    }

    /// Fingerprint entries whose change makes stored trials wrong for this search: a resume
    /// refuses. Others (the nasbook version) only warn.
    static let bindingFingerprint = ["dataset", "board", "model", "objectives"]

    /// Which stored study a search continues.
    enum Pick {
        /// None: a new study, named after the space (`cnn`, then `cnn #2`, ...).
        case new
        /// The latest study of the space (`run --resume`), or a new one if there is none.
        case latest
        /// The k-th study of the space, counting from 0 (`replay --cached`: the session's k-th
        /// search of that space); nil when there is no such study.
        case index(Int)
    }

    /// Opens the database (as its only writer: a second process gets `.locked`) and the study
    /// `pick` names; a continued study's finished trials come back as `stored`, and `warnings`
    /// say what changed that does not invalidate them. Errors name the file and what differs.
    static func open(path: String, pick: Pick, _ d: Description) throws
        -> (recorder: StudyRecorder, stored: [NetworkTrialRecord], warnings: [String])? {
        let store = try StudyStore(path: path, exclusive: true)
        let mine = try store.studies().filter { $0.name == d.space.name || $0.name.hasPrefix(d.space.name + " #") }
        let chosen: StudyRecord?
        switch pick {
        case .new: chosen = nil
        case .latest: chosen = mine.last
        case .index(let k):
            guard k < mine.count else { return nil }
            chosen = mine[k]
        }
        if let latest = chosen {
            guard latest.strategy == d.strategy, latest.seed == d.seed, latest.searchSpace == describe(d.space) else {
                throw StudyRecorderError.mismatch(
                    "the stored study '\(latest.name)' in \(path) searched with \(latest.strategy), seed \(latest.seed)"
                    + (latest.searchSpace == describe(d.space) ? "" : " over a different space")
                    + "; this search asks for \(d.strategy), seed \(d.seed)")
            }
            let warnings = try compare(latest, d, path: path)
            let resumption = try store.resume(latest)
            var trials: [NetworkTrialRecord] = []
            for t in resumption.trials {
                trials.append(NetworkTrialRecord(stored: t, epochs: try store.epochs(of: t)))
            }
            return (StudyRecorder(store: store, record: resumption.study), trials, warnings)
        }
        let name = mine.isEmpty ? d.space.name : "\(d.space.name) #\(mine.count + 1)"
        let record = try store.createStudy(StudyRecord(
            name: name, strategy: d.strategy, seed: d.seed, searchSpace: describe(d.space),
            objectives: d.objectives, budget: d.budget?.constraints ?? [], plannedTrials: d.trials, fingerprint: d.fingerprint))
        return (StudyRecorder(store: store, record: record), [], [])
    }

    /// Refuses a stored study whose trials were measured under other conditions, naming each
    /// entry that changed with its stored and current value; returns warnings for the rest.
    static func compare(_ stored: StudyRecord, _ d: Description, path: String) throws -> [String] {
        guard !stored.fingerprint.isEmpty else {
            return ["warning: the stored study '\(stored.name)' in \(path) predates fingerprints: nasbook cannot check it was searched on the same dataset and board"]
        }
        let changed = Set(stored.fingerprint.keys).union(d.fingerprint.keys).sorted().filter { stored.fingerprint[$0] != d.fingerprint[$0] }
        func change(_ key: String) -> String {
            "\(key) was \(stored.fingerprint[key] ?? "not recorded"), now \(d.fingerprint[key] ?? "not given")"
        }
        let binding = changed.filter(bindingFingerprint.contains)
        if !binding.isEmpty {
            throw StudyRecorderError.mismatch(
                "the stored study '\(stored.name)' in \(path) was measured under other conditions, so its trials do not apply: "
                + binding.map(change).joined(separator: "; ")
                + ". Run without --resume to start a new study (or use another --db)")
        }
        return changed.map { "warning: the stored study '\(stored.name)' differs: \(change($0)); its trials are reused as stored" }
    }

    /// The space as text: a resumed study must search the same space its points map into.
    static func describe(_ space: SearchSpace) -> String {
        space.parameters.map { "\($0.name) \($0.domainDescription)" + ($0.perLayer ? " per layer" : "") }.joined(separator: "; ")
    }

    /// A trial's row in the store while it runs.
    struct Row {
        fileprivate let record: TrialRecord
    }

    /// Starts the trial's row; call when training starts, so a crash leaves a trace.
    func start(number: Int, x: [Double], settings: [(String, Value)], seed: UInt64) throws -> Row {
        var parameters: [String: ParameterValue] = [:]
        for (name, value) in settings { parameters[name] = Self.parameter(value) }
        return Row(record: try store.startTrial(in: record, x: x, parameters: parameters, seed: seed))
    }

    /// Commits the trial's outcome and curve; when this returns, the trial survives any crash.
    func finish(_ started: Row, _ outcome: TrialOutcome) throws {
        var row = started.record
        let metrics = outcome.metrics ?? MetricValues()
        switch outcome.status {
        case .complete: row.complete(metrics: metrics)
        case .infeasible: row.markInfeasible(outcome.reason ?? "over budget", metrics: metrics)
        case .failed, .running: row.fail(outcome.reason ?? "failed", metrics: metrics)
        }
        // Training epochs then fine-tuning epochs, numbered through so the curve has one key per row.
        let epochs = outcome.epochs.enumerated().map { i, e in
            EpochRecord(epoch: i + 1, trainLoss: e.trainLoss, trainAccuracy: e.trainAccuracy, validationLoss: e.validationLoss,
                        validationAccuracy: e.validationAccuracy, seconds: e.seconds)
        }
        try store.finish(row, epochs: epochs)
    }

    func finishStudy() throws { try store.markFinished(record) }

    /// Keeps the user's latest budget with the study.
    func budgetChanged(_ budget: Budget) throws { record = try store.updateBudget(budget.constraints, of: record) }

    static func parameter(_ value: Value) -> ParameterValue {
        switch value {
        case .number(let q): return .number(q.value)
        case .bool(let b): return .bool(b)
        case .list(let items): return .list(items.map(parameter))
        case .string(let s): return .string(s)
        default: return .string(value.inline)
        }
    }
}

/// A stored trial as the search replays it: the point, the seed and the outcome (no weights:
/// the database keeps metrics and curves; a network is retrained from its seed when needed).
struct NetworkTrialRecord {
    let number: Int
    let x: [Double]
    let seed: UInt64
    let outcome: TrialOutcome

    init(number: Int, x: [Double], seed: UInt64, outcome: TrialOutcome) {
        self.number = number
        self.x = x
        self.seed = seed
        self.outcome = outcome
    }

    init(stored t: TrialRecord, epochs: [EpochRecord]) {
        number = t.number
        x = t.x
        seed = t.seed
        // A trial whose network could not be built has no costs; `resume` drops running rows.
        let status: TrialStatus = t.status == .running ? .failed : t.status
        outcome = TrialOutcome(status: status, reason: t.failureReason ?? (status == .infeasible ? "over budget" : status == .failed ? "failed" : nil),
                               metrics: t.metrics.isEmpty ? nil : t.metrics, epochs: epochs, seconds: t.seconds ?? 0)
    }
}

enum StudyRecorderError: Error, CustomStringConvertible {
    case mismatch(String)
    var description: String {
        switch self {
        case .mismatch(let why): return why
        }
    }
}
