import Foundation

/// The history file libedit keeps: its first line is the cookie `_HiStOrY_V2_`. nasbook loads
/// and saves only such a file (or one that does not exist yet), so `--history notes.txt` given
/// by mistake never replaces a file that holds something else.
public enum HistoryFile {
    /// libedit's first line.
    public static let cookie = "_HiStOrY_V2_"

    /// Why `path` must not be used as the history file, or nil when it may (it is libedit's,
    /// empty, or does not exist).
    public static func check(_ path: String) -> String? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
        guard !isDirectory.boolValue else {
            return "nasbook: warning: the history file '\(path)' is a folder; history is not saved this session\n"
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            return "nasbook: warning: cannot read the history file '\(path)'; history is not saved this session\n"
        }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: cookie.utf8.count + 1)) ?? Data()
        if head.isEmpty { return nil }
        guard head.starts(with: Data(cookie.utf8)) else {
            return "nasbook: warning: '\(path)' is not a nasbook (libedit) history file; it is left untouched "
                + "and history is not saved this session (choose another file with --history or $NASBOOK_HISTORY)\n"
        }
        return nil
    }
}
