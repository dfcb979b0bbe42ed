import Foundation
import NasStudy

/// The one place a location string becomes a `StudyStorage`: `nasbook run --db`, the `search`
/// builtin, `nasbook worker` and `nasbook status` all open their study through `open`, so a new
/// backend (PostgreSQL: `postgresql://user@host/db`) plugs in here and nowhere else.
public enum StudyStorageLocation {
    /// What the opener will do with the study, which decides the locks it takes.
    public enum Role: Sendable {
        /// Proposes trials (runs `search`): a study has one proposer at a time, and a second
        /// one is refused (SQLite: the file's `StudyLock`, `StudyStoreError.locked`).
        case proposer
        /// Claims and finishes planned trials, or only reads (`status`, a REPL looking on):
        /// any number at once.
        case worker
    }

    /// Opens the storage at `location`: a SQLite file path (created if missing).
    public static func open(_ location: String, as role: Role) throws -> any StudyStorage {
        if let scheme = scheme(of: location) {
            throw LocationError(description: "no study backend for '\(scheme)://' locations in this nasbook; use a SQLite file path")
        }
        return try StudyStore(path: location, exclusive: role == .proposer)
    }

    /// `postgresql` for `postgresql://...`; nil for a file path.
    public static func scheme(of location: String) -> String? {
        guard let range = location.range(of: "://") else { return nil }
        let scheme = location[..<range.lowerBound]
        guard !scheme.isEmpty, scheme.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == "." }) else { return nil }
        return String(scheme)
    }

    /// A location nasbook cannot open, in words.
    public struct LocationError: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }
}
