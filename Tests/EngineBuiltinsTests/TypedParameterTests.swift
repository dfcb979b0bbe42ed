import EngineBuiltins
import Foundation
import XCTest
@testable import NasLang

/// The engine's builtins declare what each parameter takes; `check` and `:help` read the
/// declaration, so a wrong literal never reaches a training run.
final class TypedParameterTests: XCTestCase {
    func checkReport(_ text: String) -> String {
        let interpreter = Interpreter(registry: .withEngine(), modulePaths: [], output: { _ in })
        do {
            _ = try interpreter.check(SourceFile(name: "t.nas", text: text))
            return ""
        } catch let list as DiagnosticList {
            return list.render()
        } catch {
            return "unexpected: \(error)"
        }
    }

    func help(_ name: String) throws -> String {
        try XCTUnwrap(BuiltinRegistry.withEngine().lookup(name)).help
    }

    func testHelpShowsTheSearchAndTrainTypes() throws {
        let search = try help("search")
        XCTAssertTrue(search.contains("  trials: integer 1...100000 = 20\n"), search)
        XCTAssertTrue(search.contains("  strategy: one of random, sobol, nsga2, parego, mobo, nehvi, turbo, morbo, ars_mobo, ars_layers = \"ars_mobo\"\n"), search)
        XCTAssertTrue(search.contains("  data: dataset = none\n"), search)
        XCTAssertTrue(search.contains("  space: space or problem\n"), search)
        let train = try help("train")
        XCTAssertTrue(train.contains("  epochs: integer 1...10000 = 3\n"), train)
        XCTAssertTrue(train.contains("  validation: number [0, 1) or dataset = 0.2\n"), train)
        XCTAssertTrue(train.contains("  optimizer: one of sgd, nesterov, adam, adamw = \"nesterov\"\n"), train)
        let cost = try help("cost")
        XCTAssertTrue(cost.contains("  target: board\n"), cost)
        XCTAssertTrue(cost.contains("  bits: integer 2...8 (or a list, one per weighted layer) = none\n"), cost)
        XCTAssertTrue(try help("cnn").contains("  kernel: odd integer 1...1024 = 3\n"))
    }

    /// The engine's parameters refuse wrong literals at `check`, one kind each, with hints.
    func testCheckRefusesWrongLiteralsToEngineBuiltins() {
        let report = checkReport("""
        space sp { width in [4, 8] }
        s = search(sp, trials: 0, strategy: "turob", validation: 1)
        b = board(name: "b", mcu: "m", core: "c", clock: 80, ram: 256 KB, flash: 1 MB)
        e = export(1, to: "out", format: "onnx")
        c = cost(cnn(), 3, bits: [8, 1])
        d = dataset.shapes(size: 4, seed: -1)
        p = plot([1, 2], log: "z", width: 0)
        """)
        for expected in [
            "t.nas:2:24: error: search(): 'trials' must be a whole number from 1 to 100000, not 0",
            "t.nas:2:37: error: search(): 'strategy' must be one of \"random\",", "did you mean 'turbo'?",
            "search(): 'validation' must be a number in (0, 1), not 1",
            "t.nas:3:50: error: board(): 'clock' must be a frequency", "write it with a unit, e.g. 80 MHz",
            "t.nas:4:12: error: export(): 'model' must be a trained model or a trial, not 1",
            "export(): 'format' must be one of \"c\", \"tflite\", not \"onnx\"",
            "cost(): 'target' must be a board, not number", "cost(): 'bits' must be a whole number from 2 to 8, not 1",
            "dataset.shapes(): 'size' must be a whole number from 8 to 512, not 4",
            "dataset.shapes(): 'seed' must be a whole number from 0 to 9007199254740991, not -1",
            "plot(): 'log' must be one of \"x\", \"y\", \"xy\", \"yx\", not \"z\"",
            "plot(): 'width' must be a whole number from 1 to 400, not 0",
        ] {
            XCTAssertTrue(report.contains(expected), "missing \(expected) in:\n\(report)")
        }
    }

    /// Bare strategy and metric names are literals too: `strategy: ars_mobo` passes, and a
    /// program that rebinds such a name is left to the run.
    func testBareNamesAreCheckedAsTheStringsTheyHold() {
        XCTAssertEqual(checkReport("space sp { width in [4, 8] }\ns = search(sp, strategy: ars_mobo, trials: 2)"), "")
        XCTAssertTrue(checkReport("space sp { width in [4, 8] }\ns = search(sp, strategy: accuracy)")
            .contains("'strategy' must be one of"))
    }
}
