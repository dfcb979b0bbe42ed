import EngineBuiltins
import Foundation
import NasCore
import XCTest
@testable import NasLang

/// Hostile input against the language: each reproducer from the hostile-user pass must end in
/// a diagnostic at its span, in bounded time and memory, never a trap or a stack overflow.
final class RobustnessTests: XCTestCase {
    /// `check` as the command line runs it: parse and resolve, every diagnostic.
    func check(_ text: String, name: String = "t.nas", modulePaths: [String] = [Repo.stdlib],
               output: @escaping (String) -> Void = { _ in }) -> DiagnosticList? {
        let interpreter = Interpreter(registry: .withEngine(), modulePaths: modulePaths, output: output)
        do {
            _ = try interpreter.check(SourceFile(name: name, text: text))
            return nil
        } catch let list as DiagnosticList {
            return list
        } catch {
            XCTFail("check threw \(error)")
            return nil
        }
    }

    // MARK: - Lexer and diagnostics

    /// The lexer recursed once per bad character: 60,000 of them overflowed the stack. Run on
    /// the test's own (main-thread sized) stack, not LargeStack, so a recursion would still crash.
    func testARunOfBadCharactersIsOneDiagnosticWithoutRecursion() {
        let text = "print('" + String(repeating: "@", count: 60_000) + "')\n"
        let (_, diagnostics) = Parser.parse(SourceFile(name: "t.nas", text: text))
        let lexical = diagnostics.filter { $0.message.hasPrefix("unexpected character") }
        XCTAssertEqual(lexical.count, 1, diagnostics.map(\.message).joined(separator: "\n"))  // the quotes belong to the run
        XCTAssertTrue(lexical[0].message.hasPrefix("unexpected characters ''@@@"), lexical[0].message)
        XCTAssertEqual(lexical[0].hint, "strings use double quotes: \"text\"")
    }

    /// A megabyte of junk used 24 GB in `check`: diagnostics are capped per line and per file,
    /// and long lines are shown cut around the caret.
    func testAMegabyteOfJunkGivesABoundedReport() throws {
        var rng = SeededGenerator(seed: 3)
        let junk = String((0..<1_000_000).map { _ -> Character in
            let c = rng.nextInt(below: 96)
            return c == 95 ? "\n" : Character(UnicodeScalar(UInt8(32 + c)))
        })
        let start = Date()
        let list = try XCTUnwrap(check(junk))
        let report = list.render()
        XCTAssertLessThanOrEqual(list.diagnostics.count, DiagnosticList.maxShown)
        XCTAssertGreaterThan(list.omitted, 0)
        XCTAssertTrue(report.contains("more errors not shown"), String(report.suffix(300)))
        XCTAssertLessThan(report.utf8.count, 100_000)
        XCTAssertLessThan(Date().timeIntervalSince(start), 30)
    }

    func testOneLongLineOfBadCharactersIsCappedPerLine() throws {
        let text = "x = 1 " + Array(repeating: "@ ", count: 5_000).joined() + "\n"
        let list = try XCTUnwrap(check(text))
        XCTAssertLessThanOrEqual(list.diagnostics.count, DiagnosticList.maxPerLine)
        for d in list.diagnostics {
            let shown = d.render().split(separator: "\n")[1]
            XCTAssertLessThanOrEqual(shown.count, Diagnostic.maxShownLineCharacters + 20, String(shown))
        }
    }

    func testLongLinesAreShownAroundTheCaret() {
        let text = "x = [" + String(repeating: "1, ", count: 500) + "nope]\n"
        let out = runProgram(text)
        let lines = out.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertTrue(lines[0].hasSuffix("error: unknown name 'nope'"), out)
        XCTAssertTrue(lines[1].hasPrefix("1 | …"), out)
        XCTAssertTrue(lines[1].hasSuffix("nope]"), out)
        // The caret sits under 'nope' in the cut line.
        let caret = try? XCTUnwrap(lines[2].firstIndex(of: "^"))
        let source = lines[1]
        if let caret {
            let column = lines[2].distance(from: lines[2].startIndex, to: caret)
            XCTAssertEqual(String(Array(source)[column..<column + 4]), "nope", out)
        }
    }

    // MARK: - Values

