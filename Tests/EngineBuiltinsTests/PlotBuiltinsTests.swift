import EngineBuiltins
import Foundation
import XCTest
@testable import NasLang

/// `plot` and `bars` driven from the language, as a user would.
final class PlotBuiltinsTests: XCTestCase {
    let trials = """
    budget { ram <= 64 KB; accuracy >= 0.6 }
    rs = [{ram: 40 KB, accuracy: 0.81}, {ram: 20 KB, accuracy: 0.7}, {ram: 90 KB, accuracy: 0.9},
          {ram: 30 KB, accuracy: 0.65}, {ram: 50 KB, accuracy: 0.5, status: "failed"},
          {ram: 10 KB, accuracy: 0.55}, {ram: 35 KB, accuracy: none}, {ram: 12 KB, accuracy: 0.9, feasible: false}]
    """

    func testScatterMarksTheFrontBudgetViolationsAndFailures() {
        let (out, error) = runWithEngine(trials + "\nplot(rs, budget: budget)")
        XCTAssertNil(error)
        // Front: 20 KB/0.7 and 40 KB/0.81; 90 KB is over the RAM limit, 10 KB under the accuracy
        // floor and 12 KB marked infeasible.
        for expected in ["● Pareto front (2)", "× over budget (3)", "! failed (1)", "⠂ trials (1)", "ram (KB)",
                         "┆ ram <= 64 KB", "┄ accuracy >= 0.6", "1 of 8 records have no ram or accuracy and are not shown"] {
            XCTAssertTrue(out.contains(expected), "missing \(expected) in\n\(out)")
        }
        XCTAssertEqual(out.filter { $0 == "●" }.count, 3, out)
        XCTAssertFalse(out.contains("\u{1B}"), "no colour when output is not a terminal")
    }

    func testColourOnATerminal() {
        var out = ""
        let interpreter = Interpreter(registry: .withEngine(), modulePaths: [], output: { out += $0 })
        interpreter.liveProgress = true
        XCTAssertNoThrow(try interpreter.run(SourceFile(name: "t.nas", text: trials + "\nplot(rs, budget: budget)")))
        XCTAssertTrue(out.contains("\u{1B}[92m●"), out)
    }

    func testStudyFrontIsTheStudysParetoFront() throws {
        let (out, error) = runWithEngine("""
        s = search(problem.zdt1(dims: 4), strategy: "sobol", trials: 30, seed: 1)
        plot(s)
        print("front", len(s.pareto))
        """)
        XCTAssertNil(error)
        let count = try XCTUnwrap(out.split(separator: "\n").last?.split(separator: " ").last)
        XCTAssertTrue(out.contains("Pareto front (\(count))"), out)
        XCTAssertTrue(out.contains("trials (\(30 - Int(count)!))"), out)
        XCTAssertTrue(out.contains("f1") && out.contains("f2"), out)
    }

    /// A real network search: the table's front is the study's, and the plot reads the
    /// trials' units and statuses.
    func testNetworkStudyPlotsAndTables() throws {
        let (out, error) = runWithEngine("""
        target = board(name: "test board", mcu: "none", core: "Cortex-M4", clock: 80 MHz, ram: 256 KB, flash: 1 MB)
        data = dataset.motion(count: 300, length: 32, seed: 2)
        space tiny {
          width in [4, 8]
          depth in 1..2
          lr = 0.1
          epochs = 2
          prune in 0.0 ~ 0.5 per layer
          bits in [4, 8] per layer
        }
        objectives { maximize accuracy; minimize ram; minimize flash }
        s = search(tiny, data, target, strategy: sobol, trials: 3, seed: 1)
        plot(s, x: flash, y: accuracy)
        table(s, front: true, sort: accuracy)
        print("front:", map(s.pareto, fn(t) = t.trial))
        """)
        XCTAssertNil(error, out)
        XCTAssertTrue(out.contains("flash (") && out.contains("Pareto front ("), out)
        let tableRows = out.split(separator: "\n").filter { $0.hasPrefix("●") }
        let marked = tableRows.compactMap { $0.split(separator: " ").dropFirst().first.map(String.init) }
        let front = try XCTUnwrap(out.split(separator: "\n").last { $0.hasPrefix("front:") })
        XCTAssertEqual("front: [" + marked.joined(separator: ", ") + "]", String(front), out)
    }

