import Foundation
import NasCore
import NasStudy

/// One search's trials, in one place: a study record and the `StudyStorage` that keeps its
/// trials (SQLite for `--db`, memory otherwise). The search loop writes each trial through it
/// as it starts and ends; tables, fronts, `resume` and `replay --cached` read them back from it.
/// Nothing here knows the language: the space arrives as text, parameters as `ParameterValue`.
public final class Study {
    public let storage: any StudyStorage
    public private(set) var record: StudyRecord

    public init(storage: any StudyStorage, record: StudyRecord) {
        self.storage = storage
        self.record = record
    }

    /// What a search tells the storage about itself, to find its stored study or create one.
    public struct Description: Sendable {
        /// Studies are named after it: `cnn`, then `cnn #2`, ...
        public var name: String
        /// The space as text: a resumed study must search the space its stored points map into.
        public var searchSpace: String
        public var strategy: String
        public var seed: UInt64
        public var objectives: [Objective]
        public var budget: [Constraint]
        public var trials: Int
        /// What the trials depend on beyond space, strategy and seed; see `StudyRecord.fingerprint`.
        public var fingerprint: [String: String]
        /// The program that ran the search, kept with the study so a worker (`nasbook worker`)
        /// can rebuild the same dataset, space and model by running it up to its `search`.
        public var script: String

        public init(name: String, searchSpace: String, strategy: String, seed: UInt64, objectives: [Objective],
                    budget: [Constraint], trials: Int, fingerprint: [String: String], script: String = "") {
            self.script = script
            self.name = name
            self.searchSpace = searchSpace
            self.strategy = strategy
            self.seed = seed
            self.objectives = objectives
            self.budget = budget
            self.trials = trials
            self.fingerprint = fingerprint
        }
    }

    /// Fingerprint entries whose change makes stored trials wrong for this search: a resume
    /// refuses. Others (the nasbook version) only warn.
    public static let bindingFingerprint = ["dataset", "board", "model", "objectives"]

    /// Which stored study a search continues.
    public enum Pick: Sendable {
        /// None: a new study, named after the search (`cnn`, then `cnn #2`, ...).
        case new
        /// The latest study of that name (`run --resume`), or a new one if there is none.
        case latest
        /// The k-th study of that name, counting from 0 (`replay --cached`: the session's k-th
        /// search of that space); nil when there is no such study.
        case index(Int)
    }

    /// A stored study that cannot be continued by this search, and why.
    public struct Mismatch: Error, CustomStringConvertible {
        public let description: String
    }

    /// The study `pick` names in `storage` (checked against `d`; a continued study is resumed,
    /// its finished trials in `replay`) or a new one; `warnings` say what changed that does not
    /// invalidate stored trials. Nil only for an `.index` with no such study. `keepingPlanned`:
    /// a continued study keeps its planned trials, and plans its running ones again (see
    /// `StudyStorage.resume(_:keepingPlanned:)`), for a synchronous parallel search.
    public static func open(_ storage: any StudyStorage, pick: Pick, _ d: Description, keepingPlanned: Bool = false) throws
        -> (study: Study, replay: [TrialRecord], warnings: [String])? {
        let mine = try storage.studies().filter { $0.name == d.name || $0.name.hasPrefix(d.name + " #") }
        let chosen: StudyRecord?
        switch pick {
        case .new: chosen = nil
        case .latest: chosen = mine.last
        case .index(let k):
            guard k < mine.count else { return nil }
            chosen = mine[k]
        }
        if let latest = chosen {
            guard latest.strategy == d.strategy, latest.seed == d.seed, latest.searchSpace == d.searchSpace else {
                throw Mismatch(description:
                    "the stored study '\(latest.name)' in \(storage.location) searched with \(latest.strategy), seed \(latest.seed)"
                    + (latest.searchSpace == d.searchSpace ? "" : " over a different space")
                    + "; this search asks for \(d.strategy), seed \(d.seed)")
            }
            let warnings = try compare(latest, d, location: storage.location)
            let resumption = try storage.resume(latest, keepingPlanned: keepingPlanned)
            return (Study(storage: storage, record: resumption.study), resumption.trials, warnings)
        }
        return (try create(in: storage, d, named: mine.isEmpty ? d.name : "\(d.name) #\(mine.count + 1)"), [], [])
    }

