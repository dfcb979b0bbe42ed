import ArgumentParser
import Foundation
import LineEditor
import EngineBuiltins
import NasLang
import NasREPL

struct ReplCommandLine: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repl",
        abstract: "Interactive notebook-style REPL (the default). With piped input, runs the cells it reads."
    )

    @Option(help: "History file (default: $NASBOOK_HISTORY or ~/.nasbook_history).")
    var history: String?

    func run() throws {
        let interpreter = Interpreter(registry: .withEngine(), output: Console.out)
        let interactive = Terminal.isInteractive()
        Interrupt.install()
        let reader: LineReader
        if interactive {
            let completer = Completer(interpreter: interpreter)
            reader = InteractiveLineReader(historyFile: history ?? Self.defaultHistoryFile,
                                           completer: { completer.complete($0) })
        } else {
            reader = PlainLineReader()
        }
        let repl = Repl(interpreter: interpreter, reader: reader, interactive: interactive,
                        writeOut: Console.out, writeErr: Console.err)
        repl.run()
        if !interactive, repl.hadError { throw ExitCode(1) }
    }

    static var defaultHistoryFile: String {
        let env = ProcessInfo.processInfo.environment
        if let path = env["NASBOOK_HISTORY"] { return path }
        return (env["HOME"] ?? NSHomeDirectory()) + "/.nasbook_history"
    }
}
