import Foundation
import GRDB
import NasCore
import XCTest
@testable import NasStudy

/// WAL mode: a reader (the REPL) never waits for or sees half of what a writer (a run) does.
final class ConcurrencyTests: StoreTestCase {
    /// A proposer and a worker opening a new study file at the same moment both get the whole
    /// schema, neither an error about a table the other just created.
    func testTwoStoresOpeningANewFileAtOnceBothMigrateIt() throws {
        for round in 0..<6 {
            let path = directory.appendingPathComponent("fresh-\(round).db").path
            let failures = FailureBox()
            DispatchQueue.concurrentPerform(iterations: 3) { _ in
                do {
                    let store = try StudyStore(path: path)
                    _ = try store.workers()
                } catch {
                    failures.record(error)
                }
            }
            XCTAssertNil(failures.error, "round \(round): \(failures.error.map { "\($0)" } ?? "")")
        }
    }

    func testReaderSeesCommittedStateWhileAWriteIsOpen() throws {
        let writer = try StudyStore(path: databasePath)
        let study = try makeStudy(writer)
        try addTrial(writer, study, [Metric.accuracy: 0.5])
        let reader = try StudyStore(path: databasePath)
        try writer.pool.writeWithoutTransaction { db in
            try db.inTransaction {
                try db.execute(sql: "UPDATE trial SET metrics = '{\"accuracy\": 0.9}'")
                let start = Date()
                let seen = try reader.trials(of: study)
                XCTAssertLessThan(Date().timeIntervalSince(start), 1, "the reader waited for the writer")
                XCTAssertEqual(seen.map(\.metrics), [[Metric.accuracy: 0.5]])
                return .commit
            }
        }
        XCTAssertEqual(try reader.trials(of: study).map(\.metrics), [[Metric.accuracy: 0.9]])
    }

    func testReadsWhileTrialsAreWrittenAreConsistent() throws {
        let total = 40
        let writer = try StudyStore(path: databasePath)
        let study = try makeStudy(writer, planned: total)
        let failure = FailureBox()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            defer { done.signal() }
            do {
                for n in 1...total {
                    var trial = try writer.startTrial(in: study, x: [Double(n)], parameters: [:], seed: UInt64(n))
                    trial.complete(metrics: [Metric.accuracy: Double(n) / 100, Metric.ram: Double(n)])
                    try writer.finish(trial, epochs: [EpochRecord(epoch: 1, trainLoss: 1, trainAccuracy: 0.5, seconds: 0)])
                }
            } catch { failure.record(error) }
        }
        let reader = try StudyStore(path: databasePath)
        var lastCount = 0
        var reads = 0
        let deadline = Date().addingTimeInterval(30)
        while lastCount < total, Date() < deadline {
            let trials = try reader.trials(of: study)
            reads += 1
            XCTAssertGreaterThanOrEqual(trials.count, lastCount)
            XCTAssertEqual(trials.map(\.number), (0..<trials.count).map { $0 + 1 })
            for t in trials where t.status == .complete {
                XCTAssertEqual(t.metrics, [Metric.accuracy: Double(t.number) / 100, Metric.ram: Double(t.number)])
            }
            for t in trials where t.status == .running { XCTAssertTrue(t.metrics.isEmpty) }
            lastCount = trials.filter { $0.status == .complete }.count
        }
        done.wait()
        XCTAssertNil(failure.error)
        XCTAssertEqual(lastCount, total)
        XCTAssertGreaterThan(reads, 1)
    }
}

final class FailureBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: (any Error)?
    func record(_ e: any Error) { lock.withLock { stored = e } }
    var error: (any Error)? { lock.withLock { stored } }
}
