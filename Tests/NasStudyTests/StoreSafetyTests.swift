import Foundation
import GRDB
import NasCore
import XCTest
@testable import NasStudy

/// The store's guards: a damaged file is refused at open, a writer holds the study alone,
/// fingerprints are kept, a full database fails the write that does not fit.
final class StoreSafetyTests: StoreTestCase {
    func testFingerprintRoundTrips() throws {
        let store = try StudyStore(path: databasePath)
        let study = try store.createStudy(StudyRecord(
            name: "kws", strategy: "random", seed: 1, searchSpace: "w", objectives: [Objective(Metric.accuracy, .maximize)],
            plannedTrials: 3, fingerprint: ["dataset": "motion (600 samples, content 1f)", "board": "pico"]))
        let read = try XCTUnwrap(try StudyStore(path: databasePath).study(named: "kws"))
        XCTAssertEqual(read.fingerprint, ["dataset": "motion (600 samples, content 1f)", "board": "pico"])
        XCTAssertEqual(read, study)
    }

    func testADamagedFileIsRefusedAtOpen() throws {
        do {
            let store = try StudyStore(path: databasePath)
            let study = try makeStudy(store)
            for i in 0..<200 { try addTrial(store, study, [Metric.accuracy: Double(i) / 200, Metric.ram: 1000]) }
        }
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: databasePath))
        let size = try handle.seekToEnd()
        XCTAssertGreaterThan(size, 3 * 4096)
        try handle.seek(toOffset: 2 * 4096)
        try handle.write(contentsOf: Data(repeating: 0xA5, count: Int(size) - 2 * 4096))
        try handle.close()
        XCTAssertThrowsError(try StudyStore(path: databasePath)) { error in
            guard case .corrupt(let path, _)? = error as? StudyStoreError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, databasePath)
            XCTAssertTrue("\(error)".contains("is damaged"), "\(error)")
        }
    }

    func testNotADatabaseIsRefused() throws {
        try Data("these are my notes, not a database, but long enough to look like a header....".utf8)
            .write(to: URL(fileURLWithPath: databasePath))
        XCTAssertThrowsError(try StudyStore(path: databasePath)) { error in
            guard case .corrupt? = error as? StudyStoreError else { return XCTFail("\(error)") }
        }
    }

    func testAWriterHoldsALockNamingItself() throws {
        let store = try StudyStore(path: databasePath, exclusive: true)
        let holder = try String(contentsOfFile: databasePath + ".lock", encoding: .utf8)
        XCTAssertTrue(holder.hasPrefix("process \(getpid()) ("), holder)
        // The same process may open the file again (a script with two searches).
        XCTAssertNoThrow(try StudyStore(path: databasePath, exclusive: true))
        _ = store
    }

    func testTheLockIsTakenByAnotherProcessOnlyAfterRelease() throws {
        // flock is per open file, so a second descriptor stands in for another process.
        let fd = open(databasePath + ".lock", O_RDWR | O_CREAT, 0o644)
        XCTAssertEqual(flock(fd, LOCK_EX | LOCK_NB), 0)
        _ = "process 99999 (nasbook run other.nas) since then\n".withCString { write(fd, $0, strlen($0)) }
        XCTAssertThrowsError(try StudyStore(path: databasePath, exclusive: true)) { error in
            XCTAssertEqual(error as? StudyStoreError, .locked(path: databasePath, holder: "process 99999 (nasbook run other.nas) since then"))
            XCTAssertTrue("\(error)".contains("is in use by process 99999 (nasbook run other.nas)"), "\(error)")
        }
        close(fd)
        XCTAssertNoThrow(try StudyStore(path: databasePath, exclusive: true))
    }

    /// SQLite's own full-file answer (the writer's page cap stands in for the disk).
    func testAFullDatabaseFailsTheWriteAndKeepsWhatWasCommitted() throws {
        let store = try StudyStore(path: databasePath)
        let study = try makeStudy(store)
        try store.pool.writeWithoutTransaction { db in
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count")!
            try db.execute(sql: "PRAGMA max_page_count = \(pages + 1)")
        }
        var committed = 0
        var failure: Error?
        for i in 0..<2000 {
            do {
                try addTrial(store, study, [Metric.accuracy: Double(i), Metric.ram: 1000])
                committed += 1
            } catch {
                failure = error
                break
            }
        }
        let error = try XCTUnwrap(failure, "the capped file filled up")
        XCTAssertEqual((error as? DatabaseError)?.resultCode, .SQLITE_FULL, "\(error)")
        XCTAssertGreaterThan(committed, 0)
        let reopened = try StudyStore(path: databasePath)
        XCTAssertEqual(try reopened.trials(of: study).filter { $0.status == .complete }.count, committed)
    }

    func testTheFullDiskHookFailsFinishAfterNTrials() throws {
        setenv(StudyStore.fullAfterVariable, "2", 1)
        defer { unsetenv(StudyStore.fullAfterVariable) }
        let store = try StudyStore(path: databasePath)
        let study = try makeStudy(store)
        try addTrial(store, study, [Metric.accuracy: 0.1])
        try addTrial(store, study, [Metric.accuracy: 0.2])
        XCTAssertThrowsError(try addTrial(store, study, [Metric.accuracy: 0.3])) { error in
            XCTAssertEqual((error as? DatabaseError)?.resultCode, .SQLITE_FULL, "\(error)")
        }
        XCTAssertEqual(try store.trials(of: study).filter { $0.status == .complete }.count, 2)
    }
}
