import CLibPQ
import Foundation

/// A value bound to a `$n` parameter of a statement, sent as text. Every value reaches the
/// server this way, never spliced into SQL text, so no study name or script can change a
/// statement.
public protocol PostgresBindable {
    /// The parameter's text form (as PostgreSQL's input functions read it), nil for NULL.
    var postgresText: String? { get }
}

extension String: PostgresBindable { public var postgresText: String? { self } }
extension Int: PostgresBindable { public var postgresText: String? { String(self) } }
extension Int64: PostgresBindable { public var postgresText: String? { String(self) } }
extension Bool: PostgresBindable { public var postgresText: String? { self ? "t" : "f" } }
extension Double: PostgresBindable {
    /// Swift prints the shortest text that reads back to the same bits; PostgreSQL's float8
    /// input reads it exactly, and spells the non-finite values its own way.
    public var postgresText: String? {
        if isNaN { return "NaN" }
        if isInfinite { return self < 0 ? "-Infinity" : "Infinity" }
        return "\(self)"
    }
}
extension Optional: PostgresBindable where Wrapped: PostgresBindable {
    public var postgresText: String? { self?.postgresText }
}

/// The rows a statement returned, every value as PostgreSQL's text output (nil for NULL).
public struct PostgresRows: Sendable {
    public let columns: [String]
    public let values: [[String?]]
    /// Rows changed by an INSERT, UPDATE or DELETE.
    public let affected: Int

    public var count: Int { values.count }

    /// Row `row`'s value of `column`, or a statement error naming a missing column.
    public func text(_ row: Int, _ column: String) throws -> String? {
        guard let c = columns.firstIndex(of: column) else {
            throw PostgresError(.statement, server: "", message: "the result has no column \(column)")
        }
        return values[row][c]
    }
}

/// One libpq connection (`PGconn`), synchronous: a statement runs to its end before the call
/// returns, which is what a worker's claim-train-finish loop and a proposer's polling need.
/// Not thread-safe by itself (libpq connections are not): `PostgresStudyStorage` serializes
/// its calls with a lock.
///
/// A connection the server dropped (restart, network) is re-opened at the next call; the call
/// that saw it break throws `.connectionLost`, so nothing is silently retried twice.
public final class PostgresConnection {
    public let location: PostgresLocation
    private var connection: OpaquePointer?
    /// Depth of `transaction` nesting; only the outermost begins and commits.
    private var transactionDepth = 0
    /// Runs after every re-connection (not the first), to restore session state such as an
    /// advisory lock; throwing makes the call that reconnected fail.
    public var onReconnect: ((PostgresConnection) throws -> Void)?
    private var connectedBefore = false

    /// How this process shows in `pg_stat_activity` (and in a "locked by" message).
    public static let applicationName: String = {
        var host = [CChar](repeating: 0, count: 256)
        gethostname(&host, host.count - 1)
        let hostName = String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let name = "nasbook pid \(getpid()) on \(hostName)"
        return String(name.prefix(63))  // the server truncates at 63 bytes
    }()

    /// Connects (10 s timeout unless the URL says `connect_timeout`), or throws
    /// `.cannotConnect` or `.authentication` naming the server.
    public init(_ location: PostgresLocation) throws {
        self.location = location
        try connect()
    }

    deinit { if let connection { PQfinish(connection) } }

    private func connect() throws {
        if let connection { PQfinish(connection) }
        // Later entries override earlier ones, and the URL (expanded from dbname) comes last, so
        // its own connect_timeout or application_name win over these defaults.
        let keys = ["connect_timeout", "fallback_application_name", "dbname"]
        let values = ["10", Self.applicationName, location.url]
        let conn = keys.withCStrings { k in values.withCStrings { v in PQconnectdbParams(k, v, 1) } }
        connection = conn
        guard let conn, PQstatus(conn) == CONNECTION_OK else {
            let message = conn.map { String(cString: PQerrorMessage($0)) } ?? "out of memory"
            if let conn { PQfinish(conn) }
            connection = nil
            throw Self.connectionError(message, server: location.redacted)
        }
        // The server's NOTICEs ("relation already exists, skipping") are not the user's concern.
        PQsetNoticeProcessor(conn, { _, _ in }, nil)
        // Shortest exact float text on every server version (12+ does so already at 1).
        _ = try execute("SET extra_float_digits = 3")
        if connectedBefore, let onReconnect {
            do {
                try onReconnect(self)
            } catch {
                PQfinish(conn)
                connection = nil
                throw error
            }
        }
        connectedBefore = true
    }

