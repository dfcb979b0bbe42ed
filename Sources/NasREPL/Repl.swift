import Foundation
import LineEditor
import NasFiles
import NasLang

/// The notebook loop: read a cell (one or more lines), run it in the session's interpreter,
/// print its result inline. Errors never end the session; only `:quit` and Ctrl-D do.
public final class Repl {
    public let interpreter: Interpreter
    private let reader: LineReader
    private let interactive: Bool
    private let writeOut: (String) -> Void
    private let writeErr: (String) -> Void
    /// Line number of the next line read, for diagnostics on piped input.
    private var lineNumber = 1
    /// Whether any cell failed; piped scripts exit non-zero then.
    public private(set) var hadError = false
    /// Every cell run so far, with what it printed; `:save` writes it.
    public private(set) var session: Session
    /// Where the session is saved after every cell, once `:save FILE` or `--save FILE` named it.
    public private(set) var sessionFile: String?
    /// The study database `nasbook repl --db` named (a SQLite path or a postgresql:// URL): it
    /// stays the searches' store when the session is saved, instead of the file beside it.
    public var studyDatabase: String? {
        didSet { interpreter.studySettings.databasePath = studyDatabase }
    }
    /// Whether the last cell was stopped by Ctrl-C; a replay stops there.
    public private(set) var lastCellInterrupted = false
    /// What the running cell prints and draws, while one runs.
    private var capture: Capture?
    private var loadingSession = false

    private struct Capture {
        var output = ""
        var error: String?
        var seeds: [DrawnSeed] = []
    }

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
        session = Session(input: interactive ? .terminal : .pipe)
        interpreter.transcript = { [weak self] text in self?.capture?.output += text }
        interpreter.seedObserver = { [weak self] seed in
            guard let self, var capture = self.capture, !capture.seeds.contains(seed) else { return }
            capture.seeds.append(seed)
            self.capture = capture
        }
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
            case .success(.load(let path)) where path.hasSuffix(".nasbook"):
                loadSession(path)
            case .success(.load(let path)):
                runCell(trimmed, firstLine: firstLine) { _ in
                    if let refused = refusal(path, .read) {
                        fail(":load: \(refused)\n")
                        return
                    }
                    guard let data = FileManager.default.contents(atPath: path) else {
                        fail("cannot read '\(path)'\n")
                        return
                    }
                    evaluate(SourceFile(name: path, text: String(decoding: data, as: UTF8.self)))
                }
            case .success(.save(let path)):
                save(to: path)
            }
            return true
        }
        runCell(text, firstLine: firstLine) { index in
            evaluate(SourceFile(name: interactive ? "<cell \(index)>" : "<stdin>", text: text,
                                firstLine: interactive ? 1 : firstLine))
        }
        return true
    }

    /// Runs one cell and records it: its input, its output in plain form, its error, its seeds.
    private func runCell(_ input: String, firstLine: Int, _ body: (_ index: Int) -> Void) {
        let index = session.cells.count + 1
        capture = Capture()
        lastCellInterrupted = false
        let started = Date()
        body(index)
        let captured = capture ?? Capture()
        capture = nil
        session.cells.append(Session.Cell(index: index, line: firstLine, input: input, output: captured.output,
                                          error: captured.error, started: started,
                                          duration: Date().timeIntervalSince(started), seeds: captured.seeds))
        if let sessionFile, let problem = write(to: sessionFile) {
            writeErr("autosave failed: \(problem)\n")
            // The cell ran, but the notebook on disk lacks it: piped input must not exit 0.
            hadError = true
        }
    }

    private func evaluate(_ file: SourceFile) {
        _ = Interrupt.take()
        do {
            try LargeStack.run {
                let statements = try interpreter.check(file)
                try interpreter.execute(statements)
            }
        } catch {
            let report = FailureReport(error)
            if report.interrupted {
                lastCellInterrupted = true
                // On a terminal the ^C echo ends the line the cell was printing on.
                if interactive { writeErr("\n") }
            }
            fail(report.text)
        }
    }

    // MARK: - Sessions

    /// Starts saving the session to `path` after every cell, writing it once now so a bad path
    /// shows up before any work is done. Returns why it could not write, nil on success.
    public func saveContinuously(to path: String) -> String? {
        if let problem = write(to: path) { return problem }
        remember(path)
        return nil
    }

    /// From now on the session saves to `path` and its searches store their trials beside it
    /// (`notes.nasbook` -> `notes.db`), which is what `replay --cached` reads.
    private func remember(_ path: String) {
        sessionFile = path
        guard studyDatabase == nil else { return }
        interpreter.studySettings.databasePath = StudySettings.defaultDatabasePath(
            forSession: URL(fileURLWithPath: path).path)
    }

    private func save(to path: String?) {
        guard let path = path ?? sessionFile else {
            fail(":save needs a file the first time: :save notes.nasbook\n")
            return
        }
        if let problem = write(to: path) {
            fail("cannot save the session: \(problem)\n")
            return
        }
        remember(path)
        if interactive {
            let n = session.cells.count
            writeOut("saved \(n) cell\(n == 1 ? "" : "s") to \(path); saving after every cell from now on\n")
        }
    }

    /// Writes the session to `path` (atomically: a failed save keeps the previous file);
    /// returns why not, or nil.
    private func write(to path: String) -> String? {
        if let refused = refusal(path, .write) { return refused.description }
        session.directory = SessionPaths.directory(of: FileManager.default.currentDirectoryPath, relativeToFile: path)
        do {
            try AtomicFile.write(Data(session.encoded().utf8), to: path)
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// Why the trust boundary refuses `path` for `use`, or nil when it may be used.
    private func refusal(_ path: String, _ use: FileAccess.Use) -> FileAccessError? {
        do {
            _ = try interpreter.fileAccess.check(path, for: use)
            return nil
        } catch {
            return error as? FileAccessError
        }
    }

    /// `:load notes.nasbook`: runs a saved session's cells here, in order, as new cells of this
    /// session; stops at a cell interrupted by Ctrl-C.
    private func loadSession(_ path: String) {
        guard !loadingSession else {
            fail(":load of a session cannot run inside another session's :load\n")
            return
        }
        if let refused = refusal(path, .read) {
            fail(":load: \(refused)\n")
            return
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            fail("cannot read '\(path)'\n")
            return
        }
        let saved: Session
        do {
            saved = try Session.decode(data)
        } catch {
            fail("'\(path)' is not a nasbook session: \(error)\n")
            return
        }
        loadingSession = true
        defer { loadingSession = false }
        for cell in saved.cells {
            if interactive {
                writeOut(cell.input.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
                    .map { ($0.offset == 0 ? "nas> " : "...> ") + $0.element }.joined(separator: "\n") + "\n")
            }
            handle(cell.input, firstLine: cell.line)
            if lastCellInterrupted { break }
        }
    }

    /// Reports an error; inside a cell it also becomes the cell's recorded error.
    private func fail(_ message: String) {
        hadError = true
        writeErr(message)
        if var cell = capture {
            cell.error = (cell.error ?? "") + message
            capture = cell
        }
    }

    private func help(_ topic: String?) -> String {
        guard let topic else {
            let names = interpreter.registry.builtins.keys.sorted().joined(separator: " ")
            return ReplCommand.helpText + "\nbuiltins: " + names + "\n"
        }
        if let builtin = interpreter.registry.lookup(topic) {
            return builtin.help
        }
        let hint = Suggestions.closest(to: topic, in: interpreter.registry.builtins.keys).map { " (did you mean '\($0)'?)" } ?? ""
        return "no builtin named '\(topic)'\(hint)\n"
    }
}
