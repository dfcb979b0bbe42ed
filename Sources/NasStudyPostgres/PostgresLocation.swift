import CLibPQ
import Foundation

/// A PostgreSQL server and database named by a URL, `postgresql://user:password@host:port/db`
/// (libpq's own URI syntax: `postgres://` works too, and query parameters such as
/// `?sslmode=disable`), and how nasbook names it in messages: always `redacted`, never with its
/// password.
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    /// The URL as given, password included: only ever handed to libpq.
    let url: String
    /// The URL with any password replaced by `***`: what every message, `location` and log shows.
    public let redacted: String

    public var description: String { redacted }

    /// Whether `location` names a PostgreSQL server rather than a SQLite file.
    public static func isPostgres(_ location: String) -> Bool {
        let lower = location.lowercased()
        return lower.hasPrefix("postgresql://") || lower.hasPrefix("postgres://")
    }

    /// Checks the URL with libpq's own parser (`PQconninfoParse`), so a malformed one is refused
    /// here, naming what is wrong, before any connection is tried.
    public init(_ url: String) throws {
        self.url = url
        redacted = Self.redact(url)
        guard Self.isPostgres(url) else {
            throw PostgresError(.badLocation, server: redacted, message: "a PostgreSQL location starts with postgresql://")
        }
        var message: UnsafeMutablePointer<CChar>?
        let options = PQconninfoParse(url, &message)
        defer {
            if let options { PQconninfoFree(options) }
            if let message { PQfreemem(message) }
        }
        guard options != nil else {
            let reason = message.map { String(cString: $0) } ?? "libpq could not parse it"
            throw PostgresError(.badLocation, server: redacted, message: Self.redact(reason).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        // libpq accepts `postgresql://host:port/db` with a port that is not a number and only
        // fails at connect time with a less helpful message; refuse it here.
        if let port = Self.port(of: url), Int(port).map({ !(1...65535).contains($0) }) ?? true {
            throw PostgresError(.badLocation, server: redacted, message: "the port '\(port)' is not a number from 1 to 65535")
        }
    }

    /// `postgresql://nas:secret@host/db?password=x` -> `postgresql://nas:***@host/db?password=***`.
    /// Works on any text (libpq error messages too), so a password cannot leak through them.
    public static func redact(_ text: String) -> String {
        var result = text
        // user:password@ in the authority part.
        if let scheme = result.range(of: "://") {
            let authorityEnd = result[scheme.upperBound...].firstIndex { $0 == "/" || $0 == "?" } ?? result.endIndex
            let authority = result[scheme.upperBound..<authorityEnd]
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                result.replaceSubrange(result.index(after: colon)..<at, with: "***")
            }
        }
        // password=... as a query parameter or a key=value connection string.
        var redactedText = ""
        var rest = Substring(result)
        while let key = rest.range(of: "password=", options: .caseInsensitive) {
            redactedText += rest[..<key.upperBound] + "***"
            rest = rest[key.upperBound...]
            let end = rest.firstIndex { $0 == "&" || $0 == " " } ?? rest.endIndex
            rest = rest[end...]
        }
        return redactedText + rest
    }

    /// The URL without the password of its authority, and that password (percent-decoded):
    /// how nasbook hands a location to its worker processes, the password in their environment
    /// as `PGPASSWORD` (which libpq reads) rather than on a command line `ps` shows.
    public static func splittingPassword(_ url: String) -> (url: String, password: String?) {
        guard let scheme = url.range(of: "://") else { return (url, nil) }
        let authorityEnd = url[scheme.upperBound...].firstIndex { $0 == "/" || $0 == "?" } ?? url.endIndex
        let authority = url[scheme.upperBound..<authorityEnd]
        guard let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") else { return (url, nil) }
        let password = String(url[url.index(after: colon)..<at])
        var stripped = url
        stripped.replaceSubrange(colon..<at, with: "")
        return (stripped, password.removingPercentEncoding ?? password)
    }

    /// The port written in the URL's authority, if any (`host:5432`, `[::1]:5432`).
    private static func port(of url: String) -> String? {
        guard let scheme = url.range(of: "://") else { return nil }
        let authorityEnd = url[scheme.upperBound...].firstIndex { $0 == "/" || $0 == "?" } ?? url.endIndex
        var hostPort = url[scheme.upperBound..<authorityEnd]
        if let at = hostPort.lastIndex(of: "@") { hostPort = hostPort[hostPort.index(after: at)...] }
        if hostPort.contains(",") { return nil }  // several hosts: libpq's to check
        if let bracket = hostPort.lastIndex(of: "]") { hostPort = hostPort[hostPort.index(after: bracket)...] }
        guard let colon = hostPort.lastIndex(of: ":") else { return nil }
        let port = hostPort[hostPort.index(after: colon)...]
        return port.isEmpty ? nil : String(port)
    }
}
