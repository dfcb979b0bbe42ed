import Foundation
import PostgresTestCluster
import XCTest

/// `nasbook run --db postgresql://...` and `search(..., storage: ...)` against a real,
/// throwaway PostgreSQL server, as real processes: a study stored on the server and read back
/// by another process, and the faults a user meets (bad URL, nothing listening, wrong password,
/// the server stopped mid-study), each a clear error naming the server without its password,
/// exit 1, and every finished trial kept.
final class PostgresCLITests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("nasbook-pg-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }
    override class func tearDown() { TestClusters.release(self) }

    func cluster() throws -> PostgresTestCluster {
        do {
            return try TestClusters.cluster(for: Self.self)
        } catch let failure as PostgresTestCluster.Failure {
            if case .notInstalled = failure { throw XCTSkip("\(failure)") }
            throw failure
        }
    }

    func script(_ text: String = StudyCrashTests.script) throws -> String {
        let url = directory.appendingPathComponent("study.nas")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// The front and summary a run prints, from "study of space" on.
    func study(_ output: String) -> String { output.components(separatedBy: "study of space").last! }

    func testBadURLServerDownAndWrongPasswordAreClearErrors() throws {
        let file = try script()
        let cases: [(url: String, expect: String)] = [
            ("postgresql://nas:hunter2@127.0.0.1:notaport/nas", "bad PostgreSQL location postgresql://nas:***@127.0.0.1:notaport/nas"),
            ("postgresql://nas:hunter2@127.0.0.1:1/nas", "cannot connect to PostgreSQL server postgresql://nas:***@127.0.0.1:1/nas"),
        ]
        let cluster = try cluster()
        let wrong = (url: cluster.url(password: "hunter2"), expect: "refused the login: ")
        for (url, expect) in cases + [wrong] {
            let run = try CLITests.nasbook(["run", file, "--db", url])
            XCTAssertEqual(run.status, 1, url + "\n" + run.out + run.err)
            XCTAssertTrue(run.err.contains(expect), run.err)
            // Reported at the search that needed the database, with its line and a caret.
            XCTAssertTrue(run.err.contains("study.nas:11:"), run.err)
            XCTAssertTrue(run.err.contains("^"), run.err)
            XCTAssertFalse((run.out + run.err).contains("hunter2"), run.err)
        }
    }

    func testStudyOnTheServerIsReadBackByAnotherProcess() throws {
        let url = try cluster().createDatabase()
        // storage: in the script names the server; a second run reads the finished study back.
        let text = StudyCrashTests.script
            .replacingOccurrences(of: "s = search(", with: "budget { ram <= 256 KB }\ns = search(")
            .replacingOccurrences(of: "trials: 6, seed: 3)", with: "trials: 3, seed: 3, storage: \"\(url)\")")
            + "table(s.trials)\nplot(s, x: ram, y: accuracy)\nbudget.ram = 2 KB\n"
            // A second search of the same program shares the program's proposer lock.
            + "space other {\n  width in [4, 8]\n  depth = 1\n  lr = 0.1\n  epochs = 1\n}\n"
            + "t = search(other, data, target, strategy: random, trials: 1, seed: 4, storage: \"\(url)\")\nshow t\n"
        let file = try script(text)
        let first = try CLITests.nasbook(["run", file])
        XCTAssertEqual(first.status, 0, first.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("study.db").path),
                       "storage: replaces the default SQLite file")
        // --resume checks a database exists before running anything: name the server.
        let again = try CLITests.nasbook(["run", file, "--resume", "--db", url])
        XCTAssertEqual(again.status, 0, again.err)
        XCTAssertTrue(again.out.contains("resumed: 3 finished trials"), again.out)
        XCTAssertFalse(again.out.contains("trial 1 [1/3]"), "nothing is retrained:\n" + again.out)
        // The same summaries, front tables and re-filtered front, read back from the server.
        let front = { (text: String) in
            (text.components(separatedBy: "study of space").dropFirst().first ?? "").split(separator: "\n")
                .prefix { !$0.hasPrefix("searching ") && !$0.hasPrefix("resumed: ") }.joined(separator: "\n")
        }
        XCTAssertEqual(front(again.out), front(first.out))
        let summaries = { (text: String) in text.split(separator: "\n").filter { $0.hasPrefix("study of space") } }
        XCTAssertEqual(summaries(again.out).count, 2, again.out)
        XCTAssertEqual(summaries(again.out), summaries(first.out))
        XCTAssertTrue(again.out.contains("re-filtered 3 stored trials"), again.out)
        XCTAssertFalse((first.out + first.err + again.out + again.err).contains(try cluster().password))
    }

    func testReplSearchesStoreOnTheServerItsDbNames() throws {
        let url = try cluster().createDatabase()
        let cells = StudyCrashTests.script.replacingOccurrences(of: "trials: 6", with: "trials: 2")
        let session = directory.appendingPathComponent("notes.nasbook").path
        let repl = try CLITests.nasbook(["repl", "--db", url, "--save", session], stdin: cells, directory: directory)
        XCTAssertEqual(repl.status, 0, repl.err)
        XCTAssertTrue(repl.out.contains("trial 2 [2/2]"), repl.out)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("notes.db").path),
                       "--db keeps the searches on the server when the session is saved")
        // replay --cached takes the session's trials from the server it names.
        let cached = try CLITests.nasbook(["replay", "--cached", session, "--db", url], directory: directory)
        XCTAssertEqual(cached.status, 0, cached.out + cached.err)
        XCTAssertTrue(cached.out.contains("cells match"), cached.out)
        // Another process finds both trials on the server and trains nothing.
        let resumed = try CLITests.nasbook(["run", try script(cells), "--db", url, "--resume"])
        XCTAssertEqual(resumed.status, 0, resumed.err)
        XCTAssertTrue(resumed.out.contains("resumed: 2 finished trials"), resumed.out)
        XCTAssertEqual(study(resumed.out), study(repl.out))
    }

    /// `search(..., workers: 3)` over PostgreSQL: three `nasbook worker` processes claim trials
    /// from the server; one is killed with SIGKILL mid-trial; the study still ends with exactly
    /// the planned trials, none lost or recorded twice, and the configurations and results of
    /// the one-worker synchronous run (same batch) in a SQLite file.
    func testThreeWorkersOneKilledMidTrialFinishTheOneWorkerStudy() throws {
        let url = try cluster().createDatabase()
        let one = try script(WorkerCLITests.script(workers: 1))
        let reference = try CLITests.nasbook(["run", one, "--db", directory.appendingPathComponent("one.db").path])
        XCTAssertEqual(reference.status, 0, reference.err)
        XCTAssertEqual(WorkerCLITests.trialLines(reference.out).count, 6, reference.out)

        let three = try script(WorkerCLITests.script(workers: 3))
        // Each worker holds its trial 1.5 s before training: the kill lands mid-trial.
        let run = try RunningNasbook(["run", three, "--db", url], env: [StudyWorkerPause.variable: "1.5"])
        var killed: Int32?
        let deadline = Date().addingTimeInterval(120)
        while killed == nil, run.process.isRunning, Date() < deadline {
            if let pid = try WorkerCLITests.busyWorker(url) {
                XCTAssertEqual(kill(pid, SIGKILL), 0)
                killed = pid
            } else {
                Thread.sleep(forTimeInterval: 0.1)
            }
        }
        let finished = run.finish(timeout: 180)
        let output = finished.out, errors = finished.err
        XCTAssertNotNil(killed, "no worker was seen training: \(output) \(errors)")
        XCTAssertEqual(finished.status, 0, errors)
        XCTAssertTrue(output.contains("planned again for another worker"), "the killed worker's lease expired: \(output)")
        XCTAssertEqual(WorkerCLITests.trialLines(output), WorkerCLITests.trialLines(reference.out), output)
        XCTAssertEqual(study(output), study(reference.out))
        // On the server: six trials, each number once, all final.
        let status = try CLITests.nasbook(["status", url])
        XCTAssertEqual(status.status, 0, status.err)
        XCTAssertTrue(status.out.contains("6/6"), status.out)
        XCTAssertFalse((output + errors + status.out + status.err).contains(try cluster().password))
    }

    func testServerStoppedMidStudyKeepsFinishedTrialsAndResumeFinishesIt() throws {
        let cluster = try cluster()
        let url = try cluster.createDatabase()
        let file = try script()
        // The reference: the same study, never interrupted, in a SQLite file.
        let whole = try CLITests.nasbook(["run", file, "--db", directory.appendingPathComponent("whole.db").path])
        XCTAssertEqual(whole.status, 0, whole.err)

        // Stop the server as soon as the run reported its second trial.
        let run = try RunningNasbook(["run", file, "--db", url])
        XCTAssertTrue(run.read { $0.contains("trial 2 [2/6]") }, run.output)
        try cluster.stop()
        let stopped = run.finish()
        let seen = stopped.out, message = stopped.err
        XCTAssertEqual(stopped.status, 1, seen + message)
        XCTAssertTrue(message.contains("search: the study database postgresql://nas:***@127.0.0.1:\(cluster.port)/"), message)
        XCTAssertTrue(message.contains("PostgreSQL server postgresql://nas:***@127.0.0.1:\(cluster.port)/"), message)
        XCTAssertTrue(message.contains("When the server is back, continue with `nasbook run --resume`"), message)
        XCTAssertFalse(message.contains(cluster.password), message)
        let reported = seen.matches(of: /trial (\d+) \[\d+\/6\]/).count
        XCTAssertGreaterThanOrEqual(reported, 2, seen)

        // Every trial the run reported is on the server after a restart; --resume finishes the
        // study exactly as the uninterrupted run did.
        try cluster.start()
        let resumed = try CLITests.nasbook(["run", file, "--db", url, "--resume"])
        XCTAssertEqual(resumed.status, 0, resumed.err)
        let kept = resumed.out.firstMatch(of: /resumed: (\d+) finished trials/).map { Int($0.1)! } ?? 0
        XCTAssertGreaterThanOrEqual(kept, reported, "a trial is reported only once committed:\n" + resumed.out)
        XCTAssertEqual(study(resumed.out), study(whole.out))
    }

    /// The server stops while a worker trains: the worker retries for its `--retry` window,
    /// then exits 1 naming the server (password hidden) and the trial it could not store.
    /// The trial it finished before is kept, and after a restart the resumed study runs the
    /// interrupted trial under its own number and completes.
    func testServerStoppedWhileAWorkerTrainsIsAClearWorkerErrorAndTheStudyCompletesAfterARestart() throws {
        let cluster = try cluster()
        let url = try cluster.createDatabase()
        let file = try script(WorkerCLITests.script(workers: 1, trials: 3)
            .replacingOccurrences(of: "batch: 3, lease: 3", with: "batch: 1, spawn: false, lease: 600"))
        let worker = try RunningNasbook(["worker", url, "--study", "tiny", "--threads", "1", "--wait", "60", "--retry", "2"],
                                        env: [StudyWorkerPause.variable: "3"], directory: directory)
        let proposer = try RunningNasbook(["run", file, "--db", url], directory: directory)
        XCTAssertTrue(worker.read { $0.contains("trial 2: training") }, worker.output)
        try cluster.stop()
        let failed = worker.finish(timeout: 90)
        XCTAssertEqual(failed.status, 1, failed.out + failed.err)
        XCTAssertTrue(failed.out.contains("trial 1: complete"), failed.out)
        XCTAssertTrue(failed.out.contains("retrying for up to 2 s"), failed.out)
        XCTAssertTrue(failed.err.contains("the study database postgresql://nas:***@127.0.0.1:\(cluster.port)/"), failed.err)
        XCTAssertTrue(failed.err.contains("trial 2 finished training but could not be stored"), failed.err)
        XCTAssertTrue(failed.err.contains("when the database is back, start the worker again"), failed.err)
        XCTAssertFalse((failed.out + failed.err).contains(cluster.password))
        XCTAssertEqual(proposer.finish(timeout: 60).status, 1, "the proposer lost the server too")

        try cluster.start()
        // The new worker starts once the resumed proposer waits for workers, so what the resume
        // found is what the interrupted run left.
        let resuming = try RunningNasbook(["run", file, "--db", url, "--resume"], directory: directory)
        XCTAssertTrue(resuming.read { $0.contains("waiting for workers") }, resuming.output)
        let again = try RunningNasbook(["worker", url, "--study", "tiny", "--threads", "1", "--wait", "60"], directory: directory)
        let resumed = resuming.finish()
        XCTAssertEqual(resumed.status, 0, resumed.err)
        XCTAssertTrue(resumed.out.contains("resumed: 1 finished trials"), resumed.out)
        XCTAssertTrue(resumed.out.contains("trial 2 runs again under its own number and seed"), resumed.out)
        XCTAssertEqual(WorkerCLITests.trialLines(resumed.out).count, 2, resumed.out)
        let finished = again.finish(timeout: 60)
        XCTAssertEqual(finished.status, 0, finished.err)
        let status = try CLITests.nasbook(["status", url])
        XCTAssertTrue(status.out.contains("3/3"), status.out)
    }

    /// As on SQLite (`WorkerCLITests`): a synchronous study on the server stopped mid-batch and
    /// resumed runs the batch's unfinished trials under their own numbers and seeds, and ends
    /// as the uninterrupted study, trial for trial.
    func testAStudyInterruptedMidBatchResumesAsTheUninterruptedOne() throws {
        let url = try cluster().createDatabase()
        try WorkerCLITests.checkResumeMidBatch(script: try script(WorkerCLITests.script(workers: 2, trials: 6)),
                                               whole: directory.appendingPathComponent("whole.db").path, interrupted: url)
    }
}
