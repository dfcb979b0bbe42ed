import Foundation

/// A session records its working directory relative to the session file, so a project moved or
/// cloned elsewhere with its notebooks still replays: `data/x.csv` in a cell finds the same file.
public enum SessionPaths {
    /// `directory` as a path relative to the folder that holds `file` (`.`, `..`, `../data`).
    static func directory(of directory: String, relativeToFile file: String) -> String {
        let from = canonical(URL(fileURLWithPath: file).deletingLastPathComponent().path)
        let to = canonical(directory)
        var common = 0
        while common < min(from.count, to.count), from[common] == to[common] { common += 1 }
        let parts = Array(repeating: "..", count: from.count - common) + to[common...]
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }

    /// The directory a saved session's cells ran in: its recorded `directory` resolved against
    /// the folder of `file`, standardized.
    public static func workingDirectory(of session: Session, file: String) -> String {
        let folder = URL(fileURLWithPath: file).deletingLastPathComponent()
        let url = session.directory.hasPrefix("/") ? URL(fileURLWithPath: session.directory)
                                                   : folder.appendingPathComponent(session.directory)
        return url.standardizedFileURL.path
    }

    /// Path components with symlinks resolved, so /tmp and /private/tmp compare equal.
    private static func canonical(_ path: String) -> [String] {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().pathComponents
    }
}
