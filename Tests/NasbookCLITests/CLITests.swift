import Foundation
import XCTest

/// Runs the built `nasbook` binary as a user would, checking output and exit codes.
final class CLITests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static var binary: URL {
        // The test bundle sits next to the products in .build/<config>/ (on Linux its URL is that folder).
        let bundle = Bundle(for: CLITests.self).bundleURL
        let beside = bundle.appendingPathComponent("nasbook")
        return FileManager.default.isExecutableFile(atPath: beside.path)
            ? beside : bundle.deletingLastPathComponent().appendingPathComponent("nasbook")
    }

    struct Result {
        var status: Int32
        var out: String
        var err: String
    }

    func nasbook(_ arguments: [String], stdin: String? = nil, env: [String: String] = [:], directory: URL = CLITests.root) throws -> Result {
        try Self.nasbook(arguments, stdin: stdin, env: env, directory: directory)
    }

    static func nasbook(_ arguments: [String], stdin: String? = nil, env: [String: String] = [:], directory: URL = CLITests.root) throws -> Result {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment.merge(env) { $1 }
        process.environment = environment
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, out: String(decoding: outData, as: UTF8.self),
                      err: String(decoding: errData, as: UTF8.self))
    }

    func temp(_ name: String, _ text: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nasbook-cli-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// A script that names its database (`search(..., storage: "named.db")`) resumes with
    /// `--resume` alone: no --db, and no default `kws.db` needed; a storage file that does
    /// not exist is "nothing to resume" at the argument.
    func testResumeFindsTheDatabaseTheScriptNames() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nasbook-named-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let text = WorkerCLITests.script(workers: 1, trials: 2)
            .replacingOccurrences(of: "batch: 3, lease: 3", with: #"storage: "named.db""#)
        let script = folder.appendingPathComponent("kws.nas")
        try text.write(to: script, atomically: true, encoding: .utf8)
        let first = try nasbook(["run", script.path])
        XCTAssertEqual(first.status, 0, first.err)
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("named.db").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("kws.db").path), "the script's default database is not used")
        let resumed = try nasbook(["run", script.path, "--resume"])
        XCTAssertEqual(resumed.status, 0, resumed.err)
        XCTAssertTrue(resumed.out.contains("resumed: 2 finished trials"), resumed.out)

        try text.replacingOccurrences(of: "named.db", with: "other.db").write(to: script, atomically: true, encoding: .utf8)
        let missing = try nasbook(["run", script.path, "--resume"])
        XCTAssertEqual(missing.status, 1, missing.err)
        XCTAssertTrue(missing.err.contains("kws.nas:11:"), missing.err)
        XCTAssertTrue(missing.err.contains("nothing to resume: '\(folder.appendingPathComponent("other.db").path)' does not exist"), missing.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("other.db").path), "nothing created")
    }

    func testRunExample() throws {
        let r = try nasbook(["run", "examples/targets.nas"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.contains("NUCLEO-F746ZG") || r.out.contains("STM32F746ZG"), r.out)
    }

    func testRunReportsErrorsAndFails() throws {
        let path = try temp("bad.nas", "x = 1\ny = x +\nz = nope\n")
        let r = try nasbook(["run", path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.contains("bad.nas:2:"), r.err)
        XCTAssertTrue(r.err.contains("^"), r.err)
        XCTAssertEqual(r.out, "", "nothing runs when the program has errors")
    }

    func testCheckReportsEveryError() throws {
        let bad = try temp("several.nas", "a = nope1\nb = nope2\nc = (1 +\n")
        let r = try nasbook(["check", "examples/quickstart.nas", bad])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.out.contains("examples/quickstart.nas: ok"), r.out)
        XCTAssertTrue(r.err.contains("several.nas:1:5"), r.err)
        XCTAssertTrue(r.err.contains("several.nas:2:5"), r.err)
        XCTAssertTrue(r.err.contains("3 errors"), r.err)
    }

    func testMissingFile() throws {
        let r = try nasbook(["run", "does/not/exist.nas"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.contains("cannot read 'does/not/exist.nas'"), r.err)
    }

    func testResumeNeedsAStudyDatabase() throws {
        let path = try temp("never-run.nas", "x = 1\n")
        let r = try nasbook(["run", "--resume", path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.contains("nothing to resume: '\(path.dropLast(4)).db' does not exist"), r.err)
        let named = try nasbook(["run", "--resume", "--db", path + ".missing.db", path])
        XCTAssertEqual(named.status, 1)
        XCTAssertTrue(named.err.contains("'\(path).missing.db' does not exist"), named.err)
        let plain = try nasbook(["run", "--db", path + ".unused.db", path])
        XCTAssertEqual(plain.status, 0, plain.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path + ".unused.db"), "a program without a search writes no database")
    }

    func testPipedScriptPrintsOnlyResults() throws {
        let r = try nasbook([], stdin: "x = 20\nfn f(a) {\n  return a + 1\n}\nf(x) * 2\n")
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.out, "42\n")
    }

    func testPipedScriptWithErrorExitsNonZero() throws {
        let r = try nasbook([], stdin: "1 + 1\nbogus\n")
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.out, "2\n")
        XCTAssertTrue(r.err.contains("<stdin>:2:1: error"), r.err)
    }
}
