import Foundation
import NasCore
import NasNN
import NasStudy
import NasTrial
#if canImport(Glibc)
import Glibc
#endif

/// The worker's half of a parallel or distributed search: claim the study's next planned
/// trial, train it, finish it while still holding its lease, and again, until the proposer
/// marks the study finished (or the worker is stopped). A side thread renews the lease every
/// `heartbeatInterval`; when the lease is lost anyway (the worker stalled past the timeout and
/// the proposer gave the trial to another worker) the training stops and nothing is stored,
/// so no trial is ever recorded twice.
///
/// Workers do not decide anything: the proposer already cost-checked every planned point, and
/// each trial's seed is stored with it, so a trial trains to the same network on any worker and
/// any thread count.
public struct StudyWorker {
    public let study: Study
    public let decoder: SpaceDecoder
    public let runner: TrialRunner
    public let data: TrialData
    public let assignment: WorkerAssignment
    /// How often the worker renews its lease; the proposer's timeout is several times longer.
    public var heartbeatInterval: TimeInterval = 0.5
    /// How long to wait between looks for a planned trial.
    public var pollInterval: TimeInterval = 0.2

    /// Test hook: with `NASBOOK_FAULT_TRIAL_PAUSE=S` a worker holds each claimed trial for S
    /// seconds (heartbeating) before training it, so tests of the binary can kill a worker
    /// mid-trial however fast their tiny trainings are.
    static let pauseVariable = "NASBOOK_FAULT_TRIAL_PAUSE"
    let pause = ProcessInfo.processInfo.environment[StudyWorker.pauseVariable].flatMap(Double.init) ?? 0

    /// What the worker did, for its last line.
    public struct Summary {
        public var finished = 0
        public var lost = 0
        /// Trials it held when it was stopped and gave back (planned again at once).
        public var released: [Int] = []
    }

    /// The study database stopped answering for longer than the worker retries.
    public struct Unreachable: Error, CustomStringConvertible {
        public let location: String
        public let seconds: Double
        public let underlying: any Error
        /// A trial trained to its end whose outcome could not be stored, if any.
        public let unstored: Int?
        public var description: String {
            "the study database \(location) did not answer for \(NumberFormat.plain(seconds)) s (\(underlying))"
                + (unstored.map { "; trial \($0) finished training but could not be stored: it runs again when the study continues" } ?? "")
                + ". Every trial stored before is kept there; when the database is back, start the worker again (and `nasbook run --resume` the search if it stopped too)"
        }
    }

    public init(study: Study, decoder: SpaceDecoder, runner: TrialRunner, data: TrialData, assignment: WorkerAssignment) {
        self.study = study
        self.decoder = decoder
        self.runner = runner
        self.data = data
        self.assignment = assignment
    }