    func testWritesSVGWhereAsked() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nasbook-plot-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("front.svg").path
        let (out, error) = runWithEngine(trials + "\nplot(rs, budget: budget, title: \"RAM & accuracy\", to: \"\(path)\")\nbars({prune: [0.2, 0.5]}, to: \"\(dir.path)/bars.svg\")")
        XCTAssertNil(error)
        XCTAssertEqual(out, "wrote \(path)\nwrote \(dir.path)/bars.svg\n")
        let svg = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(svg.hasPrefix("<?xml"))
        for expected in ["RAM &amp; accuracy", "ram &lt;= 64 KB", "ram (KB)", "Pareto front (2)", "stroke-dasharray"] {
            XCTAssertTrue(svg.contains(expected), "missing \(expected)")
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.path + "/bars.svg"))
    }

    func testLinePlotsOfNumberListsAndRecordsOfLists() {
        let (out, error) = runWithEngine("""
        plot([0.1, 0.3, 0.35, 0.5], x: "trial", y: "hypervolume", height: 6, width: 30)
        plot({mobo: [0.1, 0.4, 0.6], sobol: [0.1, 0.2, 0.3]}, ascii: true, height: 6, width: 30)
        plot([1 KB, 2 KB, 4 KB], height: 6, width: 30)
        """)
        XCTAssertNil(error)
        for expected in ["hypervolume", "trial", "- mobo   . sobol", "index", "value (KB)"] {
            XCTAssertTrue(out.contains(expected), "missing \(expected) in\n\(out)")
        }
    }

    func testBarsPerLayer() {
        let (out, error) = runWithEngine("""
        bars({prune: [0.25, 0.5], bits: [8, 4]}, labels: ["conv1", "dense"], width: 8)
        bars([{layer: "conv1", ram: 12 KB}, {layer: "conv2", ram: 24 KB}], width: 8, ascii: true)
        """)
        XCTAssertNil(error)
        XCTAssertEqual(out, """
        layer  prune           bits
        ─────  ────────  ────  ────────  ─
        conv1  ██        0.25  ████████  8
        dense  ████       0.5  ████      4
        layer  ram
        ─────  ────────  ─────
        conv1  ####      12 KB
        conv2  ########  24 KB

        """)
    }

    func testTableMarksFrontViolationsAndFailuresBestFirst() {
        let (out, error) = runWithEngine(trials.replacingOccurrences(of: "{ram: 40 KB", with: "{trial: 1, ram: 40 KB")
                                         + "\ntable(rs, budget: budget, sort: \"accuracy\")\ntable(rs, budget: budget, front: true, sort: \"ram\")")
        XCTAssertNil(error)
        XCTAssertEqual(out, """
           trial    ram  accuracy  status  feasible  over budget
        ─  ─────  ─────  ────────  ──────  ────────  ─────────────────
        ✗         90 KB       0.9                    ram
        ✗         12 KB       0.9          false     marked infeasible
        ●      1  40 KB      0.81
        ●         20 KB       0.7
                  30 KB      0.65
        ✗         10 KB      0.55                    accuracy
        !         50 KB       0.5  failed            accuracy
                  35 KB      none
           trial    ram  accuracy  status  feasible
        ─  ─────  ─────  ────────  ──────  ────────
        ●         20 KB       0.7
        ●      1  40 KB      0.81

        """)
    }

    func testTableColumnIsNumericWhenItsFirstValueIsNone() {
        let (out, error) = runWithEngine("table([{ram: 1 KB, accuracy: none}, {ram: 2 KB, accuracy: 0.5}], sort: \"accuracy\")")
        XCTAssertNil(error)
        XCTAssertEqual(out, """
            ram  accuracy
        ─  ────  ────────
        ●  2 KB       0.5
           1 KB      none

        """)
    }

    func testTableOfAStudyShowsTheStudysFront() {
        let (out, error) = runWithEngine("""
        s = search(problem.zdt1(dims: 3), strategy: "sobol", trials: 20, seed: 1)
        table(s, front: true, sort: "f1")
        show s
        """)
        XCTAssertNil(error)
        let lines = out.split(separator: "\n").map(String.init)
        let marked = lines.filter { $0.hasPrefix("●") }.map { String($0.dropFirst(3)) }
        let shown = lines.drop { !$0.hasPrefix("─────") }.dropFirst().map { $0 }
        XCTAssertFalse(marked.isEmpty)
        XCTAssertEqual(marked, shown, out)
    }

    func testBadInputGetsClearErrors() {
        let cases: [(String, String)] = [
            ("plot(rs, x: \"rma\")", "the records have no field 'rma'"),
            ("plot([{ram: 40, accuracy: 0.8}], budget: budget)", "the budget limits ram to 64 KB, but record 1 has ram 40 (a plain number)"),
            ("plot(rs, to: \"front.png\")", "'to' must name an .svg file"),
            ("plot(\"ram\")", "'data' must be records, a list of numbers or a study, not string"),
            ("plot([1, \"a\"])", "item 2 is string, not a number"),
            ("plot([[1, 2], [3, 4]])", "hint: for several curves, pass a record of lists"),
            ("plot([1 KB, 2 ms])", "the numbers mix a byte count and a time"),
            ("plot(rs, log: \"z\")", "'log' must be one of \"x\", \"y\", \"xy\", \"yx\", not \"z\""),
            ("bars({a: [1, 2], b: [1]})", "the lists have different lengths (a: 2, b: 1)"),
            ("bars([1, 2], labels: [\"x\"])", "1 labels for 2 rows"),
            ("plot([])", "nothing to plot"),
            ("table(rs, sort: \"acc\")", "the records have no field 'acc'"),
            ("table([1, 2])", "'data' must be records or a study, not list"),
            ("table(rs, sort: \"status\")", "can sort only by a numeric field, and 'status' is not one"),
        ]
        for (program, message) in cases {
            let (_, error) = runWithEngine(trials + "\n" + program)
            XCTAssertTrue(error?.contains(message) == true, "\(program): expected '\(message)', got \(error ?? "no error")")
        }
    }
}
