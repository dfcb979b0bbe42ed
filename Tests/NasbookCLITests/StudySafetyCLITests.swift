import Foundation
import XCTest

/// A study keeps what it measured and never passes off trials that do not apply: one writer at
/// a time, a resume that checks the dataset and board, a damaged or full database that fails
/// loudly, and Ctrl-C that stops the whole program with exit 130 after saving.
final class StudySafetyCLITests: XCTestCase {
    var directory: URL!
    var script: URL { directory.appendingPathComponent("study.nas") }
    var database: URL { directory.appendingPathComponent("study.db") }

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("nasbook-safety-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try StudyCrashTests.script.write(to: script, atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// `nasbook run study.nas ...` started in the background, read until `marker` is printed.
    func start(_ extra: [String] = [], until marker: String, env: [String: String] = [:]) throws -> (Process, Pipe, String) {
        let process = Process()
        process.executableURL = CLITests.binary
        process.arguments = ["run", script.path] + extra
        var environment = ProcessInfo.processInfo.environment
        environment.merge(env) { $1 }
        process.environment = environment
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        try process.run()
        var seen = ""
        let deadline = Date().addingTimeInterval(120)
        while !seen.contains(marker), Date() < deadline {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        XCTAssertTrue(seen.contains(marker), seen)
        return (process, out, seen)
    }

    func finishedTrials(_ r: CLITests.Result) -> Int {
        r.out.firstMatch(of: /resumed: (\d+) finished trials/).map { Int($0.1)! } ?? 0
    }

    /// Two `--resume` runs of one study at once: the second fails at once, naming the first.
    func testASecondWriterGetsTheLockError() throws {
        let (crashed, _, _) = try start(until: "trial 1 [1/6]")
        kill(crashed.processIdentifier, SIGKILL)
        crashed.waitUntilExit()
        // The resumed run holds the lock once it says what it replayed; waiting for a later trial
        // line raced the kill above (a run killed after trial 2 resumes at trial 3).
        let (first, _, _) = try start(["--resume"], until: "resumed: ")
        defer {
            kill(first.processIdentifier, SIGKILL)
            first.waitUntilExit()
        }
        let second = try CLITests.nasbook(["run", script.path, "--resume"])
        XCTAssertEqual(second.status, 1, second.out + second.err)
        XCTAssertTrue(second.err.contains("is in use by process \(first.processIdentifier) ("), second.err)
        XCTAssertTrue(second.err.contains("a study has one proposer (the process that runs its search) at a time"), second.err)
        XCTAssertFalse(second.out.contains("resumed:") || second.out.contains("trial 2"), "it ran nothing: \(second.out)")
    }

    func testResumeRefusesAnotherDatasetOrBoardNamingTheChange() throws {
        let (process, _, _) = try start(until: "trial 2 [2/6]")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let original = StudyCrashTests.script

        try original.replacingOccurrences(of: "length: 64, seed: 2", with: "length: 64, seed: 5")
            .write(to: script, atomically: true, encoding: .utf8)
        let data = try CLITests.nasbook(["run", script.path, "--resume"])
        XCTAssertEqual(data.status, 1, data.out + data.err)
        XCTAssertTrue(data.err.contains("measured under other conditions"), data.err)
        XCTAssertTrue(data.err.contains("dataset was motion"), data.err)
        XCTAssertFalse(data.err.contains("board was"), "only what changed: \(data.err)")

        try original.replacingOccurrences(of: "clock: 80 MHz", with: "clock: 120 MHz")
            .write(to: script, atomically: true, encoding: .utf8)
        let board = try CLITests.nasbook(["run", script.path, "--resume"])
        XCTAssertEqual(board.status, 1, board.out + board.err)
        XCTAssertTrue(board.err.contains("board was test board (Cortex-M4, 80 MHz"), board.err)
        XCTAssertTrue(board.err.contains("now test board (Cortex-M4, 120 MHz"), board.err)

        // Unchanged, it resumes.
        try original.write(to: script, atomically: true, encoding: .utf8)
        let resumed = try CLITests.nasbook(["run", script.path, "--resume"])
        XCTAssertEqual(resumed.status, 0, resumed.err)
        XCTAssertGreaterThanOrEqual(finishedTrials(resumed), 2, resumed.out)
    }

    func testACorruptedDatabaseIsAnError() throws {
        let r = try CLITests.nasbook(["run", script.path])
        XCTAssertEqual(r.status, 0, r.err)
        // Overwrite every page after the first (the schema's) with garbage.
        let handle = try FileHandle(forUpdating: database)
        let size = try handle.seekToEnd()
        XCTAssertGreaterThan(size, 8192)
        var generator = SystemRandomNumberGenerator()
        try handle.seek(toOffset: 4096)
        try handle.write(contentsOf: Data((4096..<Int(size)).map { _ in UInt8.random(in: 0...255, using: &generator) }))
        try handle.close()
        let resumed = try CLITests.nasbook(["run", script.path, "--resume"])
        XCTAssertNotEqual(resumed.status, 0, resumed.out + resumed.err)
        XCTAssertTrue(resumed.err.contains("is damaged"), resumed.err)
        XCTAssertFalse(resumed.out.contains("resumed:"), resumed.out)
    }

    /// The database stops taking trials after two (the test hook), as a full disk would.
    func testAFullDiskMidStudyFailsAndKeepsTheFinishedTrials() throws {
        let r = try CLITests.nasbook(["run", script.path], env: ["NASBOOK_FAULT_DB_FULL_AFTER": "2"])
        try assertStoppedFull(r, kept: 2)
        let resumed = try CLITests.nasbook(["run", script.path, "--resume"])
        XCTAssertEqual(resumed.status, 0, resumed.err)
        XCTAssertEqual(finishedTrials(resumed), 2, resumed.out)
    }

    /// A real full disk: the study on a 256 KB tmpfs (needs root; skipped where it cannot mount).
    func testARealFullDiskMidStudy() throws {
        let tiny = directory.appendingPathComponent("tiny")
        try FileManager.default.createDirectory(at: tiny, withIntermediateDirectories: true)
        guard getuid() == 0, Self.tool("/bin/mount", ["-t", "tmpfs", "-o", "size=256k", "tmpfs", tiny.path]) == 0 else {
            throw XCTSkip("cannot mount a tmpfs here (needs root)")
        }
        defer { _ = Self.tool("/bin/umount", [tiny.path]) }
        let onTiny = tiny.appendingPathComponent("study.nas")
        try StudyCrashTests.script.write(to: onTiny, atomically: true, encoding: .utf8)
        let r = try CLITests.nasbook(["run", onTiny.path])
        let kept = r.err.firstMatch(of: /its (\d+) finished trial/).map { Int($0.1)! } ?? -1
        try assertStoppedFull(r, kept: kept)
        XCTAssertGreaterThan(kept, 0, "the disk filled after some trials: \(r.err)")
        // Moved to a disk with room (with its write-ahead log), the study resumes from them.
        for name in ["study.db", "study.db-wal"] {
            try FileManager.default.copyItem(at: tiny.appendingPathComponent(name), to: directory.appendingPathComponent(name))
        }
        let resumed = try CLITests.nasbook(["run", script.path, "--resume"])
        XCTAssertEqual(resumed.status, 0, resumed.err)
        XCTAssertEqual(finishedTrials(resumed), kept, resumed.out)
    }

    func assertStoppedFull(_ r: CLITests.Result, kept: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(r.status, 1, r.out + r.err, file: file, line: line)
        XCTAssertTrue(r.err.contains("stopped taking trials"), r.err, file: file, line: line)
        XCTAssertTrue(r.err.contains("database or disk is full"), r.err, file: file, line: line)
        XCTAssertTrue(r.err.contains("its \(kept) finished trial"), r.err, file: file, line: line)
        XCTAssertTrue(r.err.contains("--resume"), r.err, file: file, line: line)
        XCTAssertFalse(r.out.contains("study of space"), "the program stopped: \(r.out)", file: file, line: line)
    }

    static func tool(_ path: String, _ arguments: [String]) -> Int32 {
        guard FileManager.default.isExecutableFile(atPath: path) else { return -1 }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardError = Pipe()
        guard (try? process.run()) != nil else { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }

    func testCtrlCStopsTheProgramWithExit130AfterSaving() throws {
        let (process, out, seen) = try start(until: "trial 2 [2/6]")
        kill(process.processIdentifier, SIGINT)
        let rest = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .exit)
        XCTAssertEqual(process.terminationStatus, 130, seen + rest)
        XCTAssertTrue(rest.contains("search stopped by Ctrl-C"), rest)
        XCTAssertFalse(rest.contains("study of space"), "`show s` after the search did not run: \(rest)")
        let resumed = try CLITests.nasbook(["run", script.path, "--resume"])
        XCTAssertEqual(resumed.status, 0, resumed.err)
        XCTAssertGreaterThanOrEqual(finishedTrials(resumed), 2, resumed.out)
    }
}
