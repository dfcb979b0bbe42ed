import EngineBuiltins
import Foundation
@testable import LineEditor
import XCTest
@testable import NasLang
@testable import NasREPL

/// Sessions recorded by driving the REPL, saved as .nasbook files and replayed.
final class SessionTests: XCTestCase {
    var dir = URL(fileURLWithPath: "/")

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("nasbook-session-\(getpid())-\(name.hashValue)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: dir)
    }

    /// A tiny training run: 64 samples of 8x8 images, two epochs of a 4-filter CNN.
    static let training = [
        "data = take(dataset.shapes(size: 8), 64)",
        "r = train(cnn(width: 4, depth: 1), data, epochs: 2, seed: 3)",
        "print(r.accuracy, r.loss)",
    ]

    /// Runs lines through a REPL with the engine's builtins, as a terminal (or pipe) would feed them.
    func drive(_ lines: [String], interactive: Bool = true) -> (repl: Repl, out: String, err: String) {
        var out = "", err = ""
        let interpreter = Interpreter(registry: .withEngine(), modulePaths: [stdlibPath], output: { _ in })
        let repl = Repl(interpreter: interpreter, reader: ScriptedReader(lines.map { .line($0) }), interactive: interactive,
                        writeOut: { out += $0 }, writeErr: { err += $0 })
        repl.run()
        return (repl, out, err)
    }

    func replay(_ session: Session) -> [Replay.CellResult] {
        Replay(session).run(in: Interpreter(registry: .withEngine(), modulePaths: [stdlibPath], output: { _ in })).results
    }

    func testScriptedSessionSavesAndReplays() throws {
        let lib = dir.appendingPathComponent("lib.nas").path
        try "answer = 6 * 7\nprint(\"loaded\")\n".write(toFile: lib, atomically: true, encoding: .utf8)
        let file = dir.appendingPathComponent("s.nasbook").path
        let s = drive(["fn twice(x) {", "  return x * 2", "}", "twice(21)", ":help", "nope + 1", ":load \(lib)", "answer"]
                      + Self.training + [":save \(file)"])
        XCTAssertTrue(s.out.contains("saved 8 cells to \(file)"), s.out)

        let text = try String(contentsOfFile: file, encoding: .utf8)
        let saved = try Session.decode(Data(text.utf8))
        XCTAssertEqual(saved.encoded(), text, "decoding and encoding again gives the same file")
        XCTAssertEqual(saved.input, .terminal)
        XCTAssertEqual(saved.cells.map(\.index), Array(1...8))
        XCTAssertEqual(saved.cells.map(\.input), ["fn twice(x) {\n  return x * 2\n}", "twice(21)", "nope + 1", ":load \(lib)", "answer"] + Self.training,
                       ":help and :save are commands, not cells")
        XCTAssertEqual(saved.cells[1].output, "42\n")
        XCTAssertNil(saved.cells[1].error)
        XCTAssertTrue(saved.cells[2].error?.contains("<cell 3>:1:1: error: unknown name 'nope'") == true, "\(saved.cells[2])")
        XCTAssertEqual(saved.cells[3].output, "loaded\n")
        XCTAssertEqual(saved.cells[5].seeds, [DrawnSeed(builtin: "dataset.shapes", seed: 1), DrawnSeed(builtin: "take", seed: 1)])
        XCTAssertEqual(saved.cells[6].seeds, [DrawnSeed(builtin: "train", seed: 3)])
        XCTAssertTrue(saved.cells[6].output.hasPrefix("epoch 1/2  loss "), saved.cells[6].output)
        XCTAssertTrue(saved.cells.allSatisfy { $0.duration >= 0 && $0.started >= saved.created.addingTimeInterval(-1) })

        let results = replay(saved)
        XCTAssertEqual(results.count, 8)
        XCTAssertEqual(results.filter(\.matches).count, 8, results.flatMap(\.diff).joined(separator: "\n"))
    }

