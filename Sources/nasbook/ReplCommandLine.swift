import ArgumentParser
import EngineBuiltins
import Foundation
import LineEditor
import NasLang
import NasREPL

struct ReplCommandLine: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repl",
        abstract: "Interactive notebook-style REPL (the default). With piped input, runs the cells it reads."
    )

    @Option(help: "History file (default: $NASBOOK_HISTORY or ~/.nasbook_history).")
    var history: String?

    @Option(help: ArgumentHelp("Record the session into this .nasbook file, saving after every cell (as :save FILE does). An existing file is not overwritten.",
                               valueName: "file"),
            completion: .file(extensions: ["nasbook"]))
    var save: String?

    @Option(name: .customLong("db"),
            help: ArgumentHelp("The study database searches write every trial to: a SQLite file or postgresql://user:password@host/db (default: memory, or the session's .db once saved).",
                               valueName: "location"))
    var database: String?

    @OptionGroup var access: AccessOptions

    func run() throws {
        let interpreter = Interpreter(registry: .withEngine(), output: Console.out)
        interpreter.fileAccess = access.access(around: FileManager.default.currentDirectoryPath, files: [save].compactMap { $0 })
        let interactive = Terminal.isInteractive()
        Interrupt.install()
        let reader: LineReader
        if interactive {
            let completer = Completer(interpreter: interpreter)
            reader = InteractiveLineReader(historyFile: history ?? Self.defaultHistoryFile, warn: Console.err,
                                           completer: { completer.complete($0) })
        } else {
            reader = PlainLineReader()
        }
        let repl = Repl(interpreter: interpreter, reader: reader, interactive: interactive,
                        writeOut: Console.out, writeErr: Console.err)
        repl.studyDatabase = database
        if let save {
            guard !FileManager.default.fileExists(atPath: save) else {
                Console.err("nasbook: '\(save)' already exists; replay it with `nasbook replay \(save)`, continue it with :load \(save), or choose another file\n")
                throw ExitCode(2)
            }
            if let problem = repl.saveContinuously(to: save) {
                Console.err("nasbook: \(problem)\n")
                throw ExitCode(2)
            }
        }
        repl.run()
        if !interactive, repl.hadError { throw ExitCode(1) }
    }

    static var defaultHistoryFile: String {
        let env = ProcessInfo.processInfo.environment
        if let path = env["NASBOOK_HISTORY"] { return path }
        return (env["HOME"] ?? NSHomeDirectory()) + "/.nasbook_history"
    }
}
