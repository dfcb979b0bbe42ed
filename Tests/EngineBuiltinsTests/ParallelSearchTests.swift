import EngineBuiltins
import Foundation
import XCTest
@testable import NasLang

/// `search(..., workers:, batch:, mode:, lease:)` arguments, checked before anything starts
/// (the worker processes themselves are tested through the binary, in WorkerCLITests).
final class ParallelSearchTests: XCTestCase {
    func error(_ call: String, environment: [String: String] = [:]) -> String {
        runWithEngine(NetworkSearchTests.setup + call + "\n").error ?? "no error"
    }

    func testBadParallelArgumentsAreDiagnosedAtTheArgument() {
        let workers = error("search(tiny, data, target, trials: 2, workers: -1)")
        XCTAssertTrue(workers.contains("'workers' must be a whole number from 0 to 256"), workers)
        let batch = error("search(tiny, data, target, trials: 2, workers: 2, batch: 0)")
        XCTAssertTrue(batch.contains("'batch' must be a whole number from 1 to 1024"), batch)
        let mode = error("search(tiny, data, target, trials: 2, workers: 2, mode: \"fast\")")
        XCTAssertTrue(mode.contains("mode") && mode.contains("fast"), mode)
        let lease = error("search(tiny, data, target, trials: 2, workers: 2, lease: 0)")
        XCTAssertTrue(lease.contains("'lease' must be") && lease.contains("86400"), lease)
    }

    /// Workers are processes of the nasbook binary; a program embedding the interpreter (this
    /// test) has none to start, and says so instead of hanging.
    func testWorkersNeedTheNasbookBinary() {
        guard ProcessInfo.processInfo.environment["NASBOOK_BINARY"] == nil else { return }
        let message = error("search(tiny, data, target, trials: 2, workers: 2)")
        XCTAssertTrue(message.contains("cannot start 2 workers") && message.contains("NASBOOK_BINARY"), message)
    }
}
