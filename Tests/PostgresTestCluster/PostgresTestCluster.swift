import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A throwaway PostgreSQL server for tests: `initdb` into a temporary folder with a password
/// (scram-sha-256), `pg_ctl start` listening on 127.0.0.1 at a free port (its socket in the
/// same folder), `stop()` and `start()` again for fault tests, and `destroy()` that stops it
/// and removes the folder. Nothing outside the folder is touched: no system cluster, no
/// config files.
///
/// PostgreSQL refuses to run as root, and CI runs as root: then every server command runs as
/// the `postgres` user (Debian's package creates it) through `runuser`, and the folder is
/// handed to that user.
///
/// ```swift
/// let cluster = try PostgresTestCluster.start()     // throws `.notInstalled` without initdb
/// let url = try cluster.createDatabase()            // postgresql://nas:...@127.0.0.1:port/t1
/// ...
/// cluster.destroy()
/// ```
public final class PostgresTestCluster: @unchecked Sendable {
    public enum Failure: Error, CustomStringConvertible {
        /// No PostgreSQL server binaries on this machine: the only reason a test may skip.
        case notInstalled(searched: [String])
        case command(String, status: Int32, output: String)

        public var description: String {
            switch self {
            case .notInstalled(let searched):
                return "PostgreSQL is not installed (no initdb, pg_ctl and postgres in \(searched.joined(separator: ", "))); "
                    + "install it with scripts/install-deps (Debian: apt-get install postgresql)"
            case .command(let command, let status, let output):
                return "\(command) exited with \(status):\n\(output)"
            }
        }
    }

    public let folder: URL
    public let port: Int
    public let user = "nas"
    public let password: String
    private let binaries: URL
    private var databases = 0
    private let lock = NSLock()
    public private(set) var isRunning = false

    public var dataDirectory: URL { folder.appendingPathComponent("data") }
    public var logFile: URL { folder.appendingPathComponent("server.log") }

    /// The URL of `database` on this server, password included.
    public func url(database: String = "postgres", password: String? = nil) -> String {
        "postgresql://\(user):\(password ?? self.password)@127.0.0.1:\(port)/\(database)"
    }

