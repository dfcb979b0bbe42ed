import Foundation
import NasCore
import NasStudy
import PostgresTestCluster
import XCTest
@testable import NasStudyPostgres

/// What a user sees when the server is not there, refuses the password, or stops mid-study:
/// a clear error naming the server (never its password), and every finished trial kept.
final class PostgresFaultTests: XCTestCase {
    override class func tearDown() { TestClusters.release(self) }

    func cluster() throws -> PostgresTestCluster {
        do {
            return try TestClusters.cluster(for: Self.self)
        } catch let failure as PostgresTestCluster.Failure {
            if case .notInstalled = failure { throw XCTSkip("\(failure)") }
            throw failure
        }
    }

    func testNothingListeningIsACannotConnectErrorNamingTheServer() throws {
        // Port 1 (tcpmux) is served nowhere nasbook's tests run.
        let url = "postgresql://nas:hunter2@127.0.0.1:1/nas"
        XCTAssertThrowsError(try PostgresStudyStorage(url: url)) { error in
            let e = error as? PostgresError
            XCTAssertEqual(e?.kind, .cannotConnect, "\(error)")
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix("cannot connect to PostgreSQL server postgresql://nas:***@127.0.0.1:1/nas: "), text)
            XCTAssertTrue(text.contains("Connection refused"), text)
            XCTAssertFalse(text.contains("hunter2"), text)
        }
    }

    func testWrongPasswordIsAnAuthenticationErrorWithoutThePassword() throws {
        let cluster = try cluster()
        let url = cluster.url(password: "wrong-horse")
        XCTAssertThrowsError(try PostgresStudyStorage(url: url)) { error in
            let e = error as? PostgresError
            XCTAssertEqual(e?.kind, .authentication, "\(error)")
            let text = "\(error)"
            XCTAssertTrue(text.contains("password authentication failed for user \"nas\""), text)
            XCTAssertTrue(text.contains("refused the login"), text)
            XCTAssertFalse(text.contains("wrong-horse"), text)
        }
    }

    func testServerStoppedMidStudyKeepsFinishedTrialsAndReconnectsAfterRestart() throws {
        let cluster = try cluster()
        let url = try cluster.createDatabase()
        let storage = try PostgresStudyStorage(url: url)
        let study = try storage.createStudy(StudyRecord(name: "kws", strategy: "random", seed: 1, searchSpace: "w",
                                                        objectives: [Objective(.accuracy, .maximize)], plannedTrials: 3))
        var done = try storage.startTrial(in: study, x: [0.1], parameters: [:], seed: 1, at: Date())
        done.complete(metrics: [.accuracy: 0.7])
        try storage.finish(done, epochs: [EpochRecord(epoch: 1, trainLoss: 1, trainAccuracy: 0.5, seconds: 1)])
        var running = try storage.startTrial(in: study, x: [0.2], parameters: [:], seed: 2, at: Date())

        try cluster.stop()
        running.complete(metrics: [.accuracy: 0.8])
        XCTAssertThrowsError(try storage.finish(running, epochs: [])) { error in
            let e = error as? PostgresError
            XCTAssertTrue([.connectionLost, .cannotConnect].contains(e?.kind), "\(error)")
            XCTAssertTrue("\(error)".contains(storage.location), "\(error)")
            XCTAssertFalse("\(error)".contains(cluster.password), "\(error)")
        }
        try cluster.start()
        // The same storage reconnects at its next call; the finished trial and its curve are there.
        let trials = try storage.trials(of: study)
        XCTAssertEqual(trials.map(\.number), [1, 2])
        XCTAssertEqual(trials.map(\.status), [.complete, .running])
        XCTAssertEqual(try storage.epochs(of: trials[0]).count, 1)
        let resumed = try storage.resume(study)
        XCTAssertEqual(resumed.trials.map(\.number), [1])
        XCTAssertEqual(resumed.interrupted, [2])
    }
}
