import Foundation
import NasStudy
import NasStudyPostgres

/// The one place a location string becomes a `StudyStorage`: `nasbook run --db`, the `search`
/// builtin's `storage:` and (issue 15) `nasbook worker` and `nasbook status` all open their
/// study through `open`. A location is a SQLite file path or a PostgreSQL URL,
/// `postgresql://user:password@host:port/db`; messages name a URL without its password
/// (`redacted`).
public enum StudyStorageLocation {
    /// What the opener will do with the study, which decides the locks it takes.
    public enum Role: Sendable {
        /// Proposes trials (runs `search`): a study database has one proposer at a time, and a
        /// second one is refused with `StudyStoreError.locked` (SQLite: the file's `StudyLock`;
        /// PostgreSQL: a session advisory lock, released by the server when the process dies).
        case proposer
        /// Claims and finishes planned trials, or only reads (`status`, a REPL looking on):
        /// any number at once.
        case worker
    }

    /// Opens the storage at `location`: a PostgreSQL database for `postgresql://` and
    /// `postgres://` URLs (its tables created or upgraded), else a SQLite file path (created
    /// if missing).
    public static func open(_ location: String, as role: Role) throws -> any StudyStorage {
        if PostgresLocation.isPostgres(location) {
            return role == .proposer ? try PostgresStudyStorage.proposer(url: location) : try PostgresStudyStorage(url: location)
        }
        if let scheme = scheme(of: location) {
            throw LocationError(description: "no study backend for '\(scheme)://' locations; use a SQLite file path or a postgresql:// URL")
        }
        return try StudyStore(path: location, exclusive: role == .proposer)
    }

    /// Whether `location` is a server rather than a file (so "does it exist" is not a file test).
    public static func isServer(_ location: String) -> Bool { scheme(of: location) != nil }

    /// `location` as messages show it: a URL's password replaced by `***`; a path as it is.
    public static func redacted(_ location: String) -> String {
        isServer(location) ? PostgresLocation.redact(location) : location
    }

    /// How to hand `location` to another process: a URL without its password, which goes into
    /// the environment as `PGPASSWORD` (libpq reads it) instead of onto a command line that `ps`
    /// shows to every user of the machine. A file path is handed on as it is.
    public static func forChildProcess(_ location: String) -> (location: String, environment: [String: String]) {
        guard PostgresLocation.isPostgres(location) else { return (location, [:]) }
        let (url, password) = PostgresLocation.splittingPassword(location)
        return (url, password.map { ["PGPASSWORD": $0] } ?? [:])
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
