import XCTest
@testable import NasLang

/// Semantics of the language, one behaviour per test.
final class LanguageTests: XCTestCase {
    func run(_ text: String) -> String { runProgram(text) }

    func testUnitsAreBinaryForMemoryAndDecimalForCounts() {
        XCTAssertEqual(run("print(value_in(128 KB, \"B\"), value_in(1 MB, \"KB\"), 2 k, 1.5 M)"), "131072 1024 2000 1500000\n")
        XCTAssertEqual(run("print(1 KB == 1024 B, 1 KB == 1024)"), "true false\n")
        XCTAssertEqual(run("print(216 MHz, 12 ms, 1536 B, 0.5 us)"), "216 MHz 12 ms 1.5 KB 0.5 us\n")
    }

    func testUnitArithmeticChecksDimensions() {
        XCTAssertEqual(run("print(64 KB * 2, 1 MB / 4, 64 KB / 1 KB)"), "128 KB 256 KB 64\n")
        XCTAssertTrue(run("x = 1 KB + 3").contains("cannot apply '+' to a byte count and a plain number"))
        XCTAssertTrue(run("x = 1 KB < 1 ms").contains("cannot apply '<' to a byte count and a time"))
    }

    func testRecordsKeepFieldOrderAndAssignmentCopies() {
        XCTAssertEqual(run("a = {z: 1, a: 2}\nb = a\nb.z = 9\nprint(a.z, b.z, keys(a))"), "1 9 [\"z\", \"a\"]\n")
        XCTAssertEqual(run("xs = [1, 2, 3]\nxs[-1] = 7\nprint(xs)"), "[1, 2, 7]\n")
    }

    func testFunctionsDefaultsNamedArgumentsAndClosures() {
        XCTAssertEqual(run("fn f(a, b = 10) = a + b\nprint(f(1), f(1, 2), f(b: 5, a: 1))"), "11 3 6\n")
        XCTAssertEqual(run("fn adder(n) = fn(x) = x + n\nadd2 = adder(2)\nprint(add2(40))"), "42\n")
        XCTAssertEqual(run("fn fact(n) { if n <= 1 { return 1 }\n return n * fact(n - 1) }\nprint(fact(10))"), "3628800\n")
        XCTAssertEqual(run("count = 0\nfn bump() { count += 1 }\nbump()\nbump()\nprint(count)"), "2\n")
    }

    func testLoopsOverListsRangesAndRecords() {
        XCTAssertEqual(run("t = 0\nfor i in 1..4 { t += i }\nprint(t)"), "10\n")
        XCTAssertEqual(run("for k in {a: 1, b: 2} { print(k) }"), "a\nb\n")
        XCTAssertEqual(run("for i in 3..1 { print(i) }\nprint(\"done\")"), "done\n")
    }

    func testIfElseChains() {
        XCTAssertEqual(run("fn s(x) { if x < 0 { return \"neg\" } else if x == 0 { return \"zero\" }\nelse { return \"pos\" } }\nprint(s(-1), s(0), s(2))"),
                       "neg zero pos\n")
    }

    func testSpaceDeclaration() {
        let out = run("""
        space cnn {
          width in [8, 16]
          depth in 1..4
          lr in 1e-3 ~ 1e-1 log
          prune in 0.0 ~ 0.8 per layer
          epochs = 3
        }
        print(len(cnn), cnn.depth.kind, cnn.lr.domain, cnn.prune.per_layer, cnn.epochs.domain)
        """)
        XCTAssertEqual(out, "5 integer 0.001 ~ 0.1 log true = 3\n")
    }

