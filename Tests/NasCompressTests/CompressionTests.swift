import NasCore
import NasData
import XCTest
@testable import NasCompress
@testable import NasNN

final class CompressionTests: XCTestCase {
    func testMagnitudeMaskDropsTheSmallest() {
        let mask = magnitudeMask([0.5, -0.1, 0.3, -0.9, 0.05], rate: 0.4)
        XCTAssertEqual(mask, [1, 0, 1, 1, 0])
        XCTAssertEqual(magnitudeMask([1, 2], rate: 0), [1, 1])
    }

    /// Quantized weights are within half a step of the originals and use at most 2^(b-1)-1
    /// levels per sign per channel.
    func testPerChannelQuantization() {
        var rng = SeededGenerator(seed: 3)
        let channels = 4
        let w = (0..<(9 * 3 * channels)).map { i in rng.uniform(-1, 1) * Float(1 + i % channels) }
        for bits: BitWidth in [2, 4, 8] {
            let q = fakeQuantize(w, channels: channels, bits: bits)
            let levels = Float((1 << (bits.bits - 1)) - 1)
            for c in 0..<channels {
                let column = stride(from: c, to: w.count, by: channels).map { w[$0] }
                let step = column.map(abs).max()! / levels
                for i in stride(from: c, to: w.count, by: channels) {
                    XCTAssertLessThanOrEqual(abs(q[i] - w[i]), step / 2 + 1e-6, "bits \(bits)")
                    let k = q[i] / step
                    XCTAssertEqual(k, k.rounded(), accuracy: 1e-3)
                }
            }
        }
    }

    /// The C kernel behind fakeQuantize rounds exactly like the definition written out in
    /// Swift: per-channel max |w| / levels, round half away from zero, clamp, scale back; an
    /// all-zero channel keeps scale 1, and values exactly halfway between steps round away.
    func testFakeQuantizeMatchesItsDefinition() {
        var rng = SeededGenerator(seed: 5)
        for (rows, channels) in [(1, 1), (3, 5), (27, 16), (50, 33)] {
            var w = (0..<(rows * channels)).map { i in rng.uniform(-2, 2) * Float(1 + i % 3) }
            for i in stride(from: 0, to: w.count, by: channels) { w[i] = 0 }  // channel 0 all zero
            if rows > 2, channels > 1 { w[channels + 1] = 8; w[2 * channels + 1] = 0.5 * 8 / 127 * 3 }  // a tie at 8 bits
            for bits in [2, 3, 4, 8] {
                let levels = Float((1 << (bits - 1)) - 1)
                var maxAbs = [Float](repeating: 0, count: channels)
                for i in w.indices { maxAbs[i % channels] = max(maxAbs[i % channels], abs(w[i])) }
                let scale = maxAbs.map { $0 > 0 ? $0 / levels : 1 }
                let expected = w.indices.map { i in min(max((w[i] / scale[i % channels]).rounded(), -levels), levels) * scale[i % channels] }
                XCTAssertEqual(fakeQuantize(w, channels: channels, bits: try! BitWidth(checking: bits)), expected, "\(rows)x\(channels), \(bits) bits")
            }
        }
        XCTAssertEqual(fakeQuantize([], channels: 4, bits: .eight), [])
    }

    func testWeightedLayersFollowDeploymentOrder() throws {
        var rng = SeededGenerator(seed: 1)
        let resnet = try Architectures.resnet(input: [32, 32, 3], classes: 10, rng: &rng)
        XCTAssertEqual(try resnet.weightedLayers().map(\.layer.outputChannels), [16, 16, 16, 32, 32, 32, 64, 64, 64, 10])
        XCTAssertEqual(try resnet.weightedLayers().prefix(4).map(\.path.description), ["0", "3.body.0", "3.body.3", "5.body.0"])
        let mobile = try Architectures.mobileNetV3(input: [32, 32, 3], classes: 10, blocks: 1, rng: &rng)
        XCTAssertEqual(try mobile.weightedLayers().count, 1 + 4 + 1 + 1)  // stem, dw + SE pair + project, head, classifier
    }

    /// Pruned weights stay zero through fine-tuning, and the finished weights are quantized.
    func testPruningSurvivesFineTuningAndAccuracyHolds() throws {
        struct Samples: LabeledSamples { let sampleShape: [Int]; let inputs: [Float]; let labels: [Int32] }
        let motion = Synthetic.motion(count: 400, length: 48, seed: 5)
        let data = Samples(sampleShape: motion.sampleShape, inputs: motion.channelStatistics().apply(to: motion).inputs,
                           labels: motion.labels)
        var rng = SeededGenerator(seed: 2)
        let model = try Architectures.plainCNN(input: data.sampleShape, classes: 6, width: 16, depth: 2, kernel: 5, seed: 1, rng: &rng)
        var options = TrainingOptions()
        options.epochs = 6
        let before = Trainer.train(model, on: data, options: options).accuracy
        let layers = try model.weightedLayers().map(\.layer)
        let compressor = try Compressor(model, plan: CompressionPlan(prune: .uniform(0.5), bits: .uniform(4)))
        options.epochs = 3
        options.learningRate = 0.01
        let after = Trainer.train(model, on: data, options: options, constraint: compressor)
        compressor.finish()
        let zeros = layers.reduce(0) { $0 + $1.weight.value.filter { $0 == 0 }.count }
        let total = layers.reduce(0) { $0 + $1.weight.count }
        XCTAssertGreaterThanOrEqual(Double(zeros) / Double(total), 0.5 - 0.01)
        XCTAssertEqual(compressor.sparsity, 0.5, accuracy: 0.01)
        XCTAssertGreaterThan(after.accuracy, before - 0.1, "50% pruning and 4-bit weights keep accuracy close after fine-tuning")
        let evaluated = Trainer.evaluate(model, on: data).accuracy
        XCTAssertGreaterThan(evaluated, before - 0.1)
    }
}

final class ActivationQuantizationTests: XCTestCase {
    func testViewSharesWeightsAndRoundsActivations() throws {
        var rng = SeededGenerator(seed: 1)
        for model in [try Architectures.resnet(input: [8, 8, 3], classes: 4, width: 4, stacks: 2, rng: &rng),
                      try Architectures.mobileNetV3(input: [16, 16, 3], classes: 4, width: 0.5, blocks: 4, rng: &rng)] {
            let view = try ActivationQuantization.trainingView(of: model)
            XCTAssertTrue(zip(view.parameters, model.parameters).allSatisfy { $0 === $1 }, "same parameter objects")
            XCTAssertEqual(view.parameters.count, model.parameters.count)
            XCTAssertGreaterThan(view.allLayers.filter { $0 is FakeQuant }.count, 3)
            let x = Tensor(shape: [4] + model.inputShape, data: (0..<(4 * model.inputShape.reduce(1, *))).map { _ in rng.uniform(-1, 1) })
            let y = view.forward(x, training: true)
            // Logits sit on a 256-level grid.
            let levels = Set(y.data.map { ($0 * 1e4).rounded() })
            XCTAssertLessThanOrEqual(levels.count, 256)
            view.backward(Tensor(shape: y.shape, data: .init(repeating: 0.1, count: y.count)))
            XCTAssertTrue(model.parameters.contains { $0.gradient.contains { $0 != 0 } }, "gradients reach the shared weights")
        }
    }
}
