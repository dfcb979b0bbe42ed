import Foundation
import XCTest
@testable import NasLang

/// The hostile-user reproducers against the engine's builtins: every one must end in a
/// diagnostic at the call's span (file:line:col, caret, a hint naming the limit), never a trap.
final class EngineRobustnessTests: XCTestCase {
    func error(_ program: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        let (out, error) = runWithEngine(program)
        XCTAssertNotNil(error, "expected an error, got:\n\(out)", file: file, line: line)
        return error ?? ""
    }

    func assertError(_ program: String, _ expected: [String], file: StaticString = #filePath, line: UInt = #line) {
        let e = error(program, file: file, line: line)
        for text in expected { XCTAssertTrue(e.contains(text), "missing \"\(text)\" in:\n\(e)", file: file, line: line) }
        XCTAssertTrue(e.contains("t.nas:"), e, file: file, line: line)
    }

    // MARK: - Empty splits

    func testASearchWhoseTrainingSplitIsEmptyIsAnError() {
        assertError("""
        use "boards"
        space sp { width in [2, 4]; epochs = 1 }
        s = search(sp, dataset.shapes(count: 100, size: 8), board(name: "b", mcu: "m", core: "Cortex-M4", clock: 80 MHz, ram: 256 KB, flash: 1 MB), trials: 1, validation: 0.999)
        """.replacingOccurrences(of: "use \"boards\"\n", with: ""),
                    ["t.nas:2:", "error: search: holding out 99.9% of 100 samples", "leaves 0 to train on", "lower validation:"])
    }

    func testTakingFewerSamplesThanHalfAClassEachIsAnError() {
        assertError("d = take(dataset.shapes(count: 100, size: 8), 3)\n",
                    ["t.nas:1:47: error: take: 3 of 100 samples", "take at least 10 samples"])
    }

    func testASearchOnATinyTakeIsAnError() {
        assertError("""
        space sp { width in [2, 4]; epochs = 1 }
        d = take(dataset.shapes(count: 100, size: 8), 12)
        s = search(sp, d, board(name: "b", mcu: "m", core: "Cortex-M4", clock: 80 MHz, ram: 256 KB, flash: 1 MB), trials: 1)
        """, ["error: search: holding out 20% of", "each part needs at least one"])
    }

    // MARK: - Diverged training

    /// Training with lr: 1e30 diverges; quantizing or exporting what is left must give a result
    /// or a diagnostic, not trap on a conversion.
    func testQuantizeAndExportOfADivergedModelDoNotTrap() throws {
        let prefix = """
        d = dataset.shapes(count: 60, size: 8)
        r = train(cnn(width: 2, depth: 1), d, epochs: 1, lr: 1e30, batch: 8)
        print(r.failed != none)
        """
        let (out, noError) = runWithEngine(prefix)
        XCTAssertNil(noError)
        XCTAssertTrue(out.contains("true"), out)
        let (_, quantized) = runWithEngine(prefix + "\nq = quantize(r.model, d)\nprint(q.accuracy_int8 >= 0)\n")
        if let quantized { XCTAssertTrue(quantized.contains("t.nas:4:") && quantized.contains("quantize:"), quantized) }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nasbook-diverged-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for format in ["", " as tflite"] {
            let (_, exported) = runWithEngine(prefix + "\nexport r.model\(format) to \"\(dir)/m\(format.isEmpty ? "" : ".tflite")\"\n")
            if let exported { XCTAssertTrue(exported.contains("t.nas:4:") && exported.contains("export:"), exported) }
        }
    }

    // MARK: - Numbers that would trap as Int

    func testHugeAndInfiniteSettingsAreErrorsNotTraps() {
        let inf = "(1e308 * 10)"
        // Through variables, so the run-time checks are tested (check refuses these as literals).
        assertError("w = 1e19\ncnn(width: w)", ["t.nas:2:5: error: cnn: 'width' must be a whole number from 1 to 1024, not 1e+19"])
        assertError("cnn(depth: \(inf))", ["'depth' must be a whole number from 1 to 8, not inf"])
        assertError("cnn(kernel: 9.3e18)", ["'kernel' must be an odd whole number from 1 to 1024"])
        assertError("mobilenet(width: 100)", ["'width' must be a number above 0, at most 4, not 100"])
        assertError("mlp(units: -1)", ["'units' must be a whole number from 1 to 1024, not -1"])
        let trained = "d = dataset.shapes(count: 40, size: 8)\nr = train(cnn(width: 2, depth: 1), d, epochs: 1)\n"
        assertError(trained + "b = 1e19\ncompress(r.model, d, bits: b)", ["t.nas:4:22: error: compress: 'bits' must be a whole number from 2 to 8, not 1e+19"])
        assertError(trained + "compress(r.model, d, prune: \(inf))", ["'prune' must be a number in [0, 1), not inf"])
        assertError(trained + "compress(r.model, d, epochs: 1e19)", ["'epochs' must be a whole number from 1 to 10000"])
        assertError("train(cnn(), dataset.shapes(count: 10, size: 8), epochs: \(inf))", ["'epochs' must be a whole number"])
        assertError("train(cnn(), dataset.shapes(count: 10, size: 8), optimizer: \"ad\" + \"ma\")",
                    ["'optimizer' must be one of \"sgd\", \"nesterov\", \"adam\", \"adamw\", not \"adma\"", "did you mean 'adam'?"])
        assertError("b = board(name: \"b\", mcu: \"m\", core: \"c\", clock: 1 MHz, ram: 1e30 B, flash: 1 MB)",
                    ["board(): 'ram' must be a byte count in (0, 1e+18), not "])
    }

