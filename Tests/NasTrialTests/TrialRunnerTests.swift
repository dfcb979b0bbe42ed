import NasCore
import NasCost
import NasData
import NasNN
import XCTest
@testable import NasTrial

/// One trial end to end on a tiny CNN: costs before training match the trained network's,
/// the same seed gives the same outcome, and failures and stops come back as outcomes.
final class TrialRunnerTests: XCTestCase {
    static let board = TargetBoard(name: "test board", core: .cortexM7, clockHz: 216e6, ramBytes: 320 << 10, flashBytes: 1 << 20)
    static let data = TrialData(Synthetic.shapes(count: 240, size: 12, seed: 1), validationFraction: 0.25, seed: 3)

    func plan(width: Int = 8, epochs: Int = 1, bits: [Int] = [8, 4, 8]) -> TrialPlan {
        var training = TrainingOptions()
        training.epochs = epochs
        training.batchSize = 32
        training.learningRate = 0.01
        var fineTuning = training
        fineTuning.epochs = 1
        fineTuning.learningRate = 0.002
        return TrialPlan(architecture: ModelSpec(family: .cnn).with([("width", .number(Double(width))), ("depth", .number(2))]),
                         training: training, prune: .uniform(0.3),
                         bits: bits.count == 1 ? .uniform(try! BitWidth(checking: bits[0])) : .layers(bits.map { try! BitWidth(checking: $0) }),
                         fineTuning: fineTuning)
    }

    func testCostsBeforeTrainingAreTheTrainedNetworksAndTheSeedFixesTheOutcome() throws {
        let runner = TrialRunner(board: Self.board)
        let data = Self.data
        let planned = try runner.cost(of: plan(), input: data.train.sampleShape, classes: data.train.classCount)
        var interrupted = false
        let first = runner.run(plan(), on: data, seed: 5, interrupted: &interrupted)
        XCTAssertEqual(first.status, .complete, first.reason ?? "")
        XCTAssertNil(first.reason)
        XCTAssertFalse(interrupted)
        let metrics = try XCTUnwrap(first.metrics)
        XCTAssertEqual(metrics[.ram], Double(planned.ramBytes))
        XCTAssertEqual(metrics[.flash], Double(planned.flashBytes))
        XCTAssertEqual(metrics[.macs], Double(planned.macs))
        for metric in [Metric.accuracy, .floatAccuracy] {
            let value = try XCTUnwrap(metrics[metric], metric.name)
            XCTAssertTrue((0...1).contains(value), metric.name)
        }
        XCTAssertNotNil(metrics[.loss])
        XCTAssertEqual(first.epochs.count, 2, "one training and one fine-tuning epoch")
        XCTAssertEqual(first.stages.map(\.name), ["build", "train", "compress", "fine-tune", "score", "cost"])
        XCTAssertNotNil(first.model)

        let again = runner.run(plan(), on: data, seed: 5, interrupted: &interrupted)
        XCTAssertEqual(again.metrics, first.metrics)
        XCTAssertEqual(again.epochs.map(\.trainLoss), first.epochs.map(\.trainLoss))
    }

    func testCostsAreTheCostModelsOnTheLoweredGraph() throws {
        let runner = TrialRunner(board: Self.board)
        let input = Self.data.train.sampleShape, classes = Self.data.train.classCount
        let report = try runner.cost(of: plan(bits: [8]), input: input, classes: classes)
        XCTAssertEqual(MetricValues(cost: report), [.flash: Double(report.flashBytes), .ram: Double(report.ramBytes),
                                                    .macs: Double(report.macs), .params: Double(report.parameters),
                                                    .latency: report.latencySeconds])
        // Narrower weights cost less flash, the same RAM plan shape.
        let narrow = try runner.cost(of: plan(bits: [4]), input: input, classes: classes)
        XCTAssertLessThan(narrow.flashBytes, report.flashBytes)
        XCTAssertEqual(narrow.macs, report.macs)
    }

    func testANetworkThatCannotBeBuiltFailsWithItsReason() {
        var broken = plan()
        // Far past the parameter limit: refused before any weight is drawn.
        broken.architecture = broken.architecture.with([("width", .number(100_000)), ("depth", .number(3))])
        var interrupted = false
        let outcome = TrialRunner(board: Self.board).run(broken, on: Self.data, seed: 1, interrupted: &interrupted)
        XCTAssertEqual(outcome.status, .failed)
        XCTAssertTrue(outcome.reason?.hasPrefix("cannot build the network: cnn(width: 100000, depth: 3") ?? false, outcome.reason ?? "no reason")
        XCTAssertTrue(outcome.reason?.hasSuffix("nasbook builds models up to 50M") ?? false, outcome.reason ?? "no reason")
        XCTAssertNil(outcome.metrics)
    }

    func testAStopEndsTheTrialAsInterruptedKeepingItsCosts() {
        var observer = TrialRunner.Observer()
        observer.shouldStop = { true }
        var interrupted = false
        let outcome = TrialRunner(board: Self.board).run(plan(), on: Self.data, seed: 1, observer: observer, interrupted: &interrupted)
        XCTAssertTrue(interrupted)
        XCTAssertEqual(outcome.status, .failed)
        XCTAssertEqual(outcome.reason, "interrupted")
        XCTAssertNotNil(outcome.metrics?[.ram])
        XCTAssertNil(outcome.metrics?[.accuracy])
    }
}
