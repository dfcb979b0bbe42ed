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

    /// Lines longer than this are shown cut to a window around the caret.
    public static let maxShownLineCharacters = 120

    /// `file:line:col: error: message`, the source line, a caret under the span, and the hint.
    public func render() -> String {
        let (line, column) = span.location
        let gutter = String(line)
        let pad = String(repeating: " ", count: gutter.count)
        let (source, caretColumn) = Self.window(of: span.file.lineText(line), around: column)
        // Underline the span, but never past the end of its first line (or of the window).
        let lineChars = source.count
        let spanChars = max(1, span.file.slice(SourceSpan(file: span.file, start: span.start,
                                                          end: min(span.end, span.start + 4 * lineChars + 4)))
            .prefix { $0 != "\n" }.count)
        let width = max(1, min(spanChars, lineChars - caretColumn + 1))
        let marker = "^" + String(repeating: "~", count: width - 1)
        var out = "\(span.file.name):\(line):\(column): error: \(message)\n"
        out += "\(gutter) | \(source)\n"
        out += "\(pad) | \(String(repeating: " ", count: caretColumn - 1))\(marker)\n"
        if let hint { out += "\(pad) = hint: \(hint)\n" }
        return out
    }

    /// A long line cut to `maxShownLineCharacters` around `column` (with `…` where text was cut),
    /// and the caret's column in the cut text: a minified or junk line stays one screen line.
    static func window(of line: String, around column: Int) -> (text: String, column: Int) {
        let chars = Array(line)
        guard chars.count > maxShownLineCharacters else { return (line, column) }
        let before = maxShownLineCharacters / 3
        let start = max(0, min(column - 1 - before, chars.count - maxShownLineCharacters))
        let end = min(chars.count, start + maxShownLineCharacters)
        let head = start > 0 ? "…" : "", tail = end < chars.count ? "…" : ""
        return (head + String(chars[start..<end]) + tail, column - start + head.count)
    }
}

/// Several diagnostics at once: `check` and the parser report everything they find, up to a
/// limit per line and per file, so junk input gives a report a person can read (and a process
/// can hold) rather than one error per byte.
public struct DiagnosticList: Error, Sendable {
    /// Errors shown for one source line; more on the same line are counted, not shown.
    public static let maxPerLine = 3
    /// Errors shown in all.
    public static let maxShown = 50

    /// The diagnostics shown, in the order given.
    public let diagnostics: [Diagnostic]
    /// How many more were found but left out by the limits.
    public let omitted: Int

    public init(_ all: [Diagnostic]) {
        var shown: [Diagnostic] = []
        var perLine: [String: Int] = [:]
        var omitted = 0
        for d in all {
            let key = "\(d.span.file.name):\(d.span.location.line)"
            let onLine = perLine[key, default: 0]
            if onLine >= Self.maxPerLine || shown.count >= Self.maxShown {
                omitted += 1
                continue
            }
            perLine[key] = onLine + 1
            shown.append(d)
        }
        self.diagnostics = shown
        self.omitted = omitted
    }

    /// Every error found, shown or not.
    public var count: Int { diagnostics.count + omitted }

    public func render() -> String {
        var text = diagnostics.map { $0.render() }.joined(separator: "\n")
        if omitted > 0 {
            text += "\n... and \(omitted) more error\(omitted == 1 ? "" : "s") not shown "
                + "(at most \(Self.maxPerLine) per line and \(Self.maxShown) in all); fix these first\n"
        }
        return text
    }
}