    /// Runs until the study is finished, `shouldStop` (Ctrl-C, SIGTERM), or the parent proposer
    /// is gone. A worker that stops gives back the lease it holds, so its trial is planned
    /// again at once rather than after the lease timeout. When the storage fails (a database
    /// server restarting), each call is retried with backoff for `assignment.retry` seconds;
    /// then the worker ends with `Unreachable`.
    public func run(log: (String) -> Void, shouldStop: @escaping () -> Bool) throws -> Summary {
        let storage = study.storage
        let host = ProcessInfo.processInfo.hostName
        var me = WorkerRecord(id: assignment.id, host: host, pid: Int(getpid()), threads: assignment.threads ?? Parallel.threads,
                              studyID: study.record.id)
        var unstored: Int?
        /// `body`, retried with doubling pauses (0.25 s up to 4 s) while the storage fails,
        /// for at most `assignment.retry` seconds from the first failure.
        func reliably<T>(_ body: () throws -> T) throws -> T {
            var pause = 0.25
            var since: Date?
            while true {
                do { return try body() } catch {
                    let start = since ?? Date()
                    if since == nil {
                        since = start
                        log("the study database \(storage.location) did not answer (\(error)); retrying for up to \(NumberFormat.plain(assignment.retry)) s\n")
                    }
                    guard Date().timeIntervalSince(start) + pause <= assignment.retry, !shouldStop() else {
                        throw Unreachable(location: storage.location, seconds: Date().timeIntervalSince(start), underlying: error, unstored: unstored)
                    }
                    Thread.sleep(forTimeInterval: pause)
                    pause = min(2 * pause, 4)
                }
            }
        }
        try reliably { try storage.registerWorker(me) }
        let beat = Heartbeat(storage: storage, worker: me.id, interval: heartbeatInterval)
        beat.start()
        defer {
            beat.stop()
            me.state = .stopped
            me.heartbeat = Date()
            try? storage.registerWorker(me)
        }
        var summary = Summary()
        func parentGone() -> Bool { assignment.parent.map { getppid() != $0 } ?? false }
        while !shouldStop(), !parentGone() {
            guard var trial = try reliably({ try storage.claimTrial(in: study.record, worker: me.id, at: Date()) }) else {
                try reliably { try study.refresh() }
                if study.record.status == .finished { break }
                Thread.sleep(forTimeInterval: pollInterval)
                continue
            }
            me.state = .training
            me.heartbeat = Date()
            try reliably { try storage.registerWorker(me) }
            log("trial \(trial.number): training\n")
            if pause > 0 {
                let end = Date().addingTimeInterval(pause)
                while Date() < end, !shouldStop() { Thread.sleep(forTimeInterval: 0.05) }
            }
            let configuration = decoder.decode(trial.x)
            var observer = TrialRunner.Observer()
            let trialID = trial.id
            observer.shouldStop = { shouldStop() || parentGone() || beat.lost(trialID) }
            var interrupted = false
            let outcome = Parallel.withThreads(assignment.threads) {
                runner.run(configuration.plan, on: data, seed: trial.seed, observer: observer, interrupted: &interrupted)
            }
            if interrupted {
                if beat.lost(trialID) {
                    summary.lost += 1
                    log("trial \(trial.number): lease lost, stopped; it runs again elsewhere\n")
                    continue
                }
                // Stopped: give the lease back, so the trial is planned again now, not after
                // the timeout (a failure here leaves it to the timeout, as a kill would).
                summary.released = (try? storage.releaseTrials(of: me.id)) ?? []
                for n in summary.released { log("trial \(n): stopped; planned again for another worker\n") }
                break
            }
            let epochs = trial.apply(outcome)
            unstored = trial.number
            if try reliably({ try storage.finish(trial, epochs: epochs, worker: me.id) }) {
                summary.finished += 1
                log("trial \(trial.number): \(trial.status.rawValue)\n")
            } else {
                summary.lost += 1
                log("trial \(trial.number): lease lost before it finished; its outcome was not stored (the trial ran again elsewhere)\n")
            }
            unstored = nil
            me.state = .waiting
            me.heartbeat = Date()
            try reliably { try storage.registerWorker(me) }
        }
        return summary
    }
}

/// Renews a worker's leases from a side thread, so a long epoch never lets them lapse, and
/// remembers which trials the storage says the worker no longer holds.
final class Heartbeat: @unchecked Sendable {
    private let storage: any StudyStorage
    private let worker: String
    private let interval: TimeInterval
    private let lock = NSLock()
    private var running = true
    /// What the last beat found leased to the worker, and every trial any beat found.
    private var held: Set<Int64> = []
    private var everHeld: Set<Int64> = []
    private var thread: Thread?

    init(storage: any StudyStorage, worker: String, interval: TimeInterval) {
        self.storage = storage
        self.worker = worker
        self.interval = interval
    }

    func start() {
        let thread = Thread { [self] in
            while lock.withLock({ running }) {
                // A failed beat (the database busy for a moment) is retried on the next one;
                // only a lease the storage no longer lists counts as lost.
                if let ids = try? storage.heartbeat(worker: worker, at: Date()) {
                    lock.withLock {
                        held = Set(ids)
                        everHeld.formUnion(ids)
                    }
                }
                Thread.sleep(forTimeInterval: interval)
            }
        }
        thread.start()
        self.thread = thread
    }

    func stop() { lock.withLock { running = false } }

    /// Whether a beat found `trial` leased to this worker and a later one no longer did. A
    /// trial claimed after the last beat is not known yet, so it is not lost either.
    func lost(_ trial: Int64?) -> Bool {
        guard let trial else { return false }
        return lock.withLock { everHeld.contains(trial) && !held.contains(trial) }
    }
}
