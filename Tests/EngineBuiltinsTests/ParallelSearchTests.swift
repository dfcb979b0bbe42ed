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
        XCTAssertTrue(error("search(tiny, data, target, trials: 2, workers: -1)").contains("workers must be between 0 (ask/tell) and 256"))
        XCTAssertTrue(error("search(tiny, data, target, trials: 2, workers: 2, batch: 0)").contains("batch must be between 1 and 1024"))
        let mode = error("search(tiny, data, target, trials: 2, workers: 2, mode: \"fast\")")
        XCTAssertTrue(mode.contains("mode") && mode.contains("fast"), mode)
        XCTAssertTrue(error("search(tiny, data, target, trials: 2, workers: 2, lease: 0)").contains("lease must be between 1 and 86400 seconds"))
    }

    /// Workers are processes of the nasbook binary; a program embedding the interpreter (this
    /// test) has none to start, and says so instead of hanging.
    func testWorkersNeedTheNasbookBinary() {
        guard ProcessInfo.processInfo.environment["NASBOOK_BINARY"] == nil else { return }
        let message = error("search(tiny, data, target, trials: 2, workers: 2)")
        XCTAssertTrue(message.contains("cannot start 2 workers") && message.contains("NASBOOK_BINARY"), message)
    }
}
