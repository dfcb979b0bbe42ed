import EngineBuiltins
import Foundation
import XCTest
@testable import NasLang

/// Runs a program with the engine's builtins; returns what it printed and its errors.
/// `configure` may adjust the interpreter first; it gets a reader of the output so far.
func runWithEngine(_ text: String, configure: (Interpreter, _ output: @escaping () -> String) -> Void = { _, _ in })
    -> (out: String, error: String?) {
    var out = ""
    let interpreter = Interpreter(registry: .withEngine(), modulePaths: [], output: { out += $0 })
    interpreter.echoResults = true
    configure(interpreter) { out }
    do {
        try LargeStack.run { try interpreter.run(SourceFile(name: "t.nas", text: text)) }
        return (out, nil)
    } catch let list as DiagnosticList {
        return (out, list.render())
    } catch let d as Diagnostic {
        return (out, d.render())
    } catch {
        return (out, "\(error)")
    }
}

/// The engine driven from the language, as a user would.
final class EngineBuiltinsTests: XCTestCase {
    func run(_ text: String) -> (out: String, error: String?) { runWithEngine(text) }

    func accuracy(_ program: String, file: StaticString = #filePath, line: UInt = #line) throws -> Double {
        let (out, error) = run(program)
        XCTAssertNil(error, file: file, line: line)
        return try XCTUnwrap(Double(out.split(separator: "\n").last.map(String.init) ?? ""), out, file: file, line: line)
    }

    /// Held-out accuracy well above chance (1/10 and 1/6) proves the whole path learns.
    func testSmallCNNLearnsSyntheticImages() throws {
        let accuracy = try accuracy("""
        data = dataset.shapes(count: 2000, size: 16, seed: 3)
        r = train(cnn(width: 16, depth: 3), data, epochs: 12, lr: 0.1, seed: 1)
        print(r.accuracy)
        """)
        XCTAssertGreaterThan(accuracy, 0.75)
    }

    func testSmallCNNLearnsSyntheticMotion() throws {
        let accuracy = try accuracy("""
        data = dataset.motion(count: 600, length: 64, seed: 3)
        r = train(cnn1d(width: 16, depth: 2), data, epochs: 8, seed: 1)
        print(r.accuracy)
        """)
        XCTAssertGreaterThan(accuracy, 0.85)
    }

    func testSameSeedSameResult() {
        let program = """
        data = dataset.motion(count: 300, seed: 2)
        r = train(cnn1d(width: 4, depth: 2), data, epochs: 2, seed: 9)
        print(r.loss, r.accuracy)
        """
        let a = run(program), b = run(program)
        XCTAssertNil(a.error)
        XCTAssertEqual(a.out, b.out)
    }

    func testDivergenceIsRecordedNotFatal() {
        let (out, error) = run("""
        data = dataset.shapes(count: 200, size: 16, seed: 1)
        r = train(cnn(width: 8, depth: 2, batchnorm: false), data, epochs: 3, lr: 1e6, normalize: false)
        print(r.failed)
        """)
        XCTAssertNil(error)
        XCTAssertTrue(out.contains("training stopped:"), out)
        XCTAssertTrue(out.contains("NaN") || out.contains("diverged"), out)
    }

    func testSummaryPrintsLayerTable() {
        let (out, error) = run("summary(resnet())")
        XCTAssertNil(error)
        XCTAssertTrue(out.contains("Residual"), out)
        XCTAssertTrue(out.contains("78186 parameters"), out)
    }

    func testErrorsPointAtArguments() {
        let (_, e1) = run("train(cnn(), 3)")
        XCTAssertTrue(e1?.contains("'data' must be a dataset") == true, e1 ?? "")
        let (_, e2) = run("cnn(kernel: 4)")
        XCTAssertTrue(e2?.contains("'kernel' must be an odd whole number from 1 to 1024, not 4") == true, e2 ?? "")
        let (_, e3) = run("dataset.idx(\"missing-images\", \"missing-labels\")")
        XCTAssertTrue(e3?.contains("missing-images") == true, e3 ?? "")
        let (_, e4) = run("summary(resnet(), dataset.motion(count: 20))")
        XCTAssertTrue(e4?.contains("resnet needs image input") == true, e4 ?? "")
    }
}

