import Foundation
import NasCore
import NasCost
import NasData
import NasNN
import NasOptimize
import NasStudy
import NasTrial
import XCTest
@testable import NasSearch

/// A network search driven without the language: `NetworkSearch` on a `NetworkStudy` over a
/// tiny CNN, its lines and its Ctrl-C through a `SearchOutput` the test implements, its trials
/// in memory or in a SQLite study that a second search resumes.
final class LanguageFreeNetworkSearchTests: XCTestCase {
    /// Collects what the search writes; asks it to stop once `stopAfterPolls` polls have passed.
    final class RecordingOutput: SearchOutput {
        var text = ""
        var polls = 0
        var stopAfterPolls: Int?

        func write(_ text: String) { self.text += text }
        func write(live: String, plain: String) { text += plain }
        var liveProgress: Bool { false }
        var stopRequested: Bool {
            polls += 1
            return stopAfterPolls.map { polls > $0 } ?? false
        }
        func drawTraining(_ label: String, stage: String, _ progress: TrainingProgress) {
            XCTFail("progress is drawn only on a terminal")
        }
    }

    static let objectives = [Objective(.accuracy, .maximize), Objective(.ram, .minimize)]
    static let seed: UInt64 = 5

    static func description(trials: Int) -> Study.Description {
        Study.Description(name: "tiny", searchSpace: "width in [4, 8], lr, bits per layer", strategy: "random", seed: seed,
                          objectives: objectives, budget: [], trials: trials, fingerprint: ["dataset": "shapes 96"])
    }

    /// The search `search(tiny, data, board, strategy: random, trials:)` would run, over `store`.
    func networkSearch(in store: Study, trials: Int) throws -> (search: NetworkSearch, domain: SearchDomain) {
        let decoder = try SpaceDecoder(space: SpaceDecoderTests.space, base: SpaceDecoderTests.base, input: [8, 8, 3], classes: 4)
        let runner = TrialRunner(board: SpaceDecoderTests.board)
        let oracle = CostOracle(decoder: decoder, runner: runner, input: [8, 8, 3], classes: 4)
        let data = TrialData(Synthetic.shapes(count: 96, size: 8, seed: 1), validationFraction: 0.25, seed: 2)
        let largest = try XCTUnwrap(oracle.largestCosts(seed: Self.seed))
        let reference = NetworkSearch.reference(for: Self.objectives, budget: nil, board: SpaceDecoderTests.board, largest: largest,
                                                classes: 4)
        let study = NetworkStudy(space: "tiny", model: SpaceDecoderTests.base, board: SpaceDecoderTests.board, objectives: Self.objectives,
                                 budget: nil, strategy: "random", seed: Self.seed, reference: reference,
                                 normalization: data.normalization, calibration: data.calibration, store: store,
                                 decoder: decoder, oracle: oracle)
        let domain = SearchDomain(dimensions: decoder.dimensions.count, descriptors: decoder.descriptors)
        study.continuation = .init(runner: runner, data: data, domain: domain, trials: trials)
        return (NetworkSearch(decoder: decoder, oracle: oracle, runner: runner, data: data, study: study), domain)
    }

    /// Runs `trials` trials over `store` and returns the study and what it wrote.
    func run(_ store: Study, trials: Int, stopAfterPolls: Int? = nil) throws -> (study: NetworkStudy, output: String) {
        let (search, domain) = try networkSearch(in: store, trials: trials)
        var strategy: any Strategy = RandomSearch(seed: Self.seed)
        let output = RecordingOutput()
        output.stopAfterPolls = stopAfterPolls
        try search.run(trials: trials, strategy: &strategy, domain: domain, output: output)
        return (search.study, output.text)
    }

