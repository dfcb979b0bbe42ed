import Foundation
import NasCore
import NasOptimize
import NasStudy
import NasTrial
#if canImport(Glibc)
import Glibc
#endif

/// The proposer of a parallel search: it alone asks the strategy, stores proposals as
/// `planned` trials (over-budget ones are recorded as infeasible at once, as in-process), lets
/// the workers claim and train them, reads their outcomes back from the storage and tells them
/// to the strategy in trial-number order, takes back leases whose worker went silent, and ends
/// when the planned number of trials has trained. Every finished trial is in the storage the
/// moment its worker finished it, so Ctrl-C, a killed worker or a killed proposer lose nothing
/// that finished, and `resume` continues from what is stored.
public struct ParallelSearch {
    public let search: NetworkSearch
    public let options: ParallelOptions
    /// Starts the workers once the study exists in the storage: `WorkerPool.launch` for
    /// processes of the nasbook binary, `.external()` when they are started elsewhere (or, in
    /// a test, on threads of this process).
    public let launch: (_ study: StudyRecord) throws -> WorkerPool

    public init(search: NetworkSearch, options: ParallelOptions, launch: @escaping (_ study: StudyRecord) throws -> WorkerPool) {
        (self.search, self.options, self.launch) = (search, options, launch)
    }

    /// How often the proposer looks at the storage.
    public static let pollInterval: TimeInterval = 0.1

