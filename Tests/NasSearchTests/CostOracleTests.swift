import NasCore
import NasCost
import NasNN
import NasTrial
import XCTest
@testable import NasSearch

/// The cost oracle builds each network shape's graph once, costs bit-widths on it, and finds
/// the largest costs of a space without training anything.
final class CostOracleTests: XCTestCase {
    func oracle() -> CostOracle {
        let board = TargetBoard(name: "test board", core: .cortexM7, clockHz: 216e6, ramBytes: 320 << 10, flashBytes: 1 << 20)
        // x[0] picks the width (8 or 16), x[1] the bit-width (4 or 8): two architectures.
        return CostOracle(dimensions: 2, runner: TrialRunner(board: board), input: [12, 12, 1], classes: 4) { x in
            let width = x[0] < 0.5 ? 8 : 16
            let plan = TrialPlan(architecture: ModelSpec(family: .cnn).with([("width", .number(Double(width))), ("depth", .number(2))]),
                                 training: TrainingOptions(), bits: .uniform(x[1] < 0.5 ? 4 : 8), fineTuning: TrainingOptions())
            return (plan, "width \(width)")
        }
    }

    func testEachArchitectureIsBuiltOnceAndBitWidthsCostOnIt() throws {
        let oracle = oracle()
        let narrow4 = try XCTUnwrap(oracle.cost(at: [0.1, 0.1]))
        let narrow8 = try XCTUnwrap(oracle.cost(at: [0.2, 0.9]))
        XCTAssertEqual(oracle.builtArchitectures, 1, "one build for both bit-widths")
        XCTAssertLessThan(narrow4.flashBytes, narrow8.flashBytes)
        XCTAssertEqual(narrow4.macs, narrow8.macs)
        let wide = try XCTUnwrap(oracle.cost(at: [0.9, 0.9]))
        XCTAssertEqual(oracle.builtArchitectures, 2)
        XCTAssertGreaterThan(wide.macs, narrow8.macs)
        XCTAssertEqual(oracle.cost(at: [0.8, 0.1])?.macs, wide.macs)
        XCTAssertEqual(oracle.builtArchitectures, 2)
    }

    func testLargestCostsBoundEveryCostOfTheSpace() throws {
        let oracle = oracle()
        let largest = try XCTUnwrap(oracle.largestCosts(seed: 1))
        for x in [[0.1, 0.1], [0.1, 0.9], [0.9, 0.1], [0.9, 0.9]] {
            let costs = MetricValues(cost: try XCTUnwrap(oracle.cost(at: x)))
            for (metric, value) in costs { XCTAssertLessThanOrEqual(value, try XCTUnwrap(largest[metric]), metric.name) }
        }
        XCTAssertEqual(largest[.macs], MetricValues(cost: try XCTUnwrap(oracle.cost(at: [0.9, 0.9])))[.macs])
    }

    /// A continuous channel fraction changes the network only where it changes how many channels
    /// a convolution keeps: the oracle builds one graph per kept count, not one per fraction (as
    /// ARS-MOBO's rollouts visit thousands of fractions), and answers exactly as the cost model
    /// does from scratch for every fraction. The untrained network is built once and pruned per shape.
    func testGraphsAreMemoizedByKeptChannelsNotByTheFraction() throws {
        let board = TargetBoard(name: "test board", core: .cortexM7, clockHz: 216e6, ramBytes: 320 << 10, flashBytes: 1 << 20)
        let runner = TrialRunner(board: board)
        func plan(_ x: [Double]) -> TrialPlan {
            TrialPlan(architecture: ModelSpec(family: .cnn).with([("width", .number(16)), ("depth", .number(2))]),
                      training: TrainingOptions(), channels: 0.9 * x[0], bits: .uniform(x[0] < 0.5 ? 4 : 8), fineTuning: TrainingOptions())
        }
        let oracle = CostOracle(dimensions: 1, runner: runner, input: [8, 8, 1], classes: 2) { x in (plan(x), "width 16") }
        let points = (0..<1200).map { [Double($0) / 1200] }
        for x in points { _ = oracle.cost(at: x) }
        let channels = try runner.costingNetwork(of: plan([0]), input: [8, 8, 1], classes: 2).prunableChannels
        XCTAssertFalse(channels.isEmpty, "the test network has prunable convolutions")
        let shapes = Set(points.map { TrialRunner.keptChannels(channels, fraction: 0.9 * $0[0]) })
        XCTAssertEqual(oracle.cachedGraphs, shapes.count, "one graph per kept-channel count")
        XCTAssertLessThan(shapes.count, points.count / 10, "far fewer shapes than fractions")
        XCTAssertEqual(oracle.builtArchitectures, 1, "the architecture is built once")
        for x in stride(from: 0, to: points.count, by: 37).map({ points[$0] }) {
            let memoized = try XCTUnwrap(oracle.cost(at: x))
            let fresh = try runner.cost(of: plan(x), input: [8, 8, 1], classes: 2)
            XCTAssertEqual(memoized.flashBytes, fresh.flashBytes, "flash at \(x)")
            XCTAssertEqual(memoized.ramBytes, fresh.ramBytes, "RAM at \(x)")
            XCTAssertEqual(memoized.macs, fresh.macs, "MACs at \(x)")
            XCTAssertEqual(memoized.latencySeconds, fresh.latencySeconds, "latency at \(x)")
        }
    }

    /// A memo over a knob that keeps changing the network (a prune rate per point) stays within
    /// its capacity, forgetting the oldest entries first.
    func testTheMemoStaysBoundedAndForgetsTheOldestFirst() {
        var memo = BoundedMemo<Int?>(capacity: 3)
        for (i, key) in ["a", "b", "c", "d"].enumerated() { memo[key] = .some(i) }
        XCTAssertEqual(memo.count, 3)
        XCTAssertNil(memo["a"], "the oldest went first")
        XCTAssertEqual(memo["d"], .some(3))
        memo["e"] = .some(nil)
        XCTAssertEqual(memo.count, 3)
        XCTAssertNil(memo["b"])
        XCTAssertEqual(memo["e"], .some(nil), "a stored nil is remembered")
        memo["c"] = .some(9)
        XCTAssertEqual(memo["c"], .some(9), "storing a held key replaces its value")
        XCTAssertEqual(memo.count, 3)
    }
}