    /// The stored study `name` for a worker to take trials of (`nasbook worker --study`),
    /// checked like a resume against the search the worker's script describes: same strategy,
    /// seed and space, and the same dataset, board, model and objectives by fingerprint, so a
    /// worker never trains another study's trials on other data. Not resumed: the proposer
    /// owns the study's state. Nil when this search is not that study's (its name differs).
    public static func join(_ storage: any StudyStorage, named name: String, _ d: Description) throws -> Study? {
        guard name == d.name || name.hasPrefix(d.name + " #") else { return nil }
        guard let stored = try storage.study(named: name) else {
            throw Mismatch(description: "\(storage.location) has no study named '\(name)'; its studies: "
                           + (try storage.studies().map { "'\($0.name)'" }.joined(separator: ", ")))
        }
        guard stored.strategy == d.strategy, stored.seed == d.seed, stored.searchSpace == d.searchSpace else {
            throw Mismatch(description: "the stored study '\(name)' in \(storage.location) searched with \(stored.strategy), seed \(stored.seed)"
                           + (stored.searchSpace == d.searchSpace ? "" : " over a different space")
                           + "; this worker's script asks for \(d.strategy), seed \(d.seed)")
        }
        _ = try compare(stored, d, location: storage.location)
        return Study(storage: storage, record: stored)
    }

    /// Reads the study's record again (its status and budget may have changed in another process).
    public func refresh() throws {
        if let stored = try storage.study(named: record.name) { record = stored }
    }

    /// A new study in `storage`, named `name` (default: the description's).
    public static func create(in storage: any StudyStorage, _ d: Description, named name: String? = nil) throws -> Study {
        let record = try storage.createStudy(StudyRecord(
            name: name ?? d.name, strategy: d.strategy, seed: d.seed, searchSpace: d.searchSpace, objectives: d.objectives,
            budget: d.budget, plannedTrials: d.trials, script: d.script, fingerprint: d.fingerprint))
        return Study(storage: storage, record: record)
    }

    /// Refuses a stored study whose trials were measured under other conditions, naming each
    /// entry that changed with its stored and current value; returns warnings for the rest.
    static func compare(_ stored: StudyRecord, _ d: Description, location: String) throws -> [String] {
        guard !stored.fingerprint.isEmpty else {
            return ["warning: the stored study '\(stored.name)' in \(location) predates fingerprints: nasbook cannot check it was searched on the same dataset and board"]
        }
        let changed = Set(stored.fingerprint.keys).union(d.fingerprint.keys).sorted().filter { stored.fingerprint[$0] != d.fingerprint[$0] }
        func change(_ key: String) -> String {
            "\(key) was \(stored.fingerprint[key] ?? "not recorded"), now \(d.fingerprint[key] ?? "not given")"
        }
        let binding = changed.filter(bindingFingerprint.contains)
        if !binding.isEmpty {
            throw Mismatch(description:
                "the stored study '\(stored.name)' in \(location) was measured under other conditions, so its trials do not apply: "
                + binding.map(change).joined(separator: "; ")
                + ". Run without --resume to start a new study (or use another --db)")
        }
        return changed.map { "warning: the stored study '\(stored.name)' differs: \(change($0)); its trials are reused as stored" }
    }

    // MARK: Trials

    /// The study's trials in number order, whatever their status.
    public func trials() throws -> [TrialRecord] { try storage.trials(of: record) }

    /// A new `running` trial; call when its evaluation starts, so a crash leaves a trace.
    public func start(x: [Double], parameters: [String: ParameterValue], seed: UInt64) throws -> TrialRecord {
        try storage.startTrial(in: record, x: x, parameters: parameters, seed: seed, at: Date())
    }

    /// Stores a closed trial and its curve; with SQLite, it survives any crash from here on.
    public func finish(_ trial: TrialRecord, epochs: [EpochRecord] = []) throws { try storage.finish(trial, epochs: epochs) }

    /// Drops trials a stopped run left `running` and returns the finished ones to replay.
    public func resume() throws -> [TrialRecord] { try resume(keepingPlanned: false).trials }

    /// Reopens the study; with `keepingPlanned` its unfinished trials stay, to run under their
    /// own numbers and seeds (see `StudyStorage.resume(_:keepingPlanned:)`).
    public func resume(keepingPlanned: Bool) throws -> Resumption {
        let resumption = try storage.resume(record, keepingPlanned: keepingPlanned)
        record = resumption.study
        return resumption
    }

    public func markFinished() throws { try storage.markFinished(record) }

    /// Keeps the user's latest budget with the study.
    public func updateBudget(_ budget: [Constraint]) throws { record = try storage.updateBudget(budget, of: record) }
}
