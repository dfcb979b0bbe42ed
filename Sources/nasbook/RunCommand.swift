import ArgumentParser
import LineEditor
import EngineBuiltins
import NasLang

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a .nas program. Every syntax and name error is reported before anything runs."
    )

    @ArgumentParser.Argument(help: "The .nas file to run.", completion: .file(extensions: ["nas"]))
    var file: String

    func run() throws {
        let source = SourceFile(name: file, text: try Console.readSource(file))
        let interpreter = Interpreter(registry: .withEngine(), output: Console.out)
        Interrupt.install()
        interpreter.shouldInterrupt = { Interrupt.take() }
        interpreter.liveProgress = Terminal.outputIsTerminal
        do {
            try LargeStack.run { try interpreter.run(source) }
        } catch let list as DiagnosticList {
            Console.err(list.render())
            throw ExitCode(1)
        } catch let d as Diagnostic {
            Console.err(d.render())
            throw ExitCode(1)
        } catch let stop as Interruption {
            Console.err("interrupted at \(stop.span)\n")
            throw ExitCode(130)
        }
    }
}