    func testSpaceValuesOutsideTheirKnobsDomainsFailBeforeAnyTrial() {
        let board = "board(name: \"b\", mcu: \"m\", core: \"Cortex-M4\", clock: 80 MHz, ram: 256 KB, flash: 1 MB)"
        let data = "dataset.shapes(count: 60, size: 8)"
        let cases: [(String, String)] = [
            ("width in [2, 4]; lr = 1e19; epochs = 1", "ok"),  // a huge lr is legal: the trials diverge and are recorded as failed
            ("width in [2, 1e19]", "'width' must be a whole number from 1 to 1024, not 1e+19"),
            ("width in [2, 4]; kernel in [3, 1e19]", "'kernel' must be an odd whole number from 1 to 1024"),
            ("width in [2, 4]; depth = 1e19", "'depth' must be a whole number from 1 to 8"),
            ("width in [2, 4]; dropout in [0, 2]", "'dropout' must be a number in [0, 1), not 2"),
            ("width in [2, 8]; family in [\"cnn\", \"mobilenet\"]", "'width' must be a number above 0, at most 4, not 8"),
        ]
        for (entries, expected) in cases {
            let (out, e) = runWithEngine("space sp { \(entries) }\ns = search(sp, \(data), \(board), trials: 2, seed: 1)\nprint(len(s.trials))\n")
            if expected == "ok" {
                XCTAssertNil(e, entries)
                XCTAssertTrue(out.hasSuffix("2\n"), out)
            } else {
                XCTAssertTrue(e?.contains(expected) == true && e?.contains("t.nas:1:") == true, "\(entries):\n\(e ?? out)")
            }
        }
    }

    // MARK: - Sizes estimated before allocating

    func testTrainingThatWouldNeedTooMuchMemoryIsRefusedUpFront() {
        assertError("train(cnn(width: 16), dataset.shapes(count: 4, size: 512), batch: 64)",
                    ["t.nas:1:60: error: train: training cnn on 512x512x3 inputs at batch 64 would need about",
                     "more than the 4 GB nasbook allows (set NASBOOK_MAX_MEMORY_GB to change it)"])
    }

    func testAHugeClassIndexInANpyLabelFileIsAnError() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nasbook-npy-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func npy(_ descr: String, _ shape: String, _ payload: Data) -> Data {
            var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shape), }"
            while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
            header += "\n"
            var data = Data([0x93]) + Data("NUMPY".utf8) + Data([1, 0])
            data.append(contentsOf: [UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)])
            data.append(Data(header.utf8))
            data.append(payload)
            return data
        }
        let floats = [Float](repeating: 0.5, count: 8)
        try npy("<f4", "(2, 4)", floats.withUnsafeBytes { Data($0) }).write(to: dir.appendingPathComponent("x.npy"))
        let labels: [Int32] = [0, 2_147_483_647]
        try npy("<i4", "(2,)", labels.withUnsafeBytes { Data($0) }).write(to: dir.appendingPathComponent("y.npy"))
        assertError("d = dataset.npy(\"\(dir.path)/x.npy\", \"\(dir.path)/y.npy\")",
                    ["the largest label is 2147483647, but nasbook supports at most 100000 classes"])
    }

    // MARK: - The MLP family

    /// Feature vectors (CSV rows) train with `mlp`, compress, cost, quantize and search.
    func testAnMLPTrainsCompressesQuantizesAndSearchesOnCSVFeatures() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nasbook-mlp-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // Two well-separated classes in 6 features, deterministic.
        var rows = ["f1,f2,f3,f4,f5,f6,label"]
        for i in 0..<300 {
            let label = i % 3
            let values = (0..<6).map { (j: Int) -> Double in
                let direction: Double = j % 2 == 0 ? 1.5 : -1
                let jitter = Double((i * 7 + j * 13) % 11) / 11 - 0.5
                return Double(label) * direction + jitter
            }
            rows.append(values.map { String(format: "%.4f", $0) }.joined(separator: ",") + ",c\(label)")
        }
        try rows.joined(separator: "\n").write(to: dir.appendingPathComponent("f.csv"), atomically: true, encoding: .utf8)
        let (out, e) = runWithEngine("""
        d = dataset.csv("\(dir.path)/f.csv")
        r = train(mlp(units: 16, layers: 2), d, epochs: 15, lr: 0.05, seed: 1)
        print("float", r.accuracy > 0.9)
        z = compress(r.model, d, prune: 0.3, bits: 4, epochs: 2)
        print("compressed", z.accuracy > 0.8)
        q = quantize(z.model, d)
        print("int8", q.accuracy_int8 > 0.8)
        c = cost(z.model, board(name: "b", mcu: "m", core: "Cortex-M4", clock: 80 MHz, ram: 256 KB, flash: 1 MB))
        print("flash", c.flash > 0 B, c.macs)
        space sp { units in [8, 16]; layers in 1..2; epochs = 3; bits in [4, 8] per layer }
        s = search(sp, d, board(name: "b", mcu: "m", core: "Cortex-M4", clock: 80 MHz, ram: 256 KB, flash: 1 MB), trials: 3, seed: 2)
        print("family", s.best(by: accuracy).model.spec.family, len(s.trials))
        export z.model to "\(dir.path)/c"
        export z.model as tflite to "\(dir.path)/m.tflite"
        """)
        XCTAssertNil(e, out)
        for line in ["float true", "compressed true", "int8 true", "family mlp 3"] { XCTAssertTrue(out.contains(line), out) }
        for file in ["c/model.c", "c/model.h", "m.tflite"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent(file).path), file)
        }
        // 6 -> 16 -> 16 -> 3 dense: 96 + 256 + 48 weights, 30% of each pruned (29 + 77 + 14) and
        // stored as a bitmap (4-bit weights: 30% zeros pay), so 67 + 179 + 34 MACs execute.
        XCTAssertTrue(out.contains("flash true 280"), out)
    }
}
