import Foundation

extension Diagnostic {
    /// An error thrown inside builtin `name` (a shape, data, file or bit-width error from the
    /// engine) as a diagnostic at the call: `t.nas:3:5: error: compress: ...` with the caret
    /// under the call. The interpreter applies this once, where it calls the builtin, so
    /// builtins throw their engine's errors as they are and still reach the user with a span.
    public init(wrapping error: any Error, inBuiltin name: String, at span: SourceSpan) {
        self.init("\(name): \(Self.message(of: error))", at: span)
    }

    /// What an error says, as a sentence: its own description when it has one (every error
    /// type of the engine does), else Foundation's.
    static func message(of error: any Error) -> String {
        if let described = error as? CustomStringConvertible { return described.description }
        return error.localizedDescription
    }
}

/// How a program that stopped is reported: the one path the REPL, `nasbook run` and
/// `nasbook check` share, so the same failure reads the same everywhere.
public struct FailureReport: Sendable {
    /// What to print (on stderr, or as the cell's error): diagnostics with their carets.
    public let text: String
    /// Errors found (a `check` may find many); 0 when the program was interrupted.
    public let errorCount: Int
    /// Ctrl-C stopped it (exit 130), rather than an error (exit 1).
    public let interrupted: Bool

    public init(_ error: any Error) {
        switch error {
        case let list as DiagnosticList:
            (text, errorCount, interrupted) = (list.render(), list.count, false)
        case let diagnostic as Diagnostic:
            (text, errorCount, interrupted) = (diagnostic.render(), 1, false)
        case let stop as Interruption:
            (text, errorCount, interrupted) = ("interrupted at \(stop.span)\n", 0, true)
        default:
            // Not from a script (a builtin's errors are diagnostics by now): no span to show.
            (text, errorCount, interrupted) = ("error: \(Diagnostic.message(of: error))\n", 1, false)
        }
    }

    /// The process exit status for this failure: 130 when interrupted, else 1.
    public var exitStatus: Int32 { interrupted ? 130 : 1 }
}