    func testObjectivesAndBudgets() {
        let out = run("""
        objectives { maximize accuracy; minimize ram }
        budget { ram <= 256 KB; latency < 50 ms }
        budget.ram = 64 KB
        budget.flash = 1 MB
        print(objectives.metrics, budget.ram, budget.flash, budget.latency)
        """)
        XCTAssertEqual(out, "[\"accuracy\", \"ram\"] 64 KB 1 MB 50 ms\n")
        XCTAssertTrue(run("budget { ram <= 1 KB }\nbudget.ram = 3").contains("ram is a byte count, but the limit is a plain number"))
        XCTAssertTrue(run("objectives { maximize acc }").contains("did you mean 'accuracy'?"))
    }

    func testBoardsModule() {
        XCTAssertEqual(run("use \"boards\"\nt = boards.nucleo_f746zg\nprint(t.ram, t.flash, t.clock, t.core)"),
                       "320 KB 1 MB 216 MHz Cortex-M7\n")
        XCTAssertEqual(run("use \"boards\"\nprint(len(boards.all), boards.rp2040.mcu)"), "6 RP2040\n")
    }

    func testShowRendersTables() {
        XCTAssertEqual(run("show {name: \"a\", ram: 2 KB}"), """
        field  value
        ─────  ─────
        name   a
        ram    2 KB

        """)
        XCTAssertEqual(run("show [{w: 8, p: 100}, {w: 16, p: 2 k}]"), """
         w     p
        ──  ────
         8   100
        16  2000

        """)
    }

    func testCheckReportsEveryErrorWithLocation() throws {
        let interpreter = Interpreter(modulePaths: [Repo.stdlib], output: { _ in })
        XCTAssertThrowsError(try interpreter.check(SourceFile(name: "m.nas", text: "a = (\nb = undefined_thing\nc = ]\n"))) { error in
            let list = error as! DiagnosticList
            XCTAssertEqual(list.diagnostics.count, 2)
            XCTAssertTrue(list.render().hasPrefix("m.nas:2:3: error: expected ')' to close the parenthesis"), list.render())
        }
        XCTAssertThrowsError(try interpreter.check(SourceFile(name: "m.nas", text: "x = 1\ny = xx + zz\n"))) { error in
            let list = error as! DiagnosticList
            XCTAssertEqual(list.diagnostics.map(\.message), ["unknown name 'xx'", "unknown name 'zz'"])
            XCTAssertEqual(list.diagnostics.first?.hint, "did you mean 'x'?")
        }
    }

    func testDiagnosticRendering() {
        let file = SourceFile(name: "f.nas", text: "ok = 1\ntarget = boards.nucleo_f764zg\n")
        let start = file.text.utf8.count - "nucleo_f764zg\n".utf8.count
        let d = Diagnostic("unknown board", at: SourceSpan(file: file, start: start, end: start + 13), hint: "did you mean 'x'?")
        XCTAssertEqual(d.render(), """
        f.nas:2:17: error: unknown board
        2 | target = boards.nucleo_f764zg
          |                 ^~~~~~~~~~~~~
          = hint: did you mean 'x'?

        """)
    }

    func testSuggestions() {
        XCTAssertEqual(Suggestions.closest(to: "nucleo_f764zg", in: ["nucleo_f746zg", "nucleo_h743zi"]), "nucleo_f746zg")
        XCTAssertEqual(Suggestions.closest(to: "lenn", in: ["len", "list"]), "len")
        XCTAssertNil(Suggestions.closest(to: "qqqq", in: ["len", "list"]))
    }

    func testLexerNumbersAndRanges() {
        let (tokens, diags) = Lexer.tokenize(SourceFile(name: "t", text: "1..4 1e-3 1_000 .5"))
        XCTAssertTrue(diags.isEmpty)
        let kinds = tokens.map(\.kind)
        XCTAssertEqual(kinds, [.number(1), .symbol(.dotdot), .number(4), .number(0.001), .number(1000), .number(0.5), .end])
    }

    func testNewlinesInsideBracketsAreLayout() {
        XCTAssertEqual(run("xs = [\n  1,\n  2,\n]\nr = {\n a: 1,\n b: 2 }\nprint(len(xs), r.b, max(\n 1,\n 5))"), "2 2 5\n")
    }
}
