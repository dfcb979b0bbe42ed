import Foundation
import XCTest

/// Files nasbook writes are replaced whole or not at all: a write that fails (a full disk,
/// simulated with `NASBOOK_FAULT_DISK_FULL=1`) keeps the previous file and fails the command.
final class AtomicWriteCLITests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("nasbook-atomic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func run(_ source: String, env: [String: String] = [:]) throws -> CLITests.Result {
        let script = directory.appendingPathComponent("export.nas")
        try source.write(to: script, atomically: true, encoding: .utf8)
        return try CLITests.nasbook(["run", script.path], env: env, directory: directory)
    }

    static func program(seed: Int) -> String {
        """
        r = train(cnn(width: 4, depth: 1), take(dataset.shapes(size: 8, seed: \(seed)), 64), epochs: 1, seed: \(seed))
        export r.model as tflite to "m"
        export r.model to "c"

        """
    }

    func contents(_ name: String) throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent(name))
    }

    func testAFailedExportKeepsThePreviousOne() throws {
        // A one-character path is a file like any other.
        let good = try run(Self.program(seed: 1))
        XCTAssertEqual(good.status, 0, good.err)
        let tflite = try contents("m")
        let sources = try ["model.h", "model.c", "nas_kernels.h", "nas_kernels.c"].map { try contents("c/" + $0) }

        let full = try run(Self.program(seed: 2), env: ["NASBOOK_FAULT_DISK_FULL": "1"])
        XCTAssertEqual(full.status, 1, full.out + full.err)
        XCTAssertTrue(full.err.contains("export: cannot write '"), full.err)
        XCTAssertTrue(full.err.contains("No space left on device (the previous file, if any, is kept)"), full.err)
        XCTAssertEqual(try contents("m"), tflite)
        XCTAssertEqual(try ["model.h", "model.c", "nas_kernels.h", "nas_kernels.c"].map { try contents("c/" + $0) }, sources)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path) + FileManager.default.contentsOfDirectory(atPath: directory.path + "/c")
        XCTAssertEqual(names.filter { $0.contains(".tmp-") }, [], "no temporary file is left")

        // Without the fault the new export replaces the old.
        let again = try run(Self.program(seed: 2))
        XCTAssertEqual(again.status, 0, again.err)
        XCTAssertNotEqual(try contents("m"), tflite)
    }

    func testAFolderIsNotATfliteFile() throws {
        let r = try run("""
        r = train(cnn(width: 4, depth: 1), take(dataset.shapes(size: 8), 64), epochs: 1, seed: 1)
        export r.model as tflite to "a/"

        """)
        XCTAssertEqual(r.status, 1, r.out + r.err)
        XCTAssertTrue(r.err.contains("export.nas:2:26: error: export: a .tflite export needs a file name, not the folder \"a/\""), r.err)
        for (statement, message) in [
            (#"export r.model as tflite to "x/.""#, #"a .tflite export needs a file name, not the folder "x/.""#),
            (#"export r.model to "m""#, #"C sources go into a folder, and "m" is a file"#),
        ] {
            try Data("tflite bytes".utf8).write(to: directory.appendingPathComponent("m"))
            let odd = try run("r = train(cnn(width: 4, depth: 1), take(dataset.shapes(size: 8), 64), epochs: 1, seed: 1)\n\(statement)\n")
            XCTAssertEqual(odd.status, 1, odd.out + odd.err)
            XCTAssertTrue(odd.err.contains(message), odd.err)
            XCTAssertEqual(try contents("m"), Data("tflite bytes".utf8), "left as it was")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("x").path))
    }

    func testAFailedSessionSaveKeepsTheOldSession() throws {
        let file = directory.appendingPathComponent("s.nasbook")
        let saved = try CLITests.nasbook(["--save", file.path], stdin: "1 + 1\n", directory: directory)
        XCTAssertEqual(saved.status, 0, saved.err)
        let before = try contents("s.nasbook")
        let r = try CLITests.nasbook([], stdin: "2 + 2\n:save s.nasbook\n", env: ["NASBOOK_FAULT_DISK_FULL": "1"], directory: directory)
        XCTAssertEqual(r.status, 1, r.out + r.err)
        XCTAssertTrue(r.err.contains("cannot save the session: cannot write '"), r.err)
        XCTAssertEqual(try contents("s.nasbook"), before)
    }
}
