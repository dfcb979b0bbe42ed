import NasCore
import NasCost
import NasData
import XCTest
@testable import NasNN
@testable import NasQuant

final class IntegerNetworkTests: XCTestCase {
    func testFixedPointMultiplierRoundsLikeReals() {
        var rng = SeededGenerator(seed: 1)
        for _ in 0..<2000 {
            let real = pow(10, Double(rng.uniform(-6, 1)))
            let m = FixedPointMultiplier(real)
            let x = Int64(rng.nextInt(below: 1 << 24)) - (1 << 23)
            let exact = Double(x) * real
            XCTAssertLessThanOrEqual(abs(Double(m.apply(x)) - exact), 0.5 + abs(exact) * 1e-9 + 1e-9, "x \(x) real \(real)")
        }
    }

    func models() throws -> [Model] {
        var rng = SeededGenerator(seed: 4)
        return [
            try Architectures.plainCNN(input: [12, 12, 3], classes: 5, width: 4, depth: 2, seed: 1, rng: &rng),
            try Architectures.plainCNN(input: [24, 2], classes: 3, width: 4, depth: 2, kernel: 5, batchNorm: false, seed: 1, rng: &rng),
            try Architectures.resnet(input: [8, 8, 3], classes: 4, width: 4, stacks: 2, rng: &rng),
            try Architectures.mobileNetV3(input: [16, 16, 3], classes: 4, width: 0.5, blocks: 4, rng: &rng),
            try Architectures.dsCNN(input: [12, 6, 1], classes: 4, filters: 8, blocks: 2, rng: &rng),
        ]
    }

    /// Every op of the integer path lands within one quantization step of the float op run on
    /// the same int8 inputs with the same quantized weights.
    func testIntegerOpsMatchFakeQuantizedFloatWithinOneStep() throws {
        var rng = SeededGenerator(seed: 8)
        for model in try models() {
            let size = model.inputShape.reduce(1, *)
            let samples = (0..<12).map { _ in (0..<size).map { _ in rng.uniform(-2, 2) } }
            let network = IntegerNetwork(try FoldedNetwork(model), calibration: Array(samples.prefix(8)))
            for sample in samples {
                let values = network.run(network.quantizeInput(sample))
                for (index, op) in network.folded.graph.ops.enumerated() {
                    let inputs = op.inputs.map { values[$0] }
                    let integer = values[op.output], simulated = network.simulate(index, inputs: inputs)
                    let worst = zip(integer, simulated).map { abs(Int($0) - Int($1)) }.max() ?? 0
                    XCTAssertLessThanOrEqual(worst, 1, "\(model.name) op \(index) \(op.kind.rawValue)")
                }
            }
        }
    }

    /// The folded float network computes what the training-time model computes in inference.
    func testFoldingPreservesTheFunction() throws {
        var rng = SeededGenerator(seed: 3)
        for model in try models() {
            // Give batch norm non-trivial statistics first.
            let x = Tensor(shape: [6] + model.inputShape, data: (0..<(6 * model.inputShape.reduce(1, *))).map { _ in rng.uniform(-1, 1) })
            _ = model.forward(x, training: true)
            let reference = model.forward(x, training: false)
            let folded = try FoldedNetwork(model)
            let size = model.inputShape.reduce(1, *)
            for n in 0..<6 {
                let out = folded.run(Array(x.data[n * size ..< (n + 1) * size]))[folded.graph.output]
                for k in 0..<model.classes {
                    XCTAssertEqual(out[k], reference.data[n * model.classes + k], accuracy: 1e-3, model.name)
                }
            }
        }
    }

    /// int8 accuracy is close to float accuracy on a trained model.
    func testInt8AccuracyTracksFloat() throws {
        let motion = Synthetic.motion(count: 360, length: 48, seed: 5)
        let data = motion.channelStatistics().apply(to: motion)
        var rng = SeededGenerator(seed: 2)
        let model = try Architectures.plainCNN(input: data.sampleShape, classes: 6, width: 8, depth: 2, kernel: 5, seed: 1, rng: &rng)
        var options = TrainingOptions()
        options.epochs = 6
        _ = Trainer.train(model, on: data, options: options)
        let floatAccuracy = Trainer.evaluate(model, on: data).accuracy
        let samples = (0..<data.count).map { Array(data.sample($0)) }
        let network = IntegerNetwork(try FoldedNetwork(model), calibration: Array(samples.prefix(64)))
        let correct = samples.indices.filter { network.classify(samples[$0]) == Int(data.labels[$0]) }.count
        let int8Accuracy = Double(correct) / Double(samples.count)
        XCTAssertGreaterThan(floatAccuracy, 0.5)
        XCTAssertEqual(int8Accuracy, floatAccuracy, accuracy: 0.05)
    }
}
