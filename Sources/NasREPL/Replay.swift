import Foundation
import LineEditor
import NasLang

/// Runs a saved session's cells again, in order, in a fresh interpreter, and compares what each
/// printed with what was recorded. Cells run as the REPL ran them (same names in diagnostics,
/// same `:load`s) but always in plain form: no progress redraws, no timings.
public struct Replay {
    public struct CellResult: Sendable {
        public let recorded: Session.Cell
        public let replayed: Session.Cell
        /// Unified diff of recorded against replayed output (volatile numbers masked), empty when they match.
        public let diff: [String]

        public var matches: Bool { diff.isEmpty }
    }

    public let session: Session

    public init(_ session: Session) {
        self.session = session
    }

    /// Runs every cell in `interpreter` (fresh, with the registry the session was recorded with),
    /// calling `starting` before and `report` after each. Stops early when a cell is interrupted
    /// (Ctrl-C); returns the results so far and whether it was interrupted.
    public func run(in interpreter: Interpreter, starting: (Session.Cell) -> Void = { _ in },
                    report: (CellResult) -> Void = { _ in }) -> (results: [CellResult], interrupted: Bool) {
        let repl = Repl(interpreter: interpreter, reader: NoInput(), interactive: session.input == .terminal,
                        writeOut: { _ in }, writeErr: { _ in })
        interpreter.liveProgress = false
        var results: [CellResult] = []
        for cell in session.cells {
            starting(cell)
            let replayed: Session.Cell
            if Self.isCell(cell.input) {
                repl.handle(cell.input, firstLine: cell.line)
                replayed = repl.session.cells[repl.session.cells.count - 1]
            } else {
                // A hand-edited file may hold a command (:save, :quit); it is not run.
                replayed = Session.Cell(index: cell.index, line: cell.line, input: cell.input, output: "",
                                        error: "not a cell that can be replayed (only code and :load FILE.nas are)\n",
                                        started: cell.started, duration: 0, seeds: [])
            }
            let result = CellResult(recorded: cell, replayed: replayed,
                                    diff: LineDiff.unified(cell.transcript, replayed.transcript, key: VolatileOutput.mask))
            results.append(result)
            report(result)
            if repl.lastCellInterrupted { return (results, true) }
        }
        return (results, false)
    }

    /// Whether the REPL records `input` as exactly one cell: code, or `:load` of a program.
    static func isCell(_ input: String) -> Bool {
        let trimmed = input.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return false }
        guard trimmed.hasPrefix(":") else { return true }
        if case .success(.load(let path)) = ReplCommand.parse(trimmed) { return !path.hasSuffix(".nasbook") }
        return false
    }
}

/// A reader with nothing to read: replay hands cells to the REPL directly.
private final class NoInput: LineReader {
    func readLine(prompt: String) -> LineReadResult { .endOfInput }
    func addHistory(_ line: String) {}
}
