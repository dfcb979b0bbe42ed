import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The trust boundary: which files a script, a session or a REPL may read and write.
///
/// A `.nas` program or a `.nasbook` session may come from someone else, so what it names is
/// checked here before nasbook opens it. By default it reaches only the folder tree it came
/// from (the script's folder, the session's folder, the REPL's working directory), and may read
/// the standard library and the shared dataset folders. Everything else needs an explicit grant:
/// `--allow-path DIR` on the command line, a line in the project's `nasbook.allow` file, or a
/// file the user typed on the command line (`--db`, `--save`).
///
/// Paths are checked after `~` is expanded and every symlink and `..` is resolved, so neither
/// can lead outside a granted folder; the resolved path is what callers then open.
public struct FileAccess: Sendable, Equatable {
    /// One place nasbook may reach, and why (for the messages).
    public struct Grant: Sendable, Equatable {
        /// Resolved, absolute.
        public let path: String
        /// Reads only (stdlib, shared datasets) or reads and writes.
        public let writable: Bool
        /// True when the grant is one file (`--db kws.db`), not a folder tree.
        public let isFile: Bool
        /// Why it is granted: "the script's folder", "--allow-path", "nasbook.allow:3".
        public let origin: String

        public init(path: String, writable: Bool, isFile: Bool = false, origin: String) {
            self.path = FileAccess.resolve(path)
            self.writable = writable
            self.isFile = isFile
            self.origin = origin
        }

        func covers(_ resolved: String) -> Bool {
            if isFile { return resolved == path }
            return path == "/" || resolved == path || resolved.hasPrefix(path + "/")
        }
    }

    /// nil: no boundary (the library's default, for embedding and tests; the command line
    /// always sets one).
    public let grants: [Grant]?
    /// The folder the boundary was drawn around, named in refusals.
    public let home: String?

    /// Reaches everything: for programs that embed the interpreter, and unit tests.
    public static let unrestricted = FileAccess(grants: nil, home: nil)

    /// Folders of system-installed datasets that every script may read (Debian's
    /// `dataset-fashion-mnist` installs under the first).
    public static let sharedDatasetFolders = ["/usr/share/datasets", "/usr/local/share/datasets"]

    /// The project file listing extra folders, one per line, beside the script or session.
    public static let allowFileName = "nasbook.allow"

    public init(grants: [Grant]?, home: String?) {
        self.grants = grants
        self.home = home.map { Self.resolve($0) }
    }

    /// Reads and writes inside `folder`'s tree; reads in `readable` (stdlib folders) and the
    /// shared dataset folders; plus `extra` grants (from `--allow-path`, `nasbook.allow`, files
    /// typed on the command line).
    public static func confined(to folder: String, readable: [String] = [], extra: [Grant] = []) -> FileAccess {
        var grants = [Grant(path: folder, writable: true, origin: "the project folder")]
        grants += readable.map { Grant(path: $0, writable: false, origin: "the standard library") }
        grants += sharedDatasetFolders.map { Grant(path: $0, writable: false, origin: "the shared dataset folders") }
        return FileAccess(grants: grants + extra, home: folder)
    }

    public enum Use: String, Sendable {
        case read, write
    }

    /// The resolved path of `path` if it may be used so, else an error that says which flag
    /// would allow it. Relative paths start at `base` (the working directory when nil).
    public func check(_ path: String, for use: Use, relativeTo base: String? = nil) throws -> String {
        let resolved = Self.resolve(path, relativeTo: base)
        guard let grants else { return resolved }
        if grants.contains(where: { $0.covers(resolved) && (use == .read || $0.writable) }) { return resolved }
        let readOnly = use == .write && grants.contains { $0.covers(resolved) }
        throw FileAccessError(path: path, resolved: resolved, use: use, home: home, readOnlyGrant: readOnly)
    }

    public func checkRead(_ path: String, relativeTo base: String? = nil) throws -> String {
        try check(path, for: .read, relativeTo: base)
    }

