// Metrics, objectives, constraints, trial status and parameter values are NasCore's; what is
// here is the store's own: what can go wrong with the file.

/// What went wrong with the store, in words a user can act on.
public enum StudyStoreError: Error, Equatable, CustomStringConvertible {
    case duplicateStudy(String)
    case unsavedStudy(String)
    case unsavedTrial(Int)
    case trialStillRunning(Int)
    case corruptColumn(table: String, column: String, reason: String)
    /// Another process writes this study database (see `StudyLock`).
    case locked(path: String, holder: String)
    case cannotLock(path: String, reason: String)
    /// `PRAGMA quick_check` or SQLite itself found the file damaged.
    case corrupt(path: String, detail: String)

    public var description: String {
        switch self {
        case .duplicateStudy(let name): return "a study named \"\(name)\" already exists; resume it or choose another name"
        case .unsavedStudy(let name): return "study \"\(name)\" is not in the store yet; create it first"
        case .unsavedTrial(let n): return "trial \(n) was not started in the store"
        case .trialStillRunning(let n): return "trial \(n) is still running; complete, fail or mark it infeasible before finishing it"
        case .corruptColumn(let table, let column, let reason): return "\(table).\(column) holds unreadable data: \(reason)"
        case .locked(let path, let holder):
            return "\(path) is in use by \(holder); a study has one proposer (the process that runs its search) at a time, while any number of workers may join it: wait for it to finish or stop it, or use another --db"
        case .cannotLock(let path, let reason): return "cannot lock \(path): \(reason)"
        case .corrupt(let path, let detail):
            return "\(path) is damaged (\(detail)); its trials cannot be trusted: restore a backup, or move it away and start the study again"
        }
    }
}
