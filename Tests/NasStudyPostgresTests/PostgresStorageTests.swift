import Foundation
import NasCore
import NasStudy
import PostgresTestCluster
import XCTest
@testable import NasStudyPostgres

/// The PostgreSQL store against a real server (a throwaway cluster per class): schema by
/// migration, bit-identical round trips, parameterized statements, several writers.
final class PostgresStorageTests: XCTestCase {
    override class func tearDown() { TestClusters.release(self) }

    /// A fresh database on the class's cluster; skips only where PostgreSQL is not installed.
    func freshDatabase() throws -> String {
        do {
            return try TestClusters.cluster(for: Self.self).createDatabase()
        } catch let failure as PostgresTestCluster.Failure {
            if case .notInstalled = failure { throw XCTSkip("\(failure)") }
            throw failure
        }
    }

    func record(_ name: String = "kws", seed: UInt64 = 7) -> StudyRecord {
        StudyRecord(name: name, strategy: "ars_mobo", seed: seed, searchSpace: "width: [8, 16, 32]",
                    objectives: [Objective(.accuracy, .maximize), Objective(.ram, .minimize)],
                    budget: [Constraint(.ram, .lessOrEqual, 128 * 1024)], plannedTrials: 10, script: "s = search(...)\n")
    }

    func testFreshDatabaseGetsTheSQLiteTablesAndMigrationNames() throws {
        let url = try freshDatabase()
        let storage = try PostgresStudyStorage(url: url)
        XCTAssertEqual(try storage.appliedMigrations(), StudyMigration.allCases.map(\.rawValue))
        let db = try PostgresConnection(try PostgresLocation(url))
        func columns(_ table: String) throws -> Set<String> {
            Set(try db.execute("SELECT column_name FROM information_schema.columns WHERE table_name = $1", [table]).values.compactMap { $0[0] })
        }
        // The same names MigrationTests checks on the SQLite file.
        XCTAssertEqual(try columns("study"), ["id", "name", "created", "strategy", "seed", "searchSpace", "objectives", "budget",
                                              "plannedTrials", "script", "scriptHash", "status", "fingerprint"])
        XCTAssertEqual(try columns("trial"), ["id", "studyId", "number", "status", "failureReason", "x", "parameters", "metrics", "seed",
                                              "started", "finished", "seconds", "owner", "heartbeat"])
        XCTAssertEqual(try columns("epoch"), ["trialId", "epoch", "loss", "accuracy", "validationLoss", "validationAccuracy", "seconds"])
        XCTAssertEqual(try columns("worker"), ["id", "host", "pid", "threads", "studyId", "started", "heartbeat", "state"])
        // Reopening migrates nothing again and keeps the data.
        let study = try storage.createStudy(record())
        XCTAssertEqual(try PostgresSchema.migrate(db), [])
        XCTAssertEqual(try PostgresStudyStorage(url: url).study(named: "kws"), study)
    }

