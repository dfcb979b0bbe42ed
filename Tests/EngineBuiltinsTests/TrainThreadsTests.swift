import NasNN
import XCTest

/// `train(threads:)` binds the thread count for that call only, and training is bit-identical
/// whatever the count.
final class TrainThreadsTests: XCTestCase {
    func testTrainThreadsIsAnOptionOfTheCall() throws {
        let before = Parallel.threads
        let program = """
        data = dataset.motion(count: 120, length: 32, seed: 3)
        a = train(cnn1d(width: 8, depth: 2), data, epochs: 1, seed: 4, threads: 1)
        b = train(cnn1d(width: 8, depth: 2), data, epochs: 1, seed: 4, threads: 2)
        print(a.loss == b.loss, a.accuracy == b.accuracy)
        """
        let (out, error) = runWithEngine(program)
        XCTAssertNil(error)
        XCTAssertTrue(out.hasSuffix("true true\n"), out)
        XCTAssertEqual(Parallel.threads, before, "train(threads:) must not change the process's thread count")
    }
}
