import Foundation
import LineEditor
import NasLang

/// The notebook loop: read a cell (one or more lines), run it in the session's interpreter,
/// print its result inline. Errors never end the session; only `:quit` and Ctrl-D do.
public final class Repl {
    public let interpreter: Interpreter
    private let reader: LineReader
    private let interactive: Bool
    private let writeOut: (String) -> Void
    private let writeErr: (String) -> Void
    private var cellNumber = 0
    /// Line number of the next line read, for diagnostics on piped input.
    private var lineNumber = 1
    /// Whether any cell failed; piped scripts exit non-zero then.
    public private(set) var hadError = false

    public init(interpreter: Interpreter, reader: LineReader, interactive: Bool,
                writeOut: @escaping (String) -> Void, writeErr: @escaping (String) -> Void) {
        self.interpreter = interpreter
        self.reader = reader
        self.interactive = interactive
        self.writeOut = writeOut
        self.writeErr = writeErr
        interpreter.echoResults = true
        interpreter.output = writeOut
        interpreter.shouldInterrupt = { Interrupt.take() }
        interpreter.liveProgress = interactive
    }

    /// Runs until end of input or `:quit`.
    public func run() {
        if interactive { writeOut("nasbook — type :help for help, :quit or Ctrl-D to leave\n") }
        while let cell = readCell() {
            if !handle(cell.text, firstLine: cell.firstLine) { break }
        }
    }

    private func readCell() -> (text: String, firstLine: Int)? {
        var lines: [String] = []
        let firstLine = lineNumber
        while true {
            let prompt = lines.isEmpty ? "nas> " : "...> "
            switch reader.readLine(prompt: prompt) {
            case .endOfInput:
                if lines.isEmpty {
                    if interactive { writeOut("\n") }
                    return nil
                }
                return (lines.joined(separator: "\n"), firstLine)
            case .interrupted:
                lineNumber += lines.count
                lines = []
                continue
            case .line(let line):
                lineNumber += 1
                if !line.trimmingCharacters(in: .whitespaces).isEmpty { reader.addHistory(line) }
                lines.append(line)
                let text = lines.joined(separator: "\n")
                if lines.count == 1, line.hasPrefix(":") { return (line, firstLine) }
                if !CellInput.needsMoreLines(text) { return (text, firstLine) }
            }
        }
    }

    /// Handles one complete cell; false when the session should end.
    @discardableResult
    public func handle(_ text: String, firstLine: Int = 1) -> Bool {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return true }
        if trimmed.hasPrefix(":") {
            switch ReplCommand.parse(trimmed) {
            case .failure(let error):
                fail(error.message + "\n")
            case .success(.quit):
                return false
            case .success(.help(let topic)):
                writeOut(help(topic))
            case .success(.load(let path)):
                guard let data = FileManager.default.contents(atPath: path) else {
                    fail("cannot read '\(path)'\n")
                    return true
                }
                evaluate(SourceFile(name: path, text: String(decoding: data, as: UTF8.self)))
            }
            return true
        }
        cellNumber += 1
        evaluate(SourceFile(name: interactive ? "<cell \(cellNumber)>" : "<stdin>", text: text,
                            firstLine: interactive ? 1 : firstLine))
        return true
    }

    private func evaluate(_ file: SourceFile) {
        _ = Interrupt.take()
        do {
            try LargeStack.run {
                let statements = try interpreter.check(file)
                try interpreter.execute(statements)
            }
        } catch let list as DiagnosticList {
            fail(list.render())
        } catch let d as Diagnostic {
            fail(d.render())
        } catch let stop as Interruption {
            // On a terminal the ^C echo ends the line the cell was printing on.
            fail((interactive ? "\n" : "") + "interrupted at \(stop.span)\n")
        } catch {
            fail("error: \(error)\n")
        }
    }

    private func fail(_ message: String) {
        hadError = true
        writeErr(message)
    }

    private func help(_ topic: String?) -> String {
        guard let topic else {
            let names = interpreter.registry.builtins.keys.sorted().joined(separator: " ")
            return ReplCommand.helpText + "\nbuiltins: " + names + "\n"
        }
        if let builtin = interpreter.registry.lookup(topic) {
            return "\(builtin.signature)\n  \(builtin.doc)\n"
        }
        let hint = Suggestions.closest(to: topic, in: interpreter.registry.builtins.keys).map { " (did you mean '\($0)'?)" } ?? ""
        return "no builtin named '\(topic)'\(hint)\n"
    }
}