    /// Tells a wrong password from a server that is not there: libpq reports both as text.
    static func connectionError(_ raw: String, server: String) -> PostgresError {
        let message = PostgresLocation.redact(oneLine(raw))
        let lower = message.lowercased()
        let refused = ["password authentication failed", "no password supplied", "authentication failed",
                       "role \"", "pg_hba.conf"]
        if refused.contains(where: lower.contains) {
            return PostgresError(.authentication, server: server, sqlState: "28P01", message: message)
        }
        return PostgresError(.cannotConnect, server: server, message: message)
    }

    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: "; ")
    }

    /// Runs one statement with its `$1, $2, ...` parameters bound, and returns its rows.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [any PostgresBindable] = []) throws -> PostgresRows {
        if connection == nil || PQstatus(connection) != CONNECTION_OK {
            guard transactionDepth == 0 else {
                throw PostgresError(.connectionLost, server: location.redacted, message: "the connection broke inside a transaction")
            }
            try connect()
        }
        let texts = parameters.map(\.postgresText)
        let result: OpaquePointer? = texts.withOptionalCStrings { pointers in
            PQexecParams(connection, sql, Int32(texts.count), nil, pointers, nil, nil, 0)
        }
        defer { PQclear(result) }
        let status = result.map(PQresultStatus) ?? PGRES_FATAL_ERROR
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            throw statementError(result)
        }
        let rows = Int(PQntuples(result)), columns = Int(PQnfields(result))
        let names = (0..<columns).map { String(cString: PQfname(result, Int32($0))) }
        let values: [[String?]] = (0..<rows).map { r in
            (0..<columns).map { c in
                PQgetisnull(result, Int32(r), Int32(c)) == 1 ? nil : String(cString: PQgetvalue(result, Int32(r), Int32(c)))
            }
        }
        let affected = Int(String(cString: PQcmdTuples(result))) ?? 0
        return PostgresRows(columns: names, values: values, affected: affected)
    }

    private func statementError(_ result: OpaquePointer?) -> PostgresError {
        let field = { (code: Character) -> String? in
            guard let result, let p = PQresultErrorField(result, Int32(code.asciiValue!)) else { return nil }
            return String(cString: p)
        }
        let sqlState = field("C")
        let primary = field("M") ?? String(cString: PQerrorMessage(connection))
        let message = PostgresLocation.redact(Self.oneLine(primary))
        // Connection failures: the socket broke (no SQLSTATE) or the server is shutting down.
        if PQstatus(connection) != CONNECTION_OK || sqlState?.hasPrefix("08") == true || ["57P01", "57P02", "57P03"].contains(sqlState ?? "") {
            return PostgresError(.connectionLost, server: location.redacted, sqlState: sqlState, message: message)
        }
        return PostgresError(.statement, server: location.redacted, sqlState: sqlState, message: message)
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    /// Nested calls join the outer transaction.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        if transactionDepth > 0 {
            transactionDepth += 1
            defer { transactionDepth -= 1 }
            return try body()
        }
        try execute("BEGIN")
        transactionDepth = 1
        do {
            let value = try body()
            transactionDepth = 0
            try execute("COMMIT")
            return value
        } catch {
            transactionDepth = 0
            if PQstatus(connection) == CONNECTION_OK { _ = try? execute("ROLLBACK") }
            throw error
        }
    }
}

extension Array where Element == String {
    /// The strings as a NULL-terminated C array, valid inside `body`.
    fileprivate func withCStrings<R>(_ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
        let copies = map { strdup($0) }
        defer { for copy in copies { free(copy) } }
        let pointers: [UnsafePointer<CChar>?] = copies.map { UnsafePointer($0) } + [nil]
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}

extension Array where Element == String? {
    /// The strings as a C array with NULL for nil (SQL NULL), valid inside `body`.
    fileprivate func withOptionalCStrings<R>(_ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
        let copies = map { $0.map { strdup($0) } }
        defer { for case let copy? in copies { free(copy) } }
        let pointers: [UnsafePointer<CChar>?] = copies.map { $0.map { UnsafePointer($0) } ?? nil }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress) }
    }
}
