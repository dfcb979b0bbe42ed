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

/// What a worker process was told: which study to work for, who it is, and how many training
/// threads each of its trials uses.
public struct WorkerAssignment: Sendable, Equatable {
    /// The stored study's name (`cnn`, `cnn #2`).
    public var study: String
    /// Unique across machines; see `WorkerRecord.newID()`.
    public var id: String
    /// Training threads per trial; nil: one per core.
    public var threads: Int?
    /// Stop when this process (the proposer that started the worker) is gone.
    public var parent: Int32?
    /// How long the worker keeps retrying, with backoff, when the study database does not
    /// answer (a PostgreSQL server restarting), before it exits with the error.
    public var retry: Double

    public init(study: String, id: String, threads: Int? = nil, parent: Int32? = nil, retry: Double = 60) {
        self.study = study
        self.id = id
        self.threads = threads
        self.parent = parent
        self.retry = retry
    }
}
