import NasCore
import XCTest
@testable import NasLang

/// Thousands of random and mutated programs through lexer, parser, resolver and interpreter.
/// Passing means no input traps or hangs; every failure must be a diagnostic with a valid span.
final class FuzzTests: XCTestCase {
    static let fragments = [
        "(", ")", "[", "]", "{", "}", ",", ".", ":", ";", "=", "==", "+=", "..", "~", "+", "-", "*", "/", "%",
        "<=", ">", "\n", " ", "\"", "\"s\"", "#", "\\", "1", "0", "-1", "1e308", "1e-3", "9999999999999999999",
        "128 KB", "3 MHz", "x", "fn", "fn f(a) = a", "for", "in", "if", "else", "return", "use", "\"boards\"",
        "space", "objectives", "budget", "maximize", "minimize", "per layer", "log", "show", "true", "none",
        "not", "and", "or", "print(", "len(", "map(", "sort(", "boards.", "é", "\u{0}", "\t", "1..", "..3",
        "fn(x) = x", "budget.ram = ", "[1, 2][5]", "{a: 1}", "x = x + x", "list(1..100000000)",
    ]

    func corpus() throws -> [String] {
        var texts = try Repo.files(in: Repo.examples, ext: "nas").map { try String(contentsOf: $0, encoding: .utf8) }
        texts += try Repo.files(in: Repo.golden.appendingPathComponent("errors"), ext: "nas")
            .map { try String(contentsOf: $0, encoding: .utf8) }
        texts.append(try String(contentsOfFile: Repo.stdlib + "/boards.nas", encoding: .utf8))
        return texts
    }

    func mutate(_ text: String, _ rng: inout SeededGenerator) -> String {
        var chars = Array(text)
        for _ in 0..<(1 + rng.nextInt(below: 4)) {
            let at = rng.nextInt(below: chars.count + 1)
            switch rng.nextInt(below: 6) {
            case 0 where !chars.isEmpty:
                let end = min(chars.count, at + rng.nextInt(below: 20))
                if at < end { chars.removeSubrange(at..<end) }
            case 1:
                chars.insert(contentsOf: Self.fragments[rng.nextInt(below: Self.fragments.count)], at: at)
            case 2 where !chars.isEmpty:
                let start = rng.nextInt(below: chars.count), end = min(chars.count, start + rng.nextInt(below: 40))
                chars.insert(contentsOf: chars[start..<end], at: at)
            case 3:
                chars = Array(chars.prefix(at))
            case 4 where chars.count > 1:
                let i = rng.nextInt(below: chars.count), j = rng.nextInt(below: chars.count)
                chars.swapAt(i, j)
            default:
                chars.insert(Character(UnicodeScalar(UInt8(rng.nextInt(below: 128)))), at: at)
            }
        }
        return String(chars)
    }

    func exercise(_ text: String) {
        let file = SourceFile(name: "fuzz.nas", text: text)
        let interpreter = Interpreter(modulePaths: [Repo.stdlib], output: { _ in })
        interpreter.stepLimit = 5_000
        do {
            try interpreter.run(file)
        } catch let list as DiagnosticList {
            for d in list.diagnostics { check(d, in: file) }
        } catch let d as Diagnostic {
            // Runtime errors may come from a module file; only check those from this file.
            if d.span.file === file { check(d, in: file) }
            _ = d.render()
        } catch {
            XCTFail("unexpected error type \(type(of: error)) for input:\n\(text)")
        }
    }

    func check(_ d: Diagnostic, in file: SourceFile) {
        XCTAssertTrue(d.span.start >= 0 && d.span.end <= file.bytes.count, "span out of range: \(d.message)")
        XCTAssertTrue(d.render().contains("error:"))
    }

    func testMutatedProgramsNeverCrash() throws {
        let corpus = try corpus()
        var rng = SeededGenerator(seed: 42)
        try LargeStack.run {
            for _ in 0..<6_000 {
                exercise(mutate(corpus[rng.nextInt(below: corpus.count)], &rng))
            }
        }
    }

    func testRandomFragmentSoupNeverCrashes() throws {
        var rng = SeededGenerator(seed: 7)
        try LargeStack.run {
            for _ in 0..<4_000 {
                let text = (0..<rng.nextInt(below: 40)).map { _ in Self.fragments[rng.nextInt(below: Self.fragments.count)] }.joined()
                exercise(text)
            }
        }
    }

    func testPathologicalNestingIsAnErrorNotACrash() throws {
        let deep = [
            String(repeating: "(", count: 5_000) + "1" + String(repeating: ")", count: 5_000),
            String(repeating: "[", count: 5_000),
            String(repeating: "-", count: 5_000) + "1",
            String(repeating: "not ", count: 5_000) + "true",
            String(repeating: "if true {\n", count: 3_000),
            String(repeating: "fn(x) = ", count: 3_000) + "1",
            "x = 1" + String(repeating: ".a", count: 20_000),
            "s = \"ab\"\nfor i in 1..100 { s = s + s }",
        ]
        try LargeStack.run {
            for text in deep { exercise(text) }
        }
        XCTAssertTrue(runProgram(deep[0]).contains("nested too deeply"))
    }
}