    func testWorkersOpeningAFreshDatabaseAtOnceMigrateItOnce() throws {
        let url = try freshDatabase()
        let opened = LockedBox<[Result<[String], any Error>]>([])
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            let result = Result { try PostgresStudyStorage(url: url).appliedMigrations() }
            opened.mutate { $0.append(result) }
        }
        for result in opened.value { XCTAssertEqual(try result.get(), StudyMigration.allCases.map(\.rawValue)) }
    }

    func testEveryFieldReadsBackBitIdentical() throws {
        let storage = try PostgresStudyStorage(url: try freshDatabase())
        let created = Date(timeIntervalSince1970: 1_790_000_000.123_456)
        var s = record("cifar tiny", seed: UInt64.max - 3)
        s.created = created
        s.fingerprint = ["dataset": "shapes (600 samples)", "board": "nucleo"]
        let study = try storage.createStudy(s)
        XCTAssertEqual(try storage.study(named: "cifar tiny"), study)
        XCTAssertEqual(try storage.studies().first?.seed, UInt64.max - 3)

        let start = Date()
        let parameters: [String: ParameterValue] = ["width": .number(16), "rate": .number(0.125), "activation": .string("relu"),
                                                    "kernels": .list([.number(3), .number(5)]), "bn": .bool(true)]
        var trial = try storage.startTrial(in: study, x: [0, 1, 0.1, 1.0 / 3.0, .leastNonzeroMagnitude], parameters: parameters,
                                           seed: 1 << 63, at: start)
        let metrics: MetricValues = [.accuracy: 0.912_345_678_901_234_5, .loss: .infinity, .ram: 61_440, .latency: 0.0123]
        trial.complete(metrics: metrics, at: start.addingTimeInterval(42.125))
        let curve = [EpochRecord(epoch: 1, trainLoss: 2.3, trainAccuracy: 0.1, validationLoss: 2.2, validationAccuracy: 0.12, seconds: 1.5),
                     EpochRecord(epoch: 2, trainLoss: .nan, trainAccuracy: 0.4, seconds: 1.25),
                     EpochRecord(epoch: 3, trainLoss: .infinity, trainAccuracy: .nan, validationLoss: -.infinity, seconds: .leastNonzeroMagnitude)]
        try storage.finish(trial, epochs: curve)

        let read = try XCTUnwrap(try PostgresStudyStorage(url: storage.server.url).trials(of: study).first)
        XCTAssertEqual(read, trial)
        XCTAssertEqual(read.started.timeIntervalSinceReferenceDate.bitPattern, start.timeIntervalSinceReferenceDate.bitPattern)
        XCTAssertEqual(read.seed, 1 << 63)
        let back = try storage.epochs(of: read)
        XCTAssertEqual(back.count, 3)
        XCTAssertEqual(back[0], curve[0])
        XCTAssertTrue(back[1].trainLoss.isNaN)
        XCTAssertNil(back[1].validationLoss)
        XCTAssertEqual(back[2].trainLoss, .infinity)
        XCTAssertTrue(back[2].trainAccuracy.isNaN)
        XCTAssertEqual(back[2].validationLoss, -.infinity)
        XCTAssertEqual(back[2].seconds, .leastNonzeroMagnitude)
    }

    func testValuesNeverBecomeSQL() throws {
        let storage = try PostgresStudyStorage(url: try freshDatabase())
        let name = "kws'); DROP TABLE study; --"
        let study = try storage.createStudy(record(name))
        var trial = try storage.startTrial(in: study, x: [0.5], parameters: ["note": .string("it's $1 \\ \"quoted\"")], seed: 1, at: Date())
        trial.fail("diverged at lr 'high'")
        try storage.finish(trial, epochs: [])
        XCTAssertEqual(try storage.study(named: name)?.id, study.id)
        XCTAssertEqual(try storage.trials(of: study).first?.parameters, ["note": .string("it's $1 \\ \"quoted\"")])
        XCTAssertEqual(try storage.trials(of: study).first?.failureReason, "diverged at lr 'high'")
    }

    func testWritersOnSeveralConnectionsNeverShareATrialNumber() throws {
        let url = try freshDatabase()
        let study = try PostgresStudyStorage(url: url).createStudy(record())
        let numbers = LockedBox<[Int]>([])
        let failures = LockedBox<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 4) { writer in
            do {
                let storage = try PostgresStudyStorage(url: url)
                for i in 0..<10 {
                    var t = try storage.startTrial(in: study, x: [Double(i)], parameters: [:], seed: UInt64(writer), at: Date())
                    numbers.mutate { $0.append(t.number) }
                    t.complete(metrics: [.accuracy: 0.5])
                    try storage.finish(t, epochs: [])
                }
            } catch {
                failures.mutate { $0.append("\(error)") }
            }
        }
        XCTAssertEqual(failures.value, [])
        XCTAssertEqual(numbers.value.sorted(), Array(1...40))
        XCTAssertEqual(try PostgresStudyStorage(url: url).trials(of: study).map(\.number), Array(1...40))
    }
}

/// A value several threads append to.
final class LockedBox<T>: @unchecked Sendable {
    private var stored: T
    private let lock = NSLock()
    init(_ value: T) { stored = value }
    var value: T { lock.withLock { stored } }
    func mutate(_ change: (inout T) -> Void) { lock.withLock { change(&stored) } }
}
