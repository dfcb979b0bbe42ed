import CNasKernels
import EngineBuiltins
import XCTest
@testable import NasLang

/// Every example must run and print exactly its golden output; every program in
/// `Golden/errors` must fail with exactly its golden diagnostics.
final class GoldenTests: XCTestCase {
    func testEveryExampleMatchesItsGoldenOutput() throws {
        useReproducibleKernels()
        defer { _ = nas_kernels_select(nil) }
        let examples = Repo.files(in: Repo.examples, ext: "nas")
        XCTAssertGreaterThanOrEqual(examples.count, 3)
        for example in examples {
            let text = try String(contentsOf: example, encoding: .utf8)
            if text.contains(Self.checkOnly) { continue }
            let output = runProgram(text, name: "examples/" + example.lastPathComponent)
            XCTAssertFalse(output.contains("error:"), "\(example.lastPathComponent) failed:\n\(output)")
            let golden = Repo.golden.appendingPathComponent("examples/" + example.deletingPathExtension().lastPathComponent + ".out")
            assertGolden(output, golden)
        }
    }

    /// Marks an example too long for the suite: it is parsed and resolved, not run.
    static let checkOnly = "# test: check only"

    func testLongExamplesAtLeastCheck() throws {
        for example in Repo.files(in: Repo.examples, ext: "nas") {
            let text = try String(contentsOf: example, encoding: .utf8)
            guard text.contains(Self.checkOnly) else { continue }
            let interpreter = Interpreter(registry: .withEngine(), modulePaths: [Repo.stdlib], output: { _ in })
            XCTAssertNoThrow(try interpreter.check(SourceFile(name: example.lastPathComponent, text: text)), example.lastPathComponent)
        }
    }

    func testEveryGoldenExampleHasAnExample() {
        let examples = Set(Repo.files(in: Repo.examples, ext: "nas").map { $0.deletingPathExtension().lastPathComponent })
        for golden in Repo.files(in: Repo.golden.appendingPathComponent("examples"), ext: "out") {
            XCTAssertTrue(examples.contains(golden.deletingPathExtension().lastPathComponent),
                          "stale golden file \(golden.lastPathComponent)")
        }
    }

    func testErrorProgramsMatchTheirGoldenDiagnostics() throws {
        let programs = Repo.files(in: Repo.golden.appendingPathComponent("errors"), ext: "nas")
        XCTAssertGreaterThanOrEqual(programs.count, 5)
        for program in programs {
            let text = try String(contentsOf: program, encoding: .utf8)
            let output = runProgram(text, name: program.lastPathComponent)
            XCTAssertTrue(output.contains("error:"), "\(program.lastPathComponent) should fail")
            assertGolden(output, program.deletingPathExtension().appendingPathExtension("err"))
        }
    }
}