    public func checkWrite(_ path: String, relativeTo base: String? = nil) throws -> String {
        try check(path, for: .write, relativeTo: base)
    }

    /// True when `path` lies inside a folder (or file) granted for `use`.
    public func allows(_ path: String, for use: Use, relativeTo base: String? = nil) -> Bool {
        (try? check(path, for: use, relativeTo: base)) != nil
    }

    // MARK: Resolving

    /// `path` as the file system will find it: `~` and `~/...` expanded, made absolute against
    /// `base` (or the working directory), every symlink of the part that exists resolved, and
    /// `.`/`..` of the part that does not yet exist applied to that. A symlink or `..` can
    /// therefore never make a path look inside a folder it is not in.
    public static func resolve(_ path: String, relativeTo base: String? = nil) -> String {
        var absolute = expandingTilde(path)
        if !absolute.hasPrefix("/") {
            let start = base.map(expandingTilde) ?? FileManager.default.currentDirectoryPath
            absolute = (start.hasPrefix("/") ? start : FileManager.default.currentDirectoryPath + "/" + start) + "/" + absolute
        }
        let components = absolute.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        // The longest prefix that exists, resolved by the kernel's own rules.
        var existing = components.count
        var real: String?
        while existing >= 0 {
            let prefix = "/" + components.prefix(existing).joined(separator: "/")
            if let r = realPath(prefix) {
                real = r
                break
            }
            existing -= 1
        }
        var parts = (real ?? "/").split(separator: "/").map(String.init)
        for component in components.dropFirst(max(0, existing)) {
            switch component {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(component)
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    /// `~` -> `$HOME`, `~/x` -> `$HOME/x`; other paths unchanged (`~user` is not expanded).
    public static func expandingTilde(_ path: String) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
        return home + path.dropFirst()
    }

    private static func realPath(_ path: String) -> String? {
        guard let pointer = realpath(path, nil) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }

    // MARK: The project's allow file

    /// The grants listed in `folder/nasbook.allow`: one folder or file per line, relative to
    /// `folder` or absolute (`~` allowed); `#` starts a comment; a line may start with `read `
    /// to grant reading only. Lines that name nothing that exists are reported in `problems`.
    public static func allowFile(in folder: String) -> (grants: [Grant], problems: [String]) {
        let file = (folder as NSString).appendingPathComponent(allowFileName)
        guard let data = FileManager.default.contents(atPath: file) else { return ([], []) }
        var grants: [Grant] = [], problems: [String] = []
        for (index, raw) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = String(raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
                .trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty else { continue }
            var writable = true
            if line.hasPrefix("read ") {
                writable = false
                line = String(line.dropFirst(5)).trimmingCharacters(in: .whitespaces)
            }
            let resolved = resolve(line, relativeTo: folder)
            guard FileManager.default.fileExists(atPath: resolved) else {
                problems.append("\(file):\(index + 1): '\(line)' does not exist; line ignored")
                continue
            }
            grants.append(Grant(path: resolved, writable: writable, origin: "\(allowFileName):\(index + 1)"))
        }
        return (grants, problems)
    }
}

/// A path outside the trust boundary. The message names the path (as written and as resolved)
/// and the flag that would allow it; nothing of the file's contents.
public struct FileAccessError: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let resolved: String
    public let use: FileAccess.Use
    public let home: String?
    /// The path is readable (stdlib, shared datasets) but not writable.
    public let readOnlyGrant: Bool

    public var description: String {
        let shown = path == resolved ? "'\(path)'" : "'\(path)' (\(resolved))"
        let verb = use == .read ? "read" : "write"
        if readOnlyGrant { return "cannot \(verb) \(shown): that folder may only be read" }
        let folder = (resolved as NSString).deletingLastPathComponent
        let within = home.map { " \($0)" } ?? ""
        return "cannot \(verb) \(shown): it is outside the project folder\(within); "
            + "allow it with --allow-path \(folder.isEmpty ? "/" : folder) or a line in \(FileAccess.allowFileName)"
    }
}