    /// Runs the study to `trials` trained trials, Ctrl-C (`output.stopRequested`: the workers
    /// are stopped, their finished trials kept) or an exhausted space. Throws `SearchFailure`
    /// when the workers cannot start or all exit, another process proposes into the study, or
    /// the storage fails; every finished trial stays stored.
    public func run(trials: Int, strategy: inout any Strategy, domain: SearchDomain, output context: any SearchOutput) throws {
        let study = search.study
        let store = study.store
        let storage = store.storage
        let resumption = try store.resume(keepingPlanned: options.keepsPlannedTrials)
        let replay = resumption.trials
        try study.reload()
        var history: [Observation] = []
        var evaluated = 0, attempted = 0, proposals = 0
        // Replay: the same batches the study ran, each told in trial order; the proposals of
        // a batch that no stored trial matches (it was interrupted) are planned first. In
        // synchronous mode the interrupted batch's unfinished trials are still stored
        // (planned): that batch becomes the current round, its finished trials told with the
        // rest once all of it is done, so the study continues as if never interrupted.
        var queue: [[Double]] = []
        var round: [Int] = []
        let stored = (replay + resumption.planned).sorted { $0.number < $1.number }
        var index = 0
        while index < stored.count, evaluated < trials {
            let k = min(options.batch, trials - evaluated)
            let points = strategy.proposeBatch(k, after: history, pending: [], in: domain)
            let batch = stored[index..<min(index + k, stored.count)]
            if batch.contains(where: { !$0.status.isFinal }) {
                round = batch.map(\.number)
                index += batch.count
                break
            }
            for t in batch {
                history.append(search.observation(t.x, t.status, t.metrics))
                if t.status != .infeasible { evaluated += 1; attempted += 1 }
            }
            if batch.count < k { queue = points.filter { p in !batch.contains { SearchLoop.same($0.x, p) } } }
            index += batch.count
        }
        if !round.isEmpty {
            let unfinished = stored.filter { round.contains($0.number) && !$0.status.isFinal }.map { String($0.number) }
            context.write("resumed: \(replay.count) finished trials replayed through \(study.strategy); the interrupted batch's trial\(unfinished.count == 1 ? "" : "s") \(unfinished.joined(separator: ", ")) run\(unfinished.count == 1 ? "s" : "") again under \(unfinished.count == 1 ? "its" : "their") own number\(unfinished.count == 1 ? "" : "s") and seed\(unfinished.count == 1 ? "" : "s")\n")
        } else if !replay.isEmpty {
            context.write("resumed: \(replay.count) finished trials replayed through \(study.strategy), continuing at trial \((replay.last?.number ?? 0) + 1)\n")
        }
        let mode = options.mode == .sync ? "synchronous batches of \(options.batch)" : "asynchronously, \(options.batch) at a time"
        context.write("searching \(search.decoder.dimensions.count) dimensions with \(study.strategy) for \(trials) trials on \(study.board.name), within \(study.budgetDescription); \(options.workers) worker\(options.workers == 1 ? "" : "s") x \(options.threads) thread\(options.threads == 1 ? "" : "s"), \(mode)\n")

        var nextNumber = (try storage.trials(of: store.record).map(\.number).max() ?? 0) + 1
        var told = Set(replay.map(\.number)).subtracting(round)
        let maxProposals = trials * NetworkSearch.proposalsPerTrial
        let progress = RunningTrialsDisplay(context: context)

        /// Stores proposals in order: over-budget ones as infeasible trials at once, the rest
        /// `planned` for the workers. Returns their numbers.
        func plan(_ points: [[Double]]) throws -> [Int] {
            try points.map { x in
                proposals += 1
                let number = nextNumber
                nextNumber += 1
                let proposal = study.proposal(at: x, number: number)
                let stored: TrialRecord
                if let reason = proposal.infeasibility {
                    var row = try store.start(x: x, parameters: proposal.parameters, seed: proposal.seed)
                    row.markInfeasible(reason, metrics: proposal.computedMetrics)
                    try store.finish(row)
                    stored = row
                } else {
                    stored = try storage.planTrials(in: store.record, points: [TrialPoint(x: x, parameters: proposal.parameters, seed: proposal.seed)],
                                                    at: Date())[0]
                }
                guard stored.number == number else {
                    throw SearchFailure("search: another process adds trials to study '\(store.record.name)' in \(storage.location) (trial \(stored.number) where \(number) was expected); a study has one proposer")
                }
                return number
            }
        }

        /// Tells finished trials to the strategy in number order and prints their lines.
        func tell(_ finished: [TrialRecord]) throws {
            guard !finished.isEmpty else { return }
            try study.reload()
            progress.clear()
            for t in finished.sorted(by: { $0.number < $1.number }) {
                told.insert(t.number)
                history.append(search.observation(t.x, t.status, t.metrics))
                if t.status != .infeasible { evaluated += 1; attempted += 1 }
                if let view = study.trials.first(where: { $0.number == t.number }) {
                    context.write(search.line(view, attempted: attempted, of: trials) + "\n")
                }
            }
        }

        /// One look at the storage: tells what finished and plans what is missing; the ending
        /// once the search is over, nil while trials are outstanding.
        func step() throws -> SearchLoop.Ending? {
            while true {
                let all = try storage.trials(of: store.record)
                let pending = all.filter { !$0.status.isFinal }
                switch options.mode {
                case .sync:
                    let current = all.filter { round.contains($0.number) }
                    guard current.allSatisfy(\.status.isFinal) else { return nil }
                    try tell(current.filter { !told.contains($0.number) })
                    round = []
                    if evaluated >= trials { return .completed }
                    if proposals >= maxProposals { return .exhausted }
                    let k = min(options.batch, trials - evaluated)
                    let points = queue.isEmpty ? strategy.proposeBatch(k, after: history, pending: [], in: domain) : Array(queue.prefix(k))
                    queue = []
                    round = try plan(points)
                case .async:
                    try tell(all.filter { $0.status.isFinal && !told.contains($0.number) })
                    let needed = trials - evaluated - pending.count
                    let free = options.batch - pending.count
                    if needed > 0, free > 0, proposals < maxProposals {
                        let k = min(free, needed)
                        let points = queue.isEmpty ? strategy.proposeBatch(k, after: history, pending: pending.map(\.x), in: domain)
                                                   : Array(queue.prefix(k))
                        queue.removeFirst(min(queue.count, k))
                        _ = try plan(points)
                        continue
                    }
                    if pending.isEmpty { return evaluated >= trials ? .completed : .exhausted }
                    return nil
                }
            }
        }

        let pool: WorkerPool
        do {
            pool = try launch(store.record)
        } catch {
            throw SearchFailure("search: cannot start \(options.workers) worker\(options.workers == 1 ? "" : "s"): \(error)")
        }
        let ending: SearchLoop.Ending
        do {
            defer { pool.stop() }
            var loopEnding: SearchLoop.Ending
            while true {
                if context.stopRequested {
                    pool.terminate()
                    loopEnding = .stopped
                    break
                }
                if let e = try step() { loopEnding = e; break }
                for n in try storage.expireLeases(in: store.record, olderThan: options.lease, at: Date()) {
                    progress.clear()
                    context.write("trial \(n): its worker sent no heartbeat for \(NumberFormat.plain(options.lease)) s; planned again for another worker\n")
                }
                if let dead = pool.allExited() {
                    progress.clear()
                    throw SearchFailure("search: every worker exited (\(dead)); the study keeps its \(study.trials.count) finished trials: "
                                     + "see the workers' errors above, then continue with `nasbook run --resume`")
                }
                progress.show(try storage.trials(of: store.record).filter { $0.status == .running }, workers: try storage.workers())
                Thread.sleep(forTimeInterval: Self.pollInterval)
            }
            progress.clear()
            ending = loopEnding
            if ending == .completed { try store.markFinished() }
        } catch let error as SearchFailure {
            throw error
        } catch {
            progress.clear()
            let kept = (try? study.reload()).map { study.trials.count } ?? study.trials.count
            throw SearchFailure("search: the study storage \(storage.location) failed (\(error)); its \(kept) finished trials are kept. "
                             + "Fix the cause, then continue with `nasbook run --resume`")
        }
        switch ending {
        case .completed: break
        case .stopped:
            // The workers are gone now; a trial one finished after the last look is kept too.
            try? study.reload()
            context.write("search stopped by Ctrl-C: the study keeps its \(study.trials.count) finished trials\n")
        case .exhausted:
            context.write("search ended: \(proposals) proposals, only \(attempted) fit \(study.budgetDescription) — loosen the budget or shrink the space\n")
        }
    }
}

/// On a terminal, one line per running trial under the finished ones, redrawn in place:
/// which trial, on which worker, for how long. Nothing in files and pipes (their output stays
/// one stable line per finished trial).
final class RunningTrialsDisplay {
    let context: any SearchOutput
    private var drawn = 0

