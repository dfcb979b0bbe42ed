import ArgumentParser

struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Re-run a saved notebook session and report cells whose output differs."
    )

    @ArgumentParser.Argument(help: "The .nasbook session file.")
    var file: String

    @Flag(help: "Take trial results from the study database instead of retraining.")
    var cached = false

    func run() throws {
        Console.err("""
        nasbook replay: not yet available in this version. Saving and replaying sessions
        (.nasbook files) arrives together with study storage; until then, re-run a script
        with: nasbook run FILE.nas

        """)
        throw ExitCode(2)
    }
}
