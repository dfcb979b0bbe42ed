import ArgumentParser
import EngineBuiltins
import Foundation
import LineEditor
import NasFiles
import NasLang
import NasREPL
import NasSearch

struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Re-run a saved notebook session and report cells whose output differs.",
        discussion: """
        Cells run in order in a fresh session, in the working directory the session was recorded \
        in (stored relative to the session file). Wall-clock numbers (a training record's seconds \
        and samples_per_s, anything before "samples/s") are not compared. Exits 0 when every cell \
        matches, 1 when any differs, 2 when the file cannot be read as a session, 130 on Ctrl-C.
        """
    )

    @ArgumentParser.Argument(help: "The .nasbook session file.", completion: .file(extensions: ["nasbook"]))
    var file: String

    @Flag(help: "Take search trials from the session's study database (notes.nasbook -> notes.db) instead of retraining.")
    var cached = false

    @Option(name: .customLong("db"),
            help: ArgumentHelp("The study database --cached reads (and a replay's searches write): a SQLite file or postgresql://user:password@host/db (default: the session's .db beside it).",
                               valueName: "location"))
    var database: String?

    @OptionGroup var access: AccessOptions

    func run() throws {
        let session = try Self.read(file)
        // Before the replay moves into the session's directory: a relative --db is the user's.
        let database = self.database.map { StudyStorageLocation.isServer($0) ? $0 : URL(fileURLWithPath: $0).path }
        // A session may come from someone else: its cells reach only the session's folder tree
        // (and what --allow-path or nasbook.allow add), and its `directory` may not lead out.
        let own = AccessOptions.folder(of: file)
        let boundary = access.access(around: own)
        let directory = SessionPaths.workingDirectory(of: session, file: file)
        guard boundary.allows(directory, for: .write) else {
            Console.err("nasbook replay: the session's directory \"\(session.directory)\" leads to \(FileAccess.resolve(directory)), "
                        + "outside the session's folder \(own); replay runs only inside it "
                        + "(allow that folder with --allow-path \(FileAccess.resolve(directory)) if you trust this session)\n")
            throw ExitCode(2)
        }
        var isDirectory: ObjCBool = false
        var workingDirectory = directory
        if !FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) || !isDirectory.boolValue {
            Console.err("nasbook replay: the recorded working directory \(directory) does not exist; running in \(own)\n")
            workingDirectory = own
        }
        // Cells must not run anywhere else (relative paths in them would mean other files).
        guard FileManager.default.changeCurrentDirectoryPath(workingDirectory) else {
            Console.err("nasbook replay: cannot change into \(workingDirectory)\n")
            throw ExitCode(2)
        }

        let interpreter = Interpreter(registry: .withEngine(), output: { _ in })
        interpreter.fileAccess = boundary
        let sessionDatabase = StudySettings.defaultDatabasePath(forSession: URL(fileURLWithPath: file).path)
        interpreter.studySettings = cached ? StudySettings(databasePath: database ?? sessionDatabase, cached: true)
                                           : StudySettings(databasePath: database)
        Interrupt.install()
        let n = session.cells.count
        Console.out("replaying \(n) cell\(n == 1 ? "" : "s") of \(file)\n")
        // On a terminal, the cell being run shows until its status replaces it.
        let live = Terminal.outputIsTerminal
        let (results, interrupted) = Replay(session).run(
            in: interpreter,
            starting: { cell in if live { Console.out("cell \(cell.index)  running  \(Self.firstLine(of: cell))") } },
            report: { result in Console.out((live ? "\r\u{1B}[K" : "") + Self.describe(result)) })
        let differing = results.filter { !$0.matches }.count
        if interrupted {
            Console.out("interrupted after \(results.count) of \(n) cells; \(differing) differ\n")
            throw ExitCode(130)
        }
        Console.out(differing == 0 ? "all \(n) cells match\n" : "\(differing) of \(n) cells differ\n")
        if differing > 0 { throw ExitCode(1) }
    }

    /// The session in `path`, or exit 2 with a message that names the file and the bad field.
    static func read(_ path: String) throws -> Session {
        guard let data = FileManager.default.contents(atPath: path) else {
            Console.err("nasbook replay: cannot read '\(path)': no such file or not readable\n")
            throw ExitCode(2)
        }
        do {
            return try Session.decode(data)
        } catch {
            Console.err("nasbook replay: '\(path)' is not a nasbook session: \(error)\n")
            throw ExitCode(2)
        }
    }

    /// `cell 3  ok  r = train(...)`, and for a differing cell its diff, indented.
    static func describe(_ result: Replay.CellResult) -> String {
        let status = result.matches ? "ok     " : "DIFFERS"
        var text = "cell \(result.recorded.index)  \(status)  \(firstLine(of: result.recorded))\n"
        for line in result.diff { text += "    " + line + "\n" }
        return text
    }

    /// The cell's first input line, cut to fit a status line.
    static func firstLine(of cell: Session.Cell) -> String {
        let line = cell.input.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
        return line.count > 60 ? line.prefix(59) + "…" : line
    }
}
