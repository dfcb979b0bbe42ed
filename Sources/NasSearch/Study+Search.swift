import Foundation
import NasStudy

extension Study {
    /// Where a search's trials live and how it starts there: a new study, the latest one
    /// again (`run --resume`), or the k-th of its name replayed as it ran (`replay --cached`).
    public enum SearchStart: Equatable, Sendable {
        case new, resume, cached(occurrence: Int)

        var pick: Pick {
            switch self {
            case .new: return .new
            case .resume: return .latest
            case .cached(let k): return .index(k)
            }
        }
    }

    /// A search's study, in its one home: the storage at `location` (a SQLite path or a
    /// postgresql:// URL; opened as its only proposer, workers are let in), else, for a search
    /// whose trials run in worker processes, a temporary file they share, else memory. A cached
    /// replay of a file that does not exist runs in memory (it has nothing to replay).
    /// Returns the study, the location it was opened at (password included: what workers are
    /// handed) and the storage's warnings (a changed fingerprint) for the user. Throws
    /// `SearchFailure` at `argument` (the call's argument that named the location) when there is
    /// nothing to resume or the storage refuses.
    public static func forSearch(_ description: Description, at location: String?, start: SearchStart, parallel: ParallelOptions,
                                 argument: String) throws -> (study: Study, location: String?, warnings: [String]) {
        var location = location
        let cached: Bool
        if case .cached = start { cached = true } else { cached = false }
        if start == .resume, let location, !StudyStorageLocation.isServer(location), !FileManager.default.fileExists(atPath: location) {
            throw SearchFailure("search: nothing to resume: '\(location)' does not exist", at: argument,
                                hint: "run without --resume to start the study")
        }
        if parallel.isParallel, parallel.workers > 0, location == nil, !cached { location = try TemporaryStudyFile.make() }
        guard let location, !cached || StudyStorageLocation.isServer(location) || FileManager.default.fileExists(atPath: location) else {
            return (try Study.create(in: MemoryStudyStorage(), description), location, [])
        }
        let opened: (study: Study, replay: [TrialRecord], warnings: [String])?
        do {
            opened = try Study.open(try StudyStorageLocation.open(location, as: .proposer), pick: start.pick, description,
                                    keepingPlanned: parallel.keepsPlannedTrials)
        } catch {
            throw SearchFailure("search: study database \(StudyStorageLocation.redacted(location)): \(error)", at: argument)
        }
        guard let opened else { return (try Study.create(in: MemoryStudyStorage(), description), location, []) }
        return (opened.study, location, opened.warnings)
    }
}