final class CostBuiltinsTests: XCTestCase {
    func run(_ text: String) -> (out: String, error: String?) { runWithEngine(text) }

    func testCostAndFitsFromTheLanguage() {
        let (out, error) = run("""
        pico = board(name: "Pico", mcu: "RP2040", core: "Cortex-M0+", clock: 133 MHz, ram: 264 KB, flash: 2 MB)
        c = cost(cnn(width: 8, depth: 2), pico, data: dataset.motion(count: 10, length: 64))
        print(c.params, c.ram > 0 KB, c.flash > 0 KB, c.latency > 0 ms)
        budget { ram <= 1 KB }
        f = fits(cnn(width: 8, depth: 2), pico, budget)
        print(f.fits, len(f.violations))
        """)
        XCTAssertNil(error)
        XCTAssertTrue(out.contains("true true true"), out)
        XCTAssertTrue(out.hasSuffix("false 1\n"), out)
    }

    func testCostErrors() {
        XCTAssertTrue(run("cost(resnet(), 3)").error?.contains("'target' must be a board") == true)
        let pico = "board(name: \"P\", mcu: \"m\", core: \"Cortex-M0+\", clock: 1 MHz, ram: 1 KB, flash: 1 KB)"
        XCTAssertTrue(run("cost(resnet(), \(pico), bits: 9)").error?.contains("cost(): 'bits' must be a whole number from 2 to 8, not 9") == true)
        XCTAssertTrue(run("cost(resnet(), \(pico), bits: [8, 8])").error?.contains("weighted layers") == true)
    }
}

