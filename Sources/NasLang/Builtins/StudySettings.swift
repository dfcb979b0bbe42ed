import NasCore

/// Where the study builtins (`search`, `resume`) keep their trials, set by the front end
/// (`nasbook run --db PATH --resume`) and read through `CallContext.studySettings`. The language
/// knows only the path; opening the store is the builtins' business, so a program without a
/// search leaves no file behind.
public struct StudySettings: Sendable, Equatable {
    /// The study database; nil keeps studies in memory only (the REPL, tests).
    public var databasePath: String?
    /// Continue the stored study a `search` names (replaying its finished trials) instead of
    /// starting a new one.
    public var resume: Bool
    /// `nasbook replay --cached`: the k-th search of a space takes its trials from the k-th
    /// stored study of that space and reports them exactly as when they ran, so a replayed
    /// session matches its recording without retraining.
    public var cached: Bool
    /// `nasbook worker`: the program runs as a worker of this stored study, so the `search`
    /// that made it takes the study's planned trials from `databasePath` instead of searching.
    public var worker: WorkerAssignment?

    public init(databasePath: String? = nil, resume: Bool = false, cached: Bool = false, worker: WorkerAssignment? = nil) {
        self.databasePath = databasePath
        self.resume = resume
        self.cached = cached
        self.worker = worker
    }

    /// `notes.nasbook` -> `notes.db` beside it: the studies a saved session searched.
    public static func defaultDatabasePath(forSession path: String) -> String {
        (path.hasSuffix(".nasbook") ? String(path.dropLast(8)) : path) + ".db"
    }

    /// `kws.nas` -> `kws.db` beside it: a rerun with `--resume` finds the study without being told.
    public static func defaultDatabasePath(forScript path: String) -> String {
        (path.hasSuffix(".nas") ? String(path.dropLast(4)) : path) + ".db"
    }
}