    func testReplayOfATrainingCellIsDeterministicAndDetectsAChangedSeed() throws {
        let s = drive(Self.training, interactive: false)
        XCTAssertEqual(s.err, "")
        XCTAssertTrue(replay(s.repl.session).allSatisfy(\.matches))

        // The same cells with another seed train differently: replay must notice.
        var changed = s.repl.session
        changed.cells[1].input = changed.cells[1].input.replacingOccurrences(of: "seed: 3", with: "seed: 4")
        let results = replay(changed)
        XCTAssertFalse(results[1].matches, "another seed gives other epochs")
        XCTAssertFalse(results[2].matches, "and another accuracy")
        XCTAssertEqual(results[1].diff.first, "--- recorded")
        XCTAssertTrue(results[2].diff.contains { $0.hasPrefix("-") && !$0.hasPrefix("---") }, results[2].diff.joined(separator: "\n"))
    }

    func testEditedOutputIsReportedWithADiff() {
        var session = drive(["x = 20", "print(x + 1)", "print(\"a\")\nprint(\"b\")\nprint(\"c\")"]).repl.session
        session.cells[2].output = "a\nB\nc\n"
        let results = replay(session)
        XCTAssertEqual(results.map(\.matches), [true, true, false])
        XCTAssertEqual(results[2].diff, ["--- recorded", "+++ replayed", "@@ -1,3 +1,3 @@", " a", "-B", "+b", " c"])
    }

