import CNasKernels
import EngineBuiltins
import Foundation
import XCTest
@testable import NasLang

/// Paths of the repository, found from this file so tests run from any directory.
enum Repo {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let stdlib = root.appendingPathComponent("stdlib").path
    static let examples = root.appendingPathComponent("examples")
    static let golden = root.appendingPathComponent("Tests/NasLangTests/Golden")

    static func files(in dir: URL, ext: String) -> [URL] {
        ((try? FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)) ?? [])
            .filter { $0.pathExtension == ext }.sorted { $0.lastPathComponent < $1.lastPathComponent }
    }
}

/// Runs a program the way `nasbook run` does and returns what it printed, diagnostics included.
/// `registry` and `modulePaths` let a test run its own builtins (a probe with typed parameters).
func runProgram(_ text: String, name: String = "test.nas", stepLimit: Int? = nil,
                registry: BuiltinRegistry = .withEngine(), modulePaths: [String] = [Repo.stdlib]) -> String {
    var out = ""
    let interpreter = Interpreter(registry: registry, modulePaths: modulePaths, output: { out += $0 })
    interpreter.stepLimit = stepLimit
    do {
        try LargeStack.run { try interpreter.run(SourceFile(name: name, text: text)) }
    } catch let list as DiagnosticList {
        out += list.render()
    } catch let d as Diagnostic {
        out += d.render()
    } catch {
        out += "unexpected error: \(error)\n"
    }
    return out
}

/// Training results depend on summation order, which differs between the AVX-512 and AVX2
/// kernels; goldens are recorded with AVX2 (on every x86-64 CI machine) so they match anywhere.
func useReproducibleKernels() {
    _ = nas_kernels_select("avx2")
}

/// Compares with a golden file; `NASBOOK_UPDATE_GOLDEN=1 swift test` rewrites it instead.
func assertGolden(_ actual: String, _ golden: URL, file: StaticString = #filePath, line: UInt = #line) {
    if ProcessInfo.processInfo.environment["NASBOOK_UPDATE_GOLDEN"] == "1" {
        try? FileManager.default.createDirectory(at: golden.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? actual.write(to: golden, atomically: true, encoding: .utf8)
        return
    }
    guard let expected = try? String(contentsOf: golden, encoding: .utf8) else {
        XCTFail("missing golden file \(golden.path); run with NASBOOK_UPDATE_GOLDEN=1 to create it", file: file, line: line)
        return
    }
    if actual != expected {
        XCTFail("output differs from \(golden.lastPathComponent):\n--- expected\n\(expected)\n--- actual\n\(actual)", file: file, line: line)
    }
}
