import ArgumentParser
import EngineBuiltins
import NasLang

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Parse and resolve .nas files without running them; report every error."
    )

    @ArgumentParser.Argument(help: "The .nas files to check.", completion: .file(extensions: ["nas"]))
    var files: [String]

    @OptionGroup var access: AccessOptions

    func run() throws {
        var failed = false
        for file in files {
            guard let text = try? Console.readSource(file) else {
                failed = true
                continue
            }
            do {
                let interpreter = Interpreter(registry: .withEngine(), output: { _ in })
                interpreter.fileAccess = access.access(around: AccessOptions.folder(of: file))
                _ = try LargeStack.run { try interpreter.check(SourceFile(name: file, text: text)) }
                Console.out("\(file): ok\n")
            } catch {
                let report = FailureReport(error)
                Console.err(report.text)
                let n = report.errorCount
                Console.err("\(file): \(n) error\(n == 1 ? "" : "s")\n")
                failed = true
            }
        }
        if failed { throw ExitCode(1) }
    }
}