    func testASearchWritesEachTrialToItsStudyAndTheSeedFixesIt() throws {
        let (study, output) = try run(try Study.create(in: MemoryStudyStorage(), Self.description(trials: 3)), trials: 3)
        XCTAssertEqual(study.trials.map(\.number), [1, 2, 3])
        XCTAssertTrue(output.hasPrefix("searching 5 dimensions with random for 3 trials on test board, within board limits\n"), output)
        XCTAssertTrue(output.contains("trial 3 [3/3]"), output)
        XCTAssertTrue(study.trials.allSatisfy { $0.outcome.status == .complete })
        XCTAssertEqual(study.trials.first?.settings.map(\.0), ["width", "lr", "epochs", "bits"], "settings as the storage keeps them")
        XCTAssertFalse(study.front.isEmpty)
        XCTAssertEqual(study.history.count, 3)
        XCTAssertEqual(study.history.last, study.hypervolume, "the history ends at the study's hypervolume")
        XCTAssertEqual(study.history, study.history.sorted(), "a trial never lowers the hypervolume")
        XCTAssertEqual(try study.store.trials().count, 3, "every trial is in the storage")

        let (again, _) = try run(try Study.create(in: MemoryStudyStorage(), Self.description(trials: 3)), trials: 3)
        XCTAssertEqual(again.trials.map(\.x), study.trials.map(\.x))
        XCTAssertEqual(again.trials.map { $0.outcome.metrics }, study.trials.map { $0.outcome.metrics })
    }

    func testAStopRequestedThroughTheOutputKeepsTheFinishedTrials() throws {
        // The loop polls before each proposal and the trainer polls during each trial: a stop
        // after a few polls ends inside the first trials, never after all three.
        let (study, output) = try run(try Study.create(in: MemoryStudyStorage(), Self.description(trials: 3)), trials: 3, stopAfterPolls: 2)
        XCTAssertLessThan(study.trials.count, 3)
        XCTAssertTrue(output.hasSuffix("search stopped by Ctrl-C: the study keeps its \(study.trials.count) finished trials\n"), output)
        XCTAssertEqual(try study.store.trials().filter(\.status.isFinal).count, study.trials.count)
    }

    func testASQLiteStudyResumesAsIfItHadNeverStopped() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("network-search-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("tiny.db").path
        let uninterrupted = try run(try Study.create(in: MemoryStudyStorage(), Self.description(trials: 3)), trials: 3).study

        do {
            let first = try XCTUnwrap(try Study.open(try StudyStorageLocation.open(path, as: .proposer), pick: .new, Self.description(trials: 3)))
            XCTAssertEqual(try run(first.study, trials: 2).study.trials.count, 2)
        }
        let reopened = try XCTUnwrap(try Study.open(try StudyStorageLocation.open(path, as: .proposer), pick: .latest, Self.description(trials: 3)))
        XCTAssertEqual(reopened.replay.count, 2)
        let (resumed, output) = try run(reopened.study, trials: 3)
        XCTAssertTrue(output.hasPrefix("resumed: 2 finished trials replayed through random, continuing at trial 3\n"), output)
        XCTAssertEqual(resumed.trials.map(\.x), uninterrupted.trials.map(\.x), "the replayed strategy proposes what it would have")
        XCTAssertEqual(resumed.trials.map { $0.outcome.metrics }, uninterrupted.trials.map { $0.outcome.metrics })
    }

