/// What one read of a line produced.
public enum LineReadResult: Equatable, Sendable {
    case line(String)
    /// Ctrl-C cancelled the line being typed; the session goes on.
    case interrupted
    /// Ctrl-D on an empty line, or the end of piped input.
    case endOfInput
}

/// A source of input lines, interactive or not, so the REPL is the same loop for both.
public protocol LineReader: AnyObject {
    func readLine(prompt: String) -> LineReadResult
    func addHistory(_ line: String)
}

/// Plain lines from stdin: no prompt, no escapes, so `nasbook < script.nas` prints only results.
public final class PlainLineReader: LineReader {
    public init() {}

    public func readLine(prompt: String) -> LineReadResult {
        guard let line = Swift.readLine(strippingNewline: true) else { return .endOfInput }
        return .line(line.hasSuffix("\r") ? String(line.dropLast()) : line)
    }

    public func addHistory(_ line: String) {}
}
