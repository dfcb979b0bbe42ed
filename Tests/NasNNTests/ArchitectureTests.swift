import NasCore
import NasData
import XCTest
@testable import NasNN

final class ArchitectureTests: XCTestCase {
    func testResNet8MatchesTheMLPerfTinyShape() throws {
        var rng = SeededGenerator(seed: 1)
        let model = try Architectures.resnet(input: [32, 32, 3], classes: 10, rng: &rng)
        // MLPerf Tiny's ResNet-8: 78k parameters (BN scales and shifts included).
        XCTAssertEqual(model.parameterCount, 78_186)
        let rows = model.summary()
        XCTAssertEqual(rows.filter { $0.kind == "Residual" }.count, 3)
        XCTAssertEqual(rows.last?.outputShape, [10])
        // Stem conv on 32x32: 32*32*16*27 MACs.
        XCTAssertEqual(rows.first?.macs, 32 * 32 * 16 * 27)
        XCTAssertEqual(rows.first(where: { $0.kind == "GlobalAvgPool" })?.outputShape, [64])
    }

    func testDSCNNMatchesTheKeywordSpottingShape() throws {
        var rng = SeededGenerator(seed: 1)
        let model = try Architectures.dsCNN(input: [49, 10, 1], classes: 12, rng: &rng)
        XCTAssertEqual(model.parameterCount, 23_756)  // MLPerf Tiny DS-CNN: about 23.7k
        XCTAssertEqual(model.summary().first?.outputShape, [24, 5, 64])
    }

    func testEveryFamilyRunsForwardAndBackward() throws {
        var rng = SeededGenerator(seed: 2)
        let models = [
            try Architectures.plainCNN(input: [16, 16, 3], classes: 4, width: 4, depth: 2, dropout: 0.2, seed: 1, rng: &rng),
            try Architectures.plainCNN(input: [32, 2], classes: 3, width: 4, depth: 2, kernel: 5, seed: 1, rng: &rng),
            try Architectures.resnet(input: [16, 16, 3], classes: 5, width: 4, stacks: 2, blocks: 2, rng: &rng),
            try Architectures.mobileNetV3(input: [32, 32, 3], classes: 5, width: 0.5, blocks: 7, rng: &rng),
            try Architectures.dsCNN(input: [20, 10, 1], classes: 6, filters: 8, blocks: 2, rng: &rng),
        ]
        for model in models {
            let x = Tensor(shape: [2] + model.inputShape, data: (0..<(2 * model.inputShape.reduce(1, *))).map { _ in rng.uniform(-1, 1) })
            let y = model.forward(x, training: true)
            XCTAssertEqual(y.shape, [2, model.classes], model.name)
            model.backward(Tensor(shape: y.shape, data: .init(repeating: 0.1, count: y.count)))
            XCTAssertTrue(model.parameters.allSatisfy { $0.gradient.allSatisfy(\.isFinite) }, model.name)
            XCTAssertGreaterThan(model.macs, 0)
        }
    }

    func testBadConfigurationsFailWithTheLayer() {
        var rng = SeededGenerator(seed: 1)
        XCTAssertThrowsError(try Architectures.plainCNN(input: [4, 4, 3], classes: 2, depth: 5, seed: 1, rng: &rng)) { error in
            XCTAssertTrue("\(error)".contains("MaxPool2D"), "\(error)")
        }
        XCTAssertThrowsError(try Architectures.resnet(input: [128, 3], classes: 2, rng: &rng)) { error in
            XCTAssertTrue("\(error)".contains("needs image input"), "\(error)")
        }
    }

    func testDropoutDropsTheRateAndKeepsTheMean() {
        let dropout = Dropout(rate: 0.25, seed: 3)
        let x = Tensor(shape: [100, 100], data: .init(repeating: 1, count: 10_000))
        let y = dropout.forward(x, training: true)
        let zeros = y.data.filter { $0 == 0 }.count
        XCTAssertEqual(Double(zeros) / 10_000, 0.25, accuracy: 0.02)
        XCTAssertEqual(y.data.reduce(0, +) / 10_000, 1, accuracy: 0.03)
        let dx = dropout.backward(x)
        XCTAssertEqual(dx.data, y.data, "the gradient passes where the activation passed")
        XCTAssertEqual(dropout.forward(x, training: false), x, "inference is the identity")
    }

    func testSchedules() {
        XCTAssertEqual(LearningRateSchedule.cosine.rate(base: 0.1, step: 0, totalSteps: 100, stepsPerEpoch: 10), 0.1, accuracy: 1e-7)
        XCTAssertEqual(LearningRateSchedule.cosine.rate(base: 0.1, step: 50, totalSteps: 100, stepsPerEpoch: 10), 0.05, accuracy: 1e-6)
        XCTAssertEqual(LearningRateSchedule.step(every: 2, factor: 0.1).rate(base: 1, step: 45, totalSteps: 100, stepsPerEpoch: 10),
                       0.01, accuracy: 1e-6)
    }

    func testSGDMatchesPyTorchsUpdate() {
        let p = Parameter(name: "w", shape: [2], value: [1, -2], isWeight: true)
        p.gradient = [0.5, 0.5]
        let sgd = SGD(momentum: 0.9, weightDecay: 0.1)
        sgd.step([p], learningRate: 0.1)
        // g = 0.5 + 0.1 w; v = g; w -= 0.1 v
        XCTAssertEqual(p.value[0], 1 - 0.1 * 0.6, accuracy: 1e-6)
        XCTAssertEqual(p.value[1], -2 - 0.1 * 0.3, accuracy: 1e-6)
        sgd.step([p], learningRate: 0.1)
        // v = 0.9 v + g'
        let g0 = 0.5 + 0.1 * (1 - 0.06)
        XCTAssertEqual(Double(p.value[0]), 0.94 - 0.1 * (0.9 * 0.6 + g0), accuracy: 1e-6)
    }
}
