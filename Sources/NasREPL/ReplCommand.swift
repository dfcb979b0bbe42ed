import Foundation

/// The REPL's own commands, typed with a leading colon so they never collide with code.
public enum ReplCommand: Equatable {
    case help(String?)
    case load(String)
    /// nil: the file saved to before.
    case save(String?)
    case quit

    static let names = ["help", "load", "save", "quit"]

    /// Parses `:help`, `:help name`, `:load FILE`, `:save [FILE]`, `:quit`; an error message otherwise.
    static func parse(_ line: String) -> Result<ReplCommand, ReplCommandError> {
        let words = line.dropFirst().split(separator: " ", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        switch words.first ?? "" {
        case "help", "h", "?": return .success(.help(words.count > 1 ? words[1] : nil))
        case "quit", "q", "exit": return .success(.quit)
        case "load", "l":
            guard words.count > 1, !words[1].isEmpty else { return .failure(.init(message: ":load needs a file: :load examples/tour.nas")) }
            return .success(.load(words[1]))
        case "save", "s":
            return .success(.save(words.count > 1 && !words[1].isEmpty ? words[1] : nil))
        case let other:
            let hint = names.first { $0.hasPrefix(other.prefix(1)) && !other.isEmpty }
            return .failure(.init(message: "unknown command ':\(other)'" + (hint.map { " (did you mean :\($0)?)" } ?? "") +
                                  "; commands: " + names.map { ":" + $0 }.joined(separator: " ")))
        }
    }

    static let helpText = """
    nasbook REPL: type .nas code; results print below. A cell goes on while brackets are open.
      :help          this text            :help NAME   what a builtin does
      :load FILE     run a .nas file, or a saved session's cells (FILE.nasbook), in this session
      :save FILE     save this session's cells and outputs to FILE (.nasbook), and after every
                     cell from then on; `nasbook replay FILE` runs them again and compares
      :quit          leave (or Ctrl-D)    Ctrl-C       cancel the line or a running cell
    Tab completes keywords, names and members (boards.<Tab>). History is kept across sessions.
    """
}

public struct ReplCommandError: Error, Equatable {
    public let message: String
}
