import ArgumentParser
import EngineBuiltins
import Foundation
import LineEditor
import NasLang
import NasSearch

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a .nas program. Every syntax and name error is reported before anything runs.",
        discussion: "Searches store each trial as it finishes in a SQLite database (default: the script's name with .db, e.g. kws.nas -> kws.db) or, with --db postgresql://..., a PostgreSQL database (passwords are never printed), so an interrupted run continues with --resume (refused, naming what changed, when the dataset, board, model or objectives differ from the stored study's; a study has one proposer at a time, and the workers of a search with workers: N join it). Ctrl-C stops the program after the search saved its trials, with exit 130."
    )

    @ArgumentParser.Argument(help: "The .nas file to run.", completion: .file(extensions: ["nas"]))
    var file: String

    @Option(name: .customLong("db"),
            help: ArgumentHelp("The study database searches write every trial to: a SQLite file, or a PostgreSQL database postgresql://user:password@host:port/db that workers on other machines can join.",
                               valueName: "location"),
            completion: .file(extensions: ["db"]))
    var database: String?

    @Flag(help: "Continue the interrupted study in the database: finished trials are kept, not rerun.")
    var resume = false

    @OptionGroup var access: AccessOptions

    func run() throws {
        let source = SourceFile(name: file, text: try Console.readSource(file))
        let databasePath = database ?? StudySettings.defaultDatabasePath(forScript: file)
        // A script that names its database (`search(..., storage: "kws.db")`) resumes from
        // there without --db: its search checks that the database exists.
        if resume, database != nil || !Self.namesItsStorage(source),
           !StudyStorageLocation.isServer(databasePath), !FileManager.default.fileExists(atPath: databasePath) {
            Console.err("nasbook: nothing to resume: '\(databasePath)' does not exist; "
                        + "run without --resume to start the study, or name its database with --db\n")
            throw ExitCode(1)
        }
        let interpreter = Interpreter(registry: .withEngine(), output: Console.out)
        interpreter.studySettings = StudySettings(databasePath: databasePath, resume: resume)
        interpreter.fileAccess = access.access(around: AccessOptions.folder(of: file))
        Interrupt.install()
        // Ctrl-C stops the whole program, not only the builtin that notices it: a search saves
        // its finished trials and returns, and the latch then stops the next statement (or the
        // end of the program) with exit 130.
        var interrupted = false
        interpreter.shouldInterrupt = {
            if Interrupt.take() { interrupted = true }
            return interrupted
        }
        interpreter.liveProgress = Terminal.outputIsTerminal
        do {
            try LargeStack.run { try interpreter.run(source) }
        } catch {
            let report = FailureReport(error)
            Console.err(report.text)
            throw ExitCode(report.exitStatus)
        }
        if interrupted {
            Console.err("interrupted at the end of \(file)\n")
            throw ExitCode(130)
        }
    }

    /// Whether the script passes a `storage:` argument (a search that names its own study
    /// database), by its tokens, so comments and strings do not count.
    static func namesItsStorage(_ source: SourceFile) -> Bool {
        let tokens = Lexer.tokenize(source).tokens
        return zip(tokens, tokens.dropFirst()).contains { $0.kind == .identifier("storage") && $1.kind == .symbol(.colon) }
    }
}
