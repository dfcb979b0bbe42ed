import ArgumentParser
import NasLang

@main
struct Nasbook: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nasbook",
        abstract: "Find deployable neural networks for microcontrollers.",
        discussion: "Without a subcommand, nasbook starts the interactive REPL (or reads cells from piped input).",
        version: NasbookVersion.current,
        subcommands: [ReplCommandLine.self, RunCommand.self, CheckCommand.self, ReplayCommand.self],
        defaultSubcommand: ReplCommandLine.self
    )
}
