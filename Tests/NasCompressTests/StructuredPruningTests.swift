import NasCore
import NasData
import XCTest
@testable import NasCompress
@testable import NasNN

final class StructuredPruningTests: XCTestCase {
    func families() throws -> [Model] {
        var rng = SeededGenerator(seed: 6)
        return [
            try Architectures.plainCNN(input: [12, 12, 3], classes: 5, width: 8, depth: 3, seed: 1, rng: &rng),
            try Architectures.plainCNN(input: [32, 2], classes: 3, width: 8, depth: 2, kernel: 5, seed: 1, rng: &rng),
            try Architectures.resnet(input: [8, 8, 3], classes: 4, width: 8, stacks: 2, rng: &rng),
            try Architectures.mobileNetV3(input: [16, 16, 3], classes: 4, width: 0.5, blocks: 4, rng: &rng),
            try Architectures.dsCNN(input: [12, 6, 1], classes: 4, filters: 8, blocks: 2, rng: &rng),
        ]
    }

    func outputs(_ model: Model, _ x: Tensor) -> [Float] { model.forward(x, training: false).data }

    func input(for model: Model, seed: UInt64) -> Tensor {
        var rng = SeededGenerator(seed: seed)
        return Tensor(shape: [3] + model.inputShape, data: (0..<(3 * model.inputShape.reduce(1, *))).map { _ in rng.uniform(-1, 1) })
    }

    func testNothingPrunedIsAnExactCopy() throws {
        for model in try families() {
            let copy = try StructuredPruning.prune(model, fraction: 0)
            let x = input(for: model, seed: 1)
            XCTAssertEqual(outputs(copy, x), outputs(model, x), model.name)
        }
    }

    func testPrunedModelsAreSmallerAndRun() throws {
        for model in try families() {
            let pruned = try StructuredPruning.prune(model, fraction: 0.5)
            XCTAssertLessThan(pruned.parameterCount, model.parameterCount, model.name)
            XCTAssertLessThan(pruned.macs, model.macs, model.name)
            let y = pruned.forward(input(for: model, seed: 2), training: true)
            XCTAssertEqual(y.shape, [3, model.classes])
            pruned.backward(Tensor(shape: y.shape, data: .init(repeating: 0.1, count: y.count)))
        }
    }

    /// Removing channels equals keeping them and cutting every weight that reads them.
    func testPrunedCNNEqualsTheOriginalWithChannelsCutOff() throws {
        var rng = SeededGenerator(seed: 7)
        let model = try Architectures.plainCNN(input: [10, 10, 3], classes: 4, width: 6, depth: 2, seed: 1, rng: &rng)
        let x = input(for: model, seed: 3)
        _ = model.forward(x, training: true)  // non-trivial batch-norm statistics
        let pruned = try StructuredPruning.prune(model, fraction: 0.5)
        var decisions: [ObjectIdentifier: [Int]] = [:]
        StructuredPruning.decide(model.network.layers, fraction: 0.5, norm: .l1, into: &decisions)
        let convs = model.allLayers.compactMap { $0 as? Conv2D }
        let dense = model.allLayers.compactMap { $0 as? Dense }.last!
        let kept = convs.map { Set(decisions[ObjectIdentifier($0)] ?? Array(0..<$0.outChannels)) }
        XCTAssertEqual(kept.map(\.count), [3, 6])
        // Cut: the second conv's inputs and the classifier's inputs from removed channels.
        let second = convs[1]
        for (i, _) in second.weight.value.enumerated() where !kept[0].contains((i / second.outChannels) % second.inChannels) {
            second.weight.value[i] = 0
        }
        for (i, _) in dense.weight.value.enumerated() where !kept[1].contains(i / dense.outFeatures) {
            dense.weight.value[i] = 0
        }
        let a = outputs(model, x), b = outputs(pruned, x)
        for (u, v) in zip(a, b) { XCTAssertEqual(u, v, accuracy: 1e-4) }
    }
}

/// Channels switched off during training end up exactly the channels structured pruning removes.
final class GradualChannelPruningTests: XCTestCase {
    func testScheduleRisesCubicallyThenHolds() {
        XCTAssertEqual(GradualChannelPruning.scheduled(0.6, step: 0, totalSteps: 100, span: 0.5), 0)
        XCTAssertEqual(GradualChannelPruning.scheduled(0.6, step: 25, totalSteps: 100, span: 0.5), 0.6 * (1 - 0.125), accuracy: 1e-12)
        XCTAssertEqual(GradualChannelPruning.scheduled(0.6, step: 50, totalSteps: 100, span: 0.5), 0.6, accuracy: 1e-12)
        XCTAssertEqual(GradualChannelPruning.scheduled(0.6, step: 90, totalSteps: 100, span: 0.5), 0.6, accuracy: 1e-12)
        let values = (0...100).map { GradualChannelPruning.scheduled(0.6, step: $0, totalSteps: 100, span: 0.7) }
        XCTAssertEqual(values, values.sorted())
    }

