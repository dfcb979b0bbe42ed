/// Why a dataset could not be loaded. The description names the file, what was expected and
/// what was found, because the person reading it is usually looking at a file they did not
/// write (a download, a package, an export from another tool) and needs to know where to look.
public struct DataError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file the problem is in, as the caller named it; nil when no single file is at fault.
    public var path: String?
    /// What was expected and what was found, with a line and column where the format has them.
    public var message: String

    public init(path: String?, _ message: String) {
        self.path = path
        self.message = message
    }

    public var description: String {
        guard let path else { return message }
        return "\(path): \(message)"
    }
}
