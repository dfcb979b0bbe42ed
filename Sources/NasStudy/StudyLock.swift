import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One proposer per study database at a time (workers of a parallel search open the file
/// without it: they only claim and finish trials the proposer planned). Two `nasbook run --resume` of one study would
/// otherwise both append the trials the strategy proposes next, and the study would hold each
/// twice. The writer holds an exclusive `flock` on `kws.db.lock` beside the database for as long
/// as its store is open, and writes who it is into the file; a second writer does not wait: it
/// fails at once with `StudyStoreError.locked`, naming the process that holds the study.
///
/// `flock` is released by the kernel when the holder exits, however it exits (`kill -9`
/// included), so a crash never leaves a stale lock; the small `.lock` file itself stays. It is
/// the one file nasbook rewrites in place rather than through `AtomicFile`: the lock belongs to
/// the file's inode, so replacing the file by a rename would hand a second writer a fresh,
/// unlocked one.
/// Within one process every store of the same file shares one lock (a script with two searches).
final class StudyLock: @unchecked Sendable {
    let lockPath: String
    private let descriptor: Int32

    private init(lockPath: String, descriptor: Int32) {
        self.lockPath = lockPath
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// `kws.db` -> `kws.db.lock`.
    static func lockPath(for database: String) -> String { database + ".lock" }

    private static let registry = NSLock()
    nonisolated(unsafe) private static var held: [String: WeakLock] = [:]

    private struct WeakLock {
        weak var lock: StudyLock?
    }

    /// Takes the lock for `database`, or throws `.locked` naming the holder.
    static func acquire(for database: String) throws -> StudyLock {
        let path = lockPath(for: database)
        let key = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
        registry.lock()
        defer { registry.unlock() }
        if let mine = held[key]?.lock { return mine }
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw StudyStoreError.cannotLock(path: path, reason: String(cString: strerror(errno)))
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            let holder = Self.holder(fd)
            close(fd)
            if code == EWOULDBLOCK {
                throw StudyStoreError.locked(path: database, holder: holder ?? "another process")
            }
            throw StudyStoreError.cannotLock(path: path, reason: String(cString: strerror(code)))
        }
        // Who holds it, for the message a second writer shows.
        let command = CommandLine.arguments.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
        let started = ISO8601DateFormatter().string(from: Date())
        let text = "process \(getpid()) (\(command)) since \(started)\n"
        _ = ftruncate(fd, 0)
        _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
        let lock = StudyLock(lockPath: path, descriptor: fd)
        held[key] = WeakLock(lock: lock)
        return lock
    }

    private static func holder(_ fd: Int32) -> String? {
        var buffer = [UInt8](repeating: 0, count: 512)
        let n = pread(fd, &buffer, buffer.count, 0)
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