    func testCommandsInAnEditedFileAreNotRun() {
        var session = drive(["x = 1"]).repl.session
        let target = dir.appendingPathComponent("written.nasbook").path
        session.cells[0].input = ":save \(target)"
        let results = replay(session)
        XCTAssertFalse(results[0].matches)
        XCTAssertTrue(results[0].diff.contains("+not a cell that can be replayed (only code and :load FILE.nas are)"), "\(results[0].diff)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: target))
    }

    func testLiveProgressIsShownButNotRecorded() {
        // On a terminal training redraws its progress line and prints timings; the record holds
        // exactly what piped output holds.
        let terminal = drive(Self.training, interactive: true)
        XCTAssertTrue(terminal.out.contains("\u{1B}[K") && terminal.out.contains("samples/s"), terminal.out)
        let piped = drive(Self.training, interactive: false)
        let recorded = terminal.repl.session.cells.map(\.output)
        XCTAssertEqual(recorded, piped.repl.session.cells.map(\.output))
        XCTAssertFalse(recorded.joined().contains("\u{1B}") || recorded.joined().contains("\r"), recorded.joined())
        XCTAssertEqual(piped.out, recorded.joined(), "piped output is the record")
    }

    func testAutosaveAfterEveryCellOnceAFileIsKnown() throws {
        let file = dir.appendingPathComponent("auto.nasbook").path
        let s = drive(["a = 1", ":save", ":save \(file)", "b = a + 1", "b"])
        XCTAssertTrue(s.err.contains(":save needs a file"), s.err)
        let saved = try Session.decode(XCTUnwrap(FileManager.default.contents(atPath: file)))
        XCTAssertEqual(saved.cells.map(\.input), ["a = 1", "b = a + 1", "b"], "cells after :save are saved as they finish")
        XCTAssertEqual(saved.cells.last?.output, "2\n")

        let other = dir.appendingPathComponent("other.nasbook").path
        let repl = drive([]).repl
        XCTAssertNil(repl.saveContinuously(to: other))
        repl.handle("c = 3")
        XCTAssertEqual(try Session.decode(XCTUnwrap(FileManager.default.contents(atPath: other))).cells.count, 1)
        XCTAssertNotNil(repl.saveContinuously(to: dir.appendingPathComponent("missing/x.nasbook").path))
    }

    func testLoadingASessionRunsItsCellsHere() throws {
        let file = dir.appendingPathComponent("first.nasbook").path
        _ = drive(["x = 20", "print(x + 1)", ":save \(file)"])
        let s = drive([":load \(file)", "x * 2"])
        XCTAssertEqual(s.err, "")
        XCTAssertTrue(s.out.contains("nas> print(x + 1)\n21\n"), s.out)
        XCTAssertEqual(s.repl.session.cells.map(\.input), ["x = 20", "print(x + 1)", "x * 2"])
        XCTAssertEqual(s.repl.session.cells.last?.output, "40\n")
    }

    func testPipedSessionsReplayWithScriptLineNumbers() {
        let s = drive(["x = 1", "", "y = nope"], interactive: false)
        XCTAssertEqual(s.repl.session.input, .pipe)
        XCTAssertTrue(s.repl.session.cells[1].error?.contains("<stdin>:3:5") == true)
        XCTAssertTrue(replay(s.repl.session).allSatisfy(\.matches))
    }

    func testBadFilesNameTheField() {
        func error(_ text: String) -> String {
            do {
                _ = try Session.decode(Data(text.utf8))
                return "no error"
            } catch {
                return "\(error)"
            }
        }
        let good = Session(input: .terminal, cells: [Session.Cell(index: 1, line: 1, input: "1", output: "1\n", error: nil,
                                                                   started: Date(), duration: 0.5, seeds: [])]).encoded()
        XCTAssertEqual(error(good), "no error")
        XCTAssertTrue(error("nope").hasPrefix("not JSON"), error("nope"))
        XCTAssertEqual(error("[1]"), "expected an object")
        XCTAssertEqual(error(good.replacingOccurrences(of: "\"version\": 1", with: "\"version\": 9")),
                       "version: format version 9 is newer than this nasbook reads (1); update nasbook")
        XCTAssertEqual(error(good.replacingOccurrences(of: "\"input\": \"1\"", with: "\"input\": 1")), "cells[0].input: expected a string")
        XCTAssertEqual(error(good.replacingOccurrences(of: "\"index\": 1", with: "\"index\": 2")),
                       "cells[0].index: expected 1, found 2: cells are numbered from 1 in order")
        XCTAssertEqual(error(good.replacingOccurrences(of: "\"failed\": false", with: "\"failed\": true")), "cells[0].error: missing")
        XCTAssertEqual(error(good.replacingOccurrences(of: "nasbook-session", with: "notebook")), "format: expected \"nasbook-session\"")
    }

    func testWallClockNumbersAreMasked() {
        let mask = VolatileOutput.mask
        XCTAssertEqual(mask("seconds        6.9499 ms"), "seconds        <wall-clock>")
        XCTAssertEqual(mask("samples_per_s  9208.76"), "samples_per_s  <wall-clock>")
        XCTAssertEqual(mask("{seconds: 1.5 s, samples_per_s: 12, params: 166}"), "{seconds: <wall-clock>, samples_per_s: <wall-clock>, params: 166}")
        XCTAssertEqual(mask("1,234 samples/s"), "<wall-clock> samples/s")
        XCTAssertEqual(mask("latency ~3.57976 ms"), "latency ~3.57976 ms", "a cost model's latency is deterministic")
        XCTAssertEqual(mask("2.18379 ms"), "2.18379 ms", "only named fields are masked")
        XCTAssertEqual(mask("accuracy       0.2"), "accuracy       0.2")
        XCTAssertEqual(LineDiff.unified("seconds  1 ms\nx\n", "seconds  2.5 s\nx\n", key: mask), [])
    }

    func testDiffHunks() {
        let old = (1...20).map(String.init).joined(separator: "\n") + "\n"
        let new = old.replacingOccurrences(of: "\n3\n", with: "\nthree\n").replacingOccurrences(of: "\n18\n", with: "\n")
        XCTAssertEqual(LineDiff.unified(old, new), [
            "--- recorded", "+++ replayed",
            "@@ -1,5 +1,5 @@", " 1", " 2", "-3", "+three", " 4", " 5",
            "@@ -16,5 +16,4 @@", " 16", " 17", "-18", " 19", " 20",
        ])
        XCTAssertEqual(LineDiff.unified("a\n", "a"), ["--- recorded", "+++ replayed", "@@ -1 +1 @@", "-a", "+a  (no newline at end)"])
        XCTAssertEqual(LineDiff.unified("", "x\n"), ["--- recorded", "+++ replayed", "@@ -0,0 +1 @@", "+x"])
    }

    func testWorkingDirectoryIsStoredRelativeToTheFile() {
        XCTAssertEqual(SessionPaths.directory(of: "/a/b", relativeToFile: "/a/b/s.nasbook"), ".")
        XCTAssertEqual(SessionPaths.directory(of: "/a/b", relativeToFile: "/a/b/notes/s.nasbook"), "..")
        XCTAssertEqual(SessionPaths.directory(of: "/a/b/data", relativeToFile: "/a/c/s.nasbook"), "../b/data")
        let session = Session(input: .terminal, directory: "../b/data")
        XCTAssertEqual(SessionPaths.workingDirectory(of: session, file: "/x/c/s.nasbook"), "/x/b/data")
    }
}
