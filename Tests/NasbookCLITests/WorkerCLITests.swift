import Foundation
import XCTest

/// Parallel searches with real worker processes of the built binary (`search(..., workers: N)`
/// starts `nasbook worker` children over the study's SQLite file): a worker killed with SIGKILL
/// mid-trial loses nothing and duplicates nothing, and the study is the one-worker synchronous
/// run's; Ctrl-C keeps every finished trial and `--resume` finishes the study.
final class WorkerCLITests: XCTestCase {
    /// Tiny trainings (a second or two each), so the tests add seconds, not minutes.
    static func script(workers: Int, trials: Int = 6) -> String {
        """
        target = board(name: "test board", mcu: "none", core: "Cortex-M4", clock: 80 MHz, ram: 256 KB, flash: 1 MB)
        data = dataset.motion(count: 400, length: 64, seed: 2)
        space tiny {
          width in [4, 8]
          depth in 1..2
          lr = 0.1
          epochs = 3
          prune in 0.0 ~ 0.5 per layer
          bits in [4, 8] per layer
        }
        s = search(tiny, data, target, strategy: ars_mobo, trials: \(trials), seed: 3, workers: \(workers), batch: 3, lease: 3)
        show s

        """
    }

    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("nasbook-workers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    func write(_ name: String, _ text: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// The proposer's stable line per finished trial: `trial 4 [4/6]  accuracy ...  | width 8 ...`.
    static func trialLines(_ out: String) -> [String] {
        out.split(separator: "\n").map(String.init).filter { $0.hasPrefix("trial ") && ($0.contains("] ") || $0.contains("skipped")) }
    }

    /// The `status` report's counts row of the only study: done/planned, complete, failed, infeasible, running, queued.
    func counts(_ database: String) throws -> [String] {
        let status = try CLITests.nasbook(["status", database])
        XCTAssertEqual(status.status, 0, status.err)
        let lines = status.out.split(separator: "\n").map(String.init)
        guard let header = lines.firstIndex(where: { $0.contains("done/planned") }), header + 1 < lines.count else { return [] }
        return Array(lines[header + 1].split(separator: " ").map(String.init).dropFirst(3))
    }

    /// The pid of a worker holding a running trial now, from `nasbook status` (a SQLite path or
    /// a PostgreSQL URL).
    static func busyWorker(_ database: String) throws -> Int32? {
        let status = try CLITests.nasbook(["status", database])
        guard let section = status.out.components(separatedBy: "running trials").last else { return nil }
        for line in section.split(separator: "\n").dropFirst(2) {
            let columns = line.split(separator: " ")
            guard columns.count >= 3 else { continue }
            let owner = columns[2].split(separator: ":")
            if owner.count == 3, let pid = Int32(owner[1]) { return pid }
        }
        return nil
    }

    func testAWorkerKilledMidTrialLosesNothingAndTheStudyIsTheOneWorkerRun() throws {
        let one = try write("one.nas", Self.script(workers: 1))
        let reference = try CLITests.nasbook(["run", one, "--db", directory.appendingPathComponent("one.db").path])
        XCTAssertEqual(reference.status, 0, reference.err)
        XCTAssertEqual(Self.trialLines(reference.out).count, 6, reference.out)

        let three = try write("three.nas", Self.script(workers: 3))
        let database = directory.appendingPathComponent("three.db").path
        // Each worker holds its trial 1.5 s before training: the kill lands mid-trial.
        let run = try RunningNasbook(["run", three, "--db", database], env: [StudyWorkerPause.variable: "1.5"])
        // Kill the first worker seen training, mid-trial.
        var killed: Int32?
        let deadline = Date().addingTimeInterval(120)
        while killed == nil, run.process.isRunning, Date() < deadline {
            if FileManager.default.fileExists(atPath: database), let pid = try Self.busyWorker(database) {
                XCTAssertEqual(kill(pid, SIGKILL), 0)
                killed = pid
            } else {
                Thread.sleep(forTimeInterval: 0.1)
            }
        }
        // A proposer that never takes the dead worker's lease back would wait forever: give up.
        let finished = run.finish(timeout: 180)
        let output = finished.out
        XCTAssertNotNil(killed, "no worker was seen training: \(output) \(finished.err)")
        XCTAssertEqual(finished.status, 0, finished.err)
        XCTAssertTrue(output.contains("planned again for another worker"), "the killed worker's lease expired: \(output)")
        // Exactly the planned trials, each once, with the configurations (and, training being
        // deterministic, the results) of the one-worker run with the same batch.
        XCTAssertEqual(Self.trialLines(output), Self.trialLines(reference.out), output)
        let counted = try counts(database)
        XCTAssertEqual([counted.first, counted.dropFirst(4).first, counted.last], ["6/6", "0", "0"], "six trials, none running or queued: \(counted)")
        let study = { (text: String) in text.components(separatedBy: "study of space").last! }
        XCTAssertEqual(study(output), study(reference.out))
    }

    func testCtrlCKeepsFinishedTrialsAndResumeFinishesTheStudy() throws {
        let script = try write("stop.nas", Self.script(workers: 2, trials: 6))
        let database = directory.appendingPathComponent("stop.db").path
        let run = try RunningNasbook(["run", script, "--db", database])
        run.read { Self.trialLines($0).count >= 2 }
        run.signal(SIGINT)
        let stopped = run.finish()
        let seen = stopped.out
        XCTAssertEqual(stopped.status, 130, seen)
        let kept = seen.firstMatch(of: /the study keeps its (\d+) finished trials/).map { Int($0.1)! }
        XCTAssertNotNil(kept, seen)
        XCTAssertGreaterThanOrEqual(kept ?? 0, 2, seen)

        let resumed = try CLITests.nasbook(["run", script, "--db", database, "--resume"])
        XCTAssertEqual(resumed.status, 0, resumed.err)
        XCTAssertTrue(resumed.out.contains("resumed: \(kept ?? -1) finished trials"), resumed.out)
        let finished = try counts(database)
        XCTAssertEqual([finished.first, finished.dropFirst(4).first, finished.last], ["6/6", "0", "0"], "six trials, none running or queued: \(finished)")
        let numbers = (Self.trialLines(seen) + Self.trialLines(resumed.out)).compactMap { $0.split(separator: " ").dropFirst().first.flatMap { Int($0) } }
        XCTAssertEqual(Set(numbers).count, numbers.count, "no trial reported twice: \(numbers)")
    }

    /// Asynchronous mode: a new trial as soon as one ends; the study still ends with exactly the
    /// planned trials, each once.
    func testAsynchronousModeRunsExactlyThePlannedTrials() throws {
        let script = try write("async.nas", Self.script(workers: 2, trials: 5).replacingOccurrences(of: "batch: 3", with: "mode: \"async\""))
        let database = directory.appendingPathComponent("async.db").path
        let run = try CLITests.nasbook(["run", script, "--db", database])
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertTrue(run.out.contains("asynchronously, 2 at a time"), run.out)
        let numbers = Self.trialLines(run.out).compactMap { $0.split(separator: " ").dropFirst().first.flatMap { Int($0) } }
        XCTAssertEqual(numbers.sorted(), [1, 2, 3, 4, 5], run.out)
        let finished = try counts(database)
        XCTAssertEqual([finished.first, finished.dropFirst(4).first, finished.last], ["5/5", "0", "0"], "\(finished)")
    }

    /// `spawn: false`: the search only proposes, and a worker started by hand (before the study
    /// even exists: it waits for it) trains every trial.
    func testAWorkerStartedByHandTrainsAProposerOnlySearch() throws {
        let script = try write("hand.nas", Self.script(workers: 1, trials: 3).replacingOccurrences(of: "batch: 3", with: "batch: 2, spawn: false"))
        let database = directory.appendingPathComponent("hand.db").path
        let worker = try RunningNasbook(["worker", database, "--study", "tiny", "--threads", "1", "--wait", "60"], directory: directory)
        let run = try CLITests.nasbook(["run", script, "--db", database], directory: directory)
        let work = worker.finish()
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertTrue(run.out.contains("waiting for workers: nasbook worker"), run.out)
        XCTAssertEqual(Self.trialLines(run.out).count, 3, run.out)
        XCTAssertEqual(work.status, 0, work.err)
        XCTAssertTrue(work.err.contains("3 trials of study 'tiny' finished"), work.err)
    }

    /// A synchronous study stopped mid-batch (Ctrl-C while the second batch trains) and
    /// resumed runs the batch's unfinished trials under their own numbers and seeds, so the
    /// resumed study is the uninterrupted one, trial for trial.
    func testAStudyInterruptedMidBatchResumesAsTheUninterruptedOne() throws {
        try Self.checkResumeMidBatch(script: try write("mid.nas", Self.script(workers: 2, trials: 6)),
                                     whole: directory.appendingPathComponent("whole.db").path,
                                     interrupted: directory.appendingPathComponent("mid.db").path)
    }

    /// Runs `script` (two workers, batches of 3, six trials) whole into `whole`, then into
    /// `interrupted` stopped by Ctrl-C while its second batch trains, resumes it, and checks
    /// that the resumed study ran the batch's unfinished trials again under their own numbers
    /// and seeds and equals the whole one.
    static func checkResumeMidBatch(script: String, whole: String, interrupted: String,
                                    file: StaticString = #filePath, line: UInt = #line) throws {
        let reference = try CLITests.nasbook(["run", script, "--db", whole])
        XCTAssertEqual(reference.status, 0, reference.err, file: file, line: line)
        XCTAssertEqual(trialLines(reference.out).count, 6, reference.out, file: file, line: line)

        // Each worker holds its trial 3 s first: the stop lands while the second batch trains.
        let run = try RunningNasbook(["run", script, "--db", interrupted], env: [StudyWorkerPause.variable: "3"])
        XCTAssertTrue(run.read { trialLines($0).count >= 3 }, run.output, file: file, line: line)
        let deadline = Date().addingTimeInterval(60)
        while try busyWorker(interrupted) == nil, Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        run.signal(SIGINT)
        let stopped = run.finish()
        XCTAssertEqual(stopped.status, 130, stopped.err, file: file, line: line)
        XCTAssertEqual(trialLines(stopped.out).count, 3, "the second batch was cut short: \(stopped.out)", file: file, line: line)

        let resumed = try CLITests.nasbook(["run", script, "--db", interrupted, "--resume"])
        XCTAssertEqual(resumed.status, 0, resumed.err, file: file, line: line)
        XCTAssertTrue(resumed.out.contains("again under their own numbers and seeds") || resumed.out.contains("again under its own number and seed"),
                      resumed.out, file: file, line: line)
        XCTAssertEqual(trialLines(stopped.out) + trialLines(resumed.out), trialLines(reference.out), resumed.out, file: file, line: line)
        let study = { (text: String) in text.components(separatedBy: "study of space").last! }
        XCTAssertEqual(study(resumed.out), study(reference.out), file: file, line: line)
    }

    /// SIGTERM (Slurm, Kubernetes) stops a worker cleanly mid-trial: it gives the trial back at
    /// once (the lease here is 600 s, so only the release lets the study finish in time), marks
    /// itself stopped and exits 143; another worker then finishes the study.
    func testSIGTERMGivesTheTrialBackAtOnceAndStopsTheWorker() throws {
        let script = try write("term.nas", Self.script(workers: 1, trials: 2).replacingOccurrences(of: "batch: 3, lease: 3", with: "batch: 1, spawn: false, lease: 600"))
        let database = directory.appendingPathComponent("term.db").path
        let worker = try RunningNasbook(["worker", database, "--study", "tiny", "--threads", "1", "--wait", "60"],
                                        env: [StudyWorkerPause.variable: "60"], directory: directory)
        let proposer = try RunningNasbook(["run", script, "--db", database], directory: directory)
        XCTAssertTrue(worker.read { $0.contains("trial 1: training") }, worker.output)
        worker.signal(SIGTERM)
        let stopped = worker.finish(timeout: 30)
        XCTAssertEqual(stopped.status, 143, stopped.err)
        XCTAssertTrue(stopped.out.contains("trial 1: stopped; planned again for another worker"), stopped.out)
        XCTAssertTrue(stopped.err.contains("gave back trial 1 (planned again at once)"), stopped.err)
        XCTAssertTrue(stopped.err.contains("nasbook worker: stopped by SIGTERM"), stopped.err)
        let status = try CLITests.nasbook(["status", database])
        XCTAssertTrue(status.out.contains("running trials (0):"), status.out)
        XCTAssertTrue(status.out.contains("stopped"), "the worker marked itself stopped: \(status.out)")

        let second = try CLITests.nasbook(["worker", database, "--study", "tiny", "--threads", "1", "--wait", "60"], directory: directory)
        XCTAssertEqual(second.status, 0, second.err)
        XCTAssertTrue(second.err.contains("2 trials of study 'tiny' finished"), second.err)
        let run = proposer.finish()
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertEqual(Self.trialLines(run.out).count, 2, run.out)
        XCTAssertFalse(run.out.contains("sent no heartbeat"), "released, not expired: \(run.out)")
    }

    func testStatusListsStudiesWorkersAndRunningTrials() throws {
        let script = try write("status.nas", Self.script(workers: 2, trials: 3))
        let database = directory.appendingPathComponent("status.db").path
        let run = try CLITests.nasbook(["run", script, "--db", database])
        XCTAssertEqual(run.status, 0, run.err)
        let status = try CLITests.nasbook(["status", database])
        XCTAssertEqual(status.status, 0, status.err)
        XCTAssertTrue(status.out.contains("studies (1):"), status.out)
        XCTAssertTrue(status.out.contains("tiny"), status.out)
        XCTAssertTrue(status.out.contains("workers (2):"), status.out)
        XCTAssertTrue(status.out.contains("stopped"), status.out)
        XCTAssertTrue(status.out.contains("running trials (0):"), status.out)
        let missing = try CLITests.nasbook(["status", directory.appendingPathComponent("none.db").path])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.err.contains("does not exist"), missing.err)
        let noStudy = try CLITests.nasbook(["worker", database, "--study", "nope", "--wait", "0"])
        XCTAssertEqual(noStudy.status, 1)
        XCTAssertTrue(noStudy.err.contains("no study named 'nope'"), noStudy.err)
    }
}

/// The worker's test hook (`StudyWorker.pauseVariable`): hold each claimed trial this many
/// seconds before training it, so a test can act mid-trial.
enum StudyWorkerPause {
    static let variable = "NASBOOK_FAULT_TRIAL_PAUSE"
}
