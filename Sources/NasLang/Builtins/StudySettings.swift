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

    public init(databasePath: String? = nil, resume: Bool = false) {
        self.databasePath = databasePath
        self.resume = resume
    }

    /// `kws.nas` -> `kws.db` beside it: a rerun with `--resume` finds the study without being told.
    public static func defaultDatabasePath(forScript path: String) -> String {
        (path.hasSuffix(".nas") ? String(path.dropLast(4)) : path) + ".db"
    }
}
