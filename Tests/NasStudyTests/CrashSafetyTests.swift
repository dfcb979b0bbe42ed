import Foundation
import GRDB
import NasCore
import XCTest
@testable import NasStudy

/// Kills a process that is writing a study with SIGKILL mid-run, then checks that every trial it
/// reported committed is stored intact, the file is sound, and the study resumes where it left.
final class CrashSafetyTests: StoreTestCase {
    static var writer: URL {
        // The test bundle sits next to the products in .build/<config>/ (on Linux its URL is that folder).
        let bundle = Bundle(for: CrashSafetyTests.self).bundleURL
        let beside = bundle.appendingPathComponent("nas-study-crash-writer")
        return FileManager.default.isExecutableFile(atPath: beside.path)
            ? beside : bundle.deletingLastPathComponent().appendingPathComponent("nas-study-crash-writer")
    }

    /// Runs the writer; when `killAfter` is set, SIGKILLs it once it has reported that many
    /// commits. Returns the trial numbers it reported committed and how it ended.
    func runWriter(trials: Int, sleepMs: Int, killAfter: Int?) throws -> (committed: [Int], process: Process) {
        let process = Process()
        process.executableURL = Self.writer
        process.arguments = [databasePath, String(trials), String(sleepMs)]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        var text = ""
        var committed: [Int] { text.split(separator: "\n").compactMap { $0.hasPrefix("committed ") ? Int($0.dropFirst(10)) : nil } }
        while true {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }  // the writer exited
            text += String(decoding: chunk, as: UTF8.self)
            if let killAfter, committed.count >= killAfter {
                kill(process.processIdentifier, SIGKILL)
                text += String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                break
            }
        }
        process.waitUntilExit()
        return (committed, process)
    }

    /// Trial n as the writer writes it.
    func assertIntact(_ t: TrialRecord, _ store: StudyStore, file: StaticString = #filePath, line: UInt = #line) throws {
        let n = t.number
        XCTAssertEqual(t.status, .complete, file: file, line: line)
        XCTAssertEqual(t.x, [Double(n) / 1000], file: file, line: line)
        XCTAssertEqual(t.parameters, ["width": .number(Double(n)), "kernels": .list([.number(3), .number(5)])], file: file, line: line)
        XCTAssertEqual(t.metrics, [Metric.accuracy: Double(n) / 1000, Metric.ram: Double(n * 1024)], file: file, line: line)
        XCTAssertEqual(t.seed, UInt64(n), file: file, line: line)
        XCTAssertEqual(try store.epochs(of: t).map(\.trainLoss), [1 / Double(1 + n), 1 / Double(2 + n)], file: file, line: line)
    }

    func testKilledStudyKeepsEveryCommittedTrialAndResumes() throws {
        let (committed, killed) = try runWriter(trials: 1000, sleepMs: 20, killAfter: 5)
        XCTAssertEqual(killed.terminationReason, .uncaughtSignal)
        XCTAssertEqual(killed.terminationStatus, SIGKILL)
        XCTAssertEqual(Array(committed.prefix(5)), [1, 2, 3, 4, 5])

        let store = try StudyStore(path: databasePath)
        XCTAssertEqual(try store.pool.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }, ["ok"])
        let study = try XCTUnwrap(try store.study(named: "crash"))
        XCTAssertEqual(study.status, .running)
        let stored = try store.trials(of: study)
        XCTAssertEqual(stored.map(\.number), Array(1...stored.count), "trial numbers have a gap")
        for n in committed { try assertIntact(stored[n - 1], store) }
        // Past the reported commits, at most one more finished (killed before it printed) and
        // only the last can have been mid-training.
        let unreported = stored.dropFirst(committed.count)
        XCTAssertLessThanOrEqual(unreported.count, 2)
        XCTAssertFalse(stored.dropLast().contains { $0.status == .running })
        for t in unreported where t.status != .running { try assertIntact(t, store) }
        let finished = stored.filter { $0.status != .running }.count

        // The same writer picks the study up and runs it to 12 trials.
        let (resumedCommits, resumed) = try runWriter(trials: 12, sleepMs: 0, killAfter: nil)
        XCTAssertEqual(resumed.terminationReason, .exit)
        XCTAssertEqual(resumed.terminationStatus, 0)
        XCTAssertEqual(resumedCommits, Array(finished + 1...12))
        let final = try store.trials(of: study)
        XCTAssertEqual(final.map(\.number), Array(1...12))
        for t in final { try assertIntact(t, store) }
        XCTAssertEqual(try store.study(named: "crash")?.status, .finished)
        XCTAssertEqual(try store.pool.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }, ["ok"])
    }
}
