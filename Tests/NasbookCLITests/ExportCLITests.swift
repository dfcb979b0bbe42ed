import Foundation
import XCTest

/// `export` from a program run by the binary: the files it lists (where they are: relative paths
/// resolve against the program's directory) exist with the sizes it prints,
/// and the C sources build with gcc as strictly as firmware builds are.
extension CLITests {
    func testExportStatementWritesAndListsFiles() throws {
        let program = """
        data = dataset.shapes(count: 200, size: 8, seed: 1)
        r = train(cnn(width: 4, depth: 2), data, epochs: 1, seed: 1)
        export r.model to "model"
        export r.model as tflite to "model.tflite"
        export(r.model, to: "again", data: data)

        """
        let path = try temp("export.nas", program)
        let directory = (path as NSString).deletingLastPathComponent
        defer { for name in ["model", "model.tflite", "again"] { try? FileManager.default.removeItem(atPath: directory + "/" + name) } }
        let r = try nasbook(["run", path])
        XCTAssertEqual(r.status, 0, r.err)

        func size(_ name: String) throws -> String {
            let bytes = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: directory + "/" + name)[.size] as? Int)
            return bytes < 1024 ? "\(bytes) B" : String(format: "%.1f KB", Double(bytes) / 1024)
        }
        let lines = r.out.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("epoch") }
        XCTAssertEqual(lines.count, 12, r.out)
        XCTAssertTrue(lines[0].hasPrefix("exported cnn(width: 4, depth: 2, kernel: 3, batchnorm: true, dropout: 0) as C99 to \(directory)/model, arena "), lines[0])
        XCTAssertTrue(lines[0].hasSuffix(" (the cost model's RAM):"), lines[0])
        for (line, name) in zip(lines[1...4], ["model.h", "model.c", "nas_kernels.h", "nas_kernels.c"]) {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            XCTAssertEqual(parts.first, directory + "/model/" + name, line)
            XCTAssertEqual(parts.dropFirst().joined(separator: " "), try size("model/" + name), line)
        }
        XCTAssertTrue(lines[5].hasPrefix("exported cnn(width: 4, depth: 2, kernel: 3, batchnorm: true, dropout: 0) as TensorFlow Lite, TFLite Micro arena head "), lines[5])
        XCTAssertTrue(lines[5].hasSuffix(" it adds its persistent records):"), lines[5])
        let tflite: [String] = lines[6].split(separator: " ").map(String.init)
        let expected: String = try size("model.tflite")
        XCTAssertEqual(tflite.joined(separator: " "), directory + "/model.tflite " + expected)
        // Calibrating on the same data as training kept gives the same network.
        for name in ["model.c", "model.h"] {
            XCTAssertEqual(try String(contentsOfFile: directory + "/model/" + name, encoding: .utf8),
                           try String(contentsOfFile: directory + "/again/" + name, encoding: .utf8))
        }
        let cc = Process()
        cc.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        cc.arguments = ["gcc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-c", "model.c", "nas_kernels.c"]
        cc.currentDirectoryURL = URL(fileURLWithPath: directory + "/model")
        try cc.run()
        cc.waitUntilExit()
        XCTAssertEqual(cc.terminationStatus, 0)
    }

    /// The issue's own line: a search's best trial exports with an arena of exactly its RAM.
    func testExportTheBestTrialOfASearch() throws {
        let path = try temp("best.nas", """
        use "boards"
        data = dataset.shapes(count: 120, size: 8, seed: 1)
        space tiny {
          width in [4, 8]
          depth in 1..2
          epochs = 1
        }
        s = search(tiny, data, boards.nucleo_f746zg, strategy: random, trials: 2, seed: 1)
        print(value_in(s.best(by: accuracy).ram, "B"))
        export s.best(by: accuracy) to "best"

        """)
        let directory = (path as NSString).deletingLastPathComponent + "/best"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let r = try nasbook(["run", path])
        XCTAssertEqual(r.status, 0, r.err)
        let lines = r.out.split(separator: "\n").map(String.init)
        let ram = try XCTUnwrap(lines.first { Int($0) != nil }, r.out)
        XCTAssertTrue(r.out.contains(" as C99 to \(directory), arena \(ram) B (the cost model's RAM):"), r.out)
        let header = try String(contentsOfFile: directory + "/model.h", encoding: .utf8)
        XCTAssertTrue(header.contains("#define MODEL_ARENA_SIZE \(ram) "), header)
    }

    /// In the REPL (piped), the listing is the cell's output. (The REPL runs in the folder it
    /// exports into: the trust boundary keeps it to its working directory's tree.)
    func testExportInTheReplListsFiles() throws {
        let parent = (try temp("marker", "") as NSString).deletingLastPathComponent
        let directory = parent + "/repl-export"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let r = try nasbook([], stdin: "r = train(cnn(width: 4, depth: 1), dataset.shapes(count: 100, size: 8, seed: 1), epochs: 1)\n"
                                + "export r.model to \"\(directory)\"\n", directory: URL(fileURLWithPath: parent))
        XCTAssertEqual(r.status, 0, r.err)
        for name in ["model.h", "model.c", "nas_kernels.h", "nas_kernels.c"] {
            XCTAssertTrue(r.out.contains("  \(directory)/\(name)  "), r.out)
            XCTAssertTrue(FileManager.default.fileExists(atPath: directory + "/" + name))
        }
    }

    func testExportingAnUntrainedModelIsAnError() throws {
        let path = try temp("untrained.nas", "export cnn() to \"nowhere\"\n")
        let r = try nasbook(["run", path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.contains("untrained.nas:1:8: error: export: 'model' must be a trained model or a trial, not model"), r.err)
        XCTAssertTrue(r.err.contains("hint: train first"), r.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: (path as NSString).deletingLastPathComponent + "/nowhere"))
    }
}
