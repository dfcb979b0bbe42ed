/// An error in a program, always tied to the text that caused it. Every failure a user can
/// provoke from the language surfaces as one of these, never as a trap.
public struct Diagnostic: Error, Sendable, Equatable {
    public let message: String
    public let span: SourceSpan
    /// A suggestion such as "did you mean 'nucleo_f746zg'?"; shown under the caret.
    public let hint: String?

    public init(_ message: String, at span: SourceSpan, hint: String? = nil) {
        self.message = message
        self.span = span
        self.hint = hint
    }

    /// `file:line:col: error: message`, the source line, a caret under the span, and the hint.
    public func render() -> String {
        let (line, column) = span.location
        let source = span.file.lineText(line)
        let gutter = String(line)
        let pad = String(repeating: " ", count: gutter.count)
        // Underline the span, but never past the end of its first line.
        let lineChars = source.count
        let spanChars = max(1, span.file.slice(span).prefix { $0 != "\n" }.count)
        let width = max(1, min(spanChars, lineChars - column + 1))
        let marker = "^" + String(repeating: "~", count: width - 1)
        var out = "\(span.file.name):\(line):\(column): error: \(message)\n"
        out += "\(gutter) | \(source)\n"
        out += "\(pad) | \(String(repeating: " ", count: column - 1))\(marker)\n"
        if let hint { out += "\(pad) = hint: \(hint)\n" }
        return out
    }
}

/// Several diagnostics at once: `check` and the parser report everything they find.
public struct DiagnosticList: Error, Sendable {
    public let diagnostics: [Diagnostic]
    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
    public func render() -> String { diagnostics.map { $0.render() }.joined(separator: "\n") }
}
