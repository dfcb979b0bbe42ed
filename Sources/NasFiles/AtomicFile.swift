import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Every file nasbook writes goes through here: the bytes go to a temporary file in the same
/// folder, which is flushed to the disk (`fsync`) and then renamed over the target, and the
/// folder itself is synced so the rename survives a power cut. A reader, a crash or a full disk
/// therefore sees either the old file, untouched, or the complete new one, never a torn mix:
/// an export that fails half way keeps the previous good export.
///
/// ```swift
/// try AtomicFile.write(Data(svg.utf8), to: "front.svg")
/// try AtomicFile.replace("history") { temporary in try saveHistory(to: temporary) }
/// ```
public enum AtomicFile {
    /// Test hook: with `NASBOOK_FAULT_DISK_FULL=1` in the environment every write fails as a
    /// full disk would (`ENOSPC`), after half the bytes reached the temporary file, so tests of
    /// the binary can check that the old file survives and the command fails.
    public static let diskFullVariable = "NASBOOK_FAULT_DISK_FULL"

    /// Replaces (or creates) the file at `path` with `data`, atomically. An existing file keeps
    /// its permissions; a new one gets the usual `0666` less the umask.
    public static func write(_ data: Data, to path: String) throws {
        try write([(path, data)])
    }

    /// Replaces several files as one: every file is written and synced to a temporary first,
    /// and only when all of them are on disk are they renamed into place, so a failure (a full
    /// disk half way through the C sources) leaves the whole previous set as it was.
    public static func write(_ files: [(path: String, data: Data)]) throws {
        var staged: [(temporary: String, path: String)] = []
        var committed = 0
        defer { for s in staged.dropFirst(committed) { unlink(s.temporary) } }
        for (path, data) in files {
            let temporary = try stage(path)
            staged.append((temporary, path))
            try fill(temporary, with: data, reportingAs: path)
            try sync(temporary, reportingAs: path)
        }
        for s in staged {
            guard rename(s.temporary, s.path) == 0 else { throw FileWriteError(path: s.path, errno: errno) }
            committed += 1
        }
        syncFolders(of: staged.map(\.path))
    }

    /// Lets `fill` write the new contents into a temporary file by name (for writers that only
    /// take a path, such as libedit's history), then syncs it and renames it over `path`. When
    /// `fill` throws, or anything after it fails, the temporary file is removed and `path` is
    /// left as it was.
    public static func replace(_ path: String, fill: (_ temporary: String) throws -> Void) throws {
        let temporary = try stage(path)
        var renamed = false
        defer { if !renamed { unlink(temporary) } }
        try fill(temporary)
        if simulatedDiskFull { throw FileWriteError(path: path, errno: ENOSPC) }
        try sync(temporary, reportingAs: path)
        guard rename(temporary, path) == 0 else { throw FileWriteError(path: path, errno: errno) }
        renamed = true
        syncFolders(of: [path])
    }

    /// An empty temporary file beside `path`, with the permissions `path` has (if it exists).
    private static func stage(_ path: String) throws -> String {
        let temporary = try createTemporary(beside: URL(fileURLWithPath: path))
        var existing = stat()
        if stat(path, &existing) == 0, chmod(temporary, existing.st_mode & 0o7777) != 0 {
            let code = errno
            unlink(temporary)
            throw FileWriteError(path: path, errno: code)
        }
        return temporary
    }

    /// Writes `data` into the (empty) temporary file; the disk-full hook fails it half way.
    private static func fill(_ temporary: String, with data: Data, reportingAs path: String) throws {
        let fd = open(temporary, O_WRONLY | O_TRUNC | O_CLOEXEC)
        guard fd >= 0 else { throw FileWriteError(path: path, errno: errno) }
        defer { close(fd) }
        let limit = simulatedDiskFull ? data.count / 2 : data.count
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var done = 0
            while done < data.count {
                guard done < limit else { throw FileWriteError(path: path, errno: ENOSPC) }
                let n = systemWrite(fd, raw.baseAddress! + done, limit - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw FileWriteError(path: path, errno: errno)
                }
                done += n
            }
        }
    }

    /// The renames are only durable once the folders' entries are on disk. A failure here
    /// leaves the new files in place, which is what the caller asked for, so it is not an error.
    private static func syncFolders(of paths: [String]) {
        for folder in Set(paths.map { URL(fileURLWithPath: $0).deletingLastPathComponent().path }) {
            try? sync(folder, reportingAs: folder)
        }
    }

    /// `.name.tmp-PID-N` beside the target, created exclusively (never an existing file).
    private static func createTemporary(beside url: URL) throws -> String {
        let folder = url.deletingLastPathComponent().path
        let base = url.lastPathComponent
        for attempt in 0..<100 {
            let name = (folder as NSString).appendingPathComponent(".\(base).tmp-\(getpid())-\(attempt)")
            let fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            if fd >= 0 {
                close(fd)
                return name
            }
            if errno != EEXIST { throw FileWriteError(path: url.path, errno: errno) }
        }
        throw FileWriteError(path: url.path, errno: EEXIST)
    }

    private static func sync(_ path: String, reportingAs shown: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileWriteError(path: shown, errno: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw FileWriteError(path: shown, errno: errno) }
    }

    private static func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
        Glibc.write(fd, bytes, count)
        #else
        Darwin.write(fd, bytes, count)
        #endif
    }

    private static var simulatedDiskFull: Bool {
        ProcessInfo.processInfo.environment[diskFullVariable] == "1"
    }
}

/// A file could not be written; the previous file, if any, is untouched.
public struct FileWriteError: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let code: Int32

    public init(path: String, errno code: Int32) {
        self.path = path
        self.code = code
    }

    /// True for a full disk or quota, the case users can fix by freeing space.
    public var isDiskFull: Bool { code == ENOSPC || code == EDQUOT }

    public var description: String {
        "cannot write '\(path)': \(String(cString: strerror(code)))" + (isDiskFull ? " (the previous file, if any, is kept)" : "")
    }
}
