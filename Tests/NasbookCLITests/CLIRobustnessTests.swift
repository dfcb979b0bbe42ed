import Foundation
import XCTest

/// Hostile input at the command line, through the built binary.
final class CLIRobustnessTests: XCTestCase {
    func nasbook(_ arguments: [String], stdin: String? = nil) throws -> CLITests.Result {
        try CLITests.nasbook(arguments, stdin: stdin)
    }

    func temp(_ name: String, _ text: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nasbook-cli-robust-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// `nasbook rn x.nas` was "unexpected arguments to repl"; `nasbook wrker --help` printed the
    /// REPL's help and exited 0.
    func testAMistypedSubcommandIsNamedWithADidYouMean() throws {
        let r = try nasbook(["rn", "examples/targets.nas"])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.err.split(separator: "\n").first, "nasbook: unknown command 'rn' (did you mean 'run'?)")
        XCTAssertEqual(r.out, "")
        let help = try nasbook(["wrker", "--help"])
        XCTAssertEqual(help.status, 2)
        XCTAssertTrue(help.err.contains("unknown command 'wrker'"), help.err)
        XCTAssertTrue(help.err.contains("commands: repl, run, check, replay"), help.err)
        XCTAssertFalse(help.out.contains("USAGE"), help.out)
    }

    func testAProgramFileInPlaceOfACommandSaysHowToRunIt() throws {
        let r = try nasbook(["examples/targets.nas"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.err.contains("'examples/targets.nas' is not a command; to run it: nasbook run examples/targets.nas"), r.err)
    }

    /// The documented forms still work: options without a subcommand go to the REPL, help and
    /// --version are answered.
    func testDocumentedFormsStillWork() throws {
        let piped = try nasbook([], stdin: "1 + 2\n")
        XCTAssertEqual(piped.status, 0, piped.err)
        XCTAssertEqual(piped.out, "3\n")
        let history = try nasbook(["--history", FileManager.default.temporaryDirectory.appendingPathComponent("h-\(getpid())").path],
                                  stdin: "2 * 2\n")
        XCTAssertEqual(history.status, 0, history.err)
        XCTAssertEqual(history.out, "4\n")
        XCTAssertEqual(try nasbook(["help"]).status, 0)
        XCTAssertEqual(try nasbook(["--version"]).status, 0)
        XCTAssertEqual(try nasbook(["check", "--help"]).status, 0)
    }

    /// `check` wrote a file by running a used module; now nothing runs.
    func testCheckDoesNotRunUsedModules() throws {
        let target = (try temp("check-wrote.svg", "")) ; try FileManager.default.removeItem(atPath: target)
        _ = try temp("writer.nas", "plot([1, 2, 3], to: \"\(target)\")\nk = 1\n")
        let main = try temp("main.nas", "use \"writer\"\nprint(writer.k)\n")
        let r = try nasbook(["check", main])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.hasSuffix("main.nas: ok\n"), r.out)
        XCTAssertFalse(FileManager.default.fileExists(atPath: target), "check ran the module")
    }

    /// A megabyte of junk: a bounded report, quickly, with the total counted.
    func testCheckOfAMegabyteOfJunkIsBounded() throws {
        var state: UInt64 = 11
        let bytes = (0..<1_000_000).map { _ -> UInt8 in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let b = UInt8(truncatingIfNeeded: state >> 33)
            return b == 0 ? 32 : b
        }
        let path = try temp("junk.nas", "")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let start = Date()
        let r = try nasbook(["check", path])
        XCTAssertEqual(r.status, 1)
        XCTAssertLessThan(Date().timeIntervalSince(start), 60)
        XCTAssertLessThan(r.err.utf8.count, 200_000)
        XCTAssertTrue(r.err.contains("more errors not shown"), String(r.err.suffix(400)))
        XCTAssertTrue(r.err.contains("junk.nas: "), String(r.err.suffix(200)))
    }

    /// Piped into the REPL, a line of 60,000 bad characters is one error, not a stack overflow.
    func testPipedLineOfBadCharactersIsAnError() throws {
        let r = try nasbook([], stdin: "print('" + String(repeating: "@", count: 60_000) + "')\n1 + 1\n")
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.out, "2\n")
        XCTAssertTrue(r.err.contains("<stdin>:1:7: error: unexpected characters"), String(r.err.prefix(300)))
        XCTAssertLessThan(r.err.utf8.count, 2_000)
    }

    func testCheckRejectsMistypedSearchLabelsAndChoices() throws {
        let path = try temp("typos.nas", """
        use "boards"
        space s { width in [4, 8]; optimizer in ["sgd", "adma"] }
        x = search(s, dataset.shapes(count: 10), boards.rpi_pico, trails: 16)
        """)
        let r = try nasbook(["check", path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.contains("typos.nas:2:49: error: 'optimizer' must be one of \"sgd\", \"nesterov\", \"adam\", \"adamw\", not \"adma\""), r.err)
        XCTAssertTrue(r.err.contains("typos.nas:3:59: error: search() has no parameter 'trails'"), r.err)
        XCTAssertTrue(r.err.contains("hint: did you mean 'trials'?"), r.err)
        XCTAssertTrue(r.err.contains("typos.nas: 2 errors"), r.err)
    }

    /// A search whose training split is empty trapped, and so did `--resume` of it: now `run`
    /// reports it at the argument before any study is stored, so there is nothing to resume.
    func testASearchWithAnEmptySplitFailsCleanlyAndLeavesNothingToResume() throws {
        let path = try temp("empty-split.nas", """
        use "boards"
        space sp { width in [2, 4]; epochs = 1 }
        s = search(sp, dataset.shapes(count: 100, size: 8), boards.rpi_pico, trials: 1, validation: 0.999)
        """)
        let r = try nasbook(["run", path])
        XCTAssertEqual(r.status, 1, r.err)
        XCTAssertTrue(r.err.contains("empty-split.nas:3:"), r.err)
        XCTAssertTrue(r.err.contains("error: search: holding out 99.9% of 100 samples"), r.err)
        let resumed = try nasbook(["run", "--resume", path])
        XCTAssertEqual(resumed.status, 1, resumed.err)
        XCTAssertTrue(resumed.err.contains("nothing to resume"), resumed.err)
    }
}