    /// A parallel search without the language or processes: `ParallelSearch` plans the trials in
    /// a SQLite study, two `StudyWorker`s on threads of this process claim and train them, and
    /// the proposer tells them to the strategy in trial order. Synchronous batches make it
    /// deterministic: a second run stores the same points and the same results.
    func testAParallelSearchWithWorkersOnThreadsIsDeterministicInSynchronousMode() throws {
        func parallelRun() throws -> [TrialRecord] {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("parallel-search-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let path = folder.appendingPathComponent("tiny.db").path
            let opened = try XCTUnwrap(try Study.open(try StudyStorageLocation.open(path, as: .proposer), pick: .new, Self.description(trials: 4)))
            let (search, domain) = try networkSearch(in: opened.study, trials: 4)
            var options = ParallelOptions(workers: 2, batch: 2, mode: .sync, lease: 60, threads: 1)
            options.spawn = false
            let workers = ThreadWorkers()
            let parallel = ParallelSearch(search: search, options: options) { record in
                for i in 0..<2 {
                    workers.start {
                        let joined = try XCTUnwrap(try Study.join(try StudyStorageLocation.open(path, as: .worker), named: record.name,
                                                                  Self.description(trials: 4)))
                        let worker = StudyWorker(study: joined, decoder: search.decoder, runner: search.runner, data: search.data,
                                                 assignment: WorkerAssignment(study: record.name, id: "thread-\(i)", threads: 1))
                        _ = try worker.run(log: { _ in }, shouldStop: { false })
                    }
                }
                return WorkerPool.external()
            }
            var strategy: any Strategy = RandomSearch(seed: Self.seed)
            let output = RecordingOutput()
            try parallel.run(trials: 4, strategy: &strategy, domain: domain, output: output)
            XCTAssertEqual(workers.wait(), [])
            XCTAssertTrue(output.text.contains("2 workers x 1 thread, synchronous batches of 2"), output.text)
            XCTAssertTrue(output.text.contains("trial 4 [4/4]"), output.text)
            return try opened.study.trials()
        }
        let first = try parallelRun(), second = try parallelRun()
        XCTAssertEqual(first.map(\.number), [1, 2, 3, 4])
        XCTAssertTrue(first.allSatisfy { $0.status == .complete }, "\(first.map(\.status))")
        XCTAssertEqual(first.map(\.x), second.map(\.x), "the same batches whichever worker trained what")
        XCTAssertEqual(first.map(\.metrics), second.map(\.metrics))
    }

    /// `ask` and `tell` without the language: proposals stored as running trials, two asks in a
    /// row two different points, measurements merged over the computed cost, and every misuse a
    /// `SearchFailure` at the argument it is about, the study unchanged.
    func testAskAndTellRecordTrialsMeasuredOutside() throws {
        let store = try Study.create(in: MemoryStudyStorage(), Self.description(trials: 3))
        let study = try networkSearch(in: store, trials: 3).search.study
        let make: () throws -> any Strategy = { RandomSearch(seed: Self.seed) }
        let a = try study.ask(strategy: make), b = try study.ask(strategy: make)
        XCTAssertEqual([a.number, b.number], [1, 2])
        XCTAssertNotEqual(a.proposal.configuration.spec.summary + "\(try store.trials()[0].x)",
                          b.proposal.configuration.spec.summary + "\(try store.trials()[1].x)")
        XCTAssertEqual(try store.trials().map(\.status), [.running, .running])

        let told = try XCTUnwrap(try study.tell(a.number, .measured([.accuracy: 0.91])))
        XCTAssertEqual(told.outcome.status, .complete)
        XCTAssertEqual(told.outcome.metrics?[.accuracy], 0.91)
        XCTAssertEqual(told.outcome.metrics?[.ram], a.proposal.computedMetrics[.ram], "unmeasured costs are the computed ones")

        func failure(_ body: () throws -> Void) -> SearchFailure? {
            do { try body(); return nil } catch let f as SearchFailure { return f } catch { XCTFail("\(error)"); return nil }
        }
        let again = failure { try study.tell(a.number, .measured([.accuracy: 0.8])) }
        XCTAssertEqual(again?.argument, "trial")
        XCTAssertTrue(again?.message.contains("already recorded") ?? false, "\(String(describing: again))")
        XCTAssertEqual(failure { try study.tell(9, .measured([.accuracy: 0.8])) }?.message, "tell: study 'tiny' has no trial 9")
        let missing = failure { try study.tell(b.number, .measured([:])) }
        XCTAssertTrue(missing?.message.contains("needs every objective; missing accuracy") ?? false, "\(String(describing: missing))")
        XCTAssertEqual(missing?.hint, "tell(s, t, accuracy: ...), or failed: \"why\"")
        XCTAssertEqual(failure { try study.tell(b.number, .measured([.accuracy: 1.5])) }?.argument, "accuracy")
        XCTAssertEqual(try store.trials()[1].status, .running, "a refused tell records nothing")

        XCTAssertEqual(try study.tell(b.number, .failed("did not flash", [:]))?.outcome.status, .failed)
        XCTAssertEqual(study.trials.map(\.number), [1, 2])
        let c = try study.ask(strategy: make)
        XCTAssertEqual(c.number, 3)
        XCTAssertEqual(study.askState?.told, [1, 2], "the finished trials were told before the next proposal")
    }
}

/// Workers on threads of the test process: each job runs on its own thread; `wait` returns
/// the errors they ended with.
final class ThreadWorkers: @unchecked Sendable {
    private let group = DispatchGroup()
    private let lock = NSLock()
    private var errors: [String] = []

    func start(_ job: @escaping () throws -> Void) {
        group.enter()
        // The job captures the test's non-Sendable search; it runs on this one thread only.
        nonisolated(unsafe) let job = job
        let thread = Thread { [self] in
            defer { group.leave() }
            do { try job() } catch { lock.withLock { errors.append("\(error)") } }
        }
        thread.start()
    }

    func wait() -> [String] {
        group.wait()
        return lock.withLock { errors }
    }
}