    init(context: any SearchOutput) { self.context = context }

    func show(_ running: [TrialRecord], workers: [WorkerRecord]) {
        guard context.liveProgress else { return }
        clear()
        let now = Date()
        for t in running {
            let worker = workers.first { $0.id == t.owner }.map { "\($0.host) pid \($0.pid)" } ?? (t.owner ?? "?")
            context.write(live: "  trial \(t.number) training on \(worker), \(Int(now.timeIntervalSince(t.started))) s\n", plain: "")
        }
        drawn = running.count
    }

    /// Erases the running-trial lines drawn last.
    func clear() {
        guard drawn > 0 else { return }
        context.write(live: String(repeating: "\u{1B}[1A\u{1B}[2K", count: drawn) + "\r", plain: "")
        drawn = 0
    }
}

/// The worker processes a proposer started: children of the same `nasbook` binary running
/// `nasbook worker LOCATION --study NAME`, each exiting when the study is finished or the
/// proposer is gone. `stop` waits for them briefly, then ends the stragglers.
public final class WorkerPool {
    private var processes: [Process] = []

    /// No children: the study's workers are started elsewhere.
    public static func external() -> WorkerPool { WorkerPool() }

    /// The binary to start workers from: `NASBOOK_BINARY`, else this process's own executable
    /// when it is nasbook.
    public static func executable() -> String? {
        if let path = ProcessInfo.processInfo.environment["NASBOOK_BINARY"] { return path }
        guard let path = Bundle.main.executablePath ?? CommandLine.arguments.first else { return nil }
        // nasbook, or a copy such as nasbook-1c40dff; not a test bundle (nasbookPackageTests.xctest).
        let name = URL(fileURLWithPath: path).lastPathComponent
        guard name.hasPrefix("nasbook"), !name.contains("xctest"), !name.contains("PackageTests") else { return nil }
        return path
    }

    /// Starts `count` workers of `study` in `location`.
    public static func launch(count: Int, study: String, location: String, threads: Int, allowPaths: [String]) throws -> WorkerPool {
        guard let binary = executable() else {
            throw StudyStorageLocation.LocationError(description: "workers are nasbook processes, and this program does not run inside the nasbook binary (set NASBOOK_BINARY to it)")
        }
        let pool = WorkerPool()
        let handed = StudyStorageLocation.forChildProcess(location)
        for _ in 0..<count {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.environment = ProcessInfo.processInfo.environment.merging(handed.environment) { $1 }
            process.arguments = ["worker", handed.location, "--study", study, "--threads", String(threads), "--parent", String(getpid())]
                + allowPaths.flatMap { ["--allow-path", $0] }
            process.standardOutput = FileHandle.nullDevice
            process.standardInput = FileHandle.nullDevice
            try process.run()
            pool.processes.append(process)
        }
        return pool
    }

    /// The workers' exit statuses when every one of them has exited; nil while one runs.
    public func allExited() -> String? {
        guard !processes.isEmpty, processes.allSatisfy({ !$0.isRunning }) else { return nil }
        return processes.map { p in
            p.terminationReason == .uncaughtSignal ? "pid \(p.processIdentifier) killed by signal \(p.terminationStatus)"
                                                   : "pid \(p.processIdentifier) exit \(p.terminationStatus)"
        }.joined(separator: ", ")
    }

    /// Lets the workers see the study finished (up to 5 s), then ends those still running.
    public func stop() {
        let deadline = Date().addingTimeInterval(5)
        while processes.contains(where: \.isRunning), Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        for p in processes where p.isRunning { kill(p.processIdentifier, SIGTERM) }
        for p in processes { p.waitUntilExit() }
    }

    /// Ends every worker now (Ctrl-C): SIGTERM, on which a worker gives its lease back at its
    /// next safe point (within a training batch), and SIGKILL for one still running after 10 s
    /// (its lease lapses); `resume` runs their trials again.
    public func terminate() {
        for p in processes where p.isRunning { kill(p.processIdentifier, SIGTERM) }
        let deadline = Date().addingTimeInterval(10)
        while processes.contains(where: \.isRunning), Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        for p in processes where p.isRunning { kill(p.processIdentifier, SIGKILL) }
        for p in processes { p.waitUntilExit() }
    }
}

/// The study file a parallel search without `--db` shares with its workers: in a fresh
/// temporary folder, removed when the process exits (the study's trials live in it until then,
/// as an in-memory study's live in memory).
public enum TemporaryStudyFile {
    nonisolated(unsafe) private static var folders: [String] = []
    private static let lock = NSLock()

    /// A new, not yet existing study file path.
    public static func make() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nasbook-study-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        lock.withLock {
            if folders.isEmpty { atexit { TemporaryStudyFile.removeAll() } }
            folders.append(folder.path)
        }
        return folder.appendingPathComponent("study.db").path
    }

    public static func removeAll() {
        lock.withLock {
            for folder in folders { try? FileManager.default.removeItem(atPath: folder) }
            folders = []
        }
    }
}
