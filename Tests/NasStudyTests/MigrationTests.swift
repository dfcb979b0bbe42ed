import Foundation
import GRDB
import NasCore
import XCTest
@testable import NasStudy

final class MigrationTests: StoreTestCase {
    func testFreshFileGetsTheSchemaInWALMode() throws {
        XCTAssertFalse(FileManager.default.fileExists(atPath: databasePath))
        let store = try StudyStore(path: databasePath)
        XCTAssertTrue(FileManager.default.fileExists(atPath: databasePath))
        try store.pool.read { db in
            XCTAssertEqual(try String.fetchOne(db, sql: "PRAGMA journal_mode"), "wal")
            XCTAssertEqual(Set(try Schema.migrator.appliedIdentifiers(db)),
                           ["v1: studies, trials, epochs", "v2: study fingerprint", "v3: trial leases, workers"])
            XCTAssertTrue(try Schema.migrator.hasCompletedMigrations(db))
            XCTAssertEqual(Set(try db.columns(in: "study").map(\.name)), [
                "id", "name", "created", "strategy", "seed", "searchSpace", "objectives", "budget", "plannedTrials", "script",
                "scriptHash", "status", "fingerprint",
            ])
            XCTAssertEqual(Set(try db.columns(in: "trial").map(\.name)), [
                "id", "studyId", "number", "status", "failureReason", "x", "parameters", "metrics", "seed", "started", "finished",
                "seconds", "owner", "heartbeat",
            ])
            XCTAssertEqual(Set(try db.columns(in: "worker").map(\.name)), [
                "id", "host", "pid", "threads", "studyId", "started", "heartbeat", "state",
            ])
            XCTAssertEqual(Set(try db.columns(in: "epoch").map(\.name)), [
                "trialId", "epoch", "loss", "accuracy", "validationLoss", "validationAccuracy", "seconds",
            ])
            XCTAssertEqual(try db.foreignKeys(on: "trial").first?.destinationTable, "study")
            XCTAssertEqual(try db.foreignKeys(on: "epoch").first?.destinationTable, "trial")
        }
    }

    func testReopeningKeepsDataAndDoesNotMigrateAgain() throws {
        do {
            let store = try StudyStore(path: databasePath)
            try addTrial(store, try makeStudy(store), [Metric.accuracy: 0.7])
        }
        let store = try StudyStore(path: databasePath)
        let study = try XCTUnwrap(try store.study(named: "kws"))
        XCTAssertEqual(try store.trials(of: study).map(\.metrics), [[Metric.accuracy: 0.7]])
        try store.pool.read { db in
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM grdb_migrations"), 3)
        }
    }

    /// A file written before fingerprints were kept opens with an empty one for each study.
    func testAVersionOneFileGainsEmptyFingerprints() throws {
        do {
            let pool = try DatabasePool(path: databasePath)
            try Schema.migrator.migrate(pool, upTo: "v1: studies, trials, epochs")
            try pool.write { db in
                try db.execute(sql: """
                    INSERT INTO study (name, created, strategy, seed, searchSpace, objectives, budget, plannedTrials, script, scriptHash, status)
                    VALUES ('old', 0, 'random', 1, 'w', '[]', '[]', 3, '', '', 'running')
                    """)
            }
        }
        let store = try StudyStore(path: databasePath)
        XCTAssertEqual(try store.study(named: "old")?.fingerprint, [:])
    }

    /// A file written before leases keeps every trial and curve through v3's rebuild of the
    /// trial table, and its trials read back without owners.
    func testAVersionTwoFileKeepsItsTrialsAndCurvesThroughTheLeaseMigration() throws {
        do {
            let pool = try DatabasePool(path: databasePath)
            try Schema.migrator.migrate(pool, upTo: "v2: study fingerprint")
            try pool.write { db in
                try db.execute(sql: """
                    INSERT INTO study (name, created, strategy, seed, searchSpace, objectives, budget, plannedTrials, script, scriptHash, status)
                    VALUES ('old', 0, 'random', 1, 'w', '[]', '[]', 3, '', '', 'running');
                    INSERT INTO trial (studyId, number, status, x, parameters, metrics, seed, started, finished, seconds)
                    VALUES (1, 1, 'complete', '[0.5]', '{}', '{"accuracy": 0.75}', 3, 10, 20, 10),
                           (1, 2, 'running', '[0.25]', '{}', '{}', 4, 30, NULL, NULL);
                    INSERT INTO epoch (trialId, epoch, loss, accuracy, seconds) VALUES (1, 1, 0.5, 0.75, 10);
                    """)
            }
        }
        let store = try StudyStore(path: databasePath)
        let study = try XCTUnwrap(try store.study(named: "old"))
        let trials = try store.trials(of: study)
        XCTAssertEqual(trials.map(\.number), [1, 2])
        XCTAssertEqual(trials.map(\.status), [.complete, .running])
        XCTAssertEqual(trials[0].metrics, [Metric.accuracy: 0.75])
        XCTAssertEqual(trials.map(\.owner), [nil, nil])
        XCTAssertEqual(try store.epochs(of: trials[0]).map(\.trainAccuracy), [0.75])
        try store.pool.read { db in
            XCTAssertEqual(try db.foreignKeys(on: "epoch").first?.destinationTable, "trial")
            XCTAssertEqual(try db.foreignKeys(on: "trial").first?.destinationTable, "study")
            XCTAssertEqual(try Row.fetchAll(db, sql: "PRAGMA foreign_key_check"), [])
        }
        // The rebuilt table still refuses a second trial 1 and accepts a planned one.
        try store.pool.write { db in
            XCTAssertThrowsError(try db.execute(sql: """
                INSERT INTO trial (studyId, number, status, x, parameters, metrics, seed, started) VALUES (1, 1, 'planned', '[]', '{}', '{}', 0, 0)
                """))
        }
        XCTAssertEqual(try store.planTrials(in: study, points: [TrialPoint(x: [0.1], seed: 5)]).map(\.number), [3])
    }

    func testAFileThatIsNotAStudyIsAnErrorNotACrash() throws {
        try "checkpoint, not a database\n".write(toFile: databasePath, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try StudyStore(path: databasePath)) { error in
            XCTAssertTrue("\(error)".contains("not a database"), "\(error)")
        }
        XCTAssertThrowsError(try StudyStore(path: directory.appendingPathComponent("missing/dir/study.db").path))
    }

    func testTheSchemaRefusesBadRows() throws {
        let store = try StudyStore(path: databasePath)
        let study = try makeStudy(store)
        let trial = try addTrial(store, study, [Metric.accuracy: 0.7])
        try store.pool.write { db in
            // Status outside the vocabulary.
            XCTAssertThrowsError(try db.execute(sql: "UPDATE trial SET status = 'done'"))
            // A second trial 1 in the same study.
            XCTAssertThrowsError(try db.execute(sql: """
                INSERT INTO trial (studyId, number, status, x, parameters, metrics, seed, started)
                VALUES (?, 1, 'running', '[]', '{}', '{}', 0, 0)
                """, arguments: [study.id]))
            // An epoch of a trial that does not exist.
            XCTAssertThrowsError(try db.execute(sql: "INSERT INTO epoch (trialId, epoch, seconds) VALUES (999, 1, 0)"))
        }
        // Deleting a study takes its trials and their curves with it.
        try store.finish(trial, epochs: [EpochRecord(epoch: 1, trainLoss: 1, trainAccuracy: 0.5, seconds: 1)])
        try store.pool.write { db in
            try db.execute(sql: "DELETE FROM study")
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM trial"), 0)
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM epoch"), 0)
        }
    }
}
