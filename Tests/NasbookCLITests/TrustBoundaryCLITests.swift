import Foundation
import XCTest

/// The trust boundary as a user meets it: a script reaches its own folder tree, and an access
/// outside fails with an error naming the flag that allows it, never showing the file.
final class TrustBoundaryCLITests: XCTestCase {
    /// `root/project/` holds the scripts; `root/outside/secret.csv` is what they must not read.
    var root: URL!
    var project: URL { root.appendingPathComponent("project") }
    var outside: URL { root.appendingPathComponent("outside") }
    static let secret = "x,y,label\n1,2,TOPSECRET\n3,4,hidden\n5,6,TOPSECRET\n7,8,hidden\n"

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("nasbook-trust-\(UUID().uuidString)")
            .resolvingSymlinksInPath()
        for dir in [project, outside] { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) }
        try Self.secret.write(to: outside.appendingPathComponent("secret.csv"), atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: root)
    }

    /// Runs `source` as `project/main.nas` from `root` (so relative paths start at the script).
    func run(_ source: String, _ extra: [String] = [], env: [String: String] = [:]) throws -> CLITests.Result {
        let script = project.appendingPathComponent("main.nas")
        try source.write(to: script, atomically: true, encoding: .utf8)
        return try CLITests.nasbook(["run", script.path] + extra, env: env, directory: root)
    }

    func assertRefused(_ r: CLITests.Result, _ verb: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(r.status, 1, r.out + r.err, file: file, line: line)
        XCTAssertTrue(r.err.contains("cannot \(verb) '"), r.err, file: file, line: line)
        XCTAssertTrue(r.err.contains("--allow-path"), "names the flag that allows it: \(r.err)", file: file, line: line)
        XCTAssertFalse(r.err.contains("TOPSECRET") || r.out.contains("TOPSECRET"), "never shows the file", file: file, line: line)
    }

    func testReadOutsideTheProjectIsRefused() throws {
        let r = try run(#"d = dataset.csv("../outside/secret.csv")"# + "\nprint(\"loaded\")\n")
        assertRefused(r, "read")
        XCTAssertTrue(r.err.contains("main.nas:1:17"), "points at the path argument: \(r.err)")
        XCTAssertFalse(r.out.contains("loaded"))
    }

    func testAbsolutePathsAreRefused() throws {
        let r = try run(#"d = dataset.csv("\#(outside.path)/secret.csv")"# + "\n")
        assertRefused(r, "read")
        let passwd = try run(#"d = dataset.csv("/etc/passwd")"# + "\n")
        assertRefused(passwd, "read")
        XCTAssertFalse(passwd.err.contains("root:"), passwd.err)
    }

    func testSymlinkOutOfTheProjectIsRefused() throws {
        try FileManager.default.createSymbolicLink(at: project.appendingPathComponent("data"), withDestinationURL: outside)
        assertRefused(try run(#"d = dataset.csv("data/secret.csv")"# + "\n"), "read")
    }

    func testWriteOutsideTheProjectIsRefused() throws {
        let r = try run(#"plot([1, 2, 3], to: "../outside/plot.svg")"# + "\n")
        assertRefused(r, "write")
        XCTAssertFalse(FileManager.default.fileExists(atPath: outside.appendingPathComponent("plot.svg").path))
        // Inside it is fine.
        let ok = try run(#"plot([1, 2, 3], to: "p.svg")"# + "\n")
        XCTAssertEqual(ok.status, 0, ok.err)
        XCTAssertTrue(FileManager.default.fileExists(atPath: project.appendingPathComponent("p.svg").path))
    }

    func testHomeFilesAreRefused() throws {
        let home = root.appendingPathComponent("home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let bashrc = home.appendingPathComponent(".bashrc")
        try "# mine\n".write(to: bashrc, atomically: true, encoding: .utf8)
        let r = try run("""
        r = train(cnn(width: 4, depth: 1), take(dataset.shapes(size: 8), 64), epochs: 1, seed: 1)
        export r.model as tflite to "~/.bashrc"

        """, env: ["HOME": home.path])
        assertRefused(r, "write")
        XCTAssertTrue(r.err.contains(bashrc.path), "shows where ~ led: \(r.err)")
        XCTAssertEqual(try String(contentsOf: bashrc, encoding: .utf8), "# mine\n")
    }

    func testModulesAndLoadsOutsideAreRefused() throws {
        try "x = 1\n".write(to: outside.appendingPathComponent("lib.nas"), atomically: true, encoding: .utf8)
        let use = try run(#"use "\#(outside.path)/lib""# + "\n")
        XCTAssertEqual(use.status, 1, use.err)
        XCTAssertTrue(use.err.contains("cannot read"), use.err)
        let load = try CLITests.nasbook([], stdin: ":load ../outside/lib.nas\n", directory: project)
        XCTAssertEqual(load.status, 1, load.err)
        XCTAssertTrue(load.err.contains(":load: cannot read '../outside/lib.nas'"), load.err)
        // `check` resolves modules too, and refuses the same.
        let check = try CLITests.nasbook(["check", project.appendingPathComponent("main.nas").path], directory: root)
        XCTAssertEqual(check.status, 1, check.err)
        XCTAssertTrue(check.err.contains("use: cannot read '\(outside.path)/lib"), check.err)
        // The standard library is always readable.
        let boards = try run("use \"boards\"\nprint(boards.rpi_pico.name)\n")
        XCTAssertEqual(boards.status, 0, boards.err)
    }

    func testTheReplSavesOnlyInsideItsWorkingDirectory() throws {
        let r = try CLITests.nasbook([], stdin: "1 + 1\n:save ../outside/s.nasbook\n:save s.nasbook\n", directory: project)
        XCTAssertEqual(r.status, 1, r.err)
        XCTAssertTrue(r.err.contains("cannot save the session: cannot write '../outside/s.nasbook'"), r.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: outside.appendingPathComponent("s.nasbook").path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: project.appendingPathComponent("s.nasbook").path))
        // --save typed on the command line is allowed wherever it points.
        let typed = try CLITests.nasbook(["--save", outside.appendingPathComponent("t.nasbook").path], stdin: "1 + 1\n", directory: project)
        XCTAssertEqual(typed.status, 0, typed.err)
    }

    func testAllowPathWidensTheBoundary() throws {
        let source = #"d = dataset.csv("../outside/secret.csv")"# + "\nprint(\"loaded\")\n"
        let r = try run(source, ["--allow-path", outside.path])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.contains("loaded"), r.out)
        // The same through the project's allow file, which nasbook announces.
        try "# shared data\n../outside\n".write(to: project.appendingPathComponent("nasbook.allow"), atomically: true, encoding: .utf8)
        let listed = try run(source)
        XCTAssertEqual(listed.status, 0, listed.err)
        XCTAssertTrue(listed.err.contains("nasbook.allow:2 allows reading and writing \(outside.path)"), listed.err)
    }

    /// A session from someone else may not move replay out of its folder.
    func testReplayRefusesADirectoryOutsideTheSession() throws {
        let file = project.appendingPathComponent("s.nasbook")
        let saved = try CLITests.nasbook(["--save", file.path], stdin: "1 + 1\n", directory: project)
        XCTAssertEqual(saved.status, 0, saved.err)
        let text = try String(contentsOf: file, encoding: .utf8)
        XCTAssertTrue(text.contains("\"directory\": \".\""), text)
        try FileManager.default.createSymbolicLink(at: project.appendingPathComponent("link"), withDestinationURL: outside)
        for escape in ["../..", outside.path, "link"] {
            try text.replacingOccurrences(of: "\"directory\": \".\"", with: "\"directory\": \"\(escape)\"")
                .write(to: file, atomically: true, encoding: .utf8)
            let r = try CLITests.nasbook(["replay", file.path], directory: root)
            XCTAssertEqual(r.status, 2, r.out + r.err)
            XCTAssertTrue(r.err.contains("outside the session's folder \(project.path)"), r.err)
            XCTAssertTrue(r.err.contains("--allow-path"), r.err)
            XCTAssertFalse(r.out.contains("cell 1"), "nothing ran: \(r.out)")
        }
        // Allowed explicitly, it runs there.
        let allowed = try CLITests.nasbook(["replay", "--allow-path", outside.path, file.path], directory: root)
        XCTAssertEqual(allowed.status, 0, allowed.out + allowed.err)
    }

    /// Replayed cells are held to the session's folder too.
    func testReplayedCellsCannotReadOutside() throws {
        let file = project.appendingPathComponent("s.nasbook")
        let saved = try CLITests.nasbook(["--save", file.path], stdin: "1 + 1\n", directory: project)
        XCTAssertEqual(saved.status, 0, saved.err)
        let text = try String(contentsOf: file, encoding: .utf8)
            .replacingOccurrences(of: "\"input\": \"1 + 1\"", with: #""input": "dataset.csv(\"../outside/secret.csv\")""#)
        try text.write(to: file, atomically: true, encoding: .utf8)
        let r = try CLITests.nasbook(["replay", file.path], directory: root)
        XCTAssertEqual(r.status, 1, r.out + r.err)
        XCTAssertTrue(r.out.contains("cannot read '../outside/secret.csv'"), r.out)
        XCTAssertFalse(r.out.contains("TOPSECRET"), r.out)
    }
}
