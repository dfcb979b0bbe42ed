import Foundation

/// Unbuffered writes to stdout and stderr, so program output and diagnostics interleave in
/// the order they happened, on a terminal and in a pipe alike.
enum Console {
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func err(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Reads a program file, or fails with a one-line message naming it.
    static func readSource(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            err("nasbook: cannot read '\(path)': no such file or not readable\n")
            throw ExitCodeError.failure
        }
        return String(decoding: data, as: UTF8.self)
    }
}

enum ExitCodeError: Error {
    case failure
}