    func testSwitchedOffChannelsAreTheOnesRemoved() throws {
        var rng = SeededGenerator(seed: 6)
        let cases = [
            try Architectures.plainCNN(input: [12, 12, 3], classes: 5, width: 8, depth: 3, seed: 1, rng: &rng),
            try Architectures.plainCNN(input: [32, 2], classes: 3, width: 8, depth: 2, kernel: 5, seed: 1, rng: &rng),
            try Architectures.resnet(input: [8, 8, 3], classes: 4, width: 8, stacks: 2, rng: &rng),
            try Architectures.mobileNetV3(input: [16, 16, 3], classes: 4, width: 0.5, blocks: 4, rng: &rng),
            try Architectures.dsCNN(input: [12, 6, 1], classes: 4, filters: 8, blocks: 2, rng: &rng),
        ]
        for model in cases {
            let gradual = try GradualChannelPruning(model, fraction: 0.5)
            gradual.progress(step: 10, of: 100)
            gradual.constrain()
            let early = gradual.channelsOff.reduce(0, +)
            gradual.progress(step: 99, of: 100)
            gradual.constrain()
            XCTAssertGreaterThan(gradual.channelsOff.reduce(0, +), early, model.name)
            let pruned = try StructuredPruning.prune(model, fraction: 0.5)
            var draw = SeededGenerator(seed: 3)
            let x = Tensor(shape: [3] + model.inputShape, data: (0..<(3 * model.inputShape.reduce(1, *))).map { _ in draw.uniform(-1, 1) })
            let full = model.forward(x, training: false).data, small = pruned.forward(x, training: false).data
            for (a, b) in zip(full, small) { XCTAssertEqual(a, b, accuracy: 1e-4, model.name) }
        }
    }

    /// Off stays off: a gradient step cannot bring a switched-off channel back.
    func testReleaseMasksGradientsOfSwitchedOffChannels() throws {
        var rng = SeededGenerator(seed: 2)
        let model = try Architectures.plainCNN(input: [8, 8, 3], classes: 3, width: 4, depth: 2, seed: 1, rng: &rng)
        let gradual = try GradualChannelPruning(model, fraction: 0.5)
        gradual.progress(step: 99, of: 100)
        gradual.constrain()
        for p in model.parameters { p.gradient = .init(repeating: 1, count: p.count) }
        gradual.release()
        let conv = model.network.layers.first as! Conv2D
        let zeroed = (0..<conv.outChannels).filter { c in stride(from: c, to: conv.weight.count, by: conv.outChannels).allSatisfy { conv.weight.gradient[$0] == 0 } }
        XCTAssertEqual(zeroed.count, 2)
        // The channels left on keep their gradients, and the batch norm after the convolution
        // loses its scale's and shift's gradients on exactly the switched-off channels.
        for c in 0..<conv.outChannels where !zeroed.contains(c) {
            XCTAssertTrue(stride(from: c, to: conv.weight.count, by: conv.outChannels).allSatisfy { conv.weight.gradient[$0] == 1 })
        }
        let norm = try XCTUnwrap(model.network.layers.lazy.compactMap { $0 as? BatchNorm }.first)
        for c in 0..<conv.outChannels {
            XCTAssertEqual(norm.gamma.gradient[c], zeroed.contains(c) ? 0 : 1)
            XCTAssertEqual(norm.beta.gradient[c], zeroed.contains(c) ? 0 : 1)
        }
    }
}

/// A parameter-free layer neither compression pass knows.
private final class UnknownShift: Layer {
    let kind = "UnknownShift"
    var needsInputGradient = true
    func outputShape(_ input: [Int]) throws -> [Int] { input }
    func forward(_ x: Tensor, training: Bool) -> Tensor { x }
    func backward(_ dy: Tensor) -> Tensor { dy }
}

final class CompressionCapabilityTests: XCTestCase {
    func testPassesRefuseALayerWithoutTheirCapability() throws {
        var rng = SeededGenerator(seed: 1)
        let model = try Model(name: "odd", inputShape: [4], classes: 2, layers: [
            Dense(inFeatures: 4, outFeatures: 4, rng: &rng), UnknownShift(), Dense(inFeatures: 4, outFeatures: 2, rng: &rng),
        ])
        XCTAssertThrowsError(try StructuredPruning.prune(model, fraction: 0.5)) { error in
            XCTAssertEqual("\(error)", "structured pruning does not know layer UnknownShift")
        }
        XCTAssertThrowsError(try ActivationQuantization.trainingView(of: model)) { error in
            XCTAssertEqual("\(error)", "activation quantization does not know layer UnknownShift")
        }
    }
}
