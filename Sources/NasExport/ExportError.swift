/// Why a network cannot be exported as asked.
public struct ExportError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A file an export wrote, for the listing the language prints.
public struct WrittenFile: Sendable, Equatable {
    public let path: String
    public let bytes: Int
}
