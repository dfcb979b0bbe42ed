import NasCore
import NasCost
import NasNN
import NasTrial
import XCTest
@testable import NasSearch

/// The cost oracle builds each architecture's graph once, costs bit-widths on it, and finds
/// the largest costs of a space without training anything.
final class CostOracleTests: XCTestCase {
    /// Counts architecture builds; a class so the plan's closure can share it.
    final class Builds: @unchecked Sendable { var count = 0 }

    func oracle(_ builds: Builds) -> CostOracle {
        let board = TargetBoard(name: "test board", core: .cortexM7, clockHz: 216e6, ramBytes: 320 << 10, flashBytes: 1 << 20)
        // x[0] picks the width (8 or 16), x[1] the bit-width (4 or 8): two architectures.
        return CostOracle(dimensions: 2, runner: TrialRunner(board: board), input: [12, 12, 1], classes: 4) { x in
            let width = x[0] < 0.5 ? 8 : 16
            let plan = TrialPlan(architecture: { input, classes, seed in
                                     builds.count += 1
                                     var rng = SeededGenerator(seed: seed)
                                     return try Architectures.plainCNN(input: input, classes: classes, width: width, depth: 2,
                                                                       seed: seed, rng: &rng)
                                 },
                                 training: TrainingOptions(), bits: .uniform(x[1] < 0.5 ? 4 : 8), fineTuning: TrainingOptions())
            return (plan, "width \(width)")
        }
    }

    func testEachArchitectureIsBuiltOnceAndBitWidthsCostOnIt() throws {
        let builds = Builds()
        let oracle = oracle(builds)
        let narrow4 = try XCTUnwrap(oracle.cost(at: [0.1, 0.1]))
        let narrow8 = try XCTUnwrap(oracle.cost(at: [0.2, 0.9]))
        XCTAssertEqual(builds.count, 1, "one graph for both bit-widths")
        XCTAssertLessThan(narrow4.flashBytes, narrow8.flashBytes)
        XCTAssertEqual(narrow4.macs, narrow8.macs)
        let wide = try XCTUnwrap(oracle.cost(at: [0.9, 0.9]))
        XCTAssertEqual(builds.count, 2)
        XCTAssertGreaterThan(wide.macs, narrow8.macs)
        XCTAssertEqual(oracle.cost(at: [0.8, 0.1])?.macs, wide.macs)
        XCTAssertEqual(builds.count, 2)
    }

    func testLargestCostsBoundEveryCostOfTheSpace() throws {
        let oracle = oracle(Builds())
        let largest = try XCTUnwrap(oracle.largestCosts(seed: 1))
        for x in [[0.1, 0.1], [0.1, 0.9], [0.9, 0.1], [0.9, 0.9]] {
            let costs = MetricValues(cost: try XCTUnwrap(oracle.cost(at: x)))
            for (metric, value) in costs { XCTAssertLessThanOrEqual(value, try XCTUnwrap(largest[metric]), metric.name) }
        }
        XCTAssertEqual(largest[.macs], MetricValues(cost: try XCTUnwrap(oracle.cost(at: [0.9, 0.9])))[.macs])
    }

    /// A knob that changes the graph continuously (a pruning rate per point) gives every point a
    /// new key: the memo keeps at most `capacity` graphs and still answers like a fresh build.
    func testTheMemoStaysBoundedOverAContinuousKnob() throws {
        let board = TargetBoard(name: "test board", core: .cortexM7, clockHz: 216e6, ramBytes: 320 << 10, flashBytes: 1 << 20)
        let oracle = CostOracle(dimensions: 1, runner: TrialRunner(board: board), input: [8, 8, 1], classes: 2) { x in
            let plan = TrialPlan(architecture: { input, classes, seed in
                                     var rng = SeededGenerator(seed: seed)
                                     return try Architectures.plainCNN(input: input, classes: classes, width: 8, depth: 1,
                                                                       seed: seed, rng: &rng)
                                 },
                                 training: TrainingOptions(), channels: 0.5 * x[0], bits: .uniform(8), fineTuning: TrainingOptions())
            return (plan, "width 8")
        }
        let first = try XCTUnwrap(oracle.cost(at: [0.3]))
        for i in 0..<(CostOracle.capacity + 200) { _ = oracle.cost(at: [Double(i) / Double(CostOracle.capacity + 200)]) }
        XCTAssertEqual(oracle.cachedGraphs, CostOracle.capacity)
        let again = try XCTUnwrap(oracle.cost(at: [0.3]))
        XCTAssertEqual(first.flashBytes, again.flashBytes)
        XCTAssertEqual(first.ramBytes, again.ramBytes)
        XCTAssertEqual(first.macs, again.macs)
    }
}
