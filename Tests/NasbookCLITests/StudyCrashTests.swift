import Foundation
import XCTest

/// `kill -9` in the middle of a search loses no finished trial, and `--resume` finishes the
/// study exactly as an uninterrupted run does.
final class StudyCrashTests: XCTestCase {
    static let script = """
    target = board(name: "test board", mcu: "none", core: "Cortex-M4", clock: 80 MHz, ram: 256 KB, flash: 1 MB)
    data = dataset.motion(count: 600, length: 64, seed: 2)
    space tiny {
      width in [4, 8]
      depth in 1..2
      lr = 0.1
      epochs = 4
      prune in 0.0 ~ 0.5 per layer
      bits in [4, 8] per layer
    }
    s = search(tiny, data, target, strategy: ars_mobo, trials: 6, seed: 3)
    show s

    """

    func testKilledSearchResumesWithEveryFinishedTrial() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nasbook-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = directory.appendingPathComponent("study.nas")
        try Self.script.write(to: script, atomically: true, encoding: .utf8)

        // The reference: the same study, never interrupted, in its own database.
        let whole = try CLITests.nasbook(["run", script.path, "--db", directory.appendingPathComponent("whole.db").path])
        XCTAssertEqual(whole.status, 0, whole.err)

        // Kill the run as soon as its third trial has been reported.
        let run = try RunningNasbook(["run", script.path])
        XCTAssertTrue(run.read { $0.contains("trial 3 [3/6]") }, run.output)
        run.signal(SIGKILL)
        _ = run.finish()
        XCTAssertEqual(run.process.terminationReason, .uncaughtSignal)

        // The default database sits beside the script; --resume replays what it kept.
        let resumed = try CLITests.nasbook(["run", script.path, "--resume"])
        XCTAssertEqual(resumed.status, 0, resumed.err)
        let kept = resumed.out.firstMatch(of: /resumed: (\d+) finished trials/).map { Int($0.1)! } ?? 0
        XCTAssertGreaterThanOrEqual(kept, 3, resumed.out)
        XCTAssertFalse(resumed.out.contains("note:"), resumed.out)
        let study = { (text: String) in text.components(separatedBy: "study of space").last! }
        XCTAssertEqual(study(resumed.out), study(whole.out))
    }
}

/// A saved REPL session with a search replays from its study database without retraining.
final class CachedReplayTests: XCTestCase {
    func testCachedReplayMatchesWithoutTraining() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nasbook-cached-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let session = directory.appendingPathComponent("notes.nasbook").path
        let cells = StudyCrashTests.script.replacingOccurrences(of: "trials: 6", with: "trials: 3")
            + "best = s.best(by: accuracy)\nprint(best.trial, best.accuracy)\n"
        let recorded = try CLITests.nasbook(["--save", session], stdin: cells, directory: directory)
        XCTAssertEqual(recorded.status, 0, recorded.err)
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory.appendingPathComponent("notes.db").path))

        let cached = try CLITests.nasbook(["replay", "--cached", session], directory: directory)
        XCTAssertEqual(cached.status, 0, cached.out + cached.err)
        XCTAssertTrue(cached.out.contains("cells match"), cached.out)
        // Replaying without the cache retrains and, being deterministic, matches as well.
        let retrained = try CLITests.nasbook(["replay", session], directory: directory)
        XCTAssertEqual(retrained.status, 0, retrained.out + retrained.err)
    }
}
