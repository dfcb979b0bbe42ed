/// What a worker process was told: which study to work for, who it is, and how many training
/// threads each of its trials uses. Shared vocabulary: the command line sets it, the
/// language carries it in `StudySettings`, and the worker loop (`NasSearch.StudyWorker`) runs by it.
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