    /// `x = [x, x]` forty times shares storage but has 2^40 leaves: printing is cut, quickly.
    func testPrintingADoubledNestedListIsBounded() {
        let start = Date()
        let out = runProgram("x = [1]\nfor i in 1..40 { x = [x, x] }\nprint(x)\ns = str(x)\nprint(len(s))\n")
        XCTAssertLessThan(Date().timeIntervalSince(start), 20)
        XCTAssertFalse(out.contains("error"), String(out.prefix(500)))
        XCTAssertTrue(out.contains("[…]") || out.contains("…"), String(out.prefix(200)))
        let length = Int(out.split(separator: "\n").last.map(String.init) ?? "") ?? .max
        XCTAssertLessThanOrEqual(length, Value.maxInlineCharacters + 100)
    }

    func testDeeplyNestedListPrintsWithoutRecursingPastTheLimit() {
        let out = runProgram("x = [1]\nfor i in 1..5000 { x = [x] }\nprint(x)\n")
        XCTAssertTrue(out.hasPrefix("[[[["), String(out.prefix(100)))
        XCTAssertTrue(out.contains("[…]"), String(out.prefix(200)))
    }

    func testNaNAndInfiniteBudgetLimitsAreRejected() {
        let nan = runProgram("n = 1e308 * 10 - 1e308 * 10\nbudget { ram <= n * 1 KB }\n")
        XCTAssertTrue(nan.contains("t.nas:2:17: error: a limit on ram must be a finite number, not nan"), nan)
        let inf = runProgram("budget { flash <= 1e308 KB * 1e10 }\n")
        XCTAssertTrue(inf.contains("must be a finite number, not inf"), inf)
        let member = runProgram("budget { ram <= 1 KB }\nbudget.ram = (1e308 * 10 - 1e308 * 10) * 1 KB\n")
        XCTAssertTrue(member.contains("must be a finite number"), member)
    }

    // MARK: - check never runs code

    /// `check` ran the code of `use`d modules (which wrote a file); now it parses and resolves
    /// them only. The module's name errors are still reported, its members still checked.
    func testCheckParsesUsedModulesWithoutRunningThem() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nasbook-check-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let written = dir.appendingPathComponent("written.svg")
        try """
        print("module ran")
        plot([1, 2, 3], to: "\(written.path)")
        helper = 3
        """.write(to: dir.appendingPathComponent("sidefx.nas"), atomically: true, encoding: .utf8)
        var printed = ""
        XCTAssertNil(check("use \"sidefx\"\nprint(sidefx.helper)\n", name: dir.appendingPathComponent("main.nas").path,
                           output: { printed += $0 }))
        XCTAssertEqual(printed, "")
        XCTAssertFalse(FileManager.default.fileExists(atPath: written.path), "check ran the module")

        let typo = try XCTUnwrap(check("use \"sidefx\"\nprint(sidefx.helpr)\n", name: dir.appendingPathComponent("main.nas").path))
        XCTAssertTrue(typo.render().contains("module 'sidefx' has no member 'helpr'"), typo.render())
        XCTAssertTrue(typo.render().contains("did you mean 'helper'?"), typo.render())

