import Foundation

/// What went wrong talking to PostgreSQL, in words a user can act on, always naming the server
/// (password redacted). `sqlState` is the server's five-character code when it sent one
/// (`23505` unique violation, `28P01` wrong password, `57P01` server shutting down...).
public struct PostgresError: Error, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The URL itself is malformed; nothing was tried.
        case badLocation
        /// No server answered there (down, wrong host or port, firewall).
        case cannotConnect
        /// The server refused the user or password.
        case authentication
        /// The connection broke during a statement (server stopped or restarted, network).
        case connectionLost
        /// The server ran the statement and refused it (constraint, syntax, serialization).
        case statement
    }

    public let kind: Kind
    /// The server, as `PostgresLocation.redacted` names it.
    public let server: String
    public let sqlState: String?
    /// libpq's or the server's message, one line, password-free.
    public let message: String

    public init(_ kind: Kind, server: String, sqlState: String? = nil, message: String) {
        self.kind = kind
        self.server = server
        self.sqlState = sqlState
        self.message = message
    }

    public var description: String {
        switch kind {
        case .badLocation: return "bad PostgreSQL location \(server): \(message)"
        case .cannotConnect: return "cannot connect to PostgreSQL server \(server): \(message)"
        case .authentication: return "PostgreSQL server \(server) refused the login: \(message); check the user and password in the URL"
        case .connectionLost:
            return "lost the connection to PostgreSQL server \(server): \(message); every trial finished before this is stored there"
        case .statement: return "PostgreSQL server \(server): \(message)" + (sqlState.map { " (SQLSTATE \($0))" } ?? "")
        }
    }

    /// SQLSTATE 23505: a unique constraint refused the row.
    public var isUniqueViolation: Bool { sqlState == "23505" }
}