    /// Where the server binaries are: `initdb` on PATH, else the newest Debian
    /// `/usr/lib/postgresql/<version>/bin`; nil when PostgreSQL is not installed.
    public static func serverBinaries() -> (found: URL?, searched: [String]) {
        let fm = FileManager.default
        var candidates: [URL] = []
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let initdb = URL(fileURLWithPath: String(dir)).appendingPathComponent("initdb")
            if fm.isExecutableFile(atPath: initdb.path) { candidates.append(initdb.resolvingSymlinksInPath().deletingLastPathComponent()) }
        }
        let debian = "/usr/lib/postgresql"
        let versions = ((try? fm.contentsOfDirectory(atPath: debian)) ?? []).compactMap(Int.init).sorted(by: >)
        candidates += versions.map { URL(fileURLWithPath: "\(debian)/\($0)/bin") }
        let found = candidates.first { dir in
            ["initdb", "pg_ctl", "postgres"].allSatisfy { fm.isExecutableFile(atPath: dir.appendingPathComponent($0).path) }
        }
        return (found, ["PATH", "\(debian)/*/bin"])
    }

    private static var runningAsRoot: Bool { geteuid() == 0 }

    /// Creates and starts a fresh cluster, or throws `.notInstalled`.
    public static func start() throws -> PostgresTestCluster {
        let (found, searched) = serverBinaries()
        guard let binaries = found else { throw Failure.notInstalled(searched: searched) }
        let cluster = try PostgresTestCluster(binaries: binaries)
        do {
            try cluster.start()
        } catch {
            cluster.destroy()
            throw error
        }
        return cluster
    }

    private init(binaries: URL) throws {
        self.binaries = binaries
        password = "pw-" + UUID().uuidString.prefix(8).lowercased()
        folder = URL(fileURLWithPath: "/tmp").appendingPathComponent("nasbook-pg-\(getpid())-\(UUID().uuidString.prefix(8))")
        port = try Self.freePort()
        let fm = FileManager.default
        try fm.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let passwordFile = folder.appendingPathComponent("password")
        try Data((password + "\n").utf8).write(to: passwordFile)
        if Self.runningAsRoot { try Self.run("/bin/chown", ["-R", "postgres:postgres", folder.path]) }
        try runServerTool("initdb", ["-D", dataDirectory.path, "-U", user, "--auth=scram-sha-256", "--pwfile=\(passwordFile.path)",
                                     "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"])
    }

    /// Starts the server (again, after `stop()`), waiting until it accepts connections.
    public func start() throws {
        // fsync off: a test cluster's durability is the fast shutdown's checkpoint, not the disk.
        let options = "-c listen_addresses=127.0.0.1 -p \(port) -k \(folder.path) -c fsync=off -c max_connections=60"
        try runServerTool("pg_ctl", ["-D", dataDirectory.path, "-l", logFile.path, "-w", "-t", "60", "-o", options, "start"])
        isRunning = true
    }

    /// Stops the server at once (`-m fast`: sessions are cut, finished transactions are kept).
    public func stop() throws {
        guard isRunning else { return }
        try runServerTool("pg_ctl", ["-D", dataDirectory.path, "-w", "-t", "60", "-m", "fast", "stop"])
        isRunning = false
    }

    /// Stops the server if it runs and removes its folder.
    public func destroy() {
        try? stop()
        try? FileManager.default.removeItem(at: folder)
    }

    /// A new, empty database on this server; returns its URL.
    public func createDatabase() throws -> String {
        let name: String = lock.withLock {
            databases += 1
            return "t\(databases)"
        }
        try runServerTool("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", folder.path, "-p", String(port), "-U", user, "-d", "postgres",
                                   "-c", "CREATE DATABASE \(name)"], environment: ["PGPASSWORD": password])
        return url(database: name)
    }

    /// Runs one of the server's programs, as `postgres` when this process is root.
    @discardableResult
    private func runServerTool(_ tool: String, _ arguments: [String], environment: [String: String] = [:]) throws -> String {
        var path = binaries.appendingPathComponent(tool).path
        if !FileManager.default.isExecutableFile(atPath: path), tool == "psql" { path = "/usr/bin/psql" }
        if Self.runningAsRoot {
            let env = environment.map { "\($0.key)=\($0.value)" }
            return try Self.run("/usr/sbin/runuser", ["-u", "postgres", "--", "/usr/bin/env"] + env + [path] + arguments)
        }
        return try Self.run(path, arguments, environment: environment)
    }

    /// Runs a program to its end and returns what it printed, or throws with that output.
    ///
    /// Not through Foundation's `Process`: on Linux it learns that a child ended when a socket
    /// the child inherited reaches end-of-file, and `pg_ctl start` leaves the server running
    /// with that socket, so `waitUntilExit` would never return. Here the child is spawned
    /// directly and reaped with `waitpid`, and a shell closes every descriptor above stderr
    /// before the program starts, so the server holds none of this process's files or pipes.
    @discardableResult
    private static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> String {
        let outputFile = FileManager.default.temporaryDirectory.appendingPathComponent("pgtool-\(UUID().uuidString).out").path
        defer { try? FileManager.default.removeItem(atPath: outputFile) }
        let closeAll = #"for fd in $(ls /proc/$$/fd); do [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done; exec "$@""#
        let argv = ["/bin/bash", "-c", closeAll, "bash", executable] + arguments
        let env = ProcessInfo.processInfo.environment.merging(environment) { $1 }.map { "\($0.key)=\($0.value)" }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputFile, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var pid: pid_t = 0
        let spawned = withCStringArray(argv) { cArgv in
            withCStringArray(env) { cEnv in posix_spawn(&pid, "/bin/bash", &actions, nil, cArgv, cEnv) }
        }
        guard spawned == 0 else {
            throw Failure.command(executable, status: spawned, output: String(cString: strerror(spawned)))
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        let output = (try? String(contentsOfFile: outputFile, encoding: .utf8)) ?? ""
        let exited = status & 0x7f == 0, code = (status >> 8) & 0xff
        guard exited, code == 0 else {
            throw Failure.command(([executable] + arguments).joined(separator: " "), status: exited ? code : 128 + (status & 0x7f), output: output)
        }
        return output
    }

    private static func withCStringArray<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
        let copies = strings.map { strdup($0) } + [nil]
        defer { copies.forEach { free($0) } }
        return copies.withUnsafeBufferPointer { body($0.baseAddress!) }
    }

    /// A TCP port nobody listens on now (bound to port 0, then released).
    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure.command("socket", status: errno, output: "no socket for a free port") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw Failure.command("bind", status: errno, output: "no free port on 127.0.0.1") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// One cluster per test class, started by the class's first test that asks and destroyed by the
/// class's `tearDown`: a few seconds of `initdb` per class, not per test.
public enum TestClusters {
    nonisolated(unsafe) private static var started: [ObjectIdentifier: Result<PostgresTestCluster, any Error>] = [:]
    private static let lock = NSLock()

    /// The class's running cluster; throws `.notInstalled` (skip) or why it could not start (fail).
    public static func cluster(for testClass: AnyClass) throws -> PostgresTestCluster {
        try lock.withLock {
            let key = ObjectIdentifier(testClass)
            if let result = started[key] { return result }
            let result = Result { try PostgresTestCluster.start() }
            started[key] = result
            return result
        }.get()
    }

    /// Stops and removes the class's cluster, if one was started.
    public static func release(_ testClass: AnyClass) {
        let result = lock.withLock { started.removeValue(forKey: ObjectIdentifier(testClass)) }
        if case .success(let cluster)? = result { cluster.destroy() }
    }
}
