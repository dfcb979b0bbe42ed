import ArgumentParser
import Foundation
import NasLang

@main
struct Nasbook: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nasbook",
        abstract: "Find deployable neural networks for microcontrollers.",
        discussion: "Without a subcommand, nasbook starts the interactive REPL (or reads cells from piped input).",
        version: NasbookVersion.current,
        subcommands: [ReplCommandLine.self, RunCommand.self, CheckCommand.self, ReplayCommand.self, WorkerCommand.self, StatusCommand.self],
        defaultSubcommand: ReplCommandLine.self
    )

    /// Names a mistyped subcommand before argument parsing sees it: with the REPL as the default
    /// subcommand, `nasbook rn x.nas` would otherwise read as unexpected arguments to `repl`,
    /// and `nasbook wrker --help` would print the REPL's help and succeed.
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let problem = UnknownSubcommand.problem(in: arguments, known: commandNames) {
            Console.err(problem)
            Foundation.exit(2)
        }
        main(arguments)
    }

    /// The subcommands' names, and `help`, which argument parsing provides.
    static var commandNames: [String] {
        configuration.subcommands.compactMap { $0.configuration.commandName } + ["help"]
    }
}

/// The check behind `Nasbook.main()`: the first argument, when it is not an option, must name
/// a subcommand (the REPL takes no positional arguments, so nothing else can be meant).
enum UnknownSubcommand {
    static func problem(in arguments: [String], known: [String]) -> String? {
        guard let first = arguments.first, !first.hasPrefix("-"), !known.contains(first) else { return nil }
        if first.hasSuffix(".nas") || first.hasSuffix(".nasbook") {
            let command = first.hasSuffix(".nas") ? "run" : "replay"
            return "nasbook: '\(first)' is not a command; to \(command) it: nasbook \(command) \(first)"
                + (command == "run" ? " (or pipe it: nasbook < \(first))" : "") + "\n"
        }
        let suggestion = Suggestions.closest(to: first, in: known).map { " (did you mean '\($0)'?)" } ?? ""
        return "nasbook: unknown command '\(first)'\(suggestion)\n"
            + "commands: \(known.filter { $0 != "help" }.joined(separator: ", ")); see nasbook --help\n"
    }
}