        try "x = undefined_thing\n".write(to: dir.appendingPathComponent("broken.nas"), atomically: true, encoding: .utf8)
        let broken = try XCTUnwrap(check("use \"broken\"\n", name: dir.appendingPathComponent("main.nas").path))
        XCTAssertTrue(broken.render().contains("broken.nas:1:5: error: unknown name 'undefined_thing'"), broken.render())
    }

    /// Running still runs the module, once.
    func testRunStillRunsUsedModules() throws {
        let out = runProgram("use \"boards\"\nprint(boards.rpi_pico.name)\n")
        XCTAssertEqual(out, "Raspberry Pi Pico\n")
    }

    // MARK: - check knows the builtins' parameters

    func testCheckRejectsUnknownBuiltinLabelsWithDidYouMean() throws {
        let list = try XCTUnwrap(check("""
        use "boards"
        space s { width in [4, 8] }
        x = search(s, dataset.shapes(count: 10), boards.rpi_pico, trails: 16)
        y = dataset.shapes(cont: 3)
        """))
        let report = list.render()
        XCTAssertTrue(report.contains("t.nas:3:59: error: search() has no parameter 'trails'"), report)
        XCTAssertTrue(report.contains("did you mean 'trials'?"), report)
        XCTAssertTrue(report.contains("t.nas:4:20: error: dataset.shapes() has no parameter 'cont'"), report)
    }

    func testCheckRejectsLiteralChoicesOutsideTheirNames() throws {
        let list = try XCTUnwrap(check("""
        space s { width in [4, 8]; optimizer in ["sgd", "adma"] }
        r = train(cnn(), dataset.shapes(count: 10), optimizer: "adma", schedule: "cosin")
        """))
        let report = list.render()
        XCTAssertTrue(report.contains("t.nas:1:49: error: 'optimizer' must be one of \"sgd\", \"nesterov\", \"adam\", \"adamw\", not \"adma\""), report)
        XCTAssertTrue(report.contains("train(): 'optimizer' must be one of \"sgd\", \"nesterov\", \"adam\", \"adamw\", not \"adma\""), report)
        XCTAssertTrue(report.contains("did you mean 'adam'?"), report)
        XCTAssertTrue(report.contains("train(): 'schedule' must be one of"), report)
    }

    func testCheckRejectsLiteralNumbersOutsideTheirKnobsDomains() throws {
        let list = try XCTUnwrap(check("""
        m = cnn(width: 1e19, kernel: 4)
        r = train(m, dataset.shapes(count: 10), epochs: -1, lr: 0)
        """))
        let report = list.render()
        XCTAssertTrue(report.contains("t.nas:1:16: error: cnn(): 'width' must be a whole number from 1 to 1024, not 1e+19"), report)
        XCTAssertTrue(report.contains("t.nas:1:30: error: cnn(): 'kernel' must be an odd whole number from 1 to 1024, not 4"), report)
        XCTAssertTrue(report.contains("t.nas:2:49: error: train(): 'epochs' must be a whole number from 1 to 10000, not -1"), report)
        XCTAssertTrue(report.contains("train(): 'lr' must be a finite number above 0, not 0"), report)
        XCTAssertEqual(list.count, 4, report)
    }

    /// `==` on a doubled nested list remembers compared pairs; on doubled records it stops
    /// with an error past its budget instead of hanging.
    func testComparingDoubledValuesIsBounded() {
        let start = Date()
        XCTAssertEqual(runProgram("x = [1]\nfor i in 1..40 { x = [x, x] }\ny = [1]\nfor i in 1..40 { y = [y, y] }\nprint(x == y, x != x)\n"),
                       "true false\n")
        let records = runProgram("r = {a: 1}\nfor i in 1..30 { r = {a: r, b: r} }\nprint(r == r)\n")
        XCTAssertTrue(records.contains("test.nas:3:7: error: values too large to compare"), records)
        XCTAssertLessThan(Date().timeIntervalSince(start), 30)
        XCTAssertEqual(runProgram("n = 1e308 * 10 - 1e308 * 10\nx = [n]\nprint(x == x, [1, [2]] == [1, [2]])\n"), "false true\n")
        XCTAssertEqual(runProgram("a = list(1..1000000)\nprint(a == list(1..1000000))\n"), "true\n")
    }

    /// A user's own function named like a builtin is checked as theirs, not the builtin.
    func testAUserFunctionShadowingABuiltinIsNotCheckedAsTheBuiltin() {
        XCTAssertNil(check("fn train(a, trails = 1) = a + trails\nprint(train(1, trails: 2))\n"))
        let interpreter = Interpreter(registry: .withEngine(), modulePaths: [Repo.stdlib], output: { _ in })
        XCTAssertNoThrow(try LargeStack.run { try interpreter.run(SourceFile(name: "c1", text: "fn take(a, n) = a\n")) })
        XCTAssertNoThrow(try interpreter.check(SourceFile(name: "c2", text: "take(1, n: 2)\n")))
    }

    // MARK: - Space knobs at declaration

    func testSpaceKnobsOutsideTheirDomainsFailAtTheDeclaration() {
        let cases: [(String, String)] = [
            ("space s { epochs = -1 }", "'epochs' must be a whole number from 1 to 10000, not -1"),
            ("space s { epochs = 1e308 * 10 }", "'epochs' must be a whole number from 1 to 10000, not inf"),
            ("space s { bits in [1, 9] }", "'bits' must be a whole number from 2 to 8, not 1"),
            ("space s { prune in -1 ~ 2 }", "'prune' must be a number in [0, 1), not -1"),
            ("space s { batch in [0, 8] }", "'batch' must be a whole number from 1 to 4096, not 0"),
            ("space s { lr = 0 }", "'lr' must be a finite number above 0, not 0"),
            ("space s { finetune in 0..1e19 }", "range end must be"),
            ("space s { optimizer in 1 ~ 2 }", "'optimizer' must be one of \"sgd\", \"nesterov\", \"adam\", \"adamw\", not 1"),
        ]
        for (program, expected) in cases {
            let out = runProgram(program + "\n")
            XCTAssertTrue(out.contains("error: ") && out.contains(expected), "\(program):\n\(out)")
            XCTAssertTrue(out.hasPrefix("test.nas:1:"), out)
        }
    }
}