final class CompressBuiltinsTests: XCTestCase {
    func testCompressKeepsTheOriginalAndShrinksFlash() {
        let (out, error) = runWithEngine("""
        pico = board(name: "Pico", mcu: "RP2040", core: "Cortex-M0+", clock: 133 MHz, ram: 264 KB, flash: 2 MB)
        data = dataset.motion(count: 300, length: 48, seed: 3)
        r = train(cnn1d(width: 8, depth: 2), data, epochs: 3, seed: 1)
        z = compress(r.model, data, prune: 0.5, bits: 4, epochs: 1)
        print(z.sparsity > 0.45, z.bits)
        print(cost(z.model, pico).flash < cost(r.model, pico).flash)
        print(z.accuracy_before == compress(r.model, data, epochs: 1).accuracy_before)
        s = compress(r.model, data, channels: 0.5, epochs: 1)
        print(s.params < r.params, s.macs < r.macs)
        """)
        XCTAssertNil(error)
        let lines = out.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("epoch") }
        XCTAssertEqual(lines, ["true [4, 4, 4]", "true", "true", "true true"], out)
    }

    /// Unstructured pruning alone (8-bit weights) buys flash and MACs: `cost` counts the bitmap
    /// storage the C export writes, shows which layers are sparse, and the export says so.
    func testPrunedLayersAreStoredSparseAndCostLess() throws {
        let folder = NSTemporaryDirectory() + "nasbook-sparse-\(ProcessInfo.processInfo.processIdentifier)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (out, error) = runWithEngine("""
        pico = board(name: "Pico", mcu: "RP2040", core: "Cortex-M0+", clock: 133 MHz, ram: 264 KB, flash: 2 MB)
        data = dataset.motion(count: 200, length: 48, seed: 3)
        r = train(cnn1d(width: 8, depth: 2), data, epochs: 1, seed: 1)
        z = compress(r.model, data, prune: 0.6, epochs: 1)
        dense = cost(r.model, pico)
        sparse = cost(z.model, pico)
        print("smaller", sparse.flash < dense.flash, sparse.macs < dense.macs, sparse.ram == dense.ram, sparse.params == dense.params)
        show sparse
        export z.model to "\(folder)"
        """)
        XCTAssertNil(error, out)
        XCTAssertTrue(out.contains("smaller true true true true"), out)
        XCTAssertTrue(out.contains("sparse 60% zero"), out)
        XCTAssertTrue(out.contains("flash B  weights"), out)
        XCTAssertTrue(out.contains("less flash,"), out)
        XCTAssertTrue(out.contains("sparse weights (a bitmap of the non-zeros, then their values) in "), out)
        let source = try String(contentsOfFile: folder + "/model.c", encoding: .utf8)
        XCTAssertTrue(source.contains("_sparse("), source.prefix(400).description)
    }

    func testCompressErrors() {
        XCTAssertTrue(runWithEngine("compress(cnn(), dataset.shapes(count: 10))").error?.contains("must be a trained model") == true)
    }
}

final class QuantizeBuiltinsTests: XCTestCase {
    func testInt8AccuracyFromTheLanguage() throws {
        let (out, error) = runWithEngine("""
        data = dataset.motion(count: 300, length: 48, seed: 3)
        r = train(cnn1d(width: 8, depth: 2), data, epochs: 4, seed: 1)
        q = quantize(r.model, data, calibration: 50)
        print(q.accuracy_float == r.accuracy, abs(q.accuracy_int8 - q.accuracy_float) <= 0.1)
        """)
        XCTAssertNil(error)
        XCTAssertTrue(out.hasSuffix("true true\n"), out)
    }
}

final class OptimizeBuiltinsTests: XCTestCase {
    func testParetoAndHypervolume() {
        let (out, error) = runWithEngine("""
        points = [[1, 3], [2, 2], [3, 1], [3, 3]]
        print(pareto(points), hypervolume(points, [4, 4]))
        """)
        XCTAssertNil(error)
        XCTAssertEqual(out, "[0, 1, 2] 6\n")
        XCTAssertTrue(runWithEngine("hypervolume([[1, 2]], [3])").error?.contains("needs 1 objectives") == true)
    }

    func testHypervolumeImprovement() {
        let (out, error) = runWithEngine("""
        front = [[1, 3], [2, 2], [3, 1]]
        print(hypervolume_improvement([1.5, 1.5], front, [4, 4]), hypervolume(front + [[1.5, 1.5]], [4, 4]) - hypervolume(front, [4, 4]))
        print(hypervolume_improvement([2, 2], front, [4, 4]), hypervolume_improvement([5, 0], front, [4, 4]))
        print(hypervolume_improvement([0.5, 0.5, 0.5, 0.5], [], [1, 1, 1, 1]), hypervolume_improvement([0.5, 0.5, 0.5, 0.5], [[0.5, 0.5, 0.5, 0.75]], [1, 1, 1, 1]))
        """)
        XCTAssertNil(error)
        XCTAssertEqual(out, "1.25 1.25\n0 0\n0.0625 0.03125\n")
        XCTAssertEqual(runWithEngine("print(hypervolume([[]], []), hypervolume_improvement([], [[]], []))").out, "0 0\n")
        XCTAssertTrue(runWithEngine("hypervolume_improvement([1], [[1, 2]], [3, 3])").error?.contains("the point needs 2 objectives") == true)
        XCTAssertTrue(runWithEngine("hypervolume_improvement([1, 1], [[1]], [3, 3])").error?.contains("every point needs 2 objectives") == true)
    }

    func testCompressionProblemSearch() {
        let (out, error) = runWithEngine("""
        p = problem.compression(layers: 4, seed: 2)
        print(p.dims, p.objectives, p.reference)
        s = search(p, strategy: "ars_mobo", trials: 14, seed: 1)
        print(len(s.trials), s.hypervolume > 0)
        """)
        XCTAssertNil(error)
        XCTAssertEqual(out, "10 3 [0.6, 1, 1]\n14 true\n")
        XCTAssertTrue(runWithEngine("problem.compression(layers: 1)").error?.contains("'layers' must be a whole number from 2 to 100, not 1") == true)
    }

    /// The paper's baselines and its method run on test problems by name, as bare words.
    func testPaperStrategiesFromTheLanguage() {
        let (out, error) = runWithEngine("""
        a = search(problem.branin_currin(), strategy: turbo, trials: 12, seed: 1)
        b = search(problem.branin_currin(), strategy: morbo, trials: 12, seed: 1)
        c = search(problem.compression(layers: 3), strategy: ars_mobo, trials: 12, seed: 1)
        print(a.strategy, b.strategy, c.strategy, len(a.trials), a.hypervolume > 0, b.hypervolume > 0, c.hypervolume > 0)
        """)
        XCTAssertNil(error)
        XCTAssertEqual(out, "turbo morbo ars_mobo 12 true true true\n")
        XCTAssertTrue(runWithEngine("search(problem.zdt1(), strategy: \"turbo1\")").error?.contains("did you mean 'turbo'") == true)
    }
}
